//! Partitioned scatter: the sampled engine's way of adding hits to a canvas of any size.
//!
//! Random increments into a histogram larger than the caches wait on memory for every point. So a
//! hit is not added where it lands: its bin index goes into a small per-thread buffer of the
//! canvas *tile* it falls in (a tile is [`TILE_BINS`] consecutive bins, 64 KiB of u32 counts,
//! sized to stay in a core's L2 cache), and a full buffer is added to its tile in one go. The
//! increments of one flush then hit one cache-resident, TLB-resident block instead of the whole
//! canvas.
//!
//! Ownership: one shared [`Canvas`] of u32 "hot" counts (4 bytes a bin, one copy whatever the
//! thread count), each tile behind its own lock; one [`Scatter`] (the buffers, a few KiB per
//! tile) per worker thread. A tile's u32 counts are folded into 64-bit totals before they could
//! wrap (the tile counts the hits it took since its last fold), so no count is ever lost.
//! Counts are integers: the sum does not depend on which thread flushed what, or when.

use crate::histogram::Histogram;
use rayon::prelude::*;
use std::sync::Mutex;

/// log2 of the bins in one tile.
pub const TILE_BITS: u32 = 14;
/// Bins in one tile (64 KiB of u32).
pub const TILE_BINS: usize = 1 << TILE_BITS;
/// Hits buffered per tile and thread before they are added to the tile.
const BUFFER: usize = 8192;

