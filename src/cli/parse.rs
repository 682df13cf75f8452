//! The parsers of flag values (sizes, counts, bounds, start points, parameters, spans, lists).
//! Every parser returns a message that names the input and what was expected.

use crate::backend::Backend;
use crate::job::MAX_SKIP;
use clap::ValueEnum;

/// `MIN,MAX` for `--span`.
pub fn parse_span(s: &str) -> Result<crate::shade::Span, String> {
    s.parse()
}

/// `8` or `16` for `--depth`.
pub fn parse_depth(s: &str) -> Result<u8, String> {
    s.trim()
        .parse::<u8>()
        .ok()
        .and_then(|v| check_depth(v).ok())
        .ok_or_else(|| format!("depth '{s}': {DEPTH_EXPECTED}"))
}

const DEPTH_EXPECTED: &str = "expected 8 or 16";

/// A depth already read as a number (a recipe's): 8 or 16.
pub fn check_depth(v: u8) -> Result<u8, String> {
    match v {
        8 | 16 => Ok(v),
        _ => Err(DEPTH_EXPECTED.into()),
    }
}

/// Iteration counts of a bench sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct IterList(pub Vec<u64>);

/// `1e2..1e9` (every power of ten times the first up to the last, and the last), or a list
/// `1e6,5e6,1e7` (sorted; a duplicate is refused).
pub fn parse_iters_arg(s: &str) -> Result<IterList, String> {
    let mut v = if let Some((a, b)) = s.split_once("..") {
        let (a, b) = (parse_count(a)?, parse_count(b)?);
        if a > b {
            return Err(format!("iters '{s}': the range must go up, like 1e2..1e9"));
        }
        let mut v = vec![a];
        while let Some(n) = v.last().and_then(|l| l.checked_mul(10)).filter(|&n| n <= b) {
            v.push(n);
        }
        // The end is part of the range even when it is no power of ten times the start.
        if v.last() != Some(&b) {
            v.push(b);
        }
        v
    } else {
        s.split(',')
            .map(parse_count)
            .collect::<Result<Vec<u64>, String>>()?
    };
    v.sort_unstable();
    if let Some(w) = v.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "iters '{s}': {:e} is given twice; give each count once",
            w[0] as f64
        ));
    }
    Ok(IterList(v))
}

/// Backends of a bench sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendList(pub Vec<Backend>);

/// `gpu,cpu,cpu-exact` (a duplicate is refused; `auto` is not a backend to time).
pub fn parse_backends(s: &str) -> Result<BackendList, String> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim) {
        let b = match Backend::from_str(name, true) {
            Ok(Backend::Auto) | Err(_) => {
                return Err(format!(
                    "backends '{s}': '{name}' is not a backend; expected a list of gpu, cpu, cpu-exact"
                ));
            }
            Ok(b) => b,
        };
        if out.contains(&b) {
            return Err(format!(
                "backends '{s}': '{name}' is given twice; give each backend once"
            ));
        }
        out.push(b);
    }
    Ok(BackendList(out))
}

/// `--adapter`: a name (a part of one), `all`, or positions; never blank, which would match any
/// adapter and so name none.
pub fn parse_adapter(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err(format!(
            "adapter '{s}': expected a part of an adapter's name, `all` or positions like 0,2 (attractors info lists them); or drop --adapter for the best one"
        ));
    }
    Ok(s.to_string())
}

/// Largest side of a canvas, in pixels.
pub const MAX_SIDE: u32 = 65536;
const SIZE_EXPECTED: &str =
    "expected WIDTHxHEIGHT with whole numbers from 1 to 65536, like 1024x1024";

/// `1024x768` -> (1024, 768); each side 1..=[`MAX_SIDE`].
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("size '{s}': {SIZE_EXPECTED}");
    let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let side = |v: &str| v.trim().parse::<u32>().map_err(|_| bad());
    check_size(side(w)?, side(h)?).map_err(|_| bad())
}

/// A size already read as numbers (a recipe's): each side 1..=[`MAX_SIDE`].
pub fn check_size(w: u32, h: u32) -> Result<(u32, u32), String> {
    let side = |v: u32| (1..=MAX_SIDE).contains(&v);
    if side(w) && side(h) {
        Ok((w, h))
    } else {
        Err(SIZE_EXPECTED.into())
    }
}

/// Largest point count accepted (1e15: about a day at 1e10 points/s).
pub const MAX_COUNT: u64 = 1_000_000_000_000_000;

/// `1e9`, `2.5e6`, `1_000_000`, `250M`, `3k`, `2G`, `1T` -> whole number of points, 1..=1e15.
pub fn parse_count(s: &str) -> Result<u64, String> {
    parse_count_in(s, 1, MAX_COUNT)
}

/// `--skip`: a count from 0 to [`MAX_SKIP`] (1e9).
pub fn parse_skip(s: &str) -> Result<u64, String> {
    parse_count_in(s, 0, MAX_SKIP)
}

