//! Where each render flag applies: the live window, a render to files (`--png`, `--hist`,
//! `--exr`) or an animation. The three share [`RenderArgs`], so a flag meant for one of them is
//! accepted by the parser everywhere; [`check`] refuses one given where it would do nothing,
//! before any work, with a line that says where it applies and what to give instead.

use super::render_args::RenderArgs;
use crate::backend::Backend;
use anyhow::{Result, bail};
use clap::ValueEnum;

/// What a render command does with its flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The live window (no `--png`, `--hist` or `--exr`).
    Window,
    /// A headless render to `--png`, `--hist` and/or `--exr`.
    Files,
    /// `attractors animate`.
    Animate,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Window => "the window",
            Mode::Files => "a render to files (--png, --hist, --exr)",
            Mode::Animate => "an animation",
        }
    }
}

/// A flag (by its clap id) and, for each mode it does not apply to, what to do instead.
struct Rule {
    id: &'static str,
    flag: &'static str,
    window: Option<&'static str>,
    files: Option<&'static str>,
    animate: Option<&'static str>,
}

const FILES_ONLY: &str = "add --png FILE for a render to files";

/// Every render flag that does not apply everywhere.
const RULES: &[Rule] = &[
    Rule {
        id: "png",
        flag: "--png",
        window: None,
        files: None,
        animate: Some("use --out DIR, --gif, --apng or --video"),
    },
    Rule {
        id: "hist",
        flag: "--hist",
        window: None,
        files: None,
        animate: Some("use --out DIR for the frames"),
    },
    Rule {
        id: "exr",
        flag: "--exr",
        window: None,
        files: None,
        animate: Some("use --out DIR for the frames (PNG)"),
    },
    Rule {
        id: "iters",
        flag: "--iters",
        window: Some(
            "the window adds points until it is closed; drop --iters, or add --png FILE for a render of N points",
        ),
        files: None,
        animate: None,
    },
    Rule {
        id: "exact",
        flag: "--exact",
        window: Some(FILES_ONLY),
        files: None,
        animate: None,
    },
    Rule {
        id: "json",
        flag: "--json",
        window: Some(FILES_ONLY),
        files: None,
        animate: Some("read the summary on stderr"),
    },
    Rule {
        id: "checkpoint",
        flag: "--checkpoint",
        window: Some(FILES_ONLY),
        files: None,
        animate: Some("give --out DIR: its frames are kept, and the same command again continues"),
    },
    Rule {
        id: "resume",
        flag: "--resume",
        window: Some("add the --png/--hist of the stopped render"),
        files: None,
        animate: Some("run the same command again: frames already in --out are kept"),
    },
    Rule {
        id: "shard",
        flag: "--shard",
        window: Some("add --hist FILE.npy"),
        files: None,
        animate: Some("render an animation in one process"),
    },
    Rule {
        id: "depth",
        flag: "--depth",
        window: Some(FILES_ONLY),
        files: None,
        animate: Some("render the frames you want in 16 bits with --from FRAME.png --depth 16"),
    },
    Rule {
        id: "supersample",
        flag: "--supersample",
        window: Some(FILES_ONLY),
        files: None,
        animate: Some("render with a larger --size instead"),
    },
    Rule {
        id: "de",
        flag: "--de",
        window: Some(FILES_ONLY),
        files: None,
        animate: Some("render the frames you want with --from FRAME.png --de ..."),
    },
    Rule {
        id: "from",
        flag: "--from",
        window: None,
        files: None,
        animate: Some(
            "give the picture's flags (attractors info FILE prints them) with --sweep or --keys",
        ),
    },
    Rule {
        id: "panel",
        flag: "--panel",
        window: None,
        files: Some(
            "it opens the window's control panel; drop --panel, or drop the outputs to open the window",
        ),
        animate: Some("drop --panel"),
    },
    Rule {
        id: "frames",
        flag: "--frames",
        window: None,
        files: Some(
            "it ends the window after N frames (or sets an animation's frames); give --iters for the points of a render to files",
        ),
        animate: None,
    },
    Rule {
        id: "screenshot",
        flag: "--screenshot",
        window: None,
        files: Some("it saves the window's last frame; --png FILE already writes the picture"),
        animate: Some("use --out DIR for the frames"),
    },
];

/// Refuses a flag that does nothing beside another one given with it (in every mode): an
/// adapter for a CPU render, an aspect for explicit bounds.
fn check_pairs(r: &RenderArgs) -> Result<()> {
    if let Some(a) = &r.adapter {
        let cpu = match r.backend {
            Backend::Cpu => Some("--backend cpu"),
            Backend::CpuExact => Some("--backend cpu-exact"),
            _ if r.exact => Some("--exact"),
            _ => None,
        };
        if let Some(cpu) = cpu {
            bail!(
                "--adapter {a}: picks a GPU, but {cpu} renders on the CPU; drop --adapter, or drop {cpu} for a GPU render"
            );
        }
    }
    if r.bounds.is_some() && r.given.has("aspect") {
        let aspect = r
            .aspect
            .to_possible_value()
            .map(|v| v.get_name().to_string());
        bail!(
            "--aspect {}: fits automatic bounds to the canvas, but --bounds are used as given; drop --aspect, or drop --bounds for automatic bounds",
            aspect.unwrap_or_default()
        );
    }
    Ok(())
}

