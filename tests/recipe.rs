//! Every picture carries its recipe: a CPU render re-rendered with `--from` its own PNG (or its
//! `.npy`) is byte-identical; the recipe survives each writer (render PNG and `.npy` sidecar,
//! `shade`, the search sheet, the window's save and screenshot); `--from` plus `--size` changes
//! only the size; missing, damaged and newer recipes are refused clearly.

mod common;
use attractors::output::RECIPE_KEYWORD;
use attractors::recipe::{Document, Recipe, load};
use common::{bin, fails};
use std::path::Path;

/// Runs the binary in `dir` with `args`; panics with stderr unless it succeeds.
fn run_in(dir: &Path, args: &[&str]) -> String {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {err}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

const RENDER: [&str; 12] = [
    "--backend",
    "cpu",
    "--size",
    "160x120",
    "--iters",
    "3e5",
    "--seed",
    "11",
    "--checkpoint",
    "0",
    "--palette",
    "kbc",
];

fn picture(path: &Path) -> Recipe {
    load(path)
        .unwrap()
        .into_picture(&path.display().to_string())
        .unwrap()
}

#[test]
fn a_cpu_render_from_its_own_png_or_npy_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = RENDER.to_vec();
    args.extend(["Bedhead_1", "--png", "a.png", "--hist", "a.npy", "-q"]);
    run_in(d, &args);
    assert!(d.join("a.recipe.json").is_file(), "the .npy has its recipe");
    assert_eq!(picture(&d.join("a.png")), picture(&d.join("a.npy")));
    let r = picture(&d.join("a.png"));
    assert_eq!(
        (r.name.as_str(), r.palette.as_str(), r.seed),
        ("Bedhead_1", "kbc", 11)
    );
    for from in ["a.png", "a.npy"] {
        run_in(
            d,
            &[
                "--from",
                from,
                "--backend",
                "cpu",
                "--checkpoint",
                "0",
                "--png",
                "b.png",
                "-q",
            ],
        );
        assert!(
            std::fs::read(d.join("a.png")).unwrap() == std::fs::read(d.join("b.png")).unwrap(),
            "--from {from}: the PNG differs"
        );
    }
}

#[test]
fn from_with_size_changes_only_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = RENDER.to_vec();
    args.extend(["--png", "a.png", "-q", "--shade", "log", "--span", "1,400"]);
    run_in(d, &args);
    run_in(
        d,
        &[
            "--from",
            "a.png",
            "--size",
            "320x240",
            "--backend",
            "cpu",
            "--png",
            "big.png",
            "-q",
        ],
    );
    let (a, mut big) = (picture(&d.join("a.png")), picture(&d.join("big.png")));
    assert_eq!(big.size, [320, 240]);
    big.size = a.size;
    assert_eq!(big, a, "only the size changed");
    let img = image::open(d.join("big.png")).unwrap();
    assert_eq!((img.width(), img.height()), (320, 240));
}

#[test]
fn info_prints_the_recipe_as_text_json_and_atr() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = RENDER.to_vec();
    args.extend([
        "--formula",
        "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + cos(b*y)",
    ]);
    args.extend(["--params", "a=-1.4,b=1.6,c=1", "--png", "f.png", "-q"]);
    run_in(d, &args);
    let text = run_in(d, &["info", "f.png"]);
    assert!(text.contains("params:     a=-1.4,b=1.6,c=1"), "{text}");
    assert!(text.contains("attractors --from f.png"), "{text}");
    let json = run_in(d, &["info", "f.png", "--json"]);
    let doc: Document = serde_json::from_str(&json).unwrap();
    assert_eq!(doc, load(&d.join("f.png")).unwrap());
    // The .atr row parses back to the same map and parameters.
    let row = run_in(d, &["info", "f.png", "--as-atr"]);
    let file = format!("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\n{row}");
    let presets = attractors::attractor::atr::parse(file.as_bytes(), "t.atr").unwrap();
    let p = doc.into_picture("f.png").unwrap().preset().unwrap();
    assert_eq!(presets[0].params, p.params);
    assert_eq!(presets[0].formula, p.formula);
    // The flags line renders the same picture without --from.
    let flags = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("flags:"))
        .unwrap();
    assert!(
        flags.contains("--formula 'x' ") || flags.contains("--formula"),
        "{flags}"
    );
}

#[test]
fn shade_and_the_search_sheet_carry_recipes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = RENDER.to_vec();
    args.extend(["--hist", "a.npy", "-q"]);
    run_in(d, &args);
    run_in(
        d,
        &["shade", "a.npy", "--palette", "fire", "--depth", "16", "-q"],
    );
    let shaded = picture(&d.join("a.png"));
    let rendered = picture(&d.join("a.npy"));
    assert_eq!((shaded.palette.as_str(), shaded.depth), ("fire", 16));
    assert_eq!(
        (shaded.bounds, shaded.seed),
        (rendered.bounds, rendered.seed)
    );
    let root = env!("CARGO_MANIFEST_DIR");
    run_in(
        Path::new(root),
        &[
            "search",
            "--score",
            "Clifford",
            "Bedhead_1",
            "--sheet",
            d.join("s.png").to_str().unwrap(),
            "-q",
        ],
    );
    let sheet = load(&d.join("s.png")).unwrap();
    let names: Vec<&str> = sheet.recipes().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Clifford", "Bedhead_1"]);
    fails(
        &["--from", d.join("s.png").to_str().unwrap()],
        "a contact sheet of 2 pictures",
    );
    let rows = run_in(d, &["info", "s.png", "--as-atr"]);
    assert_eq!(rows.lines().count(), 2, "{rows}");
}

