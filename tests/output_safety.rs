//! What a run does to the files already at its output paths: a failed run leaves every one of
//! them as it was (the outputs of one command are put in place all together or not at all), and
//! no temporary file is left behind. A full disk is simulated with the test hook
//! `ATTRACTORS_TEST_DISK_FULL=NAME` (writing the output named NAME fails as on a full disk).

mod common;
use common::bin;
use std::collections::BTreeMap;
use std::path::Path;

/// Runs the binary in `dir` with `args` and the environment `env`; returns (exit code, stderr).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = bin();
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

fn ok_in(dir: &Path, args: &[&str]) {
    let (code, err) = run_in(dir, args, &[]);
    assert_eq!(code, Some(0), "{args:?}: {err}");
}

/// Expects exit 2 with one error line holding every piece of `want`, and no panic.
fn fails_with(dir: &Path, args: &[&str], env: &[(&str, &str)], want: &[&str]) -> String {
    let (code, err) = run_in(dir, args, env);
    assert_eq!(code, Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{args:?}: {err}");
    for w in want {
        assert!(errors[0].contains(w), "{args:?}: expected '{w}' in: {err}");
    }
    err
}

/// Every file in `dir` (names starting with `.` included) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

const SMALL: [&str; 8] = [
    "--backend",
    "cpu",
    "--iters",
    "1e5",
    "--size",
    "48x48",
    "--checkpoint",
    "0",
];

fn small<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = SMALL.to_vec();
    a.extend_from_slice(extra);
    a.push("-q");
    a
}

const FULL: [&str; 2] = ["free some space or write elsewhere", "the disk is full"];

/// Class: a render with several outputs whose last write fails (disk full) replaces none of
/// them: not the .npy, not its recipe, not the PNG, and leaves no temporary file.
#[test]
fn a_failed_render_replaces_none_of_its_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let outputs = ["--png", "out.png", "--hist", "out.npy", "--exr", "out.exr"];
    ok_in(d, &small(&outputs));
    let before = snapshot(d);
    assert_eq!(before.len(), 4, "{:?}", before.keys());
    // Another picture (seed, palette, depth) into the same paths; each output in turn fails.
    for failing in ["out.png", "out.npy", "out.recipe.json", "out.exr"] {
        let mut args = small(&outputs);
        args.extend(["--seed", "5", "--palette", "kbc", "--depth", "16"]);
        fails_with(d, &args, &[("ATTRACTORS_TEST_DISK_FULL", failing)], &FULL);
        assert!(
            snapshot(d) == before,
            "{failing} failed: the old files must all survive, no temporary left: {:?}",
            snapshot(d).keys()
        );
    }
    // The same run without the failure replaces them all.
    let mut args = small(&outputs);
    args.extend(["--seed", "5"]);
    ok_in(d, &args);
    let after = snapshot(d);
    assert_eq!(after.len(), 4);
    for (name, bytes) in &before {
        assert_ne!(&after[name], bytes, "{name} was rewritten");
    }
}

