//! Reading user-named input files safely: only regular files (a FIFO, a device such as
//! `/dev/zero` or a directory is refused before it is opened, so nothing can block or read without
//! end), opened without blocking, and read no further than the size the format allows, whatever
//! the file system reports.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why an input could not be read; each message names the flag, the file and a way out.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("{flag} {}: cannot read it ({reason}); check the path", path.display())]
    Unreadable {
        /// The flag (or argument) that named the file.
        flag: String,
        /// The path, as given.
        path: PathBuf,
        /// The system's reason.
        reason: String,
    },
    /// The path is a directory or another non-file.
    #[error("{flag} {}: is {what}, not a regular file; give a file", path.display())]
    NotAFile {
        /// The flag (or argument) that named the file.
        flag: String,
        /// The path, as given.
        path: PathBuf,
        /// What the path is instead (`a directory`, ...).
        what: &'static str,
    },
    /// The file is larger than its format can be.
    #[error("{flag} {}: is larger than {limit} bytes, the most a {format} can be; is this the right file?", path.display())]
    TooLarge {
        /// The flag (or argument) that named the file.
        flag: String,
        /// The path, as given.
        path: PathBuf,
        /// The largest size accepted, in bytes.
        limit: u64,
        /// The format expected (`recipe`, ...).
        format: &'static str,
    },
}

/// What a file that is not a regular file is, for messages: "a FIFO (named pipe)", "a device"...
pub fn describe(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// Reads `path` (named by `flag` in messages), at most `limit` bytes of a `format`.
pub fn read_file(
    path: &Path,
    flag: &str,
    limit: u64,
    format: &'static str,
) -> Result<Vec<u8>, InputError> {
    let unreadable = |e: std::io::Error| InputError::Unreadable {
        flag: flag.to_string(),
        path: path.to_path_buf(),
        reason: e.kind().to_string(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.file_type().is_file() {
        return Err(InputError::NotAFile {
            flag: flag.to_string(),
            path: path.to_path_buf(),
            what: describe(&meta.file_type()),
        });
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        // Never block in open(): a file swapped for a FIFO after the check fails instead.
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc_nonblock());
    }
    let file = opts.open(path).map_err(unreadable)?;
    let ft = file.metadata().map_err(unreadable)?.file_type();
    if !ft.is_file() {
        return Err(InputError::NotAFile {
            flag: flag.to_string(),
            path: path.to_path_buf(),
            what: describe(&ft),
        });
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            flag: flag.to_string(),
            path: path.to_path_buf(),
            limit,
            format,
        });
    }
    Ok(bytes)
}

/// `O_NONBLOCK` on Linux and the BSDs (the value differs; std does not export it).
#[cfg(unix)]
fn libc_nonblock() -> i32 {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        0o4000
    } else {
        0x0004
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_special_files_and_bounds_reads() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_file(dir.path(), "--config", 10, "preset file").unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        #[cfg(unix)]
        {
            let e = read_file(Path::new("/dev/zero"), "--config", 10, "preset file").unwrap_err();
            assert!(e.to_string().contains("a device"), "{e}");
        }
        let f = dir.path().join("big.atr");
        std::fs::write(&f, vec![b'#'; 11]).unwrap();
        let e = read_file(&f, "--config", 10, "preset file").unwrap_err();
        assert!(e.to_string().contains("larger than 10 bytes"), "{e}");
        assert_eq!(read_file(&f, "--config", 11, "x").unwrap().len(), 11);
    }
}
