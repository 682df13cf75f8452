//! Partitioned scatter: the sampled engine's way of adding hits to a canvas of any size.
//!
//! Random increments into a histogram larger than the caches wait on memory for every point. So a
//! hit is not added where it lands: its bin index goes into a per-thread buffer of the canvas
//! *tile* it falls in (a tile is 2^14 to 2^16 consecutive bins, 32 to 128 KiB of u16 counts,
//! sized to stay in a core's L1 or L2 cache), and a full buffer is added to its tile in one go.
//! The increments of one flush then hit one cache-resident, TLB-resident block instead of the
//! whole canvas.
//!
//! Ownership: one shared [`Canvas`] of u16 "hot" counts (2 bytes a bin, one copy whatever the
//! thread count), each tile behind its own lock; one [`Scatter`] (the buffers) per worker thread.
//! A hot count that wraps carries into wider counts, allocated per tile on its first carry, so
//! no count is ever lost. Counts are integers: the sum does not depend on which thread flushed
//! what, or when.

use super::canvas::{Canvas, MIN_TILE_BITS, STREAM_ABOVE_TILES, prefetch_line};
use crate::histogram::Histogram;

/// Tile-local indices in one 64-byte cache line.
const LINE: usize = 32;
/// When streaming, a buffer 3/4 full (full but for 2^-DEFER_SHIFT of it) has its flush deferred
/// until the next buffer gets this full, and meanwhile its tile's counts and its own lines are
/// prefetched, a line for every [`HITS_PER_PREFETCH`] hits pushed: the flush then finds them in
/// cache instead of waiting on memory (8192x8192, with the staging copy's register: 1.06-1.16x).
const DEFER_SHIFT: u32 = 2;
const HITS_PER_PREFETCH: usize = 4;
/// No tile.
const NONE: usize = usize::MAX;

/// One cache line of pending tile-local indices.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u16; LINE]);

/// Zeroed cache lines in memory the OS maps lazily: a buffer costs neither a fill (`vec![line;
/// n]` writes every byte, and so does an over-aligned zeroed allocation: 64 MiB a thread at
/// 8192x8192, before any point is computed) nor memory until a thread writes it. The lines lie
/// in a zeroed `Vec<u16>` (which the allocator takes from fresh pages), from its first 64-byte
/// boundary on.
struct Lines {
    raw: Vec<u16>,
    start: usize,
    len: usize,
}

impl Lines {
    fn zeroed(len: usize) -> Lines {
        let raw = vec![0u16; (len + 1) * LINE];
        // u16s from the start to the first 64-byte boundary (the address is even): at most 31.
        let start = (64 - raw.as_ptr() as usize % 64) % 64 / 2;
        Lines { raw, start, len }
    }
}

impl std::ops::Deref for Lines {
    type Target = [Line];
    fn deref(&self) -> &[Line] {
        // SAFETY: `raw[start..]` is 64-byte aligned and holds `len` lines (one spare line of
        // u16s covers the offset); all bit patterns are valid `Line`s; `raw` is borrowed.
        unsafe { std::slice::from_raw_parts(self.raw.as_ptr().add(self.start).cast(), self.len) }
    }
}

impl std::ops::DerefMut for Lines {
    fn deref_mut(&mut self) -> &mut [Line] {
        // SAFETY: as in `deref`, borrowed mutably.
        unsafe {
            std::slice::from_raw_parts_mut(self.raw.as_mut_ptr().add(self.start).cast(), self.len)
        }
    }
}

/// One thread's buffers: up to half a tile's bins of pending tile-local indices per tile (so a
/// flush adds one hit per two bins: the tile's trip through the cache is shared by that many).
///
/// On a large canvas (more than [`STREAM_ABOVE_TILES`] tiles) the buffers are written as whole
/// cache lines: a hit goes into its tile's *staging line* (one line per tile, a few hundred KiB
/// in all, so they stay in cache), and a full staging line is copied to the tile's buffer with
/// non-temporal stores, which write memory without first reading the line in. With thousands of
/// tiles, every buffer line is otherwise cold when its first hit arrives, and each such write
/// waits a full memory latency for the line (measured 2.9 ns more per hit at 8192x8192). There,
/// too, a buffer's flush is deferred from 3/4 full while its lines are prefetched
/// (`DEFER_SHIFT`).
pub struct Scatter {
    /// The canvas's tile bits, and log2 of the hits buffered per tile (one less).
    tile_bits: u32,
    buffer_bits: u32,
    /// `tiles x buffer / LINE` lines of tile-local indices.
    pending: Lines,
    /// One staging line per tile when streaming; empty otherwise.
    staging: Vec<Line>,
    lens: Vec<u32>,
    streaming: bool,
    /// When streaming: the tile whose flush is deferred while its lines are prefetched
    /// ([`NONE`] if none), and the next of those lines to prefetch.
    deferred: usize,
    warm_line: usize,
}

