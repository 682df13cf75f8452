//! Lanes of f32 for the vectorised CPU kernels: [`V`]`<N>` is N independent f32 values with the
//! arithmetic of the formula language, so the single formula source of every map
//! ([`super::formula`]) also compiles to an N-lane step ([`super::Equation::step_lanes`]).
//!
//! Every operation is a loop over the lanes calling exactly the scalar operation of
//! [`super::prelude_f32`] (Rust never fuses a multiply and an add), so lane `i` of a vector step
//! is bit-identical to the scalar f32 step of lane `i`'s point, whatever the instruction set
//! (sin and cos give NaN instead for an argument beyond their f32 reduction's range, and the
//! kernel redoes that lane with the scalar step). The
//! loops are written for LLVM's vectoriser: compiled inside a function with
//! `#[target_feature(enable = "avx512f")]` (16 lanes) or `"avx2"` (8 lanes), they become packed
//! instructions; without one they use the baseline (SSE2 on x86-64, NEON on aarch64). See
//! `crate::cpu` for the runtime choice.
//!
//! In a vector step the map's parameters stay scalar f32 (so `repeat (degree - 2.0)` still
//! counts with a scalar); `f32 op V` and `V op f32` are therefore defined too.

// Indexed loops over the lanes are the form LLVM's vectoriser handles best.
#![allow(clippy::needless_range_loop)]

use super::prelude_f32 as s;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// N f32 lanes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct V<const N: usize>(pub [f32; N]);

impl<const N: usize> V<N> {
    /// Every lane `v`.
    #[inline(always)]
    pub fn splat(v: f32) -> V<N> {
        V([v; N])
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f32) -> f32) -> V<N> {
        let mut o = [0.0; N];
        for i in 0..N {
            o[i] = f(self.0[i]);
        }
        V(o)
    }

    #[inline(always)]
    fn zip(self, b: V<N>, f: impl Fn(f32, f32) -> f32) -> V<N> {
        let mut o = [0.0; N];
        for i in 0..N {
            o[i] = f(self.0[i], b.0[i]);
        }
        V(o)
    }
}

macro_rules! lane_ops {
    ($($tr:ident $m:ident $op:tt),*) => {$(
        impl<const N: usize> $tr for V<N> {
            type Output = V<N>;
            #[inline(always)]
            fn $m(self, b: V<N>) -> V<N> {
                self.zip(b, |p, q| p $op q)
            }
        }
        impl<const N: usize> $tr<f32> for V<N> {
            type Output = V<N>;
            #[inline(always)]
            fn $m(self, b: f32) -> V<N> {
                self.map(|p| p $op b)
            }
        }
        impl<const N: usize> $tr<V<N>> for f32 {
            type Output = V<N>;
            #[inline(always)]
            fn $m(self, b: V<N>) -> V<N> {
                b.map(|q| self $op q)
            }
        }
    )*};
}
lane_ops!(Add add +, Sub sub -, Mul mul *, Div div /);

impl<const N: usize> Neg for V<N> {
    type Output = V<N>;
    #[inline(always)]
    fn neg(self) -> V<N> {
        self.map(|p| -p)
    }
}

/// The prelude functions of the formula language, for scalars and lanes alike.
pub trait Lane: Copy {
    /// Sine (radians), lane-wise.
    fn sin_(self) -> Self;
    /// Cosine (radians), lane-wise.
    fn cos_(self) -> Self;
    /// Square root, lane-wise.
    fn sqrt_(self) -> Self;
    /// Absolute value, lane-wise.
    fn abs_(self) -> Self;
    /// numpy's sign (-1, 0 or 1; NaN stays NaN), lane-wise.
    fn sign_(self) -> Self;
}

impl Lane for f32 {
    #[inline(always)]
    fn sin_(self) -> f32 {
        s::sin(self)
    }
    #[inline(always)]
    fn cos_(self) -> f32 {
        s::cos(self)
    }
    #[inline(always)]
    fn sqrt_(self) -> f32 {
        s::sqrt(self)
    }
    #[inline(always)]
    fn abs_(self) -> f32 {
        s::abs(self)
    }
    #[inline(always)]
    fn sign_(self) -> f32 {
        s::sign(self)
    }
}

