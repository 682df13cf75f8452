//! Where an animation's frames go: an animated GIF, an APNG, or a video through `ffmpeg`. Each is
//! written to a temporary file beside its name and staged when the last frame is in; the command
//! puts all of them in place together once every one is written, so a stopped or failed animation
//! never leaves a half-written file under the final name, nor replaces one file of a set and not
//! the others. (Numbered PNG frames are written one by one by the command, each atomically.)

use super::rate;
use crate::output::{Kind, OutputFile, Staged};
use anyhow::{Context, Result, anyhow, bail};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// One frame in, in order.
pub trait Sink: Send {
    fn frame(&mut self, rgba: &[u8]) -> Result<()>;
    /// Finishes the file, staged for the command to put in place.
    fn finish(self: Box<Self>) -> Result<Staged>;
    fn path(&self) -> &Path;
}

/// Checks that `path` can take a `flag` output with one of `extensions`.
fn check_extension(path: &Path, flag: &str, extensions: &[&str]) -> Result<()> {
    let ok = path.extension().is_some_and(|e| {
        extensions
            .iter()
            .any(|x| e.to_string_lossy().eq_ignore_ascii_case(x))
    });
    if !ok {
        bail!(
            "{flag} {}: expected a file name ending in .{}",
            path.display(),
            extensions.join(" or .")
        );
    }
    Ok(())
}

/// The output file of a sink, checked (extension, then the checks of every output: directory,
/// permissions, name length), with its temporary file made.
fn prepare(path: &Path, flag: &str, extensions: &[&str]) -> Result<OutputFile> {
    check_extension(path, flag, extensions)?;
    OutputFile::prepare_for(path, Kind::Atr, flag)
}

/// An animated GIF (each frame quantised to its own 256-colour palette), looping forever.
pub struct Gif {
    path: PathBuf,
    out: Option<OutputFile>,
    encoder: Option<gif::Encoder<Vec<u8>>>,
    size: (u16, u16),
    /// Frame delay in hundredths of a second.
    delay: u16,
    /// The rate asked for and the rate the delay plays at.
    fps: (f64, f64),
}

impl Gif {
    /// Starts a `width` x `height` GIF at `path` (a temporary file until finished) at `fps`.
    pub fn new(path: &Path, width: u32, height: u32, fps: f64) -> Result<Gif> {
        let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
            bail!(
                "--gif {}: a GIF is at most 65535x65535 pixels, the frames are {width}x{height}; use --video or --out",
                path.display()
            );
        };
        rate::check_fps("--gif", fps).map_err(|e| anyhow!(e))?;
        let out = prepare(path, "--gif", &["gif"])?;
        let mut encoder = gif::Encoder::new(Vec::new(), w, h, &[])
            .map_err(|e| anyhow!("--gif {}: {e}", path.display()))?;
        encoder
            .set_repeat(gif::Repeat::Infinite)
            .map_err(|e| anyhow!("--gif {}: {e}", path.display()))?;
        Ok(Gif {
            path: path.to_path_buf(),
            out: Some(out),
            encoder: Some(encoder),
            size: (w, h),
            delay: rate::gif_delay(fps).0,
            fps: (fps, rate::gif_delay(fps).1),
        })
    }

    /// One line when the GIF cannot play at the rate asked for (see [`rate::warning`]).
    pub fn warning(&self) -> Option<String> {
        rate::warning("--gif", self.fps.0, self.fps.1)
    }
}

