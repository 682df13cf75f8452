//! The sweep's report: the table on stdout and the CSV of every run with its summary.

use super::{Cell, Report, Sample, stats};
use crate::output;
use anyhow::Result;
use std::fmt::Write as _;

/// A point count as the table shows it: exactly, in exponent form (150 is `1.5e2`, not `2e2`).
pub fn iters_label(n: u64) -> String {
    format!("{:e}", n as f64)
}

/// The table printed on stdout.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} at {}x{}", r.preset, r.size.0, r.size.1);
    let _ = writeln!(
        s,
        "{:>8} {:<9} {:>10} {:>10} {:>10} {:>10} {:>12}  agreement (rep 1, on 256x256 blocks)",
        "iters", "backend", "calc s", "render s", "png s", "total s", "points/s"
    );
    for c in &r.cells {
        let Some(total) = c.median(Sample::total) else {
            let _ = writeln!(
                s,
                "{:>8} {:<9} {}",
                iters_label(c.iters),
                c.backend.name(),
                c.note.as_deref().unwrap_or("")
            );
            continue;
        };
        let calc = c.median(|x| x.calc).unwrap_or(0.0);
        let agree = match (&c.agreement, &c.note) {
            (Some(a), Some(n)) => format!("{a} ({n})"),
            (None, Some(n)) => n.clone(),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{:>8} {:<9} {:>10.4} {:>10.4} {:>10.4} {:>10.4} {:>12.3e}  {}",
            iters_label(c.iters),
            c.backend.name(),
            calc,
            c.median(|x| x.render).unwrap_or(0.0),
            c.median(|x| x.png).unwrap_or(0.0),
            total,
            c.iters as f64 / calc.max(1e-12),
            agree
        );
    }
    s
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 15] = [
    "row",
    "iters",
    "backend",
    "rep",
    "stat",
    "calc_s",
    "render_s",
    "png_s",
    "total_s",
    "points_per_s",
    "log_corr",
    "tvd",
    "note",
    "preset",
    "transient_share",
];

/// One row per size x backend x rep, then summary rows (min, median, mean) per size x backend.
pub fn write_csv(r: &Report, out: output::OutputFile) -> Result<output::Staged> {
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record(CSV_COLUMNS)?;
        for c in &r.cells {
            write_cell_rows(&mut w, r, c)?;
        }
        w.flush()?;
    }
    out.write_bytes(&buf)
}

/// Seconds (and points per second) in the CSV: six significant decimals in exponent form.
fn sci(v: f64) -> String {
    format!("{v:.6e}")
}

/// The rows of one cell: `skipped` (no samples), or one `rep` row per sample and the summaries.
fn write_cell_rows(w: &mut csv::Writer<&mut Vec<u8>>, r: &Report, c: &Cell) -> Result<()> {
    let (lc, tvd) = c.agreement.map_or((String::new(), String::new()), |a| {
        (format!("{:.5}", a.log_corr), format!("{:.5}", a.tvd))
    });
    let note = c.note.clone().unwrap_or_default();
    let iters = c.iters.to_string();
    if c.samples.is_empty() {
        let (b, p) = (c.backend.name(), r.preset.as_str());
        let empty = "";
        w.write_record([
            "skipped", &iters, b, empty, empty, empty, empty, empty, empty, empty, empty, empty,
            &note, p, empty,
        ])?;
        return Ok(());
    }
    for (i, s) in c.samples.iter().enumerate() {
        w.write_record([
            "rep",
            &iters,
            c.backend.name(),
            &(i + 1).to_string(),
            "",
            &sci(s.calc),
            &sci(s.render),
            &sci(s.png),
            &sci(s.total()),
            &sci(c.iters as f64 / s.calc.max(1e-12)),
            &lc,
            &tvd,
            &note,
            &r.preset,
            &sci(s.transient_share),
        ])?;
    }
    let col = |g: fn(&Sample) -> f64| stats(&c.samples.iter().map(g).collect::<Vec<_>>());
    let (calc, render, png, total, transient) = (
        col(|s| s.calc),
        col(|s| s.render),
        col(|s| s.png),
        col(Sample::total),
        col(|s| s.transient_share),
    );
    for (name, pick) in [("min", 0usize), ("median", 1), ("mean", 2)] {
        let p = |t: (f64, f64, f64)| [t.0, t.1, t.2][pick];
        w.write_record([
            "summary",
            &iters,
            c.backend.name(),
            "",
            name,
            &sci(p(calc)),
            &sci(p(render)),
            &sci(p(png)),
            &sci(p(total)),
            &sci(c.iters as f64 / p(calc).max(1e-12)),
            &lc,
            &tvd,
            &note,
            &r.preset,
            &sci(p(transient)),
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::iters_label;

    #[test]
    fn a_count_is_labelled_exactly() {
        assert_eq!(iters_label(150), "1.5e2");
        assert_eq!(iters_label(250), "2.5e2");
        assert_eq!(iters_label(100), "1e2");
        assert_eq!(iters_label(1_234_567), "1.234567e6");
    }
}