/// Class: the other commands with several outputs (merge, search --atr --sheet, bench --csv
/// --plot, animate --gif --apng): one failed write, no file replaced.
#[test]
fn the_other_commands_with_several_outputs_are_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // merge: --png and --hist (and the recipe beside it).
    for i in 0..2 {
        let (shard, hist) = (format!("{i}/2"), format!("s{i}.npy"));
        ok_in(d, &small(&["--shard", &shard, "--hist", &hist]));
    }
    let merge = [
        "merge", "s0.npy", "s1.npy", "--png", "m.png", "--hist", "m.npy", "-q",
    ];
    ok_in(d, &merge);
    std::fs::write(d.join("m.png"), b"old picture").unwrap();
    let before = snapshot(d);
    for failing in ["m.png", "m.npy", "m.recipe.json"] {
        fails_with(d, &merge, &[("ATTRACTORS_TEST_DISK_FULL", failing)], &FULL);
        assert!(snapshot(d) == before, "merge, {failing} failed");
    }

    // search: the appended .atr and the contact sheet.
    let search = [
        "search", "clifford", "--count", "1", "--seed", "7", "--atr", "s.atr", "--sheet", "s.png",
        "-q",
    ];
    let mut c = bin();
    c.current_dir(d).args(search).output().unwrap();
    let before = snapshot(d);
    // another seed, so there is a new row to append (a result already in s.atr is not)
    let mut again = search;
    again[5] = "8";
    for failing in ["s.png", "s.atr"] {
        let (code, err) = run_in(d, &again, &[("ATTRACTORS_TEST_DISK_FULL", failing)]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(FULL[0]), "{err}");
        assert!(snapshot(d) == before, "search, {failing} failed");
    }

    // bench: the CSV and the plot's PNG and SVG.
    let bench = [
        "bench",
        "--iters",
        "1e2..1e3",
        "--reps",
        "1",
        "--size",
        "32x32",
        "--backends",
        "cpu",
        "--csv",
        "b.csv",
        "--plot",
        "b.png",
        "-q",
    ];
    for name in ["b.csv", "b.png", "b.svg"] {
        std::fs::write(d.join(name), b"old").unwrap();
    }
    let before = snapshot(d);
    for failing in ["b.csv", "b.png", "b.svg"] {
        let (code, err) = run_in(d, &bench, &[("ATTRACTORS_TEST_DISK_FULL", failing)]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(FULL[0]), "{err}");
        assert!(snapshot(d) == before, "bench, {failing} failed");
    }

    // animate: the GIF and the APNG.
    let animate = common::tiny_animation("3", &["--gif", "a.gif", "--apng", "a.png"]);
    for name in ["a.gif", "a.png"] {
        std::fs::write(d.join(name), b"old").unwrap();
    }
    let before = snapshot(d);
    for failing in ["a.gif", "a.png"] {
        let (code, err) = run_in(d, &animate, &[("ATTRACTORS_TEST_DISK_FULL", failing)]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(FULL[0]), "{err}");
        assert!(snapshot(d) == before, "animate, {failing} failed");
    }
    ok_in(d, &animate);
    assert_ne!(std::fs::read(d.join("a.gif")).unwrap(), b"old");
    assert_ne!(std::fs::read(d.join("a.png")).unwrap(), b"old");
}

/// Class: an output path that is a symbolic link is written through it: the file it points to
/// (through a chain of links, or not there yet) gets the new content, atomically, and the link
/// stays a link. A loop of links is refused.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_symbolic_link_is_written_through_it() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("pics")).unwrap();
    std::fs::write(d.join("pics/a.png"), b"old").unwrap();
    std::fs::write(d.join("pics/a.npy"), b"old").unwrap();
    symlink("pics/a.png", d.join("hop.png")).unwrap();
    symlink("hop.png", d.join("link.png")).unwrap();
    symlink(d.join("pics/a.npy"), d.join("link.npy")).unwrap();
    symlink("pics/new.png", d.join("dangling.png")).unwrap();
    // A failed run leaves the link's target as it was.
    let args = small(&["--png", "link.png", "--hist", "link.npy"]);
    fails_with(
        d,
        &args,
        &[("ATTRACTORS_TEST_DISK_FULL", "link.png")],
        &FULL,
    );
    assert_eq!(std::fs::read(d.join("pics/a.png")).unwrap(), b"old");
    ok_in(d, &args);
    ok_in(d, &small(&["--png", "dangling.png"]));
    for (link, target) in [
        ("link.png", "pics/a.png"),
        ("hop.png", "pics/a.png"),
        ("link.npy", "pics/a.npy"),
        ("dangling.png", "pics/new.png"),
    ] {
        let meta = std::fs::symlink_metadata(d.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
        let bytes = std::fs::read(d.join(target)).unwrap();
        assert_ne!(bytes, b"old", "{target} got the new content through {link}");
    }
    image::open(d.join("pics/a.png")).unwrap();
    image::open(d.join("pics/new.png")).unwrap();
    // The recipe goes beside the .npy as named (the link), the lock is gone, no temporary left.
    let mut names: Vec<String> = snapshot(d).into_keys().collect();
    names.extend(
        snapshot(&d.join("pics"))
            .into_keys()
            .map(|n| format!("pics/{n}")),
    );
    assert_eq!(
        names,
        [
            "link.recipe.json",
            "pics/a.npy",
            "pics/a.png",
            "pics/new.png"
        ],
    );
    symlink("loop2.png", d.join("loop1.png")).unwrap();
    symlink("loop1.png", d.join("loop2.png")).unwrap();
    fails_with(
        d,
        &small(&["--png", "loop1.png"]),
        &[],
        &["--png loop1.png", "symbolic links"],
    );
}

