//! Reliability (issue 10): every class of failure a long or careless run can meet is refused up
//! front with one clear message, or handled without losing work; each test names its class.

mod common;
use common::{bin, fails};
use std::path::Path;
use std::time::Duration;

/// Runs the binary in `dir` with `args` and the environment `env`; returns (exit code, stderr).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = bin();
    c.current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(120));
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Like `common::fails`, run in `dir` and with a time limit (special files must never hang).
fn fails_in(dir: &Path, args: &[&str], want: &str) -> String {
    let (code, err) = run_in(dir, args, &[]);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(err.contains(want), "{args:?}: expected '{want}' in: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

const SMALL: [&str; 6] = ["--backend", "cpu", "--iters", "1e4", "--size", "32x32"];

fn small<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = SMALL.to_vec();
    a.extend_from_slice(extra);
    a
}

fn long<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["--backend", "cpu", "--iters", "1e8", "--size", "32x32"];
    a.extend_from_slice(extra);
    a
}

/// Class 2: at 4096x4096 the driver still checkpoints on time (batches are sized by time, not by
/// the canvas). With `--checkpoint 1`, a run that rendered for 2 s or more must have written a
/// timed checkpoint before it was stopped; a machine too fast to render that long is reported.
#[test]
fn checkpoints_come_on_time_on_a_large_canvas() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_in(
        dir.path(),
        &[
            "--backend",
            "cpu",
            "--size",
            "4096x4096",
            "--iters",
            "1e12",
            "--checkpoint",
            "1",
            "--hist",
            "big.npy",
        ],
        &[("ATTRACTORS_TEST_INTERRUPT_AT", "6000000")],
    );
    assert_eq!(code, Some(130), "{err}");
    // The summary line: "NAME: N points in S s (R points/s): ..." (or "S ms" under a second);
    // the stop's own checkpoint comes after it.
    let summary = err
        .find(" points/s)")
        .unwrap_or_else(|| panic!("no summary line: {err}"));
    let line_start = err[..summary].rfind('\n').map_or(0, |i| i + 1);
    let secs: f64 = err[line_start..summary]
        .split(" points in ")
        .nth(1)
        .and_then(|r| r.split(" (").next())
        .and_then(|t| match t.split_once(' ') {
            Some((v, "s")) => v.parse().ok(),
            Some((v, "ms")) => v.parse::<f64>().ok().map(|ms| ms / 1e3),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no seconds in the summary: {err}"));
    let timed = err[..line_start].matches("checkpoint: ").count();
    if secs >= 2.0 {
        assert!(
            timed >= 1,
            "rendered {secs} s with --checkpoint 1 but no checkpoint before the stop: {err}"
        );
    } else {
        eprintln!("not judged: this machine rendered the points in {secs} s (< 2 s)");
    }
    assert!(dir.path().join("big.ckpt.json").is_file(), "{err}");
}

/// Class 3: output paths are checked before any work.
#[test]
fn output_paths_are_checked_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails_in(
        d,
        &small(&["--png", "x.png/"]),
        "--png x.png/: ends with a path separator; give a file name like out.png",
    );
    let long = format!("{}.png", "n".repeat(300));
    fails_in(
        d,
        &small(&["--png", &long]),
        "the file system refuses a file name of 304 bytes",
    );
    fails_in(
        d,
        &["bench", "--iters", "1e2", "--csv", "x.csv/"],
        "x.csv/: ends with a path separator",
    );
    assert!(names_in(d).is_empty(), "{:?}", names_in(d));
}

