//! The files a headless render owns besides its outputs: its checkpoints (and which of them it
//! made, so it removes only those); and every file it reads and writes, checked against each
//! other before any work ([`roles`]).

use crate::checkpoint;
use crate::cli::RenderArgs;
use crate::engine::Snapshot;
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output::{Roles, is_stdio};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The files a headless render reads (`--config`, `--from`, `--resume`) and writes (`--png`,
/// `--hist` and the recipe beside it, `--exr`, and the checkpoint files of a fresh run).
pub fn roles(r: &RenderArgs) -> Roles {
    let mut roles = Roles::new();
    let recipe = r
        .hist
        .as_deref()
        .filter(|p| !is_stdio(p))
        .map(crate::recipe::sidecar_path);
    roles
        .input("--config", r.config.as_deref())
        .input("--from", r.from.as_deref())
        .input("--resume", r.resume.as_deref())
        .output("--png", r.png.as_deref())
        .output("--hist", r.hist.as_deref())
        .derived(
            "the recipe beside --hist",
            recipe.as_deref(),
            "give --hist another name",
        )
        .output("--exr", r.exr.as_deref());
    // A resumed run writes its checkpoint over the one it reads, by design.
    if r.checkpoint > 0
        && r.resume.is_none()
        && let Some((flag, first)) = first_file_output(r)
    {
        let way_out = format!("give {flag} another name, or give --checkpoint 0");
        for f in checkpoint::files_of(&checkpoint::sidecar_path(first)) {
            roles.derived("the checkpoint file", Some(&f), &way_out);
        }
    }
    roles
}

/// The output a render's checkpoints are named after, and its flag: `--hist`, else `--png`, else
/// `--exr` (standard output left out).
pub fn first_file_output(r: &RenderArgs) -> Option<(&'static str, &Path)> {
    [("--hist", &r.hist), ("--png", &r.png), ("--exr", &r.exr)]
        .into_iter()
        .find_map(|(flag, p)| p.as_deref().filter(|p| !is_stdio(p)).map(|p| (flag, p)))
}

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