/// Refuses the first flag of `r` given on the command line that does nothing in `mode`, or
/// beside another flag given with it.
pub fn check(r: &RenderArgs, mode: Mode) -> Result<()> {
    check_pairs(r)?;
    for rule in RULES {
        let instead = match mode {
            Mode::Window => rule.window,
            Mode::Files => rule.files,
            Mode::Animate => rule.animate,
        };
        if let (Some(instead), true) = (instead, r.given.has(rule.id)) {
            let prefix = if mode == Mode::Animate {
                "animate: "
            } else {
                ""
            };
            bail!(
                "{prefix}{} does not apply to {}; {instead}",
                rule.flag,
                mode.name()
            );
        }
    }
    Ok(())
}

/// The flags that choose or change the preset, which a keyframe file replaces: refused with
/// `--keys` (each keyframe row is the preset at its time).
const PRESET_FLAGS: [(&str, &str); 6] = [
    ("name", "a preset NAME"),
    ("config", "--config"),
    ("equation", "--equation"),
    ("formula", "--formula"),
    ("params", "--params"),
    ("start", "--start"),
];

/// Refuses a flag that chooses or changes the preset next to `--keys FILE`.
pub fn check_keys(r: &RenderArgs, keys: &std::path::Path) -> Result<()> {
    if let Some((id, flag)) = PRESET_FLAGS.iter().find(|(id, _)| r.given.has(id)) {
        let flag = match (*id, &r.name) {
            ("name", Some(name)) => format!("the preset name '{name}'"),
            _ => flag.to_string(),
        };
        bail!(
            "animate: {flag} does not apply with --keys {}: its rows are the presets (equation, start point, parameters, look); put the values in the keyframe file, or drop --keys for a --sweep of a preset",
            keys.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Args, Command};
    use clap::{CommandFactory, FromArgMatches};

    fn render(args: &[&str]) -> RenderArgs {
        let m = Args::command().try_get_matches_from(args).unwrap();
        let mut a = Args::from_arg_matches(&m).unwrap();
        match a.command.take() {
            Some(Command::Animate(mut an)) => {
                an.render.given = crate::cli::given(m.subcommand_matches("animate").unwrap());
                an.render
            }
            _ => {
                a.render.given = crate::cli::given(&m);
                a.render
            }
        }
    }

    #[test]
    fn preset_flags_are_refused_with_keys() {
        let keys = std::path::Path::new("k.csv");
        for args in [
            &["attractors", "animate", "Henon"][..],
            &["attractors", "animate", "--params", "a=1"],
            &["attractors", "animate", "--start", "1,1"],
            &["attractors", "animate", "--config", "my.atr"],
            &["attractors", "animate", "--formula", "x'=y; y'=x"],
            &["attractors", "animate", "--equation", "henon"],
        ] {
            let e = check_keys(&render(args), keys).unwrap_err().to_string();
            assert!(
                e.starts_with("animate: ") && e.contains("does not apply with --keys k.csv"),
                "{args:?}: {e}"
            );
        }
        let ok = render(&["attractors", "animate", "--palette", "kbc", "--size", "8x8"]);
        assert!(check_keys(&ok, keys).is_ok());
        // every id is a render flag
        let cmd = Args::command();
        for (id, _) in PRESET_FLAGS {
            assert!(cmd.get_arguments().any(|a| a.get_id() == id), "{id}");
        }
    }

    #[test]
    fn every_rule_names_a_render_flag_and_a_mode_it_applies_to() {
        let cmd = Args::command();
        for rule in RULES {
            let arg = cmd.get_arguments().find(|a| a.get_id() == rule.id);
            let long = arg.and_then(|a| a.get_long()).map(|l| format!("--{l}"));
            assert_eq!(long.as_deref(), Some(rule.flag), "{}", rule.id);
            assert!(
                [rule.window, rule.files, rule.animate].contains(&None),
                "{} applies nowhere",
                rule.flag
            );
        }
    }

    #[test]
    fn window_flags_are_refused_next_to_outputs_and_the_reverse() {
        let e = check(
            &render(&["attractors", "--png", "a.png", "--screenshot", "s.png"]),
            Mode::Files,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("--screenshot does not apply to a render to files"),
            "{e}"
        );
        for flag in [["--frames", "3"], ["--panel", "--quiet"]] {
            let mut a = vec!["attractors", "--png", "a.png"];
            a.extend(flag);
            let e = check(&render(&a), Mode::Files).unwrap_err().to_string();
            assert!(e.starts_with(flag[0]), "{e}");
        }
        let e = check(&render(&["attractors", "--iters", "1e6"]), Mode::Window)
            .unwrap_err()
            .to_string();
        assert!(e.contains("--iters does not apply to the window"), "{e}");
        let e = check(
            &render(&["attractors", "animate", "--exr", "a.exr"]),
            Mode::Animate,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("animate: --exr does not apply"), "{e}");
        // Defaults are not "given"; what applies passes.
        assert!(check(&render(&["attractors", "--png", "a.png"]), Mode::Files).is_ok());
        assert!(check(&render(&["attractors", "--frames", "3"]), Mode::Window).is_ok());
        assert!(
            check(
                &render(&["attractors", "animate", "--frames", "3"]),
                Mode::Animate
            )
            .is_ok()
        );
    }
}
