//! Composes the WGSL the GPU runs: the constants emitted from their Rust definitions, the shared
//! `shaders/common.wgsl`, the map's `fn map_step` from the single formula source, and the pass.

use crate::attractor::Equation;

const ACCUMULATE: &str = include_str!("../../shaders/accumulate.wgsl");
const COMMON: &str = include_str!("../../shaders/common.wgsl");
const MAP_MARKER: &str = "// @map_step@";
const COMMON_MARKER: &str = "// @common@";
const BINDINGS_MARKER: &str = "// @bindings@";

/// WGSL constants mirroring Rust ones, written from the Rust values.
pub fn constants_wgsl() -> String {
    format!(
        "const DIVERGENCE_LIMIT: f32 = {:?};\n",
        crate::job::DIVERGENCE_LIMIT as f32
    )
}

/// The constants and shared functions, as one WGSL block (also used by the GPU tests).
pub fn common_wgsl() -> String {
    format!("{}\n{COMMON}", constants_wgsl())
}

/// The WGSL `fn map_step` of an equation, from the single formula source.
pub fn map_step_wgsl(eq: Equation) -> String {
    let mut s = String::from(
        "fn map_step(pin: vec3<f32>) -> vec3<f32> {\n    let x = pin.x;\n    let y = pin.y;\n    let z = pin.z;\n",
    );
    let slots = [
        "params.k0.x",
        "params.k0.y",
        "params.k0.z",
        "params.k0.w",
        "params.k1.x",
        "params.k1.y",
        "params.k1.z",
    ];
    for (name, slot) in eq.params().iter().zip(slots) {
        s.push_str(&format!("    let {name} = {slot};\n"));
    }
    s.push_str(eq.wgsl_body());
    s.push_str("}\n");
    s
}

/// The complete accumulate shader for one equation.
pub fn compose_accumulate_shader(eq: Equation) -> String {
    compose_accumulate_with(&map_step_wgsl(eq))
}

/// The complete accumulate shader around any WGSL `fn map_step` (a built-in's or a user formula's).
pub fn compose_accumulate_with(map_step: &str) -> String {
    compose_accumulate_bindings(map_step, 1)
}

/// [`compose_accumulate_with`] for a histogram spread over `bindings` buffers
/// ([`super::bindings`]).
pub fn compose_accumulate_bindings(map_step: &str, bindings: u32) -> String {
    assert!(
        ACCUMULATE.contains(MAP_MARKER)
            && ACCUMULATE.contains(COMMON_MARKER)
            && ACCUMULATE.contains(BINDINGS_MARKER),
        "accumulate.wgsl lost a marker"
    );
    ACCUMULATE
        .replace(COMMON_MARKER, &common_wgsl())
        .replace(BINDINGS_MARKER, &super::bindings::bindings_wgsl(bindings))
        .replace(MAP_MARKER, map_step)
}

/// Parses and validates composed WGSL with naga, so that no input reaches wgpu's shader module
/// creation (which panics on invalid WGSL) without being checked; the error is naga's report.
pub fn validate_wgsl(src: &str) -> Result<(), String> {
    use wgpu::naga;
    let module = naga::front::wgsl::parse_str(src).map_err(|e| e.emit_to_string(src))?;
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::all(),
    )
    .validate(&module)
    .map_err(|e| e.emit_to_string(src))?;
    Ok(())
}
