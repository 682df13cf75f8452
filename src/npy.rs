//! The one `.npy` reader: every `.npy` of counts the program reads (`shade`, `merge`, a
//! checkpoint on `--resume`) goes through it, so each is read exactly or refused with a message
//! naming the file. What it reads: a 2-D array (height, width), row 0 = top, of unsigned 32- or
//! 64-bit integers, little- or big-endian, in C order (a Fortran-order array is refused unless it
//! is one row or one column, whose bytes are the same in both orders), followed by exactly its
//! data: a file that ends early or goes on after the data is refused.
//!
//! A file is checked whole before a count is read (its length against its header) and read a
//! row at a time ([`NpyCounts::rows`]). A stream (standard input) is read once: its header is
//! checked first, and its data is held in memory only when it fits.

use anyhow::{Context, Result, anyhow, bail};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Largest `.npy` header accepted (numpy's own reader refuses more than 10000 bytes by default).
pub const MAX_HEADER_BYTES: u64 = 65536;
/// The largest side of a PNG (its format stores sides as 31-bit numbers): the largest array side.
pub const MAX_SIDE: u64 = (1 << 31) - 1;

/// The layout of the counts, from a checked header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Columns of the array (the canvas width).
    pub width: u32,
    /// Rows of the array (the canvas height).
    pub height: u32,
    /// Bytes per count (4 or 8) and whether they are big-endian.
    item: usize,
    big_endian: bool,
    /// Where the counts start.
    data_offset: u64,
}

impl Layout {
    /// Bytes of counts after the header.
    pub fn data_bytes(&self) -> u64 {
        self.width as u64 * self.height as u64 * self.item as u64
    }

    /// Reads and checks the header at the start of `r` (which is left at the first count).
    /// `shown` names the file in messages.
    pub fn read(r: &mut impl Read, shown: &str) -> Result<Layout> {
        let not_npy =
            || format!("{shown}: not a .npy file; expected a 2-D uint32/uint64 NumPy array");
        let mut pre = [0u8; 10];
        r.read_exact(&mut pre).map_err(|_| anyhow!(not_npy()))?;
        if &pre[..6] != b"\x93NUMPY" {
            bail!(not_npy());
        }
        let mut preamble = pre.to_vec();
        let header_len = match pre[6] {
            1 => u16::from_le_bytes([pre[8], pre[9]]) as u64,
            2 | 3 => {
                let mut more = [0u8; 2];
                r.read_exact(&mut more).map_err(|_| anyhow!(not_npy()))?;
                preamble.extend_from_slice(&more);
                u32::from_le_bytes([pre[8], pre[9], more[0], more[1]]) as u64
            }
            _ => bail!(not_npy()),
        };
        if header_len > MAX_HEADER_BYTES {
            bail!(
                "{shown}: .npy header of {header_len} bytes (over {MAX_HEADER_BYTES}); not an array of counts"
            );
        }
        let data_offset = preamble.len() as u64 + header_len;
        let header = npyz::NpyHeader::from_reader(preamble.as_slice().chain(r.take(header_len)))
            .map_err(|e| anyhow!("{} ({})", not_npy(), problem(&e)))?;
        let npy = npyz::NpyFile::with_header(header, std::io::empty());
        let (width, height) = check_shape(npy.shape(), npy.order(), shown)?;
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
        Ok(Layout {
            width,
            height,
            item,
            big_endian,
            data_offset,
        })
    }

    /// Decodes one row of raw bytes into `row`.
    fn decode(&self, raw: &[u8], row: &mut [u64]) {
        for (c, b) in row.iter_mut().zip(raw.chunks_exact(self.item)) {
            *c = match (self.item, self.big_endian) {
                (4, false) => u32::from_le_bytes(b.try_into().expect("4 bytes")) as u64,
                (4, true) => u32::from_be_bytes(b.try_into().expect("4 bytes")) as u64,
                (_, false) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
                (_, true) => u64::from_be_bytes(b.try_into().expect("8 bytes")),
            };
        }
    }
}

