//! Standard output for every command's text: a closed pipe (`attractors list | head`) ends the
//! output quietly; any other failure (a full disk behind `> file`) is an error naming standard
//! output, never a panic (`print!` panics) and never a silent success.

use anyhow::{Result, anyhow};
use std::io::Write;

/// Writes `bytes` to standard output and flushes it.
pub fn write(bytes: impl AsRef<[u8]>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes.as_ref()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(failed),
    }
}

/// The error for a failed write to standard output: a closed pipe says so (the program reading
/// it ended early); a full disk, or anything else, as it is.
pub fn failed(e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return anyhow!(
            "writing to standard output: the program reading the pipe closed it before the output was complete; check the command after `|`, or write to a file"
        );
    }
    if matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) {
        return anyhow!(
            "writing to standard output: {e}; free some space where it goes, or send it elsewhere"
        );
    }
    anyhow!("writing to standard output: {e}; send it elsewhere (a file, or another pipe)")
}
