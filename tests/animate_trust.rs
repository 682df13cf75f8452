//! What `attractors animate` takes from disk and what it holds: every frame already in `--out`
//! is checked against the frame it must be, every side file (tone.json, animation.json) is
//! validated field by field, the up-front memory check covers the animation's outputs, the
//! frames' result warnings are summarised, and the command's messages echo what was asked.

mod common;
use common::{bin, fails_in};
use std::path::Path;

/// A small animation: 3 frames of 32x24 on the CPU, into `--out frames`, plus `extra`.
fn small<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "animate",
        "Clifford",
        "--sweep",
        "a=-1.3:-1.2",
        "--frames",
        "3",
        "--size",
        "32x24",
        "--iters",
        "2e4",
        "--backend",
        "cpu",
        "--out",
        "frames",
    ];
    a.extend_from_slice(extra);
    a
}

/// Runs `args` in `dir`, asserting success; returns stderr.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    err
}

#[test]
fn every_frame_on_disk_is_checked_against_the_frame_it_must_be() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &small(&[]));
    let frame = |i: u32| d.join(format!("frames/frame_{i:05}.png"));
    let good = std::fs::read(frame(2)).unwrap();
    // Each member: what is put in frame 2's place, and why it is refused.
    let first = std::fs::read(frame(1)).unwrap();
    let truncated = good[..good.len() - 30].to_vec();
    let members: [(&str, Vec<u8>, &str); 3] = [
        ("another frame's picture", first, "its recipe's"),
        ("4 bytes of junk", b"junk".to_vec(), "is not frame 2"),
        ("a frame cut short", truncated, "does not decode"),
    ];
    for (what, bytes, why) in members {
        std::fs::write(frame(2), &bytes).unwrap();
        let err = fails_in(
            d,
            &small(&["--gif", "a.gif"]),
            "frame_00002.png: is not frame 2",
        );
        assert!(err.contains(why), "{what}: {err}");
        assert!(
            !err.contains("backend:"),
            "{what}: refused before any work: {err}"
        );
        assert_eq!(
            std::fs::read(frame(2)).unwrap(),
            bytes,
            "{what}: the file is kept"
        );
        assert!(!d.join("a.gif").exists(), "{what}: no GIF");
    }
    // The right frame back: kept, and the GIF is made of the frames.
    std::fs::write(frame(2), &good).unwrap();
    ok(d, &small(&["--gif", "a.gif"]));
    assert!(d.join("a.gif").exists());

    // Frames without the manifest, whichever frame: refused, never taken.
    let other = d.join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(frame(1), other.join("frame_00002.png")).unwrap();
    let mut args = small(&["--gif", "b.gif"]);
    let at = args.iter().position(|a| *a == "frames").unwrap();
    args[at] = "other";
    fails_in(
        d,
        &args,
        "holds frame files (frame_00002.png) without animation.json",
    );
    assert!(!d.join("b.gif").exists());
}

#[test]
fn side_files_are_validated_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // --shade log: the stable tone keeps its references in tone.json
    ok(d, &small(&["--shade", "log"]));
    let tone = d.join("frames/tone.json");
    let good_tone = std::fs::read_to_string(&tone).unwrap();
    assert!(good_tone.contains("\"format\":1"), "{good_tone}");
    let members = [
        (
            r#"{"format":1,"refs":[{"u":0.0,"cmin":50.0,"cmax":3.0}]}"#,
            "field refs[0].cmax",
        ),
        (
            r#"{"format":1,"refs":[{"u":0.5,"cmin":1.0,"cmax":3.0},{"u":0.2,"cmin":1.0,"cmax":3.0}]}"#,
            "field refs[1].u",
        ),
        (
            r#"{"format":1,"refs":[{"u":2.0,"cmin":1.0,"cmax":3.0}]}"#,
            "field refs[0].u",
        ),
        (
            r#"{"format":1,"refs":[{"u":0.0,"cmin":0.0,"cmax":3.0}]}"#,
            "field refs[0].cmin",
        ),
        (r#"{"format":9,"refs":[]}"#, "field format"),
        (
            r#"{"format":1,"refs":[{"u":0.0,"cmin":1.0,"cmax":1e400}]}"#,
            "not a tone file",
        ),
        ("[1,2", "not a tone file"),
    ];
    for (text, want) in members {
        std::fs::write(&tone, text).unwrap();
        let err = fails_in(
            d,
            &small(&["--shade", "log", "--gif", "a.gif"]),
            "tone.json",
        );
        assert!(err.contains(want), "{text}: {err}");
        assert!(!d.join("a.gif").exists());
    }
    std::fs::write(&tone, &good_tone).unwrap();
    let manifest = d.join("frames/animation.json");
    let good = std::fs::read_to_string(&manifest).unwrap();
    let members = [
        (
            good.replace("\"format\": 2", "\"format\": 7"),
            "field format",
        ),
        (
            good.replace("\"frames\": 3", "\"frames\": -3"),
            "field frames",
        ),
        (
            good.replace("\"frames\": 3", "\"frames\": 1e12"),
            "field frames",
        ),
        (
            "{\"format\": 2, \"frames\": 3, \"animation\": \"zz\"}".to_string(),
            "field animation",
        ),
        ("not json".to_string(), "not an animation manifest"),
    ];
    for (text, want) in members {
        std::fs::write(&manifest, &text).unwrap();
        let err = fails_in(d, &small(&["--shade", "log"]), "animation.json");
        assert!(err.contains(want), "{text}: {err}");
    }
    std::fs::write(&manifest, &good).unwrap();
    ok(d, &small(&["--shade", "log", "--gif", "a.gif"]));
}

