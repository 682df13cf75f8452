//! Property tests of the parsers (a modest case count in the normal run; `fuzz/` has cargo-fuzz
//! targets for longer runs): never a panic, and an accepted row renders what it says.

use attractors::attractor::{Equation, atr};
use attractors::cli::{parse_bounds, parse_count, parse_params, parse_size, parse_start};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn atr_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = atr::parse(&bytes, "fuzz.atr");
    }

    #[test]
    fn atr_parser_never_panics_on_csv_like_text(
        rows in proptest::collection::vec(proptest::collection::vec("[-a-z0-9_.,\"# eE+]{0,12}", 0..15), 0..6)
    ) {
        let mut text = String::from("Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n");
        for r in rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        if let Ok(presets) = atr::parse(text.as_bytes(), "fuzz.atr") {
            for p in presets {
                // Whatever was accepted is a complete, finite preset of a known equation.
                prop_assert_eq!(p.params.len(), p.equation.params().len());
                prop_assert!(p.params.iter().chain(&p.start).all(|v| v.is_finite()));
            }
        }
    }

    #[test]
    fn an_accepted_row_holds_exactly_what_it_says(
        eq_index in 0..Equation::ALL.len(),
        values in proptest::collection::vec(-1e6f64..1e6, 9),
        name in "[A-Za-z][A-Za-z0-9_]{0,15}",
    ) {
        let eq = Equation::ALL[eq_index];
        let n = eq.params().len();
        let mut params: Vec<f64> = values[3..3 + n].to_vec();
        if eq == Equation::SymmetricIcon {
            params[5] = 3.0; // the degree must be a whole number
        }
        let cols: Vec<String> = (0..7).map(|i| params.get(i).map(|v| format!("{v}")).unwrap_or_default()).collect();
        // A 2-D map's row leaves z at 0 (any other z is refused: the map never reads it).
        let z = if eq.uses_z() { values[2] } else { 0.0 };
        let row = format!("{name},{},{},{},{z},{}\n", eq.name(), values[0], values[1], cols.join(","));
        let text = format!("Attractor,Equation,x,y,z,a,b,c,d,e,f,g\n{row}");
        let p = atr::parse(text.as_bytes(), "rt.atr").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(p.len(), 1);
        prop_assert_eq!(&p[0].name, &name);
        prop_assert_eq!(p[0].equation, eq);
        prop_assert_eq!(p[0].start, [values[0], values[1], z]);
        prop_assert_eq!(&p[0].params, &params);
    }

    #[test]
    fn flag_parsers_never_panic(s in "\\PC{0,40}") {
        let _ = parse_count(&s);
        let _ = parse_size(&s);
        let _ = parse_bounds(&s);
        let _ = parse_start(&s);
        let _ = parse_params(&s);
    }

    #[test]
    fn accepted_counts_sizes_and_bounds_are_in_range(a in any::<f64>(), b in any::<f64>(), w in any::<u32>(), h in any::<u32>()) {
        if let Ok(n) = parse_count(&format!("{a}")) {
            prop_assert!((1..=attractors::cli::MAX_COUNT).contains(&n));
            prop_assert_eq!(n as f64, a);
        }
        if let Ok((x, y)) = parse_size(&format!("{w}x{h}")) {
            prop_assert_eq!((x, y), (w, h));
            prop_assert!((1..=65536).contains(&w) && (1..=65536).contains(&h));
        }
        if let Ok(v) = parse_bounds(&format!("{a},{b},{a},{b}")) {
            prop_assert!(v[0] < v[1] && v[0].is_finite() && v[1].is_finite());
        }
    }
}
