//! The GPU histogram across several storage bindings: one binding holds at most the adapter's
//! `max_storage_buffer_binding_size` (lavapipe: 128 MiB, 4095 x 4095 64-bit totals), so a larger
//! canvas spreads its u32 counts and its 64-bit totals over up to [`MAX_BINDINGS`] buffers each.
//! Bin `i` (and total `i`; the four tally totals follow the bins) lives in buffer
//! `i / per_buffer` at `i % per_buffer`. WGSL cannot index an array of bindings, so the shader
//! gets one declaration per buffer and a `switch` ([`bindings_wgsl`]); with one buffer it is the
//! direct access of a single binding. Every orbit is run once: no strips.

use super::context::totals_bytes;
use super::{GpuContext, GpuError};

/// Most buffers the counts (and the totals) may span.
pub const MAX_BINDINGS: u32 = 8;
/// Storage bindings the accumulate pass uses besides the counts and totals (orbits, tally, pool).
pub const OTHER_STORAGE: u32 = 3;

/// How a histogram of `bins` bins is spread over buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Bins (and 64-bit totals) per buffer.
    pub per_buffer: u64,
    /// Buffers of counts, and as many of totals.
    pub count: u32,
    /// Bins of the canvas.
    pub bins: u64,
}

impl Split {
    /// The split of `bins` bins whose buffers each hold at most `binding_bytes` of 64-bit totals,
    /// or `None` when it needs more than `max_count` buffers.
    pub fn plan(bins: u64, binding_bytes: u64, max_count: u32) -> Option<Split> {
        let per_buffer = (binding_bytes / 8).min(u32::MAX as u64);
        if per_buffer == 0 {
            return None;
        }
        let count = (bins + 4).div_ceil(per_buffer);
        (count <= max_count as u64).then_some(Split {
            per_buffer,
            count: count as u32,
            bins,
        })
    }

    /// Bins counted in buffer `j`.
    pub fn bins_in(&self, j: u32) -> u64 {
        self.bins
            .saturating_sub(j as u64 * self.per_buffer)
            .min(self.per_buffer)
    }

    /// 64-bit totals (bins, then the four tally totals) in buffer `j`.
    pub fn totals_in(&self, j: u32) -> u64 {
        (self.bins + 4)
            .saturating_sub(j as u64 * self.per_buffer)
            .min(self.per_buffer)
    }

    /// Binding numbers of counts buffer `j` and totals buffer `j` (buffer 0 keeps 1 and 4).
    pub fn binding_numbers(j: u32) -> (u32, u32) {
        if j == 0 {
            (1, 4)
        } else {
            (4 + 2 * j, 5 + 2 * j)
        }
    }
}

impl GpuContext {
    /// The most bytes one storage binding of the histogram may hold, and the limit's name: the
    /// smaller of the adapter's max storage buffer binding and max buffer size (or the test
    /// hook `ATTRACTORS_TEST_GPU_BINDING_BYTES`, [`crate::testing`], when smaller).
    pub fn binding_bytes(&self) -> (u64, &'static str) {
        let binding = self.limits.max_storage_buffer_binding_size;
        let buffer = self.limits.max_buffer_size;
        let (limit, name) = if binding <= buffer {
            (binding, "max storage buffer binding")
        } else {
            (buffer, "max buffer size")
        };
        match crate::testing::hooks().gpu_binding_bytes {
            Some(forced) if forced < limit => (forced, "ATTRACTORS_TEST_GPU_BINDING_BYTES"),
            _ => (limit, name),
        }
    }

    /// Most buffers the histogram may span on this adapter: [`MAX_BINDINGS`], fewer
    /// when the adapter allows fewer storage bindings per shader stage.
    pub fn max_bindings(&self) -> u32 {
        let stage = self.limits.max_storage_buffers_per_shader_stage;
        (stage.saturating_sub(OTHER_STORAGE) / 2).clamp(1, MAX_BINDINGS)
    }

