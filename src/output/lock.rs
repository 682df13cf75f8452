//! One writer per output file, across processes. Every output is locked from the moment it is
//! prepared (before any work) until it is in place or given up: a second command (this program,
//! any command) that would write the same file meanwhile is refused, naming it.
//!
//! The lock is an advisory `flock`-style lock ([`std::fs::File::try_lock`]) on a small lock file
//! beside the file it guards (`.NAME.lock`, in the directory of the file a link leads to): the
//! kernel releases it when its holder ends in any way, so a killed run never leaves a stale
//! lock. The lock file itself is removed on release; a run that takes a lock checks that the
//! file it locked is still the one at that name (one removed meanwhile is retried), so two runs
//! can never both hold the lock of one output.

use anyhow::{Result, bail};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock on one output; released (and its lock file removed) when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    file: Option<File>,
}

/// How long an append waits for another append to the same file.
pub const APPEND_WAIT: Duration = Duration::from_secs(30);

/// Longest file name given its own readable lock name (`.NAME.lock`); longer ones get a hash.
const READABLE_NAME: usize = 200;

impl Lock {
    /// Takes the lock of `target` (the file as written: links already followed), refused at once
    /// when another run holds it. `flag` and `shown` name the output in messages.
    pub fn take(target: &Path, flag: &str, shown: &str) -> Result<Lock> {
        Lock::take_within(target, flag, shown, Duration::ZERO)
    }

    /// [`Lock::take`], waiting up to `wait` for another holder to let go (an append queues
    /// behind another append).
    pub fn take_within(target: &Path, flag: &str, shown: &str, wait: Duration) -> Result<Lock> {
        let path = lock_path(target);
        let start = Instant::now();
        loop {
            match try_once(&path) {
                Ok(Some(file)) => {
                    crate::signals::register_temp(path.clone());
                    return Ok(Lock {
                        path,
                        file: Some(file),
                    });
                }
                Ok(None) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => bail!(
                    "{flag} {shown}: another run is writing it (it holds {}); wait for that run to finish, or choose another name",
                    path.display()
                ),
                Err(e) => bail!(
                    "{flag} {shown}: cannot make its lock file {} ({e}); choose a writable directory",
                    path.display()
                ),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held: whoever opens the name next makes a new file and locks that.
        let _ = std::fs::remove_file(&self.path);
        crate::signals::forget_temp(&self.path);
        drop(self.file.take());
    }
}

/// The lock file of `target`: `.NAME.lock` beside it (`.attractors-HASH.lock` for a long name).
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default();
    let file = if name.len() <= READABLE_NAME {
        let mut f = std::ffi::OsString::from(".");
        f.push(name);
        f.push(".lock");
        f
    } else {
        format!(".attractors-{:016x}.lock", fnv1a(name.as_encoded_bytes())).into()
    };
    target.with_file_name(file)
}

/// One try: the locked file (still the one at `path`), `None` when another run holds it.
fn try_once(path: &Path) -> std::io::Result<Option<File>> {
    for _ in 0..100 {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        // The holder before us may have removed the name after we opened it: that file is
        // nobody's lock any more; try again with the file now at the name.
        if same_inode(&file, path) {
            return Ok(Some(file));
        }
    }
    Ok(None)
}

#[cfg(unix)]
fn same_inode(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_: &File, path: &Path) -> bool {
    path.exists()
}

/// FNV-1a, 64 bits: a stable short name for a long file name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a.png");
        let first = Lock::take(&out, "--png", "a.png").unwrap();
        assert!(dir.path().join(".a.png.lock").is_file());
        let e = Lock::take(&out, "--png", "a.png").unwrap_err().to_string();
        assert!(
            e.starts_with("--png a.png: another run is writing it"),
            "{e}"
        );
        drop(first);
        assert!(!dir.path().join(".a.png.lock").exists());
        let again = Lock::take(&out, "--png", "a.png").unwrap();
        drop(again);
        let long = dir.path().join("x".repeat(240));
        let l = Lock::take(&long, "--png", "long").unwrap();
        assert!(lock_path(&long).to_string_lossy().ends_with(".lock"));
        assert!(lock_path(&long).file_name().unwrap().len() < 40);
        drop(l);
    }
}
