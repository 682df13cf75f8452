//! The bad-input matrix: every case exits 2 with one error line that names the input and a way
//! out, prints no panic, and creates or modifies no output file.

mod common;
use common::{bin, fails};
use std::path::Path;

const HEADER: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n";

/// Writes `content` as an .atr file and expects rendering preset A from it to fail with `want`.
fn bad_atr(dir: &Path, name: &str, content: &[u8], want: &str) {
    let f = dir.join(name);
    std::fs::write(&f, content).unwrap();
    let png = dir.join("out.png");
    fails(
        &[
            "--config",
            f.to_str().unwrap(),
            "A",
            "--png",
            png.to_str().unwrap(),
        ],
        want,
    );
    assert!(!png.exists(), "{name}: an output was written");
}

#[test]
fn malformed_atr_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let row = |r: &str| format!("{HEADER}{r}\n").into_bytes();
    bad_atr(
        d,
        "empty.atr",
        b"",
        "empty.atr:1: found no header row, expected 'Attractor,Equation,x,y,z,a,b,c,d,e,f,g' as the first row",
    );
    bad_atr(
        d,
        "noheader.atr",
        b"A,clifford,0,0,0,1,2,3,4,,,\n",
        "noheader.atr:1: header column 1 is 'A', expected 'Attractor'",
    );
    bad_atr(
        d,
        "misspelled.atr",
        b"Attractor,Equaton,x,y,z,a,b,c,d,e,f,g\n",
        "misspelled.atr:1: header column 2 is 'Equaton', expected 'Equation'",
    );
    bad_atr(
        d,
        "few.atr",
        &row("A,clifford,0,0,0,1,2,3,4"),
        "few.atr:2: found 9 columns, expected 12",
    );
    bad_atr(
        d,
        "many.atr",
        &row("A,clifford,0,0,0,1,2,3,4,,,,,,"),
        "many.atr:2: found 15 columns, expected 12",
    );
    bad_atr(
        d,
        "text.atr",
        &row("A,clifford,0,0,0,one,2,3,4,,,"),
        "text.atr:2: column a: found 'one', expected a number",
    );
    bad_atr(
        d,
        "nan.atr",
        &row("A,clifford,0,0,0,NaN,2,3,4,,,"),
        "nan.atr:2: column a: found 'NaN', expected a finite number",
    );
    bad_atr(
        d,
        "inf.atr",
        &row("A,clifford,0,0,0,1,-inf,3,4,,,"),
        "inf.atr:2: column b: found '-inf', expected a finite number",
    );
    bad_atr(
        d,
        "dup.atr",
        &format!("{HEADER}A,henon,0,0,0,1.4,0.3,,,,,\na,henon,0,0,0,1.4,0.3,,,,,\n").into_bytes(),
        "dup.atr:3: column Attractor: found 'a' again",
    );
    bad_atr(
        d,
        "eq.atr",
        &row("A,lorenz,0,0,0,1,2,3,4,,,"),
        "eq.atr:2: column Equation: unknown equation 'lorenz'",
    );
    bad_atr(
        d,
        "count.atr",
        &row("A,henon,0,0,0,1.4,,,,,,"),
        "count.atr:2: column b: 'henon' needs 2 parameters (a, b), found 1",
    );
    bad_atr(
        d,
        "palette.atr",
        b"Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\nA,henon,0,0,0,1.4,0.3,,,,,,firee\n",
        "palette.atr:2: column palette: unknown palette 'firee'; did you mean fire",
    );
    bad_atr(
        d,
        "z.atr",
        &row("A,clifford,0,0,5,-1.3,-1.3,-1.8,-1.9,,,"),
        "z.atr:2: column z: clifford does not use z (a 2-D map: z is never read); leave z blank or 0",
    );
    bad_atr(
        d,
        "joined.atr",
        &row("\"A\"B,henon,0,0,0,1.4,0.3,,,,,"),
        "joined.atr:2:4: found text after a quoted field's closing quote",
    );
    bad_atr(
        d,
        "quote.atr",
        &row("\"A,henon,0,0,0,1.4,0.3,,,,,"),
        "quote.atr:2: found an unterminated quote",
    );
    bad_atr(
        d,
        "garbage.atr",
        &[0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, 7, 0, 1],
        "garbage.atr:1: found bytes that are not UTF-8 text",
    );
    bad_atr(
        d,
        "nul.atr",
        b"Attractor,Equation\0,x\n",
        "nul.atr:1: found a NUL byte",
    );
    // 100 MB: refused from its size, without reading it whole.
    let big = d.join("big.atr");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(100_000_000).unwrap();
    fails(
        &[
            "--config",
            big.to_str().unwrap(),
            "--png",
            d.join("o.png").to_str().unwrap(),
        ],
        "big.atr: is larger than 8388608 bytes, the most a preset file can be",
    );
    fails(
        &[
            "--config",
            d.to_str().unwrap(),
            "--png",
            d.join("o.png").to_str().unwrap(),
        ],
        "is a directory, not a regular file; give a file",
    );
}

