//! The shared canvas of the sampled engine: u16 counts in tiles of 2^14 to 2^16 bins, each behind
//! its own lock, with wider counts allocated per tile on its first carry (see [`super::scatter`]
//! for how hits reach it).

use crate::histogram::Histogram;
use rayon::prelude::*;
use std::sync::Mutex;

/// log2 of the bins in one tile: at least [`MIN_TILE_BITS`] (32 KiB of u16 counts, an L1-sized
/// tile), more on canvases of more than [`STREAM_ABOVE_TILES`] such tiles, up to 16 (the
/// tile-local index is a u16; 128 KiB, L2-sized), so that the write heads stay few: the
/// buffers' write heads are what a thread keeps in its L1 cache (at 4096x4096, 256 tiles of
/// 2^16 bins ran 1.17-1.45x the rate of 1024 tiles of 2^14).
pub(super) fn tile_bits(bins: usize) -> u32 {
    let log2 = bins.next_power_of_two().trailing_zeros();
    log2.saturating_sub(STREAM_ABOVE_TILES.ilog2())
        .clamp(MIN_TILE_BITS, 16)
}
pub(super) const MIN_TILE_BITS: u32 = 14;
/// Canvases of more than this many tiles stream their buffers (see [`super::scatter::Scatter`]).
pub(super) const STREAM_ABOVE_TILES: usize = 256;

