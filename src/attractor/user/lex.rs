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
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        i: 0,
        depth: 0,
        out: Vec::new(),
    };
    while lexer.i < lexer.bytes.len() {
        lexer.step()?;
    }
    lexer.out.push(Token {
        kind: Tok::Eof,
        span: text.len()..text.len(),
    });
    Ok(lexer.out)
}

/// The lexer's state: the position `i` (bytes), the parenthesis depth and the tokens so far.
struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    depth: usize,
    out: Vec<Token>,
}

/// The token of a character that is a whole token by itself (a newline is a separator only
/// outside parentheses, so it is handled apart).
fn single_char_token(c: u8) -> Option<Tok> {
    Some(match c {
        b';' => Tok::Sep,
        b'+' => Tok::Plus,
        b'-' => Tok::Minus,
        b'/' => Tok::Slash,
        b'^' => Tok::Caret,
        b'(' => Tok::LParen,
        b')' => Tok::RParen,
        b',' => Tok::Comma,
        _ => return None,
    })
}

impl Lexer<'_> {
    /// Reads the token (or white space, or comment) at `i`.
    fn step(&mut self) -> Result<(), FormulaError> {
        let c = self.bytes[self.i];
        if let Some(kind) = single_char_token(c) {
            match kind {
                Tok::LParen => self.depth += 1,
                Tok::RParen => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            self.push(kind, 1);
            return Ok(());
        }
        match c {
            b' ' | b'\t' | b'\r' => self.i += 1,
            b'#' => self.skip_while(|b| b != b'\n'),
            b'\n' if self.depth == 0 => self.push(Tok::Sep, 1),
            b'\n' => self.i += 1,
            b'*' => {
                self.refuse_double(b'*', "`**`", "write powers with `^`, e.g. `x^2`")?;
                self.push(Tok::Star, 1);
            }
            b'=' => {
                self.refuse_double(
                    b'=',
                    "`==`",
                    "only `<`, `<=`, `>`, `>=` compare; combine them, e.g. `(a <= b) * (b <= a)`",
                )?;
                self.push(Tok::Assign, 1);
            }
            b'<' | b'>' => self.comparison(c),
            b'0'..=b'9' | b'.' => self.number()?,
            c if c.is_ascii_alphabetic() || c == b'_' => self.name(),
            _ => {
                // Report the whole (possibly multi-byte) character.
                let ch = self.text[self.i..].chars().next().unwrap_or('?');
                return Err(FormulaError::new(
                    ErrorKind::UnexpectedChar { found: ch },
                    self.i..self.i + ch.len_utf8(),
                ));
            }
        }
        Ok(())
    }

    /// Pushes a token of `len` bytes starting at `i` and moves past it.
    fn push(&mut self, kind: Tok, len: usize) {
        self.out.push(Token {
            kind,
            span: self.i..self.i + len,
        });
        self.i += len;
    }

    /// Moves `i` forward while the byte there satisfies `keep`.
    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.i < self.bytes.len() && keep(self.bytes[self.i]) {
            self.i += 1;
        }
    }

    /// Refuses an operator of another language (`**`, `==`): the byte at `i` doubled.
    fn refuse_double(&self, c: u8, what: &str, hint: &str) -> Result<(), FormulaError> {
        if self.bytes.get(self.i + 1) != Some(&c) {
            return Ok(());
        }
        Err(FormulaError::new(
            ErrorKind::Unsupported {
                what: what.into(),
                hint: hint.into(),
            },
            self.i..self.i + 2,
        ))
    }

    /// `<`, `<=`, `>` or `>=`.
    fn comparison(&mut self, c: u8) {
        let eq = self.bytes.get(self.i + 1) == Some(&b'=');
        let kind = match (c, eq) {
            (b'<', false) => Tok::Lt,
            (b'<', true) => Tok::Le,
            (_, false) => Tok::Gt,
            (_, true) => Tok::Ge,
        };
        self.push(kind, if eq { 2 } else { 1 });
    }

    /// A number literal: digits, an optional fraction, an optional exponent.
    fn number(&mut self) -> Result<(), FormulaError> {
        let start = self.i;
        self.skip_while(|b| b.is_ascii_digit());
        if self.bytes.get(self.i) == Some(&b'.') {
            self.i += 1;
            self.skip_while(|b| b.is_ascii_digit());
        }
        if matches!(self.bytes.get(self.i), Some(b'e' | b'E')) {
            // An exponent only if digits follow (`2e` alone is a number and a name).
            let mut j = self.i + 1;
            if matches!(self.bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if self.bytes.get(j).is_some_and(u8::is_ascii_digit) {
                self.i = j;
                self.skip_while(|b| b.is_ascii_digit());
            }
        }
        let s = &self.text[start..self.i];
        if s == "." {
            return Err(FormulaError::new(
                ErrorKind::UnexpectedChar { found: '.' },
                start..self.i,
            ));
        }
        self.out.push(Token {
            kind: Tok::Num(s.to_string()),
            span: start..self.i,
        });
        Ok(())
    }

    /// An identifier, primed (`x'`) when a `'` follows it directly.
    fn name(&mut self) {
        let start = self.i;
        self.skip_while(|b| b.is_ascii_alphanumeric() || b == b'_');
        let name = self.text[start..self.i].to_string();
        let kind = if self.bytes.get(self.i) == Some(&b'\'') {
            self.i += 1;
            Tok::Primed(name)
        } else {
            Tok::Ident(name)
        };
        self.out.push(Token {
            kind,
            span: start..self.i,
        });
    }
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
