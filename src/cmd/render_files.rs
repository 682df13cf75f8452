//! The files a headless render owns besides its outputs: its checkpoints (and which of them it
//! made, so it removes only those) and the lock on its output.

use crate::checkpoint;
use crate::engine::Snapshot;
use crate::histogram::Histogram;
use crate::job::Job;
use crate::signals;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where checkpoints go, what they add to, and which files this run made.
pub struct Checkpoints {
    pub sidecar: PathBuf,
    pub every: Option<Duration>,
    /// Counts of the earlier segments (resumed renders).
    pub prior: Option<Histogram>,
    pub segments: u32,
    pub target: u64,
    /// Files this run created or took over (a resumed checkpoint's); only these are removed.
    pub owned: Vec<PathBuf>,
    pub wrote: bool,
    /// Print a line per checkpoint (not while the progress bar is drawn).
    pub verbose: bool,
}

impl Checkpoints {
    /// Earlier counts plus this run's.
    pub fn with_prior(&self, h: &Histogram) -> Histogram {
        let mut total = h.clone();
        if let Some(p) = &self.prior {
            total.merge(p);
        }
        total
    }

    pub fn write(&mut self, job: &Job, snap: &Snapshot) {
        let total = self.with_prior(&snap.hist);
        match checkpoint::write(
            &self.sidecar,
            job,
            self.target,
            &total,
            self.segments + 1,
            snap.exact_state,
        ) {
            Ok(files) => {
                self.wrote = true;
                for f in files {
                    if !self.owned.contains(&f) {
                        self.owned.push(f);
                    }
                }
                if self.verbose {
                    eprintln!(
                        "checkpoint: {} points in {}",
                        total.tally.total(),
                        self.sidecar.display()
                    );
                }
            }
            // Rendering goes on; the last good checkpoint is still in place.
            Err(e) => eprintln!(
                "warning: could not write a checkpoint ({e:#}); the previous one is intact"
            ),
        }
    }

    /// Removes the files this run made or continued (never a file it did not create).
    pub fn remove(&self) {
        for f in &self.owned {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// `OUTPUT.lock` next to the first output, made with `create_new` so that two renders to the same
/// output cannot both run (they would overwrite each other's checkpoints and outputs). Removed
/// when dropped (every return, error or panic) and by a second signal (it is registered as a
/// temporary file).
pub struct OutputLock(PathBuf);

impl OutputLock {
    pub fn take(output: &Path) -> Result<OutputLock> {
        let mut name = output.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        let path = output.with_file_name(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                use std::io::Write as _;
                let _ = writeln!(f, "{}", std::process::id());
                signals::register_temp(path.clone());
                Ok(OutputLock(path))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "{}: locked by {}: another render is writing it; wait for that one, or, if none is running (it was killed), delete {}",
                output.display(),
                path.display(),
                path.display()
            ),
            Err(e) => bail!(
                "{}: cannot create the lock file {} ({e}); choose a writable directory",
                output.display(),
                path.display()
            ),
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        signals::forget_temp(&self.0);
    }
}

pub fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| {
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        dir.canonicalize()
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    a == b || (canon(a).is_some() && canon(a) == canon(b))
}

/// A preset name as a file name: letters, digits, `_` and `-` kept, anything else `_`.
pub fn file_stem_of(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "attractors".into()
    } else {
        stem
    }
}
