//! End-to-end runs of the built binary: outputs, every shipped preset, and every error case
//! (exit code 2, a one-line message naming the input, no panic, no output file).

use assert_cmd::Command;
use std::path::Path;

fn bin() -> Command {
    let mut c = Command::cargo_bin("attractors").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs with args, expects exit code 2 and an error line containing `want`; returns stderr.
fn fails(args: &[&str], want: &str) -> String {
    let out = bin().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "args {args:?}: stderr {err}");
    assert!(
        err.contains(want),
        "args {args:?}: expected '{want}' in: {err}"
    );
    assert!(!err.contains("panicked"), "panic for {args:?}: {err}");
    assert_eq!(
        err.trim_end()
            .lines()
            .filter(|l| l.starts_with("error"))
            .count(),
        1,
        "{err}"
    );
    err
}

#[test]
fn renders_png_and_npy() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("c.png");
    let npy = dir.path().join("c.npy");
    let out = bin()
        .args([
            "--size",
            "96x64",
            "--iters",
            "200k",
            "--png",
            png.to_str().unwrap(),
            "--hist",
            npy.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (96, 64));
    let (w, h, counts) = attractors::output::read_npy_counts(&npy).unwrap();
    assert_eq!((w, h), (96, 64));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let counted: u64 = counts.iter().sum();
    assert!(stderr.contains(&format!("{counted} counted")), "{stderr}");
    assert!(counted > 150_000, "{counted}");
    // The picture is not blank: many distinct colours.
    let rgb = img.to_rgb8();
    let mut colours: Vec<[u8; 3]> = rgb.pixels().map(|p| p.0).collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 50, "{} colours", colours.len());
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn every_shipped_preset_renders() {
    let dir = tempfile::tempdir().unwrap();
    let (presets, _) = attractors::app::load_presets(Some(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/attractors.atr"
    ))))
    .unwrap();
    assert!(presets.len() >= 83);
    for p in &presets {
        let png = dir.path().join(format!("{}.png", p.name));
        let out = bin()
            .args([
                &p.name,
                "--size",
                "48x48",
                "--iters",
                "20000",
                "-q",
                "--png",
                png.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            p.name,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(png.is_file(), "{}", p.name);
    }
}

#[test]
fn exact_mode_and_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("e.npy");
    let out = bin()
        .args([
            "--exact",
            "--equation",
            "de_jong",
            "--params",
            "a=-2.24,b=0.43,c=-0.65,d=-2.43",
            "--start",
            "0.1,-0.1",
        ])
        .args([
            "--bounds",
            "-2,2,-2,2",
            "--size",
            "32x32",
            "--iters",
            "5000",
            "--hist",
            npy.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, _, counts) = attractors::output::read_npy_counts(&npy).unwrap();
    assert!(counts.iter().sum::<u64>() > 4000);
}

#[test]
fn list_commands() {
    let out = bin().arg("list").output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("Clifford") && s.contains("Svensson_1") && s.contains("Tinkerbell"),
        "{s}"
    );
    let out = bin().args(["list", "--equations"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("symmetric_icon (a, b, g, om, l, degree)"), "{s}");
    let out = bin().args(["list", "--palettes"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.lines().any(|l| l == "fire") && s.lines().any(|l| l == "viridis"),
        "{s}"
    );
}

#[test]
fn runs_from_any_directory_with_the_built_in_presets() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Command::cargo_bin("attractors").unwrap();
    let out = c
        .current_dir(dir.path())
        .args([
            "Henon", "--size", "32x32", "--iters", "1e4", "--png", "h.png",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("h.png").is_file());
}

#[test]
fn error_cases_exit_2_with_a_clear_message_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let png = d.join("out.png");
    let p = png.to_str().unwrap();
    let bad_atr = d.join("bad.atr");
    std::fs::write(
        &bad_atr,
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\nA,clifford,0,0,0,1,2,3,,,,\n",
    )
    .unwrap();
    let bad_pal = d.join("pal.atr");
    std::fs::write(
        &bad_pal,
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\nA,henon,0,0,0,1.4,0.3,,,,,,firee\n",
    )
    .unwrap();

    fails(
        &["Clifort", "--png", p],
        "no preset 'Clifort' in attractors.atr; did you mean Clifford",
    );
    fails(
        &["--palette", "fier", "--png", p],
        "--palette: unknown palette 'fier'; did you mean fire",
    );
    fails(
        &["--config", bad_atr.to_str().unwrap(), "A", "--png", p],
        "bad.atr:2: column d: 'clifford' needs 4 parameters (a, b, c, d), found 3",
    );
    fails(
        &["--config", bad_pal.to_str().unwrap(), "A", "--png", p],
        "pal.atr:2: column palette: unknown palette 'firee'",
    );
    fails(
        &[
            "--config",
            d.join("missing.atr").to_str().unwrap(),
            "--png",
            p,
        ],
        "missing.atr: cannot read it",
    );
    fails(&["--iters", "0", "--png", p], "count '0': too small");
    fails(&["--iters", "1e30", "--png", p], "count '1e30': too large");
    fails(&["--size", "0x10", "--png", p], "size '0x10'");
    fails(&["--bounds", "3,-3,-3,3", "--png", p], "xmin < xmax");
    fails(&["--bounds", "-3,3,-3,nan", "--png", p], "finite");
    fails(
        &["--start", "1,2,3,4", "--png", p],
        "start '1,2,3,4': found 4 values",
    );
    fails(
        &["--shade", "loog", "--png", p],
        "invalid value 'loog' for '--shade",
    );
    fails(
        &["--background", "mauve-ish", "--png", p],
        "unknown colour 'mauve-ish'",
    );
    fails(
        &["--png", d.join("no/such/dir/x.png").to_str().unwrap()],
        "does not exist; create it first",
    );
    fails(&["--png", d.to_str().unwrap()], "is a directory");
    fails(
        &["--hist", d.join("counts.csv").to_str().unwrap()],
        "expected a file name ending in .npy",
    );
    fails(
        &["--equation", "henon", "--png", p],
        "--equation henon: give its parameters with --params (a, b missing)",
    );
    fails(
        &["--params", "q=1", "--png", p],
        "'clifford' has no parameter 'q'; its parameters are a, b, c, d",
    );
    fails(
        &["--equation", "henon", "--params", "a=5,b=0.3", "--png", p],
        "every orbit diverges for henon a=5, b=0.3",
    );
    fails(
        &["--iters", "1000"],
        "no output given: use --png FILE or --hist FILE.npy",
    );
    assert!(!png.exists(), "an output was written by a failing run");
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "unexpected files: {leftovers:?}");
}

