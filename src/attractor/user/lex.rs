//! The lexer of the formula language: text -> tokens with byte spans.
//!
//! Newlines separate statements only outside parentheses (inside, they are plain white space), so
//! a long expression may be wrapped inside `( ... )`. `#` starts a comment that runs to the end of
//! the line.

use super::error::{ErrorKind, FormulaError};
use std::ops::Range;

/// One token and where it stands in the text (byte offsets).
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: Tok,
    pub span: Range<usize>,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A number literal, as written (`2`, `0.4`, `.5`, `1e-3`).
    Num(String),
    /// An identifier (`sin`, `x`, `t`).
    Ident(String),
    /// An identifier followed directly by `'` (`x'`).
    Primed(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    /// `=`
    Assign,
    Lt,
    Le,
    Gt,
    Ge,
    /// `;` or a newline outside parentheses.
    Sep,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Num(s) => format!("number `{s}`"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Primed(s) => format!("`{s}'`"),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Star => "`*`".into(),
            Tok::Slash => "`/`".into(),
            Tok::Caret => "`^`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Assign => "`=`".into(),
            Tok::Lt => "`<`".into(),
            Tok::Le => "`<=`".into(),
            Tok::Gt => "`>`".into(),
            Tok::Ge => "`>=`".into(),
            Tok::Sep => "the end of the statement".into(),
            Tok::Eof => "the end of the formula".into(),
        }
    }
}

/// Splits `text` into tokens, ending with [`Tok::Eof`].
pub fn lex(text: &str) -> Result<Vec<Token>, FormulaError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = |kind: Tok| Token {
            kind,
            span: start..start + 1,
        };
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                if depth == 0 {
                    out.push(single(Tok::Sep));
                }
                i += 1;
            }
            b';' => {
                out.push(single(Tok::Sep));
                i += 1;
            }
            b'+' => {
                out.push(single(Tok::Plus));
                i += 1;
            }
            b'-' => {
                out.push(single(Tok::Minus));
                i += 1;
            }
            b'*' => {
                if bytes.get(i + 1) == Some(&b'*') {
                    return Err(FormulaError::new(
                        ErrorKind::Unsupported {
                            what: "`**`".into(),
                            hint: "write powers with `^`, e.g. `x^2`".into(),
                        },
                        i..i + 2,
                    ));
                }
                out.push(single(Tok::Star));
                i += 1;
            }
            b'/' => {
                out.push(single(Tok::Slash));
                i += 1;
            }
            b'^' => {
                out.push(single(Tok::Caret));
                i += 1;
            }
            b'(' => {
                depth += 1;
                out.push(single(Tok::LParen));
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                out.push(single(Tok::RParen));
                i += 1;
            }
            b',' => {
                out.push(single(Tok::Comma));
                i += 1;
            }
            b'=' => {
                if bytes.get(i + 1) == Some(&b'=') {
                    return Err(FormulaError::new(
                        ErrorKind::Unsupported {
                            what: "`==`".into(),
                            hint: "only `<`, `<=`, `>`, `>=` compare; combine them, e.g. \
                                   `(a <= b) * (b <= a)`"
                                .into(),
                        },
                        i..i + 2,
                    ));
                }
                out.push(single(Tok::Assign));
                i += 1;
            }
            b'<' | b'>' => {
                let eq = bytes.get(i + 1) == Some(&b'=');
                let kind = match (c, eq) {
                    (b'<', false) => Tok::Lt,
                    (b'<', true) => Tok::Le,
                    (_, false) => Tok::Gt,
                    (_, true) => Tok::Ge,
                };
                let len = if eq { 2 } else { 1 };
                out.push(Token {
                    kind,
                    span: i..i + len,
                });
                i += len;
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                    // An exponent only if digits follow (`2e` alone is a number and a name).
                    let mut j = i + 1;
                    if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                        j += 1;
                    }
                    if j < bytes.len() && bytes[j].is_ascii_digit() {
                        i = j;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                let s = &text[start..i];
                if s == "." {
                    return Err(FormulaError::new(
                        ErrorKind::UnexpectedChar { found: '.' },
                        start..i,
                    ));
                }
                out.push(Token {
                    kind: Tok::Num(s.to_string()),
                    span: start..i,
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let name = text[start..i].to_string();
                if bytes.get(i) == Some(&b'\'') {
                    i += 1;
                    out.push(Token {
                        kind: Tok::Primed(name),
                        span: start..i,
                    });
                } else {
                    out.push(Token {
                        kind: Tok::Ident(name),
                        span: start..i,
                    });
                }
            }
            _ => {
                // Report the whole (possibly multi-byte) character.
                let ch = text[start..].chars().next().unwrap_or('?');
                return Err(FormulaError::new(
                    ErrorKind::UnexpectedChar { found: ch },
                    start..start + ch.len_utf8(),
                ));
            }
        }
    }
    out.push(Token {
        kind: Tok::Eof,
        span: text.len()..text.len(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_spans() {
        let t = lex("x' = 2.5e-1*y").unwrap();
        assert_eq!(t[0].kind, Tok::Primed("x".into()));
        assert_eq!(t[0].span, 0..2);
        assert_eq!(t[2].kind, Tok::Num("2.5e-1".into()));
        assert_eq!(t[2].span, 5..11);
        assert_eq!(t.last().unwrap().kind, Tok::Eof);
    }

    #[test]
    fn newlines_separate_only_outside_parentheses() {
        assert_eq!(
            kinds("a\n(b\n)"),
            vec![
                Tok::Ident("a".into()),
                Tok::Sep,
                Tok::LParen,
                Tok::Ident("b".into()),
                Tok::RParen,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn exponent_needs_digits() {
        // `2e` is the number 2 followed by the name e (the parameter).
        assert_eq!(
            kinds("2e"),
            vec![Tok::Num("2".into()), Tok::Ident("e".into()), Tok::Eof]
        );
        assert_eq!(kinds(".5"), vec![Tok::Num(".5".into()), Tok::Eof]);
    }

    #[test]
    fn comments_and_bad_characters() {
        assert_eq!(kinds("# hello\n"), vec![Tok::Sep, Tok::Eof]);
        let e = lex("x' = 1 $ 2").unwrap_err();
        assert_eq!(e.span, 7..8);
        let e = lex("x' = é").unwrap_err();
        assert_eq!(e.span, 5..7);
        assert!(lex("x' = y**2").is_err());
    }
}
