//! The live window for real, under Xvfb (`xvfb-run`, installed by .ci/run) on the software
//! Vulkan adapter: it presents frames, its screenshot is the attractor (statistically like the
//! headless render of the same view), the CPU backend works in it, resizing re-creates the
//! targets, and without a display it says how to render headless.

mod common;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn xvfb() -> bool {
    let found = Command::new("xvfb-run").arg("--help").output().is_ok();
    if !found && std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") {
        panic!("ATTRACTORS_REQUIRE_GPU=1 but xvfb-run is missing (apt-get install xvfb xauth)");
    }
    if !found {
        eprintln!("skipping window test: xvfb-run not found");
    }
    found && common::have_gpu()
}

/// Runs the binary in a virtual X display; returns stderr.
fn in_xvfb(args: &[&str]) -> String {
    in_xvfb_with(args, &[], env!("CARGO_MANIFEST_DIR").as_ref())
}

/// [`in_xvfb`] with test hooks (environment variables) and a working directory.
fn in_xvfb_with(args: &[&str], env: &[(&str, &str)], dir: &Path) -> String {
    let bin = assert_cmd::cargo::cargo_bin("attractors");
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(bin)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{args:?}: {err}");
    err
}

/// Fraction of pixels that are not the black background, and the lit mask on 8x8 blocks.
fn lit(path: &Path) -> (f64, Vec<bool>, (u32, u32)) {
    let img = image::open(path).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    let on = |x: u32, y: u32| img.get_pixel(x, y).0.iter().any(|&c| c > 0);
    let n = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| on(x, y))
        .count();
    let blocks: Vec<bool> = (0..h / 8)
        .flat_map(|by| (0..w / 8).map(move |bx| (bx, by)))
        .map(|(bx, by)| (0..8).any(|dy| (0..8).any(|dx| on(bx * 8 + dx, by * 8 + dy))))
        .collect();
    (n as f64 / (w * h) as f64, blocks, (w, h))
}

