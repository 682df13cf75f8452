//! Every WGSL module, composed exactly as the program composes it, validates with naga (no
//! adapter needed), and the uniform structs match naga's layout.

use attractors::attractor::Equation;
use attractors::gpu::accumulate::AccumulateParams;
use attractors::gpu::compose_accumulate_shader;
use attractors::gpu::shade::ShadeParams;
use wgpu::naga;

fn validate(name: &str, src: &str) -> naga::Module {
    let module = naga::front::wgsl::parse_str(src)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(src)));
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::all(),
    )
    .validate(&module)
    .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(src)));
    module
}

fn struct_size(module: &naga::Module, name: &str) -> u32 {
    let (_, ty) = module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no struct {name}"));
    match ty.inner {
        naga::TypeInner::Struct { span, .. } => span,
        _ => panic!("{name} is not a struct"),
    }
}

#[test]
fn every_accumulate_shader_validates() {
    for eq in Equation::ALL {
        let module = validate(eq.name(), &compose_accumulate_shader(*eq));
        assert_eq!(
            struct_size(&module, "Params") as usize,
            std::mem::size_of::<AccumulateParams>(),
            "{}",
            eq.name()
        );
    }
}

#[test]
fn accumulate_shaders_over_several_bindings_validate() {
    use attractors::gpu::bindings::MAX_BINDINGS;
    use attractors::gpu::compose::{compose_accumulate_bindings, map_step_wgsl};
    for k in 1..=MAX_BINDINGS {
        let src = compose_accumulate_bindings(&map_step_wgsl(Equation::Clifford), k);
        validate(&format!("{k} bindings"), &src);
        assert_eq!(
            src.matches("var<storage, read_write> hist").count(),
            k as usize
        );
    }
}

#[test]
fn shade_shader_validates() {
    let module = validate("shade", include_str!("../shaders/shade.wgsl"));
    assert_eq!(
        struct_size(&module, "ShadeParams") as usize,
        std::mem::size_of::<ShadeParams>()
    );
}

#[test]
fn density_shader_validates() {
    use attractors::gpu::density::{DeParams, Level};
    let module = validate("density", include_str!("../shaders/density.wgsl"));
    assert_eq!(
        struct_size(&module, "DeParams") as usize,
        std::mem::size_of::<DeParams>()
    );
    assert_eq!(
        struct_size(&module, "Level") as usize,
        std::mem::size_of::<Level>()
    );
}

/// A user formula's guards (the GPU's divergence rule for values that leave float32) validate
/// in the composed shader, and every operation that can leave float32 from finite operands has
/// its guard; operations that cannot have none.
#[test]
fn formula_guards_validate_and_cover_every_operation_that_can_overflow() {
    use attractors::attractor::user::UserMap;
    let cases = [
        ("exp(x)", "x > GUARD_EXP_MAX"),
        ("sinh(x)", "abs(x) > GUARD_SINH_MAX"),
        ("cosh(x)", "abs(x) > GUARD_COSH_MAX"),
        ("log(x)", "x <= 0.0"),
        ("sqrt(x)", "x < 0.0"),
        ("asin(x)", "abs(x) > 1.0"),
        ("acos(x)", "abs(x) > 1.0"),
        ("tan(x)", "guard_not_finite(h0)"),
        ("x / y", "guard_div(x, y)"),
        ("x * y", "guard_mul(x, y)"),
        ("x + y", "guard_sum(x, y)"),
        ("x - y", "guard_sum(x, (-y))"),
        ("pow(x, y)", "guard_pow(x, y)"),
        ("x^1.5", "guard_pow(x, 1.5)"),
        ("x^3", "guard_mul(h0, x)"),
        ("x^-2", "guard_div(1.0, h0)"),
        ("0*exp(60*y)", "h0 > GUARD_EXP_MAX"),
    ];
    for (expr, guard) in cases {
        let text = format!("x' = {expr}; y' = y");
        let wgsl = UserMap::parse(&text).unwrap().map_step_wgsl();
        let src = attractors::gpu::compose_accumulate_with(&wgsl);
        validate(&text, &src);
        let line = format!("bad = bad || {guard};");
        assert!(wgsl.contains(&line), "{text}: no `{line}` in\n{wgsl}");
    }
    // Bounded operations, a factor of at most 1 and a divisor of at least 1: nothing to guard.
    let text = "x' = sin(x) * 0.5 + 0; y' = atan2(y, x) / 2 - 0";
    let safe = UserMap::parse(text).unwrap().map_step_wgsl();
    validate(text, &attractors::gpu::compose_accumulate_with(&safe));
    let guards = safe.matches("bad = bad ||").count();
    assert_eq!(guards, 2, "only the + 0 and - 0 are guarded:\n{safe}");
}
