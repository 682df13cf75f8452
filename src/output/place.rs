//! Where an output goes, checked before any work: the path's own form (a file name with the
//! right extension), links followed, the directory there, and nothing at the path but a
//! writable regular file (a device, FIFO, socket or directory is refused from its metadata,
//! never opened: opening a FIFO blocks); the file system's limit on the name is probed.

use super::{Kind, follow_links, is_stdio, staged};
use anyhow::{Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// An output path, checked: the file it replaces and the directory that file is in.
pub(super) struct Place {
    /// `path`, or where the symbolic link at `path` leads.
    pub target: PathBuf,
    dir: PathBuf,
    /// "out.png" or "out.png (a link to ../pictures/a.png)", for messages.
    pub shown: String,
}

impl Place {
    /// Every check of an output path, before any work: a file name with the right extension,
    /// links followed, an existing directory, and nothing there but a regular, writable file.
    pub fn check(path: &Path, kind: Kind, flag: &str) -> Result<Place> {
        check_name(path, kind, flag)?;
        let target = follow_links(path).map_err(|e| anyhow!("{flag} {}: {e}", path.display()))?;
        let shown = if target == path {
            path.display().to_string()
        } else {
            format!("{} (a link to {})", path.display(), target.display())
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            bail!(
                "{flag} {shown}: directory {} does not exist; create it first",
                dir.display()
            );
        }
        check_existing(&target, &shown, flag)?;
        probe_name(&target, &dir, flag)?;
        Ok(Place { target, dir, shown })
    }

    /// The temporary file that becomes the output, in the output's directory.
    pub fn temp_file(&self, flag: &str) -> Result<tempfile::NamedTempFile> {
        let mut builder = tempfile::Builder::new();
        // A finished output gets ordinary file permissions (0666 less the umask), not tempfile's 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        builder
            .prefix(".attractors-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|e| {
                if staged::is_full(&e) {
                    staged::io_failure(flag, &self.shown, &e)
                } else {
                    anyhow!(
                        "{flag} {}: cannot write in {}; choose a writable directory ({e})",
                        self.shown,
                        self.dir.display()
                    )
                }
            })
    }
}

/// The path's own form: a file name (not `-`, not ending in a separator, not a directory) with
/// `kind`'s extension (any name for a preset file).
fn check_name(path: &Path, kind: Kind, flag: &str) -> Result<()> {
    if is_stdio(path) {
        bail!(
            "{flag} -: this output cannot go to standard output; give a file name like out.{} (./- for a file named -)",
            kind.extension()
        );
    }
    let text = path.to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        bail!(
            "{flag} {}: ends with a path separator; give a file name like out.{}",
            path.display(),
            kind.extension()
        );
    }
    if path.is_dir() {
        bail!(
            "{flag} {}: is a directory; give a file name inside it",
            path.display()
        );
    }
    let ext_ok = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(kind.extension()));
    if !ext_ok && kind != Kind::Atr {
        bail!(
            "{flag} {}: expected a file name ending in .{} (for example out.{})",
            path.display(),
            kind.extension(),
            kind.extension()
        );
    }
    Ok(())
}

/// What is already at `target` may be replaced only when it is a writable regular file.
fn check_existing(target: &Path, shown: &str, flag: &str) -> Result<()> {
    refuse_special_at(target, shown, flag)?;
    if std::fs::metadata(target).is_ok_and(|m| m.permissions().readonly()) {
        bail!(
            "{flag} {shown}: exists and is read-only; make it writable (chmod u+w) or choose another name"
        );
    }
    Ok(())
}

/// Refuses an output path (named by `flag`) where something other than a regular file is: a
/// device, a FIFO, a socket or a directory (links followed). Looked at, never opened: opening a
/// FIFO blocks.
pub fn refuse_special(path: &Path, flag: &str) -> Result<()> {
    let target = follow_links(path).map_err(|e| anyhow!("{flag} {}: {e}", path.display()))?;
    refuse_special_at(&target, &path.display().to_string(), flag)
}

fn refuse_special_at(target: &Path, shown: &str, flag: &str) -> Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if !meta.file_type().is_file() => bail!(
            "{flag} {shown}: is {}, not a regular file; an output is only ever written to a file: give a file name",
            crate::input::describe(&meta.file_type())
        ),
        _ => Ok(()),
    }
}

/// Creates and removes a file in `dir` whose name is as long as `path`'s, so a name the file
/// system refuses (too long, bad characters) fails before any work, not after it.
fn probe_name(path: &Path, dir: &Path, flag: &str) -> Result<()> {
    let len = path.file_name().map_or(0, |n| n.len());
    let stem = format!(".attractors-probe-{}-", std::process::id());
    let name = if len > stem.len() {
        format!("{stem}{}", "x".repeat(len - stem.len()))
    } else {
        stem
    };
    let probe = dir.join(name);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidFilename => bail!(
            "{flag} {}: the file system refuses a file name of {len} bytes ({e}); choose a shorter name",
            path.display()
        ),
        Err(e) => bail!(
            "{flag} {}: cannot write in {}; choose a writable directory ({e})",
            path.display(),
            dir.display()
        ),
    }
}
