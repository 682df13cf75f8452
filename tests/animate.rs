//! `attractors animate`: frames of the right size and names, a continued animation renders only
//! the missing frames, the stable tone does not flicker, and GIF / APNG / video outputs decode.

mod common;
use common::{bin, fails};
use std::path::Path;

/// Runs `attractors animate ARGS` in `dir`; returns stderr (asserting success).
fn animate(dir: &Path, args: &[&str]) -> String {
    let out = bin()
        .current_dir(dir)
        .arg("animate")
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    err
}

const SWEEP: [&str; 10] = [
    "Clifford",
    "--sweep",
    "a=-1.3:-1.2",
    "--frames",
    "24",
    "--size",
    "96x64",
    "--iters",
    "3e5",
    "--backend",
];

fn sweep<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = SWEEP.to_vec();
    a.push("cpu");
    a.extend_from_slice(extra);
    a
}

fn luminance(path: &Path) -> f64 {
    let img = image::open(path).unwrap().to_rgba8();
    attractors::animate::tone::mean_luminance(img.as_raw())
}

#[test]
fn frames_are_written_and_a_rerun_renders_only_the_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = animate(
        d,
        &sweep(&["--out", "frames", "--gif", "a.gif", "--apng", "a.png"]),
    );
    assert!(err.contains("rendered 24 of 24 frames"), "{err}");
    for i in 1..=24 {
        let f = d.join(format!("frames/frame_{i:05}.png"));
        let img = image::open(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!((img.width(), img.height()), (96, 64));
    }
    assert!(!d.join("frames/frame_00025.png").exists());
    // Each frame carries its recipe: the still render of that frame (a = -1.2 on the last).
    let info = bin()
        .current_dir(d)
        .args(["info", "frames/frame_00024.png"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("a=-1.2,b=-1.3"), "{text}");

    // The GIF decodes to 24 frames of the animation's size.
    let mut decoder = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(d.join("a.gif")).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (96, 64));
    let mut n = 0;
    while decoder.read_next_frame().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 24);
    // The APNG says 24 frames.
    let png = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(d.join("a.png")).unwrap(),
    ))
    .read_info()
    .unwrap();
    assert_eq!(png.info().animation_control().unwrap().num_frames, 24);

    // Delete two frames: the same command renders those two only, and they come out the same
    // (same orbits, same tone).
    let before = std::fs::read(d.join("frames/frame_00007.png")).unwrap();
    std::fs::remove_file(d.join("frames/frame_00007.png")).unwrap();
    std::fs::remove_file(d.join("frames/frame_00019.png")).unwrap();
    let err = animate(d, &sweep(&["--out", "frames"]));
    assert!(
        err.contains("rendered 2 of 24 frames (22 already on disk)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(d.join("frames/frame_00007.png")).unwrap(),
        before
    );

    // Another animation into the same directory is refused, not mixed in.
    let other = sweep(&["--out", "frames", "--seed", "3"]);
    let out = bin()
        .current_dir(d)
        .arg("animate")
        .args(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds frames of another animation"));
}

/// The flicker metric: the largest change of mean luminance (0..255, Rec. 709) between
/// consecutive frames of a slow sweep. eq_hist (equalised per frame) stays under 0.5 levels; log
/// with the stable tone stays under 2.5 and under the same sweep normalised frame by frame (which
/// follows each frame's noisy maximum). Printed with `--nocapture`.
#[test]
fn a_slow_sweep_does_not_flicker() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut jumps = std::collections::HashMap::new();
    for (shade, tone) in [("eq_hist", "stable"), ("log", "stable"), ("log", "frame")] {
        let out = format!("{shade}-{tone}");
        animate(
            d,
            &sweep(&["--out", &out, "--shade", shade, "--tone", tone]),
        );
        let l: Vec<f64> = (1..=24)
            .map(|i| luminance(&d.join(format!("{out}/frame_{i:05}.png"))))
            .collect();
        let jump = l
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f64::max);
        println!("{shade}, tone {tone}: largest luminance change between frames {jump:.3}");
        jumps.insert(out, jump);
    }
    assert!(jumps["eq_hist-stable"] < 0.5, "{jumps:?}");
    assert!(jumps["log-stable"] < 2.5, "{jumps:?}");
    assert!(jumps["log-stable"] < jumps["log-frame"], "{jumps:?}");
}

