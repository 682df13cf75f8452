//! Lowering of the AST to a register program (one operation per instruction, in the order the
//! formula is written), shared by the float64 and float32 evaluators, and the meaning of every
//! operation in each precision.
//!
//! Registers: `0..3` hold the current point (x, y, z), `3..10` the parameters a..g, then the
//! constants (literals and pi, each in both precisions), then temporaries. Locals and assigned
//! coordinates keep their registers to the end of the step, so later lines can read them.
//!
//! Integer powers: `u ^ n` (and `pow(u, n)`) with `n` an integer literal, |n| <= [`MAX_INT_POWER`],
//! is repeated multiplication from the left, `u^3 = (u*u)*u`, `u^-n = 1/(u^n)`, `u^0 = 1`; so `x^2`
//! is bit for bit `x*x`. Every other power is `powf` (NaN for a negative base and a fractional
//! exponent, as in C's `pow`).

pub use super::parse::MAX_INT_POWER;
use super::parse::{Ast, BinOp, Expr, ExprKind, Func, Target, Var};
use crate::attractor::{prelude_f32, prelude_f64};

/// A register index.
pub type Reg = u16;

/// One operation of a [`Program`].
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Neg(Reg),
    Bin(BinOp, Reg, Reg),
    F1(Func, Reg),
    F2(Func, Reg, Reg),
    Select(Reg, Reg, Reg),
}

/// An operation and the register it writes.
#[derive(Clone, Copy, Debug)]
pub struct Instr {
    pub dst: Reg,
    pub op: Op,
}

/// The formula as straight-line register code.
#[derive(Clone, Debug)]
pub struct Program {
    pub code: Vec<Instr>,
    /// Constant values (f64, f32), loaded into registers `CONST_BASE..`.
    pub consts: Vec<(f64, f32)>,
    /// Registers needed in all.
    pub n_regs: usize,
    /// Registers holding x', y', z' at the end (z' defaults to z, register 2).
    pub out: [Reg; 3],
}

/// First constant register.
pub const CONST_BASE: usize = 10;

struct Lower {
    code: Vec<Instr>,
    consts: Vec<(f64, f32)>,
    /// Constant registers are numbered after all literals are known; until then temporaries are
    /// numbered from 0 in their own space and shifted at the end.
    top: usize,
    max_top: usize,
    locals: Vec<Slot>,
    coords: [Option<Slot>; 3],
}

/// A register before numbering: a fixed one (point, parameter, constant) or a temporary.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Fixed(usize),
    Const(usize),
    Temp(usize),
}

/// Same as [`Op`]/[`Instr`] over unnumbered slots.
#[derive(Clone, Copy)]
enum SOp {
    Neg(Slot),
    Bin(BinOp, Slot, Slot),
    F1(Func, Slot),
    F2(Func, Slot, Slot),
    Select(Slot, Slot, Slot),
}

/// Lowers a resolved AST.
pub fn lower(ast: &Ast) -> Program {
    let mut l = Lower {
        code: Vec::new(),
        consts: Vec::new(),
        top: 0,
        max_top: 0,
        locals: Vec::new(),
        coords: [None; 3],
    };
    let mut scode: Vec<(Slot, SOp)> = Vec::new();
    for s in &ast.stmts {
        let r = l.expr(&s.expr, &mut scode);
        if let Slot::Temp(t) = r {
            // Keep it alive for later lines.
            l.top = l.top.max(t + 1);
        }
        match s.target {
            Target::Coord(c) => l.coords[c as usize] = Some(r),
            Target::Local(_) => l.locals.push(r),
        }
    }
    let temp_base = CONST_BASE + l.consts.len();
    let num = |s: Slot| -> Reg {
        (match s {
            Slot::Fixed(i) => i,
            Slot::Const(i) => CONST_BASE + i,
            Slot::Temp(i) => temp_base + i,
        }) as Reg
    };
    l.code = scode
        .into_iter()
        .map(|(d, op)| Instr {
            dst: num(d),
            op: match op {
                SOp::Neg(a) => Op::Neg(num(a)),
                SOp::Bin(o, a, b) => Op::Bin(o, num(a), num(b)),
                SOp::F1(f, a) => Op::F1(f, num(a)),
                SOp::F2(f, a, b) => Op::F2(f, num(a), num(b)),
                SOp::Select(c, t, f) => Op::Select(num(c), num(t), num(f)),
            },
        })
        .collect();
    let out = [0, 1, 2].map(|c| l.coords[c].map_or(c as Reg, num));
    Program {
        code: l.code,
        consts: l.consts,
        n_regs: temp_base + l.max_top,
        out,
    }
}

