//! Typed errors of the formula language, and their rendering with the source line and a caret.

use std::fmt::Write as _;
use std::ops::Range;

/// What went wrong, with what was expected and what was found.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    /// The formula text is longer than allowed.
    #[error("the formula is {len} bytes long; at most {max} are allowed")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The most bytes allowed ([`super::MAX_TEXT`]).
        max: usize,
    },
    /// The expression nests deeper than the parser allows.
    #[error(
        "nested more than {max} levels deep (parentheses, calls, `-`, `^`); simplify it or use a local definition (`t = ...;`)"
    )]
    TooDeep {
        /// The deepest nesting allowed ([`super::MAX_DEPTH`]).
        max: usize,
    },
    /// A character that starts no token.
    #[error("unexpected character `{found}`")]
    UnexpectedChar {
        /// The character.
        found: char,
    },
    /// Syntax of another language (`**`, `==`).
    #[error("{what} is not part of the formula language; {hint}")]
    Unsupported {
        /// The construct, quoted.
        what: String,
        /// What to write instead.
        hint: String,
    },
    /// A token other than the grammar allows there.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What the grammar allows there.
        expected: String,
        /// The token found, as a message reads it.
        found: String,
    },
    /// A number literal that overflows f32.
    #[error("the number `{text}` is not finite in float32 (largest about 3.4e38)")]
    BadNumber {
        /// The literal as written.
        text: String,
    },
    /// A non-zero number literal that rounds to 0 in f32.
    #[error(
        "the number `{text}` is 0 in float32 (smallest about 1.4e-45), which the fast modes use; write 0 or a number of magnitude at least 1.4e-45"
    )]
    NumberUnderflows {
        /// The literal as written.
        text: String,
    },
    /// A name that is no variable, parameter, constant or definition.
    #[error(
        "unknown name `{name}`{suggestion}; names are x, y, z, the parameters a..g, pi, x'/y'/z' once assigned, and earlier definitions"
    )]
    UnknownName {
        /// The name.
        name: String,
        /// `; did you mean ...?` or empty.
        suggestion: String,
    },
    /// A call of a function the language does not have.
    #[error("unknown function `{name}`{suggestion}")]
    UnknownFunction {
        /// The name called.
        name: String,
        /// `; did you mean ...?` or empty.
        suggestion: String,
    },
    /// A function name used as a value.
    #[error("`{name}` is a function; call it with arguments, e.g. `{name}(x)`")]
    FunctionWithoutCall {
        /// The function.
        name: String,
    },
    /// A call of a name that is not a function.
    #[error("`{name}` is not a function")]
    NotAFunction {
        /// The name called.
        name: String,
    },
    /// A call with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument{}, found {found}", if *.expected == 1 { "" } else { "s" })]
    WrongArity {
        /// The function.
        name: String,
        /// Arguments it takes.
        expected: usize,
        /// Arguments given.
        found: usize,
    },
    /// A primed coordinate (`x'`) read before the line that assigns it.
    #[error("`{name}'` is used before it is assigned; assign it on an earlier line")]
    UsedBeforeAssigned {
        /// The coordinate, unprimed.
        name: String,
    },
    /// A primed name that is not x, y or z.
    #[error(
        "only x', y' and z' can be assigned with a prime; write `{name} = ...` for a local definition"
    )]
    OnlyCoordinatesPrimed {
        /// The name, unprimed.
        name: String,
    },
    /// A name assigned on two lines.
    #[error("`{name}` is assigned twice; each name is assigned once")]
    AssignedTwice {
        /// The name.
        name: String,
    },
    /// An assignment to a variable, parameter or constant.
    #[error("`{name}` is {what} and cannot be assigned{hint}")]
    ReadOnly {
        /// The name.
        name: String,
        /// What it is (`a parameter`, ...).
        what: &'static str,
        /// How to write it instead, or empty.
        hint: &'static str,
    },
    /// A formula that never assigns `x'` or `y'`.
    #[error(
        "the formula never assigns {name}; it needs `x' = ...; y' = ...` (and optionally `z' = ...`)"
    )]
    MissingCoordinate {
        /// The coordinate it misses.
        name: &'static str,
    },
    /// A constant sub-expression that folds to infinity or NaN.
    #[error(
        "this part has no variables and evaluates to {value} in float{bits}; the GPU cannot hold it"
    )]
    ConstantNotFinite {
        /// Its value, as printed.
        value: String,
        /// The float width it was folded in (32 or 64).
        bits: u32,
    },
    /// A parameter the formula reads whose `.atr` column is blank.
    #[error("the formula uses parameter {name}, but its column is blank; fill it")]
    ParamBlank {
        /// The parameter (a..g).
        name: char,
    },
    /// A filled `.atr` parameter column the formula never reads.
    #[error("parameter {name} is filled, but the formula does not use it; leave its column blank")]
    ParamUnused {
        /// The parameter (a..g).
        name: char,
    },
}

