//! The headless render (`--png`, `--hist`): outputs checked first, then the engine runs through
//! the one driver loop on a worker thread while this thread draws progress and forwards signals;
//! then the summary, the outputs, and the checkpoint kept or removed. A resumed render adds the
//! checkpoint's counts to the new ones.

use super::Outcome;
use super::render_files::{self, Checkpoints};
use crate::backend::Engines;

use crate::cli::RenderArgs;
use crate::cli::render_config;
use crate::engine::{self, Checkpointing, Control, Engine, Snapshot};
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output::{Kind, OutputFile, is_stdio};
use crate::progress::Bar;
use crate::sampling::OrbitPlan;
use crate::shard::Shard;
use crate::signals;
use anyhow::{Result, anyhow, bail};
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

pub fn run(r: &RenderArgs) -> Result<Outcome> {
    signals::stop_gracefully();
    crate::cli::scope::check(r, crate::cli::scope::Mode::Files)?;
    super::render_files::roles(r).check()?;
    let cfg = render_config(r)?;
    let mut job = cfg.job.clone();
    // The whole job's points fix its orbit plan; a shard renders its share of them.
    let whole = job.iters;
    let shard = render_files::check_shard(r, &job)?;
    let target = shard.map_or(whole, |s| s.points(whole));
    check_json(r)?;
    // Every output is checked and locked (its temporary file made) before any work or GPU start.
    let outputs = prepare_outputs(r)?;
    let (sidecar, _lock) = render_files::checkpoint_place(r, &job)?;
    let prior = render_files::prior_checkpoint(r, &job, target, &sidecar)?;
    if let Some(c) = &prior {
        render_files::resume(&mut job, c, shard, target, r.quiet);
    }
    let prior_done = prior.as_ref().map_or(0, |c| c.meta.done);
    let mut ckpt = render_files::checkpoints(r, prior, sidecar, target);
    super::render_out::check_memory(&job, &cfg.quality, r.exr.is_some())?;
    let mut engines = Engines::open(r.backend, r.adapter.as_deref(), &job, |n| {
        if !r.quiet {
            eprintln!("note: {n}")
        }
    })?;
    // This run's points: the shard's share (or the whole job), less what a checkpoint holds.
    let run_points = target - prior_done;
    let range = shard
        .filter(|_| prior_done == 0)
        .map(|s| s.range(&OrbitPlan::new(job.iters)));
    let mut engine = engines.engine_for(&job, range)?;
    notes(r, &cfg, &job, engine.as_ref(), shard, (target, whole));
    let (result, secs) = drive(r, &job, engine.as_mut(), &mut ckpt, run_points)?;
    let done = Done {
        job: &job,
        cfg: &cfg,
        shard,
        whole,
        target,
        run_points,
        secs,
    };
    done.finish(r, result, engine.as_mut(), ckpt, outputs)
}

/// `--json` prints to standard output, which must not already carry a picture.
fn check_json(r: &RenderArgs) -> Result<()> {
    let to_stdout = [&r.png, &r.hist].into_iter().flatten().any(|p| is_stdio(p));
    if r.json && to_stdout {
        bail!(
            "--json: standard output already carries the picture or counts (`-`); write them to a file to get the JSON summary, or drop --json"
        );
    }
    Ok(())
}

/// The PNG, the `.npy` (and the recipe beside it) and the EXR, checked and locked.
fn prepare_outputs(r: &RenderArgs) -> Result<super::render_out::Outputs> {
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
    super::render_out::Outputs::prepare(r, png, npy)
}

/// The lines before the work: the backend, the shard, and what the pilot found.
fn notes(
    r: &RenderArgs,
    cfg: &crate::cli::config::RenderConfig,
    job: &Job,
    engine: &dyn Engine,
    shard: Option<Shard>,
    (target, whole): (u64, u64),
) {
    if !r.quiet {
        eprintln!("backend: {}", engine.describe());
        if let Some(s) = shard {
            eprintln!("shard {s}: {target} of the job's {whole} points");
        }
    }
    if !r.quiet
        && job.preset.formula.is_none()
        && job.preset.equation.is_area_preserving(&job.preset.params)
        && !job.exact
    {
        eprintln!(
            "note: {} is area-preserving: its picture depends on the exact orbit; --exact reproduces datashader's single orbit",
            job.preset.equation.name()
        );
    }
    if !r.quiet
        && !r.given.has("iters")
        && r.from.is_none()
        && let Some(hint) = crate::warnings::density_hint(r.size.0, r.size.1)
    {
        eprintln!("note: {hint}");
    }
    if let Some(w) = crate::warnings::pilot_divergence(cfg.pilot_diverged, &job.preset) {
        eprintln!("warning: {w}");
    }
}

type DriveResult = std::result::Result<Snapshot, Box<engine::Failure>>;

