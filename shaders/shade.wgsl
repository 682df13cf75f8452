// Shading: histogram -> colours, the same maths as src/shade.rs (read its module docs), in f32.
// A full-screen triangle; the fragment at pixel (col, row) reads bin row * width + col (row 0 =
// top). Counts are 64-bit as (lo, hi).

struct ShadeParams {
    background: vec4<f32>,  // RGBA in 0..1
    width: u32,
    height: u32,
    shade: u32,             // 0 eq_hist, 1 log, 2 cbrt, 3 linear (shade::Shade::index)
    n_colors: u32,
    t_min: f32,             // transform of the smallest / largest non-empty count
    t_max: f32,
    n_levels: u32,          // eq_hist: number of distinct counts
    _pad: u32,
}

@group(0) @binding(0) var<uniform> sp: ShadeParams;
@group(0) @binding(1) var<storage, read> counts: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> palette: array<vec4<f32>>;  // RGB in 0..255
@group(0) @binding(3) var<storage, read> values: array<vec2<u32>>;   // eq_hist: distinct counts, ascending
@group(0) @binding(4) var<storage, read> levels: array<f32>;         // eq_hist: level of each value

@vertex
fn vs_fullscreen(@builtin(vertex_index) v: u32) -> @builtin(position) vec4<f32> {
    let uv = vec2<f32>(f32((v << 1u) & 2u), f32(v & 2u));
    return vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
}

fn less64(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.y < b.y || (a.y == b.y && a.x < b.x);
}

fn as_f32(c: vec2<u32>) -> f32 {
    return f32(c.y) * 4294967296.0 + f32(c.x);
}

fn transform(c: f32) -> f32 {
    switch sp.shade {
        case 1u: { return log(1.0 + c); }
        case 2u: { return pow(c, 1.0 / 3.0); }
        default: { return c; }
    }
}

fn level(c: vec2<u32>) -> f32 {
    if sp.shade == 0u {
        // first index whose value is not less than c
        var lo = 0u;
        var hi = sp.n_levels;
        while lo < hi {
            let mid = (lo + hi) / 2u;
            if less64(values[mid], c) {
                lo = mid + 1u;
            } else {
                hi = mid;
            }
        }
        return levels[min(lo, sp.n_levels - 1u)];
    }
    if sp.t_max == sp.t_min {
        return 1.0;
    }
    return clamp((transform(as_f32(c)) - sp.t_min) / (sp.t_max - sp.t_min), 0.0, 1.0);
}

@fragment
fn fs_shade(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
    let idx = u32(pos.y) * sp.width + u32(pos.x);
    let c = counts[idx];
    if c.x == 0u && c.y == 0u {
        return sp.background;
    }
    let n = sp.n_colors;
    let p = level(c) * f32(n - 1u);
    let i = min(u32(floor(p)), n - 2u);
    let f = p - f32(i);
    let a = palette[i].rgb;
    let b = palette[i + 1u].rgb;
    return vec4<f32>(floor(a + (b - a) * f) / 255.0, 1.0);
}
