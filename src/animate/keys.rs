//! A keyframe file (`--keys`): the `.atr` columns plus `time` (seconds, increasing) and an
//! optional `interp`, read into a [`Timeline`]: the `.atr` part by the `.atr` reader itself (its
//! errors, a formula's caret included, are its own), the rest here, each error naming the file,
//! the line and the column.

use super::timeline::{Interp, Key, Timeline};
use crate::attractor::{Preset, atr};
use crate::histogram::show_f64;
use anyhow::{anyhow, bail};

impl Timeline {
    /// The keyframes of a `--keys` file: the `.atr` columns plus `time` (seconds, increasing) and
    /// an optional `interp` (`linear` or `smooth`, for the segment that starts at the row). An
    /// error in the `.atr` columns is the `.atr` reader's own (a formula's shows its caret).
    pub fn keys(bytes: &[u8], file: &str) -> anyhow::Result<Timeline> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| anyhow!("{file}: not UTF-8 text; expected a CSV keyframe file"))?;
        let rows = KeyRows::split(text, file)?;
        let presets = atr::parse_keyframes(rows.atr_text.as_bytes(), file)?;
        if presets.len() < 2 {
            bail!(
                "{file}: {} keyframe(s); expected at least two rows",
                presets.len()
            );
        }
        one_map(&presets, file)?;
        // The segment after the last keyframe does not exist: an interp there would do nothing.
        if let Some((line, ..)) = rows.times.last().filter(|_| rows.last_interp) {
            bail!(
                "{file}:{line}: column interp: the last keyframe starts no segment; leave its interp empty (a segment's interp is on the row that starts it)"
            );
        }
        let look = one_look(&presets, file).map_err(|e| anyhow!(e))?;
        let keys = presets
            .into_iter()
            .map(|p| Preset {
                palette: look.palette.clone(),
                shade: look.shade,
                background: look.background,
                bounds: look.bounds,
                ..p
            })
            .zip(rows.times)
            .map(|(preset, (_, time, interp))| Key {
                time,
                preset,
                interp,
            })
            .collect();
        Ok(Timeline::Keys(keys))
    }
}

/// The look of keyframes (palette, shade, background, bounds): one for the whole animation, set
/// on any rows, equal where more than one sets it. `Err` names the row that differs.
fn one_look(presets: &[Preset], file: &str) -> Result<Preset, String> {
    let mut look = presets[0].clone();
    for p in &presets[1..] {
        let differs = |column: &str, this: String, first: String| {
            format!(
                "{file}:{}: column {column}: '{this}' differs from '{first}' on an earlier row; an animation has one look: set it on one row, or the same on every row",
                p.line
            )
        };
        macro_rules! merge {
            ($field:ident, $column:expr, $show:expr) => {
                match (&look.$field, &p.$field) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(differs($column, $show(b), $show(a)));
                    }
                    (None, Some(b)) => look.$field = Some(b.clone()),
                    _ => {}
                }
            };
        }
        merge!(palette, "palette", |v: &String| v.clone());
        merge!(shade, "shade", |v: &crate::shade::Shade| v.to_string());
        merge!(background, "background", |v: &crate::shade::Color| {
            crate::attractor::look::color_text(*v)
        });
        merge!(bounds, "bounds", |v: &crate::histogram::Bounds| v
            .to_string());
    }
    Ok(look)
}

/// A keyframe file split into its `.atr` part and each row's time and interp.
struct KeyRows {
    /// The file less the time and interp columns, line for line (so `.atr` errors name the
    /// file's own lines).
    atr_text: String,
    /// Each keyframe's line, time and interp.
    times: Vec<(usize, f64, Interp)>,
    /// Whether the last row sets interp.
    last_interp: bool,
}

