//! The `.atr` parser on arbitrary bytes: never a panic; accepted presets are complete and finite.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(presets) = attractors::attractor::atr::parse(data, "fuzz.atr") {
        for p in presets {
            assert_eq!(p.params.len(), p.equation.params().len());
            assert!(p.params.iter().chain(&p.start).all(|v| v.is_finite()));
        }
    }
});
