//! Long renders never lose work: Ctrl-C and a lost GPU write a checkpoint (and partial outputs),
//! `--resume` continues to the same total, and a checkpoint of another job is refused.

mod common;
use common::{fails, have_gpu};
use std::path::Path;
use std::process::Command;

/// Runs the binary with `args` in `dir`, stopped as by Ctrl-C once `points` points are done
/// (the test hook; no sleeps, so the verdict does not depend on the machine's speed). Returns
/// (exit code, stderr).
/// Checkpoints come every `points / 4` points (instead of by the clock).
fn interrupt_at(dir: &Path, args: &[&str], points: u64) -> (Option<i32>, String) {
    let out = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(dir)
        .args(args)
        .env("ATTRACTORS_TEST_INTERRUPT_AT", points.to_string())
        .env("ATTRACTORS_TEST_CHECKPOINT_EVERY", (points / 4).to_string())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn run_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {err}");
    err
}

fn meta(dir: &Path, name: &str) -> attractors::checkpoint::Meta {
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

fn counts(dir: &Path, name: &str) -> Vec<u64> {
    attractors::output::read_npy_counts(&dir.join(name))
        .unwrap()
        .2
}

#[test]
fn interrupted_cpu_render_resumes_to_the_same_total() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = [
        "--backend",
        "cpu",
        "--iters",
        "2e9",
        "--size",
        "64x64",
        "--checkpoint",
        "1",
        "--hist",
        "r.npy",
    ];
    let (code, err) = interrupt_at(d, &job, 200_000_000);
    assert_eq!(code, Some(130), "{err}");
    assert!(
        err.contains("to continue: ") && err.contains("--resume r.ckpt.json"),
        "{err}"
    );
    let m = meta(d, "r.ckpt.json");
    assert!(m.done > 0 && m.done < 2_000_000_000, "{m:?}");
    assert_eq!(m.counted + m.outside + m.diverged, m.done);
    let ckpt_counts = counts(d, &m.counts);
    assert_eq!(
        ckpt_counts.iter().sum::<u64>(),
        m.counted,
        "checkpoint counts match the sidecar"
    );
    // The partial output holds the same counts as the checkpoint.
    assert_eq!(counts(d, "r.npy"), ckpt_counts);
    // A fresh run over a stopped one is refused rather than overwriting its checkpoint.
    let out = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(d)
        .args(job)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("exists from a stopped render: continue it with --resume r.ckpt.json")
    );

    let mut resume = job.to_vec();
    resume.extend(["--resume", "r.ckpt.json"]);
    let err = run_in(d, &resume);
    assert!(
        err.contains(&format!(
            "resuming: {} of 2000000000 points done in 1 earlier run(s)",
            m.done
        )),
        "{err}"
    );
    let finished = counts(d, "r.npy");
    assert_eq!(
        finished.iter().sum::<u64>(),
        2_000_000_000,
        "every point asked for is counted once"
    );
    assert!(
        finished.iter().zip(&ckpt_counts).all(|(f, c)| f >= c),
        "a bin lost counts across the resume"
    );
    assert!(
        !d.join("r.ckpt.json").exists(),
        "the checkpoint of a finished render is removed"
    );
}

#[test]
fn resumed_exact_render_equals_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = [
        "--exact",
        "--iters",
        "6e7",
        "--size",
        "48x48",
        "--bounds",
        "-3,3,-3,3",
        "--checkpoint",
        "1",
        "--hist",
        "e.npy",
    ];
    let (code, err) = interrupt_at(d, &job, 10_000_000);
    assert_eq!(code, Some(130), "{err}");
    let m = meta(d, "e.ckpt.json");
    assert!(
        m.key.exact && m.exact_state.is_some() && m.done < 60_000_000,
        "{m:?}"
    );
    let mut resume = job.to_vec();
    resume.extend(["--resume", "e.ckpt.json"]);
    run_in(d, &resume);
    let resumed = counts(d, "e.npy");
    let mut fresh = job.to_vec();
    let last = fresh.len() - 1;
    fresh[last] = "f.npy";
    run_in(d, &fresh);
    assert_eq!(
        resumed,
        counts(d, "f.npy"),
        "the exact orbit continued bit for bit"
    );
}

