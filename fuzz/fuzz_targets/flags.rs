//! The number, size, bounds, start and parameter parsers on arbitrary text: never a panic.
#![no_main]

use attractors::cli::{parse_bounds, parse_count, parse_params, parse_size, parse_start};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(n) = parse_count(s) {
            assert!(n >= 1 && n <= attractors::cli::MAX_COUNT);
        }
        if let Ok((w, h)) = parse_size(s) {
            assert!((1..=65536).contains(&w) && (1..=65536).contains(&h));
        }
        if let Ok(b) = parse_bounds(s) {
            assert!(b[0] < b[1] && b[2] < b[3]);
        }
        let _ = parse_start(s);
        let _ = parse_params(s);
    }
});
