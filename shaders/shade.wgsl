// Shading: histogram -> colours, the same maths as src/shade.rs (read its module docs), in f32.
// A full-screen triangle; the fragment at pixel (col, row) reads bin row * width + col (row 0 =
// top). Counts are 64-bit as (lo, hi).

struct ShadeParams {
    background: vec4<f32>,  // RGBA in 0..1
    width: u32,
    height: u32,
    shade: u32,             // 0 eq_hist, 1 log, 2 cbrt, 3 linear (shade::Shade::index)
    n_colors: u32,
    lo: f32,                // span of the colour ramp in transformed units (shade.rs step 4)
    hi: f32,
    n_levels: u32,          // eq_hist: number of distinct counts
    _pad: u32,
    offset: vec2<u32>,      // subtracted after clipping (step 2)
    clip_lo: vec2<u32>,     // counts are clipped into [clip_lo, clip_hi] first
    clip_hi: vec2<u32>,
    _pad2: vec2<u32>,
}

@group(0) @binding(0) var<uniform> sp: ShadeParams;
@group(0) @binding(1) var<storage, read> counts: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> palette: array<vec4<f32>>;  // RGB in 0..255
@group(0) @binding(3) var<storage, read> values: array<vec2<u32>>;   // eq_hist: distinct counts, ascending
@group(0) @binding(4) var<storage, read> levels: array<f32>;         // eq_hist: normalised level of each value

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

// a - b for a >= b, 64-bit as (lo, hi).
fn sub64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let borrow = select(0u, 1u, a.x < b.x);
    return vec2<u32>(a.x - b.x, a.y - b.y - borrow);
}

// Step 3 of shade.rs on an offset count d (>= 0, a whole number, so 1 + d is exact below 2^24).
fn transform(d: f32) -> f32 {
    switch sp.shade {
        case 1u: { return log(1.0 + d); }
        case 2u: { return select(pow(d, 1.0 / 3.0), 0.0, d == 0.0); }
        default: { return d; }
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
    if sp.hi == sp.lo {
        return 1.0;
    }
    var k = c;
    if less64(k, sp.clip_lo) {
        k = sp.clip_lo;
    }
    if less64(sp.clip_hi, k) {
        k = sp.clip_hi;
    }
    let x = transform(as_f32(sub64(k, sp.offset)));
    return clamp((x - sp.lo) / (sp.hi - sp.lo), 0.0, 1.0);
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
