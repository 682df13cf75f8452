//! Shading parity with datashader itself: tests/fixtures/datashader/shade/ holds three aggregates
//! made by datashader 0.19.1 and its own `transfer_functions.shade` pictures of each, for every
//! tone map and five palettes (plus fixed spans); make_shade_fixture.py made them. Every picture
//! must be reproduced within one level per channel on every pixel, by `attractors shade` (CPU)
//! and by the GPU shade pass (skipped without an adapter unless ATTRACTORS_REQUIRE_GPU=1).

mod common;
use attractors::gpu::{GpuContext, ShadePass};
use attractors::histogram::{Bounds, Histogram};
use attractors::shade::{Color, Palette, Shade, Span, Style};
use common::bin;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datashader/shade")
}

struct Case {
    aggregate: String,
    shade: String,
    palette: String,
    span: Option<(u64, u64)>,
    png: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("cases.csv")).unwrap();
    let cases: Vec<Case> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 6, "{l}");
            Case {
                aggregate: f[0].into(),
                shade: f[1].into(),
                palette: f[2].into(),
                span: (!f[3].is_empty()).then(|| (f[3].parse().unwrap(), f[4].parse().unwrap())),
                png: f[5].into(),
            }
        })
        .collect();
    // 3 aggregates x 4 tone maps x 5 palettes, and the span cases.
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    cases
}

fn datashader_rgba(case: &Case) -> (u32, u32, Vec<u8>) {
    let img = image::open(dir().join(&case.png)).unwrap().to_rgba8();
    (img.width(), img.height(), img.into_raw())
}

/// The largest difference of any channel of any pixel, and how many pixels differ at all.
fn compare(ours: &[u8], theirs: &[u8]) -> (u8, usize) {
    assert_eq!(ours.len(), theirs.len());
    let max = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap_or(0);
    let differing = ours
        .chunks_exact(4)
        .zip(theirs.chunks_exact(4))
        .filter(|(a, b)| a != b)
        .count();
    (max, differing)
}

fn check_all(path: &str, mut shade: impl FnMut(&Case) -> Vec<u8>) {
    let mut failures = Vec::new();
    let (mut exact, mut total) = (0usize, 0usize);
    for case in cases() {
        let (_, _, theirs) = datashader_rgba(&case);
        let ours = shade(&case);
        let (max, differing) = compare(&ours, &theirs);
        exact += theirs.len() / 4 - differing;
        total += theirs.len() / 4;
        if max > 1 {
            failures.push(format!(
                "{}: {differing} pixels differ, by up to {max} levels",
                case.png
            ));
        }
    }
    eprintln!(
        "{path}: {exact} of {total} pixels identical to datashader's, the rest within one level"
    );
    assert!(failures.is_empty(), "{path}:\n{}", failures.join("\n"));
}

#[test]
fn cpu_shade_command_matches_datashader() {
    let tmp = tempfile::tempdir().unwrap();
    check_all("attractors shade (CPU)", |case| {
        let out = tmp.path().join(&case.png);
        let npy = dir().join(format!("{}.npy", case.aggregate));
        let mut args = vec![
            "shade".to_string(),
            npy.to_str().unwrap().into(),
            "--shade".into(),
            case.shade.clone(),
            "--palette".into(),
            case.palette.clone(),
            "--background".into(),
            "transparent".into(),
            "--png".into(),
            out.to_str().unwrap().into(),
            "--quiet".into(),
        ];
        if let Some((a, b)) = case.span {
            args.extend(["--span".into(), format!("{a},{b}")]);
        }
        bin().args(&args).assert().success();
        image::open(&out).unwrap().to_rgba8().into_raw()
    });
}

#[test]
fn gpu_shade_pass_matches_datashader() {
    let ctx = match GpuContext::new(None) {
        Ok(c) => c,
        Err(e) if std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") => {
            panic!("ATTRACTORS_REQUIRE_GPU=1 but no GPU: {e}")
        }
        Err(e) => {
            eprintln!("skipping GPU test: {e}");
            return;
        }
    };
    let pass = ShadePass::new(&ctx);
    check_all("GPU shade pass", |case| {
        let npy = dir().join(format!("{}.npy", case.aggregate));
        let (width, height, counts) = attractors::output::read_npy_counts(&npy).unwrap();
        let mut hist = Histogram::new(width, height, Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap());
        hist.counts = counts;
        let style = Style {
            shade: case.shade.parse::<Shade>().unwrap(),
            palette: Palette::from_name(&case.palette).unwrap(),
            background: Color([0, 0, 0, 0]),
            span: case.span.map(|(min, max)| Span { min, max }),
        };
        pass.shade(&ctx, &hist, &style).unwrap()
    });
}

/// The comparison can fail: datashader's own pictures of one aggregate under two tone maps
/// differ by far more than one level.
#[test]
fn the_comparison_tells_tone_maps_apart() {
    let cs = cases();
    let find = |shade: &str| {
        cs.iter()
            .find(|c| c.aggregate == "clifford" && c.palette == "fire" && c.shade == shade)
            .unwrap()
    };
    let (_, _, log) = datashader_rgba(find("log"));
    let (_, _, cbrt) = datashader_rgba(find("cbrt"));
    assert!(compare(&log, &cbrt).0 > 10);
}
