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

const DIVERGENCE_LIMIT: f32 = 1e10;

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

// Same as rng::orbit_start.
fn orbit_start(id: u32, restart: u32) -> vec3<f32> {
    let h = hash3(params.key, id, restart);
    let h2 = pcg(h);
    let j = params.start.w;
    return vec3<f32>(params.start.x + j * signed_unit(h), params.start.y + j * signed_unit(h2), params.start.z);
}

fn is_finite(v: f32) -> bool {
    return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

fn diverged(p: vec3<f32>) -> bool {
    return !(is_finite(p.x) && is_finite(p.y) && abs(p.x) <= DIVERGENCE_LIMIT && abs(p.y) <= DIVERGENCE_LIMIT);
}

// Datashader's binning rule in f32 (src/histogram.rs, Binner32); -1 when outside.
fn bin_index(x: f32, y: f32) -> i32 {
    let b = params.bounds;
    if !(b.x <= x && x <= b.y && b.z <= y && y <= b.w) {
        return -1;
    }
    let col = min(u32(x * params.scale.x + params.scale.y), params.width - 1u);
    let row_up = min(u32(y * params.scale.z + params.scale.w), params.height - 1u);
    return i32((params.height - 1u - row_up) * params.width + col);
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
        o.p = vec4<f32>(orbit_start(o.id, 0u), 0.0);
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
            let b = bin_index(p.x, p.y);
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
            p = orbit_start(o.id, o.restarts);
            o.skip_left = params.skip;
        } else if o.left == 0u {
            o.id += params.invocations;
            o.restarts = 0u;
            p = orbit_start(o.id, 0u);
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