#[test]
fn window_renders_the_attractor_like_the_headless_path() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    // The GPU path explicitly: `auto` accumulates on the CPU with a software adapter.
    let err = in_xvfb(&[
        "--backend",
        "gpu",
        "--size",
        "320x240",
        "--frames",
        "40",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert!(err.contains("wrote") && err.contains("40 frames"), "{err}");
    let headless = dir.path().join("headless.png");
    let out = common::bin()
        .args([
            "--size",
            "320x240",
            "--aspect",
            "equal",
            "--iters",
            "2e7",
            "-q",
            "--png",
            headless.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (frac, mask, size) = lit(&shot);
    let (frac_h, mask_h, _) = lit(&headless);
    assert_eq!(size, (320, 240));
    assert!(frac > 0.1, "the window's picture is (nearly) blank: {frac}");
    // Same view: the lit 8x8 blocks overlap almost entirely (intersection over union).
    let inter = mask.iter().zip(&mask_h).filter(|(a, b)| **a && **b).count() as f64;
    let union = mask.iter().zip(&mask_h).filter(|(a, b)| **a || **b).count() as f64;
    assert!(
        inter / union > 0.9,
        "window and headless pictures differ: IoU {} (lit {frac} vs {frac_h})",
        inter / union
    );
}

#[test]
fn window_with_the_cpu_backend_and_the_panel() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("cpu.png");
    let err = in_xvfb(&[
        "--backend",
        "cpu",
        "--panel",
        "--size",
        "700x400",
        "--frames",
        "20",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert!(err.contains("accumulating on the CPU"), "{err}");
    let (frac, _, _) = lit(&shot);
    assert!(frac > 0.1, "blank: {frac}");
}

#[test]
fn resizing_recreates_the_targets() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("resized.png");
    in_xvfb_with(
        &[
            "--backend",
            "gpu",
            "--size",
            "320x240",
            "--frames",
            "40",
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        &[("ATTRACTORS_TEST_RESIZE_AT", "10:400x300")],
        env!("CARGO_MANIFEST_DIR").as_ref(),
    );
    let (frac, _, size) = lit(&shot);
    assert_eq!(size, (400, 300), "the screenshot has the new window size");
    assert!(frac > 0.1, "blank after resizing: {frac}");
}

#[test]
fn without_a_display_it_says_how_to_render_headless() {
    let out = common::bin()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .args(["--frames", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: no display found; use --png FILE for headless export"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

/// "Save PNG" renders in the background: the window keeps presenting frames while it saves, and
/// the file is written (with a fresh name) before the window exits.
#[test]
fn saving_runs_in_the_background() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for backend in ["gpu", "cpu"] {
        let err = in_xvfb_with(
            &["--size", "256x256", "--frames", "60", "--backend", backend],
            &[("ATTRACTORS_TEST_SAVE_AT_FRAME", "5")],
            dir.path(),
        );
        let line = err
            .lines()
            .find(|l| l.starts_with("saved "))
            .unwrap_or_else(|| panic!("{backend}: no save reported: {err}"));
        let frames: u64 = line
            .split("; ")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            frames > 0,
            "{backend}: no frame presented during the save: {line}"
        );
        let name = line.split_whitespace().nth(1).unwrap();
        let img = image::open(dir.path().join(name)).unwrap();
        assert_eq!((img.width(), img.height()), (256, 256));
    }
    // Two saves of the same view got two names.
    let pngs = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(pngs, 2);
}

// ---- Real input: the window driven with xdotool (XTEST events, as a user's keyboard and mouse).

/// Whether Xvfb, xdotool and a GPU adapter are here (xdotool missing fails under
/// `ATTRACTORS_REQUIRE_GPU=1`, as xvfb-run does).
fn xdotool() -> bool {
    if !xvfb() {
        return false;
    }
    let found = Command::new("xdotool").arg("version").output().is_ok();
    if !found && std::env::var("ATTRACTORS_REQUIRE_GPU").as_deref() == Ok("1") {
        panic!("ATTRACTORS_REQUIRE_GPU=1 but xdotool is missing (apt-get install xdotool)");
    }
    if !found {
        eprintln!("skipping window input test: xdotool not found");
    }
    found
}

/// Shell helpers for a driving script: `$W` is the window; `wait_for KEY=VALUE-REGEX` waits until
/// the window reports that (`live.txt`, written after every frame); `value KEY` reads a value and
/// `wait_change KEY OLD` waits until it differs; `frames N` lets N frames pass; `click NAME`
/// clicks the centre of a panel widget; `quit` presses Escape and waits for the exit.
const PRELUDE: &str = r#"
set -eu
R="$ATTRACTORS_TEST_WINDOW_REPORT"
"$BIN" "$@" 2>"$R/stderr.txt" &
APP=$!
W=$(timeout 60 xdotool search --sync --name '^attractors')
xdotool windowfocus --sync "$W"
fail() { echo "driver: $*" >&2; cat "$R/live.txt" >&2 || true; kill $APP; exit 1; }
wait_for() {
  for _ in $(seq 1200); do
    grep -Eq "^($1)" "$R/live.txt" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "never saw '$1'"
}
value() { grep -E "^$1=" "$R/live.txt" | head -1 | cut -d= -f2-; }
wait_change() {
  for _ in $(seq 1200); do [ "$(value "$1")" != "$2" ] && return 0; sleep 0.05; done
  fail "$1 stayed $2"
}
frames() {
  local now; now=$(value frame)
  wait_for "frame=($(seq -s'|' $((now + $1)) $((now + $1 + 200))))\$"
}
widget() { grep -E "^widget $1 " "$R/live.txt" | head -1 | cut -d' ' -f3-; }
window_height=$(xdotool getwindowgeometry "$W" | sed -n 's/.*Geometry: [0-9]*x//p')
click() {
  wait_for "widget $1 "
  read -r x y w h <<<"$(widget "$1")"
  [ $((y + h)) -le "$window_height" ] || fail "widget $1 is below the window's bottom"
  # as a hand does: move, then press and release in separate frames
  xdotool mousemove --window "$W" $((x + w / 2)) $((y + h / 2)); frames 2
  xdotool mousedown 1; frames 1
  xdotool mouseup 1; frames 2
}
quit() { xdotool key Escape; wait $APP; }
wait_for 'frame=[3-9]'
"#;

/// Runs the window in Xvfb (1280x800) with `args` in `dir`, drives it with `script` (bash, after
/// [`PRELUDE`]) and returns its final state (`state.txt` as key -> value) and its stderr.
fn drive(args: &[&str], script: &str, dir: &Path) -> (HashMap<String, String>, String) {
    drive_env(args, script, dir, &[])
}

/// [`drive`] with environment variables for the window.
fn drive_env(
    args: &[&str],
    script: &str,
    dir: &Path,
    env: &[(&str, &str)],
) -> (HashMap<String, String>, String) {
    let report = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("attractors");
    let out = Command::new("timeout")
        .args([
            "300",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            "bash",
            "-c",
        ])
        .arg(format!("{PRELUDE}\n{script}"))
        .arg("driver")
        .args(args)
        .env("BIN", bin)
        .env("ATTRACTORS_TEST_WINDOW_REPORT", report.path())
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .unwrap();
    let app_err = std::fs::read_to_string(report.path().join("stderr.txt")).unwrap_or_default();
    let err = format!("{}{app_err}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{args:?}: {err}");
    let state = std::fs::read_to_string(report.path().join("state.txt"))
        .unwrap_or_else(|e| panic!("no state.txt ({e}): {err}"));
    let map = state
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (map, app_err)
}

fn bounds_of(text: &str) -> [f64; 4] {
    let v: Vec<f64> = text.split(',').map(|x| x.parse().unwrap()).collect();
    [v[0], v[1], v[2], v[3]]
}

/// Defect 1: with the panel open and a widget focused, Tab, F1 and the letter keys still work,
/// Space pauses (and the title says so), and typing into a text field types.
#[test]
fn shortcuts_work_with_the_panel_open() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--panel", "--size", "900x760"],
        r#"
        click param.a          # the slider takes egui's focus
        xdotool key Tab; wait_for 'panel=false'
        xdotool key F1; wait_for 'panel=true'
        click param.b
        xdotool key space; wait_for 'title=.*\(paused\)'
        xdotool key n; wait_change preset Clifford
        value preset > "$R/second"
        click preset_name
        xdotool type 'nice space'; wait_for 'name_field=nice space'
        frames 2
        test "$(value preset)" = "$(cat "$R/second")" || fail "typing changed the preset"
        xdotool key Escape     # leaves the text field
        frames 2
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["paused"], "true", "{state:?}");
    assert!(state["title"].contains("(paused)"), "{state:?}");
    assert_eq!(state["panel"], "true");
    assert_ne!(state["preset"], "Clifford", "N worked");
    assert_eq!(state["name_field"], "nice space");
}

/// Defect 2: a press that lands on a slider before egui has seen the pointer starts no pan, and
/// moving the mouse afterwards with no button held moves nothing.
#[test]
fn a_slider_drag_never_leaves_a_pan_behind() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--panel", "--size", "900x600"],
        r#"
        wait_for 'widget param.a '
        read -r x y w h <<<"$(widget param.a)"
        xdotool mousemove --window "$W" 700 300; frames 2 # egui last saw the pointer here
        # move and press at once: no frame runs between the two
        xdotool mousemove --window "$W" $((x + 40)) $((y + h / 2)) mousedown 1
        frames 2
        xdotool mousemove --window "$W" $((x + 90)) $((y + h / 2)); frames 2
        xdotool mouseup 1
        frames 2
        for px in 400 500 600 700 800; do
          xdotool mousemove --window "$W" $px 300; frames 1
        done
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["framed"], state["home"], "the view moved: {state:?}");
    assert_ne!(
        state["params"].split(',').next().unwrap(),
        "-1.3",
        "the slider did not move: {state:?}"
    );
}

/// Defect 3 and 5: a degree of 16 is shown and saved as 16; "save preset" outside a project
/// folder creates ./attractors.atr from the built-in presets plus the new row, and says where.
/// The row keeps the look: palette, tone map, background and the view's bounds.
#[test]
fn sliders_keep_values_and_save_preset_creates_the_file() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, err) = drive(
        &[
            "Symmetric_Icon_11",
            "--panel",
            "--size",
            "900x760",
            "--shade",
            "log",
            "--background",
            "ivory",
        ],
        r#"
        click preset_name
        xdotool type 'Icon_16'
        click save_preset
        wait_for 'message=saved preset'
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["params"].split(',').nth(5), Some("16"), "{state:?}");
    let atr = std::fs::read_to_string(dir.path().join("attractors.atr")).unwrap();
    let row = atr.lines().find(|l| l.starts_with("Icon_16,")).expect(&atr);
    assert!(row.contains(",16,"), "{row}");
    assert!(
        atr.contains("\nClifford,"),
        "the built-in presets are in the new file"
    );
    assert!(err.contains("saved preset 'Icon_16' to "), "{err}");
    assert!(err.contains("attractors.atr (a new file"), "{err}");
    let header = atr.lines().find(|l| l.starts_with("Attractor,")).unwrap();
    assert!(
        header.ends_with(",g,palette,shade,background,bounds"),
        "{header}"
    );
    let saved = attractors::attractor::atr::parse(atr.as_bytes(), "attractors.atr").unwrap();
    let saved = saved.iter().find(|p| p.name == "Icon_16").unwrap();
    assert_eq!(
        saved.palette.as_deref(),
        Some(state["palette"].as_str()),
        "{row}"
    );
    assert_eq!(saved.shade, Some(attractors::shade::Shade::Log), "{row}");
    assert_eq!(
        saved.background,
        Some(attractors::shade::Color([255, 255, 240, 255])),
        "{row}"
    );
    let b = saved.bounds.expect(row);
    assert_eq!(
        [b.xmin, b.xmax, b.ymin, b.ymax],
        bounds_of(&state["bounds"])
    );
    // the new file reads back with the new preset in it
    let out = common::bin()
        .current_dir(dir.path())
        .args([
            "Icon_16", "--size", "64x64", "--iters", "1e5", "-q", "--png", "i.png",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Presets remember the look: the window opens a preset at its own bounds, in its palette, tone
/// map and background, and picking it again (P after N) shows it the same way.
#[test]
fn a_preset_opens_in_its_own_look() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("look.atr"),
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,shade,background,bounds\n\
         Look,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,,kbc,log,ivory,\"-1,3.5,-1,3.5\"\n\
         Plain,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,,,\n",
    )
    .unwrap();
    let (state, _) = drive(
        &["Look", "--config", "look.atr", "--size", "400x300"],
        r#"
        frames 2
        test "$(value home)" = "-1,3.5,-1,3.5" || fail "opened at $(value home)"
        xdotool key n; wait_for 'preset=Plain'; frames 2
        test "$(value home)" != "-1,3.5,-1,3.5" || fail "Plain kept the view of Look"
        xdotool key p; wait_for 'preset=Look'; frames 2
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["home"], "-1,3.5,-1,3.5", "{state:?}");
    assert_eq!(state["framed"], state["home"]);
    assert_eq!(
        (state["palette"].as_str(), state["shade"].as_str()),
        ("kbc", "log")
    );
    assert_eq!(state["background"], "#fffff0");
}

