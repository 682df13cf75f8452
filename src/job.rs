//! A validated render job: what every engine renders (equation, parameters, start, canvas, bounds,
//! points, seed, mode). Build one with [`JobBuilder`], which checks every value and runs the pilot
//! for automatic bounds.

use crate::attractor::Preset;
use crate::histogram::{Binner, Bounds, Histogram};
use serde::{Deserialize, Serialize};

pub use crate::histogram::{DIVERGENCE_LIMIT, diverged_f64};
/// Largest transient (`skip`) accepted: 1e9 float64 steps take seconds; more is a typo, and the
/// exact orbit would spend hours before the first counted point.
pub const MAX_SKIP: u64 = 1_000_000_000;

/// Everything an engine needs to accumulate one histogram.
#[derive(Clone, Debug)]
pub struct Job {
    /// The map, its parameters and start point.
    pub preset: Preset,
    /// Canvas width in bins (the output width times the supersampling).
    pub width: u32,
    /// Canvas height in bins.
    pub height: u32,
    /// The map-space rectangle binned.
    pub bounds: Bounds,
    /// Points to count (binned + outside + diverged).
    pub iters: u64,
    /// Transient points skipped at the start of every orbit.
    pub skip: u64,
    /// The seed of the start points: the same job and seed give the same histogram.
    pub seed: u64,
    /// The float64 single orbit (bit-exact with datashader) instead of sampled float32 orbits.
    pub exact: bool,
    /// Which run of a resumed render this is (0 for a fresh run). It keys the start points of the
    /// sampled orbits, so a resumed run never repeats the orbits of an earlier one.
    pub segment: u32,
    /// Exact mode only: continue the float64 orbit from this point (no transient) instead of
    /// starting over, so a resumed exact render is the same single orbit.
    pub exact_state: Option<[f64; 3]>,
}

/// What identifies a job's result: two runs with equal keys add up to one render (checkpoints and
/// shards compare it). Points and segment are not part of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobKey {
    /// The map's key (an equation name, or the formula's canonical text).
    pub equation: String,
    /// The parameters, in the map's order.
    pub params: Vec<f64>,
    /// The start point (x, y, z).
    pub start: [f64; 3],
    /// xmin, xmax, ymin, ymax.
    pub bounds: [f64; 4],
    /// Canvas width in bins.
    pub width: u32,
    /// Canvas height in bins.
    pub height: u32,
    /// The job's seed.
    pub seed: u64,
    /// Transient points per orbit.
    pub skip: u64,
    /// The float64 single orbit or the sampled float32 orbits.
    pub exact: bool,
}

impl JobKey {
    /// The fields that differ between two keys, as `name theirs (this run: ours)`.
    pub fn differences(&self, ours: &JobKey) -> Vec<String> {
        let mut d = Vec::new();
        let mut check = |what: &str, theirs: String, mine: String| {
            if theirs != mine {
                d.push(format!("{what} {theirs} (this run: {mine})"));
            }
        };
        check("equation", self.equation.clone(), ours.equation.clone());
        check(
            "parameters",
            format!("{:?}", self.params),
            format!("{:?}", ours.params),
        );
        check(
            "start",
            format!("{:?}", self.start),
            format!("{:?}", ours.start),
        );
        check(
            "bounds",
            format!("{:?}", self.bounds),
            format!("{:?}", ours.bounds),
        );
        check(
            "size",
            format!("{}x{}", self.width, self.height),
            format!("{}x{}", ours.width, ours.height),
        );
        check("seed", self.seed.to_string(), ours.seed.to_string());
        check("skip", self.skip.to_string(), ours.skip.to_string());
        let mode = |e: bool| if e { "--exact" } else { "sampled" }.to_string();
        check("mode", mode(self.exact), mode(ours.exact));
        d
    }
}

impl Job {
    /// A fresh sampled job (segment 0) with explicit bounds; see [`JobBuilder`] for validation
    /// and automatic bounds.
    pub fn new(
        preset: Preset,
        (width, height): (u32, u32),
        bounds: Bounds,
        iters: u64,
        skip: u64,
        seed: u64,
    ) -> Job {
        Job {
            preset,
            width,
            height,
            bounds,
            iters,
            skip,
            seed,
            exact: false,
            segment: 0,
            exact_state: None,
        }
    }

    /// Starts a validated job for `preset`.
    pub fn builder(preset: Preset) -> JobBuilder {
        JobBuilder::new(preset)
    }

    /// The binning rule of this job's canvas.
    pub fn binner(&self) -> Binner {
        Binner::new(self.bounds, self.width, self.height)
    }
    /// An empty histogram of this job's canvas.
    pub fn empty_histogram(&self) -> Histogram {
        Histogram::new(self.width, self.height, self.bounds)
    }
    /// The key of the sampled orbits' start points (seed and segment).
    pub fn key(&self) -> u32 {
        crate::rng::job_key(self.seed, self.segment)
    }
    /// What identifies this job's result (for checkpoints and shards).
    pub fn job_key(&self) -> JobKey {
        let b = &self.bounds;
        JobKey {
            equation: self.preset.map_key(),
            params: self.preset.params.clone(),
            start: self.preset.start,
            bounds: [b.xmin, b.xmax, b.ymin, b.ymax],
            width: self.width,
            height: self.height,
            seed: self.seed,
            skip: self.skip,
            exact: self.exact,
        }
    }
}