#[test]
fn missing_damaged_and_newer_recipes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = d.join("plain.png");
    image::RgbImage::new(4, 4).save(&plain).unwrap();
    let plain = plain.to_str().unwrap();
    fails(&["--from", plain], "holds no attractors recipe");
    fails(&["info", plain], "holds no attractors recipe");
    fails(
        &["--from", d.join("nothing.png").to_str().unwrap()],
        "nothing.png",
    );
    let npy = d.join("bare.npy");
    std::fs::write(&npy, b"not really").unwrap();
    fails(
        &["--from", npy.to_str().unwrap()],
        "bare.recipe.json beside it",
    );

    let mut args = RENDER.to_vec();
    args.extend(["--png", "a.png", "-q"]);
    run_in(d, &args);
    let doc = load(&d.join("a.png")).unwrap();
    let write = |name: &str, json: &str| {
        let path = d.join(name);
        let text = attractors::output::PngText {
            description: "test".into(),
            recipe: Some(json.to_string()),
        };
        attractors::output::OutputFile::prepare(&path, attractors::output::Kind::Png)
            .unwrap()
            .write_png(&[0, 0, 0, 255], 1, 1, &text)
            .unwrap()
            .commit()
            .unwrap();
        path.to_str().unwrap().to_string()
    };
    let damaged = write("damaged.png", &doc.to_json()[..40]);
    fails(&["--from", &damaged], "damaged recipe: not JSON");
    let mut v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    v["format"] = 2.into();
    v["program"] = "attractors 3.0.0".into();
    v["picture"]["sparkle"] = true.into();
    let newer = write("newer.png", &v.to_string());
    fails(&["--from", &newer], "recipe field 'sparkle' is unknown");
    fails(&["info", &newer], "written by attractors 3.0.0 (format 2)");
    v["picture"].as_object_mut().unwrap().remove("sparkle");
    v["picture"].as_object_mut().unwrap().remove("bounds");
    let older = write("older.png", &v.to_string());
    let err = fails(&["--from", &older], "recipe lacks the field 'bounds'");
    assert!(
        err.trim_end()
            .ends_with("damaged or too old; render it with flags instead of --from"),
        "{err}"
    );
    v["picture"]["bounds"] = serde_json::json!([1.0, 0.0, 0.0, 1.0]);
    let bad = write("bad.png", &v.to_string());
    fails(&["--from", &bad], "bad.png");
    // An unknown field in a recipe this very version wrote is an edit, not a newer version.
    let mut v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    v["picture"]["sparkle"] = true.into();
    let edited = write("edited.png", &v.to_string());
    let err = fails(
        &["--from", &edited],
        "recipe field 'sparkle' is not one attractors",
    );
    assert!(
        err.contains("the recipe was edited or damaged") && !err.contains("or newer"),
        "{err}"
    );
    // A recipe chunk whose checksum fails is damaged, not missing.
    let mut bytes = std::fs::read(d.join("a.png")).unwrap();
    let chunk = format!("{RECIPE_KEYWORD}\0");
    let at = bytes
        .windows(chunk.len())
        .position(|w| w == chunk.as_bytes())
        .unwrap();
    bytes[at + RECIPE_KEYWORD.len() + 40] ^= 1;
    let crc = d.join("crc.png");
    std::fs::write(&crc, &bytes).unwrap();
    fails(
        &["--from", crc.to_str().unwrap()],
        "crc.png: damaged recipe: its recipe chunk fails its checksum",
    );
}

/// The window's "Save PNG" and `--screenshot` write the view's recipe (under Xvfb on the
/// software adapter; skipped without them, failed with ATTRACTORS_REQUIRE_GPU=1).
#[test]
fn window_saves_and_screenshots_carry_recipes() {
    let found = std::process::Command::new("xvfb-run")
        .arg("--help")
        .output()
        .is_ok();
    let required = std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1");
    assert!(
        found || !required,
        "ATTRACTORS_REQUIRE_GPU=1 but xvfb-run is missing"
    );
    if !found || !common::have_gpu() {
        eprintln!("skipping: no xvfb-run or no GPU adapter");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(assert_cmd::cargo::cargo_bin("attractors"))
        .args([
            "Bedhead_1",
            "--size",
            "200x150",
            "--frames",
            "40",
            "--seed",
            "5",
        ])
        .args(["--screenshot", "shot.png"])
        .env("ATTRACTORS_TEST_SAVE_AT_FRAME", "3")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let saved = err
        .lines()
        .find_map(|l| l.strip_prefix("saved "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no save reported: {err}"));
    for name in [saved, "shot.png"] {
        let r = picture(&dir.path().join(name));
        assert_eq!((r.name.as_str(), r.seed), ("Bedhead_1", 5), "{name}");
        assert_eq!(r.preset().unwrap().equation.name(), "bedhead");
    }
}
