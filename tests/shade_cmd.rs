//! `attractors shade`: bad input (exit 2, one error line naming the input, no output written),
//! 16-bit output, spans, the look taken from the recipe beside the counts or from a checkpoint's
//! preset, and a default output name that never replaces a file.

mod common;
use common::{bin, fails};
use std::path::Path;

/// A hand-written .npy: `descr` like '<u4', `shape` like "(2, 3)", then `data`.
fn npy(path: &Path, descr: &str, shape: &str, data: &[u8]) {
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(data);
    std::fs::write(path, bytes).unwrap();
}

fn u32s(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn shade_fails(input: &str, extra: &[&str], want: &str, out: &Path) {
    let mut args = vec!["shade", input, "--png", out.to_str().unwrap()];
    args.extend(extra);
    fails(&args, want);
    assert!(!out.exists(), "{input}: an output was written");
}

#[test]
fn bad_inputs_exit_2_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("out.png");
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    shade_fails(&p("missing.npy"), &[], "missing.npy: cannot read it", &out);
    shade_fails(d.to_str().unwrap(), &[], "is a directory", &out);
    shade_fails("/dev/zero", &[], "/dev/zero: not a regular file", &out);
    std::fs::write(d.join("text.npy"), b"hello, not numpy").unwrap();
    shade_fails(&p("text.npy"), &[], "text.npy: not a .npy file", &out);
    npy(&d.join("f8.npy"), "<f8", "(1, 2)", &[0; 16]);
    shade_fails(
        &p("f8.npy"),
        &[],
        "expected uint32 or uint64 counts, found dtype '<f8'",
        &out,
    );
    npy(&d.join("i4.npy"), "<i4", "(1, 2)", &[0; 8]);
    shade_fails(&p("i4.npy"), &[], "found dtype '<i4'", &out);
    npy(&d.join("1d.npy"), "<u4", "(4,)", &[0; 16]);
    shade_fails(
        &p("1d.npy"),
        &[],
        "expected a 2-D array of counts, found shape [4]",
        &out,
    );
    npy(&d.join("3d.npy"), "<u4", "(1, 2, 2)", &[0; 16]);
    shade_fails(&p("3d.npy"), &[], "found shape [1, 2, 2]", &out);
    npy(&d.join("short.npy"), "<u4", "(3, 3)", &u32s(&[1, 2, 3]));
    shade_fails(
        &p("short.npy"),
        &[],
        "the file is truncated or damaged",
        &out,
    );
    // A header claiming a huge array is refused by its size, not by trying to allocate it.
    npy(
        &d.join("huge.npy"),
        "<u8",
        "(2000000000, 2000000000)",
        &[0; 8],
    );
    shade_fails(&p("huge.npy"), &[], "truncated or damaged", &out);
    npy(&d.join("wide.npy"), "<u8", "(4000000000, 1)", &[0; 8]);
    shade_fails(
        &p("wide.npy"),
        &[],
        "1 to 2147483647 rows and columns",
        &out,
    );
    npy(&d.join("ok.npy"), "<u4", "(1, 2)", &u32s(&[0, 5]));
    shade_fails(
        &p("ok.npy"),
        &["--shade", "eq_hist", "--span", "1,9"],
        "--span does not apply to eq_hist",
        &out,
    );
    shade_fails(
        &p("ok.npy"),
        &["--palette", "fier"],
        "did you mean fire",
        &out,
    );
    shade_fails(
        &p("ok.npy"),
        &[],
        "expected a file name ending in .png",
        &d.join("x.jpg"),
    );
    let err = bin()
        .args(["shade", &p("ok.npy"), "--span", "9,1", "--shade", "log"])
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&err.stderr).contains("MIN is not below MAX"));
}

