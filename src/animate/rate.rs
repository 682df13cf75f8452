//! How each animation container holds `--fps`: a GIF as a frame delay in whole hundredths of a
//! second, an APNG as a delay fraction of two 16-bit numbers, a video (ffmpeg's `-r`) as given.
//! When a container cannot hold the rate asked for, [`warning`] says the rate it will play at.

/// The shortest GIF frame delay, in hundredths of a second: most viewers play a delay of 0 or 1
/// at 10 fps, so a shorter one would play slower, not faster.
pub const GIF_MIN_DELAY: u16 = 2;

/// The delay (hundredths of a second) nearest `1 / fps` that a GIF holds, and the rate it plays at.
pub fn gif_delay(fps: f64) -> (u16, f64) {
    let delay = (100.0 / fps)
        .round()
        .clamp(GIF_MIN_DELAY as f64, u16::MAX as f64) as u16;
    (delay, 100.0 / delay as f64)
}

/// The delay `num / den` seconds (16-bit each) nearest `1 / fps` that an APNG holds, and the rate
/// it plays at.
pub fn apng_delay(fps: f64) -> ((u16, u16), f64) {
    let mut best = ((u16::MAX, 1), 1.0 / u16::MAX as f64);
    for num in 1..=u16::MAX {
        let den = (fps * num as f64).round();
        if !(1.0..=u16::MAX as f64).contains(&den) {
            continue;
        }
        let rate = den / num as f64;
        if (rate - fps).abs() < (best.1 - fps).abs() {
            best = ((num, den as u16), rate);
        }
        if exact(fps, rate) {
            break;
        }
    }
    best
}

/// Whether `played` is `fps` (up to the rounding of a decimal `--fps` to a float).
fn exact(fps: f64, played: f64) -> bool {
    (played - fps).abs() <= 1e-9 * fps
}

/// A rate for messages: up to three decimals (four significant digits below 0.01), no trailing
/// zeros.
fn show(v: f64) -> String {
    let decimals = if v > 0.0 && v < 0.01 {
        (3 - v.log10().floor() as i32) as usize
    } else {
        3
    };
    let s = format!("{v:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The longest frame, in seconds, that the output of `flag` holds: a GIF's delay is 65535
/// hundredths, an APNG's at most 65535/1 s; a video's is kept to an APNG's (ffmpeg's MP4 muxer
/// fails on frames of about a day, and only after every frame is rendered).
fn longest_frame(flag: &str) -> f64 {
    match flag {
        "--gif" => u16::MAX as f64 / 100.0,
        _ => u16::MAX as f64,
    }
}

/// Refuses a `--fps` slower than the output of `flag` (`--gif`, `--apng`, `--video`) holds,
/// rather than playing it at another rate.
pub fn check_fps(flag: &str, fps: f64) -> Result<(), String> {
    let longest = longest_frame(flag);
    let slowest = 1.0 / longest;
    // Within the rounding of a decimal --fps, the slowest rate is held.
    if fps >= slowest * (1.0 - 1e-9) {
        return Ok(());
    }
    let other = if flag == "--gif" {
        format!(
            " (--apng and --video go down to {} fps)",
            show(1.0 / longest_frame("--apng"))
        )
    } else {
        String::new()
    };
    Err(format!(
        "--fps {}: {flag} holds frames of at most {} s, so {} fps is its slowest rate; give --fps {} or more{other}",
        crate::histogram::show_f64(fps),
        show(longest),
        show(slowest),
        show(slowest),
    ))
}

/// One line when `played` is not `fps`: what `flag` holds, the rate it plays at, and the outputs
/// that keep the rate asked for.
pub fn warning(flag: &str, fps: f64, played: f64) -> Option<String> {
    if exact(fps, played) {
        return None;
    }
    let (holds, keep) = match flag {
        "--gif" => (
            "a GIF holds frame delays in whole hundredths of a second (2 at least: viewers play shorter ones slower)",
            "--apng or --video keep",
        ),
        _ => (
            "an APNG holds frame delays as a fraction of two numbers up to 65535",
            "--video keeps",
        ),
    };
    Some(format!(
        "{flag}: {holds}, so --fps {} plays at {} fps; {keep} {} fps",
        show(fps),
        show(played),
        show(fps)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gif_plays_at_the_nearest_rate_it_holds_and_says_so() {
        assert_eq!(gif_delay(25.0), (4, 25.0));
        assert_eq!(warning("--gif", 25.0, 25.0), None);
        assert_eq!(gif_delay(12.0), (8, 12.5));
        assert_eq!(
            warning("--gif", 12.0, 12.5).unwrap(),
            "--gif: a GIF holds frame delays in whole hundredths of a second (2 at least: viewers play shorter ones slower), so --fps 12 plays at 12.5 fps; --apng or --video keep 12 fps"
        );
        let (delay, played) = gif_delay(1000.0);
        assert_eq!((delay, played), (2, 50.0));
        assert!(
            warning("--gif", 1000.0, played)
                .unwrap()
                .contains("plays at 50 fps")
        );
        assert_eq!(gif_delay(0.001).0, 65535);
    }

    #[test]
    fn a_rate_slower_than_an_output_holds_is_refused() {
        assert_eq!(
            check_fps("--gif", 1e-9).unwrap_err(),
            "--fps 1e-9: --gif holds frames of at most 655.35 s, so 0.001526 fps is its slowest rate; give --fps 0.001526 or more (--apng and --video go down to 0.00001526 fps)"
        );
        assert!(check_fps("--apng", 1e-6).unwrap_err().ends_with(
            ": --apng holds frames of at most 65535 s, so 0.00001526 fps is its slowest rate; give --fps 0.00001526 or more"
        ));
        assert!(check_fps("--video", 1e-6).is_err());
        // the rates suggested are held, and so is the slowest exactly
        assert!(
            check_fps("--gif", 0.001526).is_ok() && check_fps("--gif", 100.0 / 65535.0).is_ok()
        );
        assert!(check_fps("--apng", 0.00001526).is_ok() && check_fps("--video", 1.0).is_ok());
        assert_eq!(gif_delay(0.001526).0, 65531);
    }

    #[test]
    fn an_apng_holds_every_rate_of_three_decimals() {
        assert_eq!(apng_delay(1000.0), ((1, 1000), 1000.0));
        assert_eq!(apng_delay(12.5), ((2, 25), 12.5));
        let (_, played) = apng_delay(23.976);
        assert_eq!(warning("--apng", 23.976, played), None);
        assert_eq!(apng_delay(0.001).1, 0.001);
        // Beyond what two 16-bit numbers hold: the nearest rate, said.
        let (_, played) = apng_delay(1e-6);
        assert!(
            warning("--apng", 1e-6, played)
                .unwrap()
                .contains("--video keeps")
        );
    }
}