impl Lower {
    fn constant(&mut self, v64: f64, v32: f32) -> Slot {
        let key = (v64.to_bits(), v32.to_bits());
        let i = match self
            .consts
            .iter()
            .position(|(a, b)| (a.to_bits(), b.to_bits()) == key)
        {
            Some(i) => i,
            None => {
                self.consts.push((v64, v32));
                self.consts.len() - 1
            }
        };
        Slot::Const(i)
    }

    fn alloc(&mut self) -> Slot {
        self.top += 1;
        self.max_top = self.max_top.max(self.top);
        Slot::Temp(self.top - 1)
    }

    fn emit(&mut self, mark: usize, op: SOp, code: &mut Vec<(Slot, SOp)>) -> Slot {
        self.top = mark;
        let d = self.alloc();
        code.push((d, op));
        d
    }

    fn expr(&mut self, e: &Expr, code: &mut Vec<(Slot, SOp)>) -> Slot {
        let mark = self.top;
        match &e.kind {
            ExprKind::Num { v64, v32, .. } => self.constant(*v64, *v32),
            ExprKind::Var(v) => match *v {
                Var::Old(c) => Slot::Fixed(c as usize),
                Var::Param(p) => Slot::Fixed(3 + p as usize),
                Var::Pi => self.constant(std::f64::consts::PI, std::f32::consts::PI),
                Var::Local(i) => self.locals[i as usize],
                // The parser only lets assigned coordinates be read.
                Var::New(c) => self.coords[c as usize].unwrap_or(Slot::Fixed(c as usize)),
            },
            ExprKind::Neg(a) => {
                let a = self.expr(a, code);
                self.emit(mark, SOp::Neg(a), code)
            }
            ExprKind::Bin(BinOp::Pow, base, exp) => self.power(mark, base, exp, code),
            ExprKind::Bin(op, a, b) => {
                let a = self.expr(a, code);
                let b = self.expr(b, code);
                self.emit(mark, SOp::Bin(*op, a, b), code)
            }
            ExprKind::Call(Func::Pow, args) => self.power(mark, &args[0], &args[1], code),
            ExprKind::Call(f, args) => {
                let r: Vec<Slot> = args.iter().map(|a| self.expr(a, code)).collect();
                let op = match (*f, r.as_slice()) {
                    (Func::Select, [c, t, f]) => SOp::Select(*c, *t, *f),
                    (f, [a, b]) => SOp::F2(f, *a, *b),
                    (f, [a]) => SOp::F1(f, *a),
                    _ => unreachable!("arity is checked by the parser"),
                };
                self.emit(mark, op, code)
            }
        }
    }

    fn power(&mut self, mark: usize, base: &Expr, exp: &Expr, code: &mut Vec<(Slot, SOp)>) -> Slot {
        let Some(n) = exp.small_integer() else {
            let a = self.expr(base, code);
            let b = self.expr(exp, code);
            return self.emit(mark, SOp::Bin(BinOp::Pow, a, b), code);
        };
        if n == 0 {
            return self.constant(1.0, 1.0);
        }
        let b = self.expr(base, code);
        let mut acc = b;
        if n.abs() >= 2 {
            // `b` may be a temporary at `mark`: the product goes above it.
            let d = self.alloc();
            code.push((d, SOp::Bin(BinOp::Mul, b, b)));
            for _ in 2..n.abs() {
                code.push((d, SOp::Bin(BinOp::Mul, d, b)));
            }
            acc = d;
        }
        if n < 0 {
            let one = self.constant(1.0, 1.0);
            let d = match acc {
                Slot::Temp(_) if acc != b => acc,
                _ => self.alloc(),
            };
            code.push((d, SOp::Bin(BinOp::Div, one, acc)));
            acc = d;
        }
        acc
    }
}

