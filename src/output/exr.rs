//! `--exr FILE.exr`: the picture's density as 32-bit float OpenEXR (the `exr` crate), for
//! compositing. One layer, the picture's size, row 0 = top (increasing y, EXR's default line
//! order), ZIP-compressed, with the picture beside its data:
//!
//! * `R`, `G`, `B`, `A`: the shaded picture (the PNG's colours) in linear light, premultiplied by
//!   alpha as OpenEXR expects ([`crate::shade::pixel_linear`]), so image viewers show the picture;
//! * `count`: counts per pixel (the histogram; after `--de` and `--supersample`, the density in
//!   counts per output pixel);
//! * `level`: the tone-mapped level u in [0, 1] (the position on the palette; 0 for empty pixels).
//!
//! The recipe JSON is the header's `attractorsRecipe` text attribute; [`read_exr_recipe`] reads
//! it back. The file is encoded in memory (24 bytes per pixel plus the compressed file) and then
//! written atomically like every output.

use super::{OutputFile, Staged};
use crate::histogram::Histogram;
use crate::shade::{Style, ToneMap, pixel_linear};
use anyhow::{Context, Result, anyhow};
use exr::prelude::*;

/// The header attribute that holds the recipe.
pub const RECIPE_ATTRIBUTE: &str = "attractorsRecipe";

/// Writes `hist` (fixed-point with `scale` units per count), its levels under `tone` and its
/// picture under `tone` and `style`, with `recipe` (JSON) in the header; the file is staged, for
/// the command to commit.
pub fn write_exr(
    out: OutputFile,
    hist: &Histogram,
    tone: &ToneMap,
    style: &Style,
    scale: u64,
    recipe: &str,
) -> Result<Staged> {
    let (w, h) = (hist.width as usize, hist.height as usize);
    let unit = scale as f64;
    let channels = SpecificChannels::build()
        .with_channel("R")
        .with_channel("G")
        .with_channel("B")
        .with_channel("A")
        .with_channel("count")
        .with_channel("level")
        .with_pixel_fn(|Vec2(x, y)| {
            let c = hist.counts[y * w + x];
            let level = if c == 0 { 0.0 } else { tone.level(c) as f32 };
            let [r, g, b, a] = pixel_linear(tone, style, c);
            (r, g, b, a, (c as f64 / unit) as f32, level)
        });
    let mut image = Image::from_channels((w, h), channels);
    let layer = &mut image.layer_data.attributes;
    layer.other.insert(
        Text::new_or_panic(RECIPE_ATTRIBUTE),
        AttributeValue::Text(Text::from_slice_unchecked(recipe.as_bytes())),
    );
    layer.software_name = Some(Text::new_or_panic(format!(
        "attractors {}",
        env!("CARGO_PKG_VERSION")
    )));
    let mut bytes = std::io::Cursor::new(Vec::new());
    let path = out.path.display().to_string();
    image
        .write()
        .to_buffered(&mut bytes)
        .map_err(|e| anyhow!("{e}"))
        .with_context(|| format!("encoding {path}"))?;
    out.write_bytes(&bytes.into_inner())
}

/// The recipe text in an EXR file's header, if it has one.
pub fn read_exr_recipe(path: &std::path::Path) -> Result<Option<String>> {
    let meta = exr::meta::MetaData::read_from_file(path, false)
        .map_err(|e| anyhow!("{}: not an OpenEXR file ({e})", path.display()))?;
    let key = Text::new_or_panic(RECIPE_ATTRIBUTE);
    Ok(meta.headers.iter().find_map(|h| {
        let found = h
            .own_attributes
            .other
            .get(&key)
            .or_else(|| h.shared_attributes.other.get(&key));
        match found {
            Some(AttributeValue::Text(t)) => {
                Some(String::from_utf8_lossy(t.as_slice()).to_string())
            }
            _ => None,
        }
    }))
}
