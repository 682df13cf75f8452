//! The attractor library: the built-in maps (written once, see [`formula`]), presets and the
//! `.atr` preset file format.
//!
//! Invariants: a [`Preset`] always names a known [`Equation`] and holds exactly as many finite
//! parameters as that equation takes; [`Preset::kernel_params`] is the only place where parameters
//! are adjusted before they reach a renderer (bedhead's `b == 0` rule).

/// The built-in maps written once as Rust tokens, from which both the Rust steps and the WGSL are derived.
#[macro_use]
pub mod formula;
pub mod append;
pub mod atr;
pub mod look;
mod preset;
mod presets;
pub mod simd;
pub mod user;

pub use preset::{Preset, check_params, lookup_equation};
pub use presets::{BUILTIN_ATR, PresetError, Presets};

/// Float64 prelude of the formula language: std functions (no FMA), numpy's sign.
pub mod prelude_f64 {
    /// Sine (std, radians).
    #[inline(always)]
    pub fn sin(v: f64) -> f64 {
        v.sin()
    }
    /// Cosine (std, radians).
    #[inline(always)]
    pub fn cos(v: f64) -> f64 {
        v.cos()
    }
    /// Square root (std; NaN for a negative argument).
    #[inline(always)]
    pub fn sqrt(v: f64) -> f64 {
        v.sqrt()
    }
    /// Absolute value.
    #[inline(always)]
    pub fn abs(v: f64) -> f64 {
        v.abs()
    }
    /// numpy's `np.sign`: -1, 0 or 1 (and NaN for NaN). Rust's `signum(0.0)` would be 1.
    #[inline(always)]
    pub fn sign(v: f64) -> f64 {
        if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            v
        }
    }
}

/// Float32 prelude for the fast CPU mode: `sin`/`cos` that LLVM vectorises across the lanes of
/// [`crate::cpu`] (and [`simd::V`]). For |v| <= [`prelude_f32::FAST_RANGE`] (1e4) both reduce
/// the argument by a multiple of pi (Cody-Waite, three parts) to [-pi/2, pi/2] and evaluate the
/// odd Taylor polynomial of sin to r^11 (truncation below 6e-8 there), branch-free. Beyond, that
/// reduction's error grows with the multiple of pi (and past about 1.3e7 it is meaningless), so
/// larger, infinite and NaN arguments are reduced in float64 instead (exact for every f32
/// value). Vector code gets NaN for those ([`prelude_f32::sin_in_range`]) and redoes the lane
/// with the scalar functions. Measured maximum
/// absolute error against float64 std (test `fast_sin_cos_accuracy`, asserted below 2^-22 = 2.4e-7
/// for |v| <= 100 and 2^-20 for |v| <= 1e4 and on a sweep up to 3e38): 1.6e-7, better than the
/// GPU hardware path's 2^-20 order. The exact mode uses [`prelude_f64`] instead.
pub mod prelude_f32 {
    const INV_PI: f32 = std::f32::consts::FRAC_1_PI;
    // Cody-Waite split of pi: PI_A is exact in f32 with trailing zero bits, PI_B + PI_C the rest.
    const PI_A: f32 = 3.140625;
    const PI_B: f32 = 9.670_257_6e-4;
    const PI_C: f32 = 6.278329e-7;

    /// 1.5 * 2^23: adding and subtracting it rounds an f32 of magnitude < 2^22 to an integer
    /// (ties to even) without a call to a rounding function, so the loop stays vectorised.
    const ROUNDER: f32 = 12_582_912.0;

    /// The odd Taylor polynomial of sin on [-pi/2, pi/2], with the sign flipped when the low bit
    /// of `parity` is set.
    #[inline(always)]
    fn sin_reduced(r: f32, parity: u32) -> f32 {
        let r2 = r * r;
        let p = -2.505_210_8e-8_f32;
        let p = p * r2 + 2.755_731_9e-6;
        let p = p * r2 - 1.984_127e-4;
        let p = p * r2 + 8.333_333e-3;
        let p = p * r2 - 1.666_666_7e-1;
        let s = r + r * r2 * p;
        f32::from_bits(s.to_bits() ^ (parity << 31))
    }