#[test]
fn bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let png = d.join("out.png");
    let p = png.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--size", "0x10"], "size '0x10': expected WIDTHxHEIGHT"),
        (&["--size", "100000x100000"], "size '100000x100000'"),
        (
            &["--size", "65536x65536", "--backend", "cpu"],
            "needs about",
        ),
        (&["--iters", "0"], "count '0': too small"),
        (&["--iters", "1e30"], "count '1e30': too large"),
        (&["--iters", "lots"], "count 'lots': not a number"),
        (&["--bounds", "3,-3,-3,3"], "xmin < xmax"),
        (&["--bounds", "-3,3,3,3"], "ymin < ymax"),
        (&["--bounds", "-3,3,-3,inf"], "finite"),
        (&["--bounds", "1,2"], "found 2 values"),
        (
            &["--palette", "fier"],
            "unknown palette 'fier'; did you mean fire",
        ),
        (&["--shade", "loog"], "invalid value 'loog' for '--shade"),
        (&["--backend", "tpu"], "invalid value 'tpu' for '--backend"),
        (&["--background", "mauve-ish"], "unknown colour 'mauve-ish'"),
        (&["--start", "1,2,3,4"], "start '1,2,3,4': found 4 values"),
        (&["--start", "1"], "start '1': found 1 values"),
        (
            &["--params", "q=1"],
            "'clifford' has no parameter 'q'; its parameters are a, b, c, d",
        ),
        (&["--params", "a=nan"], "a must be finite"),
        (&["--equation", "lorenz"], "unknown equation 'lorenz'"),
        (
            &["--equation", "henon"],
            "--equation henon: give its parameters with --params (a, b missing)",
        ),
        (
            &["--exact", "--backend", "gpu"],
            "--exact runs on the CPU only",
        ),
        (
            &["--resume", "/no/such.ckpt.json"],
            "--resume /no/such.ckpt.json: cannot read it",
        ),
    ];
    for (args, want) in cases {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(
            ["--iters", "1e4", "--png", p]
                .iter()
                .skip(if args.contains(&"--iters") { 2 } else { 0 }),
        );
        fails(&a, want);
        assert!(!png.exists(), "{args:?} wrote an output");
    }
    // output paths
    fails(
        &["--png", d.join("no/such/dir/x.png").to_str().unwrap()],
        "does not exist; create it first",
    );
    fails(
        &["--png", d.to_str().unwrap()],
        "is a directory; give a file name inside it",
    );
    fails(
        &["--hist", d.join("counts.csv").to_str().unwrap()],
        "--hist",
    );
    fails(
        &["--png", "/proc/attractors-test.png"],
        "cannot write in /proc; choose a writable directory",
    );
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "unexpected files: {leftovers:?}");
}