/// Defect 6: the picture is drawn beside the panel (the screenshot is the area right of it), and
/// closing and opening the panel returns to exactly the same view.
#[test]
fn the_picture_sits_beside_the_panel_and_keeps_its_framing() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("beside.png");
    let (state, _) = drive(
        &[
            "--panel",
            "--size",
            "900x600",
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        r#"
        frames 3
        echo "$(value bounds)" > "$R/open1"
        xdotool key Tab; wait_for 'area=900x600'; frames 2
        echo "$(value bounds)" > "$R/closed"
        xdotool key Tab; wait_for 'panel=true'; wait_for 'area=[1-7][0-9][0-9]x'; frames 2
        test "$(value bounds)" = "$(cat "$R/open1")" || fail "bounds changed: $(value bounds) vs $(cat "$R/open1")"
        test "$(value bounds)" != "$(cat "$R/closed")" || fail "closed and open show the same bounds"
        frames 30
        quit
        "#,
        dir.path(),
    );
    let (w, h) = {
        let a = &state["area"];
        let (w, h) = a.split_once('x').unwrap();
        (w.parse::<u32>().unwrap(), h.parse::<u32>().unwrap())
    };
    assert!(
        w < 900 - 200 && h == 600,
        "the area is beside the panel: {w}x{h}"
    );
    let (frac, _, size) = lit(&shot);
    assert_eq!(size, (w, h));
    assert!(frac > 0.1, "blank: {frac}");
    assert_eq!(state["framed"], state["home"]);
}

