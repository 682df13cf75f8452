//! The flags of `attractors merge`.

use clap::Args as ClapArgs;
use std::path::PathBuf;

// clap turns doc comments into --help text: this item's help is its clap attributes and the
// doc comments of its flags, so it carries none of its own.
#[allow(missing_docs)]
#[derive(ClapArgs, Debug)]
pub struct MergeArgs {
    /// The shards' counts: the --hist FILE.npy of each `attractors --shard I/N` render (each with
    /// its FILE.recipe.json beside it).
    #[arg(required = true, value_name = "SHARD.npy")]
    pub files: Vec<PathBuf>,
    /// Write the merged picture as PNG, shaded as the shards' recipe says.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Write the merged counts as .npy (uint32, or uint64 when a bin exceeds u32), with its
    /// recipe beside it.
    #[arg(long, value_name = "FILE.npy")]
    pub hist: Option<PathBuf>,
    /// Merge the shards given even when some are missing or unfinished (naming them).
    #[arg(long)]
    pub partial: bool,
    /// No summary lines.
    #[arg(long, short)]
    pub quiet: bool,
}