#[test]
fn a_video_is_encoded_with_ffmpeg_when_it_is_installed() {
    let has = |tool: &str| {
        std::process::Command::new(tool)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("ffmpeg") || !has("ffprobe") {
        eprintln!("skipped: ffmpeg/ffprobe not on PATH (CI installs them from Debian)");
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .current_dir(dir.path())
            .env("PATH", "")
            .arg("animate")
            .args(sweep(&["--video", "a.mp4"]))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    animate(d, &sweep(&["--video", "a.mp4"]));
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=nb_read_frames,width,height",
            "-of",
            "csv=p=0",
        ])
        .arg(d.join("a.mp4"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&probe.stdout);
    assert_eq!(text.trim(), "96,64,24", "ffprobe: {text}");
    // Without ffmpeg on PATH: a clear error before any frame is rendered, no file left.
    let out = bin()
        .current_dir(d)
        .env("PATH", "")
        .arg("animate")
        .args(sweep(&["--video", "b.mp4"]))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("needs ffmpeg on PATH"), "{err}");
    assert!(!err.contains("backend:"), "refused before any work: {err}");
    assert!(!d.join("b.mp4").exists());
}

#[test]
fn keyframes_render_and_bad_input_is_clear() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("k.csv"),
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time,interp\n\
         k0,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,,0,smooth\n\
         k1,clifford,0,0,,-1.2,-1.4,-1.8,-1.9,,,,0.5,smooth\n\
         k2,clifford,0,0,,-1.1,-1.3,-1.7,-1.9,,,,1,\n",
    )
    .unwrap();
    let err = animate(
        d,
        &[
            "--keys",
            "k.csv",
            "--fps",
            "8",
            "--size",
            "64x64",
            "--iters",
            "1e5",
            "--backend",
            "cpu",
            "--out",
            "k",
        ],
    );
    // 1 s at 8 fps: frames at 0, 1/8, ..., 1 s
    assert!(err.contains("rendered 9 of 9 frames"), "{err}");
    fails(
        &["animate", "--sweep", "a=0:1", "--png", "x.png"],
        "animate: --png does not apply to an animation",
    );
    fails(
        &["animate", "--sweep", "a=0:1"],
        "animate: no output; give --out DIR",
    );
    fails(
        &["animate", "--sweep", "zoom=0:2", "--gif", "x.gif"],
        "expected values > 0",
    );
    fails(
        &[
            "animate", "--sweep", "a=0:1", "--frames", "0", "--gif", "x.gif",
        ],
        "--frames '0'",
    );
    // Frames counted from --duration are refused by that flag, not by a --frames never given.
    fails(
        &[
            "animate",
            "--sweep",
            "a=0:1",
            "--duration",
            "1e9",
            "--gif",
            "x.gif",
        ],
        "--duration 1000000000 at --fps 24 makes 24000000001 frames; expected at most 100000",
    );
}

/// A GIF holds delays in hundredths of a second (2 at least): a rate it cannot hold is said in
/// one warning line with the rate it plays at; the GIF then carries that delay, and an APNG the
/// rate asked for.
#[test]
fn a_rate_the_gif_cannot_hold_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // (a healthy sweep: a frame through a = 0 collapses, and would add its own warning)
    let base = [
        "--sweep",
        "a=-1.3:-1.2",
        "--frames",
        "3",
        "--size",
        "32x32",
        "--iters",
        "1e4",
        "--backend",
        "cpu",
        "-q",
    ];
    for (fps, plays, delay) in [
        ("1000", "plays at 50 fps", 2),
        ("12", "plays at 12.5 fps", 8),
    ] {
        let mut args = base.to_vec();
        args.extend(["--fps", fps, "--gif", "x.gif", "--apng", "x.png"]);
        let err = animate(d, &args);
        let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
        assert_eq!(warnings.len(), 1, "{err}");
        assert!(
            warnings[0].contains(&format!("--fps {fps} {plays}"))
                && warnings[0].contains("--apng or --video keep"),
            "{err}"
        );
        let mut decoder = gif::DecodeOptions::new()
            .read_info(std::fs::File::open(d.join("x.gif")).unwrap())
            .unwrap();
        assert_eq!(decoder.read_next_frame().unwrap().unwrap().delay, delay);
        // The APNG keeps the rate asked for: its delay fraction is 1/fps.
        let png = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(d.join("x.png")).unwrap(),
        ))
        .read_info()
        .unwrap();
        let fc = png.info().frame_control.as_ref().unwrap();
        let played = fc.delay_den as f64 / fc.delay_num as f64;
        assert_eq!(played, fps.parse::<f64>().unwrap(), "{fc:?}");
    }
    // A rate the GIF holds: no warning.
    let mut args = base.to_vec();
    args.extend(["--fps", "25", "--gif", "x.gif"]);
    let err = animate(d, &args);
    assert!(!err.contains("warning"), "{err}");
}