/// How automatic bounds fit the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Aspect {
    /// One pixel covers the same distance in x and y (true proportions).
    #[default]
    Equal,
    /// x and y scaled independently to fill the canvas.
    Fill,
}

/// Why a job could not be built. Each message names the value and a way out.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A side of zero pixels.
    #[error("size {width}x{height}: both sides must be at least 1 pixel")]
    EmptyCanvas {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// A transient longer than [`MAX_SKIP`].
    #[error("skip {skip}: at most {max} transient points; the orbit settles within a few thousand")]
    SkipTooLarge {
        /// The transient asked for.
        skip: u64,
        /// The longest accepted.
        max: u64,
    },
    /// A transient longer than the sampled modes take ([`crate::pilot::PILOT_MAX_SKIP`]).
    #[error(
        "skip {skip}: the sampled CPU and GPU modes skip at most {max} transient points (their orbits start on the attractor); use --exact for a longer transient, or a smaller --skip"
    )]
    SampledSkipTooLarge {
        /// The transient asked for.
        skip: u64,
        /// The longest the sampled modes take.
        max: u64,
    },
    /// Bounds too small or too large for the canvas at the renderer's precision.
    #[error("bounds {bounds}: {why}")]
    Bounds {
        /// The bounds given.
        bounds: Bounds,
        /// Why they cannot be rendered, and what to do.
        why: String,
    },
    /// The pilot orbit could not frame the attractor (it diverged or collapsed to a point).
    #[error("{preset}: {message}")]
    Pilot {
        /// The preset's name.
        preset: String,
        /// What the pilot found, and what to try.
        message: String,
    },
    /// A parameter, start or bound that float32 cannot hold (sampled modes).
    #[error(
        "{what}: {value} {} in float32, the precision of the sampled CPU and GPU modes; use --exact (float64), {}",
        problem.why(),
        problem.way_out()
    )]
    NotFloat32 {
        /// Which input (`parameter a`, `start`, ...).
        what: String,
        /// Its value, as given.
        value: String,
        /// Why float32 cannot hold it (not finite, or underflows to 0).
        problem: F32Problem,
    },
}

/// Why a nonzero finite float64 is not a float32 input of the same meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F32Problem {
    /// Beyond the largest float32 (about 3.4e38): infinite there.
    Overflow,
    /// Nonzero but below the smallest float32 (about 1.4e-45): 0 there.
    Underflow,
}

impl F32Problem {
    /// What happens to the value in float32.
    pub fn why(self) -> &'static str {
        match self {
            F32Problem::Overflow => "is not finite (largest about 3.4e38)",
            F32Problem::Underflow => "underflows to 0 (smallest about 1.4e-45)",
        }
    }

    /// The values that work instead: smaller for an overflow, larger in magnitude (or exactly 0)
    /// for an underflow.
    pub fn way_out(self) -> &'static str {
        match self {
            F32Problem::Overflow => "or a value within +-3.4e38",
            F32Problem::Underflow => "a value of magnitude at least 1.4e-45, or 0",
        }
    }
}

/// Why `v` cannot be a float32 input: not finite there (beyond about 3.4e38), or a nonzero value
/// that underflows to 0.
pub fn f32_problem(v: f64) -> Option<F32Problem> {
    let f = v as f32;
    if !f.is_finite() {
        Some(F32Problem::Overflow)
    } else if f == 0.0 && v != 0.0 {
        Some(F32Problem::Underflow)
    } else {
        None
    }
}

/// The sampled modes run the map in float32: a start or parameter that float32 cannot hold would
/// give a blank picture (every orbit diverges) or a different map, so it is refused, naming the
/// value and `--exact`. Every job (flags, `.atr` rows, recipes, keyframes) is built through here.
pub fn check_float32(preset: &Preset) -> Result<(), JobError> {
    let show = crate::histogram::show_f64;
    let dims = if preset.uses_z() { 3 } else { 2 };
    let start = &preset.start[..dims];
    if let Some((v, problem)) = start.iter().find_map(|&v| f32_problem(v).map(|w| (v, w))) {
        return Err(JobError::NotFloat32 {
            what: format!(
                "start {}",
                start.iter().map(|&v| show(v)).collect::<Vec<_>>().join(",")
            ),
            value: show(v),
            problem,
        });
    }
    for (name, v) in preset.named_params() {
        if let Some(problem) = f32_problem(v) {
            return Err(JobError::NotFloat32 {
                what: format!("parameter {name}={}", show(v)),
                value: show(v),
                problem,
            });
        }
    }
    Ok(())
}