/// Class: an output that is one of the command's inputs (or another of its outputs) is refused
/// before any work, whatever the path looks like (another spelling, a symbolic or a hard link),
/// for outputs named by the user and for the files named after them (a `.npy`'s recipe, a
/// checkpoint, `bench --plot`'s SVG); the input is left as it was.
#[cfg(unix)]
#[test]
fn an_output_that_is_an_input_is_refused_before_any_work() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let atr = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("attractors.atr")).unwrap();
    ok_in(d, &small(&["--png", "p.png", "--hist", "p.npy"]));
    std::fs::create_dir(d.join("sub")).unwrap();
    for name in [
        "c.png",
        "x.recipe.json",
        "y.ckpt.json",
        "k.gif",
        "b.svg",
        "sub/c.png",
    ] {
        std::fs::write(d.join(name), &atr).unwrap();
    }
    std::fs::copy(d.join("p.npy"), d.join("q.png")).unwrap();
    std::fs::hard_link(d.join("c.png"), d.join("hard.png")).unwrap();
    symlink("c.png", d.join("sym.png")).unwrap();
    let render = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec![
            "--backend",
            "cpu",
            "--iters",
            "1e4",
            "--size",
            "32x32",
            "-q",
        ];
        a.extend_from_slice(extra);
        a
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            render(&["--config", "c.png", "Clifford", "--png", "c.png"]),
            "--png c.png: is the same file as --config c.png, which this run reads; give --png another name",
        ),
        (
            render(&[
                "--config",
                "c.png",
                "--png",
                "sub/../c.png",
                "--checkpoint",
                "0",
            ]),
            "--png sub/../c.png: is the same file as --config c.png",
        ),
        (
            render(&["--config", "c.png", "--png", "hard.png"]),
            "--png hard.png: is the same file as --config c.png",
        ),
        (
            render(&["--config", "./sym.png", "--exr", "x.exr", "--png", "c.png"]),
            "--png c.png: is the same file as --config ./sym.png",
        ),
        (
            render(&["--config", "x.recipe.json", "--hist", "x.npy"]),
            "the recipe beside --hist x.recipe.json: is the same file as --config x.recipe.json",
        ),
        (
            render(&["--config", "y.ckpt.json", "--png", "y.png"]),
            "the checkpoint file y.ckpt.json: is the same file as --config y.ckpt.json, which this run reads; give --png another name, or give --checkpoint 0",
        ),
        (
            render(&["--from", "p.png", "--png", "p.png"]),
            "--png p.png: is the same file as --from p.png",
        ),
        (
            vec![
                "--config",
                "c.png",
                "--screenshot",
                "sym.png",
                "--frames",
                "1",
            ],
            "--screenshot sym.png: is the same file as --config c.png",
        ),
        (
            vec!["shade", "p.npy", "--png", "p.npy"],
            "--png p.npy: is the same file as FILE p.npy",
        ),
        (
            vec!["shade", "q.png"],
            "the default output q.png: is the same file as FILE q.png",
        ),
        (
            vec!["merge", "p.npy", "--hist", "./p.npy"],
            "--hist ./p.npy: is the same file as shard p.npy",
        ),
        (
            vec![
                "animate",
                "--keys",
                "k.gif",
                "--gif",
                "k.gif",
                "--backend",
                "cpu",
                "-q",
            ],
            "--gif k.gif: is the same file as --keys k.gif",
        ),
        (
            vec![
                "animate",
                "--config",
                "c.png",
                "--sweep",
                "a=-1.3:-1.2",
                "--apng",
                "hard.png",
            ],
            "--apng hard.png: is the same file as --config c.png",
        ),
        (
            vec!["search", "clifford", "--atr", "s.png", "--sheet", "./s.png"],
            "--sheet ./s.png: is the same file as --atr s.png; give --sheet another name",
        ),
        (
            vec![
                "search", "--score", "Clifford", "--config", "c.png", "--sheet", "sym.png",
            ],
            "--sheet sym.png: is the same file as --config c.png",
        ),
        (
            vec!["bench", "--config", "b.svg", "--plot", "b.png"],
            "the SVG beside --plot b.svg: is the same file as --config b.svg",
        ),
    ];
    let before = snapshot(d);
    for (args, want) in &cases {
        fails_with(d, args, &[], &[want]);
        assert!(snapshot(d) == before, "{args:?} changed a file");
    }
    // A file of the same name elsewhere is another file.
    ok_in(
        d,
        &render(&["--config", "sub/c.png", "Clifford", "--png", "c.png"]),
    );
    image::open(d.join("c.png")).unwrap();
}