#[test]
fn unknown_adapter_is_an_error() {
    // Whether or not a GPU exists, a named adapter that is not there must not be ignored.
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("a.png");
    let err = fails(
        &[
            "--adapter",
            "no-such-card",
            "--iters",
            "1e4",
            "--png",
            png.to_str().unwrap(),
        ],
        "error:",
    );
    assert!(err.contains("no GPU adapter"), "{err}");
    assert!(!png.exists());
}

#[test]
fn parameters_that_diverge_or_collapse() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("p.png");
    let p = png.to_str().unwrap();
    fails(
        &["--equation", "henon", "--params", "a=5,b=0.3", "--png", p],
        "every orbit diverges for henon a=5, b=0.3",
    );
    assert!(!png.exists());
    // A diverging formula is told what diverged and what to try, not pointed at `list`.
    let err = fails(
        &["--formula", "x' = 3*x + y + 1; y' = x", "--png", p],
        "every orbit diverges for formula from start",
    );
    assert!(
        err.contains("a coordinate beyond 1e10 or not finite")
            && err.contains(
                "try smaller parameters, another start point (--start X,Y), or a smaller --skip"
            )
            && !err.contains("attractors list"),
        "{err}"
    );
    // Henon from (1.294, 0): most orbits near that start escape to infinity (81% of the pilot).
    let out = bin()
        .args([
            "Henon", "--start", "1.294,0", "--iters", "1e5", "--size", "64x64", "--png", p,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("% of pilot orbits diverged for henon a=1.4, b=0.3; try smaller parameters"),
        "{err}"
    );
    // Ikeda with u = 0.5 falls onto a fixed point.
    let out = bin()
        .args([
            "Ikeda", "--params", "u=0.5", "--iters", "1e5", "--size", "64x64", "--png", p,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: the orbit collapses to")
            && err.contains("(a fixed point or a short cycle) for ikeda u=0.5"),
        "{err}"
    );
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
    fails(
        &["--iters", "0", "--png", png.to_str().unwrap()],
        "too small",
    );
    assert_eq!(std::fs::read(&png).unwrap(), b"precious");
}

/// A damaged .npy gets one line that says what is wrong, not the header parser's trace or a bare
/// "failed to fill whole buffer".
#[test]
fn damaged_npy_files_get_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = b"garbage                                              \n";
    let mut bad = b"\x93NUMPY\x01\x00".to_vec();
    bad.extend((header.len() as u16).to_le_bytes());
    bad.extend(header);
    let bad_npy = d.join("bad.npy");
    std::fs::write(&bad_npy, &bad).unwrap();
    let png = d.join("x.png");
    let err = fails(
        &[
            "shade",
            bad_npy.to_str().unwrap(),
            "--png",
            png.to_str().unwrap(),
        ],
        "bad.npy: not a .npy file",
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!png.exists());
    // Through the reader that --resume and merge use: a truncated file and a bad header.
    let mut good = b"\x93NUMPY\x01\x00".to_vec();
    let h = b"{'descr': '<u4', 'fortran_order': False, 'shape': (4, 4), }          \n";
    good.extend((h.len() as u16).to_le_bytes());
    good.extend(h);
    good.extend([1u8; 16 * 4]);
    let trunc = d.join("trunc.npy");
    std::fs::write(&trunc, &good[..good.len() - 10]).unwrap();
    for (file, want) in [(&trunc, "it ends early"), (&bad_npy, "not a .npy file")] {
        let e = format!(
            "{:#}",
            attractors::output::read_npy_counts(file).unwrap_err()
        );
        assert!(e.contains(want), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    std::fs::write(&trunc, &good).unwrap();
    assert_eq!(
        attractors::output::read_npy_counts(&trunc).unwrap().2,
        vec![0x0101_0101; 16]
    );
}

/// A recipe given with `--from` (here a `.recipe.json` edited by hand) goes through the checks of
/// the flags, before any work, and an error names the file and the field, not a flag.
#[test]
fn recipe_values_are_checked_like_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = bin()
        .current_dir(d)
        .args(["--size", "32x32", "--iters", "1e4", "--backend", "cpu"])
        .args(["--checkpoint", "0", "-q", "--hist", "a.npy"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("a.recipe.json")).unwrap()).unwrap();
    let cases: &[(&str, serde_json::Value, &str)] = &[
        ("points", 0.into(), "r.json: \"points\" 0: too small"),
        (
            "supersample",
            9.into(),
            "r.json: \"supersample\" 9: expected",
        ),
        (
            "supersample",
            64.into(),
            "\"supersample\" 64: expected a supersampling factor, a whole number from 1 to 4",
        ),
        (
            "size",
            serde_json::json!([70000, 1]),
            "r.json: \"size\" 70000x1: expected WIDTHxHEIGHT",
        ),
        (
            "size",
            serde_json::json!([0, 5]),
            "r.json: \"size\" 0x5: expected",
        ),
        ("depth", 12.into(), "r.json: \"depth\" 12: expected 8 or 16"),
        (
            "skip",
            1_000_000_000_000u64.into(),
            "r.json: \"skip\" 1000000000000: too large",
        ),
        (
            "start",
            serde_json::json!([0, 0, 5]),
            "r.json: \"start\" [0.0, 0.0, 5.0]: clifford does not use z",
        ),
        (
            "bounds",
            serde_json::json!([-1e308, 1e308, -1, 1]),
            "r.json: \"bounds\" -1e308,1e308,-1,1: the x range",
        ),
        (
            "de",
            serde_json::json!({"radius": 100, "min": 0, "curve": 0.4}),
            "r.json: \"de\" 100,0,0.4: RADIUS 100 is out of range",
        ),
        (
            "palette",
            "nope".into(),
            "r.json: \"palette\" 'nope': unknown palette",
        ),
        (
            "shade",
            "loog".into(),
            "r.json: \"shade\" 'loog': expected one of",
        ),
        ("span", serde_json::json!([5, 1]), "r.json: \"span\" 5,1:"),
    ];
    for (field, value, want) in cases {
        let mut bad = doc.clone();
        bad["picture"][*field] = value.clone();
        std::fs::write(d.join("r.json"), bad.to_string()).unwrap();
        let png = d.join("o.png");
        let err = fails(
            &[
                "--from",
                d.join("r.json").to_str().unwrap(),
                "--backend",
                "cpu",
                "--png",
                png.to_str().unwrap(),
            ],
            want,
        );
        let file = format!("error: {}: \"{field}\"", d.join("r.json").display());
        assert!(err.starts_with(&file), "{field}: {err}");
        assert!(!png.exists(), "{field}: an output was written");
        // The flag given overrides the field, and the render goes ahead.
        let flag: &[&str] = match *field {
            "points" => &["--iters", "1e4"],
            "size" => &["--size", "16x16"],
            "depth" => &["--depth", "8"],
            _ => continue,
        };
        let ok = bin()
            .args([
                "--from",
                d.join("r.json").to_str().unwrap(),
                "--backend",
                "cpu",
            ])
            .args(["--checkpoint", "0", "-q", "--png"])
            .arg(&png)
            .args(flag)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{field}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        std::fs::remove_file(&png).unwrap();
    }
}

/// A negative number given to a flag that takes a count or a size reaches the flag's parser (its
/// own message), instead of being taken for an unknown flag.
#[test]
fn negative_values_get_the_flags_own_message() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--size", "-1x64", "--png", "x.png"],
            "size '-1x64': expected WIDTHxHEIGHT",
        ),
        (
            &["--iters", "-5", "--png", "x.png"],
            "count '-5': too small",
        ),
        (
            &["--supersample", "-1", "--png", "x.png"],
            "for '--supersample <N>'",
        ),
        (
            &["bench", "--reps", "-1"],
            "--reps '-1': expected a number of timed runs, a whole number from 1 to 1000",
        ),
        (
            &["bench", "--max-seconds", "-1"],
            "--max-seconds -1: expected a finite positive number",
        ),
        (
            &[
                "animate", "--frames", "-1", "--sweep", "a=0:1", "--gif", "x.gif",
            ],
            "--frames '-1': expected a number of frames",
        ),
        (
            &[
                "animate", "--fps", "-2", "--sweep", "a=0:1", "--gif", "x.gif",
            ],
            "--fps -2: expected frames per second",
        ),
        (
            &["search", "clifford", "--count", "-3"],
            "--count '-3': expected a number of results, a whole number from 1 to 10000",
        ),
    ];
    for (args, want) in cases {
        let err = fails(args, want);
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
    }
}

