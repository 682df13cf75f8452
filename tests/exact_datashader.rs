//! `--exact` reproduces datashader's aggregate bit for bit. The fixture was made once by the real
//! datashader (tests/fixtures/datashader/make_fixture.py, datashader 0.19.1, numba); its arrays
//! have row 0 at the BOTTOM, ours at the top.

use attractors::attractor::{Equation, Preset};
use attractors::cpu::render_exact;
use attractors::engine::Control;
use attractors::histogram::Bounds;
use attractors::job::Job;
use attractors::output::read_npy_counts;
use std::path::Path;

#[test]
fn exact_mode_matches_datashader_bit_for_bit() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datashader");
    let mut reader = csv::Reader::from_path(dir.join("cases.csv")).unwrap();
    let mut cases = 0;
    for row in reader.records() {
        let r = row.unwrap();
        let num = |i: usize| r[i].parse::<f64>().unwrap();
        let equation = Equation::from_name(&r[1]).unwrap();
        let params: Vec<f64> = r[12].split(' ').map(|v| v.parse().unwrap()).collect();
        let job = Job {
            preset: Preset {
                formula: None,
                name: r[0].to_string(),
                equation,
                start: [num(2), num(3), 0.0],
                params,
                palette: None,
                shade: None,
                background: None,
                bounds: None,
                line: 0,
            },
            width: num(6) as u32,
            height: num(7) as u32,
            bounds: Bounds::new(num(8), num(9), num(10), num(11)).unwrap(),
            iters: num(5) as u64,
            skip: num(4) as u64,
            seed: 0,
            exact: true,
            segment: 0,
            exact_state: None,
        };
        let hist = render_exact(&job, &Control::new());
        let (w, h, ds_counts) = read_npy_counts(&dir.join(format!("{}.npy", &r[0]))).unwrap();
        assert_eq!((w, h), (job.width, job.height));
        // flip datashader's bottom-up rows
        let flipped: Vec<u64> = (0..h as usize)
            .rev()
            .flat_map(|row| ds_counts[row * w as usize..(row + 1) * w as usize].to_vec())
            .collect();
        let differing = hist
            .counts
            .iter()
            .zip(&flipped)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(
            differing, 0,
            "{}: {differing} bins differ from datashader",
            &r[0]
        );
        assert_eq!(
            hist.tally.counted,
            r[13].parse::<u64>().unwrap(),
            "{}",
            &r[0]
        );
        assert_eq!(hist.tally.total(), job.iters);
        cases += 1;
    }
    assert_eq!(cases, 5);
}
