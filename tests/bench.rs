//! `attractors bench` end to end: a short sweep (1e2..1e6, 1 rep) on every backend, checking the
//! CSV, the timings, the agreement column and the plots.

use assert_cmd::Command;

#[test]
fn short_sweep_writes_csv_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("s.csv");
    let plot = dir.path().join("s.png");
    let out = Command::cargo_bin("attractors")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "bench",
            "--iters",
            "1e2..1e6",
            "--reps",
            "1",
            "--size",
            "256x256",
            "--with-seed-figures",
        ])
        .args([
            "--csv",
            csv.to_str().unwrap(),
            "--plot",
            plot.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("machine: ") && stdout.contains("cpu-exact"),
        "{stdout}"
    );

    let mut r = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, attractors::bench::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let gpu_available = !stdout.contains("gpu      : unavailable");
    if std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") {
        assert!(
            gpu_available,
            "ATTRACTORS_REQUIRE_GPU=1 but the bench dropped the GPU: {stdout}"
        );
    }
    let backends: &[&str] = if gpu_available {
        &["gpu", "cpu", "cpu-exact"]
    } else {
        &["cpu", "cpu-exact"]
    };
    let mut reps = 0;
    for row in rows.iter().filter(|r| &r[col("row")] == "rep") {
        reps += 1;
        for c in ["calc_s", "render_s", "png_s", "total_s", "points_per_s"] {
            let v: f64 = row[col(c)].parse().unwrap();
            assert!(v > 0.0, "{c} = {v} in {row:?}");
        }
        let iters: u64 = row[col("iters")].parse().unwrap();
        let backend = &row[col("backend")];
        let has_agreement = !row[col("log_corr")].is_empty() && !row[col("tvd")].is_empty();
        if iters >= 1_000_000 && backend != "cpu" {
            assert!(has_agreement, "no agreement for {backend} at {iters}");
            let lc: f64 = row[col("log_corr")].parse().unwrap();
            // 1e6 points on 256x256 bins: about 15 per bin, so Poisson noise keeps this near 0.89; a
            // wrong renderer (the picture transposed) gives about 0.2.
            assert!(lc > 0.8, "{backend} at {iters}: log-corr {lc}");
        } else {
            assert!(
                !has_agreement,
                "unexpected agreement for {backend} at {iters}"
            );
        }
    }
    assert_eq!(reps, 5 * backends.len(), "one row per size x backend x rep");
    assert_eq!(
        rows.iter().filter(|r| &r[col("row")] == "summary").count(),
        3 * 5 * backends.len()
    );

    let img = image::open(&plot).unwrap();
    assert!(img.width() >= 800 && img.height() >= 600);
    let svg = std::fs::read_to_string(plot.with_extension("svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("seed: C++/OpenGL"),
        "svg"
    );
}

#[test]
fn bench_flag_errors() {
    for (args, want) in [
        (vec!["bench", "--iters", "1e5..1e2"], "the range must go up"),
        (vec!["bench", "--backends", "tpu"], "'tpu' is not a backend"),
        (vec!["bench", "--reps", "0"], "--reps"),
        (vec!["bench", "--iters", "1e2,1e2"], "1e2 is given twice"),
        (
            vec!["bench", "--with-seed-figures"],
            "--with-seed-figures draws the seed's timings on the --plot figure; add --plot",
        ),
        (
            vec!["bench", "--max-seconds", "inf"],
            "--max-seconds inf: expected a finite positive number",
        ),
        (
            vec!["bench", "--max-seconds", "1e400"],
            "--max-seconds inf:",
        ),
        (vec!["bench", "--max-seconds", "NaN"], "--max-seconds NaN:"),
        (
            vec!["bench", "--plot", "/no/such/dir/p.png"],
            "does not exist",
        ),
        (
            vec!["bench", "--plot", "x.svg"],
            "--plot x.svg: expected a file name ending in .png",
        ),
    ] {
        let out = Command::cargo_bin("attractors")
            .unwrap()
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
