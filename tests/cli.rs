//! End-to-end runs of the built binary: outputs, every shipped preset, and every error case
//! (exit code 2, a one-line message naming the input, no panic, no output file).

use assert_cmd::Command;

mod common;
use common::{bin, fails};

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
    // The picture, the counts and the counts' recipe (`.recipe.json`), nothing else.
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn every_shipped_preset_renders() {
    let dir = tempfile::tempdir().unwrap();
    let (presets, _) = (attractors::Presets::builtin().all().to_vec(), String::new());
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
    // The overrides took effect: the picture is exactly De Jong's orbit from (0.1, -0.1) with those
    // parameters, not the Clifford preset's.
    let preset = attractors::Preset {
        name: "check".into(),
        equation: attractors::Equation::DeJong,
        start: [0.1, -0.1, 0.0],
        params: vec![-2.24, 0.43, -0.65, -2.43],
        palette: None,
        shade: None,
        background: None,
        bounds: None,
        line: 0,
        formula: None,
    };
    let job = attractors::Job::builder(preset)
        .size(32, 32)
        .points(5000)
        .exact(true)
        .bounds(attractors::Bounds::new(-2.0, 2.0, -2.0, 2.0).unwrap())
        .build()
        .unwrap();
    let want = attractors::cpu::render_exact(&job, &attractors::Control::new());
    assert_eq!(counts, want.counts);
    let mut clifford = job.clone();
    clifford.preset = attractors::Presets::builtin()
        .get("Clifford")
        .unwrap()
        .clone();
    let other = attractors::cpu::render_exact(&clifford, &attractors::Control::new());
    assert_ne!(counts, other.counts);
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

/// SIGINT (Ctrl-C), SIGTERM (a batch scheduler) and SIGHUP (a closed terminal) all stop the
/// render, write what was accumulated and a checkpoint, print the resume command, exit 130 and
/// leave no temporary file. The signal is sent once the render has started (its "backend:" line),
/// not after a sleep. SIGTERM is sent twice back to back, as `timeout` delivers it (to the
/// process, then to its group): that is one stop, not the second signal that ends at once.
#[test]
fn termination_signals_keep_the_work() {
    use std::io::{BufRead, BufReader, Read};
    for (sig, times) in [("INT", 1), ("TERM", 2), ("HUP", 1)] {
        let dir = tempfile::tempdir().unwrap();
        let npy = dir.path().join("partial.npy");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attractors"))
            .current_dir(dir.path())
            .args([
                "--backend",
                "cpu",
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
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut text = String::new();
        while !text.contains("backend:") {
            let mut line = String::new();
            assert!(err.read_line(&mut line).unwrap() > 0, "ended early: {text}");
            text += &line;
        }
        let pid = child.id().to_string();
        let status = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .args(std::iter::repeat_n(&pid, times))
            .status()
            .unwrap();
        assert!(status.success());
        err.read_to_string(&mut text).unwrap();
        let code = child.wait().unwrap().code();
        assert_eq!(code, Some(130), "SIG{sig}: {text}");
        let (_, _, counts) = attractors::output::read_npy_counts(&npy).unwrap();
        let held: u64 = counts.iter().sum();
        assert!(
            text.contains(&format!("with the {held} counted points")),
            "SIG{sig}: {text}"
        );
        assert!(text.contains("--resume"), "SIG{sig}: {text}");
        assert!(dir.path().join("partial.ckpt.json").is_file(), "SIG{sig}");
        let temps: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(
            temps.is_empty(),
            "SIG{sig}: temporary files left: {temps:?}"
        );
    }
}

/// A command that does not keep half-done work (here `bench`) stops at the first signal: exit
/// 130, one line saying nothing was written, no output and no temporary file left.
#[test]
fn a_signal_stops_other_commands_at_once_and_cleanly() {
    use std::io::{BufRead, BufReader, Read};
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(dir.path())
        .args(["bench", "--iters", "1e4..1e12", "--backends", "cpu"])
        .args(["--reps", "1", "--size", "64x64", "--csv", "b.csv"])
        .args(["--plot", "b.png"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    while !text.contains("1e5 points") {
        let mut line = String::new();
        assert!(err.read_line(&mut line).unwrap() > 0, "ended early: {text}");
        text += &line;
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    err.read_to_string(&mut text).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{text}");
    assert!(
        text.ends_with("interrupted: stopped; nothing was written\n"),
        "{text}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left: {left:?}");
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
    if !common::have_gpu() {
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

/// `--equation` replacing the preset's equation: the summary names the equation, not the preset.
#[test]
fn the_summary_names_the_equation_that_replaced_the_preset() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("dj.png");
    let out = bin()
        .args([
            "--equation",
            "de_jong",
            "--params",
            "a=-2.24,b=0.43,c=-0.65,d=-2.43",
        ])
        .args(["--size", "32x32", "--iters", "1e4", "--backend", "cpu"])
        .args(["--png", png.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("De_Jong: 10000 points"), "{err}");
    assert!(!err.contains("Clifford"), "{err}");
}

/// CSS colour names are accepted by `--background` and listed by `list --colors`; an unknown one
/// says where the list is and suggests close names.
#[test]
fn css_colour_names() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("bg.png");
    for name in ["darkblue", "Ivory", "rebeccapurple"] {
        let out = bin()
            .args(["--background", name, "--size", "16x16", "--iters", "1e3"])
            .args(["--backend", "cpu", "-q", "--png", png.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = bin().args(["list", "--colors"]).output().unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert_eq!(list.lines().count(), 148);
    assert!(list.contains("darkblue #00008b\n"), "{list}");
    let err = fails(
        &["--background", "darkblu", "--png", "x.png"],
        "unknown colour 'darkblu'",
    );
    assert!(err.contains("attractors list --colors"), "{err}");
    // The suggestion closes the message, after the forms a colour may take.
    assert!(
        err.trim_end()
            .ends_with("#rrggbb or #rrggbbaa; did you mean darkblue, darkred, darksalmon?"),
        "{err}"
    );
}

/// `--backend auto` takes the library's one decision (a software adapter such as lavapipe loses
/// to the CPU engine, a hardware GPU wins, no adapter means the CPU), says which and why in one
/// note, and `attractors info` shows the same decision.
#[test]
fn auto_takes_the_faster_engine_and_says_why() {
    use attractors::Backend;
    use attractors::backend::AutoChoice;
    let choice = AutoChoice::for_machine(None);
    let expected = match attractors::gpu::context::best_adapter_info() {
        Ok(info) if info.device_type != wgpu::DeviceType::Cpu => Backend::Gpu,
        _ => Backend::Cpu,
    };
    assert_eq!(choice.backend, expected, "{}", choice.line());
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("a.png");
    let out = bin()
        .args(["--size", "32x32", "--iters", "1e4", "--png"])
        .arg(&png)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let note = format!("note: {}", choice.line());
    assert_eq!(
        err.matches(&note).count(),
        1,
        "one line says which and why: {err}"
    );
    let engine = match expected {
        Backend::Gpu => "backend: GPU",
        _ => "backend: CPU sampled",
    };
    assert!(err.contains(engine), "{err}");
    let info = bin().arg("info").output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains(&format!("--backend auto: {}", choice.line())),
        "{text}"
    );
}
