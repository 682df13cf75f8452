//! User formulas end to end without a GPU: the accumulate shader composed with a formula's
//! `map_step` validates with naga (every function, every built-in written as a formula, random
//! formulas), and the parser never panics and prints text that parses back to the same tree.

use attractors::attractor::Equation;
use attractors::attractor::user::{MAX_TEXT, Origin, UserMap, builtin_formula};
use proptest::prelude::*;

/// The accumulate shader composed with the formula's `fn map_step`, as the program composes it.
fn compose(map: &UserMap) -> String {
    attractors::gpu::compose_accumulate_with(&map.map_step_wgsl())
}

fn validate(src: &str) -> Result<(), String> {
    attractors::gpu::validate_wgsl(src)
}

fn parse(text: &str) -> UserMap {
    UserMap::parse(text).unwrap_or_else(|e| panic!("{}", e.render(text, Origin::Flag("--formula"))))
}

#[test]
fn every_function_and_operator_validates() {
    let formulas = [
        "x' = sin(a*y) + c*cos(a*x); y' = sin(b*x) + d*cos(b*y)",
        "x' = tan(x) + asin(y) + acos(x) + atan(y) + atan2(y, x); y' = sinh(x) - cosh(y) * tanh(x)",
        "x' = exp(x) + log(abs(y) + 1) + sqrt(abs(x)); y' = sign(x) + floor(y) + fract(x)",
        "x' = min(x, y) + max(x, a); y' = pow(x, 2) + pow(y, b) + x^-3 + y^0 + x^1 + (x+y)^2.5",
        "x' = select(x < y, x <= y, x > y) + select(x >= y, 1, 0); y' = -x^2 + 2^3^2 + pi",
        "t = 0.4 - 6/(1 + x^2 + y^2); x' = 1 + a*(x*cos(t) - y*sin(t)); y' = a*(x*sin(t) + y*cos(t))",
        "x' = sin(a*y) - z*cos(b*x); y' = z*sin(c*x) - cos(d*y); z' = sin(x)",
        "x' = y; y' = x' * x'; z' = x' + y' + e + f + g",
        "x' = 1e-7 * x + 1e20 / (1e20 + x*x) + .5; y' = 0",
        "x' = 2; y' = 3",
    ];
    for f in formulas {
        let m = parse(f);
        if let Err(e) = validate(&compose(&m)) {
            panic!("{f}:\n{}\n{e}", m.map_step_wgsl());
        }
    }
}

#[test]
fn every_builtin_as_a_formula_validates() {
    for eq in Equation::ALL {
        if let Some(text) = builtin_formula(*eq) {
            let m = parse(&text);
            validate(&compose(&m)).unwrap_or_else(|e| panic!("{}: {e}", eq.name()));
        }
    }
}

/// Random well-formed formulas: an expression grammar over the language's names and functions.
fn expr(extra: &'static [&'static str]) -> impl Strategy<Value = String> {
    let mut names = vec!["x", "y", "z", "a", "b", "c", "d", "e", "f", "g", "pi"];
    names.extend_from_slice(extra);
    let leaf = prop_oneof![
        prop::sample::select(names).prop_map(String::from),
        (1u32..2000, 0u32..4).prop_map(|(m, s)| format!("{}", m as f64 / 10f64.powi(s as i32))),
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let funcs1 = prop::sample::select(vec![
            "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log",
            "sqrt", "abs", "sign", "floor", "fract",
        ]);
        let funcs2 = prop::sample::select(vec!["atan2", "min", "max", "pow"]);
        let ops = prop::sample::select(vec!["+", "-", "*", "/", "^", "<", "<=", ">", ">="]);
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            (inner.clone(), any::<bool>()).prop_map(|(a, p)| if p {
                format!("({a})")
            } else {
                format!("-{a}")
            }),
            (funcs1, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (funcs2, inner.clone(), inner.clone()).prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(c, a, b)| format!("select({c}, {a}, {b})")),
        ]
    })
}

fn formula() -> impl Strategy<Value = String> {
    (
        expr(&[]),
        expr(&["t"]),
        expr(&["t", "x'"]),
        proptest::option::of(expr(&["t", "x'", "y'"])),
    )
        .prop_map(|(t, x, y, z)| {
            let mut s = format!("t = {t}; x' = {x}; y' = {y}");
            if let Some(z) = z {
                s.push_str(&format!("; z' = {z}"));
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = UserMap::parse(&text) {
            let _ = e.render(&text, Origin::Flag("--formula"));
        }
    }

    #[test]
    fn never_panics_on_formula_like_text(s in "[-xyzabcdefgt' =;+*/^()<>,.0-9eE\n#sincoqrtlgpw]{0,80}") {
        match UserMap::parse(&s) {
            Ok(m) => {
                let _ = m.step_f64([0.1, 0.2, 0.3], &[0.5; 7]);
                let _ = m.map_step_wgsl();
            }
            Err(e) => {
                let r = e.render(&s, Origin::File { path: "f.atr", line: 3, column: 9 });
                prop_assert!(r.starts_with("f.atr:"));
            }
        }
    }

    #[test]
    fn well_formed_formulas_round_trip_and_validate(text in formula()) {
        prop_assume!(text.len() <= MAX_TEXT);
        let m = match UserMap::parse(&text) {
            Ok(m) => m,
            Err(e) => {
                // The only refusal of well-formed text: a part without variables that is not finite,
                // or nesting beyond the limit.
                let msg = e.to_string();
                prop_assert!(msg.contains("evaluates to") || msg.contains("nested"), "{}: {}", text, msg);
                return Ok(());
            }
        };
        let printed = m.canonical_text();
        prop_assume!(printed.len() <= MAX_TEXT);
        let again = UserMap::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
        prop_assert!(m.ast().same(again.ast()), "{} -> {}", text, printed);
        prop_assert_eq!(again.canonical_text(), printed.clone());
        let k = [0.7, -1.1, 1.3, 0.4, 2.0, -0.5, 0.9];
        let p = [0.3, -0.2, 0.1];
        prop_assert_eq!(m.step_f64(p, &k).map(f64::to_bits), again.step_f64(p, &k).map(f64::to_bits));
        if let Err(e) = validate(&compose(&m)) {
            return Err(TestCaseError::fail(format!("{text}:\n{}\n{e}", m.map_step_wgsl())));
        }
    }
}
