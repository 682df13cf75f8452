//! Print-quality output: 16-bit PNG without 8-bit banding, float EXR read back, supersampling and
//! density estimation (their recipes, their sizes, and that `--de` denoises: measured against a
//! reference with 100 times the points).

mod common;
use common::bin;
use std::path::Path;

fn run_in(dir: &Path, args: &[&str]) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
}

const SMALL: [&str; 10] = [
    "--backend",
    "cpu",
    "--size",
    "256x256",
    "--iters",
    "2e6",
    "--seed",
    "4",
    "--checkpoint",
    "0",
];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    let mut a = SMALL.to_vec();
    a.extend_from_slice(extra);
    a
}

#[test]
fn a_16_bit_png_has_more_than_256_levels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Density estimation makes the density smooth (many distinct values, unlike whole counts);
    // a grey palette puts the level in every channel.
    let smooth = ["--shade", "log", "--de", "4", "--palette", "gray"];
    let mut a16 = with(&smooth);
    a16.extend(["--png", "a16.png", "--depth", "16", "-q"]);
    run_in(d, &a16);
    let mut a8 = with(&smooth);
    a8.extend(["--png", "a8.png", "-q"]);
    run_in(d, &a8);
    // Distinct values of the first channel, decoded as stored (no transformation).
    let levels = |name: &str| {
        let file = std::io::BufReader::new(std::fs::File::open(d.join(name)).unwrap());
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let bytes = info.line_size / info.width as usize;
        let mut v: Vec<u32> = buf[..info.buffer_size()]
            .chunks_exact(bytes)
            .map(|p| match info.bit_depth {
                png::BitDepth::Sixteen => u16::from_be_bytes([p[0], p[1]]) as u32,
                _ => p[0] as u32,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let (l16, l8) = (levels("a16.png"), levels("a8.png"));
    assert!(l8 <= 256, "an 8-bit picture has at most 256 levels: {l8}");
    assert!(
        l16 > 256,
        "16-bit output is not banded to 8 bits: {l16} levels"
    );
    let r = attractors::recipe::load(&d.join("a16.png"))
        .unwrap()
        .into_picture("a16.png")
        .unwrap();
    assert_eq!(r.depth, 16);
}

#[test]
fn the_exr_holds_the_counts_the_levels_and_the_recipe() {
    use exr::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_in(d, &with(&["--exr", "a.exr", "--hist", "a.npy", "-q"]));
    let (w, h, counts) = attractors::output::read_npy_counts(&d.join("a.npy")).unwrap();
    let image = read()
        .no_deep_data()
        .largest_resolution_level()
        .all_channels()
        .all_layers()
        .all_attributes()
        .from_file(d.join("a.exr"))
        .unwrap();
    let layer = &image.layer_data[0];
    assert_eq!(layer.size, Vec2(w as usize, h as usize));
    let channel = |name: &str| -> Vec<f32> {
        layer
            .channel_data
            .list
            .iter()
            .find(|c| c.name == Text::new_or_panic(name))
            .unwrap_or_else(|| panic!("no channel {name}"))
            .sample_data
            .values_as_f32()
            .collect()
    };
    let (count, level) = (channel("count"), channel("level"));
    assert_eq!(count.len(), counts.len());
    assert!(count.iter().zip(&counts).all(|(f, c)| *f == *c as f32));
    assert!(level.iter().all(|l| (0.0..=1.0).contains(l)));
    assert!(level.contains(&1.0), "the densest bin reaches the top");
    let doc = attractors::recipe::load(&d.join("a.exr")).unwrap();
    assert_eq!(doc.into_picture("a.exr").unwrap().size, [256, 256]);
}

/// The EXR's R, G, B, A are the PNG's picture in linear light (premultiplied by alpha, as
/// OpenEXR expects), beside the unchanged counts: a viewer shows the picture, not black.
#[test]
fn the_exr_holds_the_pngs_picture_in_linear_rgba() {
    use attractors::output::srgb_to_linear;
    use exr::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A half-transparent background checks the empty pixels' alpha and premultiplication.
    let look = ["--palette", "viridis", "--background", "#10204080"];
    let mut args = with(&look);
    args.extend(["--png", "a.png", "--exr", "a.exr", "--hist", "a.npy", "-q"]);
    run_in(d, &args);
    let png = image::open(d.join("a.png")).unwrap().to_rgba8();
    let (_, _, counts) = attractors::output::read_npy_counts(&d.join("a.npy")).unwrap();
    let image = read()
        .no_deep_data()
        .largest_resolution_level()
        .all_channels()
        .all_layers()
        .all_attributes()
        .from_file(d.join("a.exr"))
        .unwrap();
    let layer = &image.layer_data[0];
    let channel = |name: &str| -> Vec<f32> {
        let name = Text::new_or_panic(name);
        let found = layer.channel_data.list.iter().find(|c| c.name == name);
        let c = found.unwrap_or_else(|| panic!("no channel {name}"));
        c.sample_data.values_as_f32().collect()
    };
    let rgba = ["R", "G", "B", "A"].map(channel);
    let count = channel("count");
    assert_eq!(count.len(), counts.len());
    assert!(count.iter().zip(&counts).all(|(f, c)| *f == *c as f32));
    let mut lit = 0;
    for (i, (p, &c)) in png.pixels().zip(&counts).enumerate() {
        let a = p.0[3] as f64 / 255.0;
        assert!((rgba[3][i] as f64 - a).abs() < 1e-6, "alpha of pixel {i}");
        for (k, channel) in rgba.iter().take(3).enumerate() {
            let v = channel[i] as f64;
            if c == 0 {
                // The background exactly, premultiplied.
                let want = srgb_to_linear(p.0[k] as f64 / 255.0) * a;
                assert!(
                    (v - want).abs() < 1e-6,
                    "pixel {i} channel {k}: {v} vs {want}"
                );
            } else {
                // The PNG truncates the palette's channel to 8 bits; the EXR keeps it whole.
                let lo = srgb_to_linear(p.0[k] as f64 / 255.0);
                let hi = srgb_to_linear((p.0[k] as f64 + 1.0) / 255.0);
                assert!(
                    lo - 1e-6 <= v && v <= hi + 1e-6,
                    "pixel {i} channel {k}: {v} not in {lo}..{hi}"
                );
                lit += 1;
            }
        }
    }
    assert!(lit > 1000, "the picture has lit pixels to compare: {lit}");
}

#[test]
fn supersampling_and_de_keep_the_picture_size_and_re_render_identically() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = with(&["--supersample", "2", "--de", "6,0.5,0.4"]);
    args.extend(["--png", "s.png", "--hist", "s.npy", "-q"]);
    run_in(d, &args);
    let img = image::open(d.join("s.png")).unwrap();
    assert_eq!((img.width(), img.height()), (256, 256));
    let (w, h, _) = attractors::output::read_npy_counts(&d.join("s.npy")).unwrap();
    assert_eq!(
        (w, h),
        (512, 512),
        "the counts are the supersampled histogram"
    );
    let r = attractors::recipe::load(&d.join("s.png"))
        .unwrap()
        .into_picture("s.png")
        .unwrap();
    assert_eq!((r.size, r.supersample), ([256, 256], 2));
    assert_eq!(
        r.de.map(|de| (de.radius, de.min, de.curve)),
        Some((6.0, 0.5, 0.4))
    );
    run_in(
        d,
        &[
            "--from",
            "s.png",
            "--backend",
            "cpu",
            "--checkpoint",
            "0",
            "--png",
            "t.png",
            "-q",
        ],
    );
    assert!(std::fs::read(d.join("s.png")).unwrap() == std::fs::read(d.join("t.png")).unwrap());
    common::fails(&["--de", "0"], "--de '0': RADIUS 0 is out of range");
    common::fails(
        &["--de", "0.25"],
        "--de '0.25': RADIUS 0.25 is below half a pixel, where the blur changes no pixel",
    );
    common::fails(&["--supersample", "5"], "--supersample");
}

/// The counts of `name` at `size` with `points` points (CPU, seed `seed`).
fn render(name: &str, size: u32, points: u64, seed: u64) -> attractors::Histogram {
    common::render_cpu(name, size, size, points, seed)
}

/// Mean absolute difference of log1p(density), each density scaled to a mean of 1 per pixel.
fn log_mae(a: &[f64], b: &[f64]) -> f64 {
    let norm = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        v.iter()
            .map(move |x| (x / mean).ln_1p())
            .collect::<Vec<_>>()
    };
    let (a, b) = (norm(a), norm(b));
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum::<f64>() / a.len() as f64
}