#[test]
fn a_failing_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("keep.png");
    std::fs::write(&png, b"precious").unwrap();
    fails(
        &["--palette", "nope", "--png", png.to_str().unwrap()],
        "unknown palette",
    );
    assert_eq!(std::fs::read(&png).unwrap(), b"precious");
}

#[test]
fn collapse_to_a_fixed_point_warns() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("f.png");
    let out = bin()
        .args([
            "Ikeda",
            "--params",
            "u=0.5",
            "--size",
            "64x64",
            "--iters",
            "1e5",
            "--png",
            png.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: the orbit collapses to"), "{err}");
}

#[test]
fn ctrl_c_stops_and_writes_what_was_accumulated() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("partial.npy");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "--iters",
            "1e12",
            "--size",
            "64x64",
            "--hist",
            npy.to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let (_, _, counts) = attractors::output::read_npy_counts(&npy).unwrap();
    let held: u64 = counts.iter().sum();
    assert!(held > 0);
    assert!(
        err.contains(&format!("the outputs hold {held} counted points")),
        "{err}"
    );
}

#[test]
fn no_gpu_adapter_gives_the_documented_message_or_a_cpu_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    // No DX12 on Linux: wgpu finds no adapter at all.
    let out = bin()
        .env("WGPU_BACKEND", "dx12")
        .args([
            "--backend",
            "gpu",
            "--iters",
            "1e4",
            "--png",
            png.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no GPU adapter found (tried DX12); use --backend cpu or install a Vulkan driver (on Debian, mesa-vulkan-drivers provides a software one)"),
        "{err}"
    );
    assert!(!png.exists());
    let out = bin()
        .env("WGPU_BACKEND", "dx12")
        .args([
            "--iters",
            "1e4",
            "--size",
            "32x32",
            "--png",
            png.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("note: using the CPU: no GPU adapter found"),
        "{err}"
    );
    assert!(err.contains("backend: CPU sampled"), "{err}");
    assert!(png.is_file());
}

#[test]
fn gpu_backend_flags() {
    if std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() != Ok("1")
        && attractors::gpu::GpuContext::new(None).is_err()
    {
        eprintln!("skipping: no GPU adapter");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("g.png");
    let out = bin()
        .args([
            "--backend",
            "gpu",
            "--size",
            "64x48",
            "--iters",
            "1e5",
            "--png",
            png.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("backend: GPU"), "{err}");
    assert_eq!(image::open(&png).unwrap().width(), 64);
    fails(
        &[
            "--backend",
            "gpu",
            "--exact",
            "--png",
            png.to_str().unwrap(),
        ],
        "--exact runs on the CPU only",
    );
    fails(
        &[
            "--backend",
            "gpu",
            "--adapter",
            "no-such-card",
            "--png",
            png.to_str().unwrap(),
        ],
        "no GPU adapter matches --adapter 'no-such-card'",
    );
    fails(
        &[
            "--backend",
            "gpu",
            "--size",
            "40000x40000",
            "--iters",
            "1e3",
            "--png",
            png.to_str().unwrap(),
        ],
        "the largest square that fits is",
    );
}