/// A number of points already read as a number (a recipe's): 1..=1e15.
pub fn check_count(v: u64) -> Result<u64, String> {
    check_count_in(v, 1, MAX_COUNT)
}

/// A transient already read as a number (a recipe's): 0..=[`MAX_SKIP`].
pub fn check_skip(v: u64) -> Result<u64, String> {
    check_count_in(v, 0, MAX_SKIP)
}

fn count_expected(min: u64, max: u64) -> String {
    format!(
        "expected a whole number from {min} to {:e} like 1e9, 250M or 1_000_000",
        max as f64
    )
}

fn check_count_in(v: u64, min: u64, max: u64) -> Result<u64, String> {
    match v {
        v if v < min => Err(format!("too small; {}", count_expected(min, max))),
        v if v > max => Err(format!("too large; {}", count_expected(min, max))),
        v => Ok(v),
    }
}

fn parse_count_in(s: &str, min: u64, max: u64) -> Result<u64, String> {
    let bad = |why: &str| format!("count '{s}': {why}; {}", count_expected(min, max));
    let t = s.trim().replace('_', "");
    let (num, mult) = match t.chars().last() {
        Some(c @ ('k' | 'K' | 'M' | 'G' | 'T')) => (
            &t[..t.len() - 1],
            match c {
                'k' | 'K' => 1e3,
                'M' => 1e6,
                'G' => 1e9,
                _ => 1e12,
            },
        ),
        _ => (&t[..], 1.0),
    };
    if num.is_empty()
        || !num
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return Err(bad("not a number"));
    }
    let v = num.parse::<f64>().map_err(|_| bad("not a number"))? * mult;
    if !v.is_finite() || v > max as f64 {
        return Err(bad("too large"));
    }
    if v < min as f64 {
        return Err(bad("too small"));
    }
    if v.fract() != 0.0 {
        return Err(bad("not a whole number"));
    }
    check_count_in(v as u64, min, max).map_err(|e| format!("count '{s}': {e}"))
}

/// A whole number from `min` to `max` for `flag`, with a message naming the accepted range
/// (clap's own parser says only "invalid digit found in string").
fn parse_whole(s: &str, flag: &str, what: &str, min: u64, max: u64) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .ok()
        .and_then(|v| check_whole(v, what, min, max).ok())
        .ok_or_else(|| format!("{flag} '{s}': {}", whole_expected(what, min, max)))
}

fn whole_expected(what: &str, min: u64, max: u64) -> String {
    let max = if max == u64::MAX {
        "2^64 - 1".to_string()
    } else {
        max.to_string()
    };
    format!("expected {what}, a whole number from {min} to {max}")
}

fn check_whole(v: u64, what: &str, min: u64, max: u64) -> Result<u64, String> {
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(whole_expected(what, min, max))
    }
}

/// Largest `--supersample` factor.
pub const MAX_SUPERSAMPLE: u32 = 4;
const SUPERSAMPLE_WHAT: &str = "a supersampling factor";

/// `--supersample N`: 1 to [`MAX_SUPERSAMPLE`].
pub fn parse_supersample(s: &str) -> Result<u32, String> {
    let max = MAX_SUPERSAMPLE as u64;
    parse_whole(s, "--supersample", SUPERSAMPLE_WHAT, 1, max).map(|v| v as u32)
}

/// A supersampling factor already read as a number (a recipe's): 1 to [`MAX_SUPERSAMPLE`].
pub fn check_supersample(v: u32) -> Result<u32, String> {
    check_whole(v as u64, SUPERSAMPLE_WHAT, 1, MAX_SUPERSAMPLE as u64).map(|_| v)
}

/// Longest checkpoint interval: a year (longer is the same as never).
pub const MAX_CHECKPOINT_SECS: u64 = 365 * 24 * 3600;

/// `--checkpoint SECONDS`: 0 (never) to a year.
pub fn parse_checkpoint_secs(s: &str) -> Result<u64, String> {
    parse_whole(
        s,
        "--checkpoint",
        "seconds between checkpoints (0: never)",
        0,
        MAX_CHECKPOINT_SECS,
    )
}

/// `--seed S`: any unsigned 64-bit number.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    parse_whole(s, "--seed", "a seed", 0, u64::MAX)
}

/// `--reps N` of `bench`: 1 to 1000 timed runs, in any spelling of a count (`10`, `1e2`).
pub fn parse_reps(s: &str) -> Result<u32, String> {
    parse_small_count(s, "--reps", "a number of timed runs", 1000)
}

/// `--count N` of `search`: 1 to 10,000 results, in any spelling of a count.
pub fn parse_results(s: &str) -> Result<u32, String> {
    parse_small_count(s, "--count", "a number of results", 10_000)
}

