//! The exact merge of shards ([`Merge`]): the first input fixes the job; every further one is
//! checked (same job, same shard count, no shard twice, finished) and its counts added in 64
//! bits. An input is a shard file's recipe and counts (`attractors merge`), or a [`Piece`]: a
//! shard rendered in memory, or a partial merge holding several shards (the Python package's
//! `merge`, and the tree reduction of `attractors.dask`).

use super::part::{MergeError, Part, Piece, part_of, piece_part};
use crate::histogram::Histogram;
use crate::recipe::Recipe;

/// A merge in progress: the first shard fixes the job; every further one is checked and added.
pub struct Merge {
    partial: bool,
    recipe: Recipe,
    first: String,
    seen: Vec<Option<String>>,
    hist: Histogram,
    done: u64,
    share: u64,
}

/// The result of [`Merge::finish`].
pub struct Merged {
    /// The job's recipe, without a shard part; `points` is the whole job's.
    pub recipe: Recipe,
    /// The summed counts and tally.
    pub hist: Histogram,
    /// Shards merged.
    pub present: usize,
    /// The missing shards' indices, ascending (only with `partial`).
    pub missing: Vec<u32>,
    /// The job's shard count.
    pub count: u32,
    /// Points done, out of the job's.
    pub done: u64,
    /// Points of the shares merged.
    pub share: u64,
}

impl Merged {
    /// The indices of the shards merged.
    pub fn indices(&self) -> Vec<u32> {
        (0..self.count)
            .filter(|i| self.missing.binary_search(i).is_err())
            .collect()
    }
}

/// The recipe fields that say which job it is (the style may differ between shards: the
/// first shard's is used).
fn job_fields(r: &Recipe) -> serde_json::Value {
    let mut j = r.clone();
    j.shard = None;
    let first_style = Recipe {
        shade: String::new(),
        palette: String::new(),
        background: String::new(),
        span: None,
        depth: 8,
        de: None,
        ..j
    };
    serde_json::to_value(first_style).unwrap_or_default()
}

impl Merge {
    /// Starts with the shard in `file`: its recipe and counts. With `partial`, unfinished and
    /// missing shards are accepted.
    pub fn new(
        file: &str,
        recipe: Recipe,
        counts: Histogram,
        partial: bool,
    ) -> Result<Merge, MergeError> {
        let part = part_of(file, &recipe, &counts, partial)?;
        Ok(Merge::begin(file, recipe, counts, part, partial))
    }

    /// Starts with `piece` (see [`Piece`]).
    pub fn start(piece: Piece, partial: bool) -> Result<Merge, MergeError> {
        let part = piece_part(&piece, partial)?;
        let mut recipe = piece.recipe.clone();
        recipe.shard = None;
        Ok(Merge::begin(
            piece.name,
            recipe,
            piece.hist.clone(),
            part,
            partial,
        ))
    }

    fn begin(file: &str, recipe: Recipe, counts: Histogram, part: Part, partial: bool) -> Merge {
        let mut hist = counts;
        hist.tally = part.tally;
        let mut seen = vec![None; part.count as usize];
        for &i in &part.indices {
            seen[i as usize] = Some(file.to_string());
        }
        Merge {
            partial,
            done: part.done,
            share: part.share,
            recipe,
            first: file.to_string(),
            seen,
            hist,
        }
    }

    /// Checks the shard in `file` against the first and adds its counts.
    pub fn add(
        &mut self,
        file: &str,
        recipe: &Recipe,
        counts: &Histogram,
    ) -> Result<(), MergeError> {
        let part = part_of(file, recipe, counts, self.partial)?;
        self.add_part(file, recipe, counts, part)
    }

    /// Checks `piece` against the first input and adds its counts.
    pub fn add_piece(&mut self, piece: Piece) -> Result<(), MergeError> {
        let part = piece_part(&piece, self.partial)?;
        self.add_part(piece.name, piece.recipe, piece.hist, part)
    }

    fn add_part(
        &mut self,
        file: &str,
        recipe: &Recipe,
        counts: &Histogram,
        part: Part,
    ) -> Result<(), MergeError> {
        self.check_same_job(file, recipe, part.count)?;
        for &i in &part.indices {
            if let Some(other) = &self.seen[i as usize] {
                return Err(MergeError::Duplicate {
                    file: file.into(),
                    other: other.clone(),
                    index: i,
                    count: part.count,
                });
            }
        }
        for (s, c) in self.hist.counts.iter_mut().zip(&counts.counts) {
            *s = s
                .checked_add(*c)
                .ok_or_else(|| MergeError::Overflow { file: file.into() })?;
        }
        self.hist.tally.add(&part.tally);
        for &i in &part.indices {
            self.seen[i as usize] = Some(file.to_string());
        }
        self.done += part.done;
        self.share += part.share;
        Ok(())
    }

    /// Refuses an input of another job than the first, or of another shard count.
    fn check_same_job(&self, file: &str, recipe: &Recipe, count: u32) -> Result<(), MergeError> {
        let (a, b) = (job_fields(&self.recipe), job_fields(recipe));
        let mut what: Vec<String> = Vec::new();
        if let (serde_json::Value::Object(a), serde_json::Value::Object(b)) = (&a, &b) {
            for (k, va) in a {
                let vb = b.get(k).cloned().unwrap_or_default();
                if *va != vb {
                    what.push(format!("{k} {vb} (first: {va})"));
                }
            }
        }
        let first_count = self.seen.len() as u32;
        if first_count != count {
            what.push(format!("{count} shards (first: {first_count})"));
        }
        if what.is_empty() {
            return Ok(());
        }
        Err(MergeError::OtherJob {
            file: file.into(),
            first: self.first.clone(),
            what: what.join(", "),
        })
    }

    /// The merged counts; refuses missing shards unless `partial`.
    pub fn finish(mut self) -> Result<Merged, MergeError> {
        let missing: Vec<u32> = (0..self.seen.len() as u32)
            .filter(|&i| self.seen[i as usize].is_none())
            .collect();
        let count = self.seen.len() as u32;
        let present = self.seen.len() - missing.len();
        if !missing.is_empty() && !self.partial {
            let shown: Vec<String> = missing.iter().take(20).map(u32::to_string).collect();
            let more = if missing.len() > 20 {
                format!(" and {} more", missing.len() - 20)
            } else {
                String::new()
            };
            return Err(MergeError::Missing {
                missing: format!("{}{more}", shown.join(", ")),
                count,
                present,
            });
        }
        self.recipe.shard = None;
        Ok(Merged {
            recipe: self.recipe,
            hist: self.hist,
            present,
            missing,
            count,
            done: self.done,
            share: self.share,
        })
    }

    /// Points of the shares merged so far.
    pub fn share(&self) -> u64 {
        self.share
    }
}
