//! Deterministic start points: a PCG-style u32 hash (Jarzynski & Olano, "Hash Functions for GPU
//! Rendering", JCGT 2020) of (seed, orbit, restart). u32 arithmetic only, so the same function in
//! `shaders/accumulate.wgsl` gives bit-identical values (a GPU test checks this).

/// One round of the PCG hash.
#[inline(always)]
pub fn pcg(v: u32) -> u32 {
    let state = v.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// Hash of three words, chained.
#[inline(always)]
pub fn hash3(a: u32, b: u32, c: u32) -> u32 {
    pcg(a ^ pcg(b ^ pcg(c)))
}

/// Folds a 64-bit user seed into the u32 key the hash uses.
pub fn seed_key(seed: u64) -> u32 {
    pcg(seed as u32) ^ pcg((seed >> 32) as u32 ^ 0x9e37_79b9)
}

/// The start-point key of one run: the seed, and for a resumed render the segment number (0 for
/// a fresh run), so each segment's orbits are new.
pub fn job_key(seed: u64, segment: u32) -> u32 {
    if segment == 0 {
        seed_key(seed)
    } else {
        seed_key(seed) ^ pcg(segment ^ 0x85eb_ca6b)
    }
}

/// A float in [-1, 1) from a hash value (24 random bits).
#[inline(always)]
pub fn signed_unit(h: u32) -> f32 {
    (h >> 8) as f32 * (2.0 / 16_777_216.0) - 1.0
}

/// Half-width of the square around the preset's start point from which sampled orbits start.
pub const START_JITTER: f32 = 0.01;

/// The start point of sampled orbit `orbit` after `restart` restarts, near `start`.
#[inline]
pub fn orbit_start(key: u32, orbit: u32, restart: u32, start: [f32; 3]) -> [f32; 3] {
    let h = hash3(key, orbit, restart);
    let h2 = pcg(h);
    [
        start[0] + START_JITTER * signed_unit(h),
        start[1] + START_JITTER * signed_unit(h2),
        start[2],
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_stable() {
        // Fixed values: changing the hash changes every sampled picture, so it must be deliberate.
        assert_eq!(super::pcg(0), 129_708_002);
        assert_ne!(super::hash3(1, 2, 3), super::hash3(1, 3, 2));
        let u = super::signed_unit(u32::MAX);
        assert!(u < 1.0 && u > 0.99);
        assert_eq!(super::signed_unit(0), -1.0);
    }
}