/// An error in a formula: what, and where (a byte span of the formula text, and the 1-based line
/// and column (in characters) of its start within the formula).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{line}:{column}: {kind}")]
pub struct FormulaError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte range of the formula text the error points at (the caret's extent).
    pub span: Range<usize>,
    /// 1-based line of the span's start within the formula.
    pub line: usize,
    /// 1-based column (in characters) of the span's start within its line.
    pub column: usize,
}

/// Where a formula's text came from, for [`FormulaError::render`].
#[derive(Clone, Copy, Debug)]
pub enum Origin<'a> {
    /// A command-line flag, e.g. `--formula`.
    Flag(&'a str),
    /// A file, with the 1-based line and column where the formula text starts (inside the quotes
    /// of the `.atr` Equation field, say).
    File {
        /// The file's name, as given.
        path: &'a str,
        /// 1-based line of the row.
        line: usize,
        /// 1-based column (in characters) where the formula text starts.
        column: usize,
    },
}

/// Longest stretch of a source line shown in a rendered error; longer lines are cut around the
/// caret.
const SHOWN: usize = 100;

impl FormulaError {
    pub(crate) fn new(kind: ErrorKind, span: Range<usize>) -> FormulaError {
        FormulaError {
            kind,
            span,
            line: 1,
            column: 1,
        }
    }

    /// Fills `line` and `column` from the formula text the span refers to.
    pub(crate) fn locate(mut self, text: &str) -> FormulaError {
        let start = clamp_to_char(text, self.span.start);
        let before = &text[..start];
        self.line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.column = text[line_start..start].chars().count() + 1;
        self
    }

    /// The error for people: `origin:line:column: message`, then the formula line and a caret
    /// under the problem, e.g.
    ///
    /// ```text
    /// attractors.atr:12:15: unknown function `sinn`; did you mean sin, sinh?
    ///   x' = sinn(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)
    ///        ^^^^
    /// ```
    ///
    /// `text` is the formula the error came from. For a file origin, the position is translated
    /// to the file's line and column (the formula's first line starts at the origin's column).
    pub fn render(&self, text: &str, origin: Origin<'_>) -> String {
        let mut out = String::new();
        match origin {
            Origin::Flag(flag) => {
                let _ = write!(out, "{flag}:{}:{}: {}", self.line, self.column, self.kind);
            }
            Origin::File { path, line, column } => {
                let col = if self.line == 1 {
                    column + self.column - 1
                } else {
                    self.column
                };
                let _ = write!(out, "{path}:{}:{col}: {}", line + self.line - 1, self.kind);
            }
        }
        let start = clamp_to_char(text, self.span.start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line: Vec<char> = text[line_start..line_end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let caret_at = self.column - 1;
        let end = clamp_to_char(text, self.span.end.min(line_end).max(start));
        let width = text[start..end].chars().count().max(1);
        // Cut long lines to a window around the caret.
        let (from, to) = if line.len() <= SHOWN {
            (0, line.len())
        } else {
            let from = caret_at.saturating_sub(SHOWN / 2);
            (from, (from + SHOWN).min(line.len()))
        };
        let mut shown: String = line[from..to].iter().collect();
        let mut pad = caret_at - from;
        if from > 0 {
            shown.insert_str(0, "...");
            pad += 3;
        }
        if to < line.len() {
            shown.push_str("...");
        }
        let width = width.min(to.saturating_sub(caret_at).max(1));
        let _ = write!(
            out,
            "\n  {shown}\n  {}{}",
            " ".repeat(pad),
            "^".repeat(width)
        );
        out
    }
}

/// The largest char boundary of `text` at or below `i`.
fn clamp_to_char(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