impl<const N: usize> Lane for V<N> {
    /// NaN in a lane whose argument is beyond the f32 reduction's range (see
    /// [`s::sin_in_range`]): the kernel redoes that lane with the scalar step.
    #[inline(always)]
    fn sin_(self) -> V<N> {
        self.map(s::sin_in_range)
    }
    #[inline(always)]
    fn cos_(self) -> V<N> {
        self.map(s::cos_in_range)
    }
    #[inline(always)]
    fn sqrt_(self) -> V<N> {
        self.map(s::sqrt)
    }
    #[inline(always)]
    fn abs_(self) -> V<N> {
        self.map(s::abs)
    }
    #[inline(always)]
    fn sign_(self) -> V<N> {
        self.map(s::sign)
    }
}

/// The formula prelude over [`Lane`]s (what `step_lanes` brings into scope).
pub mod prelude {
    use super::Lane;
    /// Lane-wise sine (radians).
    #[inline(always)]
    pub fn sin<T: Lane>(v: T) -> T {
        v.sin_()
    }
    /// Lane-wise cosine (radians).
    #[inline(always)]
    pub fn cos<T: Lane>(v: T) -> T {
        v.cos_()
    }
    /// Lane-wise square root.
    #[inline(always)]
    pub fn sqrt<T: Lane>(v: T) -> T {
        v.sqrt_()
    }
    /// Lane-wise absolute value.
    #[inline(always)]
    pub fn abs<T: Lane>(v: T) -> T {
        v.abs_()
    }
    /// Lane-wise numpy sign: -1, 0 or 1 (NaN stays NaN).
    #[inline(always)]
    pub fn sign<T: Lane>(v: T) -> T {
        v.sign_()
    }
}

/// A computation generic over an equation's N-lane step; see
/// [`super::Equation::dispatch_lanes`].
pub trait LanesKernel<const N: usize> {
    /// What the computation returns.
    type Output;
    /// Runs the computation with `step`, the map's N-lane step (points, kernel parameters)
    /// inlined.
    fn run<S: Fn([V<N>; 3], &[f32; 7]) -> [V<N>; 3] + Copy>(self, step: S) -> Self::Output;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attractor::{Equation, Presets};

    /// Every built-in map, 16 lanes at once against the scalar f32 step of each lane, on points
    /// of the map's own orbits (the arguments the kernels really see): the largest deviation after
    /// one step must be zero, lane by lane, component by component.
    #[test]
    fn lanes_step_equals_scalar_f32_step_for_every_map() {
        let presets = Presets::builtin();
        for eq in Equation::ALL {
            // A built-in preset of the map, else the middle of its search ranges.
            let (k, start) = match presets.all().iter().find(|p| p.equation == *eq) {
                Some(p) => (p.kernel_params(), p.start),
                None => {
                    let mut k = [0.0; 7];
                    for (v, (lo, hi)) in k.iter_mut().zip(eq.search_range()) {
                        *v = (lo + hi) / 2.0;
                    }
                    (k, [0.1, 0.1, 0.0])
                }
            };
            let k = k.map(|v| v as f32);
            // 16 starting points: a short f32 orbit from near the start, plus edge values.
            let mut pts = Vec::new();
            let mut p = start.map(|v| v as f32);
            p[0] += 0.01;
            for _ in 0..13 {
                pts.push(p);
                p = eq.step_f32(p, &k);
            }
            pts.push([0.0, 0.0, 0.0]);
            pts.push([-0.0, 1e-30, 0.5]);
            pts.push([f32::NAN, 1.0, 0.0]);
            let lanes = |c: usize| V::<16>(std::array::from_fn(|i| pts[i][c]));
            let out = eq.step_lanes([lanes(0), lanes(1), lanes(2)], &k);
            let mut worst = 0.0f32;
            for (i, q) in pts.iter().enumerate() {
                let want = eq.step_f32(*q, &k);
                for c in 0..3 {
                    let got = out[c].0[i];
                    if want[c].is_nan() || got.is_nan() {
                        assert!(want[c].is_nan() && got.is_nan(), "{} lane {i}", eq.name());
                    } else {
                        worst = worst.max((got - want[c]).abs());
                    }
                }
            }
            assert_eq!(worst, 0.0, "{}: max deviation after one step", eq.name());
        }
    }

    #[test]
    fn mixed_scalar_and_lane_arithmetic() {
        let v = V::<4>([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(1.0 - v, V([0.0, -1.0, -2.0, -3.0]));
        assert_eq!(v / 2.0, V([0.5, 1.0, 1.5, 2.0]));
        assert_eq!(12.0 / v, V([12.0, 6.0, 4.0, 3.0]));
        assert_eq!(-v * v, V([-1.0, -4.0, -9.0, -16.0]));
        assert_eq!(
            prelude::sign(V([-2.0, 0.0, 3.0, -0.0])).0[..3],
            [-1.0, 0.0, 1.0]
        );
    }
}
