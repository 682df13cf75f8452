use super::*;
use crate::attractor::atr;

mod errors;

fn map(text: &str) -> UserMap {
    UserMap::parse(text).unwrap_or_else(|e| panic!("{}", e.render(text, Origin::Flag("test"))))
}

fn err(text: &str) -> FormulaError {
    match UserMap::parse(text) {
        Ok(_) => panic!("{text:?} parsed"),
        Err(e) => e,
    }
}

fn eval(expr: &str) -> f64 {
    map(&format!("x' = {expr}; y' = 0")).step_f64([0.5, -0.25, 2.0], &[1.0; 7])[0]
}

fn bundled_presets() -> Vec<crate::attractor::Preset> {
    atr::parse(
        include_bytes!("../../../../attractors.atr"),
        "attractors.atr",
    )
    .unwrap()
}

#[test]
fn builtins_as_formulas_step_bit_for_bit_in_f64() {
    let presets = bundled_presets();
    let mut checked = std::collections::HashSet::new();
    for p in &presets {
        let Some(text) = builtin_formula(p.equation) else {
            assert_eq!(p.equation, Equation::SymmetricIcon);
            continue;
        };
        let user = map(&text);
        let k = p.kernel_params();
        if p.equation == Equation::Bedhead {
            assert_ne!(k[1], 0.0, "bedhead needs b != 0 ({})", p.name);
        }
        let used = user.params_used();
        for (i, used) in used.iter().enumerate() {
            assert_eq!(*used, i < p.equation.params().len(), "{text}");
        }
        assert_eq!(user.is_3d(), p.equation == Equation::Pickover);
        let mut ev = user.eval_f64(&k);
        let mut pt = p.start;
        for i in 0..300 {
            let want = p.equation.step_f64(pt, &k);
            let got = ev.step(pt);
            assert_eq!(
                got.map(f64::to_bits),
                want.map(f64::to_bits),
                "{} step {i} from {pt:?}: {text}",
                p.name
            );
            pt = want;
        }
        checked.insert(p.equation);
    }
    assert_eq!(checked.len(), Equation::ALL.len() - 1);
}

#[test]
fn builtins_as_formulas_step_bit_for_bit_in_f32_lanes() {
    for p in bundled_presets() {
        let Some(text) = builtin_formula(p.equation) else {
            continue;
        };
        let user = map(&text);
        let k = p.kernel_params().map(|v| v as f32);
        let mut ev = user.eval_f32::<16>(&k);
        let mut pts: [[f32; 3]; 16] = std::array::from_fn(|l| {
            let t = l as f32 / 16.0;
            [
                p.start[0] as f32 + t * 0.1,
                p.start[1] as f32 - t * 0.05,
                0.5,
            ]
        });
        let (mut xs, mut ys, mut zs) = (pts.map(|q| q[0]), pts.map(|q| q[1]), pts.map(|q| q[2]));
        for i in 0..100 {
            ev.step(&mut xs, &mut ys, &mut zs);
            for (l, q) in pts.iter_mut().enumerate() {
                *q = p.equation.step_f32(*q, &k);
                assert_eq!(
                    [xs[l], ys[l], zs[l]].map(f32::to_bits),
                    q.map(f32::to_bits),
                    "{} step {i} lane {l}: {text}",
                    p.name
                );
            }
        }
    }
}

