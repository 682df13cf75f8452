//! Up-front memory check: a render's host memory is the histogram in a few copies plus small
//! buffers (no per-point storage at any iteration count), so it can be estimated from the canvas
//! size alone and refused before any work when the machine cannot hold it.

use crate::backend::Backend;
use crate::job::Job;
use anyhow::{Result, bail};

/// Estimated peak host memory of a render, in bytes.
pub fn estimate(job: &Job, backend: &Backend) -> u64 {
    let bins = job.width as u64 * job.height as u64;
    // Shading and output: RGBA pixels, the RGB copy the PNG encoder gets, eq_hist's sorted counts.
    let shade = bins * (4 + 3 + 8);
    // u64 histograms held at once: the result, a resumed render's earlier counts, a checkpoint
    // copy, and eq_hist's sorted copy of the counts. (Measured at 8192x8192 on 2 threads: 4.85 GB
    // peak; this estimate gives 4.8 GB.)
    let held = 4;
    let renderer = match backend {
        // one private histogram per thread, plus one chunk being merged
        Backend::CpuSampled => rayon::current_num_threads() as u64 + 1,
        Backend::CpuExact => 0,
        // totals read back (bytes and histogram) and the shade pass's 64-bit upload
        Backend::Gpu { .. } => 3,
    };
    bins * 8 * (held + renderer) + shade
}

/// MemAvailable from /proc/meminfo, in bytes (None where it cannot be read).
pub fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses a render that needs more memory than is available, naming both numbers.
pub fn check(job: &Job, backend: &Backend) -> Result<()> {
    let need = estimate(job, backend);
    if let Some(avail) = available()
        && need > avail
    {
        bail!(
            "--size {}x{} needs about {} MiB of memory with {} (histograms of 8 bytes per pixel), but only {} MiB are available; use a smaller --size",
            job.width,
            job.height,
            need >> 20,
            backend.describe(),
            avail >> 20
        );
    }
    Ok(())
}