/// The outputs are streamed (an APNG's frame count is in its header, written first), and the
/// up-front memory check counts what an animation holds beside the histogram: a size whose
/// reference frames and frames in flight do not fit is refused before any work, whatever the
/// output.
#[test]
fn memory_is_checked_up_front_and_outputs_are_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &small(&["--apng", "a.png", "--gif", "a.gif"]));
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(d.join("a.png")).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    assert_eq!(reader.info().animation_control().unwrap().num_frames, 3);
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    for _ in 0..3 {
        reader.next_frame(&mut buf).unwrap();
    }
    let gif = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(d.join("a.gif")).unwrap())
        .unwrap();
    assert_eq!(gif.into_iter().count(), 3);

    for output in [
        ["--apng", "big.png"],
        ["--gif", "big.gif"],
        ["--out", "big"],
    ] {
        let cmd = format!(
            "ulimit -v 3000000 && exec {} animate Clifford --sweep a=-1.3:-1.2 --frames 2000 --size 8192x8192 --backend cpu --shade log {} {}",
            env!("CARGO_BIN_EXE_attractors"),
            output[0],
            output[1]
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &cmd])
            .current_dir(d)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{output:?}: {err}");
        assert!(
            err.contains("error: animate --size 8192x8192: needs about"),
            "{err}"
        );
        assert!(err.contains("MiB for reference frames kept"), "{err}");
        assert!(!err.contains("backend:"), "{err}");
        assert!(!d.join(output[1]).exists(), "{output:?}");
    }
}

#[test]
fn the_frames_result_warnings_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Bounds that hold no point: every frame blank.
    let err = ok(
        d,
        &[
            "animate",
            "Clifford",
            "--sweep",
            "a=-1.3:-1.2",
            "--frames",
            "4",
            "--size",
            "32x24",
            "--iters",
            "2e4",
            "--backend",
            "cpu",
            "--bounds",
            "10,11,10,11",
            "--gif",
            "a.gif",
        ],
    );
    assert!(
        err.contains("warning: frames 1-4 of 4 are blank (no point inside the bounds) (frame 1: no point fell inside"),
        "{err}"
    );
    // A map swept onto a fixed point: the frames collapse (nearly black), under --quiet too.
    let err = ok(
        d,
        &[
            "animate",
            "Clifford",
            "--params",
            "a=0,b=0,c=0,d=0",
            "--sweep",
            "a=0:0.01",
            "--frames",
            "3",
            "--size",
            "64x64",
            "--iters",
            "2e4",
            "--backend",
            "cpu",
            "--bounds",
            "-1,1,-1,1",
            "--gif",
            "b.gif",
            "--quiet",
        ],
    );
    assert!(err.contains("warning: frames 1-3 of 3 are "), "{err}");
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("warning: frames"))
            .count(),
        1,
        "{err}"
    );
    // A healthy animation: no warning.
    let err = ok(d, &small(&["--apng", "c.png"]));
    assert!(!err.contains("warning: frame"), "{err}");
}
