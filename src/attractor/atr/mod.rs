//! The `.atr` preset file: CSV with the header `Attractor,Equation,x,y,z,a,b,c,d,e,f,g` and
//! optional columns after it (`palette`, `shade`, `background`, `bounds`: see [`super::look`]). `#` starts a comment line; CRLF and a UTF-8 BOM are
//! accepted. Every problem is an [`AtrError`] that names file:line, the column, what was found and
//! what was expected: no row is ever skipped silently.

mod row;
mod text;

use super::Preset;
use super::look::{self, Layout};
use super::user::{Origin, UserMap};
use row::{FORMULA_ERROR, parse_row};
use std::collections::HashMap;
use std::fmt;
use text::{LineSplitter, check_line_text, check_quotes, decode_text, error_at};

pub use row::COLUMNS;
/// The first optional column (see [`look::OPTIONAL`] for all of them).
pub const PALETTE_COLUMN: &str = "palette";
/// Files larger than this are refused before parsing (a preset file is a few KiB).
pub const MAX_FILE_BYTES: usize = 8 << 20;

/// A problem in an `.atr` file, pointing at the line and column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct AtrError {
    /// The file's name as given (used in the message).
    pub file: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// The column's header name, when the problem is in one cell.
    pub column: Option<String>,
    /// 1-based character position in the line, when the problem is at one character.
    pub position: Option<usize>,
    /// What was found and what was expected.
    pub message: String,
    /// The message already names file, line and column (a formula error with its caret).
    pub located: bool,
}

