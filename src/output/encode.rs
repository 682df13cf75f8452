//! The one PNG encoder of the program. Every PNG it writes (a render, a window save or
//! screenshot, a search sheet, `shade`, the bench plots) goes through [`encode_png_rows`], which
//! writes the text chunks of [`PngText`] before the pixels:
//!
//! * `Software`: `attractors VERSION`;
//! * `Description`: one human-readable line (image viewers show it);
//! * `attractors`: the recipe, a JSON document ([`crate::recipe::Document`]) from which
//!   `attractors --from FILE.png` renders the picture again.
//!
//! All three are `iTXt` (UTF-8) chunks, uncompressed, placed before the first `IDAT` so a reader
//! finds them without decoding a pixel. Rows are produced by a callback and compressed as they
//! come (the `png` crate's stream writer), so a picture never needs its whole RGBA buffer unless
//! the caller already has one.

use anyhow::{Result, bail};
use std::io::Write;

/// The `iTXt` keyword of the recipe chunk.
pub const RECIPE_KEYWORD: &str = "attractors";

/// The text chunks of a PNG.
#[derive(Clone, Debug, PartialEq)]
pub struct PngText {
    /// One line for image viewers (`Description`).
    pub description: String,
    /// The recipe JSON (keyword [`RECIPE_KEYWORD`]); `None` for pictures that are not renders
    /// (the bench plots).
    pub recipe: Option<String>,
}

impl PngText {
    /// Text for a picture without a recipe (a chart).
    pub fn plain(description: impl Into<String>) -> PngText {
        PngText {
            description: description.into(),
            recipe: None,
        }
    }
}

/// The pixel layout of a PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PngLayout {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bits per channel: 8 or 16 (16-bit samples are big-endian, as PNG stores them).
    pub depth: u8,
    /// RGBA when true, else RGB.
    pub alpha: bool,
}

impl PngLayout {
    /// Bytes of one row.
    pub fn row_bytes(&self) -> usize {
        self.width as usize * self.channels() * (self.depth as usize / 8)
    }
    /// Channels per pixel (3 or 4).
    pub fn channels(&self) -> usize {
        if self.alpha { 4 } else { 3 }
    }
}

/// Encodes a PNG into `w`, asking `row(y, line)` for each row top to bottom; `line` arrives empty
/// and must hold exactly [`PngLayout::row_bytes`] bytes afterwards.
pub fn encode_png_rows(
    w: impl Write,
    layout: PngLayout,
    text: &PngText,
    mut row: impl FnMut(u32, &mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    let mut enc = png::Encoder::new(w, layout.width, layout.height);
    enc.set_color(if layout.alpha {
        png::ColorType::Rgba
    } else {
        png::ColorType::Rgb
    });
    enc.set_depth(match layout.depth {
        8 => png::BitDepth::Eight,
        16 => png::BitDepth::Sixteen,
        d => bail!("PNG depth {d}: expected 8 or 16 bits per channel"),
    });
    enc.add_itxt_chunk(
        "Software".into(),
        format!("attractors {}", env!("CARGO_PKG_VERSION")),
    )?;
    enc.add_itxt_chunk("Description".into(), text.description.clone())?;
    if let Some(recipe) = &text.recipe {
        enc.add_itxt_chunk(RECIPE_KEYWORD.into(), recipe.clone())?;
    }
    let mut writer = enc.write_header()?;
    let mut stream = writer.stream_writer()?;
    let mut line = Vec::with_capacity(layout.row_bytes());
    for y in 0..layout.height {
        line.clear();
        row(y, &mut line)?;
        if line.len() != layout.row_bytes() {
            bail!(
                "PNG row {y}: {} bytes, expected {}",
                line.len(),
                layout.row_bytes()
            );
        }
        stream.write_all(&line)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(())
}

/// Encodes RGBA8 pixels (row 0 = top): RGB when every pixel is opaque, else RGBA.
pub fn encode_png(
    rgba: &[u8],
    width: u32,
    height: u32,
    text: &PngText,
    w: impl Write,
) -> Result<()> {
    let alpha = !rgba.chunks_exact(4).all(|p| p[3] == 255);
    let layout = PngLayout {
        width,
        height,
        depth: 8,
        alpha,
    };
    let stride = width as usize * 4;
    encode_png_rows(w, layout, text, |y, line| {
        let src = &rgba[y as usize * stride..(y as usize + 1) * stride];
        if alpha {
            line.extend_from_slice(src);
        } else {
            line.extend(src.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
        }
        Ok(())
    })
}

/// The text chunks of a PNG file: `(keyword, text)` for every `iTXt`, `tEXt` and `zTXt` chunk
/// before the pixels. Errors name the file.
/// Whether the PNG at `path` holds a text chunk (tEXt, zTXt or iTXt) named `keyword`, damaged or
/// not: the chunks are walked by their lengths, reading only each text chunk's keyword.
pub fn png_has_text_chunk(path: &std::path::Path, keyword: &str) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let walk = || -> std::io::Result<bool> {
        let mut f = std::io::BufReader::new(std::fs::File::open(path)?);
        f.seek(SeekFrom::Start(8))?;
        loop {
            let mut head = [0u8; 8];
            f.read_exact(&mut head)?;
            let len = u32::from_be_bytes(head[..4].try_into().unwrap()) as i64;
            let kind = &head[4..];
            if kind == b"IEND" {
                return Ok(false);
            }
            if matches!(kind, b"tEXt" | b"zTXt" | b"iTXt") && len > keyword.len() as i64 {
                let mut name = vec![0u8; keyword.len() + 1];
                f.read_exact(&mut name)?;
                if name[..keyword.len()] == *keyword.as_bytes() && name[keyword.len()] == 0 {
                    return Ok(true);
                }
                f.seek_relative(len - name.len() as i64 + 4)?;
            } else {
                f.seek_relative(len + 4)?;
            }
        }
    };
    walk().unwrap_or(false)
}

/// The text chunks (keyword, text) of the PNG at `path`, in file order; chunks whose checksum
/// fails are dropped by the decoder.
pub fn read_png_text(path: &std::path::Path) -> Result<Vec<(String, String)>> {
    use anyhow::Context;
    let shown = path.display();
    let file = std::fs::File::open(path).with_context(|| format!("{shown}: cannot read it"))?;
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let reader = decoder
        .read_info()
        .with_context(|| format!("{shown}: not a PNG file, or a damaged one"))?;
    let info = reader.info();
    let mut out = Vec::new();
    for c in &info.utf8_text {
        let text = c
            .get_text()
            .with_context(|| format!("{shown}: its '{}' text chunk is damaged", c.keyword))?;
        out.push((c.keyword.clone(), text));
    }
    for c in &info.uncompressed_latin1_text {
        out.push((c.keyword.clone(), c.text.clone()));
    }
    for c in &info.compressed_latin1_text {
        if let Ok(t) = c.get_text() {
            out.push((c.keyword.clone(), t));
        }
    }
    Ok(out)
}
