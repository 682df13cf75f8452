// Density estimation (`--de`) on the GPU, for one band of rows of the histogram: the same kernels
// as the CPU blur (src/density.rs, `Kernels`: the level thresholds and the taps are tables made
// once from `De::width` on the host), applied as a gather.
//
// cs_classify: every bin of the band (output rows plus the halo above and below) gets its kernel
// level from its 64-bit count (the smallest level q with count >= thresholds[q]) and its count
// as f32. cs_gather: every output bin sums, over the bins within the widest kernel's reach, each
// one's count times its own kernel's taps at (|dx|, |dy|): the separable Gaussian of the CPU blur,
// cut at its radius, with the mass that falls off the canvas lost as there.

struct DeParams {
    width: u32,
    // Rows of the band in `counts` / `classified` (output rows plus halo).
    rows_in: u32,
    // The first output row, counted from the band's first row.
    first_out: u32,
    rows_out: u32,
    // The widest kernel's radius in pixels.
    reach: u32,
    // Levels in `table` (the level of a count of 1, plus one).
    levels: u32,
    _pad0: u32,
    _pad1: u32,
}

// Per level: (threshold lo, threshold hi, radius, offset of its taps in `taps`).
struct Level {
    threshold: vec2<u32>,
    radius: u32,
    offset: u32,
}

@group(0) @binding(0) var<uniform> P: DeParams;
@group(0) @binding(1) var<storage, read> counts: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> table: array<Level>;
// Per level: taps[offset + i] for i = 0..=radius (the kernel is symmetric).
@group(0) @binding(3) var<storage, read> taps: array<f32>;
// Per band bin: (level + 1, or 0 when empty; the count as f32 bits).
@group(0) @binding(4) var<storage, read_write> classified: array<vec2<u32>>;
@group(0) @binding(5) var<storage, read_write> density: array<f32>;

// a >= b for 64-bit values held as (lo, hi).
fn at_least(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.y > b.y || (a.y == b.y && a.x >= b.x);
}

@compute @workgroup_size(16, 16)
fn cs_classify(@builtin(global_invocation_id) gid: vec3<u32>) {
    if gid.x >= P.width || gid.y >= P.rows_in {
        return;
    }
    let i = gid.y * P.width + gid.x;
    let c = counts[i];
    if c.x == 0u && c.y == 0u {
        classified[i] = vec2<u32>(0u, 0u);
        return;
    }
    // Thresholds never increase with the level, and the last level's is 1: find the first level
    // whose threshold the count reaches.
    var lo = 0u;
    var hi = P.levels - 1u;
    while lo < hi {
        let mid = (lo + hi) / 2u;
        if at_least(c, table[mid].threshold) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    let value = f32(c.y) * 4294967296.0 + f32(c.x);
    classified[i] = vec2<u32>(lo + 1u, bitcast<u32>(value));
}

@compute @workgroup_size(16, 16)
fn cs_gather(@builtin(global_invocation_id) gid: vec3<u32>) {
    if gid.x >= P.width || gid.y >= P.rows_out {
        return;
    }
    let x = i32(gid.x);
    let y = i32(gid.y + P.first_out);
    let r = i32(P.reach);
    let y0 = max(y - r, 0);
    let y1 = min(y + r, i32(P.rows_in) - 1);
    let x0 = max(x - r, 0);
    let x1 = min(x + r, i32(P.width) - 1);
    var acc = 0.0;
    for (var yy = y0; yy <= y1; yy++) {
        let dy = u32(abs(yy - y));
        let row = u32(yy) * P.width;
        for (var xx = x0; xx <= x1; xx++) {
            let e = classified[row + u32(xx)];
            if e.x == 0u {
                continue;
            }
            let level = table[e.x - 1u];
            let dx = u32(abs(xx - x));
            if dx > level.radius || dy > level.radius {
                continue;
            }
            acc += bitcast<f32>(e.y) * taps[level.offset + dx] * taps[level.offset + dy];
        }
    }
    density[gid.y * P.width + gid.x] = acc;
}
