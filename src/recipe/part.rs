//! The shard part of a recipe (`--shard I/N`; the shard module makes and merges them).

use serde::{Deserialize, Serialize};

/// What a shard's recipe sidecar records besides the job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardPart {
    /// The shard's index, `0..count`.
    pub index: u32,
    /// How many shards the job is split into.
    pub count: u32,
    /// Points of this shard's share of the job.
    pub share: u64,
    /// Points it did (less than `share` when it was stopped).
    pub done: u64,
    /// Points it binned.
    pub counted: u64,
    /// Points outside the bounds.
    pub outside: u64,
    /// Points lost to divergence.
    pub diverged: u64,
}
