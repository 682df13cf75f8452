//! Plots of a bench [`Report`] with `plotters`: runtime vs iterations on linear and log axes per
//! backend (as the original study's figures), the calc/render split, and the GPU speedup over the
//! CPU. Optionally the seed notebook's published timings as dashed reference lines.

use super::{Backend as BenchBackend, Cell, Report, Sample};
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::coord::combinators::LogCoord;
use plotters::prelude::*;

mod speedup;
use speedup::draw_speedup;

/// The seed notebook's published totals (seconds, mean of 3; iterations 1e2..1e9; Clifford; the
/// author's machine, other hardware), as published with that notebook and program.
pub const SEED_FIGURES: [(&str, [f64; 8]); 4] = [
    (
        "seed: numba @jit",
        [
            0.4933, 0.5543, 0.5737, 0.5923, 0.7379, 1.3825, 8.3346, 406.154,
        ],
    ),
    (
        "seed: class-based Qt",
        [
            0.0448, 0.0577, 0.1156, 0.6671, 6.2902, 61.2784, 605.0613, 6188.4471,
        ],
    ),
    (
        "seed: @staticmethod + @jit",
        [
            0.0156, 0.0313, 0.0489, 0.2356, 1.9807, 19.4169, 193.2154, 2083.1466,
        ],
    ),
    (
        "seed: C++/OpenGL",
        [
            0.0093, 0.0147, 0.0706, 0.1776, 0.2213, 0.4147, 2.5003, 121.8462,
        ],
    ),
];
const SEED_ITERS: [f64; 8] = [1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

fn color(b: BenchBackend) -> RGBColor {
    match b {
        BenchBackend::Gpu | BenchBackend::Auto => RGBColor(220, 50, 32),
        BenchBackend::Cpu => RGBColor(0, 90, 181),
        BenchBackend::CpuExact => RGBColor(26, 133, 40),
    }
}
const SEED_COLORS: [RGBColor; 4] = [
    RGBColor(150, 150, 150),
    RGBColor(200, 120, 0),
    RGBColor(140, 60, 160),
    RGBColor(60, 60, 60),
];

/// (iterations, median) of one metric for one backend, measured cells only.
fn series(r: &Report, b: BenchBackend, f: impl Fn(&Sample) -> f64 + Copy) -> Vec<(f64, f64)> {
    r.cells
        .iter()
        .filter(|c| c.backend == b)
        .filter_map(|c: &Cell| c.median(f).map(|t| (c.iters as f64, t.max(1e-7))))
        .collect()
}

fn backends(r: &Report) -> Vec<BenchBackend> {
    let mut v: Vec<BenchBackend> = Vec::new();
    for c in &r.cells {
        if !v.contains(&c.backend) && !c.samples.is_empty() {
            v.push(c.backend);
        }
    }
    v
}

type DrawResult = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

type LogLog<'a, DB> = ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;

/// A log-log panel over `x` and `y` (each widened by 2x on both sides) with its mesh drawn.
fn log_chart<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: (f64, f64),
    y: (f64, f64),
    y_desc: &str,
    y_label: fn(&f64) -> String,
) -> Result<LogLog<'a, DB>, String> {
    let mut ch = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (x.0 / 2.0..x.1 * 2.0).log_scale(),
            (y.0 / 2.0..y.1 * 2.0).log_scale(),
        )
        .map_err(err)?;
    ch.configure_mesh()
        .x_desc("iterations")
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .y_label_formatter(&y_label)
        .draw()
        .map_err(err)?;
    Ok(ch)
}

/// The legend box, top left.
fn draw_legend<
    'a,
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
>(
    ch: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> DrawResult {
    ch.configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)
}

/// (low, high) of positive times for a log axis: at least a decade, never below 1e-7 s.
fn time_span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let hi = v.iter().copied().fold(1e-6, f64::max);
    let lo = v
        .iter()
        .copied()
        .fold(f64::MAX, f64::min)
        .min(hi / 10.0)
        .max(1e-7);
    (lo, hi)
}

/// The total-time lines of every backend (solid, with points) and of the seed figures (dashed).
fn draw_totals<'a, DB, X, Y>(
    ch: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    r: &Report,
    bs: &[BenchBackend],
    seed_lines: &[(&str, Vec<(f64, f64)>)],
) -> DrawResult
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for &b in bs {
        let s = series(r, b, Sample::total);
        ch.draw_series(LineSeries::new(s.clone(), color(b).stroke_width(2)))
            .map_err(err)?
            .label(b.name())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color(b).stroke_width(2))
            });
        ch.draw_series(s.iter().map(|p| Circle::new(*p, 3, color(b).filled())))
            .map_err(err)?;
    }
    for (i, (name, l)) in seed_lines.iter().enumerate() {
        let c = SEED_COLORS[i];
        ch.draw_series(DashedLineSeries::new(l.clone(), 6, 4, c.stroke_width(1)))
            .map_err(err)?
            .label(format!("{name} (other hardware)"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(1)));
    }
    draw_legend(ch)
}

