//! PNG and `.npy` writers. Every output is written to a temporary file in the target directory
//! and renamed into place, so an interrupted or failed run never leaves a truncated file and never
//! damages a file that was already there.
//!
//! [`OutputFile::prepare`] runs before any rendering: it checks the path (extension, directory
//! exists, nothing there but a writable regular file: a device, FIFO, socket or directory is
//! refused without being opened), locks the output against every other writer ([`lock`]: a
//! second command writing the same file is refused while this one holds it) and creates the
//! temporary file, so a long render cannot fail at the very end because of a typo in a path.
//! The lock is held until the output is in place or given up.
//!
//! Writing an [`OutputFile`] gives a [`Staged`] output: complete and synced in its temporary file,
//! not yet in place. A command with several outputs gathers them in a [`Batch`], which renames
//! them into place only once every one of them was written ([`staged`]).
//!
//! An output path that is a symbolic link is written through the link: the file it points to is
//! replaced (by a temporary file made in that file's directory), the link stays ([`paths`]).
//!
//! [`OutputFile::prepare_or_stdout`] also accepts `-`: standard output. The encoded bytes are
//! built in memory and written to standard output at the end, in one piece; standard output must
//! not be a terminal, and only one output of a run can go there.

mod encode;
mod exr;
pub mod lock;
mod paths;
mod place;
mod staged;
pub mod stdout;
pub use crate::npy::read_counts as read_npy_counts;
pub use encode::{
    PngLayout, PngText, RECIPE_KEYWORD, encode_png, encode_png_rows, png_has_text_chunk,
    read_png_text,
};
pub use exr::{RECIPE_ATTRIBUTE, pixel_linear, read_exr_recipe, srgb_to_linear, write_exr};
pub use lock::Lock;
pub use paths::{Roles, follow_links, same_file};
use place::Place;
pub use place::refuse_special;
pub use staged::{Batch, Staged};
pub(crate) use staged::{Watch, io_failure};

use crate::histogram::Histogram;
use anyhow::{Context, Result, bail};
use npyz::WriterBuilder;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A PNG picture (with its recipe in a text chunk).
    Png,
    /// NumPy counts (`--hist`).
    Npy,
    /// A CSV table (`bench --csv`).
    Csv,
    /// An SVG figure (`bench --plot`).
    Svg,
    /// A JSON document (sidecars, recipes).
    Json,
    /// A preset file (any name; written by "save preset" and `search --atr`).
    Atr,
    /// An OpenEXR picture (float density).
    Exr,
}

impl Kind {
    fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Npy => "npy",
            Kind::Csv => "csv",
            Kind::Svg => "svg",
            Kind::Json => "json",
            Kind::Atr => "atr",
            Kind::Exr => "exr",
        }
    }
    fn flag(self) -> &'static str {
        match self {
            Kind::Png => "--png",
            Kind::Npy => "--hist",
            Kind::Csv => "--csv",
            Kind::Svg => "--plot",
            Kind::Json => "--checkpoint",
            Kind::Atr => "--config",
            Kind::Exr => "--exr",
        }
    }
}

/// An output path, checked and with its temporary file already created beside it (or standard
/// output, whose path is `-`).
pub struct OutputFile {
    /// The final path (`-` for standard output).
    pub path: PathBuf,
    kind: Kind,
    /// The flag that named it, for messages.
    flag: String,
    /// The file that is replaced: `path`, or where the symbolic link at `path` leads.
    target: PathBuf,
    /// Never replace a file there (a default name, which the user did not type).
    keep_existing: bool,
    /// `None`: standard output.
    temp: Option<tempfile::NamedTempFile>,
    /// Held from the checks until the output is in place or given up (`None`: standard output).
    lock: Option<Lock>,
}

/// Set once an output of this process has claimed standard output.
static STDOUT_CLAIMED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True when `path` is `-`, the conventional name of standard input or output.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

