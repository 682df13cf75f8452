//! A 2-D unsigned-integer `.npy` of counts read a row at a time (for `shade`): the header is
//! bounded ([`MAX_HEADER_BYTES`]) and the file must be exactly header + height * width * item
//! size bytes.

use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Largest `.npy` header accepted (numpy's own reader refuses more than 10000 bytes by default).
pub const MAX_HEADER_BYTES: u64 = 65536;

/// A 2-D unsigned-integer `.npy`, checked, read a row at a time.
/// The largest side of a PNG (its format stores sides as 31-bit numbers).
const MAX_PNG_SIDE: u64 = (1 << 31) - 1;
/// Bytes a picture column costs while one row is shaded (u64 count, 16-bit RGBA, its copies).
const ROW_BYTES_PER_COLUMN: u64 = 32;

pub struct NpyCounts {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    /// Bytes per count (4 or 8) and whether they are big-endian.
    item: usize,
    big_endian: bool,
    /// Where the counts start.
    data_offset: u64,
}

impl NpyCounts {
    /// Opens and checks `path`: magic, a bounded header, a C-order 2-D array of uint32 or uint64,
    /// and a file exactly as long as the header says.
    pub fn open(path: &Path) -> Result<NpyCounts> {
        let shown = path.display();
        let not_npy =
            || format!("{shown}: not a .npy file; expected a 2-D uint32/uint64 NumPy array");
        let mut f = File::open(path).with_context(|| format!("{shown}: cannot read it"))?;
        let file_len = f.metadata()?.len();
        let mut pre = [0u8; 12];
        let got = read_up_to(&mut f, &mut pre)?;
        if got < 10 || &pre[..6] != b"\x93NUMPY" {
            bail!(not_npy());
        }
        let (preamble, header_len) = match pre[6] {
            1 => (10u64, u16::from_le_bytes([pre[8], pre[9]]) as u64),
            2 | 3 if got == 12 => (
                12,
                u32::from_le_bytes([pre[8], pre[9], pre[10], pre[11]]) as u64,
            ),
            _ => bail!(not_npy()),
        };
        if header_len > MAX_HEADER_BYTES {
            bail!(
                "{shown}: .npy header of {header_len} bytes (over {MAX_HEADER_BYTES}); not an array of counts"
            );
        }
        f.seek(SeekFrom::Start(0))?;
        let header = npyz::NpyHeader::from_reader(f.take(preamble + header_len))
            .map_err(|e| anyhow::anyhow!("{} ({})", not_npy(), crate::output::npy_problem(&e)))?;
        let npy = npyz::NpyFile::with_header(header, std::io::empty());
        let shape = npy.shape().to_vec();
        if shape.len() != 2 {
            bail!("{shown}: expected a 2-D array of counts, found shape {shape:?}");
        }
        let (item, big_endian) = match npy.dtype() {
            npyz::DType::Plain(t)
                if t.type_char() == npyz::TypeChar::Uint && matches!(t.size_field(), 4 | 8) =>
            {
                (
                    t.size_field() as usize,
                    t.endianness() == npyz::Endianness::Big,
                )
            }
            d => bail!(
                "{shown}: expected uint32 or uint64 counts, found dtype {}; convert with arr.astype('uint64')",
                d.descr()
            ),
        };
        if npy.order() == npyz::Order::Fortran && shape[0] > 1 && shape[1] > 1 {
            bail!(
                "{shown}: a Fortran-order array; save it with np.save(path, np.ascontiguousarray(a))"
            );
        }
        let (h, w) = (shape[0], shape[1]);
        if w == 0 || h == 0 || w > MAX_PNG_SIDE || h > MAX_PNG_SIDE {
            bail!(
                "{shown}: shape {shape:?}; expected a picture with 1 to {MAX_PNG_SIDE} rows and columns (a PNG's limit)"
            );
        }
        let data_offset = preamble + header_len;
        let expected = (w * h)
            .checked_mul(item as u64)
            .and_then(|n| n.checked_add(data_offset));
        if expected != Some(file_len) {
            bail!(
                "{shown}: {file_len} bytes, but a {h}x{w} array of {item}-byte counts takes {} bytes; the file is truncated or damaged",
                expected.map_or("more than 2^64".to_string(), |e| e.to_string())
            );
        }
        // The picture is shaded a row at a time: a row's counts, pixels and encoder copies.
        let row_bytes = w * ROW_BYTES_PER_COLUMN;
        if let Some(avail) = crate::backend::available_memory()
            && row_bytes > avail
        {
            bail!(
                "{shown}: rows of {w} counts need about {} MiB of memory each, but only {} MiB are available; free some memory or raise the process's limit",
                row_bytes >> 20,
                avail >> 20
            );
        }
        Ok(NpyCounts {
            path: path.to_path_buf(),
            width: w as u32,
            height: h as u32,
            item,
            big_endian,
            data_offset,
        })
    }

    /// Calls `f` with every row of counts, top to bottom.
    pub fn for_each_row(&self, mut f: impl FnMut(&[u64])) -> Result<()> {
        self.try_for_each_row(|row| {
            f(row);
            Ok(())
        })
    }

    /// [`NpyCounts::for_each_row`] with a fallible `f`.
    pub fn try_for_each_row(&self, mut f: impl FnMut(&[u64]) -> std::io::Result<()>) -> Result<()> {
        let mut rows = self.rows()?;
        for _ in 0..self.height {
            f(rows.next_row()?)?;
        }
        Ok(())
    }

    /// A reader of the rows, top to bottom.
    pub fn rows(&self) -> Result<Rows<'_>> {
        let shown = self.path.display();
        let mut file =
            File::open(&self.path).with_context(|| format!("{shown}: cannot read it"))?;
        file.seek(SeekFrom::Start(self.data_offset))?;
        let w = self.width as usize;
        Ok(Rows {
            npy: self,
            r: BufReader::with_capacity(1 << 20, file),
            raw: vec![0u8; w * self.item],
            row: vec![0u64; w],
        })
    }
}

/// The rows of an [`NpyCounts`], read one at a time.
pub struct Rows<'a> {
    npy: &'a NpyCounts,
    r: BufReader<File>,
    raw: Vec<u8>,
    row: Vec<u64>,
}

impl Rows<'_> {
    /// The next row of counts.
    pub fn next_row(&mut self) -> Result<&[u64]> {
        let (item, big) = (self.npy.item, self.npy.big_endian);
        self.r.read_exact(&mut self.raw).with_context(|| {
            format!(
                "{}: reading the counts (did the file change?)",
                self.npy.path.display()
            )
        })?;
        for (c, b) in self.row.iter_mut().zip(self.raw.chunks_exact(item)) {
            *c = match (item, big) {
                (4, false) => u32::from_le_bytes(b.try_into().expect("4 bytes")) as u64,
                (4, true) => u32::from_be_bytes(b.try_into().expect("4 bytes")) as u64,
                (_, false) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
                (_, true) => u64::from_be_bytes(b.try_into().expect("8 bytes")),
            };
        }
        Ok(&self.row)
    }
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
