//! The fast float32 evaluator for the sampled CPU mode: the register program run over `N` orbits
//! at once. Every register holds `N` lanes and every instruction is one tight loop over them, so
//! the interpreter's dispatch is paid once per `N` points and LLVM vectorises each loop (the
//! prelude's branch-free sin/cos included). Wider is faster up to about 64 lanes (the registers
//! of a small map still fit in L1); `benches/user_formula.rs` measures it. The results are
//! bit-identical to the built-in maps' `step_f32` for the same formula (tested), except that a
//! lane whose step computes a value that is not finite comes out NaN (diverged), whatever a later
//! operation made of it: the rule of [`super::guard`], the GPU's.

use super::parse::{BinOp, Func};
use super::program::{CONST_BASE, Op, Program, bin_32, f1_32, f2_32, select_32};
use crate::attractor::prelude_f32;

/// A formula ready to step `N` points at a time in float32 for one set of parameters.
#[derive(Clone, Debug)]
pub struct Eval32<'p, const N: usize> {
    program: &'p Program,
    regs: Vec<[f32; N]>,
}

#[inline(always)]
fn map1<const N: usize>(r: &mut [[f32; N]], dst: u16, a: u16, f: impl Fn(f32) -> f32) {
    let a = r[a as usize];
    for (d, a) in r[dst as usize].iter_mut().zip(a) {
        *d = f(a);
    }
}

#[inline(always)]
fn map2<const N: usize>(r: &mut [[f32; N]], dst: u16, a: u16, b: u16, f: impl Fn(f32, f32) -> f32) {
    let (a, b) = (r[a as usize], r[b as usize]);
    for ((d, a), b) in r[dst as usize].iter_mut().zip(a).zip(b) {
        *d = f(a, b);
    }
}

/// sin or cos over the lanes: the vectorised f32 reduction (`fast`, NaN beyond its range), and
/// when a lane came out NaN, the scalar function (any argument) over the lanes instead. So each
/// lane equals the scalar step's value whatever its argument, as a formula may hide a NaN from
/// the kernel (`min`, `select`, comparisons).
#[inline(always)]
fn trig<const N: usize>(
    r: &mut [[f32; N]],
    dst: u16,
    a: u16,
    fast: impl Fn(f32) -> f32,
    exact: impl Fn(f32) -> f32,
) {
    // The destination may be the argument's register.
    let v = r[a as usize];
    let o = &mut r[dst as usize];
    for (o, v) in o.iter_mut().zip(v) {
        *o = fast(v);
    }
    if o.iter().any(|o| o.is_nan()) {
        for (o, v) in o.iter_mut().zip(v) {
            *o = exact(v);
        }
    }
}

impl<'p, const N: usize> Eval32<'p, N> {
    /// Loads the parameters (a..g) and the constants into every lane.
    pub fn new(program: &'p Program, params: &[f32; 7]) -> Eval32<'p, N> {
        let mut regs = vec![[0.0; N]; program.n_regs.max(CONST_BASE)];
        for (i, v) in params.iter().enumerate() {
            regs[3 + i] = [*v; N];
        }
        for (i, (_, v)) in program.consts.iter().enumerate() {
            regs[CONST_BASE + i] = [*v; N];
        }
        Eval32 { program, regs }
    }

    /// One step of the map on `N` points held as structure of arrays; a lane whose step
    /// computed a value that is not finite comes out as NaN.
    #[inline]
    pub fn step(&mut self, xs: &mut [f32; N], ys: &mut [f32; N], zs: &mut [f32; N]) {
        let r = self.regs.as_mut_slice();
        r[0] = *xs;
        r[1] = *ys;
        r[2] = *zs;
        // v * 0 is 0 for a finite v and NaN for an infinite or NaN one: summed over every
        // result, NaN marks a lane that met a non-finite value.
        let mut met = [0.0f32; N];
        for ins in &self.program.code {
            let d = ins.dst;
            // Each arm is a separate loop over the lanes with the operation known, so it
            // vectorises; the common operations get their own arms.
            match ins.op {
                Op::Neg(a) => map1(r, d, a, |v| -v),
                Op::Bin(BinOp::Add, a, b) => map2(r, d, a, b, |u, v| u + v),
                Op::Bin(BinOp::Sub, a, b) => map2(r, d, a, b, |u, v| u - v),
                Op::Bin(BinOp::Mul, a, b) => map2(r, d, a, b, |u, v| u * v),
                Op::Bin(BinOp::Div, a, b) => map2(r, d, a, b, |u, v| u / v),
                Op::Bin(op, a, b) => map2(r, d, a, b, |u, v| bin_32(op, u, v)),
                Op::F1(Func::Sin, a) => trig(r, d, a, prelude_f32::sin_in_range, prelude_f32::sin),
                Op::F1(Func::Cos, a) => trig(r, d, a, prelude_f32::cos_in_range, prelude_f32::cos),
                Op::F1(Func::Sqrt, a) => map1(r, d, a, |v| f1_32(Func::Sqrt, v)),
                Op::F1(Func::Abs, a) => map1(r, d, a, |v| f1_32(Func::Abs, v)),
                Op::F1(Func::Sign, a) => map1(r, d, a, |v| f1_32(Func::Sign, v)),
                Op::F1(f, a) => map1(r, d, a, |v| f1_32(f, v)),
                Op::F2(f, a, b) => map2(r, d, a, b, |u, v| f2_32(f, u, v)),
                Op::Select(c, t, f) => {
                    let (c, t, f) = (r[c as usize], r[t as usize], r[f as usize]);
                    for (((d, c), t), f) in r[d as usize].iter_mut().zip(c).zip(t).zip(f) {
                        *d = select_32(c, t, f);
                    }
                }
            }
            for (m, v) in met.iter_mut().zip(&r[d as usize]) {
                *m += v * 0.0;
            }
        }
        let [ox, oy, oz] = self.program.out;
        let (nx, ny, nz) = (r[ox as usize], r[oy as usize], r[oz as usize]);
        for l in 0..N {
            let bad = met[l].is_nan();
            xs[l] = if bad { f32::NAN } else { nx[l] };
            ys[l] = if bad { f32::NAN } else { ny[l] };
        }
        *zs = nz;
    }
}