impl Scatter {
    /// Empty buffers for `canvas`.
    pub fn new(canvas: &Canvas) -> Scatter {
        Scatter::with_streaming(canvas, canvas.tiles() > STREAM_ABOVE_TILES)
    }

    fn with_streaming(canvas: &Canvas, streaming: bool) -> Scatter {
        assert!((MIN_TILE_BITS..=16).contains(&canvas.tile_bits));
        let buffer_bits = canvas.tile_bits - 1;
        let pending = Lines::zeroed(canvas.tiles() << buffer_bits >> LINE.ilog2());
        Scatter {
            tile_bits: canvas.tile_bits,
            buffer_bits,
            pending,
            staging: vec![Line([0; LINE]); if streaming { canvas.tiles() } else { 0 }],
            lens: vec![0; canvas.tiles()],
            streaming,
            deferred: NONE,
            warm_line: 0,
        }
    }

    /// Adds the hits of one step of N lanes: lane `l` at bin `idx[l]` when `inside[l] != 0`.
    /// Every `idx[l]` must be a bin of `canvas` (0 is, for a lane outside).
    #[inline(always)]
    pub fn push_lanes<const N: usize>(
        &mut self,
        canvas: &Canvas,
        idx: &[u32; N],
        inside: &[u32; N],
    ) {
        // One branch per step, not per hit; the tile size is a constant in each loop (a
        // run-time shift and mask cost a fifth of the rate at 1024x1024).
        match (self.streaming, self.tile_bits) {
            (false, 14) => self.push_all::<N, false, 14>(canvas, idx, inside),
            (false, 15) => self.push_all::<N, false, 15>(canvas, idx, inside),
            (false, _) => self.push_all::<N, false, 16>(canvas, idx, inside),
            (true, 14) => self.push_all::<N, true, 14>(canvas, idx, inside),
            (true, 15) => self.push_all::<N, true, 15>(canvas, idx, inside),
            (true, _) => self.push_all::<N, true, 16>(canvas, idx, inside),
        }
    }

    /// Adds one hit at bin `idx` (a bin of `canvas`).
    pub fn push(&mut self, canvas: &Canvas, idx: usize) {
        self.push_lanes(canvas, &[idx as u32], &[1]);
    }

    #[inline(always)]
    fn push_all<const N: usize, const STREAM: bool, const TB: u32>(
        &mut self,
        canvas: &Canvas,
        idx: &[u32; N],
        inside: &[u32; N],
    ) {
        for l in 0..N {
            if STREAM {
                self.push_staged::<TB>(canvas, idx[l] as usize, inside[l] != 0);
            } else {
                self.push_buffered::<TB>(canvas, idx[l] as usize, inside[l] != 0);
            }
        }
        if STREAM && self.deferred != NONE {
            self.warm_up::<TB>(canvas, N.div_ceil(HITS_PER_PREFETCH));
        }
    }

    /// Prefetches the next `n` lines of the deferred tile: its counts, then its buffer.
    #[inline(always)]
    fn warm_up<const TB: u32>(&mut self, canvas: &Canvas, n: usize) {
        let count_lines = 1 << (TB - 5);
        let end = (count_lines + self.lines()).min(self.warm_line + n);
        for i in self.warm_line..end {
            let addr = if i < count_lines {
                canvas.hot_at[self.deferred] + i * 64
            } else {
                let line = self.deferred * self.lines() + i - count_lines;
                self.pending.as_ptr() as usize + line * std::mem::size_of::<Line>()
            };
            prefetch_line(addr);
        }
        self.warm_line = end;
    }

