// Accumulation: one invocation = one trajectory (src/gpu/accumulate.rs drives it).
//
// Each batch, invocation i advances its orbit until it has spent `base` points (+1 when
// i < extra), so a batch spends exactly base * invocations + extra points. A point is binned with
// datashader's rule (src/histogram.rs) into `hist`, or tallied as outside; a point that turns
// non-finite or leaves |x|,|y| <= 1e10 is tallied as diverged and restarts the orbit (the
// transient of a new orbit is skipped and not counted). Every orbit is reseeded after
// `orbit_len` counted points: float32 orbits fall into cycles.
//
// `cs_fold` then adds the batch's u32 counts into 64-bit totals (lo, hi with carry) and clears
// them, so no u32 bin can wrap as long as a batch spends fewer than 2^32 points.
//
// The map itself, `fn map_step`, is generated from the single formula source
// (src/attractor/mod.rs) and inserted where the marker below stands.

struct Params {
    k0: vec4<f32>,      // parameters a b c d
    k1: vec4<f32>,      // parameters e f g, unused
    start: vec4<f32>,   // preset start x y z, start jitter
    bounds: vec4<f32>,  // xmin xmax ymin ymax
    scale: vec4<f32>,   // sx tx sy ty
    width: u32,
    height: u32,
    key: u32,
    skip: u32,
    base: u32,
    extra: u32,
    invocations: u32,
    orbit_len: u32,
    init: u32,
    stride_x: u32,      // invocations per row of the 2-D dispatch
    _pad0: u32,
    _pad1: u32,
}

struct Orbit {
    p: vec4<f32>,
    id: u32,
    restarts: u32,
    left: u32,
    skip_left: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> hist: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> orbits: array<Orbit>;
// [counted, outside, diverged] of the current batch
@group(0) @binding(3) var<storage, read_write> tally: array<atomic<u32>, 3>;
// 64-bit totals: one (lo, hi) per bin, then three for the tally
@group(0) @binding(4) var<storage, read_write> totals: array<vec2<u32>>;

// Shared pieces (PCG, start points, divergence, binning) come from shaders/common.wgsl and the
// constants from their Rust definitions; src/gpu/compose.rs puts them where this marker stands.
// @common@

fn bin_of(x: f32, y: f32) -> i32 {
    return bin_index(x, y, params.bounds, params.scale, params.width, params.height);
}

// @map_step@

@compute @workgroup_size(64)
fn cs_accumulate(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let i = (wg.y * params.stride_x + wg.x) * 64u + li;
    if i >= params.invocations {
        return;
    }
    var o = orbits[i];
    if params.init != 0u {
        o.id = i;
        o.restarts = 0u;
        o.p = vec4<f32>(orbit_start(params.key, o.id, 0u, params.start), 0.0);
        o.left = params.orbit_len;
        o.skip_left = params.skip;
    }
    var todo = params.base + select(0u, 1u, i < params.extra);
    var counted = 0u;
    var outside = 0u;
    var lost = 0u;
    var spent = 0u;  // counted-phase points: binned or outside
    var p = o.p.xyz;
    while todo > 0u {
        // The transient of a new orbit (not counted). A divergence here costs one point.
        var bad = false;
        while o.skip_left > 0u && !bad {
            p = map_step(p);
            o.skip_left -= 1u;
            bad = diverged(p);
        }
        // Counted points: the hot loop, one check per point.
        let n = select(min(todo, o.left), 0u, bad);
        var k = 0u;
        while k < n {
            p = map_step(p);
            if diverged(p) {
                bad = true;
                break;
            }
            k += 1u;
            let b = bin_of(p.x, p.y);
            if b >= 0 {
                atomicAdd(&hist[b], 1u);
                counted += 1u;
            }
        }
        spent += k;
        todo -= k;
        o.left -= k;
        if bad {
            lost += 1u;
            todo -= 1u;
            o.restarts += 1u;
            p = orbit_start(params.key, o.id, o.restarts, params.start);
            o.skip_left = params.skip;
        } else if o.left == 0u {
            o.id += params.invocations;
            o.restarts = 0u;
            p = orbit_start(params.key, o.id, 0u, params.start);
            o.left = params.orbit_len;
            o.skip_left = params.skip;
        }
    }
    o.p = vec4<f32>(p, 0.0);
    outside = spent - counted;
    orbits[i] = o;
    atomicAdd(&tally[0], counted);
    atomicAdd(&tally[1], outside);
    atomicAdd(&tally[2], lost);
}

fn add64(t: vec2<u32>, c: u32) -> vec2<u32> {
    let lo = t.x + c;
    return vec2<u32>(lo, t.y + select(0u, 1u, lo < c));
}

@compute @workgroup_size(64)
fn cs_fold(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let i = (wg.y * params.stride_x + wg.x) * 64u + li;
    let bins = params.width * params.height;
    if i < bins {
        let c = atomicExchange(&hist[i], 0u);
        if c != 0u {
            totals[i] = add64(totals[i], c);
        }
    } else if i < bins + 3u {
        let t = i - bins;
        totals[i] = add64(totals[i], atomicExchange(&tally[t], 0u));
    }
}