#[test]
fn sixteen_bit_and_span_and_big_endian() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 2x3, one empty bin; counts 1..=5 (big-endian uint64 to exercise the byte order).
    let counts: [u64; 6] = [0, 1, 2, 3, 4, 5];
    let data: Vec<u8> = counts.iter().flat_map(|c| c.to_be_bytes()).collect();
    npy(&d.join("c.npy"), ">u8", "(2, 3)", &data);
    let input = d.join("c.npy");
    let png16 = d.join("c16.png");
    bin()
        .args([
            "shade",
            input.to_str().unwrap(),
            "--shade",
            "linear",
            "--palette",
            "gray",
        ])
        .args(["--depth", "16", "--png", png16.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let img = image::open(&png16).unwrap();
    assert_eq!(
        img.color(),
        image::ColorType::Rgb16,
        "opaque background: RGB"
    );
    let px = img.to_rgb16().into_raw();
    // Linear levels (c - 1) / 4 = 0, 0.25, 0.5, 0.75, 1; 16-bit keeps the interpolated channel
    // (within one 8-bit level of the 8-bit colour, times 257).
    let gray = attractors::shade::Palette::from_name("gray").unwrap();
    for (i, u) in [(1, 0.0), (2, 0.25), (3, 0.5), (4, 0.75), (5, 1.0)] {
        let want = gray.at(u)[0] as u16 * 257;
        assert!(
            px[i * 3].abs_diff(want) <= 257,
            "pixel {i}: {} vs {want}",
            px[i * 3]
        );
    }
    assert_eq!(px[0], 0, "empty bin: black background");
    // The default output name: c.png beside the input; 8-bit; a span clips 5 to 3.
    bin()
        .args([
            "shade",
            input.to_str().unwrap(),
            "--shade",
            "linear",
            "--palette",
            "gray",
        ])
        .args(["--span", "1,3", "-q"])
        .assert()
        .success();
    let px = image::open(d.join("c.png")).unwrap().to_rgb8().into_raw();
    let g: Vec<u8> = px.chunks(3).map(|p| p[0]).collect();
    let top = gray.at(1.0)[0];
    assert_eq!(g, vec![0, 0, gray.at(0.5)[0], top, top, top]);
}

#[test]
fn palette_comes_from_the_checkpoint_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let atr = d.join("p.atr");
    std::fs::write(
        &atr,
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\nMine,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,,gray\n",
    )
    .unwrap();
    npy(&d.join("out.ckpt.a.npy"), "<u4", "(1, 2)", &u32s(&[1, 9]));
    let meta = serde_json::json!({
        "format": 2, "program": "attractors test", "preset": "Mine", "equation": "clifford",
        "params": [-1.3, -1.3, -1.8, -1.9], "start": [0.0, 0.0, 0.0], "bounds": [-3.0, 3.0, -3.0, 3.0],
        "width": 2, "height": 1, "seed": 0, "skip": 0, "exact": false, "iters": 100, "done": 10,
        "counted": 10, "outside": 0, "diverged": 0, "segments": 1, "exact_state": null,
        "counts": "out.ckpt.a.npy",
        "counts_hash": attractors::checkpoint::counts_hash(&[1, 9])
    });
    std::fs::write(d.join("out.ckpt.json"), meta.to_string()).unwrap();
    for input in ["out.ckpt.json", "out.ckpt.a.npy"] {
        let png = d.join(format!("{input}.png"));
        bin()
            .args([
                "shade",
                d.join(input).to_str().unwrap(),
                "--config",
                atr.to_str().unwrap(),
            ])
            .args(["--shade", "linear", "--png", png.to_str().unwrap(), "-q"])
            .assert()
            .success();
        let px = image::open(&png).unwrap().to_rgb8().into_raw();
        // fire would end white; colorcet's gray ends at (254, 255, 255) once truncated.
        let gray = attractors::shade::Palette::from_name("gray").unwrap();
        let want: Vec<u8> = [gray.at(0.0), gray.at(1.0)].concat();
        assert_eq!(px, want, "{input}: gray from the preset, not fire");
        assert_ne!(gray.at(1.0), [255, 255, 255]);
    }
}

