//! `attractors search EQUATION`: find attractors with random parameters, show their metrics, and
//! optionally append them to an `.atr` file and draw a contact sheet. `attractors search --score
//! NAME...` screens existing presets and shows the verdict.

use super::search_table::{caption, header, results_json, row};
use crate::attractor::append::Appending;
use crate::attractor::user::{Origin, UserMap};
use crate::attractor::{Preset, lookup_equation};
use crate::cli::SearchArgs;
use crate::output::{Batch, Kind, OutputFile, Roles, Staged};
use crate::search::Space;
use crate::search::known::{atr_error, existing_presets, mark_known};
use crate::search::screen::MIN_LYAPUNOV;
use crate::search::sheet::{self, Tile};
use crate::search::{Outcome, Verdict, find_with, screen};
use anyhow::{Result, anyhow, bail};
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::Instant;

/// `attractors search`: screens candidates (or scores presets with `--score`), prints the
/// results and writes the requested outputs.
pub fn run(args: &SearchArgs) -> Result<()> {
    if args.score.is_empty() {
        if let Some(c) = &args.config {
            bail!(
                "--config {}: names the preset file of --score; a search draws new parameters: drop --config, or give --score NAME",
                c.display()
            );
        }
        search(args)
    } else {
        score(args)
    }
}

/// What to search: the equation or `--formula`, with `--range` applied (the Python package
/// uses it too, so its errors carry these messages).
pub fn space_of(args: &SearchArgs) -> Result<Space> {
    let mut space = match &args.formula {
        Some(text) => {
            let map = UserMap::parse(text)
                .map_err(|e| crate::message::Block(e.render(text, Origin::Flag("--formula"))))?;
            Space::formula(Arc::new(map))
        }
        None => {
            let name = args.equation.as_deref().unwrap_or_default();
            let equation = lookup_equation(name)
                .map_err(|e| anyhow!("{e} (attractors list --equations shows all)"))?;
            Space::builtin(equation)
        }
    };
    for (name, lo, hi) in args.range.iter().flat_map(|r| &r.0) {
        space.set_range(name, *lo, *hi).map_err(|e| anyhow!(e))?;
    }
    Ok(space)
}

fn search(args: &SearchArgs) -> Result<()> {
    let space = space_of(args)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(0)
    });
    let outputs = Outputs::prepare(args)?;
    let started = Instant::now();
    let outcome = screen_all(&space, seed, args);
    let secs = started.elapsed().as_secs_f64();
    let mut ranked: Vec<(Preset, Verdict)> = outcome
        .ranked()
        .into_iter()
        .map(|f| (f.preset.clone(), f.verdict))
        .collect();
    // A result already in the --atr file (the same search run again, with more --tries say)
    // keeps its row's name and is not appended again.
    let generated: Vec<String> = ranked.iter().map(|(p, _)| p.name.clone()).collect();
    let known: Vec<bool> = match &outputs.existing {
        Some(existing) => mark_known(ranked.iter_mut().map(|(p, _)| p), existing),
        None => vec![false; ranked.len()],
    };
    print_results(args, &space, seed, &outcome, &ranked)?;
    // The append names its rows against the file as it is then (another run may have added
    // rows since): start again from the generated names.
    for ((p, _), name) in ranked.iter_mut().zip(&generated) {
        if outputs.existing.is_some() {
            p.name = name.clone();
        }
    }
    if !args.quiet {
        eprintln!("{}", summary(&outcome, secs));
    }
    if !ranked.is_empty() {
        outputs.write(args, &mut ranked, known)?;
    }
    shortfall(args, &space, seed, &outcome)
}

/// The outputs of a search, checked before any work: the `--sheet` file, and the presets the
/// `--atr` file holds (their names keep the new ones unique), so neither a bad path nor a bad
/// file is found after the search.
struct Outputs {
    sheet: Option<OutputFile>,
    existing: Option<Vec<Preset>>,
}