/// Asks the CPU to bring every cache line of `v` in, in address order, before the random
/// increments of a flush (each would otherwise wait for its line).
#[inline]
fn prefetch_all<T>(v: &[T]) {
    #[cfg(target_arch = "x86_64")]
    for line in v.chunks(64 / std::mem::size_of::<T>()) {
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

/// Asks the CPU to bring the cache line at `addr` in (a hint: any address is allowed).
#[inline(always)]
pub(super) fn prefetch_line(addr: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and changes no memory, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(addr as *const i8)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = addr;
}

/// One tile of the shared canvas. A bin's count is `hot + mid * 2^16 + wide * 2^48`: the u16
/// hot counts keep a tile at 32 KiB (in L1 while it takes a flush, and half the memory traffic
/// of u32), and a hot count that wraps carries into `mid`, which carries into `wide`. Each
/// higher level is allocated on its tile's first carry into it.
struct Tile {
    hot: Vec<u16>,
    mid: Vec<u32>,
    wide: Vec<u64>,
    /// Whether `hot` has been written since it was allocated.
    written: bool,
}

impl Tile {
    fn new(bins: usize) -> Tile {
        Tile {
            hot: vec![0; bins],
            mid: Vec::new(),
            wide: Vec::new(),
            written: false,
        }
    }

    /// Adds one hit per index of each slice.
    fn add(&mut self, hits: &[&[u16]]) {
        if hits.iter().all(|h| h.is_empty()) {
            return;
        }
        if !self.written {
            // The OS hands out zeroed pages lazily. Writing them all first, in order, takes each
            // page in one fault; first increments were measured to take two (the shared zero
            // page mapped, then copied on write, which interrupts every core to flush its TLB).
            self.hot.fill(0);
            self.written = true;
        }
        prefetch_all(&self.hot);
        for &l in hits.iter().copied().flatten() {
            let h = &mut self.hot[l as usize];
            *h = h.wrapping_add(1);
            if *h == 0 {
                self.carry(l as usize);
            }
        }
    }

    #[cold]
    fn carry(&mut self, l: usize) {
        if self.mid.is_empty() {
            self.mid = vec![0; self.hot.len()];
        }
        self.mid[l] = self.mid[l].wrapping_add(1);
        if self.mid[l] == 0 {
            if self.wide.is_empty() {
                self.wide = vec![0; self.hot.len()];
            }
            self.wide[l] += 1;
        }
    }

    /// The full count of bin `l`.
    fn count(&self, l: usize) -> u64 {
        let mid = self.mid.get(l).map_or(0, |&m| m as u64);
        let wide = self.wide.get(l).copied().unwrap_or(0);
        self.hot[l] as u64 + (mid << 16) + (wide << 48)
    }

    /// Bytes of count storage held now.
    fn bytes(&self) -> usize {
        self.hot.len() * 2 + self.mid.len() * 4 + self.wide.len() * 8
    }
}

/// The shared counts of one canvas, tile by tile.
pub struct Canvas {
    bins: usize,
    /// log2 of the bins in one tile.
    pub(super) tile_bits: u32,
    tiles: Vec<Mutex<Tile>>,
    /// The address of each tile's hot counts (they never move), to prefetch them without the lock.
    pub(super) hot_at: Vec<usize>,
}

impl Canvas {
    /// An empty canvas of `bins` bins (zeroed pages are taken from the OS lazily).
    pub fn new(bins: usize) -> Canvas {
        Canvas::with_tile_bits(bins, tile_bits(bins))
    }

    pub(super) fn with_tile_bits(bins: usize, tile_bits: u32) -> Canvas {
        let tile = 1 << tile_bits;
        let tiles: Vec<Mutex<Tile>> = (0..bins.div_ceil(tile))
            .map(|t| Mutex::new(Tile::new(tile.min(bins - t * tile))))
            .collect();
        let hot_at = tiles
            .iter()
            .map(|t| t.lock().unwrap_or_else(|p| p.into_inner()).hot.as_ptr() as usize)
            .collect();
        Canvas {
            bins,
            tile_bits,
            tiles,
            hot_at,
        }
    }

    /// Bins in one tile.
    fn tile_bins(&self) -> usize {
        1 << self.tile_bits
    }

    /// Number of tiles.
    pub fn tiles(&self) -> usize {
        self.tiles.len()
    }

    /// Bytes of count storage held now (u16 hot counts plus any carries).
    pub fn bytes(&self) -> usize {
        self.tiles
            .iter()
            .map(|t| {
                let t = t.lock().unwrap_or_else(|p| p.into_inner());
                t.bytes()
            })
            .sum()
    }

    /// Adds one hit per index of each slice (tile-local bin indices) to `tile`.
    pub(super) fn add(&self, tile: usize, hits: &[&[u16]]) {
        let mut t = self.tiles[tile].lock().unwrap_or_else(|p| p.into_inner());
        t.add(hits);
    }

    /// Adds the counts (hot + carried) to `hist.counts` (which must have this canvas's size).
    pub fn add_into(&self, hist: &mut Histogram) {
        self.add_into_after(hist, |_| []);
    }

    /// Adds `pending(t)` (tile-local hits of tile `t`) to each tile `t`, then adds the counts to
    /// `hist.counts` (which must have this canvas's size): tile by tile on every core, each tile
    /// read out while its hits have just brought it into cache.
    ///
    /// Empty bins are not touched: the pages of a fresh histogram that only they cover are never
    /// written, so they cost neither a page fault nor memory (at 8192x8192 the read-out's page
    /// faults were the largest fixed cost of a run).
    pub(super) fn add_into_after<'a, F, P>(&self, hist: &mut Histogram, pending: F)
    where
        F: Fn(usize) -> P + Sync,
        P: AsRef<[&'a [u16]]>,
    {
        assert_eq!(hist.counts.len(), self.bins, "canvas and histogram differ");
        // On every core: at 16384x16384 this is a 2 GiB copy that a checkpoint waits for.
        self.tiles
            .par_iter()
            .zip(hist.counts.par_chunks_mut(self.tile_bins()))
            .enumerate()
            .for_each(|(i, (t, chunk))| {
                let mut t = t.lock().unwrap_or_else(|p| p.into_inner());
                t.add(pending(i).as_ref());
                if t.mid.is_empty() {
                    // No carries: the hot counts are the counts.
                    for (c, &h) in chunk.iter_mut().zip(&t.hot) {
                        if h != 0 {
                            *c += h as u64;
                        }
                    }
                    return;
                }
                for (i, c) in chunk.iter_mut().enumerate() {
                    let n = t.count(i);
                    if n != 0 {
                        *c += n;
                    }
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hot_count_carries_instead_of_wrapping() {
        let mut t = Tile::new(4);
        t.written = true;
        t.hot[1] = u16::MAX - 1;
        t.add(&[&[1, 1, 1], &[3]]);
        assert_eq!(t.hot, vec![0, 1, 0, 1]);
        assert_eq!(t.mid, vec![0, 1, 0, 0]);
        assert!(t.wide.is_empty());
        assert_eq!(t.count(1), u16::MAX as u64 + 2);
        // The middle level carries too.
        t.mid[2] = u32::MAX;
        t.hot[2] = u16::MAX;
        t.add(&[&[2, 2]]);
        assert_eq!((t.hot[2], t.mid[2], t.wide[2]), (1, 0, 1));
        assert_eq!(t.count(2), (1 << 48) + 1);
        assert_eq!(t.count(0), 0);
        assert_eq!(t.bytes(), 4 * (2 + 4 + 8));
    }

    #[test]
    fn wraps_are_counted_in_runs_of_one_bin_and_across_flushes() {
        // Each bin wraps twice or more, within runs of 1 to 4 hits on it and at varying
        // places in the flushes.
        let mut t = Tile::new(8);
        let mut want = [0u64; 8];
        let mut local = Vec::new();
        for i in 0..13 * 2 * 65536 + 11 {
            let bin = [0, 0, 1, 0, 2, 2, 2, 3, 0, 4, 4, 4, 4][i % 13];
            local.push(bin as u16);
            want[bin] += 1;
        }
        for chunk in local.chunks(1000 + 3) {
            t.add(&[chunk]);
        }
        let got: Vec<u64> = (0..8).map(|l| t.count(l)).collect();
        assert_eq!(got, want);
    }
}