#[test]
fn builtin_formula_texts() {
    assert_eq!(
        builtin_formula(Equation::Clifford).unwrap(),
        "x' = sin(a * y) + c * cos(a * x); y' = sin(b * x) + d * cos(b * y)"
    );
    assert_eq!(
        builtin_formula(Equation::Ikeda).unwrap(),
        "t = 0.4 - 6.0 / (1.0 + x * x + y * y); x' = 1.0 + a * (x * cos(t) - y * sin(t)); \
         y' = a * (x * sin(t) + y * cos(t))"
    );
    // gumowski_mira's local `g` would be the parameter g; its mu becomes c.
    let gm = builtin_formula(Equation::GumowskiMira).unwrap();
    assert_eq!(
        gm,
        "g1 = c * x + (2.0 * (1.0 - c)) * (x * x) / (1.0 + x * x); \
         xn = y + a * (1.0 - b * (y * y)) * y + g1; \
         gn = c * xn + (2.0 * (1.0 - c)) * (xn * xn) / (1.0 + xn * xn); x' = xn; y' = -x + gn"
    );
    assert!(builtin_formula(Equation::SymmetricIcon).is_none());
    assert!(
        builtin_formula(Equation::Pickover)
            .unwrap()
            .ends_with("z' = sin(x)")
    );
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(eval("-2^2"), -4.0);
    assert_eq!(eval("2^3^2"), 512.0);
    assert_eq!(eval("2^-1"), 0.5);
    assert_eq!(eval("-2^-2"), -0.25);
    assert_eq!(eval("(-2)^2"), 4.0);
    assert_eq!(eval("1 - 2 - 3"), -4.0);
    assert_eq!(eval("8 / 4 / 2"), 1.0);
    assert_eq!(eval("2 * 3 + 4 * 5"), 26.0);
    assert_eq!(eval("-x * 2"), -1.0);
    assert_eq!(eval("1 + 2 < 4"), 1.0);
    assert_eq!(eval("3 <= 2"), 0.0);
}

#[test]
fn integer_powers_are_products_from_the_left() {
    let x = 1.1f64;
    let step = |e: &str| map(&format!("x' = {e}; y' = 0")).step_f64([x, 0.0, 0.0], &[0.0; 7])[0];
    assert_eq!(step("x^2").to_bits(), (x * x).to_bits());
    assert_eq!(step("x^3").to_bits(), (x * x * x).to_bits());
    assert_eq!(step("x^5").to_bits(), (x * x * x * x * x).to_bits());
    assert_eq!(step("pow(x, 2)").to_bits(), (x * x).to_bits());
    assert_eq!(step("x^-2").to_bits(), (1.0 / (x * x)).to_bits());
    assert_eq!(step("x^0"), 1.0);
    assert_eq!(step("x^1"), x);
    assert_eq!(step("x^2.5").to_bits(), x.powf(2.5).to_bits());
    assert_eq!(eval("(-2)^3"), -8.0);
    assert_eq!(eval("pow(-2, 3)"), -8.0);
    assert!(eval("(x - 8.5)^(1/3)").is_nan());
}

#[test]
fn functions() {
    let (x, y) = (0.5f64, -0.25f64);
    assert_eq!(eval("sign(0)"), 0.0);
    assert_eq!(eval("sign(y)"), -1.0);
    assert_eq!(eval("fract(y)"), 0.75);
    assert_eq!(eval("floor(y)"), -1.0);
    assert_eq!(eval("atan2(y, x)"), y.atan2(x));
    assert_eq!(eval("min(x, y)"), y);
    assert_eq!(eval("max(x, y)"), x);
    assert_eq!(eval("select(x > y, 1, 2)"), 1.0);
    assert_eq!(eval("select(0, 1, 2)"), 2.0);
    assert_eq!(eval("log(exp(1))"), 1.0);
    assert_eq!(eval("pi"), std::f64::consts::PI);
    assert_eq!(eval("e"), 1.0, "e is the fifth parameter");
    assert_eq!(eval("z"), 2.0);
    for (f, want) in [
        ("sin", x.sin()),
        ("cos", x.cos()),
        ("tan", x.tan()),
        ("asin", x.asin()),
        ("acos", x.acos()),
        ("atan", x.atan()),
        ("sinh", x.sinh()),
        ("cosh", x.cosh()),
        ("tanh", x.tanh()),
        ("exp", x.exp()),
        ("log", x.ln()),
        ("sqrt", x.sqrt()),
        ("abs", x.abs()),
    ] {
        assert_eq!(eval(&format!("{f}(x)")), want, "{f}");
    }
}