/// Defect 7 and 8: without --size the window fits a 1280x800 screen; --bounds is the view; one
/// wheel notch zooms by 10%.
#[test]
fn the_window_fits_the_screen_honours_bounds_and_zooms_finely() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--bounds", "-2,2,-1,1"],
        r#"
        frames 2
        echo "$(value bounds)" > "$R/before"
        xdotool mousemove --window "$W" 100 100 click 4
        frames 2
        quit
        "#,
        dir.path(),
    );
    let (w, h) = {
        let (w, h) = state["area"].split_once('x').unwrap();
        (w.parse::<u32>().unwrap(), h.parse::<u32>().unwrap())
    };
    assert!(
        w <= 1280 && h <= 800 * 9 / 10,
        "{w}x{h} does not fit 1280x800"
    );
    // --bounds is the framed region, shown whole
    assert_eq!(bounds_of(&state["home"]), [-2.0, 2.0, -1.0, 1.0]);
    let b = bounds_of(&state["framed"]);
    let width = b[1] - b[0];
    // fitted to the window: the framed width is 4 (x limits) or more; one notch: / 1.1
    let fitted = {
        let per_px = (4.0 / w as f64).max(2.0 / h as f64);
        per_px * w as f64
    };
    // One notch zooms by exactly 1.1 (winit reports the wheel button's press and its release
    // as two notches on X11: the window counts the pair once).
    let steps = (fitted / width).ln() / 1.1f64.ln();
    assert!(
        (steps - 1.0).abs() < 1e-6,
        "one wheel notch: {width} vs {fitted} ({steps} steps of 1.1)"
    );
}