/// Class 4: a read-only output file (and a read-only directory, where chmod takes effect) is
/// refused before the render.
#[test]
fn read_only_outputs_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ro.png"), b"keep").unwrap();
    std::fs::set_permissions(d.join("ro.png"), std::fs::Permissions::from_mode(0o444)).unwrap();
    fails_in(
        d,
        &small(&["--png", "ro.png"]),
        "--png ro.png: exists and is read-only; make it writable (chmod u+w)",
    );
    assert_eq!(std::fs::read(d.join("ro.png")).unwrap(), b"keep");
    let sub = d.join("ro");
    std::fs::create_dir(&sub).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(sub.join("probe"), b"").is_ok() {
        eprintln!("skipping the read-only directory case: chmod is not effective here (root?)");
    } else {
        fails_in(
            d,
            &small(&["--png", "ro/x.png"]),
            "cannot write in ro; choose a writable directory",
        );
    }
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Class 5: an output may not be a checkpoint's file, and a run never overwrites or deletes a
/// checkpoint-named file it did not create.
#[test]
fn checkpoint_files_are_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails_in(
        d,
        &small(&["--resume", "c.ckpt.json", "--hist", "c.ckpt.b.npy"]),
        "c.ckpt.b.npy: is a file of the checkpoint c.ckpt.json; write the output under another name",
    );
    std::fs::write(d.join("o.ckpt.b.npy"), b"not ours").unwrap();
    fails_in(
        d,
        &small(&["--hist", "o.npy"]),
        "o.ckpt.b.npy exists but is not this run's (no checkpoint o.ckpt.json names it)",
    );
    // Without checkpoints the run goes ahead, stopped early and completed, and leaves it alone.
    let (code, err) = run_in(
        d,
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e7",
            "--size",
            "32x32",
            "--checkpoint",
            "0",
            "--hist",
            "o.npy",
        ],
        &[("ATTRACTORS_TEST_INTERRUPT_AT", "100000")],
    );
    assert_eq!(code, Some(130), "{err}");
    let (code, err) = run_in(d, &small(&["--checkpoint", "0", "--hist", "o.npy"]), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read(d.join("o.ckpt.b.npy")).unwrap(), b"not ours");
    assert_eq!(names_in(d), ["o.ckpt.b.npy", "o.npy", "o.recipe.json"]);
}

/// Class 6: the counts file of another job with the same shape and the same sum is refused by
/// the content hash.
#[test]
fn a_swapped_counts_file_is_refused_on_resume() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = |out: &'static str, seed: &'static str| {
        vec![
            "--backend",
            "cpu",
            "--iters",
            "1e7",
            "--size",
            "32x32",
            "--bounds",
            "-3,3,-3,3",
            "--seed",
            seed,
            "--checkpoint",
            "1",
            "--hist",
            out,
        ]
    };
    let hook = [
        ("ATTRACTORS_TEST_INTERRUPT_AT", "100000"),
        ("ATTRACTORS_TEST_CHECKPOINT_EVERY", "1000000"),
    ];
    for (out, seed) in [("a.npy", "1"), ("b.npy", "2")] {
        let (code, err) = run_in(d, &job(out, seed), &hook);
        assert_eq!(code, Some(130), "{err}");
    }
    let meta = |name: &str| -> attractors::checkpoint::Meta {
        serde_json::from_slice(&std::fs::read(d.join(name)).unwrap()).unwrap()
    };
    let (ma, mb) = (meta("a.ckpt.json"), meta("b.ckpt.json"));
    // Same shape; make the sums equal by moving counts within b's file if they differ.
    let (w, h, mut other) = attractors::output::read_npy_counts(&d.join(&mb.counts)).unwrap();
    let (_, _, own) = attractors::output::read_npy_counts(&d.join(&ma.counts)).unwrap();
    assert_ne!(other, own, "the two seeds gave the same counts");
    let diff = ma.counted as i64 - other.iter().sum::<u64>() as i64;
    other[0] = (other[0] as i64 + diff).max(0) as u64;
    assert_eq!(other.iter().sum::<u64>(), ma.counted);
    let mut hist = attractors::histogram::Histogram::new(
        w,
        h,
        attractors::histogram::Bounds::new(-3.0, 3.0, -3.0, 3.0).unwrap(),
    );
    hist.counts = other;
    let target = d.join(&ma.counts);
    std::fs::remove_file(&target).unwrap();
    attractors::output::OutputFile::prepare(&target, attractors::output::Kind::Npy)
        .unwrap()
        .write_npy(&hist)
        .unwrap()
        .commit()
        .unwrap();
    let mut resume = job("a.npy", "1");
    resume.extend(["--resume", "a.ckpt.json"]);
    fails_in(d, &resume, "hold the right number of points");
}

/// Class 7: special files are refused at once (a FIFO is never opened, so nothing blocks).
#[test]
fn special_files_are_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails_in(
        d,
        &small(&["--config", "/dev/zero", "--png", "o.png"]),
        "--config /dev/zero: is a device, not a regular file; give a file",
    );
    let fifo = d.join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipping the FIFO cases: mkfifo is not available");
        return;
    }
    fails_in(
        d,
        &small(&["--config", "pipe", "--png", "o.png"]),
        "--config pipe: is a FIFO (named pipe), not a regular file",
    );
    fails_in(
        d,
        &small(&["--resume", "pipe", "--png", "o.png"]),
        "--resume pipe: is a FIFO (named pipe), not a regular file",
    );
    assert_eq!(names_in(d), ["pipe"]);
}

