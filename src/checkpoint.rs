//! Checkpoints of long renders: the counts so far (`.npy`) plus a small JSON sidecar naming the
//! job, so `--resume` can continue a stopped render to its target.
//!
//! Files, for an output `out.png` (or `--hist out.npy`): `out.ckpt.json` and the counts in
//! `out.ckpt.a.npy` / `out.ckpt.b.npy`, used alternately. Each write goes to the counts file the
//! JSON does not name, then replaces the JSON (both atomically: temporary file + rename), so at
//! every instant the JSON names a complete counts file that matches it. A crash, Ctrl-C, a lost GPU
//! or a full disk can lose the newest checkpoint, never the last good one.

use crate::histogram::{Histogram, Tally};
use crate::job::{Job, JobKey};
use crate::npy::read_counts;
use crate::output::{Kind, OutputFile, Staged};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped when the sidecar's meaning changes.
pub const FORMAT: u32 = 2;
/// A sidecar is a few hundred bytes; anything far larger is not one.
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

/// The JSON sidecar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The sidecar's format version (refused when not this program's).
    pub format: u32,
    /// The program and version that wrote it.
    pub program: String,
    /// The preset's name.
    pub preset: String,
    /// What the counts are of (equation, parameters, start, bounds, size, seed, skip, mode).
    #[serde(flatten)]
    pub key: JobKey,
    /// The render's target (points asked for).
    pub iters: u64,
    /// Points done: counted + outside + diverged.
    pub done: u64,
    /// Points binned.
    pub counted: u64,
    /// Points outside the bounds.
    pub outside: u64,
    /// Points lost to divergence.
    pub diverged: u64,
    /// Runs that contributed (a resumed run is the next segment; it keys new orbits).
    pub segments: u32,
    /// Exact mode: the next point of the float64 orbit.
    pub exact_state: Option<[f64; 3]>,
    /// The counts file, relative to the sidecar's directory.
    pub counts: String,
    /// FNV-1a 64 of the counts (little-endian u64 words), checked on resume.
    pub counts_hash: String,
}

/// FNV-1a 64 of the counts, as 16 hex digits.
pub fn counts_hash(counts: &[u64]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in counts {
        for b in c.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// A loaded checkpoint: its sidecar and counts.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    /// The sidecar.
    pub meta: Meta,
    /// The counts, with the tally of the sidecar.
    pub hist: Histogram,
}

/// `out.png` -> `out.ckpt.json`.
pub fn sidecar_path(output: &Path) -> PathBuf {
    output.with_extension("ckpt.json")
}

/// Every file of a checkpoint: the sidecar and its two counts files.
pub fn files_of(sidecar: &Path) -> [PathBuf; 3] {
    let [a, b] = counts_paths(sidecar);
    [sidecar.to_path_buf(), a, b]
}

/// `out.ckpt.json` -> `out.ckpt.a.npy`, `out.ckpt.b.npy`.
fn counts_paths(sidecar: &Path) -> [PathBuf; 2] {
    let stem = sidecar
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    ["a", "b"].map(|g| sidecar.with_file_name(format!("{stem}.{g}.npy")))
}

/// Writes a checkpoint for `job` (its target `target`) holding `hist`; returns the files written.
pub fn write(
    sidecar: &Path,
    job: &Job,
    target: u64,
    hist: &Histogram,
    segments: u32,
    exact_state: Option<[f64; 3]>,
) -> Result<Vec<PathBuf>> {
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
    OutputFile::prepare_for(&next, Kind::Npy, "checkpoint")?
        .write_npy(hist)?
        .commit()?;
    let t = hist.tally;
    let meta = Meta {
        format: FORMAT,
        program: format!("attractors {}", env!("CARGO_PKG_VERSION")),
        preset: job.preset.name.clone(),
        key: job.job_key(),
        iters: target,
        done: t.total(),
        counted: t.counted,
        outside: t.outside,
        diverged: t.diverged,
        segments,
        exact_state,
        counts: name(&next),
        counts_hash: counts_hash(&hist.counts),
    };
    let json = serde_json::to_vec_pretty(&meta)?;
    let sidecar_name = sidecar.display().to_string();
    OutputFile::prepare_for(sidecar, Kind::Json, "checkpoint")?
        .write_bytes(&json)
        .and_then(Staged::commit)
        .with_context(|| format!("writing checkpoint {sidecar_name}"))?;
    Ok(vec![next, sidecar.to_path_buf()])
}

/// Loads a checkpoint (`FILE.ckpt.json`), checking that the counts match the sidecar.
pub fn load(sidecar: &Path) -> Result<Checkpoint> {
    let shown = sidecar.display();
    let bytes =
        crate::input::read_file(sidecar, "--resume", MAX_SIDECAR_BYTES, "checkpoint sidecar")?;
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
    let (w, h, counts) = read_counts(&counts_path).map_err(|e| {
        anyhow::anyhow!("--resume {shown}: its counts file: {e}; the checkpoint is damaged, rerun the render from the start")
    })?;
    let sum: u64 = counts.iter().sum();
    let (mw, mh) = (meta.key.width, meta.key.height);
    if (w, h) != (mw, mh) {
        bail!(
            "--resume {shown}: the counts in {} are {w}x{h}, the sidecar says {mw}x{mh}; the checkpoint is damaged, rerun from the start",
            meta.counts
        );
    }
    if meta.counted + meta.outside + meta.diverged != meta.done {
        bail!(
            "--resume {shown}: its tally does not add up (counted {} + outside {} + diverged {} != done {}); the checkpoint is damaged, rerun from the start",
            meta.counted,
            meta.outside,
            meta.diverged,
            meta.done
        );
    }
    if sum != meta.counted {
        bail!(
            "--resume {shown}: the counts in {} hold {sum} points, but the sidecar counted {}; the checkpoint is damaged or mixed with another render's, rerun from the start",
            meta.counts,
            meta.counted
        );
    }
    let hash = counts_hash(&counts);
    if hash != meta.counts_hash {
        bail!(
            "--resume {shown}: the counts in {} hold the right number of points ({sum}) but not the ones this sidecar wrote (content hash {hash}, expected {}); the checkpoint is damaged or mixed with another render's, rerun from the start",
            meta.counts,
            meta.counts_hash
        );
    }
    let mb = meta.key.bounds;
    let bounds = crate::histogram::Bounds::new(mb[0], mb[1], mb[2], mb[3])
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
pub fn check_matches(c: &Checkpoint, job: &Job, target: u64, sidecar: &Path) -> Result<()> {
    let m = &c.meta;
    let diffs = m.key.differences(&job.job_key());
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
