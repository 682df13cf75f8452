//! Checkpoints of long renders: the counts so far (`.npy`) plus a small JSON sidecar naming the
//! job, so `--resume` can continue a stopped render to its target.
//!
//! Files, for an output `out.png` (or `--hist out.npy`): `out.ckpt.json` and the counts in
//! `out.ckpt.a.npy` / `out.ckpt.b.npy`, used alternately. Each write goes to the counts file the
//! JSON does not name, then replaces the JSON (both atomically: temporary file + rename), so at
//! every instant the JSON names a complete counts file that matches it. A crash, Ctrl-C, a lost GPU
//! or a full disk can lose the newest checkpoint, never the last good one.

use crate::histogram::{Histogram, Tally};
use crate::job::Job;
use crate::output::{Kind, OutputFile, read_npy_counts};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when the sidecar's meaning changes.
pub const FORMAT: u32 = 1;

/// The JSON sidecar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    pub program: String,
    pub preset: String,
    pub equation: String,
    pub params: Vec<f64>,
    pub start: [f64; 3],
    pub bounds: [f64; 4],
    pub width: u32,
    pub height: u32,
    pub seed: u64,
    pub skip: u64,
    pub exact: bool,
    /// The render's target (points asked for).
    pub iters: u64,
    /// Points done: counted + outside + diverged.
    pub done: u64,
    pub counted: u64,
    pub outside: u64,
    pub diverged: u64,
    /// Runs that contributed (a resumed run is the next segment; it keys new orbits).
    pub segments: u32,
    /// Exact mode: the next point of the float64 orbit.
    pub exact_state: Option<[f64; 3]>,
    /// The counts file, relative to the sidecar's directory.
    pub counts: String,
}

/// A loaded checkpoint: its sidecar and counts.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub meta: Meta,
    pub hist: Histogram,
}

/// `out.png` -> `out.ckpt.json`.
pub fn sidecar_path(output: &Path) -> PathBuf {
    output.with_extension("ckpt.json")
}

/// `out.ckpt.json` -> `out.ckpt.a.npy`, `out.ckpt.b.npy`.
fn counts_paths(sidecar: &Path) -> [PathBuf; 2] {
    let stem = sidecar
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    ["a", "b"].map(|g| sidecar.with_file_name(format!("{stem}.{g}.npy")))
}

/// Writes a checkpoint for `job` (its target `target`) holding `hist`.
pub fn write(
    sidecar: &Path,
    job: &Job,
    exact: bool,
    target: u64,
    hist: &Histogram,
    segments: u32,
    exact_state: Option<[f64; 3]>,
) -> Result<()> {
    let current = std::fs::read(sidecar)
        .ok()
        .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
        .map(|m| m.counts);
    let [a, b] = counts_paths(sidecar);
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    let next = if current.as_deref() == Some(name(&a).as_str()) {
        b
    } else {
        a
    };
    OutputFile::prepare_for(&next, Kind::Npy, "checkpoint")?.write_npy(hist)?;
    let t = hist.tally;
    let meta = Meta {
        format: FORMAT,
        program: format!("attractors {}", env!("CARGO_PKG_VERSION")),
        preset: job.preset.name.clone(),
        equation: job.preset.equation.name().to_string(),
        params: job.preset.params.clone(),
        start: job.preset.start,
        bounds: [
            job.bounds.xmin,
            job.bounds.xmax,
            job.bounds.ymin,
            job.bounds.ymax,
        ],
        width: job.width,
        height: job.height,
        seed: job.seed,
        skip: job.skip,
        exact,
        iters: target,
        done: t.total(),
        counted: t.counted,
        outside: t.outside,
        diverged: t.diverged,
        segments,
        exact_state,
        counts: name(&next),
    };
    let json = serde_json::to_vec_pretty(&meta)?;
    let sidecar_name = sidecar.display().to_string();
    OutputFile::prepare_for(sidecar, Kind::Json, "checkpoint")?
        .write_bytes(&json)
        .with_context(|| format!("writing checkpoint {sidecar_name}"))
}