/// Class 8: absurd values are refused, and a stop asked for before the first batch is honoured
/// (sampled and exact).
#[test]
fn absurd_values_and_an_early_stop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fails_in(
        d,
        &small(&["--skip", "2e9", "--png", "o.png"]),
        "invalid value '2e9' for '--skip <S>': count '2e9': too large; expected a whole number from 0 to 1e9",
    );
    for exact in [false, true] {
        let mut args = vec![
            "--backend",
            "cpu",
            "--iters",
            "1e9",
            "--size",
            "32x32",
            "--hist",
            "e.npy",
        ];
        if exact {
            args.push("--exact");
        }
        let (code, err) = run_in(d, &args, &[("ATTRACTORS_TEST_INTERRUPT_AT", "1")]);
        assert_eq!(code, Some(130), "exact {exact}: {err}");
        let m: attractors::checkpoint::Meta =
            serde_json::from_slice(&std::fs::read(d.join("e.ckpt.json")).unwrap()).unwrap();
        assert!(m.done < 1_000_000, "exact {exact}: ran on to {}", m.done);
        for f in names_in(d) {
            std::fs::remove_file(d.join(f)).unwrap();
        }
    }
}

/// Class 9: a bench size that cannot fit in memory is refused up front.
#[test]
fn bench_refuses_a_canvas_beyond_memory() {
    let dir = tempfile::tempdir().unwrap();
    fails_in(
        dir.path(),
        &[
            "bench",
            "--size",
            "65536x65536",
            "--backends",
            "cpu",
            "--iters",
            "1e2",
        ],
        "needs about",
    );
}

/// Class 11: a parameter named twice.
#[test]
fn duplicate_parameters_are_refused() {
    fails(
        &["--params", "a=1,a=2", "--iters", "1e4"],
        "params 'a=1,a=2': 'a' is given twice; give each parameter once",
    );
}

/// Class 12: a blank result and an all-diverging start warn, also under --quiet.
#[test]
fn result_warnings_show_under_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, err) = run_in(
        d,
        &small(&["--quiet", "--bounds", "100,101,100,101", "--png", "b.png"]),
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: no point fell inside the bounds 100,101,100,101"),
        "{err}"
    );
    let (code, err) = run_in(
        d,
        &small(&[
            "--quiet",
            "--equation",
            "henon",
            "--params",
            "a=1.4,b=0.3",
            "--start",
            "1e300,0",
            "--exact",
            "--bounds",
            "-2,2,-2,2",
            "--png",
            "v.png",
        ]),
        &[],
    );
    assert!(
        !err.contains("000000000000"),
        "a huge number in full: {err}"
    );
    assert!(err.contains("1e300"), "{err}");
    assert!(err.contains("diverge"), "code {code:?}: {err}");
    // A cycle too long to collapse the picture (period 32 lights 32 pixels) is still named, by
    // the search's own orbit check.
    let (code, err) = run_in(
        d,
        &[
            "--quiet",
            "--backend",
            "cpu",
            "--iters",
            "1e5",
            "--size",
            "256x256",
            "--equation",
            "henon",
            "--params",
            "a=1.0575,b=0.3",
            "--start",
            "0,0",
            "--png",
            "c.png",
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: the orbit from the start point is periodic (period-32 cycle)"),
        "{err}"
    );
}