impl fmt::Display for AtrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.located {
            return f.write_str(&self.message);
        }
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(p) = self.position {
            write!(f, ":{p}")?;
        }
        f.write_str(": ")?;
        if let Some(c) = &self.column {
            write!(f, "column {c}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Parses a whole `.atr` file. `file` is the name used in messages.
pub fn parse(bytes: &[u8], file: &str) -> Result<Vec<Preset>, AtrError> {
    parse_rows(bytes, file, true, false)
}

/// [`parse`] for a file that rows are appended to: an empty file (or one of blank and comment
/// lines only) or a header without rows is a file with no presets yet, not an error.
pub fn parse_appendable(bytes: &[u8], file: &str) -> Result<Vec<Preset>, AtrError> {
    parse_rows(bytes, file, true, true)
}

/// Parses rows in the `.atr` format that may repeat a name (the keyframes of one animation are
/// one attractor at several times).
pub fn parse_keyframes(bytes: &[u8], file: &str) -> Result<Vec<Preset>, AtrError> {
    parse_rows(bytes, file, false, false)
}

fn parse_rows(
    bytes: &[u8],
    file: &str,
    unique_names: bool,
    may_be_empty: bool,
) -> Result<Vec<Preset>, AtrError> {
    let text = decode_text(bytes, file)?;
    // Line by line: a quoted field may not span lines, so every row is one line and every message
    // can name its line exactly.
    let mut layout: Option<Layout> = None;
    let mut presets: Vec<Preset> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut splitter = LineSplitter::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        check_line_text(raw, line, file)?;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        check_quotes(raw, line, file)?;
        let record = splitter.split(raw).map_err(|e| {
            error_at(
                file,
                line,
                None,
                format!("found malformed CSV ({e}), expected comma-separated fields"),
            )
        })?;
        let Some(layout) = &layout else {
            layout = Some(check_header(record).map_err(|m| error_at(file, line, None, m))?);
            continue;
        };
        check_width(record, layout, line, file)?;
        let preset = row_preset(record, raw, line, layout, file)?;
        if let Some(first) = seen.insert(preset.name.to_ascii_lowercase(), line)
            && unique_names
        {
            return Err(error_at(
                file,
                line,
                Some("Attractor"),
                format!(
                    "found '{}' again, expected a unique name (first used on line {first}; names are case-insensitive)",
                    preset.name
                ),
            ));
        }
        presets.push(preset);
    }
    check_not_empty(&presets, layout.is_some(), may_be_empty, file)?;
    Ok(presets)
}

/// Refuses a row with too few or too many cells for the header's `layout`.
fn check_width(
    record: &csv::StringRecord,
    layout: &Layout,
    line: usize,
    file: &str,
) -> Result<(), AtrError> {
    // A row may leave out trailing optional cells (a header can gain a column).
    let want = COLUMNS.len() + layout.0.len();
    if (COLUMNS.len()..=want).contains(&record.len()) {
        return Ok(());
    }
    let expected = if want == COLUMNS.len() {
        want.to_string()
    } else {
        format!("{} to {want}", COLUMNS.len())
    };
    Err(error_at(
        file,
        line,
        None,
        format!(
            "found {} columns, expected {expected} ({})",
            record.len(),
            header_text(layout)
        ),
    ))
}

/// The preset of one data row; a formula error is rendered with its caret under the formula's
/// place in the raw line.
fn row_preset(
    record: &csv::StringRecord,
    raw: &str,
    line: usize,
    layout: &Layout,
    file: &str,
) -> Result<Preset, AtrError> {
    parse_row(record, line, layout).map_err(|(col, m)| {
        if col != Some(FORMULA_ERROR) {
            return error_at(file, line, col, m);
        }
        // locate the formula in the raw line: the column where its text starts
        let at = raw.find(&record[1]).unwrap_or(0);
        let column = raw[..at].chars().count() + 1;
        let message = match UserMap::parse(&record[1]) {
            Err(e) => e.render(
                &record[1],
                Origin::File {
                    path: file,
                    line,
                    column,
                },
            ),
            Ok(_) => m,
        };
        AtrError {
            column: Some("Equation".into()),
            located: true,
            ..error_at(file, line, None, message)
        }
    })
}

/// Refuses a file without a header or without rows, unless `may_be_empty` (a file that rows are
/// appended to).
fn check_not_empty(
    presets: &[Preset],
    has_header: bool,
    may_be_empty: bool,
    file: &str,
) -> Result<(), AtrError> {
    if may_be_empty && presets.is_empty() {
        return Ok(());
    }
    if !has_header {
        return Err(error_at(
            file,
            1,
            None,
            format!(
                "found no header row, expected '{}' as the first row",
                header_text(&Layout::default())
            ),
        ));
    }
    if presets.is_empty() {
        return Err(error_at(
            file,
            1,
            None,
            "found a header but no presets, expected at least one row".into(),
        ));
    }
    Ok(())
}

fn header_text(layout: &Layout) -> String {
    COLUMNS.join(",") + &layout.header_tail()
}

/// Checks the header row; returns the optional columns it names.
fn check_header(record: &csv::StringRecord) -> Result<Layout, String> {
    let fields: Vec<&str> = record.iter().collect();
    for (i, want) in COLUMNS.iter().enumerate() {
        match fields.get(i) {
            Some(got) if got.eq_ignore_ascii_case(want) => {}
            got => {
                return Err(format!(
                    "header column {} is '{}', expected '{want}' (the header must be '{}' and optional columns)",
                    i + 1,
                    got.unwrap_or(&""),
                    header_text(&Layout::default())
                ));
            }
        }
    }
    let extra = fields.get(COLUMNS.len()..).unwrap_or_default();
    look::read_header(extra, COLUMNS.len() + 1, &header_text(&Layout::default()))
}

/// One row of an `.atr` file for `p` (with the palette column when `palette_col`).
pub fn format_row(p: &Preset, palette_col: bool) -> String {
    let layout = if palette_col {
        Layout::palette()
    } else {
        Layout::default()
    };
    format_row_in(p, &layout)
}

/// One row of an `.atr` file for `p`, with the optional columns of `layout`. The row is one line
/// that reads back: a name's control characters (a newline, a tab, ESC) are written escaped as
/// [`crate::escape::printable`] shows them, and a cell that would not read back as written (a
/// comma, a quote, spaces at its ends, and in the first cell a leading `#`, which would make the
/// line a comment) is quoted.
pub fn format_row_in(p: &Preset, layout: &Layout) -> String {
    let quote = |v: &str| {
        if v.contains([',', '"']) || v.trim() != v {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    };
    // A formula is always quoted; a row is one line, so a formula written over several lines (or
    // with comments) is written in its canonical one-line form.
    let equation = match &p.formula {
        Some(m) if m.text().contains(['\n', '\r', '#']) => {
            format!("\"{}\"", m.canonical_text().replace('"', "\"\""))
        }
        Some(m) => format!("\"{}\"", m.text().replace('"', "\"\"")),
        None => p.equation.name().to_string(),
    };
    let used = |i: usize| p.formula.as_ref().is_none_or(|m| m.params_used()[i]);
    let name = crate::escape::printable(&p.name);
    let name = if name.starts_with('#') {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        quote(&name)
    };
    let mut cols = vec![name, equation];
    cols.extend(p.start.iter().map(|v| v.to_string()));
    cols.extend((0..7).map(|i| match p.params.get(i) {
        Some(v) if used(i) => v.to_string(),
        _ => String::new(),
    }));
    cols.extend(look::cells(p, layout).iter().map(|c| quote(c)));
    cols.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::Equation;
    use crate::attractor::append::append_preset;
    use std::sync::Arc;

    const HEADER: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n";

    fn parse_str(s: &str) -> Result<Vec<Preset>, AtrError> {
        parse(s.as_bytes(), "t.atr")
    }

    fn error_of(body: &str) -> String {
        parse_str(&format!("{HEADER}{body}"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn parses_a_row_with_comments_crlf_and_bom() {
        let text = format!(
            "\u{feff}# comment\r\n{}Clifford,clifford,0,0,,-1.3,-1.3,-1.8,-1.9,,,\r\n",
            HEADER.replace('\n', "\r\n")
        );
        let p = parse_str(&text).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].equation, Equation::Clifford);
        assert_eq!(p[0].params, vec![-1.3, -1.3, -1.8, -1.9]);
        assert_eq!(p[0].start, [0.0, 0.0, 0.0]);
        assert_eq!(p[0].line, 3);
        assert_eq!(p[0].palette, None);
    }

    #[test]
    fn palette_column_is_optional_and_read() {
        let p = parse_str("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\nA,henon,0,0,0,1.4,0.3,,,,,,kbc\nB,henon,0,0,0,1.4,0.3,,,,,,\n").unwrap();
        assert_eq!(p[0].palette.as_deref(), Some("kbc"));
        assert_eq!(p[1].palette, None);
    }

    #[test]
    fn each_bad_row_has_its_own_message() {
        let cases = [
            (
                "A,clifford,0,0,0,1,2,3,,,,",
                "t.atr:2: column d: 'clifford' needs 4 parameters (a, b, c, d), found 3; column d (d) is empty",
            ),
            (
                "A,clifford,0,0,0,1,2,3,4,5,,",
                "t.atr:2: column e: found '5', but 'clifford' takes 4 parameters (a, b, c, d): expected this column to be blank",
            ),
            (
                "A,clifort,0,0,0,1,2,3,4,,,",
                "t.atr:2: column Equation: unknown equation 'clifort'; did you mean clifford? (attractors list --equations shows all)",
            ),
            (
                "A,clifford,zero,0,0,1,2,3,4,,,",
                "t.atr:2: column x: found 'zero', expected a number",
            ),
            (
                "A,clifford,0,0,0,nan,2,3,4,,,",
                "t.atr:2: column a: found 'nan', expected a finite number",
            ),
            (
                "A,clifford,0,0,0,1,inf,3,4,,,",
                "t.atr:2: column b: found 'inf', expected a finite number",
            ),
            (
                "A,clifford,0,,0,1,2,3,4,,,",
                "t.atr:2: column y: found nothing, expected a number",
            ),
            (
                "A,clifford,0,0,0,1,2,3,4,,",
                "t.atr:2: found 11 columns, expected 12 (Attractor,Equation,x,y,z,a,b,c,d,e,f,g)",
            ),
            (
                "A,clifford,0,0,0,1,2,3,4,,,,,",
                "t.atr:2: found 14 columns, expected 12 (Attractor,Equation,x,y,z,a,b,c,d,e,f,g)",
            ),
            (
                ",clifford,0,0,0,1,2,3,4,,,",
                "t.atr:2: column Attractor: found an empty name, expected the preset's name",
            ),
            (
                "A,henon,0,0,0,1,2,,,,,\na,henon,0,0,0,1,2,,,,,",
                "t.atr:3: column Attractor: found 'a' again, expected a unique name (first used on line 2; names are case-insensitive)",
            ),
            (
                "A,symmetric_icon,0,0,0,1,2,3,4,5,2.5,",
                "t.atr:2: symmetric_icon's degree must be a whole number from 1 to 64, found 2.5",
            ),
        ];
        for (row, want) in cases {
            assert_eq!(error_of(row), want, "row: {row}");
        }
    }

    #[test]
    fn file_level_errors() {
        assert_eq!(
            parse_str("").unwrap_err().to_string(),
            "t.atr:1: found no header row, expected 'Attractor,Equation,x,y,z,a,b,c,d,e,f,g' as the first row"
        );
        assert_eq!(
            parse_str(HEADER).unwrap_err().to_string(),
            "t.atr:1: found a header but no presets, expected at least one row"
        );
        let e = parse_str("Attractor,Equaton,x,y,z,a,b,c,d,e,f,g\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.atr:1: header column 2 is 'Equaton', expected 'Equation'"),
            "{e}"
        );
        let e = parse_str("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,colour\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.atr:1: header column 13 is 'colour', an extra column;"),
            "{e}"
        );
        let e = parse_str("Attractor,Equation,x,y,z,a,b,c,d,e,f,g,palette,notes\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.atr:1: header column 14 is 'notes', an extra column;"),
            "{e}"
        );
        assert!(e.contains("remove column 14"), "{e}");
        let e = parse(b"Attractor,Equation\n\xff\xfe\x00garbage", "t.atr")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.atr:2: found bytes that are not UTF-8 text, expected a CSV text file"
        );
        let e = parse_str(&format!(
            "{HEADER}\"A,henon,0,0,0,1,2,,,,,\nB,henon,0,0,0,1,2,,,,,\n"
        ))
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "t.atr:2: found an unterminated quote, expected a closing \" on the same line"
        );
        let p = parse_str(&format!("{HEADER}\"A, quoted\",henon,0,0,0,1,2,,,,,\n")).unwrap();
        assert_eq!(p[0].name, "A, quoted");
        let big = vec![b'#'; MAX_FILE_BYTES + 1];
        assert!(
            parse(&big, "t.atr")
                .unwrap_err()
                .to_string()
                .contains("expected a preset file under")
        );
    }

    #[test]
    fn append_keeps_existing_rows_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.atr");
        // CRLF, a comment, no final line break, a palette column
        let old = "# mine\r\nAttractor,Equation,x,y,z,a,b,c,d,e,f,g,palette\r\nA,henon,0,0,0,1.4,0.3,,,,,,fire";
        std::fs::write(&f, old).unwrap();
        let mut p = parse(old.as_bytes(), "p.atr").unwrap().remove(0);
        p.name = "B, mine".into();
        p.params = vec![1.25, -0.3];
        p.palette = Some("kbc".into());
        append_preset(&f, &p).unwrap();
        let new = std::fs::read_to_string(&f).unwrap();
        assert!(new.starts_with(old), "existing bytes changed");
        assert!(
            new.ends_with("\"B, mine\",henon,0,0,0,1.25,-0.3,,,,,,kbc\r\n"),
            "{new:?}"
        );
        let back = parse(new.as_bytes(), "p.atr").unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].name, "B, mine");
        assert_eq!(back[1].params, vec![1.25, -0.3]);
        let e = append_preset(&f, &p).unwrap_err();
        assert!(e.contains("already has a preset named 'B, mine'"), "{e}");
    }

    #[test]
    fn append_refuses_a_read_only_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ro.atr");
        std::fs::write(&f, format!("{HEADER}A,henon,0,0,0,1.4,0.3,,,,,\n")).unwrap();
        let mut perm = std::fs::metadata(&f).unwrap().permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&f, perm).unwrap();
        let mut p = parse_str(&format!("{HEADER}A,henon,0,0,0,1.4,0.3,,,,,\n"))
            .unwrap()
            .remove(0);
        p.name = "B".into();
        let e = append_preset(&f, &p).unwrap_err();
        assert!(e.contains("read-only"), "{e}");
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            format!("{HEADER}A,henon,0,0,0,1.4,0.3,,,,,\n")
        );
    }

    #[test]
    fn a_lone_cr_is_an_error_at_its_column_but_crlf_is_accepted() {
        let e = error_of("A,henon,0,0,0,1.4\r,0.3,,,,,\n").to_string();
        assert!(
            e.starts_with("t.atr:2:18: found a carriage return (CR) that does not end the line"),
            "{e}"
        );
        // A CR in a comment is refused too (it could hide the next row in other readers).
        let e = parse_str(&format!("# a\rb\n{HEADER}A,henon,0,0,0,1.4,0.3,,,,,\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.atr:1:4: found a carriage return"), "{e}");
        let p = parse_str(&format!(
            "{}A,henon,0,0,0,1.4,0.3,,,,,\r\n",
            HEADER.replace('\n', "\r\n")
        ))
        .unwrap();
        assert_eq!(p[0].params, vec![1.4, 0.3]);
    }

    #[test]
    fn a_large_file_parses() {
        let mut text = String::from(HEADER);
        let rows = 100_000;
        for i in 0..rows {
            text.push_str(&format!("P{i},clifford,0.1,0,,-1.3,-1.3,-1.8,-1.9,,,\n"));
        }
        let p = parse_str(&text).unwrap();
        assert_eq!(p.len(), rows);
        assert_eq!(p[rows - 1].name, format!("P{}", rows - 1));
        assert_eq!(p[rows - 1].line, rows + 1);
    }

    #[test]
    fn a_parameterless_equation_takes_blank_columns() {
        let p = parse_str(&format!("{HEADER}G,gingerbreadman,-0.1,0,,,,,,,,\n")).unwrap();
        assert!(p[0].params.is_empty());
    }

    #[test]
    fn a_formula_preset_writes_a_row_that_reads_back() {
        for text in [
            "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)",
            "x' = sin(a*y) # comment\ny' = b*x",
        ] {
            let map = UserMap::parse(text).unwrap();
            let p = Preset {
                formula: Some(Arc::new(map)),
                name: "F, one".into(),
                equation: Equation::Clifford,
                start: [0.5, -0.25, 0.0],
                params: vec![-1.3, 1.5, -1.8, 0.7, 0.0, 0.0, 0.0],
                palette: Some("kbc".into()),
                shade: None,
                background: None,
                bounds: None,
                line: 0,
            };
            let row = format_row(&p, true);
            let back = parse_str(&format!("{},palette\n{row}\n", HEADER.trim_end()))
                .unwrap_or_else(|e| panic!("{row}: {e}"));
            let q = &back[0];
            assert_eq!(q.name, p.name);
            assert_eq!(q.start, p.start);
            assert_eq!(q.palette, p.palette);
            let used = p.formula.as_ref().unwrap().params_used();
            for (i, &u) in used.iter().enumerate() {
                let want = if u { p.params[i] } else { 0.0 };
                assert_eq!(q.params[i], want, "{row}");
            }
            assert_eq!(
                q.formula.as_ref().unwrap().canonical_text(),
                p.formula.as_ref().unwrap().canonical_text()
            );
        }
    }
}
