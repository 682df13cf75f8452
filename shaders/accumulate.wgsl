// Accumulation: one invocation = one trajectory (src/gpu/accumulate.rs drives it).
//
// The sampling design of every backend (src/sampling.rs): the job's orbits have global ids;
// this dispatch runs ids first_id..end_id, invocation i taking ids first_id + i, + invocations,
// ... in turn. Orbit `id` counts orbit_len points (last_len for id == last_id). A new orbit
// starts at a jittered point of the seed pool (`pool_start`, the same hash as the CPU) and runs
// `decorrelation` uncounted steps (tallied as transient) before it counts. Each batch,
// invocation i spends up to `base` points of its orbits (the driver knows exactly how many). A
// point is binned with datashader's rule (src/histogram.rs) into `hist`, or tallied as outside;
// a point that turns non-finite or leaves |x|,|y| <= 1e10 costs one point of its orbit, is
// tallied as diverged and restarts the orbit from the pool.
//
// `cs_fold` adds the u32 counts into 64-bit totals (lo, hi with carry) and clears them; the
// driver runs it often enough that no u32 bin can wrap (src/gpu/accumulate.rs, FOLD_EVERY).
//
// The counts and the totals may span several storage bindings (src/gpu/bindings.rs writes their
// declarations and `hist_add`, `take_count`, `add_total` where `@bindings@` stands): bin i is
// in buffer i / per_buffer. With one buffer these are plain accesses of `hist0` and `totals0`.
//
// The map itself, `fn map_step`, is generated from the single formula source
// (src/attractor/mod.rs) and inserted where the marker below stands.

struct Params {
    k0: vec4<f32>,      // parameters a b c d
    k1: vec4<f32>,      // parameters e f g, unused
    jitter: vec4<f32>,  // pool jitter half-widths x y, unused, unused
    bounds: vec4<f32>,  // xmin xmax ymin ymax
    scale: vec4<f32>,   // sx tx sy ty
    width: u32,
    height: u32,
    key: u32,
    decorrelation: u32,
    base: u32,
    first_id: u32,
    end_id: u32,
    last_id: u32,
    last_len: u32,
    invocations: u32,
    orbit_len: u32,
    init: u32,
    stride_x: u32,      // invocations per row of the 2-D dispatch
    pool_len: u32,
    per_buffer: u32,    // bins per counts/totals buffer
    _pad1: u32,
}

struct Orbit {
    p: vec4<f32>,
    id: u32,
    restarts: u32,
    left: u32,          // points left in this orbit; 0 = no orbit left for this invocation
    skip_left: u32,     // decorrelation steps left
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> orbits: array<Orbit>;
// [counted, outside, diverged, transient] of the current batch
@group(0) @binding(3) var<storage, read_write> tally: array<atomic<u32>, 4>;
// Counts (binding 1, ...) and 64-bit totals: one (lo, hi) per bin, then four for the tally
// (binding 4, ...), declared with their accessors by src/gpu/bindings.rs:
// @bindings@
// The seed pool: points on the attractor (src/sampling.rs, SeedPool)
@group(0) @binding(5) var<storage, read> pool: array<vec4<f32>>;

// Shared pieces (PCG, start points, divergence, binning) come from shaders/common.wgsl and the
// constants from their Rust definitions; src/gpu/compose.rs puts them where this marker stands.
// @common@

fn bin_of(x: f32, y: f32) -> i32 {
    return bin_index(x, y, params.bounds, params.scale, params.width, params.height);
}

// sampling::pool_start: a pool point chosen by the hash of (key, id, restart), jittered.
fn pool_start(id: u32, restart: u32) -> vec3<f32> {
    let h = hash3(params.key, id, restart);
    let q = pool[h % params.pool_len];
    let h1 = pcg(h);
    let h2 = pcg(h1);
    return vec3<f32>(q.x + params.jitter.x * signed_unit(h1), q.y + params.jitter.y * signed_unit(h2), q.z);
}

fn orbit_length(id: u32) -> u32 {
    return select(params.orbit_len, params.last_len, id == params.last_id);
}

// @map_step@

@compute @workgroup_size(64)
fn cs_accumulate(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let i = (wg.y * params.stride_x + wg.x) * 64u + li;
    if i >= params.invocations {
        return;
    }
    var o = orbits[i];
    var p = o.p.xyz;
    if params.init != 0u {
        o.id = params.first_id + i;
        o.restarts = 0u;
        o.left = 0u;
        o.skip_left = 0u;
        if o.id < params.end_id {
            p = pool_start(o.id, 0u);
            o.left = orbit_length(o.id);
            o.skip_left = params.decorrelation;
        }
    }
    var todo = params.base;
    var counted = 0u;
    var lost = 0u;
    var transient = 0u;
    var spent = 0u;  // counted-phase points: binned or outside
    while todo > 0u && o.left > 0u {
        // Decorrelation of a new orbit (not counted). A divergence here costs one point.
        var bad = false;
        while o.skip_left > 0u {
            p = map_step(p);
            if diverged(p) {
                bad = true;
                break;
            }
            o.skip_left -= 1u;
            transient += 1u;
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
                hist_add(u32(b));
                counted += 1u;
            }
        }
        spent += k;
        todo -= k;
        o.left -= k;
        if bad {
            lost += 1u;
            todo -= 1u;
            o.left -= 1u;
            o.restarts += 1u;
            p = pool_start(o.id, o.restarts);
            o.skip_left = params.decorrelation;
        }
        if o.left == 0u {
            o.id += params.invocations;
            o.restarts = 0u;
            o.skip_left = 0u;
            if o.id < params.end_id {
                p = pool_start(o.id, 0u);
                o.left = orbit_length(o.id);
                o.skip_left = params.decorrelation;
            }
        }
    }
    o.p = vec4<f32>(p, 0.0);
    orbits[i] = o;
    atomicAdd(&tally[0], counted);
    atomicAdd(&tally[1], spent - counted);
    atomicAdd(&tally[2], lost);
    atomicAdd(&tally[3], transient);
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
        let c = take_count(i);
        if c != 0u {
            add_total(i, c);
        }
    } else if i < bins + 4u {
        let t = i - bins;
        add_total(i, atomicExchange(&tally[t], 0u));
    }
}