fn parse_small_count(s: &str, flag: &str, what: &str, max: u64) -> Result<u32, String> {
    parse_count_in(s, 1, max)
        .map(|v| v as u32)
        .map_err(|_| format!("{flag} '{s}': {}", whole_expected(what, 1, max)))
}

/// `--frames N`: 1 to [`crate::animate::MAX_FRAMES`] frames (an animation's, or the frames a
/// window shows before it exits).
pub fn parse_frames(s: &str) -> Result<u64, String> {
    parse_whole(
        s,
        "--frames",
        "a number of frames",
        1,
        crate::animate::MAX_FRAMES,
    )
}

fn parse_floats(s: &str, what: &str, n: &[usize]) -> Result<Vec<f64>, String> {
    let vals: Result<Vec<f64>, _> = s.split(',').map(|v| v.trim().parse::<f64>()).collect();
    let expected = match what {
        "bounds" => "xmin,xmax,ymin,ymax like -3,3,-3,3",
        _ => "x,y or x,y,z like -0.5,0",
    };
    match vals {
        Ok(v) if n.contains(&v.len()) && v.iter().all(|x| x.is_finite()) => Ok(v),
        Ok(v) if n.contains(&v.len()) => Err(format!(
            "{what} '{s}': values must be finite; expected {expected}"
        )),
        Ok(v) => Err(format!(
            "{what} '{s}': found {} values; expected {expected}",
            v.len()
        )),
        Err(_) => Err(format!(
            "{what} '{s}': not a list of numbers; expected {expected}"
        )),
    }
}

/// `xmin,xmax,ymin,ymax`, finite, xmin < xmax, ymin < ymax.
pub fn parse_bounds(s: &str) -> Result<[f64; 4], String> {
    let v = parse_floats(s, "bounds", &[4])?;
    crate::histogram::Bounds::new(v[0], v[1], v[2], v[3])
        .map_err(|e| format!("bounds '{s}': {e}"))?;
    Ok([v[0], v[1], v[2], v[3]])
}

/// A start point given on the command line: x, y and optionally z.
#[derive(Clone, Debug, PartialEq)]
pub struct StartPoint(pub Vec<f64>);

/// `x,y` or `x,y,z`.
pub fn parse_start(s: &str) -> Result<StartPoint, String> {
    parse_floats(s, "start", &[2, 3]).map(StartPoint)
}

/// Named parameter overrides: `a=1.5,b=-2` -> [("a", 1.5), ("b", -2.0)].
#[derive(Clone, Debug, PartialEq)]
pub struct ParamList(pub Vec<(String, f64)>);

/// `NAME=VALUE,...`: each value a finite number, each name once (the map's names are checked
/// later, against the map).
pub fn parse_params(s: &str) -> Result<ParamList, String> {
    let list = s
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                format!("params '{s}': '{kv}' is not NAME=VALUE; expected a=-1.3,b=-1.3")
            })?;
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| format!("params '{s}': '{v}' is not a number"))?;
            if !v.is_finite() {
                return Err(format!("params '{s}': {} must be finite", k.trim()));
            }
            Ok((k.trim().to_string(), v))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (i, (k, _)) in list.iter().enumerate() {
        if list[..i].iter().any(|(j, _)| j == k) {
            return Err(format!(
                "params '{s}': '{k}' is given twice; give each parameter once"
            ));
        }
    }
    Ok(ParamList(list))
}

/// Parameter ranges for `search`: `a=-3:3,d=0.5:1` -> [("a", -3, 3), ("d", 0.5, 1)].
#[derive(Clone, Debug, PartialEq)]
pub struct RangeList(pub Vec<(String, f64, f64)>);

/// `NAME=LO:HI,...`: finite bounds with `LO < HI`.
pub fn parse_ranges(s: &str) -> Result<RangeList, String> {
    let list = s
        .split(',')
        .map(|kv| {
            let bad = || format!("range '{s}': '{kv}' is not NAME=LO:HI; expected a=-2:2,b=0:1.5");
            let (k, v) = kv.split_once('=').ok_or_else(bad)?;
            let (lo, hi) = v.split_once(':').ok_or_else(bad)?;
            let num = |t: &str| -> Result<f64, String> {
                t.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("range '{s}': '{t}' is not a finite number"))
            };
            let (lo, hi) = (num(lo)?, num(hi)?);
            if lo >= hi {
                return Err(format!(
                    "range '{s}': {} has LO >= HI; expected LO < HI, e.g. {}=-2:2",
                    k.trim(),
                    k.trim()
                ));
            }
            Ok((k.trim().to_string(), lo, hi))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (i, (k, ..)) in list.iter().enumerate() {
        if list[..i].iter().any(|(j, ..)| j == k) {
            return Err(format!(
                "range '{s}': '{k}' is given twice; give each parameter once"
            ));
        }
    }
    Ok(RangeList(list))
}
