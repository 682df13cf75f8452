//! `attractors bench`: the scaling study. For each iteration count and backend, a warm-up (not
//! counted) and then `--reps` timed runs of the whole job, with calculation (accumulating the
//! histogram, to completion) and rendering (tone mapping + palette; PNG encoding on its own) timed
//! separately. Prints a table, writes a CSV and plots; compares each backend's histogram with the
//! CPU's at 1e6 points and more (on grids block-summed to at most 256x256, see
//! [`crate::compare::agreement_coarse`]), so a fast wrong answer shows.

pub mod plot;
mod report;

pub use report::{CSV_COLUMNS, table, write_csv};

use crate::backend::{Backend, Engines};
use crate::compare::{Agreement, agreement_coarse};
use crate::engine::{self, Control};
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output;
use crate::shade::Style;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::time::Instant;

/// What the bench was asked to do (validated).
pub struct BenchPlan {
    /// The job every cell renders (each cell sets its own iterations and seed).
    pub job: Job,
    /// How the pictures are shaded (timed as rendering).
    pub style: Style,
    /// The iteration counts of the sweep, in order.
    pub iters: Vec<u64>,
    /// Timed runs per cell (at least 1).
    pub reps: u32,
    /// The backends measured, in the table's order.
    pub backends: Vec<Backend>,
    /// A size whose estimated time (from the last size) is over this many seconds is skipped.
    pub max_seconds: f64,
    /// Never skip a size.
    pub no_skip: bool,
    /// The GPU adapter to use (`--adapter`).
    pub adapter: Option<String>,
    /// No progress lines on stderr.
    pub quiet: bool,
}

/// One timed run.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Seconds accumulating the histogram, to completion.
    pub calc: f64,
    /// Seconds shading it (tone map and palette).
    pub render: f64,
    /// Seconds encoding the PNG.
    pub png: f64,
    /// Share of the map evaluations spent on uncounted transients (0 for the exact orbit, whose
    /// `--skip` is a fixed cost of the job).
    pub transient_share: f64,
}

impl Sample {
    /// Calculation, rendering and PNG together (seconds).
    pub fn total(&self) -> f64 {
        self.calc + self.render + self.png
    }
}

/// All runs of one (iteration count, backend).
#[derive(Clone, Debug)]
pub struct Cell {
    /// Points per run.
    pub iters: u64,
    /// The backend measured.
    pub backend: Backend,
    /// The timed runs (none when skipped or unavailable).
    pub samples: Vec<Sample>,
    /// Agreement with the reference CPU histogram of the same size (1e6 points and more).
    pub agreement: Option<Agreement>,
    /// Why the cell has no samples, or what else to know.
    pub note: Option<String>,
}

/// min, median, mean.
pub fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    (s[0], median, s.iter().sum::<f64>() / n as f64)
}

impl Cell {
    /// The median of `f` over the samples; `None` without samples.
    pub fn median(&self, f: impl Fn(&Sample) -> f64) -> Option<f64> {
        if self.samples.is_empty() {
            return None;
        }
        Some(stats(&self.samples.iter().map(f).collect::<Vec<_>>()).1)
    }
}

/// The result of a sweep, with the machine it ran on.
pub struct Report {
    /// The machine and each backend's device, one line each.
    pub header: String,
    /// The preset's name.
    pub preset: String,
    /// The canvas (width, height) in pixels.
    pub size: (u32, u32),
    /// One cell per (iteration count, backend), size by size.
    pub cells: Vec<Cell>,
}

