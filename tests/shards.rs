//! Shards and the exact merge: `--shard I/N` renders + `attractors merge` equal the unsharded
//! render bit for bit (counts, picture and recipe), for any N and thread count; a shard of
//! another job, a duplicate, a missing and an unfinished shard are refused naming the file; a
//! stopped shard resumes.

mod common;
use common::have_gpu;
use std::path::Path;
use std::process::Command;

const JOB: [&str; 8] = [
    "Clifford",
    "--backend",
    "cpu",
    "--size",
    "120x90",
    "--iters",
    "3000017",
    "-q",
];

/// Runs the binary in `dir` with `args` (and `env`); returns (exit code, stderr).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("attractors"));
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let (code, err) = run(dir, args, env);
    assert_eq!(code, Some(0), "{args:?}: {err}");
    err
}

/// Refused with exit code 2 and one error line containing every one of `want`.
fn refused(dir: &Path, args: &[&str], want: &[&str]) {
    let (code, err) = run(dir, args, &[]);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error")).count(), 1);
    for w in want {
        assert!(err.contains(w), "{args:?}: expected '{w}' in {err}");
    }
}

fn shard(dir: &Path, i: u32, n: u32, extra: &[&str], threads: &str) -> String {
    let name = format!("s{i}of{n}.npy");
    let spec = format!("{i}/{n}");
    let mut args = JOB.to_vec();
    args.extend(["--shard", &spec, "--hist", &name]);
    args.extend(extra);
    ok(dir, &args, &[("RAYON_NUM_THREADS", threads)]);
    name
}

fn bytes(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

#[test]
fn merged_shards_equal_the_unsharded_render_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut whole = JOB.to_vec();
    whole.extend(["--hist", "whole.npy", "--png", "whole.png"]);
    ok(d, &whole, &[("RAYON_NUM_THREADS", "2")]);
    for n in [1u32, 3, 7] {
        // Shards on 1 and 3 threads, the whole render on 2: thread counts do not matter.
        let threads = if n == 3 { "3" } else { "1" };
        let mut files: Vec<String> = (0..n).map(|i| shard(d, i, n, &[], threads)).collect();
        files.reverse(); // any order
        let (png, npy) = (format!("m{n}.png"), format!("m{n}.npy"));
        let mut args: Vec<&str> = vec!["merge"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--png", &png, "--hist", &npy]);
        let err = ok(d, &args, &[]);
        assert!(
            err.contains(&format!(
                "merged {n} of {n} shards: 3000017 of the job's 3000017"
            )),
            "{err}"
        );
        assert_eq!(bytes(d, &npy), bytes(d, "whole.npy"), "N = {n}: counts");
        assert_eq!(bytes(d, &png), bytes(d, "whole.png"), "N = {n}: picture");
        assert_eq!(
            bytes(d, &format!("m{n}.recipe.json")),
            bytes(d, "whole.recipe.json"),
            "N = {n}: recipe"
        );
    }
    // A shard's share is its orbits' points, and the shards' tallies add up to the job.
    let r: serde_json::Value = serde_json::from_slice(&bytes(d, "s2of7.recipe.json")).unwrap();
    let s = &r["picture"]["shard"];
    assert_eq!(
        (s["index"].as_u64(), s["count"].as_u64()),
        (Some(2), Some(7))
    );
    assert_eq!(s["done"], s["share"]);
}

#[test]
fn shards_of_another_job_duplicates_and_missing_shards_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good: Vec<String> = (0..3).map(|i| shard(d, i, 3, &[], "2")).collect();
    let g = |i: usize| good[i].as_str();
    // Shard 1 of other jobs: parameters, size, seed, shard count.
    let mut others = Vec::new();
    for (tag, extra) in [
        ("params", vec!["--params", "a=-1.4"]),
        ("size", vec![]),
        ("seed", vec!["--seed", "9"]),
    ] {
        let name = format!("other-{tag}.npy");
        let mut args = JOB.to_vec();
        if tag == "size" {
            args[4] = "120x91";
        }
        args.extend(["--shard", "1/3", "--hist", &name]);
        args.extend(extra.iter().copied());
        ok(d, &args, &[]);
        others.push((name, tag));
    }
    let four = shard(d, 1, 4, &[], "2");
    for (name, what) in others
        .iter()
        .map(|(n, t)| (n.as_str(), *t))
        .chain([(four.as_str(), "4 shards (first: 3)")])
    {
        let want = match what {
            "params" => "params",
            "size" => "size",
            "seed" => "seed 9",
            w => w,
        };
        refused(
            d,
            &["merge", g(0), name, g(2), "--png", "x.png"],
            &[name, "another job than", want],
        );
    }
    refused(
        d,
        &["merge", g(0), g(1), g(1), g(2), "--png", "x.png"],
        &[g(1), "shard 1/3 again"],
    );
    refused(
        d,
        &["merge", g(0), g(2), "--png", "x.png"],
        &["missing shard(s) 1 of 3", "--partial"],
    );
    assert!(
        !d.join("x.png").exists(),
        "a refused merge wrote its output"
    );
    // --partial merges what is there and says what is missing.
    let err = ok(
        d,
        &["merge", g(0), g(2), "--partial", "--png", "p.png"],
        &[],
    );
    assert!(err.contains("partial: missing shard(s) 1"), "{err}");
    assert!(d.join("p.png").is_file());
    // Not a shard at all, and a counts file that does not match its recipe.
    let mut whole = JOB.to_vec();
    whole.extend(["--hist", "whole.npy"]);
    ok(d, &whole, &[]);
    refused(
        d,
        &["merge", "whole.npy", "--png", "x.png"],
        &["whole.npy", "holds no shard"],
    );
    // Counts without a recipe, and a file that is not counts at all.
    std::fs::copy(d.join("whole.npy"), d.join("bare.npy")).unwrap();
    refused(
        d,
        &["merge", g(0), "bare.npy", g(2), "--png", "x.png"],
        &["bare.npy: not a shard: no recipe beside it", "--shard I/N"],
    );
    std::fs::write(d.join("fake.png"), b"not a picture").unwrap();
    refused(
        d,
        &["merge", g(0), "fake.png", g(2), "--png", "x.png"],
        &["fake.png: not a shard's counts (a .npy)"],
    );
    std::fs::copy(d.join("whole.npy"), d.join(g(1))).unwrap();
    refused(
        d,
        &["merge", g(0), g(1), g(2), "--png", "x.png"],
        &[g(1), "the file is damaged"],
    );
}

