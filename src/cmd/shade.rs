//! `attractors shade FILE`: re-colour a saved histogram without re-rendering.
//!
//! FILE is a 2-D uint32/uint64 `.npy` (ours, or any such array with row 0 = top, e.g. a
//! datashader aggregate flipped with `np.flipud`), or a checkpoint's `.ckpt.json`. The counts are
//! streamed twice, a row at a time: once for the tone map's statistics (smallest and largest
//! count, and the distinct counts for eq_hist), once to colour each row into the PNG. Memory is a
//! row plus the distinct counts, whatever the file's size.
//!
//! Metadata: a checkpoint's sidecar names the preset, whose palette is the default. For
//! `OUT.ckpt.a.npy` / `OUT.ckpt.b.npy` that is `OUT.ckpt.json`; for `X.npy`, `X.ckpt.json` when
//! it exists and has the same size.
//!
//! Input rules as everywhere: only regular files; the `.npy` header is bounded
//! ([`MAX_HEADER_BYTES`]) and the file must be exactly header + height * width * item size bytes.

use crate::checkpoint::Meta;
use crate::cli::{ShadeArg, ShadeArgs};
use crate::output::{Kind, OutputFile};
use crate::shade::{Color, CountStats, Palette, Shade, Style, ToneMap, pixel8, pixel16};
use anyhow::{Context, Result, anyhow, bail};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Largest `.npy` header accepted (numpy's own reader refuses more than 10000 bytes by default).
pub const MAX_HEADER_BYTES: u64 = 65536;
/// Largest sidecar read (ours are under a kilobyte).
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

pub fn run(args: &ShadeArgs) -> Result<()> {
    let (npy_path, meta) = resolve_input(&args.file)?;
    let npy = NpyCounts::open(&npy_path)?;
    if let Some(m) = &meta
        && (m.key.width, m.key.height) != (npy.width, npy.height)
    {
        bail!(
            "{}: {}x{} counts, but its checkpoint sidecar says {}x{}; the checkpoint is damaged",
            npy_path.display(),
            npy.width,
            npy.height,
            m.key.width,
            m.key.height
        );
    }
    let shade = match args.shade {
        ShadeArg::EqHist => Shade::EqHist,
        ShadeArg::Log => Shade::Log,
        ShadeArg::Cbrt => Shade::Cbrt,
        ShadeArg::Linear => Shade::Linear,
    };
    let palette_name = match (&args.palette, &meta) {
        (Some(p), _) => p.clone(),
        (None, Some(m)) => preset_palette(args.config.as_deref(), &m.preset)?,
        (None, None) => "fire".to_string(),
    };
    let palette = Palette::from_name(&palette_name).map_err(|e| anyhow!("--palette: {e}"))?;
    let background: Color = args
        .background
        .parse()
        .map_err(|e| anyhow!("--background: {e}"))?;
    let style = Style {
        shade,
        palette,
        background,
        span: args.span,
    };
    crate::shade::check_style(&style)?;
    let png_path = args.png.clone().unwrap_or_else(|| default_png(&args.file));
    let out = OutputFile::prepare(&png_path, Kind::Png)?;

    let mut stats = CountStats::new(shade);
    npy.for_each_row(|row| row.iter().for_each(|&c| stats.add(c)))?;
    let tone = ToneMap::from_stats(shade, &stats, style.span)?;
    let opaque = style.background.0[3] == 255 || stats.zeros == 0;
    let (w, h) = (npy.width, npy.height);
    out.write_stream(|file| {
        let mut enc = png::Encoder::new(file, w, h);
        enc.set_color(if opaque {
            png::ColorType::Rgb
        } else {
            png::ColorType::Rgba
        });
        enc.set_depth(if args.depth == 16 {
            png::BitDepth::Sixteen
        } else {
            png::BitDepth::Eight
        });
        let mut writer = enc.write_header()?;
        let mut stream = writer.stream_writer()?;
        let channels = if opaque { 3 } else { 4 };
        let mut line = Vec::with_capacity(w as usize * channels * args.depth as usize / 8);
        npy.try_for_each_row(|row| {
            line.clear();
            for &c in row {
                if args.depth == 16 {
                    let p = pixel16(&tone, &style, c);
                    line.extend(p[..channels].iter().flat_map(|v| v.to_be_bytes()));
                } else {
                    line.extend_from_slice(&pixel8(&tone, &style, c)[..channels]);
                }
            }
            stream.write_all(&line)
        })?;
        stream.finish()?;
        writer.finish()?;
        Ok(())
    })?;
    if !args.quiet {
        eprintln!(
            "{}: {w}x{h}, {} lit bins, counts {}..{}, {} {}{} -> {} ({}-bit)",
            args.file.display(),
            w as u64 * h as u64 - stats.zeros,
            tone.cmin,
            tone.cmax,
            shade,
            style.palette.name,
            style
                .span
                .map(|s| format!(" span {},{}", s.min, s.max))
                .unwrap_or_default(),
            png_path.display(),
            args.depth
        );
    }
    Ok(())
}

/// `X.npy` -> `X.png`; `OUT.ckpt.json` -> `OUT.ckpt.png`.
fn default_png(input: &Path) -> PathBuf {
    input.with_extension("png")
}

/// The counts file to read and the checkpoint metadata that goes with it, if any.
fn resolve_input(file: &Path) -> Result<(PathBuf, Option<Meta>)> {
    check_regular(file, "FILE")?;
    let name = file.to_string_lossy();
    if name.ends_with(".json") {
        let meta = read_sidecar(file)?;
        let counts = file.parent().unwrap_or(Path::new(".")).join(&meta.counts);
        check_regular(&counts, &format!("{}: its counts file", file.display()))?;
        return Ok((counts, Some(meta)));
    }
    // OUT.ckpt.a.npy -> OUT.ckpt.json; X.npy -> X.ckpt.json.
    let sidecar = ["a", "b"]
        .iter()
        .find_map(|g| name.strip_suffix(&format!(".ckpt.{g}.npy")))
        .map(|stem| PathBuf::from(format!("{stem}.ckpt.json")))
        .unwrap_or_else(|| crate::checkpoint::sidecar_path(file));
    let meta = sidecar
        .is_file()
        .then(|| read_sidecar(&sidecar).ok())
        .flatten();
    Ok((file.to_path_buf(), meta))
}

fn check_regular(path: &Path, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "{what} {}: cannot read it; give a .npy of counts or a .ckpt.json",
            path.display()
        )
    })?;
    if meta.is_dir() {
        bail!(
            "{what} {}: is a directory; give a .npy of counts or a .ckpt.json",
            path.display()
        );
    }
    if !meta.is_file() {
        bail!(
            "{what} {}: not a regular file; give a .npy of counts or a .ckpt.json",
            path.display()
        );
    }
    Ok(())
}