/// The outputs of every command, by kind: (arguments with `OUT` where the output goes, the
/// output's file name, the flag the message names). Each runs quickly once its outputs are
/// accepted; `p.npy` (with its recipe) is a render's counts in the test directory.
#[cfg(unix)]
fn outputs_of_every_command() -> Vec<(Vec<&'static str>, &'static str, &'static str)> {
    let render = |flag: &'static str| -> Vec<&'static str> {
        let mut a = small(&[flag, "OUT"]);
        a.retain(|x| *x != "-q");
        a
    };
    let animate = |flag: &'static str| common::tiny_animation("2", &[flag, "OUT"]);
    let search = |flag: &'static str| -> Vec<&'static str> {
        vec![
            "search", "clifford", "--seed", "7", "--count", "1", "--tries", "200", "-q", flag,
            "OUT",
        ]
    };
    vec![
        (render("--png"), "o.png", "--png"),
        (render("--hist"), "o.npy", "--hist"),
        (render("--exr"), "o.exr", "--exr"),
        (vec!["shade", "p.npy", "--png", "OUT"], "o.png", "--png"),
        (vec!["merge", "s0.npy", "--png", "OUT"], "o.png", "--png"),
        (vec!["merge", "s0.npy", "--hist", "OUT"], "o.npy", "--hist"),
        (search("--atr"), "o.atr", "--atr"),
        (search("--sheet"), "o.png", "--sheet"),
        (animate("--gif"), "o.gif", "--gif"),
        (animate("--apng"), "o.png", "--apng"),
        (
            vec![
                "bench", "--iters", "1e3", "--reps", "1", "--size", "32x32", "--csv", "OUT",
            ],
            "o.csv",
            "--csv",
        ),
        (
            vec![
                "bench", "--iters", "1e3", "--reps", "1", "--size", "32x32", "--plot", "OUT",
            ],
            "o.png",
            "--plot",
        ),
    ]
}

/// `args` with `OUT` replaced by `out`.
#[cfg(unix)]
fn with_out<'a>(args: &[&'a str], out: &'a str) -> Vec<&'a str> {
    args.iter()
        .map(|a| if *a == "OUT" { out } else { a })
        .collect()
}

