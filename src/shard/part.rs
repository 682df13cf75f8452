//! What one input of a merge holds ([`Part`]), checked against its counts before anything is
//! added: a shard file's recipe part, or a [`Piece`] held in memory.

use super::merge::{MergeError, Piece};
use super::{MAX_SHARDS, Shard, ShardPart};
use crate::histogram::{Histogram, Tally};
use crate::recipe::Recipe;

/// What the merge knows of one input, checked against its counts.
pub(super) struct Part {
    pub count: u32,
    pub indices: Vec<u32>,
    pub tally: Tally,
    pub done: u64,
    pub share: u64,
}

fn tally_of(p: &ShardPart) -> Tally {
    Tally {
        counted: p.counted,
        outside: p.outside,
        diverged: p.diverged,
    }
}

/// The counts of an input agree with its recipe's canvas and its tally.
fn check_counts(
    file: &str,
    recipe: &Recipe,
    counts: &Histogram,
    counted: u64,
) -> Result<(), MergeError> {
    let [rw, rh] = recipe.size;
    let n = recipe.supersample.max(1);
    if (counts.width, counts.height) != (rw * n, rh * n) {
        return Err(MergeError::Size {
            file: file.into(),
            w: counts.width,
            h: counts.height,
            rw: rw * n,
            rh: rh * n,
        });
    }
    let sum = counts.sum();
    if sum != counted {
        return Err(MergeError::Counted {
            file: file.into(),
            sum,
            counted,
        });
    }
    Ok(())
}

/// The shard part of `recipe`, checked against its counts (and finished, unless `partial`).
pub(super) fn part_of(
    file: &str,
    recipe: &Recipe,
    counts: &Histogram,
    partial: bool,
) -> Result<Part, MergeError> {
    let part = recipe
        .shard
        .clone()
        .ok_or_else(|| MergeError::NotAShard { file: file.into() })?;
    if part.count == 0 || part.index >= part.count || part.count > MAX_SHARDS {
        return Err(MergeError::NotAShard { file: file.into() });
    }
    check_counts(file, recipe, counts, part.counted)?;
    if part.done < part.share && !partial {
        return Err(MergeError::Unfinished {
            file: file.into(),
            index: part.index,
            count: part.count,
            done: part.done,
            share: part.share,
        });
    }
    Ok(Part {
        count: part.count,
        indices: vec![part.index],
        tally: tally_of(&part),
        done: part.done,
        share: part.share,
    })
}

/// What `piece` holds, checked (its shard numbers, its counts, finished unless `partial`).
pub(super) fn piece_part(piece: &Piece, partial: bool) -> Result<Part, MergeError> {
    let (file, count) = (piece.name, piece.count);
    let mut indices = piece.indices.to_vec();
    indices.sort_unstable();
    let repeated = indices.windows(2).any(|w| w[0] == w[1]);
    if count == 0 || count > MAX_SHARDS || indices.is_empty() || repeated {
        return Err(MergeError::NotAShard { file: file.into() });
    }
    if indices.iter().any(|&i| i >= count) {
        return Err(MergeError::NotAShard { file: file.into() });
    }
    let tally = piece.hist.tally;
    check_counts(file, piece.recipe, piece.hist, tally.counted)?;
    let share = indices
        .iter()
        .map(|&index| Shard { index, count }.points(piece.recipe.points))
        .sum();
    let done = tally.total();
    if done < share && !partial {
        return Err(MergeError::Unfinished {
            file: file.into(),
            index: indices[0],
            count,
            done,
            share,
        });
    }
    Ok(Part {
        count,
        indices,
        tally,
        done,
        share,
    })
}
