//! `attractors bench`: the scaling sweep (see [`crate::bench`]) with its table, CSV and plots.

use crate::attractor::Presets;
use crate::bench::{self, BenchPlan};
use crate::cli::BenchArgs;
use crate::job::Job;
use crate::output::{Batch, Kind, OutputFile, Roles};
use crate::shade::{Color, Palette, Shade, Style};
use anyhow::{Result, anyhow, bail};

/// Runs the sweep: checks the flags and outputs, measures, prints the table (or JSON), then
/// writes the CSV and the plots together.
pub fn run(b: &BenchArgs) -> Result<()> {
    check_flags(b)?;
    check_roles(b)?;
    let presets = Presets::load(b.config.as_deref())?;
    let preset = presets
        .get(b.name.as_deref().unwrap_or("Clifford"))?
        .clone();
    let palette = Palette::from_name(preset.palette.as_deref().unwrap_or("fire"))
        .map_err(|e| anyhow!("{e}"))?;
    // Outputs are checked (and their temporary files made) before the sweep starts.
    let outputs = Outputs::prepare(b)?;
    let plan = plan_of(b, bench_job(b, preset)?, palette);
    let report = bench::run(&plan)?;
    if b.json {
        super::json::print(&summary_json(&report))?;
    } else {
        crate::output::stdout::write(format!("{}{}", report.header, bench::table(&report)))?;
    }
    let written = outputs.write(&report, b.with_seed_figures)?;
    if !b.quiet && !written.is_empty() {
        eprintln!("wrote {}", written.join(", "));
    }
    Ok(())
}

