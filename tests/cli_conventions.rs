//! Command-line conventions: `-` for standard output and input, completions, the manual page,
//! `--json` documents, one-line usage errors, `list` of several lists, and errors about outputs
//! before any backend starts.

mod common;
use attractors::shade::Palette;
use common::{bin, fails};
use serde_json::Value;

fn stdout_of(args: &[&str]) -> Vec<u8> {
    let out = bin().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "args {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json_of(args: &[&str]) -> Value {
    let bytes = stdout_of(args);
    serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "args {args:?}: not one JSON document ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    })
}

fn has_fields(v: &Value, fields: &[&str]) {
    for f in fields {
        assert!(v.get(f).is_some(), "field {f} missing in {v}");
    }
}

#[test]
fn png_to_stdout_decodes_and_messages_stay_on_stderr() {
    let out = bin()
        .args([
            "Clifford",
            "--png",
            "-",
            "--size",
            "80x60",
            "--iters",
            "1e5",
            "--backend",
            "cpu",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let img = image::load_from_memory_with_format(&out.stdout, image::ImageFormat::Png)
        .expect("stdout holds exactly one PNG");
    assert_eq!((img.width(), img.height()), (80, 60));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backend:"), "messages go to stderr: {err}");
}

#[test]
fn hist_to_stdout_is_a_valid_npy_and_shade_reads_it_from_stdin() {
    let npy = stdout_of(&[
        "Clifford",
        "--hist",
        "-",
        "--size",
        "40x30",
        "--iters",
        "1e5",
        "--backend",
        "cpu",
        "-q",
    ]);
    let file = npyz::NpyFile::new(&npy[..]).expect("a .npy");
    assert_eq!(file.shape(), &[30, 40]);
    let counts: Vec<u32> = file.into_vec().unwrap();
    assert_eq!(counts.iter().map(|&c| c as u64).sum::<u64>(), 100_000);
    // `attractors shade -`: counts on stdin, PNG on stdout by default.
    let out = bin()
        .args(["shade", "-", "-q"])
        .write_stdin(npy)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::load_from_memory_with_format(&out.stdout, image::ImageFormat::Png).unwrap();
    assert_eq!((img.width(), img.height()), (40, 30));
}

#[test]
fn bad_stdin_is_named_as_standard_input() {
    let out = bin()
        .args(["shade", "-"])
        .write_stdin(&b"not counts"[..])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("standard input (-): not a .npy file"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn stdout_taken_twice_or_with_json_is_refused() {
    fails(
        &["--png", "-", "--hist", "-", "--backend", "cpu"],
        "another output already goes to standard output",
    );
    fails(
        &["--png", "-", "--json", "--backend", "cpu"],
        "--json: standard output already carries",
    );
}

#[test]
fn completions_name_presets_and_palettes() {
    let bash = String::from_utf8(stdout_of(&["completions", "bash"])).unwrap();
    assert!(
        bash.contains("De_Jong_1"),
        "preset names in the bash script"
    );
    assert!(
        bash.contains("viridis") && bash.contains("kbc"),
        "palette names"
    );
    assert!(bash.contains("--png"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let s = stdout_of(&["completions", shell]);
        assert!(!s.is_empty(), "{shell}");
    }
}

#[test]
fn man_page_is_roff() {
    let man = String::from_utf8(stdout_of(&["man"])).unwrap();
    assert!(man.contains(".TH"), "{man}");
    assert!(man.contains("Exit codes"));
}

#[test]
fn help_documents_exit_codes() {
    let help = String::from_utf8(stdout_of(&["--help"])).unwrap();
    assert!(
        help.contains("Exit codes: 0 success; 2 bad input"),
        "{help}"
    );
    assert!(help.contains("130 interrupted"));
}

#[test]
fn json_documents_have_their_fields() {
    let v = json_of(&["list", "--json"]);
    has_fields(&v, &["source", "presets"]);
    has_fields(
        &v["presets"][0],
        &["name", "equation", "palette", "params", "start"],
    );
    let v = json_of(&["list", "--equations", "--json"]);
    has_fields(&v["equations"][0], &["name", "params", "formula"]);
    let v = json_of(&["list", "--palettes", "--json"]);
    assert!(
        v["palettes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "fire")
    );

    let v = json_of(&["info", "--json"]);
    has_fields(&v, &["adapters", "error"]);

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("c.png");
    let v = json_of(&[
        "Clifford",
        "--png",
        png.to_str().unwrap(),
        "--size",
        "32x32",
        "--iters",
        "1e5",
        "--backend",
        "cpu",
        "--json",
    ]);
    has_fields(
        &v,
        &[
            "preset",
            "backend",
            "iters",
            "points",
            "counted",
            "outside",
            "diverged",
            "seconds",
            "rate",
            "bounds",
            "size",
            "warnings",
            "outputs",
            "interrupted",
        ],
    );
    assert_eq!(v["points"], 100_000);
    assert_eq!(v["outputs"][0], png.to_str().unwrap());
    assert_eq!(v["bounds"].as_array().unwrap().len(), 4);

    let v = json_of(&[
        "bench",
        "--backends",
        "cpu",
        "--iters",
        "1e3,1e4",
        "--reps",
        "1",
        "--size",
        "32x32",
        "--json",
        "-q",
    ]);
    has_fields(&v, &["preset", "size", "cells"]);
    has_fields(
        &v["cells"][0],
        &[
            "iters", "backend", "reps", "calc", "render", "png", "total", "note",
        ],
    );
    has_fields(&v["cells"][0]["total"], &["min", "median", "mean"]);

    let v = json_of(&["search", "--score", "Clifford", "--json", "-q"]);
    assert_eq!(v["mode"], "score");
    has_fields(
        &v["results"][0],
        &[
            "preset",
            "score",
            "lyapunov",
            "coverage",
            "effective_pixels",
            "dimension",
            "accepted",
            "reject",
        ],
    );
    let v = json_of(&[
        "search", "clifford", "--count", "1", "--seed", "3", "--json", "-q",
    ]);
    has_fields(
        &v,
        &["mode", "equation", "seed", "accepted", "tried", "results"],
    );
}

/// A bad output path is reported before the backend line, i.e. before any GPU start.
#[test]
fn output_errors_come_before_any_backend() {
    for args in [
        &["bench", "--backends", "gpu,cpu", "--csv", "/no/dir/x.csv"][..],
        &["--png", "/no/dir/x.png"][..],
        &["--hist", "/no/dir/x.npy"][..],
    ] {
        let err = fails(args, "does not exist");
        assert!(!err.contains("backend"), "{args:?}: {err}");
        assert!(
            err.trim_start().starts_with("error:"),
            "{args:?}: the error is the first line: {err}"
        );
    }
}

/// When every output is `-`, a stopped render's checkpoint is named after the preset in the
/// current directory (characters outside letters, digits, `_` and `-` become `_`), and its resume
/// command finishes the job with the PNG again on standard output.
#[test]
fn checkpoints_of_a_render_to_stdout_are_named_after_the_preset() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let formula = "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";
    for (args, name) in [
        (vec!["Clifford"], "Clifford"),
        (
            vec![
                "--formula",
                formula,
                "--params",
                "a=-1.3,b=-1.3,c=-1.8,d=-1.9",
                "--start",
                "0,0",
            ],
            "Formula",
        ),
    ] {
        let mut all = args.clone();
        all.extend([
            "--png",
            "-",
            "--backend",
            "cpu",
            "--iters",
            "2e7",
            "--size",
            "32x32",
            "--checkpoint",
            "1",
        ]);
        let out = bin()
            .current_dir(d)
            .args(&all)
            .env("ATTRACTORS_TEST_INTERRUPT_AT", "100000")
            .env("ATTRACTORS_TEST_CHECKPOINT_EVERY", "1000000")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{err}");
        let ckpt = d.join(format!("{name}.ckpt.json"));
        assert!(ckpt.is_file(), "no {} after {all:?}: {err}", ckpt.display());
        assert!(
            err.contains(&format!("{name}.ckpt.json")),
            "the resume command names the checkpoint: {err}"
        );
        // The stopped run's partial picture still went to stdout.
        image::load_from_memory_with_format(&out.stdout, image::ImageFormat::Png)
            .expect("the stopped run's PNG on stdout");
        // The printed command, pasted into a shell as it is, finishes the job.
        let command = err
            .lines()
            .find_map(|l| l.strip_prefix("to continue: "))
            .unwrap_or_else(|| panic!("no resume command: {err}"));
        let out = std::process::Command::new("sh")
            .current_dir(d)
            .args(["-c", command])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{command}: {err}");
        assert!(err.contains("resuming: "), "{command}: {err}");
        image::load_from_memory_with_format(&out.stdout, image::ImageFormat::Png)
            .expect("the resumed run's PNG on stdout");
    }
}

/// Every usage error of the parser is one line that points to the help of its command, exit 2;
/// `--help` and `--version` are as clap prints them, exit 0.
#[test]
fn usage_errors_are_one_line() {
    for (args, want, help) in [
        (
            &["--iter", "5"][..],
            "error: unexpected argument '--iter' found; tip: a similar argument exists: '--iters'",
            "attractors --help",
        ),
        (
            &["--shade", "loog"],
            "error: invalid value 'loog' for '--shade <SHADE>'",
            "attractors --help",
        ),
        (
            &["completions"],
            "error: the following required arguments were not provided: <SHELL>",
            "attractors completions --help",
        ),
        (
            &["bench", "--reps", "0"],
            "error: invalid value '0' for '--reps <REPS>'",
            "attractors bench --help",
        ),
        (
            &["list", "--as-formula"],
            "error: the following required arguments were not provided: --equations",
            "attractors list --help",
        ),
    ] {
        let out = bin().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(want), "{args:?}: {err}");
        assert!(
            err.trim_end().ends_with(&format!("; see {help}")),
            "{args:?}: {err}"
        );
    }
    for args in [&["--help"][..], &["--version"], &["bench", "--help"]] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
        assert!(out.stdout.len() > 10, "{args:?}");
    }
    let help = String::from_utf8(stdout_of(&["--help"])).unwrap();
    assert!(
        help.contains("Usage:") && help.contains("Options:"),
        "{help}"
    );
}

/// `list` with several lists asked for shows each of them, in text and in JSON.
#[test]
fn list_shows_every_list_asked_for() {
    let text = String::from_utf8(stdout_of(&[
        "list",
        "--equations",
        "--palettes",
        "--colors",
    ]))
    .unwrap();
    for part in [
        "# equations\nclifford (a, b, c, d)",
        "\n# palettes\n",
        "\nfire\n",
        "\n# colors\n",
        "ivory #fffff0",
    ] {
        assert!(text.contains(part), "'{part}' missing in:\n{text}");
    }
    // One list alone is printed as before, without a title.
    let palettes = String::from_utf8(stdout_of(&["list", "--palettes"])).unwrap();
    assert!(palettes.starts_with(&Palette::names()[0]), "{palettes}");
    let v = json_of(&["list", "--equations", "--palettes", "--json"]);
    has_fields(&v, &["equations", "palettes"]);
    assert!(
        v.get("colors").is_none() && v.get("presets").is_none(),
        "{v}"
    );
}

/// A standard output that cannot be written (a full disk) is an error naming standard output,
/// exit 2, for every command that prints text: not a panic, not a silent success.
#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error() {
    for args in [
        &["list"][..],
        &["list", "--equations", "--json"],
        &["info"],
        &["--help"],
        &["--version"],
        &["man"],
        &["completions", "bash"],
        &["search", "--score", "Clifford"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_attractors"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "args {args:?}: {err}");
        assert!(
            err.starts_with("error: writing to standard output: ")
                && err.lines().count() == 1
                && !err.contains("panicked"),
            "args {args:?}: {err}"
        );
    }
}