/// Class 13: `--backend auto` with a canvas the GPU cannot hold renders on the CPU with a notice.
#[test]
fn auto_falls_back_to_the_cpu_for_a_canvas_too_large_for_the_gpu() {
    if !common::have_gpu() {
        eprintln!("skipping: no GPU adapter");
        return;
    }
    let ctx = attractors::gpu::GpuContext::new(None).unwrap();
    let limits = ctx.limits.clone();
    // `--adapter` keeps auto on this GPU even when it is a software one (which auto would not
    // choose), so that the fallback is what is tested.
    let adapter = ctx.info.name.clone();
    // A side over the texture limit (parse_size accepts sides up to 65535).
    let side = limits.max_texture_dimension_2d + 1;
    if side > 65535 {
        eprintln!("skipping: this adapter's textures hold every accepted side");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let size = format!("{side}x1");
    let (code, err) = run_in(
        dir.path(),
        &[
            "--iters",
            "1e5",
            "--size",
            &size,
            "--hist",
            "w.npy",
            "--adapter",
            &adapter,
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("using the CPU: "), "{err}");
    assert!(
        err.contains("max texture side") && err.contains(" pixels "),
        "{err}"
    );
    assert!(!err.contains("0 MiB"), "{err}");
}

/// Class 14: the message of a bad `WGPU_BACKEND` names the variable and its accepted values.
#[test]
fn a_bad_wgpu_backend_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_in(
        dir.path(),
        &["--backend", "gpu", "--iters", "1e4", "--png", "o.png"],
        &[("WGPU_BACKEND", "nonsense")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "WGPU_BACKEND='nonsense' names none; accepted values are vulkan, gl, metal, dx12"
        ),
        "{err}"
    );
}

/// Class 14: whole-number flags name the flag and the accepted range, not a Rust parse error.
#[test]
fn whole_number_flags_have_clear_messages() {
    for (args, want) in [
        (
            &["--checkpoint", "0.5"][..],
            "--checkpoint '0.5': expected seconds between checkpoints (0: never), a whole number from 0 to",
        ),
        (
            &["--seed=-1"][..],
            "--seed '-1': expected a seed, a whole number from 0 to",
        ),
        (
            &["window", "--frames=-1"][..],
            "--frames '-1': expected a number of frames, a whole number from 1 to",
        ),
    ] {
        let err = fails(args, want);
        assert!(!err.contains("invalid digit"), "{err}");
    }
}

/// Class 10 and 14 (.atr): a lone CR is an error at file:line:column; an extra header column is
/// named by its own position.
#[test]
fn atr_lone_cr_and_extra_header_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("cr.atr"),
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\nA,henon,0,0,0,1.4\r,0.3,,,,,\n",
    )
    .unwrap();
    fails_in(
        d,
        &small(&["--config", "cr.atr", "A", "--png", "o.png"]),
        "cr.atr:2:18: found a carriage return (CR) that does not end the line",
    );
    std::fs::write(
        d.join("extra.atr"),
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,notes\nA,henon,0,0,0,1.4,0.3,,,,,,,\n",
    )
    .unwrap();
    fails_in(
        d,
        &small(&["--config", "extra.atr", "A", "--png", "o.png"]),
        "extra.atr:1: header column 14 is 'notes', an extra column",
    );
}

/// Class 16: a preset file near the 8 MiB limit parses and lists (not timed: the guide records
/// the measured time).
#[test]
fn a_large_preset_file_lists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Every row names a palette (each distinct name is checked once, not once per row).
    let mut text = String::from("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\n");
    let mut rows = 0;
    while text.len() < 8_000_000 {
        let palette = ["fire", "bmy", "viridis_r", "kbc"][rows % 4];
        text.push_str(&format!(
            "Preset number {rows},clifford,0.1,0,,-1.3,-1.3,-1.8,-1.9,,,,{palette}\n"
        ));
        rows += 1;
    }
    std::fs::write(d.join("big.atr"), &text).unwrap();
    let out = bin()
        .current_dir(d)
        .args(["list", "--config", "big.atr"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("Preset number {}", rows - 1)));
    assert!(stdout.lines().count() >= rows);
}

/// Class 6 (lock): a second render to the same output is refused while another run holds its
/// lock; the lock file goes away on every exit (finished, stopped, refused).
#[test]
fn an_output_is_locked_while_rendered() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, err) = run_in(d, &small(&["--hist", "o.npy"]), &[]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run_in(
        d,
        &long(&["--hist", "o.npy", "--png", "o.png"]),
        &[("ATTRACTORS_TEST_INTERRUPT_AT", "100000")],
    );
    assert_eq!(code, Some(130), "{err}");
    assert!(
        !d.join(".o.npy.lock").exists(),
        "a stopped run left its lock"
    );
    // Another run holding the output's lock keeps this one out, and the lock file stays its own.
    let held = attractors::output::Lock::take(&d.join("o.npy"), "test", "o.npy").unwrap();
    fails_in(
        d,
        &long(&["--hist", "o.npy", "--resume", "o.ckpt.json"]),
        "--hist o.npy: another run is writing it",
    );
    assert!(d.join(".o.npy.lock").exists());
    drop(held);
    let (code, err) = run_in(
        d,
        &long(&["--hist", "o.npy", "--resume", "o.ckpt.json"]),
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(names_in(d), ["o.npy", "o.png", "o.recipe.json"]);
}