/// Undo and redo (Ctrl-Z, Ctrl-Shift-Z) over preset and style changes.
#[test]
fn undo_and_redo_walk_the_history() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--size", "400x300"],
        r#"
        xdotool key n; wait_change preset Clifford; frames 2
        value preset > "$R/second"; value palette > "$R/second_palette"
        xdotool key c; wait_change palette "$(cat "$R/second_palette")"; frames 2
        xdotool key ctrl+z; wait_for "palette=$(cat "$R/second_palette")\$"; frames 2
        xdotool key ctrl+z; wait_for 'preset=Clifford$'; frames 2
        xdotool key ctrl+shift+z; wait_for "preset=$(cat "$R/second")\$"; frames 2
        test "$(value palette)" = "$(cat "$R/second_palette")" || fail "redo lost the palette"
        quit
        "#,
        dir.path(),
    );
    assert_ne!(state["preset"], "Clifford");
    assert_eq!((state["undo"].as_str(), state["redo"].as_str()), ("1", "1"));
}

/// Up/Down pick a parameter, Left/Right nudge it by its step, Shift+Right by a tenth of it; each
/// nudge is a history step.
#[test]
fn arrow_keys_nudge_the_selected_parameter() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--size", "400x300"],
        r#"
        xdotool key Down; frames 2
        for _ in 1 2 3; do xdotool key Right; frames 2; done
        xdotool key shift+Right; frames 2
        xdotool key shift+Right; frames 2
        xdotool key ctrl+z; frames 2
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["selected"], "1", "{state:?}");
    let step: f64 = state["step"].parse().unwrap();
    let b: f64 = state["params"].split(',').nth(1).unwrap().parse().unwrap();
    // Clifford's b starts at -1.3: three steps, one tenth step (the second was undone)
    let want = -1.3 + 3.0 * step + 0.1 * step;
    assert!(
        (b - want).abs() < 1e-9,
        "b = {b}, want {want} (step {step})"
    );
    assert_eq!(state["params"].split(',').next(), Some("-1.3"));
}