    /// The largest |v| that [`sin`] and [`cos`] reduce in f32: the three-part reduction's error
    /// grows with the multiple of pi taken off (k * PI_B is rounded), and stays within 2^-20
    /// up to here.
    pub const FAST_RANGE: f32 = 1.0e4;

    /// sin(v), within 2^-20 for every f32 (the f32 reduction up to [`FAST_RANGE`], f64 beyond).
    #[inline(always)]
    pub fn sin(v: f32) -> f32 {
        if v.abs() <= FAST_RANGE {
            sin_fast(v)
        } else {
            wide(v, f64::sin)
        }
    }

    /// cos(v), as [`sin`].
    #[inline(always)]
    pub fn cos(v: f32) -> f32 {
        if v.abs() <= FAST_RANGE {
            cos_fast(v)
        } else {
            wide(v, f64::cos)
        }
    }

    /// sin(v) where the f32 reduction holds (|v| <= [`FAST_RANGE`]), NaN elsewhere: branch-free,
    /// so it vectorises. The vector kernels use it and redo a lane that comes out NaN with the
    /// scalar step, whose [`sin`] reduces any argument (a branch per call in the vector loop
    /// measured half the rate at 1024x1024).
    #[inline(always)]
    pub fn sin_in_range(v: f32) -> f32 {
        let s = sin_fast(v);
        if v.abs() <= FAST_RANGE { s } else { f32::NAN }
    }

    /// cos(v) where the f32 reduction holds, NaN elsewhere; see [`sin_in_range`].
    #[inline(always)]
    pub fn cos_in_range(v: f32) -> f32 {
        let c = cos_fast(v);
        if v.abs() <= FAST_RANGE { c } else { f32::NAN }
    }

    /// A large, infinite or NaN argument, reduced in f64 (every f32 is exact in f64, and std's
    /// reduction is exact for any f64).
    #[cold]
    #[inline(never)]
    fn wide(v: f32, exact: fn(f64) -> f64) -> f32 {
        exact(v as f64) as f32
    }

    /// sin(v) = (-1)^k sin(v - k*pi), k = round(v/pi), for |v| <= [`FAST_RANGE`].
    #[inline(always)]
    fn sin_fast(v: f32) -> f32 {
        let shifted = v * INV_PI + ROUNDER;
        let k = shifted - ROUNDER;
        let r = ((v - k * PI_A) - k * PI_B) - k * PI_C;
        // The low mantissa bit of `shifted` is the parity of k.
        sin_reduced(r, shifted.to_bits())
    }

    /// cos(v) = (-1)^m sin(v - m*pi + pi/2), m = round(v/pi + 1/2): reduced directly, so no
    /// rounding of v + pi/2 is added to the error.
    #[inline(always)]
    fn cos_fast(v: f32) -> f32 {
        let shifted = (v * INV_PI + 0.5) + ROUNDER;
        let m = shifted - ROUNDER;
        let r = (((((v - m * PI_A) + PI_A * 0.5) - m * PI_B) + PI_B * 0.5) - m * PI_C) + PI_C * 0.5;
        sin_reduced(r, shifted.to_bits())
    }
    /// Square root (f32, std; NaN for a negative argument).
    #[inline(always)]
    pub fn sqrt(v: f32) -> f32 {
        v.sqrt()
    }
    /// Absolute value (f32).
    #[inline(always)]
    pub fn abs(v: f32) -> f32 {
        v.abs()
    }
    /// numpy's `np.sign` (WGSL's `sign` agrees: sign(0) = 0).
    #[inline(always)]
    pub fn sign(v: f32) -> f32 {
        if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            v
        }
    }
}

/// A computation that is generic over an equation's f32 step; see [`Equation::dispatch_f32`].
pub trait F32Kernel {
    /// What the computation returns.
    type Output;
    /// Runs the computation with `step`, the map's f32 step (point, kernel parameters) inlined.
    fn run<S: Fn([f32; 3], &[f32; 7]) -> [f32; 3] + Copy>(self, step: S) -> Self::Output;
}