    /// The tile of bin `idx` (checked) and the bin's index in it.
    #[inline(always)]
    fn split<const TB: u32>(&self, idx: usize) -> (usize, u16) {
        let tile = idx >> TB;
        assert!(tile < self.lens.len(), "bin {idx} is beyond the canvas");
        (tile, (idx & ((1 << TB) - 1)) as u16)
    }

    /// Lines of buffer per tile.
    fn lines(&self) -> usize {
        (1 << self.buffer_bits) / LINE
    }

    /// Branch-free: an outside point writes a slot it does not keep.
    #[inline(always)]
    fn push_buffered<const TB: u32>(&mut self, canvas: &Canvas, idx: usize, inside: bool) {
        let (tile, local) = self.split::<TB>(idx);
        // SAFETY: `tile` was checked by `split`; `len < buffer` always holds (a full buffer is
        // flushed at once), so `(tile << (TB - 1)) + len` lies in `pending` (tiles x buffer
        // indices).
        let len = unsafe {
            let slot = self.lens.get_unchecked_mut(tile);
            let len = *slot as usize;
            *(self.pending.as_mut_ptr() as *mut u16).add((tile << (TB - 1)) + len) = local;
            *slot = (len + inside as usize) as u32;
            *slot as usize
        };
        if len == 1 << (TB - 1) {
            self.flush_tile(canvas, tile);
        }
    }

    /// As [`Self::push_buffered`], through the tile's staging line.
    #[inline(always)]
    fn push_staged<const TB: u32>(&mut self, canvas: &Canvas, idx: usize, inside: bool) {
        let (tile, local) = self.split::<TB>(idx);
        // SAFETY: `tile` was checked by `split`, and `lens` has one entry per tile.
        let len = unsafe { *self.lens.get_unchecked(tile) as usize };
        if inside && len % LINE == LINE - 1 {
            self.stream_line(canvas, tile, local);
            return;
        }
        // SAFETY: as above; `staging` has one line per tile when streaming.
        unsafe {
            self.staging.get_unchecked_mut(tile).0[len % LINE] = local;
            *self.lens.get_unchecked_mut(tile) = (len + inside as usize) as u32;
        }
    }

    /// Copies `tile`'s staging line, completed by the hit `last`, to its buffer. The last hit
    /// goes from a register, not through the line: reading a line back just after a store into
    /// it waits until that store has reached the cache. Inlined, with only the flush behind a
    /// call (8192x8192: 361/377/376 against 361/354/358 M points/s for a call per line).
    #[inline(always)]
    fn stream_line(&mut self, canvas: &Canvas, tile: usize, last: u16) {
        let len = self.lens[tile] as usize + 1;
        self.lens[tile] = len as u32;
        let at = tile * self.lines() + len / LINE - 1;
        let (src, dst) = (&self.staging[tile], &mut self.pending[at]);
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{__m128i, _mm_insert_epi16, _mm_load_si128, _mm_stream_si128};
            let (src, dst) = (
                src as *const Line as *const __m128i,
                dst as *mut Line as *mut __m128i,
            );
            // SAFETY: both lines are 64-byte aligned and 64 bytes long (four 16-byte chunks,
            // four non-temporal stores); the last chunk's lane 7 is the line's last slot.
            unsafe {
                for i in 0..3 {
                    _mm_stream_si128(dst.add(i), _mm_load_si128(src.add(i)));
                }
                let tail = _mm_insert_epi16::<7>(_mm_load_si128(src.add(3)), last as i32);
                _mm_stream_si128(dst.add(3), tail);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            *dst = *src;
            dst.0[LINE - 1] = last;
        }
        let full = 1 << self.buffer_bits;
        if len == full || len == full - (full >> DEFER_SHIFT) {
            self.buffer_event(canvas, tile, len);
        }
    }

    /// `tile`'s buffer, when streaming, is full (flushed now) or 3/4 full (flush deferred).
    #[cold]
    fn buffer_event(&mut self, canvas: &Canvas, tile: usize, len: usize) {
        if len == 1 << self.buffer_bits {
            if self.deferred == tile {
                self.deferred = NONE;
            }
            self.flush_tile(canvas, tile);
        } else {
            self.defer(canvas, tile);
        }
    }

