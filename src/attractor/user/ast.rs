//! The resolved syntax tree of a formula ([`Ast`]), its limits, and the tree printed back as
//! formula text. [`super::parse`] builds it.

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
pub(super) const COORDS: [&str; 3] = ["x", "y", "z"];

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
    /// The statements in source order (locals first defined, then used; each coordinate assigned once).
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