define_maps! {
    // The state variables every formula reads (named here so the macro's hygiene lets the
    // formulas below see them).
    state(x, y, z);

    /// Clifford Pickover's "Clifford" map.
    Clifford "clifford" [a: -3.0..3.0, b: -3.0..3.0, c: -3.0..3.0, d: -3.0..3.0] {
        return (sin(a * y) + c * cos(a * x), sin(b * x) + d * cos(b * y), z);
    }
    /// Peter de Jong's map.
    DeJong "de_jong" [a: -3.0..3.0, b: -3.0..3.0, c: -3.0..3.0, d: -3.0..3.0] {
        return (sin(a * y) - cos(b * x), sin(c * x) - cos(d * y), z);
    }
    /// Johnny Svensson's map.
    Svensson "svensson" [a: -3.0..3.0, b: -3.0..3.0, c: -3.0..3.0, d: -7.0..7.0] {
        return (d * sin(a * x) - sin(b * y), c * cos(a * x) + cos(b * y), z);
    }
    /// Ivan Emrich's "Bedhead" (b == 0 is replaced by 3 machine epsilons before rendering).
    Bedhead "bedhead" [a: -1.0..1.0, b: -1.0..1.0] {
        return (sin(x * y / b) * y + cos(a * x - y), x + sin(y) / b, z);
    }
    /// Pickover's "Fractal Dream".
    FractalDream "fractal_dream" [a: -3.0..3.0, b: -3.0..3.0, c: -3.0..3.0, d: -3.0..3.0] {
        return (sin(y * b) + c * sin(x * b), sin(x * a) + d * sin(y * a), z);
    }
    /// Barry Martin's Hopalong (area-preserving).
    Hopalong1 "hopalong1" [a: 0.0..10.0, b: 0.0..10.0, c: 0.0..10.0] {
        return (y - sqrt(abs(b * x - c)) * sign(x), a - x, z);
    }
    /// Hopalong variant of the datashader example.
    Hopalong2 "hopalong2" [a: 0.0..10.0, b: 0.0..10.0, c: 0.0..10.0] {
        return (y - 1.0 - sqrt(abs(b * x - 1.0 - c)) * sign(x - 1.0), a - x - 1.0, z);
    }
    /// Gumowski-Mira, G(u) = mu*u + 2*(1-mu)*u^2/(1+u^2) (area-preserving when a = 0).
    GumowskiMira "gumowski_mira" [a: 0.0..0.01, b: 0.0..0.5, mu: -1.0..1.0] {
        let g = mu * x + (2.0 * (1.0 - mu)) * (x * x) / (1.0 + x * x);
        let xn = y + a * (1.0 - b * (y * y)) * y + g;
        let gn = mu * xn + (2.0 * (1.0 - mu)) * (xn * xn) / (1.0 + xn * xn);
        return (xn, -x + gn, z);
    }
    /// Field and Golubitsky's symmetric icon of the given degree (a search rounds the degree
    /// down to a whole number).
    SymmetricIcon "symmetric_icon" [a: -3.0..3.0, b: -1.0..1.0, g: -1.0..1.0, om: -0.2..0.2, l: -3.0..3.0, degree: 3.0..8.0] {
        let zzbar = x * x + y * y;
        let p = a * zzbar + l;
        let zr = x;
        let zi = y;
        repeat (degree - 2.0) {
            let za = zr * x - zi * y;
            zi = zi * x + zr * y;
            zr = za;
        }
        p = p + b * (x * zr - y * zi);
        return (p * x + g * zr - om * y, p * y - g * zi + om * x, z);
    }
    /// Pickover's 3-D attractor, drawn as its x-y projection.
    Pickover "pickover" [a: -3.0..3.0, b: -3.0..3.0, c: -3.0..3.0, d: -3.0..3.0] {
        return (sin(a * y) - z * cos(b * x), z * sin(c * x) - cos(d * y), sin(x));
    }
    /// The Henon map.
    Henon "henon" [a: 0.0..2.0, b: -1.0..1.0] {
        return (1.0 - a * x * x + y, b * x, z);
    }
    /// The Ikeda map (laser cavity), parameter u.
    Ikeda "ikeda" [u: 0.5..1.0] {
        let t = 0.4 - 6.0 / (1.0 + x * x + y * y);
        return (1.0 + u * (x * cos(t) - y * sin(t)), u * (x * sin(t) + y * cos(t)), z);
    }
    /// The Tinkerbell map.
    Tinkerbell "tinkerbell" [a: -1.0..1.0, b: -1.0..1.0, c: -3.0..3.0, d: -1.0..1.0] {
        return (x * x - y * y + a * x + b * y, 2.0 * x * y + c * x + d * y, z);
    }
    /// Devaney's Gingerbreadman map (area-preserving, no parameters).
    Gingerbreadman "gingerbreadman" [] {
        return (1.0 - y + abs(x), x, z);
    }
    /// The Duffing map (Holmes map).
    Duffing "duffing" [a: 0.0..3.0, b: -0.5..0.5] {
        return (y, -b * x + a * y - y * y * y, z);
    }
    /// The Lozi map (piecewise-linear Henon).
    Lozi "lozi" [a: 1.0..2.0, b: -1.0..1.0] {
        return (1.0 + y - a * abs(x), b * x, z);
    }
}