/// "Surprise me" (M) loads an accepted candidate of the search; a thumbnail click loads another;
/// both are history steps.
#[test]
fn surprise_me_and_the_candidate_strip() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (state, _) = drive(
        &["--panel", "--size", "900x760"],
        r#"
        xdotool key m; wait_for 'preset=Clifford_s[0-9]+_n[0-9]+$'; frames 2
        value preset > "$R/first"
        wait_for 'widget thumb1 '
        # The first thumbnail that is not the picture shown (which may be any of them: "surprise
        # me" marks what it shows as seen, and the strip drops its oldest when full).
        pick=$(value strip_names | tr ',' '\n' | grep -nvxF "$(cat "$R/first")" | head -1)
        test -n "$pick" || fail "no other candidate in the strip: $(value strip_names)"
        click "thumb$(( ${pick%%:*} - 1 ))"
        wait_for "preset=${pick#*:}\$"
        xdotool key ctrl+z; wait_for "preset=$(cat "$R/first")\$"
        xdotool key ctrl+z; wait_for 'preset=Clifford$'
        quit
        "#,
        dir.path(),
    );
    assert_eq!(state["preset"], "Clifford");
    assert_eq!(state["redo"], "2", "{state:?}");
}

/// The formula box recompiles as the user types: an error is shown and the last good map keeps
/// drawing; a good edit replaces the map.
#[test]
fn the_formula_box_recompiles_as_the_user_types() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let formula = "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";
    let (state, _) = drive(
        &[
            "--backend",
            "gpu",
            "--formula",
            formula,
            "--params",
            "a=-1.3,b=-1.3,c=-1.8,d=-1.9",
            "--panel",
            "--size",
            "900x760",
        ],
        r#"
        click formula
        xdotool key ctrl+End
        xdotool type ' +'; wait_for 'formula_error=.+'
        grep -q "^formula=x' = sin(a\*y) + c\*cos(a\*x); y' = sin(b\*x) + d\*cos(b\*y)\$" "$R/live.txt" \
          || fail "a bad edit replaced the map"
        xdotool type ' 0.1*x'; wait_for 'formula_error=$'
        wait_for 'formula=.*\+ 0\.1\*x$'
        frames 5
        xdotool key Escape; frames 2
        quit
        "#,
        dir.path(),
    );
    assert!(
        state["formula"].ends_with("d*cos(b*y) + 0.1*x"),
        "{state:?}"
    );
    assert_eq!(state["formula_error"], "");
    let title = &state["title"];
    let points: f64 = title
        .split(" - ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{title}"));
    assert!(points > 0.0, "the new map draws: {title}");
}

// ---- An evening's window: memory, rest, backends (resident memory and CPU time from /proc, frames
// counted by the window; no timing asserts).

/// Shell helpers for [`drive`] scripts: `rss` (resident KiB) and `cpu` (utime + stime, in clock
/// ticks) of the window, and `sample NAME`, which writes `frame rss cpu` to the file NAME.
const PROC: &str = r#"
rss() { awk '/^VmRSS/{print $2}' /proc/$APP/status; }
cpu() { awk '{print $14 + $15}' /proc/$APP/stat; }
sample() { echo "$(value frame) $(rss) $(cpu)" > "$1"; }
"#;

/// `frame rss cpu` written by `sample`.
fn sample(path: &Path) -> [u64; 3] {
    let text = std::fs::read_to_string(path).unwrap();
    let v: Vec<u64> = text
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    [v[0], v[1], v[2]]
}

/// Resident memory after the first frames and after `frames` more, in KiB (with the frames
/// counted between the samples).
fn memory_over(args: &[&str], frames: u32) -> ([u64; 3], [u64; 3]) {
    let dir = tempfile::tempdir().unwrap();
    drive_env(
        args,
        &format!(
            "{PROC}
            frames 10; sample m0
            frames {frames}; sample m1
            quit"
        ),
        dir.path(),
        // Mesa's software Vulkan (lavapipe 22.3) keeps about 0.4 MiB of every frame presented
        // to an X11 window, whatever the program draws; its GL driver on the same rasterizer
        // does not. The window's own memory is measured on GL.
        &[("WGPU_BACKEND", "gl")],
    );
    (
        sample(&dir.path().join("m0")),
        sample(&dir.path().join("m1")),
    )
}