    /// Defers the flush of `tile`'s nearly full buffer until the next buffer gets this far (or
    /// it fills), while [`Self::warm_up`] prefetches its lines; flushes the tile deferred before.
    #[cold]
    fn defer(&mut self, canvas: &Canvas, tile: usize) {
        let before = std::mem::replace(&mut self.deferred, tile);
        self.warm_line = 0;
        if before != NONE {
            self.flush_tile(canvas, before);
        }
    }

    #[cold]
    fn flush_tile(&mut self, canvas: &Canvas, tile: usize) {
        self.fence();
        canvas.add(tile, &self.pending(tile));
        self.lens[tile] = 0;
    }

    /// Makes this thread's streamed buffer lines visible to every thread: non-temporal stores
    /// are ordered by a store fence, not by a lock's release. Call it before another thread
    /// may read the buffers.
    pub fn fence(&self) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a fence has no preconditions.
        unsafe {
            std::arch::x86_64::_mm_sfence()
        };
    }

    /// `tile`'s pending tile-local hits: those in its buffer, and those in its staging line.
    fn pending(&self, tile: usize) -> [&[u16]; 2] {
        let len = self.lens[tile] as usize;
        let lines = &self.pending[tile * self.lines()..][..self.lines()];
        // SAFETY: `Line` is `repr(C)` of u16s, so the lines are a contiguous run of u16s.
        let flat =
            unsafe { std::slice::from_raw_parts(lines.as_ptr() as *const u16, lines.len() * LINE) };
        let (buffered, staged) = if self.streaming {
            (len / LINE * LINE, len % LINE)
        } else {
            (len, 0)
        };
        let staged = self.staging.get(tile).map_or(&[][..], |l| &l.0[..staged]);
        [&flat[..buffered], staged]
    }

    /// Forgets every pending hit.
    fn clear(&mut self) {
        self.deferred = NONE;
        self.lens.fill(0);
    }
}