/// Asks the CPU to bring every cache line of `v` in, in address order, before the random
/// increments of a flush (each would otherwise wait for its line).
#[inline]
fn prefetch_all(v: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    for line in v.chunks(16) {
        // SAFETY: a prefetch is only a hint, and the address lies inside `v`.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr() as *const i8
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = v;
}

/// Asks Linux to back `v` with 2 MiB pages where it can (transparent huge pages, in their
/// `madvise` mode too): the thread's buffers are written at thousands of places in turn, one per
/// tile, and with 4 KiB pages almost every one is a different page, beyond the TLB's reach.
fn advise_huge_pages<T>(v: &[T]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + std::mem::size_of_val(v);
        let first = start.next_multiple_of(HUGE);
        if first + HUGE <= end {
            // SAFETY: the range lies inside `v`'s allocation; MADV_HUGEPAGE only changes how the
            // kernel backs it, never its contents. A refusal (an old kernel) changes nothing.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    (end - first) / HUGE * HUGE,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// One tile of the shared canvas.
struct Tile {
    /// Hits since the last fold (u32: half the memory traffic of u64).
    hot: Vec<u32>,
    /// 64-bit totals of earlier folds (allocated on the first fold only).
    wide: Vec<u64>,
    /// Hits added to `hot` since the last fold: no bin can exceed it.
    since_fold: u64,
}

impl Tile {
    fn add(&mut self, local: &[u16]) {
        if self.since_fold + local.len() as u64 > u32::MAX as u64 {
            self.fold();
        }
        prefetch_all(&self.hot);
        for &l in local {
            self.hot[l as usize] += 1;
        }
        self.since_fold += local.len() as u64;
    }

    fn fold(&mut self) {
        if self.wide.is_empty() {
            self.wide = vec![0; self.hot.len()];
        }
        for (w, h) in self.wide.iter_mut().zip(&mut self.hot) {
            *w += *h as u64;
            *h = 0;
        }
        self.since_fold = 0;
    }
}

/// The shared counts of one canvas, tile by tile.
pub struct Canvas {
    bins: usize,
    tiles: Vec<Mutex<Tile>>,
}

impl Canvas {
    /// An empty canvas of `bins` bins (zeroed pages are taken from the OS lazily).
    pub fn new(bins: usize) -> Canvas {
        let tiles = (0..bins.div_ceil(TILE_BINS))
            .map(|t| {
                let n = TILE_BINS.min(bins - t * TILE_BINS);
                Mutex::new(Tile {
                    hot: vec![0; n],
                    wide: Vec::new(),
                    since_fold: 0,
                })
            })
            .collect();
        Canvas { bins, tiles }
    }

    /// Number of tiles.
    pub fn tiles(&self) -> usize {
        self.tiles.len()
    }

    /// Bytes of count storage held now (u32 hot counts plus any 64-bit totals).
    pub fn bytes(&self) -> usize {
        self.tiles
            .iter()
            .map(|t| {
                let t = t.lock().unwrap_or_else(|p| p.into_inner());
                t.hot.len() * 4 + t.wide.len() * 8
            })
            .sum()
    }

    fn add(&self, tile: usize, local: &[u16]) {
        self.tiles[tile]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(local);
    }

    /// Writes the counts (hot + folded) into `hist.counts` (which must have this canvas's size).
    pub fn read_into(&self, hist: &mut Histogram) {
        assert_eq!(hist.counts.len(), self.bins, "canvas and histogram differ");
        // On every core: at 16384x16384 this is a 2 GiB copy that a checkpoint waits for.
        self.tiles
            .par_iter()
            .zip(hist.counts.par_chunks_mut(TILE_BINS))
            .for_each(|(t, chunk)| {
                let t = t.lock().unwrap_or_else(|p| p.into_inner());
                for (i, c) in chunk.iter_mut().enumerate() {
                    *c = t.hot[i] as u64 + t.wide.get(i).copied().unwrap_or(0);
                }
            });
    }
}

/// One thread's buffers: up to [`BUFFER`] pending bin indices per tile.
pub struct Scatter {
    /// `tiles x BUFFER` tile-local indices.
    pending: Vec<u16>,
    lens: Vec<u32>,
}

impl Scatter {
    /// Empty buffers for `canvas`.
    pub fn new(canvas: &Canvas) -> Scatter {
        let pending = vec![0; canvas.tiles() * BUFFER];
        advise_huge_pages(&pending);
        Scatter {
            pending,
            lens: vec![0; canvas.tiles()],
        }
    }

    /// Adds one hit at bin `idx` when `inside` (branch-free: an outside point writes a slot it
    /// does not keep). `idx` must be a bin of `canvas` even when not inside (0 is).
    #[inline(always)]
    pub fn push(&mut self, canvas: &Canvas, idx: usize, inside: bool) {
        let tile = idx >> TILE_BITS;
        assert!(tile < self.lens.len(), "bin {idx} is beyond the canvas");
        // SAFETY: `tile` was checked above; `len < BUFFER` always holds (a full buffer is
        // flushed at once), so `tile * BUFFER + len` lies in `pending` (tiles x BUFFER).
        let len = unsafe {
            let slot = self.lens.get_unchecked_mut(tile);
            let len = *slot as usize;
            *self.pending.get_unchecked_mut(tile * BUFFER + len) = (idx & (TILE_BINS - 1)) as u16;
            *slot = (len + inside as usize) as u32;
            *slot as usize
        };
        if len == BUFFER {
            self.flush_tile(canvas, tile);
        }
    }

    #[cold]
    fn flush_tile(&mut self, canvas: &Canvas, tile: usize) {
        let len = self.lens[tile] as usize;
        canvas.add(tile, &self.pending[tile * BUFFER..tile * BUFFER + len]);
        self.lens[tile] = 0;
    }

    /// Adds every pending hit to the canvas.
    pub fn flush(&mut self, canvas: &Canvas) {
        for t in 0..self.lens.len() {
            if self.lens[t] > 0 {
                self.flush_tile(canvas, t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Bounds;

    #[test]
    fn hits_land_in_their_bins_across_tiles_and_flushes() {
        let bins = 3 * TILE_BINS + 17;
        let canvas = Canvas::new(bins);
        assert_eq!(canvas.tiles(), 4);
        let mut a = Scatter::new(&canvas);
        let mut b = Scatter::new(&canvas);
        let mut want = vec![0u64; bins];
        // A deterministic spray of indices, some "outside" (not kept), over two scatters.
        let mut h = 12345u32;
        for i in 0..200_000 {
            h = crate::rng::pcg(h);
            let idx = h as usize % bins;
            let inside = !h.is_multiple_of(7);
            let s = if i % 3 == 0 { &mut a } else { &mut b };
            s.push(&canvas, if inside { idx } else { 0 }, inside);
            want[idx] += inside as u64;
        }
        a.flush(&canvas);
        b.flush(&canvas);
        let mut hist = Histogram::new(bins as u32, 1, Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap());
        canvas.read_into(&mut hist);
        assert_eq!(hist.counts, want);
        assert_eq!(canvas.bytes(), bins * 4);
    }

    #[test]
    fn a_tile_folds_before_u32_could_wrap() {
        let mut t = Tile {
            hot: vec![0; 4],
            wide: Vec::new(),
            since_fold: u32::MAX as u64 - 2,
        };
        t.hot[1] = u32::MAX - 2;
        t.add(&[1, 1, 1, 3]);
        assert_eq!(t.wide, vec![0, u32::MAX as u64 - 2, 0, 0]);
        assert_eq!(t.hot, vec![0, 3, 0, 1]);
        assert_eq!(t.since_fold, 4);
    }
}
