//! The one escaping rule for everything that echoes input (names, paths, formulas, recipe
//! fields) to a terminal or into a one-line format: control characters (a newline, a tab, ESC)
//! are written as Rust escapes (`\n`, `\t`, `\u{1b}`), so echoed text cannot move the cursor,
//! recolour the terminal or break a line. A leaf module: every layer may use it.

/// `s` with control characters escaped (`\n`, `\u{1b}`), for echoing user text on one line.
pub fn printable(s: &str) -> String {
    escape(s, false)
}

/// `s` escaped as [`printable`] does, keeping its newlines when `keep_newlines` (a message laid
/// out on several lines on purpose).
pub fn escape(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && !(keep_newlines && c == '\n') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
