//! The live window for real, under Xvfb (`xvfb-run`, installed by .ci/run) on the software
//! Vulkan adapter: it presents frames, its screenshot is the attractor (statistically like the
//! headless render of the same view), the CPU backend works in it, resizing re-creates the
//! targets, and without a display it says how to render headless.

mod common;
use std::path::Path;
use std::process::Command;

fn xvfb() -> bool {
    let found = Command::new("xvfb-run").arg("--help").output().is_ok();
    if !found && std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") {
        panic!("ATTRACTORS_REQUIRE_GPU=1 but xvfb-run is missing (apt-get install xvfb xauth)");
    }
    if !found {
        eprintln!("skipping window test: xvfb-run not found");
    }
    found && common::have_gpu()
}

/// Runs the binary in a virtual X display; returns stderr.
fn in_xvfb(args: &[&str]) -> String {
    in_xvfb_with(args, &[], env!("CARGO_MANIFEST_DIR").as_ref())
}

/// [`in_xvfb`] with test hooks (environment variables) and a working directory.
fn in_xvfb_with(args: &[&str], env: &[(&str, &str)], dir: &Path) -> String {
    let bin = assert_cmd::cargo::cargo_bin("attractors");
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(bin)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {err}");
    err
}

/// Fraction of pixels that are not the black background, and the lit mask on 8x8 blocks.
fn lit(path: &Path) -> (f64, Vec<bool>, (u32, u32)) {
    let img = image::open(path).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    let on = |x: u32, y: u32| img.get_pixel(x, y).0.iter().any(|&c| c > 0);
    let n = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| on(x, y))
        .count();
    let blocks: Vec<bool> = (0..h / 8)
        .flat_map(|by| (0..w / 8).map(move |bx| (bx, by)))
        .map(|(bx, by)| (0..8).any(|dy| (0..8).any(|dx| on(bx * 8 + dx, by * 8 + dy))))
        .collect();
    (n as f64 / (w * h) as f64, blocks, (w, h))
}

#[test]
fn window_renders_the_attractor_like_the_headless_path() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let err = in_xvfb(&[
        "--size",
        "320x240",
        "--frames",
        "40",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert!(err.contains("wrote") && err.contains("40 frames"), "{err}");
    let headless = dir.path().join("headless.png");
    let out = common::bin()
        .args([
            "--size",
            "320x240",
            "--aspect",
            "equal",
            "--iters",
            "2e7",
            "-q",
            "--png",
            headless.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (frac, mask, size) = lit(&shot);
    let (frac_h, mask_h, _) = lit(&headless);
    assert_eq!(size, (320, 240));
    assert!(frac > 0.1, "the window's picture is (nearly) blank: {frac}");
    // Same view: the lit 8x8 blocks overlap almost entirely (intersection over union).
    let inter = mask.iter().zip(&mask_h).filter(|(a, b)| **a && **b).count() as f64;
    let union = mask.iter().zip(&mask_h).filter(|(a, b)| **a || **b).count() as f64;
    assert!(
        inter / union > 0.9,
        "window and headless pictures differ: IoU {} (lit {frac} vs {frac_h})",
        inter / union
    );
}

#[test]
fn window_with_the_cpu_backend_and_the_panel() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("cpu.png");
    let err = in_xvfb(&[
        "--backend",
        "cpu",
        "--panel",
        "--size",
        "320x240",
        "--frames",
        "20",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert!(err.contains("accumulating on the CPU"), "{err}");
    let (frac, _, _) = lit(&shot);
    assert!(frac > 0.1, "blank: {frac}");
}

#[test]
fn resizing_recreates_the_targets() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("resized.png");
    in_xvfb_with(
        &[
            "--size",
            "320x240",
            "--frames",
            "40",
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        &[("ATTRACTORS_TEST_RESIZE_AT", "10:400x300")],
        env!("CARGO_MANIFEST_DIR").as_ref(),
    );
    let (frac, _, size) = lit(&shot);
    assert_eq!(size, (400, 300), "the screenshot has the new window size");
    assert!(frac > 0.1, "blank after resizing: {frac}");
}

#[test]
fn without_a_display_it_says_how_to_render_headless() {
    let out = common::bin()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .args(["--frames", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: no display found; use --png FILE for headless export"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

/// "Save PNG" renders in the background: the window keeps presenting frames while it saves, and
/// the file is written (with a fresh name) before the window exits.
#[test]
fn saving_runs_in_the_background() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for backend in ["gpu", "cpu"] {
        let err = in_xvfb_with(
            &["--size", "256x256", "--frames", "60", "--backend", backend],
            &[("ATTRACTORS_TEST_SAVE_AT_FRAME", "5")],
            dir.path(),
        );
        let line = err
            .lines()
            .find(|l| l.starts_with("saved "))
            .unwrap_or_else(|| panic!("{backend}: no save reported: {err}"));
        let frames: u64 = line
            .split("; ")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            frames > 0,
            "{backend}: no frame presented during the save: {line}"
        );
        let name = line.split_whitespace().nth(1).unwrap();
        let img = image::open(dir.path().join(name)).unwrap();
        assert_eq!((img.width(), img.height()), (256, 256));
    }
    // Two saves of the same view got two names.
    let pngs = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(pngs, 2);
}
