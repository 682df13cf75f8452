//! The parser: tokens -> one resolved AST ([`Ast`], in [`super::ast`]).
//!
//! Grammar (lowest precedence first; `^` is right-associative and binds tighter than unary minus,
//! so `-2^2 = -4` and `2^3^2 = 512`; the exponent may itself start with `-`: `2^-1`):
//!
//! ```text
//! formula  := sep* (stmt (sep+ stmt)*)? sep* EOF        sep := ';' | newline outside ( )
//! stmt     := (NAME | x' | y' | z') '=' expr
//! expr     := sum (('<' | '<=' | '>' | '>=') sum)*      comparisons give 1 or 0
//! sum      := product (('+' | '-') product)*
//! product  := unary (('*' | '/') unary)*
//! unary    := '-' unary | power
//! power    := atom ('^' unary)?
//! atom     := NUMBER | NAME | x' | y' | z' | NAME '(' expr (',' expr)* ')' | '(' expr ')'
//! ```
//!
//! Names are resolved while parsing, in statement order: a name must be defined on an earlier
//! line, and `x'` may be read only after it is assigned.

use super::ast::COORDS;
pub use super::ast::*;
use super::error::{ErrorKind, FormulaError};
use super::lex::{Tok, Token, lex};
use std::ops::Range;

mod names;

/// Parses and resolves a formula (limits included).
pub fn parse(text: &str) -> Result<Ast, FormulaError> {
    if text.len() > MAX_TEXT {
        return Err(FormulaError::new(
            ErrorKind::TooLong {
                len: text.len(),
                max: MAX_TEXT,
            },
            MAX_TEXT..text.len(),
        ));
    }
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        locals: Vec::new(),
        assigned: [false; 3],
        param_uses: Default::default(),
    };
    let mut stmts = Vec::new();
    loop {
        while p.peek() == &Tok::Sep {
            p.pos += 1;
        }
        if p.peek() == &Tok::Eof {
            break;
        }
        stmts.push(p.statement()?);
        match p.peek() {
            Tok::Sep | Tok::Eof => {}
            _ => return Err(p.expected("an operator, `;` or the end of the formula")),
        }
    }
    for (c, name) in [(0, "x'"), (1, "y'")] {
        if !p.assigned[c] {
            return Err(FormulaError::new(
                ErrorKind::MissingCoordinate { name },
                text.len()..text.len(),
            ));
        }
    }
    Ok(Ast {
        stmts,
        locals: p.locals.into_iter().map(|(n, _)| n).collect(),
        param_uses: p.param_uses,
    })
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    locals: Vec<(String, Range<usize>)>,
    assigned: [bool; 3],
    param_uses: [Option<Range<usize>>; 7],
}

