//! The inputs of a merge: what one holds ([`Part`]: a shard file's recipe part, or a [`Piece`]
//! held in memory), checked against its counts before anything is added, and why a set of them
//! cannot be merged ([`MergeError`]).

use super::{MAX_SHARDS, Shard, ShardPart};
use crate::histogram::{Histogram, Tally};
use crate::recipe::Recipe;

/// Why a set of shards cannot be merged. Every message names the file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MergeError {
    /// A file whose recipe has no shard part.
    #[error(
        "{file}: holds no shard (its recipe has no 'shard' part); merge the --hist files of `attractors --shard I/N` renders"
    )]
    NotAShard {
        /// The file, as given.
        file: String,
    },
    /// A shard of another job than the first file's.
    #[error("{file}: another job than {first}: {what}; merge only the shards of one job")]
    OtherJob {
        /// The file, as given.
        file: String,
        /// The first file given (it fixes the job).
        first: String,
        /// The fields that differ.
        what: String,
    },
    /// The same shard given twice.
    #[error("{file}: shard {index}/{count} again (also {other}); give each shard once")]
    Duplicate {
        /// The file, as given.
        file: String,
        /// The file that held it first.
        other: String,
        /// The shard's index (0-based).
        index: u32,
        /// The number of shards of the job.
        count: u32,
    },
    /// Shards missing (without `--partial`).
    #[error(
        "missing shard(s) {missing} of {count}; render them, or give --partial to merge the {present} present"
    )]
    Missing {
        /// The missing indices, listed.
        missing: String,
        /// The number of shards of the job.
        count: u32,
        /// Shards given.
        present: usize,
    },
    /// A shard that did not finish its share (without `--partial`).
    #[error(
        "{file}: shard {index}/{count} is unfinished ({done} of {share} points); finish it with --resume, or give --partial"
    )]
    Unfinished {
        /// The file, as given.
        file: String,
        /// The shard's index (0-based).
        index: u32,
        /// The number of shards of the job.
        count: u32,
        /// Points the shard did.
        done: u64,
        /// Points the shard was to do.
        share: u64,
    },
    /// Counts whose size is not the recipe's.
    #[error("{file}: {w}x{h} counts, but its recipe says {rw}x{rh}; the file is damaged")]
    Size {
        /// The file, as given.
        file: String,
        /// Width of the counts.
        w: u32,
        /// Height of the counts.
        h: u32,
        /// Width the recipe says.
        rw: u32,
        /// Height the recipe says.
        rh: u32,
    },
    /// Counts whose sum is not the recipe's counted points.
    #[error(
        "{file}: its counts sum to {sum}, but its recipe says {counted} counted; the file is damaged or not this recipe's"
    )]
    Counted {
        /// The file, as given.
        file: String,
        /// The counts' sum.
        sum: u64,
        /// The recipe's counted points.
        counted: u64,
    },
    /// A bin whose total passes 2^64.
    #[error("{file}: a bin's total passes 2^64; these cannot be the shards of one job")]
    Overflow {
        /// The file, as given.
        file: String,
    },
}

/// One input of a merge that is not a shard file: shards `indices` of `count` of the job that
/// `recipe` describes (its own `shard` part is not read), summed in `hist`, whose tally is
/// theirs. A shard rendered in memory is one index; the result of a partial merge is several, so
/// merges of merges (a tree reduction) are checked as strictly as files.
pub struct Piece<'a> {
    /// What messages call it (a file name, `renders[2]`).
    pub name: &'a str,
    /// The job's recipe (its own `shard` part is not read).
    pub recipe: &'a Recipe,
    /// The job's shard count.
    pub count: u32,
    /// The shards this piece holds (0-based indices).
    pub indices: &'a [u32],
    /// Their summed counts and tally.
    pub hist: &'a Histogram,
}

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