/// `f(a)` in float64 (the exact mode's prelude for the functions the built-ins use).
#[inline(always)]
pub fn f1_64(f: Func, a: f64) -> f64 {
    match f {
        Func::Sin => prelude_f64::sin(a),
        Func::Cos => prelude_f64::cos(a),
        Func::Tan => a.tan(),
        Func::Asin => a.asin(),
        Func::Acos => a.acos(),
        Func::Atan => a.atan(),
        Func::Sinh => a.sinh(),
        Func::Cosh => a.cosh(),
        Func::Tanh => a.tanh(),
        Func::Exp => a.exp(),
        Func::Log => a.ln(),
        Func::Sqrt => prelude_f64::sqrt(a),
        Func::Abs => prelude_f64::abs(a),
        Func::Sign => prelude_f64::sign(a),
        Func::Floor => a.floor(),
        Func::Fract => a - a.floor(),
        _ => f64::NAN,
    }
}

/// `f(a, b)` in float64.
#[inline(always)]
pub fn f2_64(f: Func, a: f64, b: f64) -> f64 {
    match f {
        Func::Atan2 => a.atan2(b),
        Func::Min => a.min(b),
        Func::Max => a.max(b),
        Func::Pow => a.powf(b),
        _ => f64::NAN,
    }
}

/// `a op b` in float64 (comparisons give 1 or 0).
#[inline(always)]
pub fn bin_64(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Pow => a.powf(b),
        BinOp::Lt => f64::from(u8::from(a < b)),
        BinOp::Le => f64::from(u8::from(a <= b)),
        BinOp::Gt => f64::from(u8::from(a > b)),
        BinOp::Ge => f64::from(u8::from(a >= b)),
    }
}

/// `select(c, t, f)`: `t` where `c` is not 0 (NaN counts as not 0, as `c != 0` in WGSL).
#[inline(always)]
pub fn select_64(c: f64, t: f64, f: f64) -> f64 {
    if c != 0.0 { t } else { f }
}

/// `f(a)` in float32 (the fast CPU mode's prelude: its own vectorisable sin/cos).
#[inline(always)]
pub fn f1_32(f: Func, a: f32) -> f32 {
    match f {
        Func::Sin => prelude_f32::sin(a),
        Func::Cos => prelude_f32::cos(a),
        Func::Tan => a.tan(),
        Func::Asin => a.asin(),
        Func::Acos => a.acos(),
        Func::Atan => a.atan(),
        Func::Sinh => a.sinh(),
        Func::Cosh => a.cosh(),
        Func::Tanh => a.tanh(),
        Func::Exp => a.exp(),
        Func::Log => a.ln(),
        Func::Sqrt => prelude_f32::sqrt(a),
        Func::Abs => prelude_f32::abs(a),
        Func::Sign => prelude_f32::sign(a),
        Func::Floor => a.floor(),
        Func::Fract => a - a.floor(),
        _ => f32::NAN,
    }
}

/// `f(a, b)` in float32.
#[inline(always)]
pub fn f2_32(f: Func, a: f32, b: f32) -> f32 {
    match f {
        Func::Atan2 => a.atan2(b),
        Func::Min => a.min(b),
        Func::Max => a.max(b),
        Func::Pow => a.powf(b),
        _ => f32::NAN,
    }
}

/// `a op b` in float32.
#[inline(always)]
pub fn bin_32(op: BinOp, a: f32, b: f32) -> f32 {
    match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        BinOp::Pow => a.powf(b),
        BinOp::Lt => f32::from(u8::from(a < b)),
        BinOp::Le => f32::from(u8::from(a <= b)),
        BinOp::Gt => f32::from(u8::from(a > b)),
        BinOp::Ge => f32::from(u8::from(a >= b)),
    }
}

/// `select` in float32.
#[inline(always)]
pub fn select_32(c: f32, t: f32, f: f32) -> f32 {
    if c != 0.0 { t } else { f }
}
