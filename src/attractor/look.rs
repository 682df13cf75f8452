//! The optional columns of an `.atr` file after `g`: how a preset looks. `palette` (a colormap),
//! `shade` (the tone map), `background` (the colour of empty bins) and `bounds` (the view,
//! `xmin,xmax,ymin,ymax`, quoted in the file because it holds commas). Each cell takes exactly what
//! the flag of the same name takes (`--palette`, `--shade`, `--background`, `--bounds`) and is
//! refused with that flag's message; an empty cell means "not set" (the flag's default, or the
//! automatic bounds, then apply).
//!
//! The header names the optional columns a file uses, each at most once, in any order; a row may
//! stop before the last of them (the cells it leaves out are not set), so a header can gain a
//! column without any row changing.

use super::Preset;
use crate::histogram::Bounds;
use crate::shade::{Color, Shade};

/// The optional columns, in the order the writer puts them.
pub const OPTIONAL: [&str; 4] = ["palette", "shade", "background", "bounds"];

/// The optional columns a header names, in its order (indices into [`OPTIONAL`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout(pub Vec<usize>);

impl Layout {
    /// Every optional column, in the writer's order (what a new file gets).
    pub fn all() -> Layout {
        Layout((0..OPTIONAL.len()).collect())
    }

    /// The `palette` column alone (the layout older files and `info --as-atr` use).
    pub fn palette() -> Layout {
        Layout(vec![0])
    }

    /// The header's names after `g` (`,palette,shade`), empty for none.
    pub fn header_tail(&self) -> String {
        self.0
            .iter()
            .map(|&i| format!(",{}", OPTIONAL[i]))
            .collect()
    }

    /// This layout with the columns `p` sets that it lacks added at the end.
    pub fn with_columns_of(mut self, p: &Preset) -> Layout {
        let set = [
            p.palette.is_some(),
            p.shade.is_some(),
            p.background.is_some(),
            p.bounds.is_some(),
        ];
        for (i, _) in set.iter().enumerate().filter(|(_, s)| **s) {
            if !self.0.contains(&i) {
                self.0.push(i);
            }
        }
        self
    }
}

/// Reads the header's fields after the required columns (`extra[k]` is header column
/// `first + k`, 1-based) into a layout, or says which column is wrong and why.
pub fn read_header(extra: &[&str], first: usize, required: &str) -> Result<Layout, String> {
    let mut layout = Layout::default();
    for (k, name) in extra.iter().enumerate() {
        let col = first + k;
        match OPTIONAL.iter().position(|o| o.eq_ignore_ascii_case(name)) {
            Some(i) if layout.0.contains(&i) => {
                return Err(format!(
                    "header column {col} is '{name}' again, expected each optional column once: remove column {col}"
                ));
            }
            Some(i) => layout.0.push(i),
            None => {
                return Err(format!(
                    "header column {col} is '{name}', an extra column; expected '{required}' with optional columns {} after it (any of them, each once, in any order): remove column {col}",
                    OPTIONAL.join(", ")
                ));
            }
        }
    }
    Ok(layout)
}

/// Sets `p`'s look from the optional cells of a row (`cells[k]` is the cell of `layout.0[k]`; a
/// row may have fewer cells than the layout). An error names the column.
pub fn read_cells(
    p: &mut Preset,
    layout: &Layout,
    cells: &[&str],
) -> Result<(), (&'static str, String)> {
    for (&i, &text) in layout.0.iter().zip(cells) {
        if text.is_empty() {
            continue;
        }
        let col = OPTIONAL[i];
        let bad = |m: String| (col, m);
        match i {
            0 => p.palette = Some(text.to_string()),
            1 => p.shade = Some(text.parse::<Shade>().map_err(bad)?),
            2 => p.background = Some(text.parse::<Color>().map_err(bad)?),
            _ => p.bounds = Some(parse_bounds(text).map_err(bad)?),
        }
    }
    Ok(())
}