fn read_sidecar(path: &Path) -> Result<Meta> {
    let shown = path.display();
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_SIDECAR_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("{shown}: cannot read it"))?;
    if bytes.len() as u64 > MAX_SIDECAR_BYTES {
        bail!("{shown}: over {MAX_SIDECAR_BYTES} bytes; not a checkpoint sidecar");
    }
    serde_json::from_slice(&bytes).with_context(|| {
        format!("{shown}: not a checkpoint sidecar (expected the JSON a stopped render wrote)")
    })
}

/// The palette of the preset a checkpoint names (fire when it has none or is not in the file).
fn preset_palette(config: Option<&Path>, preset: &str) -> Result<String> {
    let presets = crate::attractor::Presets::load(config)?;
    Ok(presets
        .get(preset)
        .ok()
        .and_then(|p| p.palette.clone())
        .unwrap_or_else(|| "fire".to_string()))
}

/// A 2-D unsigned-integer `.npy`, checked, read a row at a time.
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
        let header =
            npyz::NpyHeader::from_reader(f.take(preamble + header_len)).with_context(not_npy)?;
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
        if w == 0 || h == 0 || w > u32::MAX as u64 || h > u32::MAX as u64 {
            bail!(
                "{shown}: shape {shape:?}; expected a picture with 1 to {} rows and columns",
                u32::MAX
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
        let shown = self.path.display();
        let mut file =
            File::open(&self.path).with_context(|| format!("{shown}: cannot read it"))?;
        file.seek(SeekFrom::Start(self.data_offset))?;
        let mut r = BufReader::with_capacity(1 << 20, file);
        let w = self.width as usize;
        let mut raw = vec![0u8; w * self.item];
        let mut row = vec![0u64; w];
        for _ in 0..self.height {
            r.read_exact(&mut raw)
                .with_context(|| format!("{shown}: reading the counts (did the file change?)"))?;
            for (c, b) in row.iter_mut().zip(raw.chunks_exact(self.item)) {
                *c = match (self.item, self.big_endian) {
                    (4, false) => u32::from_le_bytes(b.try_into().expect("4 bytes")) as u64,
                    (4, true) => u32::from_be_bytes(b.try_into().expect("4 bytes")) as u64,
                    (_, false) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
                    (_, true) => u64::from_be_bytes(b.try_into().expect("8 bytes")),
                };
            }
            f(&row)?;
        }
        Ok(())
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