/// (plain, with --de): the log-density error of a render with `points` points against a
/// reference with 100 times as many.
fn denoising(name: &str, size: u32, points: u64, de: &str) -> (f64, f64) {
    let de: attractors::density::De = de.parse().unwrap();
    let reference = render(name, size, points * 100, 1);
    let reference: Vec<f64> = reference.counts.iter().map(|&c| c as f64).collect();
    let sparse = render(name, size, points, 2);
    let plain: Vec<f64> = sparse.counts.iter().map(|&c| c as f64).collect();
    let smooth = attractors::density::estimate(&sparse, &de);
    (log_mae(&plain, &reference), log_mae(&smooth, &reference))
}

#[test]
fn density_estimation_brings_a_sparse_render_closer_to_a_dense_one() {
    let (plain, de) = denoising("Clifford", 256, 100_000, "4");
    assert!(de < plain * 0.8, "--de 4: error {de:.4}, plain {plain:.4}");
}

/// The guide's numbers (Rendering and print quality): two presets at 2048x2048, 4e6 points against 4e8.
/// `cargo test --release --test print_quality -- --ignored --nocapture`
#[test]
#[ignore]
fn measure_denoising_at_2048() {
    for name in ["Clifford", "De_Jong_1"] {
        for de in ["9", "4"] {
            let (plain, smooth) = denoising(name, 2048, 4_000_000, de);
            println!(
                "{name} 2048x2048, 4e6 vs 4e8 points: log-density MAE plain {plain:.4}, --de {de} {smooth:.4}"
            );
        }
    }
}