impl KeyRows {
    fn split(text: &str, file: &str) -> anyhow::Result<KeyRows> {
        let mut rows = KeyRows {
            atr_text: String::new(),
            times: Vec::new(),
            last_interp: false,
        };
        let mut header: Option<(usize, Option<usize>)> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                rows.atr_text.push('\n');
                continue;
            }
            let record =
                split_line(raw).map_err(|e| anyhow!("{file}:{line}: malformed CSV ({e})"))?;
            let fields: Vec<&str> = record.iter().collect();
            let (time_col, interp_col) = match header {
                Some(h) => h,
                None => {
                    let h = key_columns(&fields, file, line)?;
                    header = Some(h);
                    rows.atr_text.push_str(&keep(&fields, h.0, h.1));
                    rows.atr_text.push('\n');
                    continue;
                }
            };
            let (time, interp) = key_cells(&fields, time_col, interp_col, file, line)?;
            if let Some((prev_line, prev, _)) = rows.times.last()
                && time <= *prev
            {
                bail!(
                    "{file}:{line}: column time: {} is not after {} (line {prev_line}); keyframes go forward in time",
                    show_f64(time),
                    show_f64(*prev)
                );
            }
            rows.last_interp = interp_col
                .and_then(|c| fields.get(c))
                .is_some_and(|v| !v.is_empty());
            rows.times.push((line, time, interp));
            rows.atr_text.push_str(&keep(&fields, time_col, interp_col));
            rows.atr_text.push('\n');
        }
        Ok(rows)
    }
}

/// One CSV line's trimmed fields.
fn split_line(raw: &str) -> Result<csv::StringRecord, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(raw.as_bytes());
    Ok(reader.records().next().transpose()?.unwrap_or_default())
}

/// The header's time and interp columns.
fn key_columns(fields: &[&str], file: &str, line: usize) -> anyhow::Result<(usize, Option<usize>)> {
    let find = |n: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(n));
    let time = find("time").ok_or_else(|| {
        anyhow!(
            "{file}:{line}: no 'time' column; expected the .atr header ({}) plus time[,interp]",
            atr::COLUMNS.join(",")
        )
    })?;
    Ok((time, find("interp")))
}

/// A row's time and interp cells.
fn key_cells(
    fields: &[&str],
    time_col: usize,
    interp_col: Option<usize>,
    file: &str,
    line: usize,
) -> anyhow::Result<(f64, Interp)> {
    let time: f64 = fields
        .get(time_col)
        .and_then(|t| t.parse().ok())
        .filter(|t: &f64| t.is_finite() && *t >= 0.0)
        .ok_or_else(|| anyhow!("{file}:{line}: column time: expected seconds >= 0, e.g. 2.5"))?;
    let interp = match interp_col.and_then(|c| fields.get(c)).copied() {
        None | Some("") | Some("linear") => Interp::Linear,
        Some("smooth") => Interp::Smooth,
        Some(other) => bail!(
            "{file}:{line}: column interp: '{}'; expected linear or smooth",
            crate::message::printable(other)
        ),
    };
    Ok((time, interp))
}

/// Refuses keyframes of more than one map: the same equation, or the same formula however it
/// is spaced, in the Equation column of every row.
fn one_map(presets: &[Preset], file: &str) -> anyhow::Result<()> {
    let map_of = |p: &Preset| match &p.formula {
        Some(m) => format!("formula '{}'", m.canonical_text()),
        None => format!("equation '{}'", p.equation.name()),
    };
    let first = map_of(&presets[0]);
    if let Some(p) = presets.iter().find(|p| map_of(p) != first) {
        bail!(
            "{file}:{}: column Equation: {} differs from the first keyframe's {first}; keyframes animate one map",
            p.line,
            map_of(p)
        );
    }
    Ok(())
}

/// The row without the time and interp columns, CSV-quoted as needed.
fn keep(fields: &[&str], time: usize, interp: Option<usize>) -> String {
    fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != time && Some(*i) != interp)
        .map(|(_, f)| {
            if f.contains([',', '"']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
