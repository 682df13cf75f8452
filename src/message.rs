//! The error line `main` prints. Messages echo what the user typed (names, paths, values), so
//! before printing, control characters are escaped (a newline in a file name must not break the
//! one error line) and a line longer than [`LONGEST`] characters is cut in its middle, keeping
//! the start (which input) and the end (the way out). A formula error is laid out on three lines
//! on purpose (the message, the formula line, a caret): its newlines are kept.

use crate::attractor::PresetError;
use crate::attractor::atr::AtrError;
use std::fmt;

/// An error message laid out on several lines on purpose; printed with its newlines.
#[derive(Debug)]
pub struct Block(pub String);

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Block {}

/// Longest line of a printed error, in characters.
pub const LONGEST: usize = 600;

/// `err` and its causes (`outer: inner`), ready to print after `error: `.
pub fn error_text(err: &anyhow::Error) -> String {
    let laid_out = err.chain().any(is_laid_out);
    let text = crate::escape::escape(&format!("{err:#}"), laid_out);
    text.split('\n').map(cut).collect::<Vec<_>>().join("\n")
}

/// Whether `e` is a message laid out on several lines (a formula error with its caret), however
/// it is wrapped: a [`Block`], a located `.atr` error, or a preset file's error holding one.
fn is_laid_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let located = |a: &AtrError| a.located;
    e.is::<Block>()
        || e.downcast_ref::<AtrError>().is_some_and(located)
        || matches!(e.downcast_ref::<PresetError>(), Some(PresetError::Atr(a)) if located(a))
}

/// `s` with control characters escaped (`\n`, `\u{1b}`), for echoing user text on one line:
/// the one escaping rule (see [`crate::escape`]).
pub use crate::escape::printable;

/// `line`, cut in its middle when longer than [`LONGEST`] characters.
fn cut(line: &str) -> String {
    let n = line.chars().count();
    if n <= LONGEST {
        return line.to_string();
    }
    let (head, tail) = (LONGEST / 2, LONGEST / 3);
    let start: String = line.chars().take(head).collect();
    let end: String = line.chars().skip(n - tail).collect();
    format!("{start} [... {} characters ...] {end}", n - head - tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn control_characters_are_escaped_and_long_lines_cut() {
        let e = anyhow!("size 'a\nb\tc\u{1b}[31m': expected WxH").context("--size");
        assert_eq!(
            error_text(&e),
            "--size: size 'a\\nb\\tc\\u{1b}[31m': expected WxH"
        );
        let long = format!("name '{}': did you mean Clifford?", "x".repeat(100_000));
        let text = error_text(&anyhow!("{long}"));
        assert!(text.chars().count() < LONGEST + 50, "{}", text.len());
        assert!(text.starts_with("name 'xxx") && text.ends_with("xx': did you mean Clifford?"));
        assert!(text.contains(" [... 99"), "{text}");
        assert_eq!(printable("a\u{7}b"), "a\\u{7}b");
    }

    #[test]
    fn a_laid_out_block_keeps_its_lines() {
        let block = "--formula:1:3: unknown function `sinn`\n  x'=sinn(y)\n     ^^^^";
        let e = anyhow::Error::new(Block(block.into())).context("search");
        assert_eq!(error_text(&e), format!("search: {block}"));
    }
}
