//! The float64 evaluator for the exact CPU mode: the register program run on one point, each
//! operation a single IEEE-754 operation in the order the formula is written (Rust never fuses a
//! multiply and an add), with the same functions as the built-in maps' `step_f64`. A step that
//! computes a value that is not finite gives NaN (diverged), whatever a later operation made of
//! it: the rule of [`super::guard`].

use super::program::{Op, Program, bin_64, f1_64, f2_64, select_64};

/// A formula ready to step points in float64 for one set of parameters.
#[derive(Clone, Debug)]
pub struct Eval64<'p> {
    program: &'p Program,
    regs: Vec<f64>,
}

impl<'p> Eval64<'p> {
    /// Loads the parameters (a..g) and the constants.
    pub fn new(program: &'p Program, params: &[f64; 7]) -> Eval64<'p> {
        let mut regs = vec![0.0; program.n_regs.max(super::program::CONST_BASE)];
        regs[3..10].copy_from_slice(params);
        for (i, (v, _)) in program.consts.iter().enumerate() {
            regs[super::program::CONST_BASE + i] = *v;
        }
        Eval64 { program, regs }
    }

    /// One step of the map (NaN where a value it computed is not finite).
    #[inline]
    pub fn step(&mut self, p: [f64; 3]) -> [f64; 3] {
        let r = &mut self.regs;
        r[..3].copy_from_slice(&p);
        let mut met = 0.0;
        for ins in &self.program.code {
            let v = match ins.op {
                Op::Neg(a) => -r[a as usize],
                Op::Bin(op, a, b) => bin_64(op, r[a as usize], r[b as usize]),
                Op::F1(f, a) => f1_64(f, r[a as usize]),
                Op::F2(f, a, b) => f2_64(f, r[a as usize], r[b as usize]),
                Op::Select(c, t, f) => select_64(r[c as usize], r[t as usize], r[f as usize]),
            };
            met += v * 0.0;
            r[ins.dst as usize] = v;
        }
        let out = self.program.out.map(|o| r[o as usize]);
        if f64::is_nan(met) {
            return [f64::NAN, f64::NAN, out[2]];
        }
        out
    }
}