#[test]
fn bad_shard_flags_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = |extra: &[&'static str]| {
        let mut a = JOB.to_vec();
        a.extend_from_slice(extra);
        a
    };
    refused(
        d,
        &job(&["--shard", "3/3", "--hist", "a.npy"]),
        &["'3/3'", "numbered 0..2"],
    );
    refused(
        d,
        &job(&["--shard", "1/3", "--png", "a.png"]),
        &["--shard 1/3", "--hist"],
    );
    refused(
        d,
        &job(&["--shard", "1/3", "--exact", "--hist", "a.npy"]),
        &["--exact", "cannot be split"],
    );
    refused(
        d,
        &["merge", "--png", "x.png", "nothing.npy"],
        &["nothing.npy"],
    );
    refused(d, &["merge", "a.npy"], &["no output"]);
    assert!(!d.join("a.npy").exists());
}

#[test]
fn a_stopped_shard_resumes_and_merges_only_when_finished() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = [
        "Clifford",
        "--backend",
        "cpu",
        "--size",
        "64x64",
        "--iters",
        "4e7",
        "--checkpoint",
        "1",
    ];
    let mut args = big.to_vec();
    args.extend(["--shard", "0/2", "--hist", "a.npy"]);
    let (code, err) = run(
        d,
        &args,
        &[
            ("ATTRACTORS_TEST_INTERRUPT_AT", "5000000"),
            ("ATTRACTORS_TEST_CHECKPOINT_EVERY", "1000000"),
        ],
    );
    assert_eq!(code, Some(130), "{err}");
    let mut other = big.to_vec();
    other.extend(["--shard", "1/2", "--hist", "b.npy"]);
    ok(d, &other, &[]);
    // The stopped shard's partial counts are refused unless --partial.
    refused(
        d,
        &["merge", "a.npy", "b.npy", "--png", "m.png"],
        &["a.npy", "unfinished", "--resume"],
    );
    args.extend(["--resume", "a.ckpt.json"]);
    let err = ok(d, &args, &[]);
    assert!(err.contains("resuming"), "{err}");
    let err = ok(d, &["merge", "a.npy", "b.npy", "--hist", "m.npy"], &[]);
    assert!(
        err.contains("merged 2 of 2 shards: 40000000 of the job's 40000000"),
        "{err}"
    );
    let (_, _, counts) = attractors::output::read_npy_counts(&d.join("m.npy")).unwrap();
    let r: serde_json::Value = serde_json::from_slice(&bytes(d, "a.recipe.json")).unwrap();
    let counted = r["picture"]["shard"]["counted"].as_u64().unwrap();
    assert_eq!(
        counts.iter().sum::<u64>(),
        counted + serde_json::from_slice::<serde_json::Value>(&bytes(d, "b.recipe.json")).unwrap()
            ["picture"]["shard"]["counted"]
            .as_u64()
            .unwrap()
    );
}