#[test]
fn later_lines_read_earlier_ones() {
    let m = map("t = x + 1\nx' = t * 2; y' = x' + x # y' sees the new x and the old x\n");
    assert_eq!(m.step_f64([1.0, 0.0, 3.0], &[0.0; 7]), [4.0, 5.0, 3.0]);
    // A 3-D map; swapped coordinates read the old point.
    let m = map("x' = y; y' = x; z' = z * 2");
    assert!(m.is_3d());
    assert_eq!(m.step_f64([1.0, 2.0, 3.0], &[0.0; 7]), [2.0, 1.0, 6.0]);
    let mut ev = m.eval_f32::<8>(&[0.0; 7]);
    let (mut xs, mut ys, mut zs) = ([1.0f32; 8], [2.0f32; 8], [3.0f32; 8]);
    ev.step(&mut xs, &mut ys, &mut zs);
    assert_eq!((xs[7], ys[7], zs[7]), (2.0, 1.0, 6.0));
}

#[test]
fn z_is_used_when_assigned_or_read() {
    assert!(!map("x' = sin(a*y); y' = x").uses_z());
    assert!(map("x' = y; y' = x; z' = 1").uses_z());
    // No z' but z is read: it stays at the start point's z, which then matters.
    assert!(map("x' = y + z; y' = x").uses_z());
    assert!(map("t = cos(z); x' = y; y' = x*t").uses_z());
}

#[test]
fn f32_lanes_follow_f64_closely_on_every_function() {
    let text = "t = sin(a*y) + cos(b*x) + tan(x/4) + asin(x/9) + acos(y/9) + atan(x); \
                x' = t/3 + sinh(x/9) - cosh(y/9) + tanh(x) + exp(-x*x) + log(1 + y*y) + sqrt(abs(x)); \
                y' = sign(y) * fract(x) + floor(y) / 9 + min(x, y) - max(x, 0) + pow(abs(y), 1.5) \
                + atan2(y, x) + select(x < y, 1, -1) + x^2 - y^-2 * 0.01 + pi / 9";
    let m = map(text);
    let k = [1.7, -0.6, 0.0, 0.0, 0.0, 0.0, 0.0];
    let mut ev = m.eval_f32::<4>(&k.map(|v| v as f32));
    let starts = [[0.3, 0.7], [-1.2, 0.4], [2.0, -3.0], [0.1, 0.05]];
    let (mut xs, mut ys, mut zs) = (
        starts.map(|s| s[0] as f32),
        starts.map(|s| s[1] as f32),
        [0.0f32; 4],
    );
    ev.step(&mut xs, &mut ys, &mut zs);
    for (l, s) in starts.iter().enumerate() {
        let want = m.step_f64([s[0], s[1], 0.0], &k);
        assert!((want[0] - xs[l] as f64).abs() < 1e-4, "{want:?} {}", xs[l]);
        assert!((want[1] - ys[l] as f64).abs() < 1e-4, "{want:?} {}", ys[l]);
    }
}

#[test]
fn canonical_text_round_trips() {
    for text in [
        "x' = -2^2 + (-2)^2 + 2^-x + 2^3^2 + (2^3)^2; y' = -(-x) - -y",
        "x' = a - (b - c) - d / (e * f) * g; y' = (x < y) < 1",
        "t = select(x >= y, min(x, y), max(x, y)); x' = t; y' = --t",
    ] {
        let m = map(text);
        let printed = m.canonical_text();
        let again = map(&printed);
        assert!(m.ast().same(again.ast()), "{text} -> {printed}");
        assert_eq!(again.canonical_text(), printed);
        assert_eq!(
            again.step_f64([0.3, 0.7, 0.0], &[0.5; 7]).map(f64::to_bits),
            m.step_f64([0.3, 0.7, 0.0], &[0.5; 7]).map(f64::to_bits)
        );
    }
    assert_eq!(
        map("x' = (a*(b))^(2); y' = -(x^2)").canonical_text(),
        "x' = (a * b)^2; y' = -x^2"
    );
}

