//! `shade`'s input: the counts file a FILE argument names (a `.npy`, or a checkpoint's sidecar
//! and its counts), each a regular file, and the checkpoint metadata that goes with it.

use crate::checkpoint::Meta;
use anyhow::{Context, Result, bail};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest checkpoint sidecar read (they are a few hundred bytes).
const MAX_SIDECAR_BYTES: u64 = 1 << 20;

/// The counts file to read and the checkpoint metadata that goes with it, if any.
pub fn resolve_input(file: &Path) -> Result<(PathBuf, Option<Meta>)> {
    check_regular(file, "FILE", COUNTS_EXPECTED)?;
    let name = file.to_string_lossy();
    if name.ends_with(".json") {
        let meta = read_sidecar(file)?;
        let counts = file.parent().unwrap_or(Path::new(".")).join(&meta.counts);
        check_regular(
            &counts,
            &format!("{}: its counts file", file.display()),
            "the checkpoint is incomplete: shade its other generation (.ckpt.a.npy or .ckpt.b.npy) if one is there, or render again",
        )?;
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

/// The way out when FILE is not something `shade` reads.
const COUNTS_EXPECTED: &str = "give a .npy of counts or a .ckpt.json";

pub fn check_regular(path: &Path, what: &str, way_out: &str) -> Result<()> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .with_context(|| format!("{what} {shown}: cannot read it; {way_out}"))?;
    if meta.is_dir() {
        bail!("{what} {shown}: is a directory; {way_out}");
    }
    if !meta.is_file() {
        bail!("{what} {shown}: not a regular file; {way_out}");
    }
    Ok(())
}

pub fn read_sidecar(path: &Path) -> Result<Meta> {
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