/// `xmin,xmax,ymin,ymax` exactly as `--bounds` takes it, with its messages.
fn parse_bounds(text: &str) -> Result<Bounds, String> {
    let [a, b, c, d] = crate::cli::parse::parse_bounds(text)?;
    Bounds::new(a, b, c, d)
}

/// The cells of `p`'s look for `layout` (unquoted; empty where not set).
pub fn cells(p: &Preset, layout: &Layout) -> Vec<String> {
    layout
        .0
        .iter()
        .map(|&i| match i {
            0 => p.palette.clone().unwrap_or_default(),
            1 => p.shade.map(|s| s.name().to_string()).unwrap_or_default(),
            2 => p.background.map(color_text).unwrap_or_default(),
            _ => p.bounds.map(|b| b.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// `#rrggbb`, or `#rrggbbaa` when not opaque: what `--background` reads back to the same colour.
pub fn color_text(c: Color) -> String {
    let [r, g, b, a] = c.0;
    if a == 255 {
        format!("#{r:02x}{g:02x}{b:02x}")
    } else {
        format!("#{r:02x}{g:02x}{b:02x}{a:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::append::append_preset;
    use crate::attractor::atr::{AtrError, format_row_in, parse};

    const HEADER: &str = "Attractor,Equation,x,y,z,a,b,c,d,e,f,g";
    const ROW: &str = "A,henon,0,0,0,1.4,0.3,,,,,";

    fn parse_str(s: &str) -> Result<Vec<Preset>, AtrError> {
        parse(s.as_bytes(), "t.atr")
    }

    fn error_of(tail: &str, cells: &str) -> String {
        parse_str(&format!("{HEADER}{tail}\n{ROW},{cells}\n"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn old_files_read_as_before_with_no_look() {
        for text in [
            format!("{HEADER}\n{ROW}\n"),
            format!("{HEADER},palette\n{ROW},kbc\n"),
        ] {
            let p = &parse_str(&text).unwrap()[0];
            assert_eq!((p.shade, p.background, p.bounds), (None, None, None));
            // and they write the same row back
            let layout = if text.contains("palette") {
                Layout::palette()
            } else {
                Layout::default()
            };
            assert_eq!(
                format_row_in(p, &layout),
                text.lines().nth(1).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn the_look_columns_are_read_in_any_order_and_may_be_left_out() {
        let text = format!(
            "{HEADER},bounds,shade,Background,palette\n\
             {ROW},\"-2,2,-1,1.5\",log,ivory,kbc\n\
             B,henon,0,0,0,1.4,0.3,,,,,,,cbrt\n\
             C,henon,0,0,0,1.4,0.3,,,,,\n\
             D,henon,0,0,0,1.4,0.3,,,,,,,,#11223380,\n"
        );
        let p = parse_str(&text).unwrap();
        assert_eq!(
            p[0].bounds,
            Some(Bounds::new(-2.0, 2.0, -1.0, 1.5).unwrap())
        );
        assert_eq!(p[0].shade, Some(Shade::Log));
        assert_eq!(p[0].background, Some(Color([255, 255, 240, 255])));
        assert_eq!(p[0].palette.as_deref(), Some("kbc"));
        assert_eq!((p[1].bounds, p[1].shade), (None, Some(Shade::Cbrt)));
        assert_eq!((p[1].background, &p[1].palette), (None, &None));
        assert_eq!(
            (p[2].shade, p[2].background, p[2].bounds),
            (None, None, None)
        );
        assert_eq!(p[3].background, Some(Color([0x11, 0x22, 0x33, 0x80])));
        assert_eq!((p[3].shade, &p[3].palette), (None, &None));
    }

    #[test]
    fn the_look_round_trips_through_a_row() {
        let mut p = parse_str(&format!("{HEADER}\n{ROW}\n")).unwrap().remove(0);
        for (shade, background, bounds) in [
            (Shade::Linear, Color([0, 0, 0, 0]), [-1.25, 3.5, -0.1, 0.1]),
            (
                Shade::EqHist,
                Color([1, 2, 3, 255]),
                [1e-9, 2e-9, -1e300, 1e300],
            ),
        ] {
            p.palette = Some("fire_r".into());
            p.shade = Some(shade);
            p.background = Some(background);
            p.bounds = Some(Bounds::new(bounds[0], bounds[1], bounds[2], bounds[3]).unwrap());
            let row = format_row_in(&p, &Layout::all());
            let text = format!("{HEADER}{}\n{row}\n", Layout::all().header_tail());
            let back = parse_str(&text).unwrap_or_else(|e| panic!("{row}: {e}"));
            assert_eq!(back[0], p, "{row}");
        }
    }

    #[test]
    fn each_bad_look_cell_is_refused_with_its_line_and_column() {
        let cases = [
            (
                ",shade",
                "loud",
                "t.atr:2: column shade: unknown shade 'loud'; expected one of eq_hist, log, cbrt, linear",
            ),
            (
                ",shade",
                "lin",
                "t.atr:2: column shade: unknown shade 'lin'; did you mean linear?; expected one of eq_hist, log, cbrt, linear",
            ),
            (
                ",palette,background",
                "fire,notacolour",
                "t.atr:2: column background: unknown colour 'notacolour'; expected a CSS colour name (`attractors list --colors` shows all 148), transparent, #rrggbb or #rrggbbaa",
            ),
            (
                ",bounds",
                "\"1,2,3\"",
                "t.atr:2: column bounds: bounds '1,2,3': found 3 values; expected xmin,xmax,ymin,ymax like -3,3,-3,3",
            ),
            (
                ",bounds",
                "\"3,1,0,1\"",
                "t.atr:2: column bounds: bounds '3,1,0,1': bounds need xmin < xmax and ymin < ymax, found 3,1,0,1",
            ),
            (
                ",bounds",
                "\"0,1,0,inf\"",
                "t.atr:2: column bounds: bounds '0,1,0,inf': values must be finite; expected xmin,xmax,ymin,ymax like -3,3,-3,3",
            ),
            (
                ",bounds",
                "-3,3,-3,3",
                "t.atr:2: found 16 columns, expected 12 to 13 (Attractor,Equation,x,y,z,a,b,c,d,e,f,g,bounds)",
            ),
        ];
        for (tail, cells, want) in cases {
            assert_eq!(error_of(tail, cells), want, "{tail} / {cells}");
        }
    }

    #[test]
    fn a_header_names_each_look_column_once() {
        let e = error_of(",shade,palette,shade", "log,fire,log");
        assert!(
            e.starts_with("t.atr:1: header column 15 is 'shade' again"),
            "{e}"
        );
        let e = error_of(",shade,tone", "log,log");
        assert!(
            e.starts_with("t.atr:1: header column 14 is 'tone', an extra column;"),
            "{e}"
        );
        assert!(
            e.contains("optional columns palette, shade, background, bounds"),
            "{e}"
        );
    }

    #[test]
    fn appending_a_look_adds_its_columns_to_the_header_and_keeps_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.atr");
        let old = format!("# mine\r\n{HEADER},palette\r\n{ROW},fire\r\n");
        std::fs::write(&f, &old).unwrap();
        let mut p = parse_str(&old).unwrap().remove(0);
        p.name = "B".into();
        p.shade = Some(Shade::Cbrt);
        p.background = Some(Color([255, 255, 255, 255]));
        p.bounds = Some(Bounds::new(-1.0, 1.0, -0.5, 0.5).unwrap());
        append_preset(&f, &p).unwrap();
        let new = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            new,
            format!(
                "# mine\r\n{HEADER},palette,shade,background,bounds\r\n{ROW},fire\r\n\
                 B,henon,0,0,0,1.4,0.3,,,,,,fire,cbrt,#ffffff,\"-1,1,-0.5,0.5\"\r\n"
            )
        );
        let back = parse_str(&new).unwrap();
        assert_eq!(back[0], parse_str(&old).unwrap()[0]);
        assert_eq!(
            Preset {
                line: 0,
                ..back[1].clone()
            },
            Preset { line: 0, ..p }
        );
    }
}
