//! A preset's look (the `.atr` columns palette, shade, background and bounds) end to end: a
//! render uses it, each flag overrides its part, the picture's recipe records what was used, and
//! a bad cell is refused with its line and column.

mod common;
use common::{bin, fails};

const ATR: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,shade,background,bounds\n\
Look,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,,kbc,log,ivory,\"-1,3.5,-1,3.5\"\n\
Plain,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,\n";

/// Renders `args` (after the preset file) on the CPU into `out.png` in `dir`; returns the recipe
/// and the top-left pixel.
fn render(dir: &std::path::Path, args: &[&str]) -> (attractors::recipe::Recipe, [u8; 4]) {
    let png = dir.join("out.png");
    let _ = std::fs::remove_file(&png);
    let atr = dir.join("look.atr");
    let out = bin()
        .arg("--config")
        .arg(&atr)
        .args(args)
        .args([
            "--size",
            "96x64",
            "--iters",
            "2e5",
            "--backend",
            "cpu",
            "-q",
        ])
        .arg("--png")
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = attractors::recipe::load(&png).unwrap();
    let corner = image::open(&png).unwrap().to_rgba8().get_pixel(0, 0).0;
    (doc.picture.unwrap(), corner)
}

#[test]
fn a_preset_renders_in_its_look_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("look.atr"), ATR).unwrap();

    let (r, corner) = render(dir.path(), &["Look"]);
    assert_eq!(
        (r.palette.as_str(), r.shade.as_str(), r.background.as_str()),
        ("kbc", "log", "#fffff0ff")
    );
    assert_eq!(
        r.bounds,
        [-1.0, 3.5, -1.0, 3.5],
        "the preset's bounds, used as given"
    );
    // The corner (-1, 3.5) lies outside the attractor (|y| <= |sin| + |d| = 2.9): ivory.
    assert_eq!(corner, [255, 255, 240, 255]);

    // Each flag overrides its part of the look; the rest stays the preset's.
    let (r, corner) = render(
        dir.path(),
        &[
            "Look",
            "--shade",
            "linear",
            "--background",
            "black",
            "--bounds=-3,3,-3,3",
        ],
    );
    assert_eq!(
        (r.palette.as_str(), r.shade.as_str(), r.background.as_str()),
        ("kbc", "linear", "#000000ff")
    );
    assert_eq!(r.bounds, [-3.0, 3.0, -3.0, 3.0]);
    assert_eq!(corner, [0, 0, 0, 255]);
    let (r, _) = render(dir.path(), &["Look", "--palette", "fire"]);
    assert_eq!((r.palette.as_str(), r.shade.as_str()), ("fire", "log"));

    // --aspect asks for automatic framing: the preset's bounds give way, its colours stay.
    let (r, _) = render(dir.path(), &["Look", "--aspect", "fill"]);
    assert_ne!(r.bounds, [-1.0, 3.5, -1.0, 3.5]);
    assert_eq!(r.background, "#fffff0ff");

    // A row that leaves the look columns out renders with the flags' defaults.
    let (r, _) = render(dir.path(), &["Plain"]);
    assert_eq!(
        (r.palette.as_str(), r.shade.as_str(), r.background.as_str()),
        ("fire", "eq_hist", "#000000ff")
    );
}

#[test]
fn a_bad_look_cell_names_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for (cells, want) in [
        (
            "fire,lin,,",
            "bad.atr:2: column shade: unknown shade 'lin'; did you mean linear?",
        ),
        (
            "fire,log,darkblu,",
            "bad.atr:2: column background: unknown colour 'darkblu'",
        ),
        (
            "fire,log,,\"1,0,0,1\"",
            "bad.atr:2: column bounds: bounds '1,0,0,1': bounds need xmin < xmax",
        ),
    ] {
        let f = dir.path().join("bad.atr");
        let text = ATR.lines().next().unwrap().to_string()
            + "\nX,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,,"
            + cells
            + "\n";
        std::fs::write(&f, text).unwrap();
        fails(&["list", "--config", f.to_str().unwrap()], want);
    }
}
