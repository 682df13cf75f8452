//! Throughput of the CPU sampled engine alone (no pilot, shading or PNG), Clifford, for the
//! guide's performance table: wall rate, rate per CPU-second (robust on a shared machine), the
//! transient share, the peak resident memory, the page faults (run and read-out), and the share of
//! the wall time that is the read-out of the counts (a fixed cost of the canvas size).
//! `cargo run --release --example cpu_rate -- SIZE [POINTS]` (SIZE 1024 = 1024x1024; POINTS 3e8).
//! `ATTRACTORS_CPU_KERNEL=portable|avx2` forces a narrower kernel for comparisons.

use attractors::Presets;
use attractors::cpu::SampledEngine;
use attractors::engine::{Control, Engine, drive};
use attractors::job::Job;
use std::time::Instant;

/// Fields of /proc/self/stat after the command name, NaN where not a number (Linux only).
fn stat_fields() -> Option<Vec<f64>> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    Some(
        rest.split_whitespace()
            .map(|f| f.parse().unwrap_or(f64::NAN))
            .collect(),
    )
}

/// Seconds of CPU time used by this process so far (utime + stime).
fn cpu_seconds() -> Option<f64> {
    let f = stat_fields()?;
    Some((f.get(11)? + f.get(12)?) / 100.0)
}

/// Page faults this process has taken so far that needed no disk (minflt): on a fresh anonymous
/// page, the kernel providing a zeroed page.
fn page_faults() -> Option<f64> {
    stat_fields()?.get(7).copied()
}

/// Peak resident memory in MiB (VmHWM, Linux only).
fn peak_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let size: u32 = args
        .next()
        .map_or(1024, |v| v.parse().expect("SIZE: a number of pixels"));
    let points = args.next().map_or(300_000_000, |v| {
        attractors::cli::parse_count(&v).expect("POINTS: a count")
    });
    let preset = Presets::builtin().get("Clifford").unwrap().clone();
    let job = Job::builder(preset)
        .size(size, size)
        .points(points)
        .build()
        .unwrap();
    let mut engine = SampledEngine::new(&job);
    let (c0, f0, t0) = (cpu_seconds(), page_faults(), Instant::now());
    let done = drive(&mut engine, job.iters, &Control::new(), None).unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(c0).map(|(a, b)| a - b);
    let faults = page_faults().zip(f0).map(|(a, b)| a - b);
    let transient = engine.transient_steps();
    assert_eq!(done.hist.tally.total(), job.iters);
    // The read-out (canvas to a fresh u64 histogram) is a fixed cost of the canvas size, paid
    // once per run: timed again here, on its own, to split the wall time.
    let peak = peak_mib();
    drop(done);
    let (f1, t1) = (page_faults(), Instant::now());
    let again = engine.histogram().unwrap();
    let readout = t1.elapsed().as_secs_f64();
    let readout_faults = page_faults().zip(f1).map(|(a, b)| a - b);
    assert_eq!(again.tally.total(), job.iters);
    println!(
        "{size}x{size} {:e} points, {}: wall {wall:.2} s = {:.1} M points/s (read-out {readout:.3} s; {:.1} M points/s without it); cpu {} s = {} M points/cpu-s; transient {:.2}% of evaluations; peak {} MiB; page faults {} (read-out {})",
        points as f64,
        engine.describe(),
        points as f64 / wall / 1e6,
        points as f64 / (wall - readout) / 1e6,
        cpu.map_or("?".into(), |c| format!("{c:.2}")),
        cpu.map_or("?".into(), |c| format!("{:.1}", points as f64 / c / 1e6)),
        100.0 * transient as f64 / (transient + points) as f64,
        peak.map_or("?".into(), |m| format!("{m:.0}")),
        faults.map_or("?".into(), |f| format!("{f:.0}")),
        readout_faults.map_or("?".into(), |f| format!("{f:.0}")),
    );
}
