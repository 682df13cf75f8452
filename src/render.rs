//! A render from start to finish: run the backend on a worker thread while the main thread shows
//! progress, forwards Ctrl-C and writes checkpoints; then report, write the outputs, and keep or
//! remove the checkpoint. A resumed render adds the checkpoint's counts to the new ones.

use crate::app::{Outcome, choose_backend, plan};
use crate::backend::{Backend, Failure};
use crate::checkpoint::{self, Checkpoint};
use crate::cli::{BackendArg, RenderArgs};
use crate::histogram::Histogram;
use crate::job::{Control, Job};
use crate::output::{Kind, OutputFile};
use anyhow::{Result, anyhow, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the Ctrl-C handler; the progress loop forwards it to the running backend.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Where checkpoints go and when.
struct Checkpoints {
    sidecar: PathBuf,
    every: Option<Duration>,
    /// Counts of the earlier segments (resumed renders).
    prior: Option<Histogram>,
    segments: u32,
    target: u64,
    exact: bool,
    wrote: bool,
    /// Exact mode: the orbit state of the last snapshot written.
    last_exact_state: Option<[f64; 3]>,
}

impl Checkpoints {
    /// Earlier counts plus this run's.
    fn with_prior(&self, h: &Histogram) -> Histogram {
        let mut total = h.clone();
        if let Some(p) = &self.prior {
            total.merge(p);
        }
        total
    }

    fn write(&mut self, job: &Job, h: &Histogram, exact_state: Option<[f64; 3]>, quiet: bool) {
        let total = self.with_prior(h);
        self.last_exact_state = exact_state;
        match checkpoint::write(
            &self.sidecar,
            job,
            self.exact,
            self.target,
            &total,
            self.segments + 1,
            exact_state,
        ) {
            Ok(()) => {
                self.wrote = true;
                if !quiet {
                    eprintln!(
                        "checkpoint: {} points in {}",
                        total.tally.total(),
                        self.sidecar.display()
                    );
                }
            }
            // Rendering goes on; the last good checkpoint is still in place.
            Err(e) => eprintln!(
                "warning: could not write a checkpoint ({e:#}); the previous one is intact"
            ),
        }
    }
}

pub fn render(r: &RenderArgs) -> Result<Outcome> {
    if r.png.is_none() && r.hist.is_none() {
        return open_window(r).map(|_| Outcome::Complete);
    }
    if r.exact && r.backend == BackendArg::Gpu {
        bail!("--exact runs on the CPU only (float64 single orbit); drop --backend gpu or --exact");
    }
    let mut plan = plan(r)?;
    let target = plan.job.iters;
    let first_output = r
        .hist
        .as_deref()
        .or(r.png.as_deref())
        .expect("checked above");
    let sidecar = r
        .resume
        .clone()
        .unwrap_or_else(|| checkpoint::sidecar_path(first_output));
    let prior: Option<Checkpoint> = match &r.resume {
        Some(path) => {
            let c = checkpoint::load(path)?;
            checkpoint::check_matches(&c, &plan.job, plan.exact, target, path)?;
            Some(c)
        }
        None if r.checkpoint > 0 && sidecar.exists() => bail!(
            "checkpoint {} exists from a stopped render: continue it with --resume {}, or delete it to start over",
            sidecar.display(),
            sidecar.display()
        ),
        None => None,
    };
    if let Some(c) = &prior {
        plan.job.iters = target - c.meta.done;
        plan.job.segment = c.meta.segments;
        plan.job.exact_state = c.meta.exact_state;
        if !r.quiet {
            eprintln!(
                "resuming: {} of {} points done in {} earlier run(s)",
                c.meta.done, target, c.meta.segments
            );
        }
    }
    let mut ckpt = Checkpoints {
        sidecar,
        every: (r.checkpoint > 0).then(|| Duration::from_secs(r.checkpoint)),
        segments: prior.as_ref().map_or(0, |c| c.meta.segments),
        prior: prior.map(|c| c.hist),
        target,
        exact: plan.exact,
        wrote: false,
        last_exact_state: None,
    };
    let backend = choose_backend(r, &plan)?;
    crate::memory::check(&plan.job, &backend)?;
    let png = r
        .png
        .as_deref()
        .map(|p| OutputFile::prepare(p, Kind::Png))
        .transpose()?;
    let npy = r
        .hist
        .as_deref()
        .map(|p| OutputFile::prepare(p, Kind::Npy))
        .transpose()?;
    let job = &plan.job;
    let quiet = r.quiet;
    if !quiet && job.preset.equation.is_area_preserving(&job.preset.params) && !plan.exact {
        eprintln!(
            "note: {} is area-preserving: its picture depends on the exact orbit; --exact reproduces datashader's single orbit",
            job.preset.equation.name()
        );
    }
    if plan.pilot_diverged > 0.5 && !quiet {
        eprintln!(
            "warning: {:.0}% of pilot orbits diverged for {}",
            plan.pilot_diverged * 100.0,
            job.preset.describe_params()
        );
    }

    let ctl = Control::new();
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    let t0 = Instant::now();
    let result = std::thread::scope(|s| {
        let worker = s.spawn(|| {
            if job.iters == 0 {
                Ok(job.empty_histogram())
            } else {
                backend.accumulate(job, &ctl)
            }
        });
        if let (Some(after), Backend::Gpu { ctx, .. }) = (r.simulate_device_loss, &backend) {
            let device = ctx.device.clone();
            s.spawn(move || {
                std::thread::sleep(Duration::from_secs_f64(after));
                device.destroy();
            });
        }
        watch_progress(&ctl, job, quiet, &mut ckpt, || worker.is_finished());
        worker.join().map_err(|_| anyhow!("the renderer crashed"))
    })?;
    let secs = t0.elapsed().as_secs_f64();
    let (this_run, failure) = match result {
        Ok(h) => (h, None),
        Err(Failure {
            error,
            partial: Some(h),
        }) => (h, Some(error)),
        Err(Failure {
            error,
            partial: None,
        }) => return Err(error),
    };
    let interrupted = this_run.tally.total() < job.iters;
    report(&this_run, job, secs, quiet);
    let hist = ckpt.with_prior(&this_run);
    if interrupted && ckpt.every.is_some() {
        // The exact orbit's final state comes with the snapshot it offered when it stopped, which
        // the progress loop may already have written.
        let state = ctl
            .take_snapshot()
            .map_or(ckpt.last_exact_state, |s| s.exact_state);
        ckpt.write(job, &this_run, state, quiet);
    }
    if interrupted {
        eprintln!(
            "stopped after {} of {} points; the outputs hold {} counted points (partial)",
            hist.tally.total(),
            target,
            hist.tally.counted
        );
        if ckpt.wrote {
            eprintln!("to continue: {}", resume_command(&ckpt.sidecar));
        }
    }
    if let Some(e) = &failure {
        eprintln!(
            "error: {e:#}; writing the {} points accumulated before it (partial)",
            hist.tally.counted
        );
    }
    write_outputs(&hist, &backend, &plan.style, npy, png, quiet)?;
    if let Some(e) = failure {
        let how = if ckpt.wrote {
            format!("continue with {}", resume_command(&ckpt.sidecar))
        } else {
            "run it again".into()
        };
        return Err(e.context(format!(
            "the render stopped after {} of {target} points (the outputs hold what was done); {how}, on the GPU or with --backend cpu",
            hist.tally.total()
        )));
    }
    if interrupted {
        return Ok(Outcome::Interrupted);
    }
    if ckpt.wrote || r.resume.is_some() {
        checkpoint::remove(&ckpt.sidecar);
        if !quiet {
            eprintln!(
                "removed checkpoint {} (the outputs hold the finished render)",
                ckpt.sidecar.display()
            );
        }
    }
    Ok(Outcome::Complete)
}

/// Without `--png`/`--hist`: the live window on the chosen preset.
fn open_window(r: &RenderArgs) -> Result<()> {
    if r.exact {
        bail!("--exact renders headless only; add --png FILE or --hist FILE.npy");
    }
    if r.resume.is_some() {
        bail!("--resume continues a headless render; add the --png/--hist of the stopped render");
    }
    let plan = plan(r)?;
    let (presets, _) = crate::app::load_presets(r.config.as_deref())?;
    let index = presets
        .iter()
        .position(|p| p.name == plan.job.preset.name)
        .unwrap_or(0);
    let mut presets = presets;
    presets[index] = plan.job.preset.clone();
    crate::window::run(crate::window::WindowOptions {
        presets,
        index,
        config_path: r
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("attractors.atr")),
        style: plan.style,
        size: (plan.job.width, plan.job.height),
        skip: plan.job.skip,
        seed: plan.job.seed,
        cpu: r.backend == BackendArg::Cpu,
        adapter: r.adapter.clone(),
        frames: r.frames,
        screenshot: r.screenshot.clone(),
        resize_at: r.resize_at,
        panel: r.panel,
        quiet: r.quiet,
    })
}