/// A 2-D shape of 1 to [`MAX_SIDE`] rows and columns, in an order read exactly: (width, height).
fn check_shape(shape: &[u64], order: npyz::Order, shown: &str) -> Result<(u32, u32)> {
    let &[h, w] = shape else {
        bail!("{shown}: expected a 2-D array of counts, found shape {shape:?}");
    };
    if order == npyz::Order::Fortran && h > 1 && w > 1 {
        bail!(
            "{shown}: a Fortran-order array (its columns are stored one after another; reading it as rows would transpose it); save it with np.save(path, np.ascontiguousarray(a))"
        );
    }
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        bail!(
            "{shown}: shape {shape:?}; expected a picture with 1 to {MAX_SIDE} rows and columns (a PNG's limit)"
        );
    }
    Ok((w as u32, h as u32))
}

/// What is wrong with a `.npy` header, in a few words on one line (the parser's own message may
/// be a multi-line trace, or "failed to fill whole buffer" for a file that ends early).
fn problem(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        return "it ends early: truncated?".into();
    }
    let text = e.to_string();
    let first = text.lines().next().unwrap_or("").trim();
    let first = first.trim_end_matches(':');
    if first.is_empty() {
        "unreadable header".into()
    } else {
        first.to_string()
    }
}

/// A `.npy` of counts: a checked file read a row at a time, or a stream's counts held in memory.
pub struct NpyCounts {
    /// The file as named in messages ("standard input (-)" for a stream).
    pub shown: String,
    /// The checked header's shape and element type.
    pub layout: Layout,
    source: Source,
}

enum Source {
    File(std::path::PathBuf),
    Memory(Vec<u64>),
}

impl NpyCounts {
    /// Opens and checks the file at `path`: a regular file (never opened when it is not), a
    /// header [`Layout::read`] accepts, and exactly as many bytes of counts as it says.
    pub fn open(path: &Path) -> Result<NpyCounts> {
        let shown = path.display().to_string();
        let mut f = open_regular(path)?;
        let file_len = f.metadata()?.len();
        let layout = Layout::read(&mut BufReader::new(&mut f), &shown)?;
        let expected = layout.data_offset.checked_add(layout.data_bytes());
        if expected != Some(file_len) {
            let (h, w, item) = (layout.height, layout.width, layout.item);
            let size = format!(
                "{file_len} bytes, but a {h}x{w} array of {item}-byte counts takes {} bytes",
                expected.map_or("more than 2^64".to_string(), |e| e.to_string())
            );
            if expected.is_some_and(|e| e < file_len) {
                bail!(
                    "{shown}: {size}: more data follows the array; the file is damaged, or not one array of counts"
                );
            }
            bail!("{shown}: it ends early: {size}; the file is truncated or damaged");
        }
        Ok(NpyCounts {
            shown,
            layout,
            source: Source::File(path.to_path_buf()),
        })
    }

    /// Reads a `.npy` from a stream (named `shown` in messages) into memory: the header is
    /// checked first, and the counts are read only when they fit in the memory available; then
    /// the stream must end exactly where the array does.
    pub fn from_stream(r: &mut impl Read, shown: &str) -> Result<NpyCounts> {
        let layout = Layout::read(r, shown)?;
        let need = layout.width as u64 * layout.height as u64 * 8;
        if let Some(avail) = crate::backend::available_memory()
            && need > avail / 2
        {
            bail!(
                "{shown}: a {}x{} array of counts needs {} MiB of memory, and {} MiB are available; save it to a file and give its name",
                layout.height,
                layout.width,
                need >> 20,
                avail >> 20
            );
        }
        let mut counts = vec![0u64; (layout.width as u64 * layout.height as u64) as usize];
        let mut raw = vec![0u8; layout.width as usize * layout.item];
        for row in counts.chunks_exact_mut(layout.width as usize) {
            r.read_exact(&mut raw)
                .map_err(|e| ends_early(shown, &layout, e))?;
            layout.decode(&raw, row);
        }
        let mut extra = [0u8; 1];
        if r.read(&mut extra)? > 0 {
            bail!(
                "{shown}: more bytes follow the {}x{} array; give one .npy of counts",
                layout.height,
                layout.width
            );
        }
        Ok(NpyCounts {
            shown: shown.to_string(),
            layout,
            source: Source::Memory(counts),
        })
    }

