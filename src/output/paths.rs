//! Where an output path leads. An output that is a symbolic link is written through it: the file
//! the link points to (at the end of a chain of links) is replaced, atomically, by a temporary
//! file made in that file's directory, and the link itself stays a link.

use std::path::{Path, PathBuf};

/// The most links followed in a chain (Linux's own limit).
const MAX_LINKS: usize = 40;

/// The file that writing `path` replaces or creates: `path` itself, or, when it is a symbolic
/// link, the end of its chain of links (which need not exist yet: a dangling link creates its
/// target). Errors name the link and why it cannot be followed.
pub fn follow_links(path: &Path) -> Result<PathBuf, String> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&at)
                    .map_err(|e| format!("is a symbolic link that cannot be read ({e})"))?;
                at = match at.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(format!(
        "is a chain of more than {MAX_LINKS} symbolic links (a loop?); give a file name"
    ))
}