/// A render's counts (`p.npy`, with its recipe) and a one-shard job (`s0.npy`) in `d`.
#[cfg(unix)]
fn counts_in(d: &Path) {
    ok_in(d, &small(&["--hist", "p.npy"]));
    ok_in(d, &small(&["--hist", "s0.npy", "--shard", "0/1"]));
}

/// Class: outputs that are not regular files. A FIFO and a device node at any command's output
/// path are refused (exit 2, naming the output) before any work and without being opened (a FIFO
/// would block the run), and stay what they were; a link to one is refused too.
#[cfg(unix)]
#[test]
fn an_output_that_is_not_a_regular_file_is_refused() {
    use common::files::{device, mkfifo, still_special};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counts_in(d);
    std::fs::create_dir(d.join("fifo")).unwrap();
    std::fs::create_dir(d.join("dev")).unwrap();
    for (args, name, flag) in outputs_of_every_command() {
        for (kind, make) in [("fifo", mkfifo as fn(&Path)), ("dev", device)] {
            let rel = format!("{kind}/{name}");
            let path = d.join(&rel);
            if std::fs::symlink_metadata(&path).is_err() {
                make(&path);
            }
            let what = if kind == "fifo" { "a FIFO" } else { "a device" };
            fails_with(
                d,
                &with_out(&args, &rel),
                &[],
                &[&format!("{flag} {rel}"), what, "not a regular file"],
            );
            assert!(still_special(&path), "{args:?} replaced {rel}");
        }
    }
    // Frames of an animation: a FIFO where a frame goes.
    std::fs::create_dir(d.join("frames")).unwrap();
    mkfifo(&d.join("frames/frame_00002.png"));
    fails_with(
        d,
        &common::tiny_animation("3", &["--out", "frames"]),
        &[],
        &["--out frames/frame_00002.png: is a FIFO"],
    );
    assert!(still_special(&d.join("frames/frame_00002.png")));
    assert!(!d.join("frames/frame_00001.png").exists(), "work was done");
}

/// Class: locks. While another run holds an output's lock, every command that would write it is
/// refused (exit 2, naming it) and the file is left as it was; once the lock is let go, the same
/// command succeeds and no lock file is left.
#[cfg(unix)]
#[test]
fn every_output_is_locked_while_written() {
    use common::files::{hold_lock, leftovers};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counts_in(d);
    for (args, name, flag) in outputs_of_every_command() {
        if flag == "--atr" {
            continue; // an append waits for another append: see concurrent_appends_all_land
        }
        std::fs::write(d.join(name), b"before").unwrap();
        let lock = hold_lock(&d.join(name));
        fails_with(
            d,
            &with_out(&args, name),
            &[],
            &[&format!("{flag} {name}: another run is writing it")],
        );
        assert_eq!(std::fs::read(d.join(name)).unwrap(), b"before", "{args:?}");
        drop(lock);
        ok_in(d, &with_out(&args, name));
        assert_ne!(std::fs::read(d.join(name)).unwrap(), b"before", "{args:?}");
        assert!(leftovers(d).is_empty(), "{args:?}: {:?}", leftovers(d));
    }
}

/// Class: locks, between two real runs: a render stopped (SIGSTOP) while it holds its outputs
/// keeps a second render of another picture to the same PNG out; the first then finishes and
/// its picture is the one on disk.
#[cfg(unix)]
#[test]
fn a_second_render_to_the_same_output_is_refused() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut first = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(d)
        .args([
            "Clifford",
            "--backend",
            "cpu",
            "--iters",
            "2e8",
            "--size",
            "64x64",
        ])
        .args([
            "--checkpoint",
            "0",
            "-q",
            "--hist",
            "a.npy",
            "--png",
            "shared.png",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The lock files appear when the outputs are prepared, before the work.
    while !(d.join(".shared.png.lock").exists() && d.join(".a.npy.lock").exists()) {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first render ended early"
        );
        std::thread::yield_now();
    }
    let signal = |s: &str| {
        let pid = first.id().to_string();
        assert!(
            Command::new("kill")
                .args([s, &pid])
                .status()
                .unwrap()
                .success()
        );
    };
    signal("-STOP");
    fails_with(
        d,
        &small(&["De_Jong_1", "--png", "shared.png", "--hist", "b.npy"]),
        &[],
        &["--png shared.png: another run is writing it"],
    );
    assert!(!d.join("b.npy").exists());
    signal("-CONT");
    let out = first.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = attractors::output::read_png_text(&d.join("shared.png")).unwrap();
    assert!(text.iter().any(|(_, v)| v.contains("Clifford")), "{text:?}");
    assert!(!text.iter().any(|(_, v)| v.contains("De_Jong")), "{text:?}");
    assert!(common::files::leftovers(d).is_empty());
}