    /// Columns of the counts.
    pub fn width(&self) -> u32 {
        self.layout.width
    }

    /// Rows of the counts.
    pub fn height(&self) -> u32 {
        self.layout.height
    }

    /// Calls `f` with every row of counts, top to bottom.
    pub fn for_each_row(&self, mut f: impl FnMut(&[u64])) -> Result<()> {
        let mut rows = self.rows()?;
        for _ in 0..self.layout.height {
            f(rows.next_row()?);
        }
        Ok(())
    }

    /// Every count, row after row: (width, height, counts).
    pub fn into_counts(self) -> Result<(u32, u32, Vec<u64>)> {
        let (w, h) = (self.layout.width, self.layout.height);
        if let Source::Memory(counts) = self.source {
            return Ok((w, h, counts));
        }
        let mut counts = Vec::with_capacity(w as usize * h as usize);
        self.for_each_row(|row| counts.extend_from_slice(row))?;
        Ok((w, h, counts))
    }

    /// A reader of the rows, top to bottom.
    pub fn rows(&self) -> Result<Rows<'_>> {
        let w = self.layout.width as usize;
        let file = match &self.source {
            Source::File(path) => {
                let mut file = open_regular(path)?;
                file.seek(SeekFrom::Start(self.layout.data_offset))?;
                Some(BufReader::with_capacity(1 << 20, file))
            }
            Source::Memory(_) => None,
        };
        let (raw, row) = match file {
            Some(_) => (vec![0u8; w * self.layout.item], vec![0u64; w]),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Rows {
            npy: self,
            file,
            next: 0,
            raw,
            row,
        })
    }
}

/// The error of a stream that ends inside the array.
fn ends_early(shown: &str, layout: &Layout, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        anyhow!(
            "{shown}: it ends before the {}x{} array does; the data is truncated",
            layout.height,
            layout.width
        )
    } else {
        anyhow!("{shown}: reading the counts: {e}")
    }
}

/// Opens `path` for reading only when it is a regular file (a FIFO or a device is refused, never
/// opened), through [`crate::input`]'s checks.
fn open_regular(path: &Path) -> Result<File> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("{}: cannot read it", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{}: is {}, not a regular file; give a .npy file",
            path.display(),
            crate::input::describe(&meta.file_type())
        );
    }
    File::open(path).with_context(|| format!("{}: cannot read it", path.display()))
}

/// The rows of an [`NpyCounts`], read one at a time.
pub struct Rows<'a> {
    npy: &'a NpyCounts,
    file: Option<BufReader<File>>,
    next: usize,
    raw: Vec<u8>,
    row: Vec<u64>,
}

impl Rows<'_> {
    /// The next row of counts.
    pub fn next_row(&mut self) -> Result<&[u64]> {
        let layout = &self.npy.layout;
        let w = layout.width as usize;
        let y = self.next;
        self.next += 1;
        match (&mut self.file, &self.npy.source) {
            (None, Source::Memory(counts)) => Ok(&counts[y * w..(y + 1) * w]),
            (Some(r), _) => {
                r.read_exact(&mut self.raw).with_context(|| {
                    format!(
                        "{}: reading the counts (did the file change?)",
                        self.npy.shown
                    )
                })?;
                layout.decode(&self.raw, &mut self.row);
                Ok(&self.row)
            }
            (None, Source::File(_)) => unreachable!("a file's rows have a reader"),
        }
    }
}

/// Reads a `.npy` of counts whole (a shard's, a checkpoint's): (width, height, counts). Refused
/// when they do not fit in the memory available.
pub fn read_counts(path: &Path) -> Result<(u32, u32, Vec<u64>)> {
    let npy = NpyCounts::open(path)?;
    let need = npy.layout.width as u64 * npy.layout.height as u64 * 8;
    if let Some(avail) = crate::backend::available_memory()
        && need > avail
    {
        bail!(
            "{}: its counts need {} MiB of memory, and {} MiB are available; free some memory",
            npy.shown,
            need >> 20,
            avail >> 20
        );
    }
    npy.into_counts()
}