    /// Refuses sizes the adapter cannot hold, naming the limit and the largest square that fits;
    /// otherwise the split of the histogram over storage bindings ([`Split`]).
    pub fn check_size(&self, width: u32, height: u32) -> Result<Split, GpuError> {
        let (limit, limit_name) = self.binding_bytes();
        let count = self.max_bindings();
        let bins = width as u64 * height as u64;
        // Bins are numbered by a WGSL i32.
        let most_bins = ((limit / 8).min(u32::MAX as u64) * count as u64)
            .min(i32::MAX as u64)
            .saturating_sub(4);
        match Split::plan(bins, limit, count) {
            Some(split) if bins <= most_bins => {
                self.check_texture(width, height)?;
                Ok(split)
            }
            _ => {
                let largest = (most_bins as f64).sqrt().floor() as u32;
                Err(GpuError::TooLarge {
                    width,
                    height,
                    what: "its 64-bit histogram",
                    needed_mib: totals_bytes(width, height).div_ceil(1 << 20),
                    limit_mib: ((most_bins + 4) * 8) >> 20,
                    limit_name: if count == 1 {
                        limit_name
                    } else {
                        "storage bindings"
                    },
                    largest: largest.min(self.limits.max_texture_dimension_2d),
                    adapter: format!(
                        "{} in {count} binding{} of {} MiB ({limit_name})",
                        self.describe(),
                        if count == 1 { "" } else { "s" },
                        limit >> 20
                    ),
                })
            }
        }
    }
}

/// Storage bindings per shader stage the accumulate pass needs with `count` buffers each.
pub fn storage_bindings(count: u32) -> u32 {
    OTHER_STORAGE + 2 * count
}

/// The WGSL of `count` counts and totals buffers: their declarations and `hist_add(bin)`,
/// `take_count(bin) -> u32` (read and clear) and `add_total(index, c)` (64-bit add).
pub fn bindings_wgsl(count: u32) -> String {
    let mut s = String::new();
    for j in 0..count {
        let (h, t) = Split::binding_numbers(j);
        s.push_str(&format!(
            "@group(0) @binding({h}) var<storage, read_write> hist{j}: array<atomic<u32>>;\n\
             @group(0) @binding({t}) var<storage, read_write> totals{j}: array<vec2<u32>>;\n"
        ));
    }
    let bodies = [
        ("fn hist_add(b: u32)", "atomicAdd(&hist{j}[o], 1u);"),
        (
            "fn take_count(b: u32) -> u32",
            "return atomicExchange(&hist{j}[o], 0u);",
        ),
        (
            "fn add_total(b: u32, c: u32)",
            "totals{j}[o] = add64(totals{j}[o], c);",
        ),
    ];
    for (head, body) in bodies {
        s.push_str(head);
        s.push_str(" {\n");
        if count == 1 {
            s.push_str("    let o = b;\n    ");
            s.push_str(&body.replace("{j}", "0"));
            s.push('\n');
        } else {
            s.push_str("    let j = b / params.per_buffer;\n    let o = b - j * params.per_buffer;\n    switch j {\n");
            for j in 0..count {
                let label = if j + 1 == count {
                    "default".to_string()
                } else {
                    format!("case {j}u")
                };
                let line = body.replace("{j}", &j.to_string());
                s.push_str(&format!("        {label}: {{ {line} }}\n"));
            }
            s.push_str("    }\n");
            if head.contains("->") {
                // Unreachable (the switch returns), but WGSL wants a return at the end.
                s.push_str("    return 0u;\n");
            }
        }
        s.push_str("}\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_binding_when_the_totals_fit() {
        // lavapipe: 128 MiB per binding holds 4095 x 4095 but not 4096 x 4096 (+ 4 tally totals).
        let l = 128 << 20;
        let s = Split::plan(4095 * 4095, l, 8).unwrap();
        assert_eq!(s.count, 1);
        assert_eq!(Split::plan(4096 * 4096, l, 8).unwrap().count, 2);
        let s = Split::plan(8192 * 8192, l, 8).unwrap();
        assert_eq!(s.count, 5);
        assert_eq!((0..5).map(|j| s.bins_in(j)).sum::<u64>(), 8192 * 8192);
        assert_eq!((0..5).map(|j| s.totals_in(j)).sum::<u64>(), 8192 * 8192 + 4);
        assert!((0..5).all(|j| s.totals_in(j) * 8 <= l));
        assert_eq!(Split::plan(12000 * 12000, l, 8), None);
    }

    #[test]
    fn the_last_buffer_may_hold_only_tally_totals() {
        let s = Split::plan(2 * 100 - 2, 800, 8).unwrap();
        assert_eq!((s.per_buffer, s.count), (100, 3));
        assert_eq!((s.bins_in(2), s.totals_in(2)), (0, 2));
    }

    #[test]
    fn binding_numbers_are_distinct_and_skip_the_others() {
        let mut seen = vec![0, 2, 3, 5];
        for j in 0..MAX_BINDINGS {
            let (h, t) = Split::binding_numbers(j);
            assert!(!seen.contains(&h) && !seen.contains(&t));
            seen.extend([h, t]);
        }
    }
}