/// Loads a checkpoint (`FILE.ckpt.json`), checking that the counts match the sidecar.
pub fn load(sidecar: &Path) -> Result<Checkpoint> {
    let shown = sidecar.display();
    let bytes = std::fs::read(sidecar).with_context(|| {
        format!("--resume {shown}: cannot read it; give the .ckpt.json file a stopped run wrote")
    })?;
    let meta: Meta = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "--resume {shown}: not a checkpoint sidecar (expected the JSON a stopped run wrote)"
        )
    })?;
    if meta.format != FORMAT {
        bail!(
            "--resume {shown}: checkpoint format {} is not {FORMAT}, written by {}; rerun the render from the start",
            meta.format,
            meta.program
        );
    }
    let counts_path = sidecar
        .parent()
        .unwrap_or(Path::new("."))
        .join(&meta.counts);
    let (w, h, counts) = read_npy_counts(&counts_path)
        .with_context(|| format!("--resume {shown}: its counts file"))?;
    let sum: u64 = counts.iter().sum();
    if (w, h) != (meta.width, meta.height)
        || sum != meta.counted
        || meta.counted + meta.outside + meta.diverged != meta.done
    {
        bail!(
            "--resume {shown}: the counts in {} do not match the sidecar ({w}x{h} holding {sum}, expected {}x{} holding {}); the checkpoint is damaged",
            meta.counts,
            meta.width,
            meta.height,
            meta.counted
        );
    }
    let bounds = crate::histogram::Bounds::new(
        meta.bounds[0],
        meta.bounds[1],
        meta.bounds[2],
        meta.bounds[3],
    )
    .map_err(|e| anyhow::anyhow!("--resume {shown}: {e}"))?;
    let hist = Histogram {
        width: w,
        height: h,
        bounds,
        counts,
        tally: Tally {
            counted: meta.counted,
            outside: meta.outside,
            diverged: meta.diverged,
        },
    };
    Ok(Checkpoint { meta, hist })
}

/// Refuses a checkpoint whose job differs from `job` (as given by the flags), naming what differs.
pub fn check_matches(
    c: &Checkpoint,
    job: &Job,
    exact: bool,
    target: u64,
    sidecar: &Path,
) -> Result<()> {
    let m = &c.meta;
    let b = &job.bounds;
    let mut diffs = Vec::new();
    let mut check = |what: &str, theirs: String, ours: String| {
        if theirs != ours {
            diffs.push(format!("{what} {theirs} (this run: {ours})"));
        }
    };
    check(
        "equation",
        m.equation.clone(),
        job.preset.equation.name().to_string(),
    );
    check(
        "parameters",
        format!("{:?}", m.params),
        format!("{:?}", job.preset.params),
    );
    check(
        "start",
        format!("{:?}", m.start),
        format!("{:?}", job.preset.start),
    );
    check(
        "bounds",
        format!("{:?}", m.bounds),
        format!("{:?}", [b.xmin, b.xmax, b.ymin, b.ymax]),
    );
    check(
        "size",
        format!("{}x{}", m.width, m.height),
        format!("{}x{}", job.width, job.height),
    );
    check("seed", m.seed.to_string(), job.seed.to_string());
    check("skip", m.skip.to_string(), job.skip.to_string());
    check(
        "mode",
        if m.exact { "--exact" } else { "sampled" }.into(),
        if exact { "--exact" } else { "sampled" }.into(),
    );
    if !diffs.is_empty() {
        bail!(
            "--resume {}: the checkpoint is of another job: {}; rerun with the flags of the stopped render",
            sidecar.display(),
            diffs.join(", ")
        );
    }
    if m.done > target {
        bail!(
            "--resume {}: the checkpoint already holds {} points, more than --iters {target}; give --iters {} or more",
            sidecar.display(),
            m.done,
            m.done
        );
    }
    Ok(())
}

/// Removes a checkpoint's files (after the render they belong to finished).
pub fn remove(sidecar: &Path) {
    for p in counts_paths(sidecar) {
        let _ = std::fs::remove_file(p);
    }
    let _ = std::fs::remove_file(sidecar);
}
