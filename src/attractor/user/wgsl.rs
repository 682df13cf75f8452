//! WGSL text of a formula, in the form of the built-in maps: statements in which `x, y, z` and the
//! parameter names `a..g` are in scope, ending in `return vec3<f32>(...)`.
//!
//! Names cannot collide with WGSL's: locals become `l_<name>`, assigned coordinates `next_x`,
//! `next_y`, `next_z`, and helper values `h<n>`. Every operator is parenthesised and unary minus
//! is written `(-v)` (WGSL has a `--` token). Integer powers become products of a hoisted base,
//! as on the CPU; other powers use `pow` with the sign fixed up for a negative base and an
//! integer exponent, as C's `pow` does.

use super::fold::{self, Known, Val};
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
    let mut out = String::new();
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
    let _ = writeln!(
        out,
        "    return vec3<f32>({}, {}, {});",
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

    fn power(&mut self, base: &Expr, exp: &Expr) -> String {
        if let Some(n) = exp.small_integer() {
            if n == 0 {
                return "1.0".into();
            }
            let b = self.t(base);
            let b = self.hoist(b);
            let product = vec![b.as_str(); n.unsigned_abs() as usize].join(" * ");
            return if n < 0 {
                format!("(1.0 / ({product}))")
            } else {
                format!("({product})")
            };
        }
        let b = self.t(base);
        let b = self.hoist(b);
        let e = self.t(exp);
        let e = self.hoist(e);
        let m = self.hoist(format!("pow(abs({b}), {e})"));
        // Negative base: defined for integer exponents (sign from the parity), NaN otherwise
        // (`pow` of a negative base).
        format!(
            "select(pow({b}, {e}), select({m}, (-{m}), fract({e} * 0.5) != 0.0), {b} < 0.0 && {e} == floor({e}))"
        )
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
            ExprKind::Bin(op, a, b) => {
                let (a, b) = (self.t(a), self.t(b));
                format!("({a} {} {b})", op.symbol())
            }
            ExprKind::Call(Func::Pow, args) => self.power(&args[0], &args[1]),
            ExprKind::Call(Func::Select, args) => {
                let c = self.t(&args[0]);
                let t = self.t(&args[1]);
                let f = self.t(&args[2]);
                format!("select({f}, {t}, {c} != 0.0)")
            }
            ExprKind::Call(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.t(a)).collect();
                format!("{}({})", f.name(), args.join(", "))
            }
        }
    }
}