/// Refuses flags that contradict each other or a time limit that is not a positive number.
fn check_flags(b: &BenchArgs) -> Result<()> {
    if !b.max_seconds.is_finite() || b.max_seconds <= 0.0 {
        bail!(
            "--max-seconds {}: expected a finite positive number of seconds; give --no-skip to never skip a size",
            b.max_seconds
        );
    }
    if b.with_seed_figures && b.plot.is_none() {
        bail!(
            "--with-seed-figures draws the seed's timings on the --plot figure; add --plot FILE.png, or drop --with-seed-figures"
        );
    }
    if let Some(a) = &b.adapter
        && !b.backends.0.contains(&crate::Backend::Gpu)
    {
        bail!(
            "--adapter {a}: picks a GPU, but --backends {} has no gpu; drop --adapter, or add gpu to --backends",
            b.backends
                .0
                .iter()
                .map(|b| b.name())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    Ok(())
}

/// Checks that no file is both read and written, or written twice (the plot's SVG included).
fn check_roles(b: &BenchArgs) -> Result<()> {
    // A --plot that is not a .png is named as such before its SVG's name is derived from it.
    if let Some(p) = &b.plot {
        OutputFile::check_for(p, Kind::Png, "--plot")?;
    }
    let svg = b.plot.as_deref().map(|p| p.with_extension("svg"));
    Roles::new()
        .input("--config", b.config.as_deref())
        .output("--csv", b.csv.as_deref())
        .output("--plot", b.plot.as_deref())
        .derived(
            "the SVG beside --plot",
            svg.as_deref(),
            "give --plot another name",
        )
        .check()?;
    Ok(())
}

/// The job every cell of the sweep renders (one point: each cell sets its own iterations).
fn bench_job(b: &BenchArgs, preset: crate::Preset) -> Result<Job> {
    let (width, height) = b.size;
    // The sampled backends skip at most PILOT_MAX_SKIP (see Job); only cpu-exact honours more.
    let exact_only = b.backends.0.iter().all(|&x| x == crate::Backend::CpuExact);
    if !exact_only && b.skip > crate::pilot::PILOT_MAX_SKIP {
        bail!(
            "--skip {}: the sampled backends (gpu, cpu) skip at most {} transient points; give --backends cpu-exact for a longer transient, or a smaller --skip",
            b.skip,
            crate::pilot::PILOT_MAX_SKIP
        );
    }
    // Bench runs keep the pilot's bounds as they are (fill), as the published study did.
    Ok(Job::builder(preset)
        .size(width, height)
        .points(1)
        .skip(b.skip)
        .exact(exact_only)
        .aspect(crate::job::Aspect::Fill)
        .build()?)
}

/// The sweep's plan: the flags' sizes, repetitions and backends, shaded by equalised histogram.
fn plan_of(b: &BenchArgs, job: Job, palette: Palette) -> BenchPlan {
    BenchPlan {
        job,
        style: Style {
            shade: Shade::EqHist,
            palette,
            background: Color([0, 0, 0, 255]),
            span: None,
        },
        iters: b.iters.0.clone(),
        reps: b.reps,
        backends: b.backends.0.clone(),
        max_seconds: b.max_seconds,
        no_skip: b.no_skip,
        adapter: b.adapter.clone(),
        quiet: b.quiet,
    }
}

/// The files the sweep writes, prepared (temporary files made) before it starts.
struct Outputs {
    csv: Option<OutputFile>,
    plot: Option<(OutputFile, OutputFile)>,
}

impl Outputs {
    fn prepare(b: &BenchArgs) -> Result<Outputs> {
        let csv = b
            .csv
            .as_deref()
            .map(|p| OutputFile::prepare(p, Kind::Csv))
            .transpose()?;
        let png = b
            .plot
            .as_deref()
            .map(|p| OutputFile::prepare_for(p, Kind::Png, "--plot"))
            .transpose()?;
        let svg = b
            .plot
            .as_deref()
            .map(|p| OutputFile::prepare_for(&p.with_extension("svg"), Kind::Svg, "--plot"))
            .transpose()?;
        Ok(Outputs {
            csv,
            plot: png.zip(svg),
        })
    }

    /// Writes every file before any is put in place: a failure leaves the old ones as they were.
    /// Returns the paths written.
    fn write(self, report: &bench::Report, seed_figures: bool) -> Result<Vec<String>> {
        let mut batch = Batch::new();
        if let Some(out) = self.csv {
            batch.push(bench::write_csv(report, out)?);
        }
        if let Some((png, svg)) = self.plot {
            const PLOT_SIZE: (u32, u32) = (1600, 1200);
            let rgb = bench::plot::render_rgb(report, seed_figures, PLOT_SIZE)?;
            let rgba: Vec<u8> = rgb
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let text =
                crate::output::PngText::plain("attractors bench: calculation and rendering times");
            batch.push(png.write_png(&rgba, PLOT_SIZE.0, PLOT_SIZE.1, &text)?);
            batch.push(svg.write_bytes(
                bench::plot::render_svg(report, seed_figures, PLOT_SIZE)?.as_bytes(),
            )?);
        }
        batch.commit()
    }
}

/// `bench --json`: the preset, the size and per size and backend the min/median/mean seconds of
/// calculation, rendering, PNG and their total (null for a skipped size, with its note).
fn summary_json(r: &bench::Report) -> serde_json::Value {
    let cells: Vec<serde_json::Value> = r
        .cells
        .iter()
        .map(|c| {
            let part = |f: fn(&bench::Sample) -> f64| {
                let v: Vec<f64> = c.samples.iter().map(f).collect();
                if v.is_empty() {
                    return serde_json::Value::Null;
                }
                let (min, median, mean) = bench::stats(&v);
                serde_json::json!({ "min": min, "median": median, "mean": mean })
            };
            serde_json::json!({
                "iters": c.iters,
                "backend": c.backend.name(),
                "reps": c.samples.len(),
                "calc": part(|s| s.calc),
                "render": part(|s| s.render),
                "png": part(|s| s.png),
                "total": part(|s| s.total()),
                "transient_share": part(|s| s.transient_share),
                "note": c.note,
            })
        })
        .collect();
    serde_json::json!({
        "preset": r.preset,
        "size": [r.size.0, r.size.1],
        "cells": cells,
    })
}
