//! The headless render (`--png`, `--hist`): outputs checked first, then the engine runs through
//! the one driver loop on a worker thread while this thread draws progress and forwards signals;
//! then the summary, the outputs, and the checkpoint kept or removed. A resumed render adds the
//! checkpoint's counts to the new ones.

use super::Outcome;
use super::render_files::{Checkpoints, OutputLock, file_stem_of};
use crate::backend::Engines;
use crate::checkpoint::{self, Checkpoint};
use crate::cli::RenderArgs;
use crate::cli::render_config;
use crate::engine::{self, Checkpointing, Control, Engine, Snapshot};
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output::{Kind, OutputFile, is_stdio, same_file};
use crate::progress::Bar;
use crate::sampling::OrbitPlan;
use crate::shard::Shard;
use crate::signals;
use anyhow::{Result, anyhow, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub fn run(r: &RenderArgs) -> Result<Outcome> {
    signals::stop_gracefully();
    crate::cli::scope::check(r, crate::cli::scope::Mode::Files)?;
    super::render_files::roles(r).check()?;
    let cfg = render_config(r)?;
    let mut job = cfg.job;
    // The whole job's points fix its orbit plan; a shard renders its share of them.
    let whole = job.iters;
    let shard = check_shard(r, &job)?;
    let target = shard.map_or(whole, |s| s.points(whole));
    let quiet = r.quiet;
    let to_stdout = [&r.png, &r.hist].into_iter().flatten().any(|p| is_stdio(p));
    if r.json && to_stdout {
        bail!(
            "--json: standard output already carries the picture or counts (`-`); write them to a file to get the JSON summary, or drop --json"
        );
    }
    // Every output is checked (its temporary file made) before any work or GPU start.
    let png = r
        .png
        .as_deref()
        .map(|p| OutputFile::prepare_or_stdout(p, Kind::Png, "--png"))
        .transpose()?;
    let npy = r
        .hist
        .as_deref()
        .map(|p| OutputFile::prepare_or_stdout(p, Kind::Npy, "--hist"))
        .transpose()?;
    let outputs = super::render_out::Outputs::prepare(r, png, npy)?;
    // Checkpoints sit beside the first output that is a file; when every output goes to standard
    // output, beside PRESET.png in the current directory (PRESET.ckpt.json).
    let first_output = super::render_files::first_file_output(r)
        .map(|(_, p)| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from(format!("{}.png", file_stem_of(&job.preset.name))));
    // One render per output at a time; released on every way out of this function.
    let _lock = OutputLock::take(&first_output)?;
    let sidecar = r
        .resume
        .clone()
        .unwrap_or_else(|| checkpoint::sidecar_path(&first_output));
    for out in [&r.png, &r.hist]
        .into_iter()
        .flatten()
        .filter(|p| !is_stdio(p))
    {
        if checkpoint::files_of(&sidecar)
            .iter()
            .any(|f| same_file(f, out))
        {
            bail!(
                "{}: is a file of the checkpoint {}; write the output under another name",
                out.display(),
                sidecar.display()
            );
        }
    }
    let prior: Option<Checkpoint> = match &r.resume {
        Some(path) => {
            let c = checkpoint::load(path)?;
            checkpoint::check_matches(&c, &job, target, path)?;
            Some(c)
        }
        None if r.checkpoint > 0 && sidecar.exists() => bail!(
            "checkpoint {} exists from a stopped render: continue it with --resume {}, or delete it to start over",
            sidecar.display(),
            sidecar.display()
        ),
        None => {
            // A counts file without its sidecar (left by hand or by another program): a fresh
            // run would overwrite it with its second checkpoint and then delete it.
            if r.checkpoint > 0
                && let Some(stray) = checkpoint::files_of(&sidecar)[1..]
                    .iter()
                    .find(|f| f.exists())
            {
                bail!(
                    "{} exists but is not this run's (no checkpoint {} names it); move or delete it, write the output under another name, or give --checkpoint 0",
                    stray.display(),
                    sidecar.display()
                );
            }
            None
        }
    };
    if let Some(c) = &prior {
        job.iters = target - c.meta.done;
        // A resumed shard's orbits are keyed by the shard too, so no two shards repeat them.
        job.segment = match shard {
            Some(s) => c
                .meta
                .segments
                .saturating_mul(s.count)
                .saturating_add(s.index),
            None => c.meta.segments,
        };
        job.exact_state = c.meta.exact_state;
        if !quiet {
            eprintln!(
                "resuming: {} of {} points done in {} earlier run(s)",
                c.meta.done, target, c.meta.segments
            );
        }
    }
    let prior_done = prior.as_ref().map_or(0, |c| c.meta.done);
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let mut ckpt = Checkpoints {
        every: (r.checkpoint > 0).then(|| Duration::from_secs(r.checkpoint)),
        segments: prior.as_ref().map_or(0, |c| c.meta.segments),
        owned: if prior.is_some() {
            checkpoint::files_of(&sidecar).to_vec()
        } else {
            Vec::new()
        },
        prior: prior.map(|c| c.hist),
        sidecar,
        target,
        wrote: false,
        verbose: !quiet && !show_bar,
    };
    super::render_out::check_memory(&job, &cfg.quality, r.exr.is_some())?;
    let mut engines = Engines::open(r.backend, r.adapter.as_deref(), &job, |n| {
        eprintln!("note: {n}")
    })?;
    // This run's points: the shard's share (or the whole job), less what a checkpoint holds.
    let run_points = target - prior_done;
    let range = shard
        .filter(|_| prior_done == 0)
        .map(|s| s.range(&OrbitPlan::new(job.iters)));
    let mut engine = engines.engine_for(&job, range)?;
    if !quiet {
        eprintln!("backend: {}", engine.describe());
        if let Some(s) = shard {
            eprintln!("shard {s}: {target} of the job's {whole} points");
        }
    }
    if !quiet
        && job.preset.formula.is_none()
        && job.preset.equation.is_area_preserving(&job.preset.params)
        && !job.exact
    {
        eprintln!(
            "note: {} is area-preserving: its picture depends on the exact orbit; --exact reproduces datashader's single orbit",
            job.preset.equation.name()
        );
    }
    if !quiet
        && !r.given.has("iters")
        && r.from.is_none()
        && let Some(hint) = crate::warnings::density_hint(r.size.0, r.size.1)
    {
        eprintln!("note: {hint}");
    }
    if let Some(w) = crate::warnings::pilot_divergence(cfg.pilot_diverged, &job.preset) {
        eprintln!("warning: {w}");
    }

    let ctl = Control::new();
    let t0 = Instant::now();
    let job_ref = &job;
    let every = ckpt.every;
    let result = std::thread::scope(|s| {
        let ckpt = &mut ckpt;
        let engine: &mut dyn Engine = engine.as_mut();
        let ctl = &ctl;
        let worker = s.spawn(move || {
            let mut write = |snap: &Snapshot| ckpt.write(job_ref, snap);
            let checkpoints = every.map(|every| Checkpointing {
                every,
                write: &mut write,
            });
            let result = engine::drive(engine, run_points, ctl, checkpoints);
            // Timed here, not after the join: the watcher notices the end only at its next
            // 20 ms tick, which would put a floor under every short run's time.
            (result, t0.elapsed().as_secs_f64())
        });
        watch(ctl, run_points, quiet, show_bar, || worker.is_finished());
        worker.join().map_err(|_| anyhow!("the renderer crashed"))
    })?;
    let (result, secs) = result;
    let (snap, failure) = match result.map_err(|f| *f) {
        Ok(s) => (s, None),
        Err(engine::Failure {
            error,
            partial: Some(s),
        }) => (s, Some(error)),
        Err(engine::Failure {
            error,
            partial: None,
        }) => {
            return Err(anyhow::Error::new(error).context(
                "the render stopped before any counts could be saved; run it again, on the GPU or with --backend cpu",
            ));
        }
    };
    let this_run = &snap.hist;
    let interrupted = failure.is_none() && this_run.tally.total() < run_points;
    report(this_run, &job, secs, quiet);
    let hist = ckpt.with_prior(this_run);
    let warnings: Vec<String> = crate::warnings::check_result(&hist, &job, r.bounds.is_some())
        .iter()
        .map(|w| w.to_string())
        .collect();
    warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    if (interrupted || failure.is_some()) && ckpt.every.is_some() {
        ckpt.write(&job, &snap);
    }
    if interrupted {
        eprintln!(
            "stopped after {} of {} points; writing the outputs with the {} counted points (partial)",
            hist.tally.total(),
            target,
            hist.tally.counted
        );
    }
    if let Some(e) = &failure {
        eprintln!(
            "error: {e}; writing the {} points accumulated before it (partial)",
            hist.tally.counted
        );
    }
    let mut recipe = crate::recipe::Recipe::of(&job, whole, &cfg.style).with_quality(&cfg.quality);
    recipe.shard = shard.map(|s| crate::shard::part(s, whole, &hist));
    let written = outputs.write(
        &hist,
        Some(engine.as_mut()),
        &cfg.style,
        &cfg.quality,
        recipe,
        quiet,
    )?;
    if r.json && failure.is_none() {
        let t = this_run.tally;
        super::json::print(&serde_json::json!({
            "preset": job.preset.name,
            "backend": engine.describe(),
            "iters": target,
            "points": t.total(),
            "counted": t.counted,
            "outside": t.outside,
            "diverged": t.diverged,
            "total_counted": hist.tally.counted,
            "seconds": secs,
            "rate": t.total() as f64 / secs.max(1e-9),
            "bounds": [job.bounds.xmin, job.bounds.xmax, job.bounds.ymin, job.bounds.ymax],
            "size": [hist.width, hist.height],
            "warnings": warnings,
            "outputs": written,
            "interrupted": interrupted,
            "shard": shard.map(|s| s.to_string()),
        }))?;
    }
    if interrupted && ckpt.wrote {
        eprintln!("to continue: {}", resume_command(&ckpt.sidecar));
    }
    if let Some(e) = failure {
        let how = if ckpt.wrote {
            format!("continue with {}", resume_command(&ckpt.sidecar))
        } else {
            "run it again".into()
        };
        return Err(anyhow::Error::new(e).context(format!(
            "the render stopped after {} of {target} points (the outputs hold what was done); {how}, on the GPU or with --backend cpu",
            hist.tally.total()
        )));
    }
    if interrupted {
        return Ok(Outcome::Interrupted);
    }
    if ckpt.wrote || r.resume.is_some() {
        ckpt.remove();
        if !quiet {
            eprintln!(
                "removed checkpoint {} (the outputs hold the finished render)",
                ckpt.sidecar.display()
            );
        }
    }
    Ok(Outcome::Complete)
}

/// The `--shard` of this render, checked: it needs the sampled mode and a `--hist` file, and no
/// more shards than the job has orbits.
fn check_shard(r: &RenderArgs, job: &Job) -> Result<Option<Shard>> {
    let Some(s) = r.shard else {
        return Ok(None);
    };
    if job.exact {
        bail!("--shard {s}: --exact runs one float64 orbit, which cannot be split; drop --exact");
    }
    match &r.hist {
        Some(p) if !is_stdio(p) => {}
        _ => bail!(
            "--shard {s}: a shard's counts go to --hist FILE.npy (its recipe beside it says which shard) for `attractors merge`; add --hist FILE.npy"
        ),
    }
    s.check(job.iters).map_err(|e| anyhow!("--shard {e}"))?;
    Ok(Some(s))
}

/// This command line with `--resume SIDECAR` (added once).
fn resume_command(sidecar: &Path) -> String {
    let mut args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(i) = args.iter().position(|a| a == "--resume") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args.retain(|a| !a.starts_with("--resume="));
    args.extend(["--resume".into(), sidecar.display().to_string()]);
    super::shell::shell_line(&args)
}

/// Until `finished()`: forwards a signal to the run and draws the progress bar (after the first
/// second, where stderr is a terminal).
fn watch(ctl: &Control, total: u64, quiet: bool, show_bar: bool, finished: impl Fn() -> bool) {
    let t0 = Instant::now();
    let mut bar: Option<Bar> = None;
    while !finished() {
        std::thread::sleep(Duration::from_millis(20));
        if signals::interrupted() && !ctl.is_cancelled() {
            ctl.cancel();
            if !quiet {
                eprintln!("\ninterrupted: stopping and keeping what was accumulated");
            }
        }
        if show_bar && bar.is_none() && t0.elapsed() > Duration::from_secs(1) {
            bar = Some(Bar::new(total));
        }
        if let Some(b) = &mut bar {
            match ctl.transient_left() {
                0 => b.set(ctl.done()),
                left => b.set_noting(
                    ctl.done(),
                    &format!(
                        "; first skipping the --skip transient: {} points left",
                        crate::progress::si(left as f64)
                    ),
                ),
            }
        }
    }
    if let Some(b) = bar {
        b.finish();
    }
}

/// The run's summary line (this run's points only).
fn report(hist: &Histogram, job: &Job, secs: f64, quiet: bool) {
    if quiet {
        return;
    }
    let t = hist.tally;
    eprintln!(
        "{}: {} points in {} ({} points/s): {} counted, {} outside the bounds, {} lost to divergence; bounds {}",
        job.preset.name,
        t.total(),
        crate::progress::seconds(secs),
        crate::progress::si(t.total() as f64 / secs.max(1e-9)),
        t.counted,
        t.outside,
        t.diverged,
        job.bounds
    );
}