impl Sink for Gif {
    fn frame(&mut self, rgba: &[u8]) -> Result<()> {
        let mut pixels = rgba.to_vec();
        let mut frame = gif::Frame::from_rgba_speed(self.size.0, self.size.1, &mut pixels, 10);
        frame.delay = self.delay;
        self.encoder
            .as_mut()
            .expect("open until finish")
            .write_frame(&frame)
            .map_err(|e| anyhow!("--gif {}: {e}", self.path.display()))
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        let bytes = self
            .encoder
            .take()
            .expect("finished once")
            .into_inner()
            .map_err(|e| anyhow!("--gif {}: {e}", self.path.display()))?;
        self.out.take().expect("finished once").write_bytes(&bytes)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// An animated PNG (lossless, 8-bit RGBA), looping forever. Frames are kept until the end: the
/// APNG header states the frame count.
pub struct Apng {
    path: PathBuf,
    out: Option<OutputFile>,
    frames: Vec<Vec<u8>>,
    size: (u32, u32),
    fps: f64,
}

impl Apng {
    /// Starts a `width` x `height` APNG at `path` (a temporary file until finished) at `fps`.
    pub fn new(path: &Path, width: u32, height: u32, fps: f64) -> Result<Apng> {
        rate::check_fps("--apng", fps).map_err(|e| anyhow!(e))?;
        Ok(Apng {
            path: path.to_path_buf(),
            out: Some(prepare(path, "--apng", &["png", "apng"])?),
            frames: Vec::new(),
            size: (width, height),
            fps,
        })
    }

    /// One line when the APNG cannot play at the rate asked for (see [`rate::warning`]).
    pub fn warning(&self) -> Option<String> {
        rate::warning("--apng", self.fps, rate::apng_delay(self.fps).1)
    }
}

impl Sink for Apng {
    fn frame(&mut self, rgba: &[u8]) -> Result<()> {
        self.frames.push(rgba.to_vec());
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        let shown = self.path.display().to_string();
        let fail = |e: png::EncodingError| anyhow!("--apng {shown}: {e}");
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, self.size.0, self.size.1);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_animated(self.frames.len() as u32, 0)
                .map_err(fail)?;
            let ((num, den), _) = rate::apng_delay(self.fps);
            enc.set_frame_delay(num, den).map_err(fail)?;
            let mut writer = enc.write_header().map_err(fail)?;
            for f in &self.frames {
                writer.write_image_data(f).map_err(fail)?;
            }
            writer.finish().map_err(fail)?;
        }
        self.out.take().expect("finished once").write_bytes(&bytes)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// A video encoded by `ffmpeg` from raw RGBA frames on its standard input, into the temporary
/// file of its output.
pub struct Video {
    path: PathBuf,
    out: Option<OutputFile>,
    child: Option<Child>,
    stdin: Option<BufWriter<ChildStdin>>,
}

/// The containers `--video` accepts (ffmpeg picks the codec from the container), with ffmpeg's
/// name of each (the temporary file's name does not say).
pub const VIDEO_EXTENSIONS: [&str; 4] = ["mp4", "webm", "mkv", "mov"];
const VIDEO_FORMATS: [&str; 4] = ["mp4", "webm", "matroska", "mov"];

impl Video {
    /// Checks the path and that ffmpeg runs, before any frame is rendered.
    pub fn new(path: &Path, width: u32, height: u32, fps: f64) -> Result<Video> {
        rate::check_fps("--video", fps).map_err(|e| anyhow!(e))?;
        let out = prepare(path, "--video", &VIDEO_EXTENSIONS)?;
        match Command::new("ffmpeg")
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
        {
            Ok(s) if s.success() => {}
            _ => bail!(
                "--video {}: needs ffmpeg on PATH, which was not found; install it (Debian/Ubuntu: apt install ffmpeg), or write --gif FILE.gif, --apng FILE.png or numbered frames with --out DIR",
                path.display()
            ),
        }
        let ext = path
            .extension()
            .unwrap_or_default()
            .to_string_lossy()
            .to_ascii_lowercase();
        let format = VIDEO_EXTENSIONS
            .iter()
            .position(|e| *e == ext)
            .map_or("mp4", |i| VIDEO_FORMATS[i]);
        let temp = out.temp_path().expect("a file").to_path_buf();
        let mut child = Command::new("ffmpeg")
            .args([
                "-loglevel",
                "error",
                "-y",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgba",
            ])
            .args(["-s", &format!("{width}x{height}"), "-r", &fps.to_string()])
            .args(["-i", "-"])
            // Most players need 4:2:0 chroma, which needs an even size.
            .args([
                "-vf",
                "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                "-pix_fmt",
                "yuv420p",
            ])
            .args(["-f", format])
            .arg(&temp)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("--video {}: cannot start ffmpeg", path.display()))?;
        let stdin = child.stdin.take().map(BufWriter::new);
        Ok(Video {
            path: path.to_path_buf(),
            out: Some(out),
            child: Some(child),
            stdin,
        })
    }
}

impl Sink for Video {
    fn frame(&mut self, rgba: &[u8]) -> Result<()> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        if stdin.write_all(rgba).is_err() {
            bail!(
                "--video {}: ffmpeg stopped reading frames (see its message above)",
                self.path.display()
            );
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        if let Some(mut s) = self.stdin.take() {
            let _ = s.flush();
        }
        let out = self
            .child
            .take()
            .expect("finished once")
            .wait_with_output()
            .with_context(|| format!("--video {}: ffmpeg", self.path.display()))?;
        if !out.status.success() {
            bail!(
                "--video {}: ffmpeg failed: {}",
                self.path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        self.out.take().expect("finished once").stage_as_written()
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Video {
    fn drop(&mut self) {
        // Not finished (an error or a stop): end ffmpeg; its partial file goes with the output.
        if let Some(mut child) = self.child.take() {
            drop(self.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
