// WGSL shared by the compute shaders, mirroring Rust bit for bit (a GPU test checks
// orbit_start and bin_index against src/rng.rs and src/histogram.rs). The constants used here
// (DIVERGENCE_LIMIT) are emitted from their Rust definitions by src/gpu/compose.rs.

// PCG hash, bit-identical to src/rng.rs.
fn pcg(v: u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

fn hash3(a: u32, b: u32, c: u32) -> u32 {
    return pcg(a ^ pcg(b ^ pcg(c)));
}

fn signed_unit(h: u32) -> f32 {
    return f32(h >> 8u) * (2.0 / 16777216.0) - 1.0;
}

// Same as rng::orbit_start; `start` holds the preset start x y z and the jitter.
fn orbit_start(key: u32, id: u32, restart: u32, start: vec4<f32>) -> vec3<f32> {
    let h = hash3(key, id, restart);
    let h2 = pcg(h);
    let j = start.w;
    return vec3<f32>(start.x + j * signed_unit(h), start.y + j * signed_unit(h2), start.z);
}

fn is_finite(v: f32) -> bool {
    return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn diverged(p: vec3<f32>) -> bool {
    return !(is_finite(p.x) && is_finite(p.y) && abs(p.x) <= DIVERGENCE_LIMIT && abs(p.y) <= DIVERGENCE_LIMIT);
}

// Datashader's binning rule in f32 (src/histogram.rs, Binner32); -1 when outside.
// b = xmin xmax ymin ymax, s = sx tx sy ty.
fn bin_index(x: f32, y: f32, b: vec4<f32>, s: vec4<f32>, width: u32, height: u32) -> i32 {
    if !(b.x <= x && x <= b.y && b.z <= y && y <= b.w) {
        return -1;
    }
    let col = min(u32(x * s.x + s.y), width - 1u);
    let row_up = min(u32(y * s.z + s.w), height - 1u);
    return i32((height - 1u - row_up) * width + col);
}