/// Class: lost appends. Searches appending to one preset file at once all land: every row each
/// says it appended is in the file, once, and the file reads back.
#[cfg(unix)]
#[test]
fn concurrent_appends_all_land() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let runs: Vec<_> = ["3", "5", "7", "11"]
        .iter()
        .map(|seed| {
            Command::new(assert_cmd::cargo::cargo_bin("attractors"))
                .current_dir(d)
                .args([
                    "search", "clifford", "--seed", seed, "--count", "3", "--tries", "300",
                ])
                .args(["--atr", "race.atr"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut appended = 0;
    for run in runs {
        let out = run.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        let line = err.lines().find(|l| l.starts_with("appended ")).unwrap();
        appended += line.split(' ').nth(1).unwrap().parse::<usize>().unwrap();
    }
    assert!(appended >= 8, "{appended} rows");
    let bytes = std::fs::read(d.join("race.atr")).unwrap();
    let rows = attractors::attractor::atr::parse(&bytes, "race.atr").unwrap();
    assert_eq!(rows.len(), appended, "{}", String::from_utf8_lossy(&bytes));
    assert!(common::files::leftovers(d).is_empty());
}

/// Class: collisions. An animation's numbered frames are outputs like the others: an `--apng`,
/// `--gif` or `--video` that is one of them (by another spelling, or a link) is refused before
/// any work, and the frame is left alone.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_frame_of_the_same_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let anim = |extra: &[&'static str]| {
        let mut a = common::tiny_animation("3", &["--out", "cl"]);
        a.extend_from_slice(extra);
        a
    };
    ok_in(d, &anim(&[]));
    let frame = std::fs::read(d.join("cl/frame_00002.png")).unwrap();
    std::os::unix::fs::symlink("cl/frame_00003.png", d.join("link.png")).unwrap();
    for (extra, want) in [
        (
            ["--apng", "cl/frame_00002.png"],
            "--apng cl/frame_00002.png: is the same file as the frame in --out cl/frame_00002.png",
        ),
        (
            ["--apng", "cl/../cl/frame_00002.png"],
            "is the same file as the frame in --out",
        ),
        (
            ["--apng", "link.png"],
            "--apng link.png: is the same file as the frame in --out",
        ),
    ] {
        fails_with(d, &anim(&extra), &[], &[want]);
        assert_eq!(std::fs::read(d.join("cl/frame_00002.png")).unwrap(), frame);
    }
}

/// Class: a closed pipe. A picture or counts written to standard output (`-`) whose reader has
/// gone says the pipe was closed (exit 2), not that the disk is full.
#[cfg(unix)]
#[test]
fn a_closed_pipe_is_told_as_such() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counts_in(d);
    let cases: Vec<Vec<&str>> = vec![
        small(&["--png", "-"]),
        small(&["--hist", "-"]),
        vec!["shade", "p.npy", "--png", "-"],
        vec!["merge", "s0.npy", "--png", "-", "-q"],
    ];
    for args in cases {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
            .current_dir(d)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes before anything is written
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("closed it before the output was complete"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("free some space"), "{args:?}: {err}");
    }
}