/// Bounds whose width, height or pixel scale overflows are refused up front (every point would
/// land in one column).
#[test]
fn bounds_that_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("b.png");
    let p = png.to_str().unwrap();
    for (bounds, want) in [
        (
            "--bounds=-1e308,1e308,-1,1",
            "the x range 1e308 - (-1e308) overflows",
        ),
        ("--bounds=-1,1,-1e308,1e308", "the y range"),
        ("--bounds=-1e300,1e300,-1,1", "beyond 32-bit floats"),
        ("--bounds=0,1e-320,0,1", "too narrow"),
    ] {
        fails(
            &[bounds, "--iters", "1e4", "--backend", "cpu", "--png", p],
            want,
        );
        assert!(!png.exists(), "{bounds}");
    }
    // The exact orbit is 64-bit: bounds beyond 32-bit floats are its to render.
    let out = bin()
        .args([
            "--bounds=-1e300,1e300,-1,1",
            "--exact",
            "--iters",
            "1e3",
            "--size",
            "16x16",
        ])
        .args(["--checkpoint", "0", "-q", "--png", p])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A flag that does nothing where it is given is refused with the place it applies to.
#[test]
fn flags_that_would_be_ignored_are_refused() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--png", "x.png", "--screenshot", "s.png"],
            "--screenshot does not apply to a render to files",
        ),
        (
            &["--png", "x.png", "--frames", "3"],
            "--frames does not apply to a render to files",
        ),
        (
            &["--hist", "x.npy", "--panel"],
            "--panel does not apply to a render to files",
        ),
        (&["--iters", "1e6"], "--iters does not apply to the window"),
        (&["--json"], "--json does not apply to the window"),
        (
            &["animate", "--sweep", "a=0:1", "--exr", "x.exr"],
            "animate: --exr does not apply to an animation",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--depth", "16", "--gif", "x.gif",
            ],
            "animate: --depth does not apply",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--fps", "10", "--out", "frames",
            ],
            "--fps 10: numbered frames (--out) have no rate",
        ),
        (
            &[
                "animate", "--keys", "k.csv", "--ease", "smooth", "--out", "frames",
            ],
            "'--ease <EASE>'",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--tone", "frame", "--gif", "x.gif",
            ],
            "--tone frame: the tone map is eq_hist (the preset's or the default), which equalises every frame by its own counts",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--shade", "eq_hist", "--tone", "frame", "--gif",
                "x.gif",
            ],
            "--tone frame: the tone map is eq_hist (--shade)",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--shade", "log", "--span", "1,100", "--tone",
                "frame", "--gif", "x.gif",
            ],
            "--tone frame: --span 1,100 gives every frame the same range under either --tone",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--fps", "1e-9", "--apng", "t.png",
            ],
            "--apng holds frames of at most 65535 s, so 0.00001526 fps is its slowest rate; give --fps 0.00001526 or more",
        ),
        (
            &[
                "animate", "--sweep", "a=0:1", "--fps", "0.001", "--gif", "t.gif",
            ],
            "--gif holds frames of at most 655.35 s",
        ),
        (
            &["list", "--palettes", "--config", "x.atr"],
            "'--config <FILE>'",
        ),
        (
            &["search", "clifford", "--config", "x.atr"],
            "--config x.atr: names the preset file of --score",
        ),
        (
            &["bench", "--no-skip", "--max-seconds", "5"],
            "'--max-seconds <SECONDS>'",
        ),
        (
            &["--adapter", "x", "--backend", "cpu", "--png", "x.png"],
            "--adapter x: picks a GPU, but --backend cpu renders on the CPU; drop --adapter, or drop --backend cpu",
        ),
        (
            &["--adapter", "all", "--exact", "--png", "x.png"],
            "--adapter all: picks a GPU, but --exact renders on the CPU",
        ),
        (
            &["--adapter", "x", "--backend", "cpu-exact", "--png", "x.png"],
            "but --backend cpu-exact renders on the CPU",
        ),
        (
            &["--adapter", "x", "--backend", "cpu"],
            "--adapter x: picks a GPU, but --backend cpu",
        ),
        (
            &[
                "animate",
                "--sweep",
                "a=0:1",
                "--backend",
                "cpu",
                "--adapter",
                "x",
                "--gif",
                "x.gif",
            ],
            "--adapter x: picks a GPU, but --backend cpu",
        ),
        (
            &["bench", "--backends", "cpu,cpu-exact", "--adapter", "x"],
            "--adapter x: picks a GPU, but --backends cpu,cpu-exact has no gpu",
        ),
        (
            &["--adapter", "", "--png", "x.png"],
            "adapter '': expected a part of an adapter's name",
        ),
        (
            &["bench", "--adapter", " "],
            "adapter ' ': expected a part of an adapter's name",
        ),
        (
            &[
                "--aspect",
                "fill",
                "--bounds",
                "-1,1,-1,1",
                "--size",
                "64x32",
                "--png",
                "x.png",
            ],
            "--aspect fill: fits automatic bounds to the canvas, but --bounds are used as given; drop --aspect, or drop --bounds",
        ),
        (
            &["--aspect", "equal", "--bounds", "-1,1,-1,1"],
            "--aspect equal: fits automatic bounds",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in cases {
        let out = bin().current_dir(dir.path()).args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: expected '{want}' in: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A z for a map that never reads z (a 2-D map) is refused rather than dropped (and recorded in
/// the recipe); a 3-D map takes it.
#[test]
fn a_z_on_a_2d_map_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.png");
    fails(
        &["--start", "0,0,5", "--png", p.to_str().unwrap()],
        "--start 0,0,5: clifford does not use z (a 2-D map: z is never read); give --start 0,0",
    );
    fails(
        &[
            "--formula",
            "x' = sin(a*y); y' = x",
            "--params",
            "a=1.5",
            "--start",
            "1,0,-2",
            "--png",
            p.to_str().unwrap(),
        ],
        "--start 1,0,-2: formula does not use z",
    );
    let gif = dir.path().join("z.gif");
    fails(
        &[
            "animate",
            "--sweep",
            "z=0:1",
            "--gif",
            gif.to_str().unwrap(),
        ],
        "--sweep z: 'clifford' does not use z",
    );
    assert!(!p.exists() && !gif.exists());
    // A 3-D map takes a z.
    let p = dir.path().join("p.png");
    let out = bin()
        .args([
            "--equation",
            "pickover",
            "--params",
            "a=-1.1,b=1.9,c=-1.4,d=1.2",
        ])
        .args([
            "--start",
            "0.1,0,0.5",
            "--iters",
            "1e4",
            "--size",
            "16x16",
            "--backend",
            "cpu",
        ])
        .args(["--checkpoint", "0", "-q", "--png", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What the user typed is echoed on the one error line with its control characters escaped, and
/// a huge value is cut in the middle, keeping the way out at the end.
#[test]
fn echoed_input_stays_on_one_short_line() {
    fails(
        &["--png", "no\ndir/x.png", "--iters", "1e3"],
        "directory no\\ndir does not exist; create it first",
    );
    fails(
        &["Cliff\u{1b}[2Jord", "--png", "x.png"],
        "no preset 'Cliff\\u{1b}[2Jord'",
    );
    let huge = "Q".repeat(100_000);
    let err = fails(&[&huge, "--png", "x.png"], "(attractors list shows all)");
    assert!(err.len() < 1000, "{} bytes", err.len());
}

/// The memory check counts the process's address-space limit (`ulimit -v`), not only the
/// machine's free memory: a render that cannot fit is refused up front, not aborted by a failed
/// allocation (which left a lock file and a temporary file behind).
#[cfg(target_os = "linux")]
#[test]
fn a_memory_limit_is_respected_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -v 4000000 && exec {} --backend cpu --size 20000x20000 --iters 1e3 --png big.png",
            env!("CARGO_BIN_EXE_attractors")
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--size 20000x20000 needs about") && err.contains("MiB are available"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `shade` refuses counts wider or taller than a PNG can be, from the header alone (a sparse
/// file: nothing is read or allocated).
#[test]
fn shade_refuses_a_picture_beyond_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("wide.npy");
    let mut header =
        "{'descr': '<u4', 'fortran_order': False, 'shape': (1, 2147483648), }".to_string();
    while !(10 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    let f = std::fs::File::create(&npy).unwrap();
    std::io::Write::write_all(&mut &f, &bytes).unwrap();
    f.set_len(bytes.len() as u64 + 4 * (1 << 31)).unwrap();
    fails(
        &[
            "shade",
            npy.to_str().unwrap(),
            "--png",
            dir.path().join("w.png").to_str().unwrap(),
        ],
        "shape [1, 2147483648]; expected a picture with 1 to 2147483647 rows and columns (a PNG's limit)",
    );
}

/// The sampled modes run in float32: a start or parameter it cannot hold (beyond 3.4e38, or a
/// nonzero value that becomes 0) is refused wherever it comes from, pointing to --exact; --exact
/// (float64) renders it.
#[test]
fn values_beyond_float32_are_refused_in_sampled_modes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let png = d.join("o.png");
    let p = png.to_str().unwrap();
    let atr = d.join("big.atr");
    std::fs::write(
        &atr,
        format!("{HEADER}Big,clifford,0,0,0,1e39,-1.3,-1.8,-1.9,,,\n"),
    )
    .unwrap();
    let keys = d.join("keys.csv");
    std::fs::write(
        &keys,
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time\n\
         K,clifford,1e300,0,0,-1.3,-1.3,-1.8,-1.9,,,,0\n\
         K,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,,1\n",
    )
    .unwrap();
    let gif = d.join("k.gif");
    let a = atr.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--start", "1e300,0", "--png", p],
            "start 1e300,0: 1e300 is not finite (largest about 3.4e38) in float32, the precision of the sampled CPU and GPU modes; use --exact (float64)",
        ),
        (
            &["--start", "-4e38,0", "--backend", "gpu", "--png", p],
            "start -4e38,0: -4e38 is not finite",
        ),
        (
            &["--params", "a=1e39", "--png", p],
            "parameter a=1e39: 1e39 is not finite (largest about 3.4e38) in float32, the precision of the sampled CPU and GPU modes; use --exact (float64), or a value within +-3.4e38",
        ),
        (
            &["--params", "a=1e-50", "--png", p],
            "parameter a=1e-50: 1e-50 underflows to 0 (smallest about 1.4e-45) in float32, the precision of the sampled CPU and GPU modes; use --exact (float64), a value of magnitude at least 1.4e-45, or 0",
        ),
        (&["--config", a, "Big", "--png", p], "parameter a=1e39"),
        (
            &[
                "animate",
                "--keys",
                keys.to_str().unwrap(),
                "--gif",
                gif.to_str().unwrap(),
            ],
            "start 1e300,0: 1e300 is not finite",
        ),
    ];
    for (args, want) in cases {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--iters", "1e4", "--size", "16x16"]);
        fails(&a, want);
        assert!(!png.exists() && !gif.exists(), "{args:?} wrote an output");
    }
    let out = bin()
        .args([
            "--start", "1e300,0", "--exact", "--iters", "1e4", "--size", "16x16",
        ])
        .args(["--checkpoint", "0", "-q", "--png", p])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sampled modes skip at most 10 000 transient points (their orbits start from a pool of
/// points already on the attractor): more is refused, from a flag or a recipe, not clamped;
/// --exact skips it all.
#[test]
fn a_skip_the_sampled_modes_cannot_honour_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = d.join("o.png");
    let p = p.to_str().unwrap();
    let small = [
        "--iters",
        "1e4",
        "--size",
        "16x16",
        "--checkpoint",
        "0",
        "-q",
    ];
    for skip in ["10001", "2e4", "1e9"] {
        let mut a = vec!["--skip", skip, "--png", p];
        a.extend(small);
        fails(
            &a,
            "the sampled CPU and GPU modes skip at most 10000 transient points",
        );
    }
    let err = fails(
        &["--skip", "2e4", "--backend", "gpu", "--png", p],
        "skip 20000: ",
    );
    assert!(err.contains("use --exact for a longer transient"), "{err}");
    assert!(!Path::new(p).exists());
    // A recipe's skip is checked the same way; --exact honours it.
    let npy = d.join("o.npy");
    let ok = bin()
        .args(["--skip", "2e4", "--exact", "--hist", npy.to_str().unwrap()])
        .args(small)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let recipe = d.join("o.recipe.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&recipe).unwrap()).unwrap();
    assert_eq!(doc["picture"]["skip"], 20000);
    doc["picture"]["mode"] = "sampled".into();
    std::fs::write(&recipe, doc.to_string()).unwrap();
    let q = d.join("q.png");
    fails(
        &[
            "--from",
            recipe.to_str().unwrap(),
            "--png",
            q.to_str().unwrap(),
        ],
        "skip 20000: the sampled",
    );
    assert!(!q.exists());
    let mut a = vec!["--skip", "1e4", "--png", p];
    a.extend(small);
    let ok = bin().args(&a).output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    ); // bench: its sampled backends too; cpu-exact alone honours it.
    fails(
        &["bench", "--skip", "2e4", "--backends", "cpu,cpu-exact"],
        "--skip 20000: the sampled backends (gpu, cpu) skip at most 10000 transient points; give --backends cpu-exact",
    );
    let ok = bin()
        .args(["bench", "--skip", "2e4", "--backends", "cpu-exact"])
        .args(["--iters", "1e2", "--reps", "1", "--size", "16x16", "-q"])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

/// `-` means standard output only where an output can go there (a render's --png and --hist,
/// shade's --png): elsewhere it is refused, not written as a file named `-`.
#[test]
fn a_dash_is_refused_where_standard_output_cannot_take_the_output() {
    for (args, flag) in [
        (
            &[
                "search", "clifford", "--seed", "1", "--count", "1", "--atr", "-",
            ][..],
            "--atr",
        ),
        (
            &["bench", "--iters", "1e2", "--backends", "cpu", "--csv", "-"],
            "--csv",
        ),
        (&["--exr", "-", "--iters", "1e3"], "--exr"),
    ] {
        fails(
            args,
            &format!("{flag} -: this output cannot go to standard output"),
        );
    }
    assert!(
        !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("-")
            .exists()
    );
}

/// The window's --screenshot path is checked before a display or a GPU is looked for.
#[test]
fn a_bad_screenshot_path_is_named_before_the_window_opens() {
    fails(
        &["--screenshot", "/no/such/dir/s.png", "--frames", "1"],
        "--screenshot /no/such/dir/s.png: directory /no/such/dir does not exist; create it first",
    );
    fails(
        &["--screenshot", "s.jpg", "--frames", "1"],
        "--screenshot s.jpg: expected a file name ending in .png",
    );
}