fn err<T>(kind: ErrorKind, span: Range<usize>) -> Result<T, FormulaError> {
    Err(FormulaError::new(kind, span))
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].kind
    }

    fn span(&self) -> Range<usize> {
        self.tokens[self.pos].span.clone()
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if t.kind != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn expected(&self, what: &str) -> FormulaError {
        FormulaError::new(
            ErrorKind::Expected {
                expected: what.into(),
                found: self.peek().describe(),
            },
            self.span(),
        )
    }

    fn enter(&mut self, span: Range<usize>) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(ErrorKind::TooDeep { max: MAX_DEPTH }, span);
        }
        Ok(())
    }

    fn statement(&mut self) -> Result<Stmt, FormulaError> {
        let t = self.next();
        let span = t.span.clone();
        enum Pending {
            Coord(u8),
            Local(String),
        }
        let pending = match &t.kind {
            Tok::Primed(n) => match COORDS.iter().position(|c| c == n) {
                Some(c) if self.assigned[c] => {
                    return err(
                        ErrorKind::AssignedTwice {
                            name: format!("{n}'"),
                        },
                        span,
                    );
                }
                Some(c) => Pending::Coord(c as u8),
                None => return err(ErrorKind::OnlyCoordinatesPrimed { name: n.clone() }, span),
            },
            Tok::Ident(n) => {
                let read_only = |what, hint| {
                    err(
                        ErrorKind::ReadOnly {
                            name: n.clone(),
                            what,
                            hint,
                        },
                        span.clone(),
                    )
                };
                if COORDS.contains(&n.as_str()) {
                    return read_only(
                        "the current point",
                        "; assign the next point with a prime, e.g. `x' = ...`",
                    );
                } else if n.len() == 1 && PARAM_NAMES.contains(&n.chars().next().unwrap_or(' ')) {
                    return read_only(
                        "a parameter (an .atr column a..g)",
                        "; pick another name for a local definition",
                    );
                } else if n == "pi" {
                    return read_only("a constant", "");
                } else if Func::from_name(n).is_some() {
                    return read_only("a function", "");
                } else if self.locals.iter().any(|(l, _)| l == n) {
                    return err(ErrorKind::AssignedTwice { name: n.clone() }, span);
                }
                Pending::Local(n.clone())
            }
            _ => {
                self.pos -= usize::from(t.kind != Tok::Eof);
                return Err(self.expected("an assignment such as `x' = ...`"));
            }
        };
        if self.peek() != &Tok::Assign {
            return Err(self.expected("`=`"));
        }
        self.next();
        let expr = self.expr()?;
        let target = match pending {
            Pending::Coord(c) => {
                self.assigned[c as usize] = true;
                Target::Coord(c)
            }
            Pending::Local(n) => {
                if self.locals.len() >= u16::MAX as usize {
                    return err(ErrorKind::TooDeep { max: MAX_DEPTH }, span);
                }
                self.locals.push((n, span.clone()));
                Target::Local((self.locals.len() - 1) as u16)
            }
        };
        Ok(Stmt {
            target,
            target_span: span,
            expr,
        })
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        let mut lhs = self.sum()?;
        loop {
            let op = match self.peek() {
                Tok::Lt => BinOp::Lt,
                Tok::Le => BinOp::Le,
                Tok::Gt => BinOp::Gt,
                Tok::Ge => BinOp::Ge,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.sum()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.product()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.next();
            let rhs = self.unary()?;
            lhs = bin(op, lhs, rhs);
        }
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.peek() == &Tok::Minus {
            let start = self.next().span.start;
            self.enter(start..start + 1)?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(inner)),
                span,
            });
        }
        if self.peek() == &Tok::Plus {
            return err(
                ErrorKind::Unsupported {
                    what: "unary `+`".into(),
                    hint: "leave it out".into(),
                },
                self.span(),
            );
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, FormulaError> {
        let base = self.atom()?;
        if self.peek() != &Tok::Caret {
            return Ok(base);
        }
        let caret = self.next().span;
        self.enter(caret)?;
        let exp = self.unary()?;
        self.depth -= 1;
        Ok(bin(BinOp::Pow, base, exp))
    }

    fn atom(&mut self) -> Result<Expr, FormulaError> {
        let t = self.next();
        let span = t.span.clone();
        match t.kind {
            Tok::Num(text) => {
                let v64: f64 = text.parse().unwrap_or(f64::INFINITY);
                let v32: f32 = text.parse().unwrap_or(f32::INFINITY);
                if !v32.is_finite() || !v64.is_finite() {
                    return err(ErrorKind::BadNumber { text }, span);
                }
                if v32 == 0.0 && v64 != 0.0 {
                    return err(ErrorKind::NumberUnderflows { text }, span);
                }
                Ok(Expr {
                    kind: ExprKind::Num { text, v64, v32 },
                    span,
                })
            }
            Tok::LParen => {
                self.enter(span.clone())?;
                let inner = self.expr()?;
                self.depth -= 1;
                if self.peek() != &Tok::RParen {
                    return Err(self.expected("`)`"));
                }
                let end = self.next().span.end;
                // Keep the node; widen its span to the parentheses.
                Ok(Expr {
                    kind: inner.kind,
                    span: span.start..end,
                })
            }
            Tok::Ident(name) if self.peek() == &Tok::LParen => self.call(name, span),
            Tok::Ident(name) => self.name(&name, span),
            Tok::Primed(name) => match COORDS.iter().position(|c| *c == name) {
                Some(c) if self.assigned[c] => Ok(Expr {
                    kind: ExprKind::Var(Var::New(c as u8)),
                    span,
                }),
                Some(_) => err(ErrorKind::UsedBeforeAssigned { name }, span),
                None => err(ErrorKind::OnlyCoordinatesPrimed { name }, span),
            },
            _ => {
                self.pos -= usize::from(t.kind != Tok::Eof);
                Err(self.expected("a number, a name, a function call or `(`"))
            }
        }
    }

    fn call(&mut self, name: String, span: Range<usize>) -> Result<Expr, FormulaError> {
        let Some(func) = Func::from_name(&name) else {
            if self.is_variable(&name) {
                return err(ErrorKind::NotAFunction { name }, span);
            }
            let suggestion =
                crate::suggest::did_you_mean(&name, Func::ALL.iter().map(|f| f.name()));
            return err(ErrorKind::UnknownFunction { name, suggestion }, span);
        };
        let open = self.next().span;
        self.enter(open)?;
        let mut args = Vec::new();
        if self.peek() != &Tok::RParen {
            loop {
                args.push(self.expr()?);
                match self.peek() {
                    Tok::Comma => {
                        self.next();
                    }
                    Tok::RParen => break,
                    _ => return Err(self.expected("`,` or `)`")),
                }
            }
        }
        self.depth -= 1;
        let end = self.next().span.end;
        if args.len() != func.arity() {
            return err(
                ErrorKind::WrongArity {
                    name,
                    expected: func.arity(),
                    found: args.len(),
                },
                span.start..end,
            );
        }
        Ok(Expr {
            kind: ExprKind::Call(func, args),
            span: span.start..end,
        })
    }
}

fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    let span = l.span.start..r.span.end;
    Expr {
        kind: ExprKind::Bin(op, Box::new(l), Box::new(r)),
        span,
    }
}
