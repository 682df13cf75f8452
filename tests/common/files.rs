//! Files for the file-safety tests: hand-made `.npy` headers, FIFOs and device nodes, output
//! locks held by the test, and commands run with a closed standard output.

use std::path::{Path, PathBuf};

/// A `.npy` header (version 1) for `descr` like '<u4', `shape` like "(2, 3)" and the order.
pub fn npy_header(descr: &str, shape: &str, fortran: bool) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes
}

/// Writes a hand-made `.npy`: its header, then `data` as it is.
pub fn write_npy(path: &Path, descr: &str, shape: &str, fortran: bool, data: &[u8]) {
    let mut bytes = npy_header(descr, shape, fortran);
    bytes.extend(data);
    std::fs::write(path, bytes).unwrap();
}

/// The same `.npy` file with its header rewritten: `fortran_order` True, or another dtype.
/// The header keeps its length (a `.npy` header is padded), so the data stays where it was.
pub fn retag_npy(path: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len(), "a header keeps its length");
    let bytes = std::fs::read(path).unwrap();
    let text_end = 10 + u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = String::from_utf8(bytes[10..text_end].to_vec()).unwrap();
    assert!(header.contains(from), "{header}");
    let mut out = bytes[..10].to_vec();
    out.extend(header.replacen(from, to, 1).as_bytes());
    out.extend(&bytes[text_end..]);
    std::fs::write(path, out).unwrap();
}

/// Little-endian bytes of `v`.
pub fn u32s(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Makes a FIFO at `path` (`mkfifo`).
pub fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A character device at `path`: a new node like /dev/null when the tests run as root (`mknod`),
/// else a symbolic link to /dev/null itself (an output through a link is the file it leads to).
pub fn device(path: &Path) {
    let made = std::process::Command::new("mknod")
        .arg(path)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        std::os::unix::fs::symlink("/dev/null", path).unwrap();
    }
}

/// Whether `path` is still what the test made: a FIFO or a device (not replaced by a file).
pub fn still_special(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::metadata(path).unwrap().file_type();
    t.is_fifo() || t.is_char_device()
}

/// Holds the lock of the output `path` as a running command would.
pub fn hold_lock(path: &Path) -> attractors::output::Lock {
    attractors::output::Lock::take(path, "test", &path.display().to_string()).unwrap()
}

/// The temporary and lock files left in `dir` (names starting `.attractors-` or ending `.lock`).
pub fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(".attractors-") || n.ends_with(".lock")
        })
        .collect()
}
