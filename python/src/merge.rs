//! `merge(renders, partial)`: the exact sum of renders of the shards of one job, checked by the
//! crate's [`Merge`] exactly as `attractors merge` checks shard files (same job, same shard
//! count, no shard twice, none missing unless `partial`), each refusal naming `renders[i]`.
//! A render of the whole job is its shard 0 of 1. A partial merge is itself a piece holding
//! several shards, so merges of merges (Dask's tree reduction) are checked as strictly.

use crate::argument_error;
use crate::result::{Made, Render, ShardSet};
use attractors::recipe::Recipe;
use attractors::shard::{Merge, Merged, Piece};
use pyo3::prelude::*;

/// Sums `renders` (see `attractors.merge` for the Python side).
#[pyfunction]
#[pyo3(signature = (renders, partial=false))]
pub fn merge(py: Python<'_>, renders: Vec<PyRef<'_, Render>>, partial: bool) -> PyResult<Render> {
    if renders.is_empty() {
        return Err(argument_error(
            "renders: no render given; give the renders of the shards of one job",
        ));
    }
    let made: Vec<&Made> = renders.iter().map(|r| &r.made).collect();
    let names: Vec<String> = (0..made.len()).map(|i| format!("renders[{i}]")).collect();
    let recipes: Vec<Recipe> = renders.iter().map(|r| r.recipe_in(&r.made.style)).collect();
    let merged = py
        .detach(|| sum(&made, &names, &recipes, partial))
        .map_err(argument_error)?;
    Render::new(py, merged_render(&made, merged))
}

/// The checked sum of the pieces.
fn sum(
    made: &[&Made],
    names: &[String],
    recipes: &[Recipe],
    partial: bool,
) -> Result<Merged, attractors::shard::MergeError> {
    let whole = ShardSet {
        count: 1,
        indices: vec![0],
    };
    let piece = |i: usize| {
        let set = made[i].shards.as_ref().unwrap_or(&whole);
        Piece {
            name: &names[i],
            recipe: &recipes[i],
            count: set.count,
            indices: &set.indices,
            hist: &made[i].hist,
        }
    };
    let mut merge = Merge::start(piece(0), partial)?;
    for i in 1..made.len() {
        merge.add_piece(piece(i))?;
    }
    merge.finish()
}

/// The render the merge makes: the first piece's job and style, everyone's engines and notes.
fn merged_render(made: &[&Made], merged: Merged) -> Made {
    let first = made[0];
    let mut backends: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for m in made {
        if !backends.contains(&m.backend) {
            backends.push(m.backend.clone());
        }
        for n in &m.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    let shards = (!merged.missing.is_empty()).then(|| ShardSet {
        count: merged.count,
        indices: merged.indices(),
    });
    Made {
        job: first.job.clone(),
        target: merged.share,
        hist: merged.hist,
        style: first.style.clone(),
        backend: backends.join(" + "),
        seconds: made.iter().map(|m| m.seconds).sum(),
        notes,
        bounds_given: first.bounds_given,
        shards,
    }
}
