//! The formula mini-language: each map is written once, in tokens that are valid Rust *and* valid
//! WGSL, and the `define_maps!` macro turns that single source into
//!
//! * a float64 Rust step (`step_f64`, used by the exact CPU mode; std `sin`/`cos`, no FMA),
//! * a float32 Rust step (`step_f32`: the same tokens, f32 prelude),
//! * an N-lane float32 step (`step_lanes`, the vectorised CPU kernels; the same tokens over
//!   [`super::simd::V`]),
//! * the WGSL body of `fn map_step` (via `stringify!`), which the GPU issue composes into the
//!   accumulate shader.
//!
//! Each map is declared as `Variant "name" [param: lo..hi, ...] { body }`: the parameter names in
//! the order they fill the `.atr` columns, each with the range `attractors search` draws it from.
//!
//! Statements (all end in `;`):
//! * `let name = expr;` declares a mutable local (`let mut` in Rust, `var` in WGSL);
//! * `name = expr;` assigns;
//! * `repeat (count) { ... }` runs its body `max(0, trunc(count))` times;
//! * `return (x_expr, y_expr, z_expr);` ends the body with the new point.
//!
//! Inside expressions only `+ - * /`, parentheses, float literals written with a decimal point
//! (`2.0`), the variables `x y z`, the map's parameter names and the prelude functions `sin cos sqrt
//! abs sign` may appear. `sign(0) = 0` in both languages (numpy's `np.sign`).

/// Emits the Rust statements of a formula body (inside a function where `x, y, z` and the parameters
/// are bound as locals of one float type).
#[macro_export]
#[doc(hidden)]
macro_rules! formula_rust {
    () => {};
    (let $n:ident = $e:expr; $($rest:tt)*) => {
        #[allow(unused_mut)]
        let mut $n = $e;
        $crate::formula_rust!($($rest)*);
    };
    ($n:ident = $e:expr; $($rest:tt)*) => {
        $n = $e;
        $crate::formula_rust!($($rest)*);
    };
    (repeat ($c:expr) { $($body:tt)* } $($rest:tt)*) => {
        #[allow(clippy::cast_possible_truncation)]
        let count = ($c) as i64;
        for _ in 0..count.max(0) {
            $crate::formula_rust!($($body)*);
        }
        $crate::formula_rust!($($rest)*);
    };
    (return ($x:expr, $y:expr, $z:expr);) => {
        return [$x, $y, $z];
    };
}

/// Emits the WGSL text of a formula body as a `&'static str` built by `concat!`.
#[macro_export]
#[doc(hidden)]
macro_rules! formula_wgsl {
    () => { "" };
    (let $n:ident = $e:expr; $($rest:tt)*) => {
        concat!("    var ", stringify!($n), " = ", stringify!($e), ";\n", $crate::formula_wgsl!($($rest)*))
    };
    ($n:ident = $e:expr; $($rest:tt)*) => {
        concat!("    ", stringify!($n), " = ", stringify!($e), ";\n", $crate::formula_wgsl!($($rest)*))
    };
    (repeat ($c:expr) { $($body:tt)* } $($rest:tt)*) => {
        concat!(
            "    for (var rep_i: i32 = 0; rep_i < i32(", stringify!($c), "); rep_i++) {\n",
            $crate::formula_wgsl!($($body)*),
            "    }\n",
            $crate::formula_wgsl!($($rest)*)
        )
    };
    (return ($x:expr, $y:expr, $z:expr);) => {
        concat!("    return vec3<f32>(", stringify!($x), ", ", stringify!($y), ", ", stringify!($z), ");\n")
    };
}