#[test]
fn gpu_shards_merge_and_their_tallies_add_up() {
    if !have_gpu() {
        eprintln!("skipped: no GPU adapter (set ATTRACTORS_REQUIRE_GPU=1 to fail instead)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let job = [
        "Clifford",
        "--backend",
        "gpu",
        "--size",
        "96x96",
        "--iters",
        "2000003",
        "-q",
    ];
    for i in 0..3 {
        let mut a = job.to_vec();
        let (spec, name) = (format!("{i}/3"), format!("g{i}.npy"));
        a.extend(["--shard", &spec, "--hist", &name]);
        ok(d, &a, &[]);
    }
    let err = ok(
        d,
        &["merge", "g0.npy", "g1.npy", "g2.npy", "--hist", "m.npy"],
        &[],
    );
    assert!(
        err.contains("merged 3 of 3 shards: 2000003 of the job's 2000003"),
        "{err}"
    );
}

#[test]
fn several_adapters_split_a_job_and_agree_with_one() {
    if !have_gpu() {
        eprintln!("skipped: no GPU adapter (set ATTRACTORS_REQUIRE_GPU=1 to fail instead)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // lavapipe's Vulkan and llvmpipe's GL adapters: two devices on this machine.
    let both = [("WGPU_BACKEND", "vulkan,gl")];
    let job = [
        "Clifford",
        "--backend",
        "gpu",
        "--size",
        "128x128",
        "--iters",
        "4000037",
    ];
    let mut multi = job.to_vec();
    multi.extend(["--adapter", "all", "--hist", "multi.npy", "--json"]);
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("attractors"));
    c.current_dir(d).args(&multi).envs(both);
    let out = c.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("backend: 2 devices:"), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The tally adds up exactly across the devices.
    assert_eq!(summary["points"], 4000037);
    let (c, o, v) = (
        summary["counted"].as_u64().unwrap(),
        summary["outside"].as_u64().unwrap(),
        summary["diverged"].as_u64().unwrap(),
    );
    assert_eq!(c + o + v, 4000037);
    let mut one = job.to_vec();
    one.extend(["--hist", "one.npy", "-q"]);
    ok(d, &one, &[("WGPU_BACKEND", "vulkan")]);
    let read = |n: &str| attractors::output::read_npy_counts(&d.join(n)).unwrap().2;
    let (m, s) = (read("multi.npy"), read("one.npy"));
    assert_eq!(m.iter().sum::<u64>(), c);
    let a = attractors::compare::agreement(&m, &s);
    // Thresholds of the GPU-vs-CPU agreement tests (tests/gpu.rs).
    assert!(a.log_corr >= 0.93 && a.tvd <= 0.06, "{a}");
    // Positions that do not exist are refused, naming them.
    let (code, err) = run(
        d,
        &[&job[..], &["--adapter", "0,7", "--png", "x.png"]].concat(),
        &both,
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no adapter at position '7'"), "{err}");
}

/// Class: silent misreads. A shard `merge` cannot read exactly is refused naming it: a
/// Fortran-order array (it would be added transposed), a float dtype (its bits would be read as
/// counts), trailing data, a truncated file. A checkpoint's counts go through the same reader.
#[cfg(unix)]
#[test]
fn shards_and_checkpoints_that_cannot_be_read_exactly_are_refused() {
    use common::files::retag_npy;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = shard(d, 0, 2, &[], "2");
    let b = shard(d, 1, 2, &[], "2");
    let good = bytes(d, &b);
    let header = String::from_utf8_lossy(&good[..128]).to_string();
    let dtype = if header.contains("<u4") { "<u4" } else { "<u8" };
    type Damage = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Damage)> = vec![
        (
            "a Fortran-order array",
            Box::new(|p: &Path| retag_npy(p, "'fortran_order': False", "'fortran_order': True ")),
        ),
        (
            "expected uint32 or uint64 counts, found dtype",
            Box::new(move |p: &Path| retag_npy(p, dtype, &dtype.replace('u', "f"))),
        ),
        (
            "more data follows the array",
            Box::new(|p: &Path| {
                let mut v = std::fs::read(p).unwrap();
                v.extend([0u8; 8]);
                std::fs::write(p, v).unwrap();
            }),
        ),
        (
            "it ends early",
            Box::new(|p: &Path| {
                let v = std::fs::read(p).unwrap();
                std::fs::write(p, &v[..v.len() - 4]).unwrap();
            }),
        ),
    ];
    for (want, damage) in &cases {
        std::fs::write(d.join(&b), &good).unwrap();
        damage(&d.join(&b));
        refused(d, &["merge", &a, &b, "--png", "m.png"], &[&b, want]);
        assert!(!d.join("m.png").exists());
    }
    // A stopped render's checkpoint with Fortran-order counts is refused on --resume.
    let mut args = JOB.to_vec();
    args.extend(["--hist", "c.npy", "--checkpoint", "1"]);
    let (code, err) = run(
        d,
        &args,
        &[
            ("ATTRACTORS_TEST_INTERRUPT_AT", "1000000"),
            ("ATTRACTORS_TEST_CHECKPOINT_EVERY", "500000"),
        ],
    );
    assert_eq!(code, Some(130), "{err}");
    let meta: serde_json::Value = serde_json::from_slice(&bytes(d, "c.ckpt.json")).unwrap();
    let counts = d.join(meta["counts"].as_str().unwrap());
    retag_npy(&counts, "'fortran_order': False", "'fortran_order': True ");
    args.extend(["--resume", "c.ckpt.json"]);
    refused(d, &args, &["--resume c.ckpt.json", "a Fortran-order array"]);
}
