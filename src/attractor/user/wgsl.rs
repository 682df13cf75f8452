//! WGSL text of a formula, in the form of the built-in maps: statements in which `x, y, z` and the
//! parameter names `a..g` are in scope, ending in `return vec3<f32>(...)`.
//!
//! Names cannot collide with WGSL's: locals become `l_<name>`, assigned coordinates `next_x`,
//! `next_y`, `next_z`, and helper values `h<n>`. Every operator is parenthesised and unary minus
//! is written `(-v)` (WGSL has a `--` token). Integer powers become products of a hoisted base,
//! as on the CPU; other powers use `pow` with the sign fixed up for a negative base and an
//! integer exponent, as C's `pow` does.
//!
//! Every operation that can leave float32 from finite operands is guarded ([`super::guard`]):
//! its operands are bound to names, a guard sets `bad`, and a step with `bad` set returns a point
//! beyond the divergence limit.

use super::fold::{self, Known, Val};
use super::guard;
use super::parse::{Ast, BinOp, Expr, ExprKind, Func, PARAM_NAMES, Target, Var};
use std::fmt::Write as _;

const COORDS: [&str; 3] = ["x", "y", "z"];
/// The uniform slots of the parameters a..g in `accumulate.wgsl`'s `Params`.
const SLOTS: [&str; 7] = [
    "params.k0.x",
    "params.k0.y",
    "params.k0.z",
    "params.k0.w",
    "params.k1.x",
    "params.k1.y",
    "params.k1.z",
];

struct Emitter<'a> {
    ast: &'a Ast,
    pre: Vec<String>,
    helpers: usize,
    known: Known,
}

/// The statements of the map body (see the module docs).
pub fn body(ast: &Ast) -> String {
    let mut e = Emitter {
        ast,
        pre: Vec::new(),
        helpers: 0,
        known: Known::default(),
    };
    let mut out = String::from("    var bad = false;\n");
    let mut assigned = [false; 3];
    for s in &ast.stmts {
        let (v, value) = e.expr(&s.expr);
        match s.target {
            Target::Coord(c) => e.known.coords[c as usize] = value,
            Target::Local(_) => e.known.locals.push(value),
        }
        for line in e.pre.drain(..) {
            let _ = writeln!(out, "    {line}");
        }
        let name = match s.target {
            Target::Coord(c) => {
                assigned[c as usize] = true;
                format!("next_{}", COORDS[c as usize])
            }
            Target::Local(l) => format!("l_{}", ast.locals[l as usize]),
        };
        let _ = writeln!(out, "    let {name} = {v};");
    }
    let out_name = |c: usize| {
        if assigned[c] {
            format!("next_{}", COORDS[c])
        } else {
            COORDS[c].to_string()
        }
    };
    // A guarded step lands beyond the divergence limit (a finite value: no NaN to rely on).
    let _ = writeln!(
        out,
        "    return select(vec3<f32>({}, {}, {}), vec3<f32>(2.0 * DIVERGENCE_LIMIT), bad);",
        out_name(0),
        out_name(1),
        out_name(2)
    );
    out
}

/// The complete `fn map_step` (as `src/gpu/accumulate.rs` builds it for a built-in): the point
/// unpacked into `x, y, z`, the parameters the formula uses bound from the uniforms, then
/// [`body`].
pub fn map_step(ast: &Ast) -> String {
    let mut s = String::from(
        "fn map_step(pin: vec3<f32>) -> vec3<f32> {\n    let x = pin.x;\n    let y = pin.y;\n    let z = pin.z;\n",
    );
    for (i, used) in ast.param_uses.iter().enumerate() {
        if used.is_some() {
            let _ = writeln!(s, "    let {} = {};", PARAM_NAMES[i], SLOTS[i]);
        }
    }
    s.push_str(&body(ast));
    s.push_str("}\n");
    s.push_str(&guard::helpers_wgsl());
    s
}

/// A finite f32 as a WGSL float literal (Rust's shortest round-trip form, which always has a `.`
/// or an exponent); negative values in parentheses.
fn literal(v: f32) -> String {
    let mut s = format!("{:?}", v.abs());
    if !s.contains(['.', 'e', 'E']) {
        s.push_str(".0");
    }
    if v.is_sign_negative() {
        format!("(-{s})")
    } else {
        s
    }
}

