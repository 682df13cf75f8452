//! Reading a `.npy` of counts back (a checkpoint's, a shard's), with one-line errors.

use anyhow::{Result, anyhow, bail};
use std::path::Path;

/// What is wrong with a `.npy` file, in a few words on one line (the reader's own message may
/// be a multi-line parser trace, or "failed to fill whole buffer" for a file that ends early).
pub fn npy_problem(e: &std::io::Error) -> String {
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

/// Reads a `.npy` of uint32 or uint64 counts (shape (height, width)) back: (width, height, counts).
pub fn read_npy_counts(path: &Path) -> Result<(u32, u32, Vec<u64>)> {
    // The largest canvas (65536 x 65536) of uint64 counts, plus a header.
    const LIMIT: u64 = (65536 * 65536 * 8) + (1 << 16);
    let bytes = crate::input::read_file(path, "counts file", LIMIT, ".npy of counts")?;
    let npy = npyz::NpyFile::new(&bytes[..]).map_err(|e| {
        anyhow!(
            "{}: not a .npy file of counts ({}); give the .npy that --hist or a checkpoint wrote",
            path.display(),
            npy_problem(&e)
        )
    })?;
    let shape = npy.shape().to_vec();
    if shape.len() != 2 {
        bail!(
            "{}: expected a 2-D array, found shape {shape:?}",
            path.display()
        );
    }
    let short = |e: std::io::Error| {
        anyhow!(
            "{}: its counts cannot be read ({}); the file is damaged",
            path.display(),
            npy_problem(&e)
        )
    };
    let counts: Vec<u64> = match npy.dtype() {
        npyz::DType::Plain(t) if t.size_field() == 8 => npy.into_vec::<u64>().map_err(short)?,
        npyz::DType::Plain(t) if t.size_field() == 4 => npy
            .into_vec::<u32>()
            .map_err(short)?
            .into_iter()
            .map(u64::from)
            .collect(),
        d => bail!(
            "{}: expected uint32 or uint64 counts, found {d:?}",
            path.display()
        ),
    };
    Ok((shape[1] as u32, shape[0] as u32, counts))
}