#[test]
fn a_checkpoint_of_another_job_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = [
        "--backend",
        "cpu",
        "--iters",
        "1e10",
        "--size",
        "64x64",
        "--checkpoint",
        "1",
        "--hist",
        "m.npy",
    ];
    let (code, err) = interrupt_at(d, &job, 150_000_000);
    assert_eq!(code, Some(130), "{err}");
    let ck = d.join("m.ckpt.json");
    let ck = ck.to_str().unwrap();
    let out = d.join("x.npy");
    let out = out.to_str().unwrap();
    fails(
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e10",
            "--size",
            "32x32",
            "--hist",
            out,
            "--resume",
            ck,
        ],
        "the checkpoint is of another job: size 64x64 (this run: 32x32)",
    );
    fails(
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e10",
            "--size",
            "64x64",
            "--params",
            "a=-1.4",
            "--hist",
            out,
            "--resume",
            ck,
        ],
        "parameters [-1.3, -1.3, -1.8, -1.9] (this run: [-1.4, -1.3, -1.8, -1.9])",
    );
    fails(
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e10",
            "--size",
            "64x64",
            "--seed",
            "9",
            "--hist",
            out,
            "--resume",
            ck,
        ],
        "seed 0 (this run: 9)",
    );
    fails(
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e3",
            "--size",
            "64x64",
            "--hist",
            out,
            "--resume",
            ck,
        ],
        "more than --iters 1000",
    );
    // A damaged checkpoint: counts that do not add up to the sidecar.
    let m = meta(d, "m.ckpt.json");
    let bad = attractors::histogram::Histogram::new(
        64,
        64,
        attractors::histogram::Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap(),
    );
    attractors::output::OutputFile::prepare(&d.join(&m.counts), attractors::output::Kind::Npy)
        .unwrap()
        .write_npy(&bad)
        .unwrap()
        .commit()
        .unwrap();
    fails(
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e10",
            "--size",
            "64x64",
            "--hist",
            out,
            "--resume",
            ck,
        ],
        "the checkpoint is damaged",
    );
    assert!(!Path::new(out).exists());
}

#[test]
fn lost_gpu_device_keeps_the_work_and_resumes_on_the_cpu() {
    if !have_gpu() {
        eprintln!("skipping: no GPU adapter");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = [
        "--iters",
        "4e8",
        "--size",
        "64x64",
        "--checkpoint",
        "1",
        "--hist",
        "g.npy",
        "--png",
        "g.png",
    ];
    let mut lose = vec!["--backend", "gpu"];
    lose.extend(job);
    let out = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(d)
        .args(&lose)
        .env("ATTRACTORS_TEST_LOSE_DEVICE_AT", "100000000")
        .env("ATTRACTORS_TEST_CHECKPOINT_EVERY", "20000000")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("device") && err.contains("lost"), "{err}");
    assert!(
        err.contains("--resume g.ckpt.json"),
        "says how to continue: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let m = meta(d, "g.ckpt.json");
    assert!(m.done > 0 && m.done < 400_000_000, "{m:?}");
    assert_eq!(
        counts(d, "g.npy").iter().sum::<u64>(),
        m.counted,
        "partial output = checkpoint"
    );
    assert!(d.join("g.png").is_file());
    // Continue on the CPU: a compatible histogram, the same total.
    let mut resume = vec!["--backend", "cpu"];
    resume.extend(job);
    resume.extend(["--resume", "g.ckpt.json"]);
    run_in(d, &resume);
    assert_eq!(counts(d, "g.npy").iter().sum::<u64>(), 400_000_000);
}

#[test]
fn checkpoints_are_off_with_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _) = interrupt_at(
        d,
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e10",
            "--size",
            "32x32",
            "--checkpoint",
            "0",
            "--hist",
            "z.npy",
        ],
        100_000_000,
    );
    assert_eq!(code, Some(130));
    assert!(d.join("z.npy").is_file() && !d.join("z.ckpt.json").exists());
}

/// A full disk: checkpoint and output writes fail, the last good checkpoint stays loadable and no
/// truncated file is left. Needs a small tmpfs (root); elsewhere it says why it skips.
#[test]
fn a_full_disk_never_damages_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=700k",
            "tmpfs",
            d.to_str().unwrap(),
        ])
        .output();
    if !matches!(&mounted, Ok(o) if o.status.success()) {
        eprintln!("skipping: cannot mount a small tmpfs here (needs root): {mounted:?}");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(d);
    // 256x256 uint32 counts are 262 KB: two checkpoint files fit, the third write and the output do not.
    let (code, err) = interrupt_at(
        d,
        &[
            "--backend",
            "cpu",
            "--iters",
            "1e12",
            "--size",
            "256x256",
            "--checkpoint",
            "1",
            "--hist",
            "f.npy",
        ],
        400_000_000,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("warning: could not write a checkpoint")
            && err.contains("the previous one is intact"),
        "{err}"
    );
    assert!(
        err.contains("No space left") || err.contains("no space"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let c = attractors::checkpoint::load(&d.join("f.ckpt.json"))
        .expect("the last good checkpoint loads");
    assert!(c.meta.done > 0 && c.hist.sum() == c.meta.counted);
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".tmp")),
        "temporary files left: {names:?}"
    );
    assert!(
        !names.contains(&"f.npy".to_string()),
        "a truncated output was left: {names:?}"
    );
}