/// The points of a render when none are asked for (`--iters`' default): 1e8.
pub const DEFAULT_POINTS: u64 = 100_000_000;
/// The canvas the default points were chosen for, in pixels: 1024x1024 (about 95 points a pixel).
pub const DEFAULT_CANVAS_PIXELS: u64 = 1024 * 1024;

/// Builds a validated [`Job`]: defaults of the command line (1024x1024, 1e8 points, skip 1000,
/// seed 0, sampled, automatic bounds with equal aspect).
///
/// ```
/// use attractors::{Job, Presets};
/// let presets = Presets::builtin();
/// let job = Job::builder(presets.get("Clifford").unwrap().clone())
///     .size(256, 128)
///     .points(100_000)
///     .seed(7)
///     .build()
///     .unwrap();
/// assert_eq!((job.width, job.height, job.iters), (256, 128, 100_000));
/// // Automatic bounds keep true proportions: x spans twice the y range on a 2:1 canvas.
/// let b = job.bounds;
/// assert!(((b.xmax - b.xmin) / (b.ymax - b.ymin) - 2.0).abs() < 1e-9);
/// ```
#[derive(Clone, Debug)]
pub struct JobBuilder {
    preset: Preset,
    size: (u32, u32),
    iters: u64,
    skip: u64,
    seed: u64,
    exact: bool,
    bounds: Option<Bounds>,
    aspect: Aspect,
}

impl JobBuilder {
    /// A builder with the command line's defaults.
    pub fn new(preset: Preset) -> JobBuilder {
        JobBuilder {
            preset,
            size: (1024, 1024),
            iters: DEFAULT_POINTS,
            skip: 1000,
            seed: 0,
            exact: false,
            bounds: None,
            aspect: Aspect::Equal,
        }
    }
    /// Canvas size in pixels.
    pub fn size(mut self, width: u32, height: u32) -> JobBuilder {
        self.size = (width, height);
        self
    }
    /// Points to count.
    pub fn points(mut self, n: u64) -> JobBuilder {
        self.iters = n;
        self
    }
    /// Transient points skipped at the start of every orbit.
    pub fn skip(mut self, n: u64) -> JobBuilder {
        self.skip = n;
        self
    }
    /// Seed of the sampled orbits' start points.
    pub fn seed(mut self, seed: u64) -> JobBuilder {
        self.seed = seed;
        self
    }
    /// The float64 single orbit, bit-exact with datashader.
    pub fn exact(mut self, exact: bool) -> JobBuilder {
        self.exact = exact;
        self
    }
    /// Explicit bounds (used as given); without them the pilot chooses.
    pub fn bounds(mut self, bounds: Bounds) -> JobBuilder {
        self.bounds = Some(bounds);
        self
    }
    /// How automatic bounds fit the canvas.
    pub fn aspect(mut self, aspect: Aspect) -> JobBuilder {
        self.aspect = aspect;
        self
    }

    /// Checks every value, runs the pilot for automatic bounds, and returns the job with what the
    /// pilot found.
    pub fn build_with_pilot(self) -> Result<(Job, crate::pilot::Pilot), JobError> {
        let (width, height) = self.size;
        if width == 0 || height == 0 {
            return Err(JobError::EmptyCanvas { width, height });
        }
        if self.skip > MAX_SKIP {
            return Err(JobError::SkipTooLarge {
                skip: self.skip,
                max: MAX_SKIP,
            });
        }
        if !self.exact {
            // The seed pool's orbits skip the transient (see crate::sampling); more than the
            // pilot's limit would take them minutes, so it is refused rather than clamped.
            if self.skip > crate::pilot::PILOT_MAX_SKIP {
                return Err(JobError::SampledSkipTooLarge {
                    skip: self.skip,
                    max: crate::pilot::PILOT_MAX_SKIP,
                });
            }
            check_float32(&self.preset)?;
        }
        let pilot = crate::pilot::run(&self.preset, self.skip, self.seed).map_err(|message| {
            JobError::Pilot {
                preset: self.preset.name.clone(),
                message,
            }
        })?;
        let bounds = match (self.bounds, self.aspect) {
            (Some(b), _) => b,
            (None, Aspect::Equal) => pilot.bounds.with_equal_aspect(width, height),
            (None, Aspect::Fill) => pilot.bounds,
        };
        bounds
            .check_canvas(width, height, !self.exact)
            .map_err(|why| JobError::Bounds { bounds, why })?;
        let mut job = Job::new(
            self.preset,
            (width, height),
            bounds,
            self.iters,
            self.skip,
            self.seed,
        );
        job.exact = self.exact;
        Ok((job, pilot))
    }

    /// [`JobBuilder::build_with_pilot`] without the pilot's findings.
    pub fn build(self) -> Result<Job, JobError> {
        self.build_with_pilot().map(|(job, _)| job)
    }
}