/// `--out DIR` is tied to the resolved animation, not the command line: the same command after a
/// preset or keyframe file changed is refused, while adding an output (--gif, --fps) continues
/// the same frames.
#[test]
fn the_frame_directory_is_tied_to_the_resolved_animation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let presets =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/attractors.atr")).unwrap();
    let row = "Clifford,clifford,0,0,0,-1.3,-1.3,-1.8,-1.9,";
    assert!(presets.contains(row));
    std::fs::write(d.join("my.atr"), &presets).unwrap();
    let base = [
        "--size",
        "16x16",
        "--iters",
        "1e3",
        "--sweep",
        "a=-1.4:-1.3",
        "--frames",
        "2",
        "--backend",
        "cpu",
        "--config",
        "my.atr",
        "--out",
        "f",
    ];
    animate(d, &base);
    let refused = |args: &[&str]| {
        let out = bin()
            .current_dir(d)
            .arg("animate")
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("holds frames of another animation") && err.contains("may have changed"),
            "{err}"
        );
    };
    // b of the preset changed in the file: refused, the frame on disk kept
    std::fs::write(
        d.join("my.atr"),
        presets.replace(row, "Clifford,clifford,0,0,0,-1.3,-1.1,-1.8,-1.9,"),
    )
    .unwrap();
    std::fs::remove_file(d.join("f/frame_00002.png")).unwrap();
    refused(&base);
    assert!(d.join("f/frame_00001.png").exists());
    // the file as it was, and a GIF at its own rate added: the same frames, continued
    std::fs::write(d.join("my.atr"), &presets).unwrap();
    let mut more = base.to_vec();
    more.extend(["--gif", "x.gif", "--fps", "12"]);
    let err = animate(d, &more);
    assert!(
        err.contains("rendered 1 of 2 frames (1 already on disk)"),
        "{err}"
    );

    // a keyframe edited between runs: refused
    let keys = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,time\n\
                k0,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,,0\n\
                k1,clifford,0,0,,-1.2,-1.4,-1.8,-1.9,,,,1\n";
    std::fs::write(d.join("k.csv"), keys).unwrap();
    let args = [
        "--keys",
        "k.csv",
        "--frames",
        "3",
        "--size",
        "16x16",
        "--iters",
        "1e3",
        "--backend",
        "cpu",
        "--out",
        "k",
        "-q",
    ];
    animate(d, &args);
    std::fs::write(d.join("k.csv"), keys.replace("-1.4", "-1.5")).unwrap();
    refused(&args);
}

/// A keyframe file's look columns apply (a flag overrides them, as for a still render), and flags
/// that choose the preset are refused with --keys.
#[test]
fn keyframes_carry_their_look_and_preset_flags_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("look.csv"),
        "Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,shade,background,time\n\
         k0,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,,kbc,log,white,0\n\
         k1,clifford,0,0,,-1.2,-1.4,-1.8,-1.9,,,,,,,1\n",
    )
    .unwrap();
    let base = [
        "--keys",
        "look.csv",
        "--size",
        "32x32",
        "--iters",
        "1e4",
        "--frames",
        "2",
        "--backend",
        "cpu",
        "-q",
        "--apng",
    ];
    let corner = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.push("a.png");
        args.extend(extra);
        animate(d, &args);
        image::open(d.join("a.png"))
            .unwrap()
            .to_rgba8()
            .get_pixel(0, 0)
            .0
    };
    assert_eq!(
        corner(&[]),
        [255, 255, 255, 255],
        "the file's white background"
    );
    assert_eq!(corner(&["--background", "black"]), [0, 0, 0, 255]);
    for (flag, said) in [
        (&["Henon"][..], "the preset name 'Henon'"),
        (&["--params", "a=1"], "--params"),
        (&["--start", "1,1"], "--start"),
    ] {
        let mut args = vec!["animate"];
        args.extend(base);
        args.push("a.png");
        args.extend(flag);
        let out = bin().current_dir(d).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!(
                "animate: {said} does not apply with --keys look.csv"
            )),
            "{err}"
        );
    }
}

/// `--span` acts on an animation as on a still: with the default stable tone each frame is shaded
/// with that range, so a narrow span saturates frames that a wide one does not (it was ignored).
#[test]
fn a_span_shades_every_frame() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let frames = |span: &str, out: &str| {
        let mut args = sweep(&["--shade", "log", "--out", out, "-q"]);
        args[4] = "2";
        if !span.is_empty() {
            args.extend(["--span", span]);
        }
        animate(d, &args);
        std::fs::read(d.join(out).join("frame_00001.png")).unwrap()
    };
    let (none, narrow, wide) = (
        frames("", "n"),
        frames("1,3", "s1"),
        frames("1,100000", "s2"),
    );
    assert_ne!(narrow, wide);
    assert_ne!(narrow, none);
    let lum = |out: &str| luminance(&d.join(out).join("frame_00001.png"));
    assert!(lum("s1") > lum("s2"), "{} {}", lum("s1"), lum("s2"));
}
