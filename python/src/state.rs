//! Pickling a [`Render`] (Dask moves renders between worker processes): its state is one JSON
//! text (the job's recipe in the render's style, the tally, which shards, the engine's notes)
//! and the counts array, which numpy pickles efficiently. Unpickling rebuilds the job from the
//! recipe without a pilot (the bounds are in it) and checks every field against the counts.

use crate::argument_error;
use crate::result::{Made, Render, ShardSet};
use attractors::histogram::{Histogram, Tally};
use attractors::job::Job;
use attractors::recipe::{Mode, Recipe};
use numpy::PyReadonlyArray2;
use pyo3::prelude::*;
use serde_json::{Value, json};

/// Bumped when the state's layout changes.
const STATE_FORMAT: u64 = 1;

/// The JSON state of `r` (without its counts).
pub fn state_of(r: &Render) -> String {
    let m = &r.made;
    let mut recipe = r.recipe_in(&m.style);
    recipe.shard = None;
    let t = m.hist.tally;
    json!({
        "format": STATE_FORMAT,
        "recipe": recipe,
        "target": m.target,
        "tally": [t.counted, t.outside, t.diverged],
        "backend": m.backend,
        "seconds": m.seconds,
        "notes": m.notes,
        "bounds_given": m.bounds_given,
        "shards": m.shards.as_ref().map(|s| json!({"count": s.count, "indices": s.indices})),
    })
    .to_string()
}

/// The render whose state is `state` and counts `counts` (what [`state_of`] and `counts` gave).
pub fn restore(py: Python<'_>, state: &str, counts: &Bound<'_, PyAny>) -> PyResult<Render> {
    let bad = |what: String| argument_error(format!("not a pickled attractors.Render: {what}"));
    let v: Value = serde_json::from_str(state).map_err(|e| bad(e.to_string()))?;
    if v["format"].as_u64() != Some(STATE_FORMAT) {
        return Err(bad(format!(
            "state format {} (this version reads {STATE_FORMAT})",
            v["format"]
        )));
    }
    let rc: Recipe = serde_json::from_value(v["recipe"].clone()).map_err(|e| bad(e.to_string()))?;
    let preset = rc.preset().map_err(|e| bad(e.to_string()))?;
    let bounds = rc.bounds().map_err(|e| bad(e.to_string()))?;
    let [w, h] = rc.size;
    let mut job = Job::new(preset, (w, h), bounds, rc.points, rc.skip, rc.seed);
    job.exact = rc.mode == Mode::Exact;
    let style = attractors::cli::from::recipe_style(&rc, "the pickled render")
        .map_err(|e| bad(format!("{e:#}")))?;
    let mut hist = Histogram::new(w, h, bounds);
    hist.counts = counts_of(counts, (h as usize, w as usize)).map_err(bad)?;
    let number = |k: &str| v[k].as_u64().ok_or_else(|| bad(format!("no '{k}'")));
    let tally: Vec<u64> =
        serde_json::from_value(v["tally"].clone()).map_err(|e| bad(e.to_string()))?;
    let [counted, outside, diverged] = tally[..] else {
        return Err(bad("'tally' is not three numbers".into()));
    };
    hist.tally = Tally {
        counted,
        outside,
        diverged,
    };
    let shards = match &v["shards"] {
        Value::Null => None,
        s => Some(ShardSet {
            count: s["count"]
                .as_u64()
                .ok_or_else(|| bad("no shard count".into()))? as u32,
            indices: serde_json::from_value(s["indices"].clone())
                .map_err(|e| bad(e.to_string()))?,
        }),
    };
    if let Some(set) = &shards {
        let mut i = set.indices.clone();
        i.sort_unstable();
        i.dedup();
        if set.count == 0 || i.len() != set.indices.len() || i.iter().any(|&x| x >= set.count) {
            return Err(bad(format!("shards {:?} of {}", set.indices, set.count)));
        }
    }
    let made = Made {
        job,
        target: number("target")?,
        hist,
        style,
        backend: v["backend"].as_str().unwrap_or_default().to_string(),
        seconds: v["seconds"].as_f64().unwrap_or_default(),
        notes: serde_json::from_value(v["notes"].clone()).unwrap_or_default(),
        bounds_given: v["bounds_given"].as_bool().unwrap_or_default(),
        shards,
    };
    Render::new(py, made)
}

/// The counts of a (height, width) array of uint32 or uint64, in row order.
fn counts_of(counts: &Bound<'_, PyAny>, shape: (usize, usize)) -> Result<Vec<u64>, String> {
    let check = |s: &[usize]| {
        if s == [shape.0, shape.1] {
            Ok(())
        } else {
            Err(format!(
                "counts of shape {s:?}, but the recipe says {shape:?}"
            ))
        }
    };
    if let Ok(a) = counts.extract::<PyReadonlyArray2<'_, u64>>() {
        check(a.as_array().shape())?;
        return Ok(a.as_array().iter().copied().collect());
    }
    let a = counts
        .extract::<PyReadonlyArray2<'_, u32>>()
        .map_err(|_| "counts are not a 2-D uint32 or uint64 array".to_string())?;
    check(a.as_array().shape())?;
    Ok(a.as_array().iter().map(|&c| c as u64).collect())
}
