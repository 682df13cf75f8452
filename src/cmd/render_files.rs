//! The files a headless render owns besides its outputs: its checkpoints (and which of them it
//! made, so it removes only those); and every file it reads and writes, checked against each
//! other before any work ([`roles`]).

use crate::checkpoint;
use crate::checkpoint::Checkpoint;
use crate::cli::RenderArgs;
use crate::engine::Snapshot;
use crate::histogram::Histogram;
use crate::job::Job;
use crate::output::{Lock, Roles, is_stdio, same_file};
use crate::shard::Shard;
use anyhow::{Result, anyhow, bail};
use std::io::IsTerminal;
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

/// The checkpoint sidecar: `--resume`'s, or beside the first output that is a file (when every
/// output goes to standard output, beside PRESET.png in the current directory). Each output file
/// is locked as it is prepared; when none is a file, the name the checkpoints are made after is
/// locked instead (one render per checkpoint at a time). No output may be a checkpoint file.
pub fn checkpoint_place(r: &RenderArgs, job: &Job) -> Result<(PathBuf, Option<Lock>)> {
    let first_output = first_file_output(r)
        .map(|(_, p)| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from(format!("{}.png", file_stem_of(&job.preset.name))));
    let lock = first_file_output(r)
        .is_none()
        .then(|| {
            let shown = first_output.display().to_string();
            Lock::take(&first_output, "the checkpoint of", &shown)
        })
        .transpose()?;
    let sidecar = r
        .resume
        .clone()
        .unwrap_or_else(|| checkpoint::sidecar_path(&first_output));
    for out in [&r.png, &r.hist]
        .into_iter()
        .flatten()
        .filter(|p| !is_stdio(p))
    {
        if checkpoint::files_of(&sidecar)
            .iter()
            .any(|f| same_file(f, out))
        {
            bail!(
                "{}: is a file of the checkpoint {}; write the output under another name",
                out.display(),
                sidecar.display()
            );
        }
    }
    Ok((sidecar, lock))
}

/// The checkpoint `--resume` continues, checked against this job; none for a fresh run, which
/// is refused where a stopped render's checkpoint (or a stray counts file) would be overwritten.
pub fn prior_checkpoint(
    r: &RenderArgs,
    job: &Job,
    target: u64,
    sidecar: &Path,
) -> Result<Option<Checkpoint>> {
    if let Some(path) = &r.resume {
        let c = checkpoint::load(path)?;
        checkpoint::check_matches(&c, job, target, path)?;
        return Ok(Some(c));
    }
    if r.checkpoint > 0 && sidecar.exists() {
        bail!(
            "checkpoint {} exists from a stopped render: continue it with --resume {}, or delete it to start over",
            sidecar.display(),
            sidecar.display()
        );
    }
    // A counts file without its sidecar (left by hand or by another program): a fresh run would
    // overwrite it with its second checkpoint and then delete it.
    if r.checkpoint > 0
        && let Some(stray) = checkpoint::files_of(sidecar)[1..]
            .iter()
            .find(|f| f.exists())
    {
        bail!(
            "{} exists but is not this run's (no checkpoint {} names it); move or delete it, write the output under another name, or give --checkpoint 0",
            stray.display(),
            sidecar.display()
        );
    }
    Ok(None)
}

/// Sets `job` to render what the checkpoint `c` left of `target` points.
pub fn resume(job: &mut Job, c: &Checkpoint, shard: Option<Shard>, target: u64, quiet: bool) {
    job.iters = target - c.meta.done;
    // A resumed shard's orbits are keyed by the shard too, so no two shards repeat them.
    job.segment = match shard {
        Some(s) => c
            .meta
            .segments
            .saturating_mul(s.count)
            .saturating_add(s.index),
        None => c.meta.segments,
    };
    job.exact_state = c.meta.exact_state;
    if !quiet {
        eprintln!(
            "resuming: {} of {} points done in {} earlier run(s)",
            c.meta.done, target, c.meta.segments
        );
    }
}

/// Where this run's checkpoints go and what they add to.
pub fn checkpoints(
    r: &RenderArgs,
    prior: Option<Checkpoint>,
    sidecar: PathBuf,
    target: u64,
) -> Checkpoints {
    let show_bar = !r.quiet && std::io::stderr().is_terminal();
    Checkpoints {
        every: (r.checkpoint > 0).then(|| Duration::from_secs(r.checkpoint)),
        segments: prior.as_ref().map_or(0, |c| c.meta.segments),
        owned: if prior.is_some() {
            checkpoint::files_of(&sidecar).to_vec()
        } else {
            Vec::new()
        },
        prior: prior.map(|c| c.hist),
        sidecar,
        target,
        wrote: false,
        verbose: !r.quiet && !show_bar,
    }
}

/// The `--shard` of this render, checked: it needs the sampled mode and a `--hist` file, and no
/// more shards than the job has orbits.
pub fn check_shard(r: &RenderArgs, job: &Job) -> Result<Option<Shard>> {
    let Some(s) = r.shard else {
        return Ok(None);
    };
    s.check_job(job).map_err(|e| anyhow!("--shard {e}"))?;
    match &r.hist {
        Some(p) if !is_stdio(p) => {}
        _ => bail!(
            "--shard {s}: a shard's counts go to --hist FILE.npy (its recipe beside it says which shard) for `attractors merge`; add --hist FILE.npy"
        ),
    }
    Ok(Some(s))
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
