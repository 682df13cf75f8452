//! `attractors merge SHARD.npy...`: the exact sum of a job's shards ([`crate::shard`]), shaded and
//! written like a render. Outputs are checked before any shard is read; each shard's recipe
//! sidecar is checked against the first (same job, same shard count, no duplicate, finished),
//! then its counts are added in 64 bits.

use super::render_out::Outputs;
use crate::cli::merge_args::MergeArgs;
use crate::density::Quality;
use crate::histogram::Histogram;
use crate::output::{Kind, OutputFile, Roles, is_stdio};
use crate::recipe::Recipe;
use crate::shade::Style;
use crate::shard::Merge;
use anyhow::{Result, anyhow, bail};
use std::path::Path;

pub fn run(a: &MergeArgs) -> Result<()> {
    check_args(a)?;
    roles(a).check()?;
    let outputs = prepare_outputs(a)?;
    let (merge, (style, quality)) = read_shards(a)?;
    let share = merge.share();
    let merged = merge.finish()?;
    if !a.quiet {
        report(&merged, share);
    }
    let recipe = merged.recipe.clone();
    outputs.write(&merged.hist, None, &style, &quality, recipe, a.quiet)?;
    Ok(())
}

/// At least one output, and shards from files.
fn check_args(a: &MergeArgs) -> Result<()> {
    if a.png.is_none() && a.hist.is_none() {
        bail!("merge: no output; give --png FILE.png and/or --hist FILE.npy");
    }
    if let Some(f) = a.files.iter().find(|f| is_stdio(f)) {
        bail!(
            "merge: {}: shards are read from files (each with its recipe beside it), not standard input",
            f.display()
        );
    }
    Ok(())
}

/// The files merge reads (each shard and its recipe) and writes.
fn roles(a: &MergeArgs) -> Roles {
    let mut roles = Roles::new();
    for f in &a.files {
        let recipe = crate::recipe::sidecar_path(f);
        roles
            .input("shard", Some(f))
            .input("the recipe of shard", Some(&recipe));
    }
    let recipe = a
        .hist
        .as_deref()
        .filter(|p| !is_stdio(p))
        .map(crate::recipe::sidecar_path);
    roles
        .output("--png", a.png.as_deref())
        .output("--hist", a.hist.as_deref())
        .derived(
            "the recipe beside --hist",
            recipe.as_deref(),
            "give --hist another name",
        );
    roles
}

/// Every output checked and locked, before any shard is read.
fn prepare_outputs(a: &MergeArgs) -> Result<Outputs> {
    let png = a
        .png
        .as_deref()
        .map(|p| OutputFile::prepare_or_stdout(p, Kind::Png, "--png"))
        .transpose()?;
    let npy = a
        .hist
        .as_deref()
        .map(|p| OutputFile::prepare_or_stdout(p, Kind::Npy, "--hist"))
        .transpose()?;
    Outputs::with(png, npy, a.hist.as_deref(), None)
}

/// Every shard read and added; the first shard's style and print quality (checked as soon as it
/// is read) shade the merge.
fn read_shards(a: &MergeArgs) -> Result<(Merge, (Style, Quality))> {
    let mut merge: Option<(Merge, (Style, Quality))> = None;
    for f in &a.files {
        let (recipe, counts) = read_shard(f)?;
        let name = f.display().to_string();
        match &mut merge {
            None => {
                let look = (
                    crate::cli::from::recipe_style(&recipe, &name)?,
                    crate::cli::from::recipe_quality(&recipe, &name)?,
                );
                merge = Some((Merge::new(&name, recipe, counts, a.partial)?, look));
            }
            Some((m, _)) => m.add(&name, &recipe, &counts)?,
        }
    }
    merge.ok_or_else(|| anyhow!("merge: no shard given"))
}

/// How many shards and points were merged, and which shards are missing.
fn report(merged: &crate::shard::Merged, share: u64) {
    let r = &merged.recipe;
    let of = merged.present + merged.missing.len();
    eprintln!(
        "merged {} of {of} shards: {} of the job's {} points ({} of the shards' {share}), {} counted",
        merged.present, merged.done, r.points, merged.done, merged.hist.tally.counted
    );
    if !merged.missing.is_empty() {
        let list: Vec<String> = merged.missing.iter().map(u32::to_string).collect();
        eprintln!("partial: missing shard(s) {}", list.join(", "));
    }
}

/// A shard's recipe (from `FILE.recipe.json`) and counts.
fn read_shard(path: &Path) -> Result<(Recipe, Histogram)> {
    let name = path.display().to_string();
    let way_out = "merge the --hist files of `attractors --shard I/N` renders";
    if !name.to_ascii_lowercase().ends_with(".npy") {
        bail!("{name}: not a shard's counts (a .npy); {way_out}");
    }
    let recipe = match crate::recipe::load(path) {
        Err(crate::recipe::RecipeError::Missing { .. }) => {
            bail!("{name}: not a shard: no recipe beside it (its .recipe.json); {way_out}")
        }
        r => r?.into_picture(&name)?,
    };
    let bounds = recipe.bounds().map_err(|e| anyhow!("{name}: {e}"))?;
    let (w, h, counts) = crate::npy::read_counts(path)?;
    let mut hist = Histogram::new(w, h, bounds);
    hist.counts = counts;
    Ok((recipe, hist))
}
