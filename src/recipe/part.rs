//! The shard part of a recipe (`--shard I/N`; the shard module makes and merges them).

use serde::{Deserialize, Serialize};

/// What a shard's recipe sidecar records besides the job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardPart {
    pub index: u32,
    pub count: u32,
    /// Points of this shard's share of the job.
    pub share: u64,
    /// Points it did (less than `share` when it was stopped).
    pub done: u64,
    pub counted: u64,
    pub outside: u64,
    pub diverged: u64,
}