impl Outputs {
    fn prepare(args: &SearchArgs) -> Result<Outputs> {
        Roles::new()
            .output("--atr", args.atr.as_deref())
            .output("--sheet", args.sheet.as_deref())
            .check()?;
        let sheet = args
            .sheet
            .as_deref()
            .map(|p| OutputFile::prepare_for(p, Kind::Png, "--sheet"))
            .transpose()?;
        let existing = match &args.atr {
            Some(path) => {
                OutputFile::check_for(path, Kind::Atr, "--atr")?;
                Some(existing_presets(path)?)
            }
            None => None,
        };
        Ok(Outputs { sheet, existing })
    }

    /// Appends the new results to `--atr` and draws `--sheet`: both are written before either is
    /// put in place. The `--atr` file is locked and read again first, so what another run
    /// appended meanwhile is known too (and its names are not taken twice).
    fn write(
        self,
        args: &SearchArgs,
        ranked: &mut [(Preset, Verdict)],
        mut known: Vec<bool>,
    ) -> Result<()> {
        let mut batch = Batch::new();
        let mut count = 0;
        if let Some(path) = &args.atr {
            let file = Appending::open(path, true, "--atr").map_err(atr_error)?;
            known = mark_known(ranked.iter_mut().map(|(p, _)| p), file.existing());
            let presets: Vec<Preset> = ranked
                .iter()
                .zip(&known)
                .filter(|(_, k)| !**k)
                .map(|((p, _), _)| p.clone())
                .collect();
            count = presets.len();
            if !presets.is_empty() {
                batch.push(file.stage(&presets).map_err(atr_error)?);
            }
        }
        if let Some(file) = self.sheet {
            batch.push(write_sheet(file, ranked)?);
        }
        batch.commit()?;
        if let Some(path) = &args.atr
            && !args.quiet
        {
            eprintln!("{}", appended(path, count, ranked, &known));
        }
        Ok(())
    }
}

/// `appended N presets to FILE`, naming the results the file had already.
fn appended(
    path: &std::path::Path,
    count: usize,
    ranked: &[(Preset, Verdict)],
    known: &[bool],
) -> String {
    let again: Vec<&str> = ranked
        .iter()
        .zip(known)
        .filter(|(_, k)| **k)
        .map(|((p, _), _)| p.name.as_str())
        .collect();
    let mut line = format!("appended {count} presets to {}", path.display());
    if !again.is_empty() {
        line += &format!(
            "; {} already there with the same parameters, not appended again ({})",
            again.len(),
            again.join(", ")
        );
    }
    line
}

/// The results table on stdout (or the `--json` document).
fn print_results(
    args: &SearchArgs,
    space: &Space,
    seed: u64,
    outcome: &Outcome,
    ranked: &[(Preset, Verdict)],
) -> Result<()> {
    if args.json {
        return super::json::print(&serde_json::json!({
            "mode": "search",
            "equation": space.label(),
            "seed": seed,
            "count": args.count,
            "accepted": outcome.found.len(),
            "tried": outcome.tried,
            "screened": outcome.screened,
            "results": results_json(ranked, true),
        }));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}, seed {seed}: {} accepted of {} candidates",
        space.label(),
        outcome.found.len(),
        outcome.tried
    );
    let _ = writeln!(out, "{}", header());
    for (i, (p, v)) in ranked.iter().enumerate() {
        let _ = writeln!(out, "{}", row(&(i + 1).to_string(), p, v));
    }
    crate::output::stdout::write(&out)
}

/// The line on stderr after a search: the work done, its rate and the rejections.
fn summary(outcome: &Outcome, secs: f64) -> String {
    let rejected: Vec<String> = outcome
        .rejected
        .iter()
        .map(|(n, c)| format!("{c} {n}"))
        .collect();
    format!(
        "screened {} candidates in {:.3} s ({:.0} candidates/s on {} threads); of the first {}: rejected {}",
        outcome.screened,
        secs,
        outcome.screened as f64 / secs.max(1e-9),
        rayon::current_num_threads(),
        outcome.tried,
        if rejected.is_empty() {
            "none".to_string()
        } else {
            rejected.join(", ")
        }
    )
}

