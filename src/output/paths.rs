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

/// The files one command reads and writes, checked against each other before any work: no
/// output may be one of the inputs (the run would destroy what it reads) or another output.
/// Paths are compared as the files they lead to: links followed, directories canonicalised, and
/// an existing file by its device and inode (so a hard link is caught too).
#[derive(Default)]
pub struct Roles {
    inputs: Vec<Role>,
    outputs: Vec<Role>,
}

struct Role {
    /// `--config`, or `the recipe beside --hist` for a file named after another.
    label: String,
    path: PathBuf,
    /// How to get out of a clash: `give --png another name`.
    way_out: String,
}

impl Roles {
    /// No paths declared yet.
    pub fn new() -> Roles {
        Roles::default()
    }

    /// A file the command reads, named by `flag` (`-` and `None` are left out).
    pub fn input(&mut self, flag: &str, path: Option<&Path>) -> &mut Roles {
        if let Some(p) = path.filter(|p| !super::is_stdio(p)) {
            self.inputs.push(Role {
                label: flag.to_string(),
                path: p.to_path_buf(),
                way_out: String::new(),
            });
        }
        self
    }

    /// A file the command writes, named by `flag` (`-` and `None` are left out).
    pub fn output(&mut self, flag: &str, path: Option<&Path>) -> &mut Roles {
        self.derived(flag, path, &format!("give {flag} another name"))
    }

    /// A file the command writes that the user did not name as such (a recipe beside a `.npy`, a
    /// checkpoint, a default name), described as `label`; `way_out` says how to avoid a clash.
    pub fn derived(&mut self, label: &str, path: Option<&Path>, way_out: &str) -> &mut Roles {
        if let Some(p) = path.filter(|p| !super::is_stdio(p)) {
            self.outputs.push(Role {
                label: label.to_string(),
                path: p.to_path_buf(),
                way_out: way_out.to_string(),
            });
        }
        self
    }

    /// Refuses an output that is an input or an earlier output, naming both and the way out.
    /// Linear in the number of files (an animation's frames are outputs too).
    pub fn check(&self) -> anyhow::Result<()> {
        let mut inputs = Seen::default();
        for (k, i) in self.inputs.iter().enumerate() {
            inputs.add(Place::of(&i.path), k);
        }
        let places: Vec<Place> = self.outputs.iter().map(|o| Place::of(&o.path)).collect();
        for (o, place) in self.outputs.iter().zip(&places) {
            if let Some(i) = inputs.find(place) {
                let i = &self.inputs[i];
                anyhow::bail!(
                    "{} {}: is the same file as {} {}, which this run reads; {}",
                    o.label,
                    o.path.display(),
                    i.label,
                    i.path.display(),
                    o.way_out
                );
            }
        }
        let mut outputs = Seen::default();
        for (k, (o, place)) in self.outputs.iter().zip(places).enumerate() {
            if let Some(e) = outputs.find(&place) {
                let e = &self.outputs[e];
                anyhow::bail!(
                    "{} {}: is the same file as {} {}; {}",
                    o.label,
                    o.path.display(),
                    e.label,
                    e.path.display(),
                    o.way_out
                );
            }
            outputs.add(place, k);
        }
        Ok(())
    }
}

/// The places seen so far, by path and by file identity, with the index of the first of each.
#[derive(Default)]
struct Seen {
    paths: std::collections::HashMap<PathBuf, usize>,
    ids: std::collections::HashMap<(u64, u64), usize>,
}

impl Seen {
    fn add(&mut self, p: Place, k: usize) {
        if let Some(id) = p.id {
            self.ids.entry(id).or_insert(k);
        }
        self.paths.entry(p.path).or_insert(k);
    }

    fn find(&self, p: &Place) -> Option<usize> {
        let by_id = p.id.and_then(|id| self.ids.get(&id));
        by_id.or_else(|| self.paths.get(&p.path)).copied()
    }
}

/// Whether `a` and `b` are the same file (as [`Roles::check`] compares them).
pub fn same_file(a: &Path, b: &Path) -> bool {
    Place::of(a).is(&Place::of(b))
}

/// Where a path leads, for comparing.
struct Place {
    /// The file after links, in its canonical directory.
    path: PathBuf,
    /// Device and inode, when the file exists.
    id: Option<(u64, u64)>,
}

impl Place {
    fn of(p: &Path) -> Place {
        let target = follow_links(p).unwrap_or_else(|_| p.to_path_buf());
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = target.file_name().unwrap_or_default();
        let path = match dir.canonicalize() {
            Ok(d) => d.join(name),
            Err(_) => std::path::absolute(&target).unwrap_or(target.clone()),
        };
        Place {
            path,
            id: file_id(&target),
        }
    }

    fn is(&self, other: &Place) -> bool {
        self.path == other.path || (self.id.is_some() && self.id == other.id)
    }
}

#[cfg(unix)]
fn file_id(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}
