//! Panel 4 of the bench figure: the GPU's speedup over each CPU backend.

use super::{BenchBackend, DrawResult, Report, Sample, color, draw_legend, err, log_chart, series};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The GPU's speedup (CPU total time / GPU total time) over each CPU backend, at the iteration
/// counts both measured.
fn speedup_lines(r: &Report, gpu: &[(f64, f64)]) -> Vec<(BenchBackend, Vec<(f64, f64)>)> {
    let mut lines = Vec::new();
    for b in [BenchBackend::Cpu, BenchBackend::CpuExact] {
        let cpu = series(r, b, Sample::total);
        let ratio: Vec<(f64, f64)> = gpu
            .iter()
            .filter_map(|(x, g)| cpu.iter().find(|(cx, _)| cx == x).map(|(_, c)| (*x, c / g)))
            .collect();
        if !ratio.is_empty() {
            lines.push((b, ratio));
        }
    }
    lines
}

/// Panel 4: the GPU speedup over each CPU backend (total time), or a note without GPU timings.
pub(super) fn draw_speedup<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &Report,
    (xmin, xmax): (f64, f64),
) -> DrawResult {
    let gpu = series(r, BenchBackend::Gpu, Sample::total);
    let lines = speedup_lines(r, &gpu);
    let vals: Vec<f64> = lines
        .iter()
        .flat_map(|(_, l)| l.iter().map(|p| p.1))
        .collect();
    let hi = vals.iter().copied().fold(2.0, f64::max);
    let lo = vals.iter().copied().fold(0.5, f64::min);
    let mut ch = log_chart(
        area,
        "GPU speedup (CPU time / GPU time)",
        (xmin, xmax),
        (lo, hi),
        "speedup",
        |v| format!("{v:.2}"),
    )?;
    ch.draw_series(DashedLineSeries::new(
        vec![(xmin / 2.0, 1.0), (xmax * 2.0, 1.0)],
        4,
        4,
        BLACK.stroke_width(1),
    ))
    .map_err(err)?;
    for (b, l) in lines {
        ch.draw_series(LineSeries::new(l.clone(), color(b).stroke_width(2)))
            .map_err(err)?
            .label(format!("vs {}", b.name()))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color(b).stroke_width(2))
            });
        ch.draw_series(l.iter().map(|p| Circle::new(*p, 3, color(b).filled())))
            .map_err(err)?;
    }
    if gpu.is_empty() {
        area.draw_text(
            "no GPU timings in this run",
            &("sans-serif", 18).into_text_style(area),
            (120, 200),
        )
        .map_err(err)
    } else {
        draw_legend(&mut ch)
    }
}