impl Emitter<'_> {
    /// Binds `value` to a fresh helper name unless it already is a plain name or number.
    fn hoist(&mut self, value: String) -> String {
        if value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return value;
        }
        let name = format!("h{}", self.helpers);
        self.helpers += 1;
        self.pre.push(format!("let {name} = {value};"));
        name
    }

    /// `bad` is set when `cond` holds (a guard of the module [`super::guard`]).
    fn guard(&mut self, cond: String) {
        self.pre.push(format!("bad = bad || {cond};"));
    }

    fn power(&mut self, base: &Expr, exp: &Expr) -> String {
        if let Some(n) = exp.small_integer() {
            if n == 0 {
                return "1.0".into();
            }
            let b = self.t(base);
            let b = self.hoist(b);
            // ((b * b) * b) ..., each product guarded, as the CPU multiplies.
            let mut acc = b.clone();
            for _ in 1..n.unsigned_abs() {
                self.guard(format!("guard_mul({acc}, {b})"));
                acc = self.hoist(format!("({acc} * {b})"));
            }
            if n < 0 {
                self.guard(format!("guard_div(1.0, {acc})"));
                return format!("(1.0 / {acc})");
            }
            return acc;
        }
        let b = self.t(base);
        let b = self.hoist(b);
        let e = self.t(exp);
        let e = self.hoist(e);
        self.guard(format!("guard_pow({b}, {e})"));
        let m = self.hoist(format!("pow(abs({b}), {e})"));
        // Negative base: defined for integer exponents (sign from the parity), NaN otherwise
        // (`pow` of a negative base).
        format!(
            "select(pow({b}, {e}), select({m}, (-{m}), fract({e} * 0.5) != 0.0), {b} < 0.0 && {e} == floor({e}))"
        )
    }

    /// `a op b` for + - * /, guarded where the result can leave float32: a constant factor of
    /// at most 1 or a constant divisor of at least 1 cannot make it.
    fn arithmetic(&mut self, op: BinOp, a: &Expr, b: &Expr) -> String {
        let small = |v: Val| v.is_some_and(|(_, v)| v.abs() <= 1.0);
        let (va, vb) = (self.value(a), self.value(b));
        let (a, b) = (self.t(a), self.t(b));
        let (a, b) = (self.hoist(a), self.hoist(b));
        match op {
            BinOp::Add => self.guard(format!("guard_sum({a}, {b})")),
            BinOp::Sub => self.guard(format!("guard_sum({a}, (-{b}))")),
            BinOp::Mul if !small(va) && !small(vb) => self.guard(format!("guard_mul({a}, {b})")),
            BinOp::Div if !vb.is_some_and(|(_, v)| v.abs() >= 1.0) => {
                self.guard(format!("guard_div({a}, {b})"))
            }
            _ => {}
        }
        format!("({a} {} {b})", op.symbol())
    }

    /// `f(v)` for a one-argument function, guarded where the CPU's result can be infinite or
    /// NaN (`tan` never is on the CPU; its GPU result is checked instead).
    fn call1(&mut self, f: Func, arg: &Expr) -> String {
        let v = self.t(arg);
        let v = self.hoist(v);
        let cond = match f {
            Func::Exp => Some(format!("{v} > GUARD_EXP_MAX")),
            Func::Sinh => Some(format!("abs({v}) > GUARD_SINH_MAX")),
            Func::Cosh => Some(format!("abs({v}) > GUARD_COSH_MAX")),
            Func::Log => Some(format!("{v} <= 0.0")),
            Func::Sqrt => Some(format!("{v} < 0.0")),
            Func::Asin | Func::Acos => Some(format!("abs({v}) > 1.0")),
            _ => None,
        };
        if let Some(c) = cond {
            self.guard(c);
        }
        let r = format!("{}({v})", f.name());
        if f == Func::Tan {
            let r = self.hoist(r);
            self.guard(format!("guard_not_finite({r})"));
            return r;
        }
        r
    }

    /// The WGSL of `e` and its value if constant; a constant part is written as one literal.
    fn expr(&mut self, e: &Expr) -> (String, Val) {
        let kids: Vec<Val> = fold::children(e)
            .into_iter()
            .map(|c| self.value(c))
            .collect();
        if let Some((_, v32)) = fold::node(e, &self.known, &kids) {
            return (literal(v32), Some((0.0, v32)));
        }
        (self.text(e), None)
    }

    /// The value of `e` if constant (recomputed per level: quadratic in the depth of a tree at
    /// worst, a few million operations for the longest formula).
    fn value(&self, e: &Expr) -> Val {
        let kids: Vec<Val> = fold::children(e)
            .into_iter()
            .map(|c| self.value(c))
            .collect();
        fold::node(e, &self.known, &kids)
    }

    fn t(&mut self, e: &Expr) -> String {
        self.expr(e).0
    }

    fn text(&mut self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Num { v32, .. } => literal(*v32),
            ExprKind::Var(v) => match *v {
                Var::Old(c) => COORDS[c as usize].into(),
                Var::New(c) => format!("next_{}", COORDS[c as usize]),
                Var::Param(p) => PARAM_NAMES[p as usize].to_string(),
                Var::Local(l) => format!("l_{}", self.ast.locals[l as usize]),
                Var::Pi => literal(std::f32::consts::PI),
            },
            ExprKind::Neg(a) => format!("(-{})", self.t(a)),
            ExprKind::Bin(BinOp::Pow, b, x) => self.power(b, x),
            ExprKind::Bin(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b) => {
                let (a, b) = (self.t(a), self.t(b));
                format!("select(0.0, 1.0, {a} {} {b})", op.symbol())
            }
            ExprKind::Bin(op, a, b) => self.arithmetic(*op, a, b),
            ExprKind::Call(Func::Pow, args) => self.power(&args[0], &args[1]),
            ExprKind::Call(Func::Select, args) => {
                let c = self.t(&args[0]);
                let t = self.t(&args[1]);
                let f = self.t(&args[2]);
                format!("select({f}, {t}, {c} != 0.0)")
            }
            ExprKind::Call(f, args) if args.len() == 1 => self.call1(*f, &args[0]),
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.t(a)).collect();
                format!("{}({})", f.name(), args.join(", "))
            }
        }
    }
}