/// The ranges every panel shares: iterations on x, total seconds on y (measured and seed lines).
struct Axes {
    x: (f64, f64),
    t: (f64, f64),
    seed_lines: Vec<(&'static str, Vec<(f64, f64)>)>,
}

impl Axes {
    fn of(r: &Report, bs: &[BenchBackend], seed: bool) -> Axes {
        let xs: Vec<f64> = r.cells.iter().map(|c| c.iters as f64).collect();
        let (xmin, mut xmax) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(0.0, f64::max),
        );
        if xmin >= xmax {
            xmax = xmin * 10.0;
        }
        let seed_lines = if seed {
            seed_lines_within(xmin, xmax)
        } else {
            Vec::new()
        };
        let totals = bs
            .iter()
            .flat_map(|&b| series(r, b, Sample::total))
            .map(|p| p.1)
            .chain(seed_lines.iter().flat_map(|(_, l)| l.iter().map(|p| p.1)));
        Axes {
            x: (xmin, xmax),
            t: time_span(totals),
            seed_lines,
        }
    }
}

/// The seed figures' points whose iterations lie in `xmin..=xmax`.
fn seed_lines_within(xmin: f64, xmax: f64) -> Vec<(&'static str, Vec<(f64, f64)>)> {
    SEED_FIGURES
        .iter()
        .map(|(name, t)| {
            (
                *name,
                SEED_ITERS
                    .iter()
                    .zip(t)
                    .filter(|(x, _)| **x >= xmin && **x <= xmax)
                    .map(|(x, t)| (*x, *t))
                    .collect(),
            )
        })
        .collect()
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, r: &Report, seed: bool) -> DrawResult {
    root.fill(&WHITE).map_err(err)?;
    let title = format!(
        "attractors bench: {} at {}x{}",
        r.preset, r.size.0, r.size.1
    );
    let root = root.titled(&title, ("sans-serif", 28)).map_err(err)?;
    let panels = root.split_evenly((2, 2));
    let bs = backends(r);
    let axes = Axes::of(r, &bs, seed);
    draw_linear_totals(&panels[0], r, &bs, &axes)?;
    draw_log_totals(&panels[1], r, &bs, &axes)?;
    draw_calc_render(&panels[2], r, &bs, axes.x)?;
    draw_speedup(&panels[3], r, axes.x)?;
    root.present().map_err(err)
}

/// Panel 1: total time on linear axes, as the original study's first figure.
fn draw_linear_totals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &Report,
    bs: &[BenchBackend],
    axes: &Axes,
) -> DrawResult {
    let mut ch = ChartBuilder::on(area)
        .caption("total time vs iterations (linear)", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..axes.x.1 * 1.02, 0.0..axes.t.1 * 1.05)
        .map_err(err)?;
    ch.configure_mesh()
        .x_desc("iterations")
        .y_desc("seconds")
        .x_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(err)?;
    draw_totals(&mut ch, r, bs, &axes.seed_lines)
}

/// Panel 2: total time on log-log axes.
fn draw_log_totals<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &Report,
    bs: &[BenchBackend],
    axes: &Axes,
) -> DrawResult {
    let mut ch = log_chart(
        area,
        "total time vs iterations (log)",
        axes.x,
        axes.t,
        "seconds",
        |v| format!("{v:.0e}"),
    )?;
    draw_totals(&mut ch, r, bs, &axes.seed_lines)
}

/// Panel 3: calc time (solid) vs render + PNG time (dashed) per backend.
fn draw_calc_render<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &Report,
    bs: &[BenchBackend],
    x: (f64, f64),
) -> DrawResult {
    let (lo, hi) = time_span(bs.iter().flat_map(|&b| {
        series(r, b, |s| s.calc)
            .into_iter()
            .chain(series(r, b, |s| s.render + s.png))
            .map(|p| p.1)
    }));
    let mut ch = log_chart(
        area,
        "calc (solid) vs render + png (dashed)",
        x,
        (lo, hi),
        "seconds",
        |v| format!("{v:.0e}"),
    )?;
    for &b in bs {
        ch.draw_series(LineSeries::new(
            series(r, b, |s| s.calc),
            color(b).stroke_width(2),
        ))
        .map_err(err)?
        .label(format!("{} calc", b.name()))
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 20, y)], color(b).stroke_width(2))
        });
        ch.draw_series(DashedLineSeries::new(
            series(r, b, |s| s.render + s.png),
            6,
            4,
            color(b).stroke_width(2),
        ))
        .map_err(err)?
        .label(format!("{} render+png", b.name()))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 8, y)], color(b).stroke_width(2)));
    }
    draw_legend(&mut ch)
}

fn register_font() {
    // ab_glyph needs a font; DejaVu Sans is compiled in so plots work without system fonts.
    let _ =
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
}

/// The plots as an RGB8 bitmap (width x height).
pub fn render_rgb(r: &Report, seed: bool, (w, h): (u32, u32)) -> Result<Vec<u8>> {
    register_font();
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, r, seed).map_err(|e| anyhow!("drawing the plot: {e}"))?;
    }
    Ok(buf)
}

/// The plots as SVG text.
pub fn render_svg(r: &Report, seed: bool, (w, h): (u32, u32)) -> Result<String> {
    register_font();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
        draw(&root, r, seed).map_err(|e| anyhow!("drawing the plot: {e}"))?;
    }
    Ok(s)
}
