//! Constant folding: the value of every part of a formula that has no variables (literals, `pi`,
//! and locals or coordinates defined by such parts), in float64 and float32.
//!
//! Used twice: [`super::UserMap::parse`] refuses a constant part that is not finite (WGSL
//! compilers fold constant expressions and reject a non-finite result), and the WGSL emitter
//! writes every constant part as one literal, so the GPU compiler never has a constant expression
//! to fold at all.

use super::parse::{BinOp, Expr, ExprKind, Func, Var};
use super::program::{bin_32, bin_64, f1_32, f1_64, f2_32, f2_64, select_32, select_64};

/// A part's value in (float64, float32), if it has no variables.
pub type Val = Option<(f64, f32)>;

/// The constant values of the names defined so far.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub locals: Vec<Val>,
    pub coords: [Val; 3],
}

/// The value of `e` given its children's values (`kids`, in order: the operand(s) or arguments).
pub fn node(e: &Expr, known: &Known, kids: &[Val]) -> Val {
    match &e.kind {
        ExprKind::Num { v64, v32, .. } => Some((*v64, *v32)),
        ExprKind::Var(Var::Pi) => Some((std::f64::consts::PI, std::f32::consts::PI)),
        ExprKind::Var(Var::Local(l)) => known.locals.get(*l as usize).copied().flatten(),
        ExprKind::Var(Var::New(c)) => known.coords[*c as usize],
        ExprKind::Var(_) => None,
        ExprKind::Neg(_) => kids[0].map(|(a, b)| (-a, -b)),
        ExprKind::Bin(op, ..) => {
            let (a, b) = (kids[0]?, kids[1]?);
            Some((bin_64(*op, a.0, b.0), bin_32(*op, a.1, b.1)))
        }
        ExprKind::Call(f, _) => {
            let v: Option<Vec<(f64, f32)>> = kids.iter().copied().collect();
            let v = v?;
            Some(match (*f, v.as_slice()) {
                (Func::Select, [c, t, e]) => (select_64(c.0, t.0, e.0), select_32(c.1, t.1, e.1)),
                (Func::Pow, [a, b]) => (bin_64(BinOp::Pow, a.0, b.0), bin_32(BinOp::Pow, a.1, b.1)),
                (f, [a, b]) => (f2_64(f, a.0, b.0), f2_32(f, a.1, b.1)),
                (f, [a]) => (f1_64(f, a.0), f1_32(f, a.1)),
                _ => (f64::NAN, f32::NAN),
            })
        }
    }
}

/// The children of a node, in the order [`node`] expects their values.
pub fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Num { .. } | ExprKind::Var(_) => Vec::new(),
        ExprKind::Neg(a) => vec![a],
        ExprKind::Bin(_, a, b) => vec![a, b],
        ExprKind::Call(_, args) => args.iter().collect(),
    }
}
