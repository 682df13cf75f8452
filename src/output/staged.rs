//! Outputs written but not yet in place, and the all-or-nothing commit of a command's outputs.
//!
//! A [`Staged`] output is a complete, synced temporary file beside its destination (or the bytes
//! bound for standard output). A [`Batch`] holds every output of one command: [`Batch::commit`]
//! runs only after each of them was written, and renames them into place one after another (a
//! rename in the same directory needs no space and does not fail for lack of it). When any write
//! fails, the command returns before the commit: every temporary file is removed when its
//! [`Staged`] is dropped, and every file that was there before is untouched.
//!
//! A write that fails because the disk is full says so, with the way out ([`io_failure`]).

use anyhow::{Result, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output written to its temporary file (or held for standard output), not yet in place.
#[must_use = "a staged output reaches its path only when committed (Staged::commit or a Batch)"]
pub struct Staged {
    /// The path as given, or "standard output" (for messages).
    shown: String,
    flag: String,
    dest: Dest,
    /// The output's lock, held until this output is in place or given up.
    _lock: Option<super::Lock>,
}

enum Dest {
    /// The temporary file (removed when dropped) and the file it replaces.
    File {
        temp: Option<tempfile::TempPath>,
        target: PathBuf,
        keep_existing: bool,
    },
    Stdout(Vec<u8>),
}

impl Staged {
    pub(super) fn file(
        shown: String,
        flag: String,
        temp: tempfile::TempPath,
        target: PathBuf,
        keep_existing: bool,
        lock: Option<super::Lock>,
    ) -> Staged {
        Staged {
            shown,
            flag,
            dest: Dest::File {
                temp: Some(temp),
                target,
                keep_existing,
            },
            _lock: lock,
        }
    }

    pub(super) fn stdout(bytes: Vec<u8>) -> Staged {
        Staged {
            shown: "standard output".into(),
            flag: String::new(),
            dest: Dest::Stdout(bytes),
            _lock: None,
        }
    }

    /// The path as given, or "standard output".
    pub fn describe(&self) -> &str {
        &self.shown
    }

    /// Puts this one output in place (a [`Batch`] of one).
    pub fn commit(self) -> Result<()> {
        let mut batch = Batch::new();
        batch.push(self);
        batch.commit().map(|_| ())
    }

    /// Renames the temporary file into place, or writes the bytes to standard output.
    fn put_in_place(&mut self) -> Result<()> {
        match &mut self.dest {
            Dest::Stdout(bytes) => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(super::stdout::failed)
            }
            Dest::File {
                temp,
                target,
                keep_existing,
            } => {
                let t = temp.take().expect("put in place once");
                let temp_path = t.to_path_buf();
                let result = if *keep_existing {
                    t.persist_noclobber(&*target)
                } else {
                    t.persist(&*target)
                };
                crate::signals::forget_temp(&temp_path);
                match result {
                    Ok(()) => Ok(()),
                    Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(anyhow!(
                        "{} {}: appeared while this run was writing it; it was left alone: give {} explicitly to replace it, or another name",
                        self.flag,
                        self.shown,
                        self.flag
                    )),
                    // Dropping the returned TempPath removes the temporary file.
                    Err(e) => Err(io_failure(&self.flag, &self.shown, &e.error)),
                }
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Not committed: the temporary file goes (TempPath removes it when dropped).
        if let Dest::File { temp: Some(t), .. } = &mut self.dest {
            crate::signals::forget_temp(t);
        }
    }
}

/// The outputs of one command, put in place together once all of them are written.
#[derive(Default)]
#[must_use = "the outputs of a batch reach their paths only when it is committed"]
pub struct Batch {
    staged: Vec<Staged>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Adds a written output.
    pub fn push(&mut self, s: Staged) {
        self.staged.push(s);
    }

    /// Puts every output in place (standard output first: its write is the one that can fail
    /// after the files are done, so it goes before any file is replaced); returns their names.
    pub fn commit(mut self) -> Result<Vec<String>> {
        self.staged
            .sort_by_key(|s| !matches!(s.dest, Dest::Stdout(_)));
        let mut names = Vec::new();
        for s in &mut self.staged {
            s.put_in_place()?;
            names.push(s.shown.clone());
        }
        Ok(names)
    }
}

/// The message of an I/O error on output `shown` (given with `flag`): a full disk or quota says
/// so and how to get out of it; anything else as it is.
pub fn io_failure(flag: &str, shown: &str, e: &std::io::Error) -> anyhow::Error {
    if is_full(e) {
        anyhow!(
            "{flag} {shown}: the disk is full ({e}); no file was replaced: free some space or write elsewhere"
        )
    } else {
        anyhow!("{flag} {shown}: {e}")
    }
}

/// Whether `e` says the disk or the quota is full.
pub fn is_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{QuotaExceeded, StorageFull};
    matches!(e.kind(), StorageFull | QuotaExceeded)
}

/// A writer that remembers the first "disk full" error it passed on, so that a failure deep in
/// an encoder (which may wrap or reword the I/O error) is still reported as a full disk.
pub(crate) struct Watch<W> {
    inner: W,
    pub full: Option<std::io::Error>,
    /// The `ATTRACTORS_TEST_DISK_FULL` hook: bytes left before the disk "fills".
    room: Option<u64>,
}

impl<W: Write> Watch<W> {
    /// Watches `inner`, the writer of the file at `target`.
    pub fn new(inner: W, target: &Path) -> Watch<W> {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned());
        let room = crate::testing::disk_full_for()
            .filter(|full| name.as_deref() == Some(full))
            .map(|_| crate::testing::DISK_FULL_AFTER);
        Watch {
            inner,
            full: None,
            room,
        }
    }

    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r
            && is_full(e)
            && self.full.is_none()
        {
            self.full = Some(std::io::Error::new(e.kind(), e.to_string()));
        }
        r
    }
}

impl<W: Write> Write for Watch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = match &mut self.room {
            Some(0) if !buf.is_empty() => Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device (ATTRACTORS_TEST_DISK_FULL)",
            )),
            Some(room) => {
                let n = (buf.len() as u64).min(*room) as usize;
                let r = self.inner.write(&buf[..n]);
                if let Ok(k) = &r {
                    *room -= *k as u64;
                }
                r
            }
            None => self.inner.write(buf),
        };
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}