/// Memory is flat while the window accumulates: a stretch of frames adds no more than a few
/// MiB, on the GPU and on the CPU, with the panel open and closed.
#[test]
fn memory_stays_flat_while_the_window_renders() {
    if !xdotool() {
        return;
    }
    for (backend, panel) in [("gpu", "--panel"), ("cpu", "--panel"), ("gpu", "-q")] {
        let (m0, m1) = memory_over(&["--size", "400x300", panel, "--backend", backend], 40);
        assert!(
            m1[0] >= m0[0] + 40,
            "{backend}: frames {} -> {}",
            m0[0],
            m1[0]
        );
        let grew = m1[1].saturating_sub(m0[1]);
        assert!(
            grew < 10 * 1024,
            "{backend} {panel}: resident memory grew {grew} KiB over {} frames ({} -> {} KiB)",
            m1[0] - m0[0],
            m0[1],
            m1[1]
        );
    }
}

/// Paused, the window rests: no frame is drawn and it uses (next to) no CPU time over an idle
/// stretch, on the GPU and on the CPU; Space resumes it.
#[test]
fn a_paused_window_rests() {
    if !xdotool() {
        return;
    }
    for backend in ["gpu", "cpu"] {
        let dir = tempfile::tempdir().unwrap();
        let (state, _) = drive(
            &["--size", "400x300", "--backend", backend],
            &format!(
                "{PROC}
                frames 3
                xdotool key space; wait_for 'title=.*\\(paused\\)'
                sleep 0.5; sample p0
                sleep 2; sample p1
                xdotool key space; frames 3
                quit"
            ),
            dir.path(),
        );
        let (p0, p1) = (
            sample(&dir.path().join("p0")),
            sample(&dir.path().join("p1")),
        );
        assert_eq!(p0[0], p1[0], "{backend}: frames were drawn while paused");
        // 2 s of rest: under 0.1 s of CPU time (clock ticks are 1/100 s)
        assert!(
            p1[2] - p0[2] <= 10,
            "{backend}: {} ticks of CPU time while paused",
            p1[2] - p0[2]
        );
        assert_eq!(state["paused"], "false", "Space resumed: {state:?}");
    }
}

/// The GL backend opens the window and draws the attractor (it panicked before: its surface
/// needs the display the window is on).
#[test]
fn the_gl_backend_draws_in_the_window() {
    if !xvfb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("gl.png");
    let err = in_xvfb_with(
        &[
            "--size",
            "320x240",
            "--frames",
            "20",
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        &[("WGPU_BACKEND", "gl")],
        dir.path(),
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(", Gl"), "not the GL adapter: {err}");
    let (frac, _, size) = lit(&shot);
    assert_eq!(size, (320, 240));
    assert!(frac > 0.1, "blank under GL: {frac}");
}

/// The result warnings of the command line show in the status line as they happen (c = d = 0
/// collapses Clifford's formula to a dot), and F frames an attractor the view has lost.
#[test]
fn warnings_show_and_f_frames_the_attractor() {
    if !xdotool() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let formula = "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)";
    let (state, _) = drive(
        &[
            "--formula",
            formula,
            "--params",
            "a=-1.3,b=-1.3,c=0,d=0",
            "--size",
            "400x300",
        ],
        r#"
        wait_for 'message=warning: .*'
        quit
        "#,
        dir.path(),
    );
    let m = &state["message"];
    assert!(
        m.contains("collapses") || m.contains("periodic"),
        "{state:?}"
    );
    let (state, _) = drive(
        &["--bounds", "20,24,20,24", "--size", "400x300"],
        r#"
        wait_for 'message=warning: no point fell inside'
        xdotool key f; wait_change framed '20,24,20,24'
        frames 3
        quit
        "#,
        dir.path(),
    );
    let b = bounds_of(&state["framed"]);
    assert!(b[0] < 0.0 && b[1] > 0.0, "framed Clifford: {state:?}");
    assert_eq!(
        state["home"], state["framed"],
        "R returns to the fitted view"
    );
}
