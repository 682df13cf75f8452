//! The parser: tokens -> one resolved AST ([`Ast`]), and the AST printed back as formula text.
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

use super::error::{ErrorKind, FormulaError};
use super::lex::{Tok, Token, lex};
use std::fmt::Write as _;
use std::ops::Range;

/// Largest |n| for which `u ^ n` is expanded into multiplications.
pub const MAX_INT_POWER: i32 = 32;

/// Longest formula text accepted, in bytes.
pub const MAX_TEXT: usize = 4096;
/// Deepest nesting of parentheses, calls, unary minus and `^` exponents.
pub const MAX_DEPTH: usize = 64;

/// Parameter names, in `.atr` column order.
pub const PARAM_NAMES: [char; 7] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const COORDS: [&str; 3] = ["x", "y", "z"];

/// A value a formula reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// The current point: 0 = x, 1 = y, 2 = z.
    Old(u8),
    /// A coordinate assigned on an earlier line: 0 = x', 1 = y', 2 = z'.
    New(u8),
    /// Parameter 0..7 = a..g.
    Param(u8),
    /// A local definition, by index into [`Ast::locals`].
    Local(u16),
    /// The constant pi.
    Pi,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
        }
    }

    /// Binding strength, used for printing with the fewest parentheses.
    fn prec(self) -> u8 {
        match self {
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 0,
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
            BinOp::Pow => 4,
        }
    }
}

macro_rules! functions {
    ($($v:ident $name:literal $arity:literal,)*) => {
        /// The built-in functions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Func { $($v,)* }
        impl Func {
            /// Every function, in documentation order.
            pub const ALL: &'static [Func] = &[$(Func::$v,)*];
            pub fn name(self) -> &'static str {
                match self { $(Func::$v => $name,)* }
            }
            pub fn arity(self) -> usize {
                match self { $(Func::$v => $arity,)* }
            }
        }
    };
}

functions! {
    Sin "sin" 1, Cos "cos" 1, Tan "tan" 1, Asin "asin" 1, Acos "acos" 1, Atan "atan" 1,
    Atan2 "atan2" 2, Sinh "sinh" 1, Cosh "cosh" 1, Tanh "tanh" 1, Exp "exp" 1, Log "log" 1,
    Sqrt "sqrt" 1, Abs "abs" 1, Sign "sign" 1, Floor "floor" 1, Fract "fract" 1, Min "min" 2,
    Max "max" 2, Pow "pow" 2, Select "select" 3,
}

impl Func {
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// An expression node and the text it came from.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Range<usize>,
}

/// Expression kinds.
#[derive(Clone, Debug)]
pub enum ExprKind {
    /// A literal: its text, and the text parsed as f64 and (separately, as Rust literals are) as
    /// f32.
    Num {
        text: String,
        v64: f64,
        v32: f32,
    },
    Var(Var),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

impl Expr {
    /// Structural equality, ignoring spans (and so white space and redundant parentheses).
    pub fn same(&self, other: &Expr) -> bool {
        match (&self.kind, &other.kind) {
            (ExprKind::Num { text: a, .. }, ExprKind::Num { text: b, .. }) => a == b,
            (ExprKind::Var(a), ExprKind::Var(b)) => a == b,
            (ExprKind::Neg(a), ExprKind::Neg(b)) => a.same(b),
            (ExprKind::Bin(o, a, b), ExprKind::Bin(p, c, d)) => o == p && a.same(c) && b.same(d),
            (ExprKind::Call(f, a), ExprKind::Call(g, b)) => {
                f == g && a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.same(b))
            }
            _ => false,
        }
    }

    fn prec(&self) -> u8 {
        match &self.kind {
            ExprKind::Bin(op, ..) => op.prec(),
            ExprKind::Neg(_) => 3,
            _ => 5,
        }
    }

    /// The integer value of a literal exponent (`2`, `-3`, `2.0`), if it is one.
    pub fn small_integer(&self) -> Option<i32> {
        let v = match &self.kind {
            ExprKind::Num { v64, .. } => *v64,
            ExprKind::Neg(inner) => match &inner.kind {
                ExprKind::Num { v64, .. } => -*v64,
                _ => return None,
            },
            _ => return None,
        };
        (v.fract() == 0.0 && v.abs() <= MAX_INT_POWER as f64).then_some(v as i32)
    }
}

/// What a statement assigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// 0 = x', 1 = y', 2 = z'.
    Coord(u8),
    Local(u16),
}

/// One `target = expr` line.
#[derive(Clone, Debug)]
pub struct Stmt {
    pub target: Target,
    pub target_span: Range<usize>,
    pub expr: Expr,
}