/// Sizes of this many points or more get an agreement check.
pub const AGREEMENT_FROM: u64 = 1_000_000;

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn timed_run(engines: &mut Engines, job: &Job, style: &Style) -> Result<(Sample, Histogram)> {
    let mut engine = engines.engine(job)?;
    let t = Instant::now();
    let hist = engine::drive(engine.as_mut(), job.iters, &Control::new(), None)
        .map_err(|f| f.error)?
        .hist;
    let calc = t.elapsed().as_secs_f64();
    let transient = engine.transient_steps();
    let transient_share = transient as f64 / (transient + job.iters).max(1) as f64;
    if hist.tally.total() != job.iters {
        bail!(
            "{} stopped after {} of {} points",
            engines.describe(),
            hist.tally.total(),
            job.iters
        );
    }
    let t = Instant::now();
    let rgba = engine.shade(&hist, style)?;
    let render = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut png = Vec::new();
    let text = crate::recipe::Document::picture(crate::recipe::Recipe::of(job, job.iters, style))
        .png_text();
    output::encode_png(&rgba, hist.width, hist.height, &text, &mut png)?;
    let png_s = t.elapsed().as_secs_f64();
    Ok((
        Sample {
            calc,
            render,
            png: png_s,
            transient_share,
        },
        hist,
    ))
}

/// The backends of a sweep, each opened once, or why it could not be.
type Opened = Vec<(Backend, Result<Engines, String>)>;

/// Runs the sweep, size by size. Backends that cannot start (no GPU) become cells with a note,
/// never vanish.
pub fn run(plan: &BenchPlan) -> Result<Report> {
    let mut backends = open_backends(plan);
    let header = machine_header(&backends);
    if !plan.quiet {
        eprint!("{header}");
    }
    warm_up(plan, &mut backends)?;
    let order = reference_first(&backends);
    let mut last: Vec<Option<(u64, f64)>> = vec![None; backends.len()];
    let mut cells = Vec::new();
    for &n in &plan.iters {
        cells.extend(run_size(plan, &mut backends, &order, &mut last, n)?);
    }
    Ok(Report {
        header,
        preset: plan.job.preset.name.clone(),
        size: (plan.job.width, plan.job.height),
        cells,
    })
}

/// Opens every backend the plan names.
fn open_backends(plan: &BenchPlan) -> Opened {
    let mut backends = Vec::new();
    for &b in &plan.backends {
        // The adapter is the GPU backend's (cmd::bench refuses it without one).
        let adapter = plan.adapter.as_deref().filter(|_| b == Backend::Gpu);
        let made = Engines::open(b, adapter, &plan.job, |_| {}).map_err(|e| e.to_string());
        backends.push((b, made));
    }
    backends
}

/// The report's header: the CPU, the thread count and each backend's device (or why it is
/// unavailable).
fn machine_header(backends: &Opened) -> String {
    let mut header = format!(
        "machine: {}, {} threads\n",
        cpu_model(),
        rayon::current_num_threads()
    );
    for (b, made) in backends {
        match made {
            Ok(be) => writeln!(header, "{:<9}: {}", b.name(), be.describe()).ok(),
            Err(e) => writeln!(header, "{:<9}: unavailable: {e}", b.name()).ok(),
        };
    }
    header
}

/// Warm-up, not counted: pipelines, thread pool, caches.
fn warm_up(plan: &BenchPlan, backends: &mut Opened) -> Result<()> {
    for (b, made) in backends {
        if let Ok(be) = made {
            let warm = Job {
                iters: plan.iters[0].min(100_000),
                ..plan.job.clone()
            };
            timed_run(be, &warm, &plan.style).with_context(|| format!("{} warm-up", b.name()))?;
        }
    }
    Ok(())
}

/// The order the backends run in at each size: the reference first (the CPU sampled histogram,
/// else the exact one).
fn reference_first(backends: &Opened) -> Vec<usize> {
    let mut order: Vec<usize> = (0..backends.len()).collect();
    order.sort_by_key(|&i| match backends[i].0 {
        Backend::Cpu => 0,
        Backend::CpuExact => 1,
        _ => 2,
    });
    order
}

