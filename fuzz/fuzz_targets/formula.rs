//! The formula parser on arbitrary text: never a panic; an accepted formula evaluates, compiles to
//! WGSL and prints text that parses back to the same tree; a refused one renders its error.
#![no_main]

use attractors::attractor::user::{Origin, UserMap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match UserMap::parse(&text) {
        Ok(m) => {
            let _ = m.step_f64([0.1, 0.2, 0.3], &[0.5; 7]);
            let mut ev = m.eval_f32::<8>(&[0.5; 7]);
            ev.step(&mut [0.1; 8], &mut [0.2; 8], &mut [0.3; 8]);
            let _ = m.map_step_wgsl();
            let printed = m.canonical_text();
            if printed.len() <= attractors::attractor::user::MAX_TEXT {
                let again = UserMap::parse(&printed).expect("printed formula parses");
                assert!(m.ast().same(again.ast()));
            }
        }
        Err(e) => {
            let _ = e.render(&text, Origin::Flag("--formula"));
        }
    }
});
