//! The divergence rule for values that leave float32, and its WGSL form.
//!
//! The rule, in the sampled CPU mode, the exact mode and on the GPU alike: a step of a formula
//! diverges when any value it computes is not finite (an overflow such as `exp(100)` or `1e30 *
//! 1e30`, a division by zero, `log` of 0 or less, `sqrt` of a negative, `asin`/`acos` beyond 1, a
//! negative base to a fractional power), even when a later operation would hide it (`0 * inf`,
//! `1 / inf`, `min`, `select`, comparisons). The CPU evaluators check every result, as Rust's
//! arithmetic is IEEE-754.
//!
//! The GPU cannot check results: WGSL does not promise IEEE infinities and NaNs, shader
//! compilers simplify as if there were none (Mesa's NIR folds `0 * v` to 0, dropping an overflowed
//! `v`; drivers may build with fast-math), and naga refuses a constant expression that is not
//! finite. So the emitted WGSL decides from the operands instead: by induction they are finite,
//! and every operation that can leave the finite range from finite operands gets a guard, a
//! comparison of finite values that holds exactly when the CPU's float32 result would not be
//! finite (to the GPU's rounding, for `pow` and division near the largest float). A guard that
//! holds sets `bad`, and the step returns a point beyond the divergence limit, which the shader's
//! `diverged` test counts like any other divergence.

use std::fmt::Write as _;

/// The largest float32 `v` for which `f(v)` is finite, for `f` increasing on `[0, 200]` and
/// overflowing there (`exp`, `sinh`, `cosh`): found with the CPU's own functions, so that the GPU's
/// threshold is where the CPU overflows.
fn last_finite(f: fn(f32) -> f32) -> f32 {
    let (mut lo, mut hi) = (0f32.to_bits(), 200f32.to_bits());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if f(f32::from_bits(mid)).is_finite() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    f32::from_bits(lo)
}

/// The WGSL float literal of `v` (finite): Rust's shortest round-trip form.
fn lit(v: f32) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e']) { s } else { s + ".0" }
}

/// The guards' constants and functions, placed beside `fn map_step`. Each function takes finite
/// operands and says whether the CPU's float32 result of the operation is not finite.
pub fn helpers_wgsl() -> String {
    let mut s = String::new();
    let consts = [
        ("GUARD_EXP_MAX", last_finite(f32::exp)),
        ("GUARD_SINH_MAX", last_finite(f32::sinh)),
        ("GUARD_COSH_MAX", last_finite(f32::cosh)),
    ];
    for (name, v) in consts {
        let _ = writeln!(s, "const {name}: f32 = {};", lit(v));
    }
    let half_max = lit(2f32.powi(127));
    let scale = lit(2f32.powi(-64));
    let max = lit(f32::MAX);
    let _ = write!(
        s,
        "// a + b overflows: halved, the sum cannot overflow, and it reaches 2^127 exactly when the
// whole one rounds beyond the largest float.
fn guard_sum(a: f32, b: f32) -> bool {{
    return abs(a * 0.5 + b * 0.5) >= {half_max};
}}
// a * b overflows: scaled by 2^-64 each, the product reaches 1 exactly when the whole one
// rounds beyond the largest float (2^128 * 2^-128).
fn guard_mul(a: f32, b: f32) -> bool {{
    return abs(a * {scale}) * abs(b * {scale}) >= 1.0;
}}
// a / b is infinite or NaN: b is 0, or |b| < 1 and the quotient passes the largest float.
fn guard_div(a: f32, b: f32) -> bool {{
    return b == 0.0 || (abs(b) < 1.0 && abs(a) > {max} * abs(b));
}}
// pow(b, e) is NaN (negative base, fractional exponent), infinite (0 to a negative power) or
// overflows (e * log2|b| >= 128).
fn guard_pow(b: f32, e: f32) -> bool {{
    let m = select(abs(b), 1.0, b == 0.0);
    return (b < 0.0 && e != floor(e)) || (b == 0.0 && e < 0.0) || e * log2(m) >= 128.0;
}}
// The GPU's own result is not finite (its bits, not a comparison a compiler may fold).
fn guard_not_finite(v: f32) -> bool {{
    return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}}
"
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_where_the_cpu_overflows() {
        for f in [f32::exp, f32::sinh, f32::cosh] {
            let t = last_finite(f);
            assert!(f(t).is_finite() && !f(f32::from_bits(t.to_bits() + 1)).is_finite());
        }
        // ln(f32::MAX) = 88.7228...
        assert!((last_finite(f32::exp) - 88.72283).abs() < 1e-4);
    }
}