/// A parsed, name-resolved formula.
#[derive(Clone, Debug)]
pub struct Ast {
    pub stmts: Vec<Stmt>,
    /// Local definitions, in order.
    pub locals: Vec<String>,
    /// Where each parameter a..g is first read (None: unused).
    pub param_uses: [Option<Range<usize>>; 7],
}

impl Ast {
    /// Structural equality (see [`Expr::same`]).
    pub fn same(&self, other: &Ast) -> bool {
        self.locals == other.locals
            && self.stmts.len() == other.stmts.len()
            && self
                .stmts
                .iter()
                .zip(&other.stmts)
                .all(|(a, b)| a.target == b.target && a.expr.same(&b.expr))
    }

    /// The formula as text, statements joined by `"; "`, with the fewest parentheses that parse
    /// back to the same tree.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.stmts.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            match s.target {
                Target::Coord(c) => {
                    let _ = write!(out, "{}'", COORDS[c as usize]);
                }
                Target::Local(l) => out.push_str(&self.locals[l as usize]),
            }
            out.push_str(" = ");
            self.write_expr(&s.expr, &mut out);
        }
        out
    }

    fn write_expr(&self, e: &Expr, out: &mut String) {
        let child = |this: &Ast, c: &Expr, parens: bool, out: &mut String| {
            if parens {
                out.push('(');
            }
            this.write_expr(c, out);
            if parens {
                out.push(')');
            }
        };
        match &e.kind {
            ExprKind::Num { text, .. } => out.push_str(text),
            ExprKind::Var(v) => out.push_str(&self.var_name(*v)),
            ExprKind::Neg(inner) => {
                out.push('-');
                child(self, inner, inner.prec() < 3, out);
            }
            ExprKind::Bin(BinOp::Pow, l, r) => {
                child(self, l, l.prec() <= 4, out);
                out.push('^');
                child(self, r, r.prec() < 3, out);
            }
            ExprKind::Bin(op, l, r) => {
                let p = op.prec();
                child(self, l, l.prec() < p, out);
                let _ = write!(out, " {} ", op.symbol());
                child(self, r, r.prec() <= p, out);
            }
            ExprKind::Call(f, args) => {
                out.push_str(f.name());
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_expr(a, out);
                }
                out.push(')');
            }
        }
    }

    /// The name of a variable as written in formulas.
    pub fn var_name(&self, v: Var) -> String {
        match v {
            Var::Old(c) => COORDS[c as usize].to_string(),
            Var::New(c) => format!("{}'", COORDS[c as usize]),
            Var::Param(p) => PARAM_NAMES[p as usize].to_string(),
            Var::Local(l) => self.locals[l as usize].clone(),
            Var::Pi => "pi".into(),
        }
    }
}

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

    fn name(&mut self, name: &str, span: Range<usize>) -> Result<Expr, FormulaError> {
        let var = if let Some(c) = COORDS.iter().position(|c| *c == name) {
            Var::Old(c as u8)
        } else if let Some(p) = PARAM_NAMES
            .iter()
            .position(|p| name.len() == 1 && name.starts_with(*p))
        {
            if self.param_uses[p].is_none() {
                self.param_uses[p] = Some(span.clone());
            }
            Var::Param(p as u8)
        } else if name == "pi" {
            Var::Pi
        } else if let Some(l) = self.locals.iter().position(|(l, _)| l == name) {
            Var::Local(l as u16)
        } else if Func::from_name(name).is_some() {
            return err(ErrorKind::FunctionWithoutCall { name: name.into() }, span);
        } else {
            let mut known: Vec<String> = ["x", "y", "z", "a", "b", "c", "d", "e", "f", "g", "pi"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            known.extend(self.locals.iter().map(|(l, _)| l.clone()));
            known.extend(Func::ALL.iter().map(|f| f.name().to_string()));
            let suggestion = crate::suggest::did_you_mean(name, known.iter().map(String::as_str));
            return err(
                ErrorKind::UnknownName {
                    name: name.into(),
                    suggestion,
                },
                span,
            );
        };
        Ok(Expr {
            kind: ExprKind::Var(var),
            span,
        })
    }

    fn call(&mut self, name: String, span: Range<usize>) -> Result<Expr, FormulaError> {
        let Some(func) = Func::from_name(&name) else {
            let is_var = COORDS.contains(&name.as_str())
                || (name.len() == 1 && PARAM_NAMES.iter().any(|p| name.starts_with(*p)))
                || name == "pi"
                || self.locals.iter().any(|(l, _)| *l == name);
            if is_var {
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