/// Fewer results than --count is not an input error: what was found is kept (listed, appended,
/// drawn) and the shortfall told; finding none leaves nothing to keep.
fn shortfall(args: &SearchArgs, space: &Space, seed: u64, outcome: &Outcome) -> Result<()> {
    let short = format!(
        "found {} of {} {} attractors in {} candidates (seed {seed})",
        outcome.found.len(),
        args.count,
        space.label(),
        outcome.tried
    );
    if outcome.found.is_empty() {
        bail!("{short}; raise --tries or try another --seed");
    }
    if outcome.found.len() < args.count as usize {
        eprintln!(
            "warning: {short}; kept the {} found; for more, raise --tries (the same --seed finds these again and skips them in --atr) or try another --seed",
            outcome.found.len()
        );
    }
    Ok(())
}

/// Runs the search, with a progress line on a terminal (not under --quiet): candidates
/// screened, results found so far and the rate.
fn screen_all(space: &Space, seed: u64, args: &SearchArgs) -> Outcome {
    let count = args.count as usize;
    let show_bar = !args.quiet && std::io::stderr().is_terminal();
    let mut bar = show_bar.then(|| crate::progress::Bar::counting(args.tries, "candidates", true));
    let outcome = find_with(space, seed, count, args.tries, |o| {
        if let Some(bar) = &mut bar {
            bar.set_noting(o.screened, &format!(", found {} of {count}", o.found.len()));
        }
    });
    if let Some(bar) = bar {
        bar.finish();
    }
    outcome
}

fn write_sheet(file: OutputFile, results: &[(Preset, Verdict)]) -> Result<Staged> {
    let tiles: Vec<Tile> = results
        .iter()
        .map(|(p, v)| Tile {
            preset: p.clone(),
            title: p.name.clone(),
            caption: caption(v),
        })
        .collect();
    let (rgb, w, h) = sheet::render(&tiles)?;
    let text = sheet::recipe(&tiles)?.png_text();
    file.write_png(&sheet::to_rgba(&rgb), w, h, &text)
}

fn score(args: &SearchArgs) -> Result<()> {
    Roles::new()
        .input("--config", args.config.as_deref())
        .output("--sheet", args.sheet.as_deref())
        .check()?;
    let presets = crate::attractor::Presets::load(args.config.as_deref())?;
    let all = args.score.iter().any(|n| n.eq_ignore_ascii_case("all"));
    if all && args.score.len() > 1 {
        bail!(
            "--score all already scores every preset; give `all` alone, or only the names to score"
        );
    }
    let chosen: Vec<Preset> = if all {
        presets.all().to_vec()
    } else {
        args.score
            .iter()
            .map(|name| {
                presets
                    .get(name)
                    .cloned()
                    .map_err(|e| anyhow!("--score: {e}"))
            })
            .collect::<Result<_>>()?
    };
    let sheet_out = args
        .sheet
        .as_deref()
        .map(|p| OutputFile::prepare_for(p, Kind::Png, "--sheet"))
        .transpose()?;
    let results: Vec<(Preset, Verdict)> = {
        use rayon::prelude::*;
        chosen.par_iter().map(|p| (p.clone(), screen(p))).collect()
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {} presets screened",
        presets.source,
        results.len()
    );
    let _ = writeln!(out, "{}", header());
    for (p, v) in &results {
        let _ = writeln!(out, "{}", row("-", p, v));
    }
    if args.json {
        super::json::print(&serde_json::json!({
            "mode": "score",
            "source": presets.source.to_string(),
            "results": results_json(&results, false),
        }))?;
    } else {
        crate::output::stdout::write(&out)?;
    }
    if !args.quiet {
        let pass = results.iter().filter(|(_, v)| v.accepted()).count();
        eprintln!(
            "{pass} of {} pass (lyapunov in nats/iteration, accepted above {MIN_LYAPUNOV}; see the guide, \"Search\")",
            results.len()
        );
    }
    if let Some(file) = sheet_out {
        write_sheet(file, &results)?.commit()?;
    }
    Ok(())
}