#[test]
fn render_takes_a_span_but_not_with_eq_hist() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("r.png");
    let base = [
        "--iters",
        "1e4",
        "--size",
        "32x32",
        "--backend",
        "cpu",
        "-q",
    ];
    fails(
        &[
            &base[..],
            &["--span", "1,50", "--png", png.to_str().unwrap()],
        ]
        .concat(),
        "--span does not apply to eq_hist",
    );
    assert!(!png.exists());
    bin()
        .args(base)
        .args([
            "--shade",
            "log",
            "--span",
            "1,50",
            "--png",
            png.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert!(png.exists());
}

/// Runs `attractors ARGS` in `dir`; returns (exit code, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Class: the look of a render (tone map, palette, background, span, depth) is in the recipe
/// beside its counts, and `shade` takes it from there unless a flag says otherwise; the picture
/// of `shade X.npy` is then the render's own. A default output name (not typed) never replaces a
/// file: the render's picture survives `shade X.npy`, with a message saying to pass --png.
#[test]
fn shade_takes_the_look_of_the_recipe_and_keeps_an_existing_picture() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let render = [
        "De_Jong_1",
        "--png",
        "dj.png",
        "--hist",
        "dj.npy",
        "--size",
        "48x48",
        "--iters",
        "1e5",
        "--backend",
        "cpu",
        "--checkpoint",
        "0",
        "--shade",
        "log",
        "--span",
        "2,400",
        "--background",
        "ivory",
        "--depth",
        "16",
        "-q",
    ];
    let (code, err) = run_in(d, &render);
    assert_eq!(code, Some(0), "{err}");
    let rendered = std::fs::read(d.join("dj.png")).unwrap();

    // The default output is the render's picture: refused, and left as it was.
    for extra in [&[][..], &["--palette", "kbc"]] {
        let mut args = vec!["shade", "dj.npy"];
        args.extend_from_slice(extra);
        let (code, err) = run_in(d, &args);
        assert_eq!(code, Some(2), "{err}");
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{err}");
        assert!(
            errors[0].contains("the default output dj.png exists")
                && errors[0].contains("pass --png dj.png to replace it"),
            "{err}"
        );
        assert_eq!(std::fs::read(d.join("dj.png")).unwrap(), rendered);
    }
    // A directory under the default name: the way out is another name, not --png of it.
    std::fs::copy(d.join("dj.npy"), d.join("q.npy")).unwrap();
    std::fs::create_dir(d.join("q.png")).unwrap();
    let (code, err) = run_in(d, &["shade", "q.npy"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the default output q.png is a directory; pass --png OTHER.png"),
        "{err}"
    );

    // Without flags: the render's look, so the render's picture.
    let (code, err) = run_in(d, &["shade", "dj.npy", "--png", "same.png", "-q"]);
    assert_eq!(code, Some(0), "{err}");
    let pixels = |name: &str| image::open(d.join(name)).unwrap();
    assert_eq!(pixels("same.png"), pixels("dj.png"));
    let look = |name: &str| {
        let r = attractors::recipe::load(&d.join(name))
            .unwrap()
            .into_picture(name)
            .unwrap();
        (r.shade, r.palette, r.background, r.span, r.depth)
    };
    assert_eq!(look("same.png"), look("dj.png"));
    let palette = look("dj.png").1;
    assert_ne!(palette, "fire", "De_Jong_1 has a palette of its own");

    // A flag overrides only its part; eq_hist drops the recipe's span (it takes none).
    let (code, err) = run_in(
        d,
        &["shade", "dj.npy", "--palette", "kbc", "--png", "kbc.png"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        look("kbc.png"),
        (
            "log".into(),
            "kbc".into(),
            "#fffff0ff".into(),
            Some([2, 400]),
            16
        )
    );
    let (code, err) = run_in(
        d,
        &[
            "shade", "dj.npy", "--shade", "eq_hist", "--depth", "8", "--png", "eq.png",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        look("eq.png"),
        ("eq_hist".into(), palette, "#fffff0ff".into(), None, 8)
    );

    // A damaged recipe is named, not skipped (it would change the look without a word).
    std::fs::copy(d.join("dj.npy"), d.join("bad.npy")).unwrap();
    std::fs::write(d.join("bad.recipe.json"), "{").unwrap();
    let (code, err) = run_in(d, &["shade", "bad.npy", "--png", "bad.png"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad.recipe.json: damaged recipe"), "{err}");
    assert!(!d.join("bad.png").exists());

    // Where there is no file, the default name is written.
    std::fs::remove_file(d.join("dj.png")).unwrap();
    let (code, err) = run_in(d, &["shade", "dj.npy", "-q"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(pixels("dj.png"), pixels("same.png"));
}

/// Side files that cannot apply are refused, not ignored: a --config no checkpoint reads (or
/// beside a recipe), a recipe of another size, a recipe path that is not a file.
#[test]
fn side_files_that_do_not_fit_the_counts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("out.png");
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    npy(&d.join("c.npy"), "<u4", "(1, 2)", &u32s(&[1, 9]));
    for config in [p("nonexist.atr"), p("")] {
        shade_fails(
            &p("c.npy"),
            &["--config", &config],
            "shade reads it only for the preset a checkpoint names, and",
            &out,
        );
    }
    npy(&d.join("r.npy"), "<u4", "(1, 2)", &u32s(&[1, 9]));
    std::fs::create_dir(d.join("r.recipe.json")).unwrap();
    shade_fails(
        &p("r.npy"),
        &[],
        "r.recipe.json: the recipe beside the counts is not a file",
        &out,
    );
    // A real recipe, then edited to another size.
    let (code, err) = run_in(
        d,
        &[
            "--hist",
            "s.npy",
            "--size",
            "16x8",
            "--iters",
            "1e4",
            "--backend",
            "cpu",
            "--checkpoint",
            "0",
            "-q",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    shade_fails(
        &p("s.npy"),
        &["--config", "attractors.atr"],
        "--config attractors.atr: shade takes the look from the recipe",
        &out,
    );
    let recipe = d.join("s.recipe.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&recipe).unwrap()).unwrap();
    for (size, ss, want) in [
        (
            [64, 64],
            1,
            "\"size\" 64x64 disagrees with the 16x8 counts of",
        ),
        ([0, 0], 1, "\"size\" 0x0 disagrees with the 16x8 counts"),
        (
            [16, 8],
            2,
            "\"size\" 16x8 at --supersample 2, a 32x16 canvas, disagrees",
        ),
    ] {
        let mut bad = doc.clone();
        bad["picture"]["size"] = serde_json::json!(size);
        bad["picture"]["supersample"] = ss.into();
        std::fs::write(&recipe, bad.to_string()).unwrap();
        shade_fails(&p("s.npy"), &[], want, &out);
    }
    std::fs::write(&recipe, doc.to_string()).unwrap();
    bin()
        .args(["shade", &p("s.npy"), "--png", out.to_str().unwrap(), "-q"])
        .assert()
        .success();
}

/// Runs `shade -` in `dir` with `input` on standard input and TMPDIR set to `tmp`; returns
/// (exit code, stderr, stdout).
#[cfg(unix)]
fn shade_stdin(dir: &Path, tmp: &Path, input: &[u8], extra: &[&str]) -> (Option<i32>, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .args(["shade", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The program may refuse after the header and close its end: a broken pipe here is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Regular files under `dir` (a directory made for other purposes holds none).
#[cfg(unix)]
fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_in(&p) } else { 1 })
        .sum()
}

/// Class: unbounded spools. `shade -` checks the header's limits before reading the counts
/// (a 100000x100000 header is refused at once, however much follows), reads the stream exactly
/// (truncated, trailing data, Fortran order and floats refused), and writes no temporary file,
/// whether it finishes, refuses or is stopped by a signal.
#[cfg(unix)]
#[test]
fn shade_from_standard_input_reads_no_more_than_the_header_allows() {
    use common::files::{npy_header, u32s};
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut huge = npy_header("<u8", "(100000, 100000)", false);
    huge.extend(vec![0u8; 1 << 20]);
    let mut wide = npy_header("<u4", "(1, 3000000000)", false);
    wide.extend([0u8; 64]);
    let body = u32s(&[0, 1, 2, 3, 4, 5]);
    let with = |descr: &str, fortran: bool, data: &[u8]| {
        let mut v = npy_header(descr, "(2, 3)", fortran);
        v.extend(data);
        v
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (huge, "a 100000x100000 array of counts needs"),
        (wide, "1 to 2147483647 rows and columns"),
        (
            with("<u4", false, &body[..20]),
            "ends before the 2x3 array does",
        ),
        (
            with("<u4", false, &[&body[..], &[7u8; 4]].concat()),
            "more bytes follow the 2x3 array",
        ),
        (with("<u4", true, &body), "a Fortran-order array"),
        (with("<f4", false, &body), "found dtype '<f4'"),
    ];
    for (input, want) in &cases {
        let (code, err) = shade_stdin(d, tmp.path(), input, &["--png", "o.png"]);
        assert_eq!(code, Some(2), "{want}: {err}");
        assert!(
            err.contains("standard input (-)") && err.contains(want),
            "{err}"
        );
        assert!(!d.join("o.png").exists());
    }
    let (code, err) = shade_stdin(
        d,
        tmp.path(),
        &with("<u4", false, &body),
        &["--png", "o.png"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(d.join("o.png").exists());
    assert_eq!(files_in(tmp.path()), 0);
    // Stopped by a signal while it waits for the counts: no file anywhere.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attractors"))
        .current_dir(d)
        .env("TMPDIR", tmp.path())
        .args(["shade", "-", "--png", "p.png"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, &npy_header("<u4", "(512, 512)", false)).unwrap();
    std::io::Write::write_all(&mut stdin, &[0u8; 4096]).unwrap();
    // The output's lock file shows the run is past its checks and reading.
    while !d.join(".p.png.lock").exists() {
        assert!(child.try_wait().unwrap().is_none());
        std::thread::yield_now();
    }
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    drop(stdin);
    assert!(!status.success());
    assert_eq!(files_in(tmp.path()), 0);
    assert!(!d.join("p.png").exists());
    assert!(
        common::files::leftovers(d).is_empty(),
        "{:?}",
        common::files::leftovers(d)
    );
}

/// Class: silent misreads, through a file: a Fortran-order array, trailing data and big-endian
/// counts (read exactly: the same picture as little-endian).
#[cfg(unix)]
#[test]
fn shade_reads_a_file_exactly_or_refuses_it() {
    use common::files::{u32s, write_npy};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let body = u32s(&[0, 1, 2, 3, 4, 5]);
    write_npy(&d.join("f.npy"), "<u4", "(2, 3)", true, &body);
    shade_fails(
        d.join("f.npy").to_str().unwrap(),
        &[],
        "a Fortran-order array",
        &d.join("o.png"),
    );
    write_npy(
        &d.join("t.npy"),
        "<u4",
        "(2, 3)",
        false,
        &[&body[..], &[0u8; 4]].concat(),
    );
    shade_fails(
        d.join("t.npy").to_str().unwrap(),
        &[],
        "more data follows the array",
        &d.join("o.png"),
    );
    // One row in Fortran order is the same bytes as in C order: read, not refused.
    write_npy(&d.join("row.npy"), "<u4", "(1, 6)", true, &body);
    let out = bin()
        .args(["shade", d.join("row.npy").to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