/// Defines the table of built-in maps from their single formula source. See the module docs.
#[macro_export]
#[doc(hidden)]
macro_rules! define_maps {
    (state($x:ident, $y:ident, $z:ident); $(
        $(#[doc = $doc:literal])*
        $variant:ident $name:literal [$($p:ident : $lo:literal .. $hi:literal),*] { $($body:tt)* }
    )*) => {
        /// A built-in map. Parameters fill the `.atr` columns a..g in the order of [`Equation::params`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Equation { $($(#[doc = $doc])* $variant,)* }

        impl Equation {
            /// Every built-in equation, in the order they are documented.
            pub const ALL: &'static [Equation] = &[$(Equation::$variant,)*];

            /// The name used in `.atr` files and on the command line.
            pub fn name(self) -> &'static str {
                match self { $(Equation::$variant => $name,)* }
            }

            /// Parameter names, in the order they fill the columns a..g.
            pub fn params(self) -> &'static [&'static str] {
                match self { $(Equation::$variant => &[$(stringify!($p)),*],)* }
            }

            /// The range `attractors search` draws each parameter from (same order as
            /// [`Equation::params`]), written beside the formula: `[a: -3.0..3.0, ...]`.
            pub fn search_range(self) -> &'static [(f64, f64)] {
                match self { $(Equation::$variant => &[$(($lo, $hi)),*],)* }
            }

            /// The formula exactly as written in the single source (shown by `list --equations`).
            pub fn formula_text(self) -> &'static str {
                match self { $(Equation::$variant => $crate::formula_wgsl!($($body)*),)* }
            }

            /// WGSL statements of the map body; `x, y, z` and the parameter names are in scope.
            pub fn wgsl_body(self) -> &'static str {
                self.formula_text()
            }

            /// One float64 step (exact mode: std sin/cos, evaluation order as written, no FMA).
            #[inline]
            pub fn step_f64(self, p: [f64; 3], k: &[f64; 7]) -> [f64; 3] {
                match self { $(Equation::$variant => {
                    #[allow(unused_imports)]
                    use $crate::attractor::prelude_f64::*;
                    #[allow(unused_variables, unused_mut)]
                    let [mut $x, mut $y, mut $z] = p;
                    let _ = k;
                    $crate::define_maps!(@bind k 0usize; $($p),*);
                    $crate::formula_rust!($($body)*);
                })* }
            }

            /// Calls `kernel.run` with this equation's f32 step as a concrete closure, so the hot loop
            /// of the kernel is compiled once per equation with the map inlined.
            pub fn dispatch_f32<K: $crate::attractor::F32Kernel>(self, kernel: K) -> K::Output {
                match self { $(Equation::$variant => kernel.run(#[inline(always)] |p, k| Equation::$variant.step_f32(p, k)),)* }
            }

            /// Calls `kernel.run` with this equation's N-lane step as a concrete closure (one
            /// compiled hot loop per equation, lane count and instruction set).
            #[inline(always)]
            pub fn dispatch_lanes<const N: usize, K: $crate::attractor::simd::LanesKernel<N>>(self, kernel: K) -> K::Output {
                match self { $(Equation::$variant => kernel.run(#[inline(always)] |p, k| Equation::$variant.step_lanes::<N>(p, k)),)* }
            }

            /// N float32 steps at once (the vectorised CPU kernels): the same tokens over
            /// [`$crate::attractor::simd::V`] lanes, parameters scalar; lane `i` is bit-identical
            /// to [`Equation::step_f32`] of lane `i`'s point, except that a sin/cos argument
            /// beyond the f32 reduction's range gives NaN (the kernel redoes such a lane with
            /// `step_f32`).
            #[inline(always)]
            pub fn step_lanes<const N: usize>(self, p: [$crate::attractor::simd::V<N>; 3], k: &[f32; 7]) -> [$crate::attractor::simd::V<N>; 3] {
                match self { $(Equation::$variant => {
                    #[allow(unused_imports)]
                    use $crate::attractor::simd::prelude::*;
                    #[allow(unused_variables, unused_mut)]
                    let [mut $x, mut $y, mut $z] = p;
                    let _ = k;
                    $crate::define_maps!(@bind k 0usize; $($p),*);
                    $crate::formula_rust!($($body)*);
                })* }
            }

            /// One float32 step (fast CPU mode: the same tokens with the fast f32 prelude).
            #[inline(always)]
            pub fn step_f32(self, p: [f32; 3], k: &[f32; 7]) -> [f32; 3] {
                match self { $(Equation::$variant => {
                    #[allow(unused_imports)]
                    use $crate::attractor::prelude_f32::*;
                    #[allow(unused_variables, unused_mut)]
                    let [mut $x, mut $y, mut $z] = p;
                    let _ = k;
                    $crate::define_maps!(@bind k 0usize; $($p),*);
                    $crate::formula_rust!($($body)*);
                })* }
            }
        }
    };
    (@bind $k:ident $i:expr; ) => {};
    (@bind $k:ident $i:expr; $p:ident $(, $rest:ident)*) => {
        #[allow(unused_variables)]
        let $p = $k[$i];
        $crate::define_maps!(@bind $k $i + 1usize; $($rest),*);
    };
}
