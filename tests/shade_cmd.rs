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