impl Equation {
    /// Looks an equation up by name (case-insensitive; `-` and `_` are interchangeable).
    pub fn from_name(name: &str) -> Option<Equation> {
        let want = name.trim().to_ascii_lowercase().replace('-', "_");
        Equation::ALL.iter().copied().find(|e| e.name() == want)
    }

    /// The formula for people (`list --equations`): the single source with its WGSL spelling
    /// turned into plain assignments, `x' = ...`, `y' = ...` (and `z' = ...` for 3-D maps).
    pub fn formula_readable(self) -> String {
        let mut out = Vec::new();
        for line in self.formula_text().lines().map(str::trim) {
            if let Some(args) = line
                .strip_prefix("return vec3<f32>(")
                .and_then(|l| l.strip_suffix(");"))
            {
                // split at the top-level commas
                let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
                for (i, ch) in args.char_indices() {
                    match ch {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        ',' if depth == 0 => {
                            parts.push(args[start..i].trim());
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
                parts.push(args[start..].trim());
                for (name, e) in ["x'", "y'", "z'"].iter().zip(parts) {
                    if !(*name == "z'" && e == "z") {
                        out.push(format!("{name} = {e}"));
                    }
                }
            } else if let Some(count) = line
                .strip_prefix("for (var rep_i: i32 = 0; rep_i < i32(")
                .and_then(|l| l.strip_suffix("); rep_i++) {"))
            {
                out.push(format!("repeat {count} times:"));
            } else if line == "}" {
                out.push("end".into());
            } else {
                out.push(
                    line.strip_prefix("var ")
                        .unwrap_or(line)
                        .trim_end_matches(';')
                        .to_string(),
                );
            }
        }
        out.join("\n")
    }

    /// Whether the map reads or changes z (Pickover's 3-D map). Every other built-in keeps z as
    /// it is and never reads it, so the z of its start point does nothing.
    pub fn uses_z(self) -> bool {
        matches!(self, Equation::Pickover)
    }

    /// Equations whose picture depends on the exact float64 orbit (area-preserving maps). Their
    /// default-mode picture is a valid sampling of many orbits, not datashader's single orbit.
    pub fn is_area_preserving(self, params: &[f64]) -> bool {
        match self {
            Equation::Hopalong1 | Equation::Hopalong2 | Equation::Gingerbreadman => true,
            Equation::GumowskiMira => params.first() == Some(&0.0),
            _ => false,
        }
    }
}

/// The first preset of every equation that is dissipative (the maps whose sampled pictures must
/// agree with the exact orbit; used by the agreement tests and their calibration).
pub fn first_dissipative_per_equation(presets: &[Preset]) -> Vec<Preset> {
    let mut out: Vec<Preset> = Vec::new();
    for p in presets {
        if !p.equation.is_area_preserving(&p.params)
            && !out.iter().any(|q| q.equation == p.equation)
        {
            out.push(p.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(v: &[f64]) -> [f64; 7] {
        let mut out = [0.0; 7];
        out[..v.len()].copy_from_slice(v);
        out
    }

    #[test]
    fn clifford_first_iterate_by_hand() {
        let p = Equation::Clifford.step_f64([0.0, 0.0, 0.0], &k(&[-1.3, -1.3, -1.8, -1.9]));
        // sin(0) + c*cos(0) = c ; sin(0) + d*cos(0) = d
        assert_eq!(p, [-1.8, -1.9, 0.0]);
        let q = Equation::Clifford.step_f64(p, &k(&[-1.3, -1.3, -1.8, -1.9]));
        let want_x = (-1.3f64 * -1.9).sin() + -1.8 * (-1.3f64 * -1.8).cos();
        let want_y = (-1.3f64 * -1.8).sin() + -1.9 * (-1.3f64 * -1.9).cos();
        assert_eq!(q, [want_x, want_y, 0.0]);
    }

    #[test]
    fn sign_of_zero_is_zero_in_hopalong() {
        // x = 0: sqrt(|b*0 - c|) * sign(0) = 0, so x' = y.
        let p = Equation::Hopalong1.step_f64([0.0, 0.7, 0.0], &k(&[2.0, 1.0, 0.0]));
        assert_eq!(p, [0.7, 2.0, 0.0]);
        let q = Equation::Hopalong1.step_f64([-1.0, 0.5, 0.0], &k(&[2.0, 1.0, 3.0]));
        assert_eq!(q, [0.5 + 2.0, 3.0, 0.0]);
    }

    #[test]
    fn symmetric_icon_degree_three_by_hand() {
        let (a, b, g, om, l) = (-1.0, 0.1, -0.82, 0.0, 1.56);
        let (x, y) = (0.3f64, -0.2f64);
        let p = Equation::SymmetricIcon.step_f64([x, y, 0.0], &k(&[a, b, g, om, l, 3.0]));
        // degree 3: one complex squaring, z^2 = (x^2 - y^2, 2xy)
        let (zr, zi) = (x * x - y * y, y * x + x * y);
        let pp = (a * (x * x + y * y) + l) + b * (x * zr - y * zi);
        assert_eq!(p, [pp * x + g * zr - om * y, pp * y - g * zi + om * x, 0.0]);
    }

    #[test]
    fn only_the_maps_that_say_so_use_z() {
        // A map that does not use z keeps it and gives the same x, y whatever z is.
        let k = [0.9, -1.1, 1.3, 0.7, 0.2, 0.05, 5.0];
        for e in Equation::ALL {
            let (a, b) = (
                e.step_f64([0.3, -0.2, 0.0], &k),
                e.step_f64([0.3, -0.2, 0.7], &k),
            );
            let independent = a[..2] == b[..2] && a[2] == 0.0 && b[2] == 0.7;
            assert_eq!(e.uses_z(), !independent, "{}", e.name());
        }
    }

    #[test]
    fn pickover_uses_z() {
        let p = Equation::Pickover.step_f64([0.5, 0.25, 2.0], &k(&[1.0, 1.0, 1.0, 1.0]));
        assert_eq!(p[2], 0.5f64.sin());
        assert_eq!(p[0], 0.25f64.sin() - 2.0 * 0.5f64.cos());
    }

    #[test]
    fn f32_step_matches_f64_step_closely() {
        let params = k(&[-1.3, -1.3, -1.8, -1.9]);
        let p32 = params.map(|v| v as f32);
        let mut p = [0.1f64, 0.2, 0.0];
        for _ in 0..5 {
            let a = Equation::Clifford.step_f64(p, &params);
            let b = Equation::Clifford.step_f32(p.map(|v| v as f32), &p32);
            for i in 0..2 {
                assert!((a[i] - b[i] as f64).abs() < 1e-5, "{a:?} vs {b:?}");
            }
            p = a;
        }
    }

    #[test]
    fn fast_sin_cos_accuracy() {
        let mut worst = 0.0f64;
        let mut v = -1.0e4f32;
        while v < 1.0e4 {
            let s = (prelude_f32::sin(v) as f64 - (v as f64).sin()).abs();
            let c = (prelude_f32::cos(v) as f64 - (v as f64).cos()).abs();
            worst = worst.max(s).max(c);
            v += 0.37;
        }
        assert!(worst < 2f64.powi(-20), "worst error on |v|<1e4: {worst}");
        let mut worst_small = 0.0f64;
        let mut v = -100.0f32;
        while v < 100.0 {
            let s = (prelude_f32::sin(v) as f64 - (v as f64).sin()).abs();
            let c = (prelude_f32::cos(v) as f64 - (v as f64).cos()).abs();
            worst_small = worst_small.max(s).max(c);
            v += 0.001;
        }
        assert!(
            worst_small < 2f64.powi(-22),
            "worst error on |v|<100: {worst_small}"
        );
        eprintln!("fast sin/cos max error: {worst_small:e} (|v|<100), {worst:e} (|v|<1e4)");
    }

    /// Arguments of every magnitude (a parameter of 1e8 in Clifford gives them): within 2^-20
    /// of float64 for every f32 up to the largest, NaN for infinities and NaN; the vector form
    /// equals the scalar one bit for bit in the fast range and is NaN beyond.
    #[test]
    fn sin_cos_hold_for_arguments_of_every_magnitude() {
        let edge = prelude_f32::FAST_RANGE.to_bits();
        let mut all: Vec<f32> = [edge - 1, edge, edge + 1].map(f32::from_bits).to_vec();
        let mut v = 1.0e3f32;
        while v.is_finite() {
            all.extend([v, -v, v * 1.000_123]);
            v *= 1.37;
        }
        let mut worst = 0.0f64;
        for &x in &all {
            let s = (prelude_f32::sin(x) as f64 - (x as f64).sin()).abs();
            let c = (prelude_f32::cos(x) as f64 - (x as f64).cos()).abs();
            worst = worst.max(s).max(c);
        }
        assert!(worst < 2f64.powi(-20), "worst error up to 3e38: {worst}");
        for x in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
            assert!(prelude_f32::sin(x).is_nan() && prelude_f32::cos(x).is_nan());
        }
        // The vector form: the same value in range, NaN beyond (the kernels then redo the lane).
        for &x in &all {
            let inside = x.abs() <= prelude_f32::FAST_RANGE;
            for (lane, scalar) in [
                (prelude_f32::sin_in_range(x), prelude_f32::sin(x)),
                (prelude_f32::cos_in_range(x), prelude_f32::cos(x)),
            ] {
                assert!(if inside {
                    lane.to_bits() == scalar.to_bits()
                } else {
                    lane.is_nan()
                });
            }
        }
    }

    #[test]
    fn readable_formulas() {
        assert_eq!(
            Equation::Clifford.formula_readable(),
            "x' = sin(a * y) + c * cos(a * x)\ny' = sin(b * x) + d * cos(b * y)"
        );
        assert!(
            Equation::Pickover
                .formula_readable()
                .ends_with("z' = sin(x)")
        );
        let icon = Equation::SymmetricIcon.formula_readable();
        assert!(
            icon.contains("repeat degree - 2.0 times:\nza = zr * x - zi * y"),
            "{icon}"
        );
    }

    #[test]
    fn every_equation_has_wgsl_and_names() {
        for e in Equation::ALL {
            assert!(e.wgsl_body().contains("return vec3<f32>("), "{}", e.name());
            assert_eq!(Equation::from_name(e.name()), Some(*e));
            assert!(e.params().len() <= 7);
        }
    }
}
