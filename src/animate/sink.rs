//! Where an animation's frames go: an animated GIF, an APNG, or a video through `ffmpeg`. Each is
//! streamed frame by frame into a temporary file beside its name (no sink holds more than the
//! frame it is encoding, so memory does not grow with the number of frames) and staged when the
//! last frame is in; the command puts all of them in place together once every one is written,
//! so a stopped or failed animation never leaves a half-written file under the final name, nor
//! replaces one file of a set and not the others. (Numbered PNG frames are written one by one by
//! the command, each atomically.)

use super::rate;
use crate::output::{Kind, OutputFile, Staged, Watch, io_failure};
use anyhow::{Context, Result, anyhow, bail};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// One frame in, in order.
pub trait Sink: Send {
    /// Appends one frame: straight RGBA8, the sink's width x height, row 0 at the top.
    fn frame(&mut self, rgba: &[u8]) -> Result<()>;
    /// Finishes the file, staged for the command to put in place.
    fn finish(self: Box<Self>) -> Result<Staged>;
    /// The file the sink writes (its final name).
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

/// What an encoder streams into: the temporary file, watched for a full disk (as every output's).
type Stream = BufWriter<Watch<File>>;

/// The temporary file of `out`, opened for the encoder to stream into.
fn stream_into(out: &OutputFile, flag: &str) -> Result<Stream> {
    let temp = out.temp_path().expect("a file, not standard output");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(temp)
        .with_context(|| {
            format!(
                "{flag} {}: cannot write its temporary file",
                out.path.display()
            )
        })?;
    Ok(BufWriter::new(Watch::new(file, &out.path)))
}

/// An encoder's error on output `path`: an I/O error says so as every output does (a full disk
/// names its way out), anything else as it is.
fn encoding_failure(
    flag: &str,
    path: &Path,
    io: Option<&std::io::Error>,
    e: impl std::fmt::Display,
) -> anyhow::Error {
    match io {
        Some(io) => io_failure(flag, &path.display().to_string(), io),
        None => anyhow!("{flag} {}: {e}", path.display()),
    }
}

/// The I/O error inside a GIF encoder's error, if that is what it is.
fn gif_io(e: &gif::EncodingError) -> Option<&std::io::Error> {
    match e {
        gif::EncodingError::Io(io) => Some(io),
        _ => None,
    }
}

/// The I/O error inside a PNG encoder's error, if that is what it is.
fn png_io(e: &png::EncodingError) -> Option<&std::io::Error> {
    match e {
        png::EncodingError::IoError(io) => Some(io),
        _ => None,
    }
}

/// Bytes a sink of a `width` x `height` animation holds while it encodes one frame (beside the
/// frame it is given): what the up-front memory check counts for it.
pub fn memory_per_sink(width: u32, height: u32) -> u64 {
    let pixels = width as u64 * height as u64;
    // a GIF's copy of the frame, its quantiser's index map and the encoded frame; an APNG's
    // filtered rows and deflate window are smaller
    pixels * (4 + 1 + 2)
}

/// An animated GIF (each frame quantised to its own 256-colour palette), looping forever.
pub struct Gif {
    path: PathBuf,
    out: Option<OutputFile>,
    encoder: Option<gif::Encoder<Stream>>,
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
        let fail = |e: gif::EncodingError| anyhow!("--gif {}: {e}", path.display());
        let mut encoder =
            gif::Encoder::new(stream_into(&out, "--gif")?, w, h, &[]).map_err(fail)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(fail)?;
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
            .map_err(|e| encoding_failure("--gif", &self.path, gif_io(&e), &e))
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        let shown = self.path.display().to_string();
        let mut file = self
            .encoder
            .take()
            .expect("finished once")
            .into_inner()
            .map_err(|e| encoding_failure("--gif", &self.path, gif_io(&e), &e))?;
        file.flush().map_err(|e| io_failure("--gif", &shown, &e))?;
        drop(file);
        self.out.take().expect("finished once").stage_as_written()
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// An animated PNG (lossless, 8-bit RGBA), looping forever, written frame by frame: the frame
/// count its header states is known up front.
pub struct Apng {
    path: PathBuf,
    out: Option<OutputFile>,
    writer: Option<png::Writer<Stream>>,
    fps: f64,
}

impl Apng {
    /// Starts a `width` x `height` APNG at `path` (a temporary file until finished) at `fps`, `frames` long.
    pub fn new(path: &Path, width: u32, height: u32, fps: f64, frames: u64) -> Result<Apng> {
        rate::check_fps("--apng", fps).map_err(|e| anyhow!(e))?;
        let out = prepare(path, "--apng", &["png", "apng"])?;
        let fail = |e: png::EncodingError| anyhow!("--apng {}: {e}", path.display());
        let frames = u32::try_from(frames).map_err(|_| anyhow!("--apng: {frames} frames"))?;
        let mut enc = png::Encoder::new(stream_into(&out, "--apng")?, width, height);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_animated(frames, 0).map_err(fail)?;
        let ((num, den), _) = rate::apng_delay(fps);
        enc.set_frame_delay(num, den).map_err(fail)?;
        let writer = enc.write_header().map_err(fail)?;
        Ok(Apng {
            path: path.to_path_buf(),
            out: Some(out),
            writer: Some(writer),
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
        self.writer
            .as_mut()
            .expect("open until finish")
            .write_image_data(rgba)
            .map_err(|e| encoding_failure("--apng", &self.path, png_io(&e), &e))
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        let writer = self.writer.take().expect("finished once");
        writer
            .finish()
            .map_err(|e| encoding_failure("--apng", &self.path, png_io(&e), &e))?;
        self.out.take().expect("finished once").stage_as_written()
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

/// The last non-empty line ffmpeg wrote to its standard error ("no message" when none).
fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().rev().find(|l| !l.trim().is_empty());
    crate::message::printable(line.map_or("no message", str::trim))
}

/// Checks that ffmpeg runs, telling a missing ffmpeg from one that is there but fails.
fn check_ffmpeg(path: &Path) -> Result<()> {
    let shown = path.display();
    let alternatives = "or write --gif FILE.gif, --apng FILE.png or numbered frames with --out DIR";
    match Command::new("ffmpeg")
        .arg("-version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => bail!(
            "--video {shown}: ffmpeg is on PATH but fails ({}; it said: {}); repair or reinstall it, {alternatives}",
            out.status,
            last_line(&out.stderr)
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "--video {shown}: needs ffmpeg on PATH, which was not found; install it (Debian/Ubuntu: apt install ffmpeg), {alternatives}"
        ),
        Err(e) => {
            bail!("--video {shown}: cannot run ffmpeg ({e}); check its permissions, {alternatives}")
        }
    }
}

impl Video {
    /// Checks the size, the path and that ffmpeg runs, before any frame is rendered.
    pub fn new(path: &Path, width: u32, height: u32, fps: f64) -> Result<Video> {
        rate::check_fps("--video", fps).map_err(|e| anyhow!(e))?;
        if width % 2 == 1 || height % 2 == 1 {
            // 4:2:0 chroma, which most players need, halves both sides.
            bail!(
                "--video {}: the frames are {width}x{height}, but a video (4:2:0 colour, which most players need) takes an even width and height; give --size {}x{}, or write --gif, --apng or --out, which keep any size",
                path.display(),
                width + width % 2,
                height + height % 2
            );
        }
        let out = prepare(path, "--video", &VIDEO_EXTENSIONS)?;
        check_ffmpeg(path)?;
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
            .args(["-loglevel", "error", "-y", "-f", "rawvideo"])
            .args(["-pix_fmt", "rgba", "-s", &format!("{width}x{height}")])
            .args(["-r", &fps.to_string(), "-i", "-"])
            .args(["-pix_fmt", "yuv420p", "-f", format])
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

    /// Waits for ffmpeg to end; its failure, with the last line it wrote, as an error.
    fn wait(&mut self) -> Result<()> {
        drop(self.stdin.take());
        let out = self
            .child
            .take()
            .expect("waited once")
            .wait_with_output()
            .with_context(|| format!("--video {}: ffmpeg", self.path.display()))?;
        if !out.status.success() {
            bail!(
                "--video {}: ffmpeg failed ({}): {}",
                self.path.display(),
                out.status,
                last_line(&out.stderr)
            );
        }
        Ok(())
    }
}

impl Sink for Video {
    fn frame(&mut self, rgba: &[u8]) -> Result<()> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        if let Err(e) = stdin.write_all(rgba) {
            // ffmpeg ended early: its own message says why.
            self.wait()?;
            bail!(
                "--video {}: ffmpeg stopped reading frames ({e})",
                self.path.display()
            );
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<Staged> {
        if let Some(s) = self.stdin.as_mut()
            && let Err(e) = s.flush()
        {
            self.wait()?;
            bail!(
                "--video {}: ffmpeg stopped reading frames ({e})",
                self.path.display()
            );
        }
        self.wait()?;
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