/// The cells of one iteration count `n`, in the plan's backend order. `last` holds each
/// backend's previous (iterations, median seconds), for the time estimate that skips a size.
fn run_size(
    plan: &BenchPlan,
    backends: &mut Opened,
    order: &[usize],
    last: &mut [Option<(u64, f64)>],
    n: u64,
) -> Result<Vec<Cell>> {
    let mut reference: Option<(Backend, Histogram)> = None;
    let mut row: Vec<(usize, Cell)> = Vec::new();
    for &i in order {
        let (b, made) = &mut backends[i];
        let mut cell = Cell {
            iters: n,
            backend: *b,
            samples: vec![],
            agreement: None,
            note: None,
        };
        let backend = match made {
            Ok(be) => be,
            Err(e) => {
                cell.note = Some(format!("unavailable: {e}"));
                row.push((i, cell));
                continue;
            }
        };
        if let Some(note) = skip_note(plan, last[i], *b, n) {
            cell.note = Some(note);
            row.push((i, cell));
            continue;
        }
        let first = measure(plan, backend, &mut cell)?;
        last[i] = cell.median(Sample::total).map(|t| (n, t));
        if let (Some(h), true) = (first, n >= AGREEMENT_FROM) {
            compare_with_reference(&mut cell, h, &mut reference);
        }
        row.push((i, cell));
    }
    row.sort_by_key(|(i, _)| *i);
    Ok(row.into_iter().map(|(_, c)| c).collect())
}

/// Why backend `b` skips `n` iterations: its estimated time (from its `last` size) is over
/// `--max-seconds`. Prints the note unless quiet.
fn skip_note(plan: &BenchPlan, last: Option<(u64, f64)>, b: Backend, n: u64) -> Option<String> {
    let (prev_n, prev_t) = last?;
    let estimate = prev_t * n as f64 / prev_n as f64 * plan.reps as f64;
    if estimate <= plan.max_seconds || plan.no_skip {
        return None;
    }
    let note = format!(
        "skipped: estimated {estimate:.0} s for {} reps > --max-seconds {} (use --no-skip)",
        plan.reps, plan.max_seconds
    );
    if !plan.quiet {
        eprintln!("{} {:e}: {note}", b.name(), n as f64);
    }
    Some(note)
}

/// The timed repetitions of one cell (a new seed each); returns the first repetition's histogram.
fn measure(plan: &BenchPlan, backend: &mut Engines, cell: &mut Cell) -> Result<Option<Histogram>> {
    let (b, n) = (cell.backend, cell.iters);
    let mut first = None;
    for rep in 0..plan.reps {
        let job = Job {
            iters: n,
            seed: plan.job.seed + rep as u64,
            ..plan.job.clone()
        };
        let (s, h) = timed_run(backend, &job, &plan.style)
            .with_context(|| format!("{} at {n} points", b.name()))?;
        if !plan.quiet {
            eprintln!(
                "{:<9} {:>8.0e} points rep {}: calc {:.4} s, render {:.4} s, png {:.4} s",
                b.name(),
                n as f64,
                rep + 1,
                s.calc,
                s.render,
                s.png
            );
        }
        cell.samples.push(s);
        if rep == 0 {
            first = Some(h);
        }
    }
    Ok(first)
}

/// The first measured cell of a size becomes the reference; later ones record their agreement
/// with it.
fn compare_with_reference(
    cell: &mut Cell,
    h: Histogram,
    reference: &mut Option<(Backend, Histogram)>,
) {
    match reference {
        None => {
            cell.note = Some("reference".into());
            *reference = Some((cell.backend, h));
        }
        Some((rb, rh)) => {
            cell.agreement = Some(agreement_coarse(&h.counts, &rh.counts, h.width, h.height));
            cell.note = Some(format!("vs {}", rb.name()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(stats(&[3.0, 1.0, 2.0, 10.0]), (1.0, 2.5, 4.0));
        assert_eq!(stats(&[3.0, 1.0, 2.0]), (1.0, 2.0, 2.0));
    }
}
