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