/// This command line with `--resume SIDECAR` (added once).
fn resume_command(sidecar: &Path) -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--resume") {
        args.drain(i..(i + 2).min(args.len()));
    }
    args.retain(|a| !a.starts_with("--resume="));
    format!("{} --resume {}", args.join(" "), sidecar.display())
}

fn write_outputs(
    hist: &Histogram,
    backend: &Backend,
    style: &crate::shade::Style,
    npy: Option<OutputFile>,
    png: Option<OutputFile>,
    quiet: bool,
) -> Result<()> {
    if let Some(out) = npy {
        let path = out.path.clone();
        out.write_npy(hist)?;
        if !quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    if let Some(out) = png {
        let path = out.path.clone();
        let rgba = backend.shade(hist, style)?;
        out.write_png(&rgba, hist.width, hist.height)?;
        if !quiet {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// Polls the control block until `finished()`: forwards Ctrl-C, asks for and writes checkpoints,
/// draws the progress bar on stderr after the first second when stderr is a terminal.
fn watch_progress(
    ctl: &Control,
    job: &Job,
    quiet: bool,
    ckpt: &mut Checkpoints,
    finished: impl Fn() -> bool,
) {
    let t0 = Instant::now();
    let mut last_checkpoint = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let show = !quiet && std::io::stderr().is_terminal();
    while !finished() {
        std::thread::sleep(Duration::from_millis(50));
        if INTERRUPTED.load(Ordering::SeqCst) && !ctl.is_cancelled() {
            ctl.cancel();
            if !quiet {
                eprintln!("\ninterrupted: stopping and keeping what was accumulated");
            }
        }
        // One request per interval; the backend answers at its next consistent point.
        if let Some(every) = ckpt.every
            && last_checkpoint.elapsed() >= every
        {
            ctl.request_snapshot();
            last_checkpoint = Instant::now();
        }
        if let Some(snap) = ctl.take_snapshot() {
            ckpt.write(job, &snap.hist, snap.exact_state, quiet || bar.is_some());
        }
        if show && bar.is_none() && t0.elapsed() > Duration::from_secs(1) {
            let b = indicatif::ProgressBar::new(job.iters);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {percent:>3}% {human_pos}/{human_len} points  {per_sec}  ETA {eta}",
                )
                .expect("static template"),
            );
            bar = Some(b);
        }
        if let Some(b) = &bar {
            b.set_position(ctl.done());
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

/// The run's summary line and warnings (this run's points only).
fn report(hist: &Histogram, job: &Job, secs: f64, quiet: bool) {
    if quiet {
        return;
    }
    let t = hist.tally;
    eprintln!(
        "{}: {} points in {:.2} s ({:.1} M points/s): {} counted, {} outside the bounds, {} lost to divergence; bounds {}",
        job.preset.name,
        t.total(),
        secs,
        t.total() as f64 / secs.max(1e-9) / 1e6,
        t.counted,
        t.outside,
        t.diverged,
        job.bounds
    );
    if t.total() > 0 && t.diverged as f64 > 0.5 * t.total() as f64 {
        eprintln!(
            "warning: {:.0}% of points were lost to divergence for {}; check the parameters",
            100.0 * t.diverged as f64 / t.total() as f64,
            job.preset.describe_params()
        );
    }
    let bins = hist.nonzero_bins();
    if t.counted >= 1000 && bins <= 16 {
        eprintln!(
            "warning: the orbit collapses to {bins} pixel(s) (a fixed point or a short cycle) for {}; try other parameters",
            job.preset.describe_params()
        );
    }
}