/// Runs the engine through the driver loop on a worker thread while this thread draws progress
/// and forwards signals; returns the result and the seconds it took.
fn drive(
    r: &RenderArgs,
    job: &Job,
    engine: &mut dyn Engine,
    ckpt: &mut Checkpoints,
    run_points: u64,
) -> Result<(DriveResult, f64)> {
    let quiet = r.quiet;
    let show_bar = !quiet && std::io::stderr().is_terminal();
    let ctl = Control::new();
    let t0 = Instant::now();
    let every = ckpt.every;
    std::thread::scope(|s| {
        let ctl = &ctl;
        let worker = s.spawn(move || {
            let mut write = |snap: &Snapshot| ckpt.write(job, snap);
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
    })
}

/// A finished (or stopped) run, for its last steps.
struct Done<'a> {
    job: &'a Job,
    cfg: &'a crate::cli::config::RenderConfig,
    shard: Option<Shard>,
    whole: u64,
    target: u64,
    run_points: u64,
    secs: f64,
}

impl Done<'_> {
    /// The summary, the warnings, the outputs, the JSON, and the checkpoint kept or removed.
    fn finish(
        &self,
        r: &RenderArgs,
        result: DriveResult,
        engine: &mut dyn Engine,
        mut ckpt: Checkpoints,
        outputs: super::render_out::Outputs,
    ) -> Result<Outcome> {
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
        let interrupted = failure.is_none() && this_run.tally.total() < self.run_points;
        report(this_run, self.job, self.secs, r.quiet);
        let hist = ckpt.with_prior(this_run);
        let warnings: Vec<String> =
            crate::warnings::check_result(&hist, self.job, r.bounds.is_some())
                .iter()
                .map(|w| w.to_string())
                .collect();
        warnings
            .iter()
            .for_each(|w| eprintln!("warning: {}", crate::message::printable(w)));
        if (interrupted || failure.is_some()) && ckpt.every.is_some() {
            ckpt.write(self.job, &snap);
        }
        self.say_partial(&hist, interrupted, failure.as_ref());
        let cfg = self.cfg;
        let mut recipe =
            crate::recipe::Recipe::of(self.job, self.whole, &cfg.style).with_quality(&cfg.quality);
        recipe.shard = self.shard.map(|s| crate::shard::part(s, self.whole, &hist));
        let written = outputs.write(
            &hist,
            Some(&mut *engine),
            &cfg.style,
            &cfg.quality,
            recipe,
            r.quiet,
        )?;
        if r.json && failure.is_none() {
            self.print_json(engine, this_run, &hist, &warnings, &written, interrupted)?;
        }
        self.outcome(r, &ckpt, &hist, interrupted, failure)
    }

    /// Says that the outputs hold a partial render, and why.
    fn say_partial(
        &self,
        hist: &Histogram,
        interrupted: bool,
        failure: Option<&engine::EngineError>,
    ) {
        if interrupted {
            eprintln!(
                "stopped after {} of {} points; writing the outputs with the {} counted points (partial)",
                hist.tally.total(),
                self.target,
                hist.tally.counted
            );
        }
        if let Some(e) = failure {
            eprintln!(
                "error: {e}; writing the {} points accumulated before it (partial)",
                hist.tally.counted
            );
        }
    }

    /// The `--json` summary on standard output.
    fn print_json(
        &self,
        engine: &dyn Engine,
        this_run: &Histogram,
        hist: &Histogram,
        warnings: &[String],
        written: &[String],
        interrupted: bool,
    ) -> Result<()> {
        let (t, job, secs) = (this_run.tally, self.job, self.secs);
        super::json::print(&serde_json::json!({
            "preset": job.preset.name,
            "backend": engine.describe(),
            "iters": self.target,
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
            "shard": self.shard.map(|s| s.to_string()),
        }))
    }

    /// How the run ended: the resume command for a stopped one, the error for a failed one; a
    /// finished run removes its checkpoint.
    fn outcome(
        &self,
        r: &RenderArgs,
        ckpt: &Checkpoints,
        hist: &Histogram,
        interrupted: bool,
        failure: Option<engine::EngineError>,
    ) -> Result<Outcome> {
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
                "the render stopped after {} of {} points (the outputs hold what was done); {how}, on the GPU or with --backend cpu",
                hist.tally.total(),
                self.target
            )));
        }
        if interrupted {
            return Ok(Outcome::Interrupted);
        }
        if ckpt.wrote || r.resume.is_some() {
            ckpt.remove();
            if !r.quiet {
                eprintln!(
                    "removed checkpoint {} (the outputs hold the finished render)",
                    ckpt.sidecar.display()
                );
            }
        }
        Ok(Outcome::Complete)
    }
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
        crate::message::printable(&job.preset.name),
        t.total(),
        crate::progress::seconds(secs),
        crate::progress::si(t.total() as f64 / secs.max(1e-9)),
        t.counted,
        t.outside,
        t.diverged,
        job.bounds
    );
}
