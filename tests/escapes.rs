//! Echoed input: one escaping rule for everything that echoes a name, a path or a formula (the
//! render summary, `info`, errors), `.atr` rows that read back whatever a name holds, and a
//! formula error inside a file shown with its caret lines as on the command line.

mod common;
use common::{bin, fails_in};
use std::path::Path;

const HEADER: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n";

/// Runs `args` in `dir`; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = bin().current_dir(dir).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// Whether `s` holds a control character other than a line end.
fn raw_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn a_name_with_control_characters_is_echoed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "Red\u{1b}[31mAlert\u{7}";
    std::fs::write(
        d.join("evil.atr"),
        format!("{HEADER}\"{name}\",clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,\n"),
    )
    .unwrap();
    let render = [
        "--config",
        "evil.atr",
        name,
        "--size",
        "32x32",
        "--iters",
        "1e4",
        "--backend",
        "cpu",
    ];
    let mut args = render.to_vec();
    args.extend(["--png", "e.png"]);
    let (code, _, err) = run(d, &args);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Red\\u{1b}[31mAlert\\u{7}"), "{err}");
    assert!(!raw_controls(&err), "{err:?}");
    for args in [vec!["info", "e.png"], vec!["list", "--config", "evil.atr"]] {
        let (code, out, err) = run(d, &args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(out.contains("Red\\u{1b}[31mAlert"), "{args:?}: {out}");
        assert!(
            !raw_controls(&out) && !raw_controls(&err),
            "{args:?}: {out:?}"
        );
    }
    // An unknown name with controls, in an error.
    let err = fails_in(d, &["--config", "evil.atr", "No\u{1b}[2J"], "No\\u{1b}[2J");
    assert!(!raw_controls(&err), "{err:?}");
}

/// `info --as-atr` writes one line per picture that the `.atr` reader reads back, whatever its
/// name holds: quotes, commas, a newline, ESC, a tab, a leading `#`.
#[test]
fn info_as_atr_rows_read_back_for_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = run(
        d,
        &[
            "Clifford",
            "--size",
            "16x16",
            "--iters",
            "1e3",
            "--backend",
            "cpu",
            "--hist",
            "a.npy",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let recipe: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("a.recipe.json")).unwrap()).unwrap();
    let names = [
        "say \"hi\"",
        "a, b",
        "two\nlines",
        "esc\u{1b}[2J",
        "tab\there",
        "#hash",
        "all, \"of\"\n\t\u{1b} it",
    ];
    for name in names {
        let mut r = recipe.clone();
        r["picture"]["name"] = name.into();
        std::fs::write(d.join("x.recipe.json"), r.to_string()).unwrap();
        let (code, out, err) = run(d, &["info", "x.recipe.json", "--as-atr"]);
        assert_eq!(code, Some(0), "{name:?}: {err}");
        assert_eq!(out.lines().count(), 1, "{name:?}: {out:?}");
        assert!(!raw_controls(&out), "{name:?}: {out:?}");
        let file = format!("{}palette\n{out}", HEADER.trim_end().to_string() + ",");
        let read = attractors::attractor::atr::parse(file.as_bytes(), "rows.atr")
            .unwrap_or_else(|e| panic!("{name:?}: {e}\n{file}"));
        assert_eq!(
            read[0].name,
            attractors::message::printable(name),
            "{name:?}"
        );
        let escaped = name != attractors::message::printable(name);
        assert_eq!(err.contains("note: the name"), escaped, "{name:?}: {err}");
    }
}

/// A formula error in a file shows its caret lines (real line breaks), as on the command line,
/// wherever the file is read.
#[test]
fn a_formula_error_in_a_file_shows_its_caret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let row = "Bad,\"x' = sinn(a*y); y' = x\",0,0,,1,,,,,,";
    std::fs::write(d.join("bad.atr"), format!("{HEADER}{row}\n")).unwrap();
    std::fs::write(
        d.join("bad.csv"),
        format!("{},time\n{row},0\n{row},1\n", HEADER.trim_end()),
    )
    .unwrap();
    let members: [&[&str]; 3] = [
        &["--config", "bad.atr", "Bad", "--png", "x.png"],
        &["list", "--config", "bad.atr"],
        &["animate", "--keys", "bad.csv", "--gif", "x.gif"],
    ];
    for args in members {
        let (code, _, err) = run(d, args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains("sinn"), "{args:?}: {err}");
        assert!(!err.contains("\\n"), "{args:?}: literal \\n in {err}");
        assert!(
            err.lines().any(|l| l.trim_start().starts_with('^')),
            "{args:?}: no caret line in {err}"
        );
    }
}