/// Adds the pending hits of every scatter to `canvas`, then the canvas's counts to `hist`, tile
/// by tile on every core, and leaves the scatters empty. A flush of one scatter after another
/// would be serial work of threads x canvas (at 8192x8192, two scatters' partial buffers took
/// 0.05 s, a third of the read-out), and each tile would go through the cache twice. The
/// scatters must have been [fenced](Scatter::fence) by the threads that filled them.
pub fn drain_into(canvas: &Canvas, scatters: &mut [&mut Scatter], hist: &mut Histogram) {
    {
        let scatters: Vec<&Scatter> = scatters.iter().map(|s| &**s).collect();
        canvas.add_into_after(hist, |tile| {
            scatters
                .iter()
                .flat_map(|s| s.pending(tile))
                .collect::<Vec<_>>()
        });
    }
    for s in scatters {
        s.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::canvas::tile_bits;
    use super::*;
    use crate::histogram::Bounds;

    /// Sprays `n` deterministic hits (some outside, not kept) over `bins` bins through two
    /// scatters, one hit at a time and in lane groups, and checks every count.
    fn spray_and_check(bins: usize, n: usize, tile_bits: u32, streaming: bool) -> Canvas {
        let canvas = Canvas::with_tile_bits(bins, tile_bits);
        let mut a = Scatter::with_streaming(&canvas, streaming);
        let mut b = Scatter::with_streaming(&canvas, streaming);
        let mut want = vec![0u64; bins];
        let mut h = 12345u32;
        for i in 0..n / 4 {
            let mut idx = [0u32; 4];
            let mut inside = [0u32; 4];
            for l in 0..4 {
                h = crate::rng::pcg(h);
                let bin = h as usize % bins;
                let keep = !h.is_multiple_of(7);
                idx[l] = if keep { bin as u32 } else { 0 };
                inside[l] = keep as u32;
                want[bin] += keep as u64;
            }
            let s = if i % 3 == 0 { &mut a } else { &mut b };
            if i % 5 == 0 {
                for l in 0..4 {
                    if inside[l] != 0 {
                        s.push(&canvas, idx[l] as usize);
                    }
                }
            } else {
                s.push_lanes(&canvas, &idx, &inside);
            }
        }
        a.fence();
        b.fence();
        let mut hist = Histogram::new(bins as u32, 1, Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap());
        drain_into(&canvas, &mut [&mut a, &mut b], &mut hist);
        assert_eq!(hist.counts, want);
        // The scatters are empty, and the canvas keeps its counts: a read-out adds them again
        // to what is there.
        for s in [&a, &b] {
            assert!(s.lens.iter().all(|&l| l == 0) && s.deferred == NONE);
        }
        drain_into(&canvas, &mut [&mut a, &mut b], &mut hist);
        let twice: Vec<u64> = want.iter().map(|w| 2 * w).collect();
        assert_eq!(hist.counts, twice);
        assert_eq!(canvas.bytes(), bins * 2);
        canvas
    }

    #[test]
    fn hits_land_in_their_bins_across_tiles_and_flushes() {
        // About 1.7 buffers per tile for the busier scatter: full buffers, and partial ones at
        // the end (partial staging lines when streaming).
        for bits in [14, 16] {
            for streaming in [false, true] {
                let tile = 1 << bits;
                let canvas = spray_and_check(3 * tile + 17, 4 * tile * 3 / 2, bits, streaming);
                assert_eq!(canvas.tiles(), 4);
            }
        }
    }

    #[test]
    fn tiles_grow_with_the_canvas_and_large_canvases_stream() {
        assert_eq!(tile_bits(1024 * 1024), 14);
        assert_eq!(tile_bits(2048 * 2048), 14);
        assert_eq!(tile_bits(3000 * 3000), 16);
        assert_eq!(tile_bits(4096 * 4096), 16);
        assert_eq!(tile_bits(8192 * 8192), 16);
        assert_eq!(tile_bits(65536 * 65536), 16);
        assert_eq!(tile_bits(1), 14);
        // Only canvases beyond the largest tiles' reach stream.
        let small = Canvas::new(STREAM_ABOVE_TILES << 16);
        assert_eq!(small.tiles(), STREAM_ABOVE_TILES);
        assert!(!Scatter::new(&small).streaming);
        let large = Canvas::new((STREAM_ABOVE_TILES << 16) + 1);
        assert_eq!(large.tiles(), STREAM_ABOVE_TILES + 1);
        assert!(Scatter::new(&large).streaming);
    }

    #[test]
    fn a_deferred_flush_adds_its_hits_once() {
        // Two tiles, streaming: tile 0 reaches 3/4 (deferred), then tile 1 does (tile 0 is
        // flushed), then tile 1 fills while deferred, then partial buffers are flushed.
        let bits = MIN_TILE_BITS;
        let canvas = Canvas::with_tile_bits(2 << bits, bits);
        let mut s = Scatter::with_streaming(&canvas, true);
        let full = 1 << s.buffer_bits;
        let three_quarters = full - (full >> DEFER_SHIFT);
        let mut want = vec![0u64; 2 << bits];
        let mut push = |s: &mut Scatter, tile: usize, n: usize| {
            for i in 0..n {
                let bin = (tile << bits) + i * 7 % (1 << bits);
                s.push(&canvas, bin);
                want[bin] += 1;
            }
        };
        push(&mut s, 0, three_quarters);
        assert_eq!((s.deferred, s.lens[0] as usize), (0, three_quarters));
        push(&mut s, 0, 5);
        push(&mut s, 1, three_quarters);
        assert_eq!(
            (s.deferred, s.lens[0], s.lens[1] as usize),
            (1, 0, three_quarters)
        );
        push(&mut s, 1, full - three_quarters);
        assert_eq!((s.deferred, s.lens[1]), (NONE, 0));
        push(&mut s, 0, 3);
        push(&mut s, 1, 40);
        let mut hist = Histogram::new(2 << bits, 1, Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap());
        drain_into(&canvas, &mut [&mut s], &mut hist);
        assert_eq!(hist.counts, want);
    }

    #[test]
    fn buffer_lines_are_aligned_zeroed_and_all_there() {
        for n in [0, 1, 5, 1000] {
            let mut lines = Lines::zeroed(n);
            assert_eq!(lines.len(), n);
            assert_eq!(lines.as_ptr() as usize % 64, 0);
            assert!(lines.iter().all(|l| l.0 == [0; LINE]));
            if let Some(last) = lines.last_mut() {
                last.0[LINE - 1] = 7;
            }
            assert_eq!(
                lines.iter().map(|l| l.0[LINE - 1] as usize).sum::<usize>(),
                7 * (n > 0) as usize
            );
        }
    }
}