impl OutputFile {
    /// [`OutputFile::prepare_for`], where `-` means standard output: refused when standard output
    /// is a terminal (binary data would garble it) or already taken by another output.
    pub fn prepare_or_stdout(path: &Path, kind: Kind, flag: &str) -> Result<OutputFile> {
        if !is_stdio(path) {
            return Self::prepare_for(path, kind, flag);
        }
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            let pipe = match kind {
                Kind::Png => "`| convert - out.jpg`",
                Kind::Npy => "`| attractors shade - --png out.png`",
                _ => "`| less`",
            };
            bail!(
                "{flag} -: standard output is a terminal; pipe it ({pipe}) or redirect it (`> out.{}`), or give a file name",
                kind.extension()
            );
        }
        if STDOUT_CLAIMED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            bail!(
                "{flag} -: another output already goes to standard output; give this one a file name"
            );
        }
        Ok(OutputFile {
            path: path.to_path_buf(),
            kind,
            flag: flag.to_string(),
            target: path.to_path_buf(),
            keep_existing: false,
            temp: None,
            lock: None,
        })
    }

    /// True when this output is standard output.
    pub fn is_stdout(&self) -> bool {
        self.temp.is_none()
    }

    /// The path, or "standard output", for messages.
    pub fn describe(&self) -> String {
        if self.is_stdout() {
            "standard output".into()
        } else {
            self.path.display().to_string()
        }
    }

    /// Checks `path` and creates the temporary file that will become it.
    pub fn prepare(path: &Path, kind: Kind) -> Result<OutputFile> {
        Self::prepare_for(path, kind, kind.flag())
    }

    /// [`OutputFile::prepare`] with the flag named in messages given: the path is checked, the
    /// output locked against other writers ([`Lock`]) and its temporary file made.
    pub fn prepare_for(path: &Path, kind: Kind, flag: &str) -> Result<OutputFile> {
        Self::prepare_with(path, kind, flag, std::time::Duration::ZERO)
    }

    /// [`OutputFile::prepare_for`] for a file that is read, added to and written back (a preset
    /// file appended to): waits a while for another append to the same file to finish
    /// ([`lock::APPEND_WAIT`]) instead of being refused at once. Read the file after this.
    pub fn prepare_append(path: &Path, kind: Kind, flag: &str) -> Result<OutputFile> {
        Self::prepare_with(path, kind, flag, lock::APPEND_WAIT)
    }

    fn prepare_with(
        path: &Path,
        kind: Kind,
        flag: &str,
        wait: std::time::Duration,
    ) -> Result<OutputFile> {
        let place = Place::check(path, kind, flag)?;
        let lock = Lock::take_within(&place.target, flag, &place.shown, wait)?;
        let temp = place.temp_file(flag)?;
        crate::signals::register_temp(temp.path().to_path_buf());
        Ok(OutputFile {
            path: path.to_path_buf(),
            kind,
            flag: flag.to_string(),
            target: place.target,
            keep_existing: false,
            temp: Some(temp),
            lock: Some(lock),
        })
    }

    /// Checks that `path` can take a `kind` output named by `flag`, as [`OutputFile::prepare_for`]
    /// does, for a file that other code writes later (an `.atr` file appended to); nothing is
    /// left and nothing is locked.
    pub fn check_for(path: &Path, kind: Kind, flag: &str) -> Result<()> {
        Place::check(path, kind, flag).map(|_| ())
    }

    /// This output, put in place only where no file is (a name the user did not type must not
    /// replace one): a file that appears there meanwhile is kept and the commit fails.
    pub fn keep_existing(mut self) -> OutputFile {
        self.keep_existing = true;
        self
    }

    /// The temporary file, for a program that writes the output itself (ffmpeg); `None` for
    /// standard output.
    pub fn temp_path(&self) -> Option<&Path> {
        self.temp.as_ref().map(|t| t.path())
    }

    /// Stages the temporary file as another program left it ([`OutputFile::temp_path`]).
    pub fn stage_as_written(self) -> Result<Staged> {
        self.finish(|_| Ok(()))
    }

    /// Writes bytes as they are (CSV, SVG, an encoded PNG).
    pub fn write_bytes(self, bytes: &[u8]) -> Result<Staged> {
        self.finish(|w| Ok(w.write_all(bytes)?))
    }

    /// Writes whatever `body` streams into the file (a PNG encoded row by row).
    pub fn write_stream(self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
        self.finish(body)
    }

    /// Writes RGBA8 pixels as PNG (RGB when every pixel is opaque) with `text` (the recipe).
    pub fn write_png(self, rgba: &[u8], width: u32, height: u32, text: &PngText) -> Result<Staged> {
        assert_eq!(self.kind, Kind::Png);
        let path = self.path.clone();
        self.finish(|w| {
            encode_png(rgba, width, height, text, w)
                .with_context(|| format!("encoding {}", path.display()))
        })
    }

    /// Writes a PNG whose rows `row(y, line)` produces (streamed: no whole-picture buffer) with
    /// `text`.
    pub fn write_png_rows(
        self,
        layout: PngLayout,
        text: &PngText,
        row: impl FnMut(u32, &mut Vec<u8>) -> Result<()>,
    ) -> Result<Staged> {
        assert_eq!(self.kind, Kind::Png);
        let path = self.path.clone();
        self.finish(|w| {
            encode_png_rows(w, layout, text, row)
                .with_context(|| format!("encoding {}", path.display()))
        })
    }

    /// Writes the counts as a NumPy array of shape (height, width), row 0 = top: uint32 when every
    /// count fits, else uint64.
    pub fn write_npy(self, hist: &Histogram) -> Result<Staged> {
        assert_eq!(self.kind, Kind::Npy);
        let shape = [hist.height as u64, hist.width as u64];
        self.finish(|w| {
            if hist.max() <= u32::MAX as u64 {
                let mut npy = npyz::WriteOptions::<u32>::new()
                    .default_dtype()
                    .shape(&shape)
                    .writer(w)
                    .begin_nd()?;
                npy.extend(hist.counts.iter().map(|&c| c as u32))?;
                npy.finish()?;
            } else {
                let mut npy = npyz::WriteOptions::<u64>::new()
                    .default_dtype()
                    .shape(&shape)
                    .writer(w)
                    .begin_nd()?;
                npy.extend(hist.counts.iter().copied())?;
                npy.finish()?;
            }
            Ok(())
        })
    }

    /// Runs `body` into the temporary file and syncs it: the output, staged.
    fn finish(self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
        let Some(temp) = self.temp else {
            let mut buf = Vec::new();
            body(&mut buf).context("encoding the output for standard output")?;
            return Ok(Staged::stdout(buf));
        };
        let shown = self.path.display().to_string();
        let write = || -> Result<()> {
            let mut watch = staged::Watch::new(BufWriter::new(temp.as_file()), &self.path);
            let written = body(&mut watch).and_then(|_| Ok(watch.flush()?));
            if let Some(full) = watch.full.take() {
                return Err(staged::io_failure(&self.flag, &shown, &full));
            }
            written.with_context(|| format!("writing {shown}"))?;
            drop(watch);
            temp.as_file()
                .sync_all()
                .map_err(|e| staged::io_failure(&self.flag, &shown, &e))
        };
        if let Err(e) = write() {
            // The temporary file is removed as `temp` drops.
            crate::signals::forget_temp(temp.path());
            return Err(e);
        }
        Ok(Staged::file(
            shown,
            self.flag,
            temp.into_temp_path(),
            self.target,
            self.keep_existing,
            self.lock,
        ))
    }
}
