use super::*;
use crate::histogram::Bounds;

fn hist(w: u32, h: u32, bins: &[(usize, u64)]) -> Histogram {
    let mut hist = Histogram::new(w, h, Bounds::new(0.0, 1.0, 0.0, 1.0).unwrap());
    for &(i, c) in bins {
        hist.counts[i] = c;
    }
    hist
}

#[test]
fn widths_shrink_with_the_count_and_stop_at_min() {
    let de: De = "9,0.5,0.5".parse().unwrap();
    assert_eq!(de.width(1.0), 9.0);
    assert_eq!(de.width(4.0), 4.5);
    assert_eq!(de.width(81.0), 1.0);
    assert_eq!(de.width(1e6), 0.5, "MIN holds");
    // Quantised to quarter pixels.
    assert_eq!(de.width(2.0), 6.25); // 9 / sqrt 2 = 6.36
    let flam3: De = "9".parse().unwrap();
    assert_eq!((flam3.min, flam3.curve), (0.0, 0.4));
}

#[test]
fn bad_de_values_are_refused_by_name() {
    for (text, want) in [
        ("0", "RADIUS 0 is out of range"),
        ("9,10", "MIN 10 is out of range"),
        ("9,0,3", "CURVE 3 is out of range"),
        ("9,x", "'x' is not a number"),
        ("1,2,3,4", "found 4 values"),
        ("100", "RADIUS 100"),
        ("1e30", "RADIUS 1e30 is out of range"),
    ] {
        let e = text.parse::<De>().unwrap_err();
        assert!(e.contains(want) && e.starts_with("--de"), "{text}: {e}");
    }
}

#[test]
fn a_lone_point_spreads_and_a_dense_bin_stays_sharp() {
    let de: De = "4,0,0.5".parse().unwrap();
    // A count-1 bin in the middle of a 32x32 canvas, and a count-10000 bin (width 0.04 -> 0).
    let h = hist(32, 32, &[(16 * 32 + 8, 1), (16 * 32 + 24, 10_000)]);
    let d = estimate(&h, &de);
    let total: f64 = d.iter().sum();
    assert!((total - 10_001.0).abs() < 1e-6, "mass kept: {total}");
    assert_eq!(d[16 * 32 + 24], 10_000.0, "the dense bin is untouched");
    let lit = d[..].iter().filter(|&&v| v > 0.0 && v < 1.0).count();
    assert!(
        lit >= 49,
        "the lone point covers a 7x7 area or more, got {lit}"
    );
    assert!(d[16 * 32 + 8] < 0.2 && d[16 * 32 + 8] > d[16 * 32 + 10]);
}

#[test]
fn supersampling_sums_blocks_and_without_de_keeps_the_counts() {
    let mut h = hist(4, 4, &[]);
    h.counts = (1..=16).collect();
    let out = finish(&h, None, 2).unwrap();
    assert_eq!((out.width, out.height), (2, 2));
    let s = DENSITY_SCALE;
    assert_eq!(
        out.counts,
        vec![
            (1 + 2 + 5 + 6) * s,
            (3 + 4 + 7 + 8) * s,
            (9 + 10 + 13 + 14) * s,
            (11 + 12 + 15 + 16) * s
        ]
    );
    assert!(
        finish(&h, None, 1).is_none(),
        "nothing to do: shade as it is"
    );
}

#[test]
fn fixed_point_densities_tone_map_like_counts() {
    use crate::shade::{CountStats, Shade, ToneMap};
    // Counts 1..5 and the same counts in fixed point give the same log levels.
    let counts: Vec<u64> = (1..=5).collect();
    let fixed: Vec<u64> = counts.iter().map(|c| c * DENSITY_SCALE).collect();
    let tone = |v: &[u64], scale| {
        let mut s = CountStats::new(Shade::Log);
        v.iter().for_each(|&c| s.add(c));
        ToneMap::from_stats_scaled(Shade::Log, &s, None, scale).unwrap()
    };
    let (a, b) = (tone(&counts, 1), tone(&fixed, DENSITY_SCALE));
    for (c, f) in counts.iter().zip(&fixed) {
        assert!((a.level(*c) - b.level(*f)).abs() < 1e-12);
    }
}

#[test]
fn kernel_levels_come_from_the_one_width_rule() {
    for text in ["9", "4,0.5,0.3", "2,0,1", "12,1,0", "64,0,0.05", "1,0.25,2"] {
        let de: De = text.parse().unwrap();
        let k = Kernels::new(&de);
        assert_eq!(k.taps.len(), (de.width(1.0) / WIDTH_STEP) as usize + 1);
        let mut counts: Vec<u64> = (1..20_000).collect();
        counts.extend([1 << 24, 1 << 32, 5_000_000_123, 1_000_000_000_000_000]);
        for c in counts {
            let want = (de.width(c as f64) / WIDTH_STEP).round() as usize;
            assert_eq!(k.level(c), want, "--de {text}, count {c}");
        }
        assert_eq!(
            k.reach(),
            de.width(1.0).ceil() as usize * (de.width(1.0) >= 0.5) as usize
        );
    }
}
