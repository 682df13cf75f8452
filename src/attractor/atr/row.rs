//! One row of an `.atr` file: the preset's name, its built-in equation or formula, the start
//! point and the parameters a..g, each checked with an error naming the column.

use super::super::look::{self, Layout};
use super::super::preset::{check_params, lookup_equation};
use super::super::user::UserMap;
use super::super::{Equation, Preset};
use std::sync::Arc;

/// The required columns, in order.
pub const COLUMNS: [&str; 12] = [
    "Attractor",
    "Equation",
    "x",
    "y",
    "z",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
];
pub(super) type RowError = (Option<&'static str>, String);

/// The "column" of a formula error, which is rendered with file, line, column and caret.
pub(super) const FORMULA_ERROR: &str = "formula";

pub(super) fn parse_row(
    record: &csv::StringRecord,
    line: usize,
    layout: &Layout,
) -> Result<Preset, RowError> {
    let name = record[0].to_string();
    if name.is_empty() {
        return Err((
            Some("Attractor"),
            "found an empty name, expected the preset's name".into(),
        ));
    }
    let number = |i: usize, required: bool| -> Result<Option<f64>, RowError> {
        parse_number(&record[i], required).map_err(|m| (Some(COLUMNS[i]), m))
    };
    // A formula (it has an `=`, which no equation name has) or a built-in equation's name.
    let (equation, formula) = if record[1].contains('=') {
        let map = UserMap::parse(&record[1]).map_err(|e| (Some(FORMULA_ERROR), e.to_string()))?;
        (Equation::Clifford, Some(Arc::new(map)))
    } else {
        let eq = lookup_equation(&record[1]).map_err(|m| {
            (
                Some("Equation"),
                format!("{m} (attractors list --equations shows all)"),
            )
        })?;
        (eq, None)
    };
    let x = number(2, true)?.unwrap_or(0.0);
    let y = number(3, true)?.unwrap_or(0.0);
    let z = number(4, false)?.unwrap_or(0.0);
    let params = match &formula {
        Some(m) => formula_params(m, |i| &record[5 + i])?,
        None => parse_params(equation, |i| &record[5 + i])?,
    };
    let mut preset = Preset {
        formula,
        name,
        equation,
        start: [x, y, z],
        params,
        palette: None,
        shade: None,
        background: None,
        bounds: None,
        line,
    };
    let cells: Vec<&str> = record.iter().skip(COLUMNS.len()).collect();
    look::read_cells(&mut preset, layout, &cells).map_err(|(col, m)| (Some(col), m))?;
    preset
        .check_start()
        .map_err(|m| (Some("z"), format!("{m}; leave z blank or 0")))?;
    Ok(preset)
}

/// Reads a formula's parameters a..g: those it uses must be numbers, the others blank; the result
/// has seven values (unused ones zero).
fn formula_params<'a>(
    map: &UserMap,
    field: impl Fn(usize) -> &'a str,
) -> Result<Vec<f64>, RowError> {
    let used = map.params_used();
    let mut params = vec![0.0; 7];
    for (i, value) in params.iter_mut().enumerate() {
        let col = COLUMNS[5 + i];
        let text = field(i);
        if used[i] {
            if text.is_empty() {
                return Err((
                    Some(col),
                    format!("the formula uses {col}, but column {col} is empty: give its value"),
                ));
            }
            *value = parse_number(text, true)
                .map_err(|m| (Some(col), m))?
                .unwrap_or(0.0);
        } else if !text.is_empty() {
            return Err((
                Some(col),
                format!(
                    "found '{text}', but the formula does not use {col}: expected this column to be blank"
                ),
            ));
        }
    }
    Ok(params)
}

/// Reads an equation's parameters from the columns a..g (`field(i)` is column a+i): the first n
/// must be numbers, the rest blank.
fn parse_params<'a>(
    equation: Equation,
    field: impl Fn(usize) -> &'a str,
) -> Result<Vec<f64>, RowError> {
    let names = equation.params();
    let given = (0..7).filter(|&i| !field(i).is_empty()).count();
    let mut params = Vec::with_capacity(names.len());
    for i in 0..7 {
        let col = COLUMNS[5 + i];
        let text = field(i);
        if i < names.len() {
            if text.is_empty() {
                return Err((
                    Some(col),
                    format!(
                        "'{}' needs {} parameters ({}), found {given}; column {col} ({}) is empty",
                        equation.name(),
                        names.len(),
                        names.join(", "),
                        names[i]
                    ),
                ));
            }
            params.push(
                parse_number(text, true)
                    .map_err(|m| (Some(col), m))?
                    .unwrap_or(0.0),
            );
        } else if !text.is_empty() {
            return Err((
                Some(col),
                format!(
                    "found '{text}', but '{}' takes {} parameters ({}): expected this column to be blank",
                    equation.name(),
                    names.len(),
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
    }
    check_params(equation, &params).map_err(|m| (None, m))?;
    Ok(params)
}

/// A finite decimal number; blank is `None` unless `required`.
fn parse_number(text: &str, required: bool) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return if required {
            Err("found nothing, expected a number".into())
        } else {
            Ok(None)
        };
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(format!("found '{text}', expected a finite number")),
        Err(_) => Err(format!("found '{text}', expected a number")),
    }
}