#[test]
fn wgsl_body_has_the_builtin_form() {
    let m = map("t = x^2 + pi; x' = sin(a*y) - t; y' = select(x < 0, pow(y, 1.5), -x)");
    let body = m.wgsl_body();
    // Each operation that can overflow is guarded on its (named) operands.
    for line in [
        "bad = bad || guard_mul(x, x);",
        "let h0 = (x * x);",
        "bad = bad || guard_sum(h0, 3.1415927);",
        "let l_t = (h0 + 3.1415927);",
        "bad = bad || guard_pow(y, 1.5);",
    ] {
        assert!(body.contains(line), "{line}: {body}");
    }
    assert!(
        body.ends_with(
            "    return select(vec3<f32>(next_x, next_y, z), vec3<f32>(2.0 * DIVERGENCE_LIMIT), bad);\n"
        ),
        "{body}"
    );
    let f = m.map_step_wgsl();
    assert!(
        f.starts_with("fn map_step(pin: vec3<f32>) -> vec3<f32> {"),
        "{f}"
    );
    assert!(f.contains("let a = params.k0.x;"), "{f}");
    assert!(!f.contains("let b = "), "{f}");
}

#[test]
fn longest_flat_formula_is_handled_on_a_test_thread_stack() {
    // Left-associative chains are not limited by the nesting limit: 4 KiB of `x + x + ...` is a
    // tree about 2000 deep, which every pass walks recursively.
    let body = "x + ".repeat((MAX_TEXT - 20) / 4);
    let text = format!("x' = {body}x; y' = 0");
    assert!(text.len() <= MAX_TEXT);
    let m = map(&text);
    assert_eq!(m.canonical_text(), text);
    let n = body.len() / 4 + 1;
    assert_eq!(m.step_f64([1.0, 0.0, 0.0], &[0.0; 7])[0], n as f64);
    assert!(m.map_step_wgsl().len() > text.len());
    assert!(map(&m.canonical_text()).ast().same(m.ast()));
}

/// The rule of `guard`: a step that computes a value that is not finite diverges (NaN out) in
/// both evaluators, even where a later operation hides it; finite steps are unchanged.
#[test]
fn a_non_finite_value_anywhere_in_a_step_diverges() {
    // Each leaves float64 as well as float32 at x = 1.
    let hidden = [
        "0*exp(800*x)",            // overflow times zero
        "1/(x - x) * 0",           // division by zero
        "exp(800*x) - exp(800*x)", // inf - inf
        "sqrt(-x) * 0",            // sqrt of a negative
        "0 * pow(x + 1, 2000)",    // pow overflow
        "1 / exp(800*x)",          // 1/inf = 0
        "min(log(-x), 1)",         // NaN hidden by min
        "select(exp(800*x) > 0, 1, 2)",
        "atan(exp(800*x))",
    ];
    for expr in hidden {
        let m = map(&format!("x' = {expr}; y' = y"));
        let p64 = m.step_f64([1.0, 0.5, 0.0], &[0.0; 7]);
        assert!(p64[0].is_nan() && p64[1].is_nan(), "f64 {expr}: {p64:?}");
        let mut ev = m.eval_f32::<4>(&[0.0; 7]);
        let (mut xs, mut ys, mut zs) = ([1.0f32; 4], [0.5f32; 4], [0.0f32; 4]);
        ev.step(&mut xs, &mut ys, &mut zs);
        assert!(
            xs.iter().chain(&ys).all(|v| v.is_nan()),
            "f32 {expr}: {xs:?}"
        );
    }
    // In float32 only: exp(120) is finite in float64, infinite in float32.
    let m = map("x' = 0*exp(60*x) + 1; y' = y");
    assert_eq!(m.step_f64([2.0, 0.5, 0.0], &[0.0; 7])[0], 1.0);
    // Lanes are judged one by one: the same formula at x = 0 stays finite.
    let mut ev = m.eval_f32::<2>(&[0.0; 7]);
    let (mut xs, mut ys, mut zs) = ([2.0f32, 0.0], [0.5f32; 2], [0.0f32; 2]);
    ev.step(&mut xs, &mut ys, &mut zs);
    assert!(
        xs[0].is_nan() && ys[0].is_nan() && xs[1] == 1.0 && ys[1] == 0.5,
        "{xs:?} {ys:?}"
    );
}
