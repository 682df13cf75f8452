//! The search's result table: its text rows (search and `--score` alike), their JSON form and
//! the contact sheet's captions.

use crate::attractor::Preset;
use crate::search::Verdict;

/// The table header shared by both modes.
pub fn header() -> String {
    format!(
        "{:<4} {:<22} {:>6} {:>8} {:>6} {:>7} {:>5}  {:<28} parameters",
        "rank", "name", "score", "lyapunov", "cover%", "eff.px", "D2", "verdict"
    )
}

/// One result as a table row: rank, name, the screen's measures, the verdict and the parameters.
pub fn row(rank: &str, p: &Preset, v: &Verdict) -> String {
    let m = &v.metrics;
    let opt = |x: Option<f64>, prec: usize| x.map_or("-".to_string(), |v| format!("{v:.prec$}"));
    let verdict = match &v.reject {
        None => "accept".to_string(),
        Some(r) => format!("reject: {r}"),
    };
    let params: Vec<String> = p
        .named_params()
        .iter()
        .map(|(n, v)| format!("{n}={}", crate::histogram::show_f64(*v)))
        .collect();
    format!(
        "{:<4} {:<22} {:>6.1} {:>8} {:>6.1} {:>7.0} {:>5}  {:<28} {} start={},{}",
        rank,
        p.name,
        m.score(),
        opt(m.lyapunov, 4),
        m.coverage * 100.0,
        m.effective_pixels,
        opt(m.dimension, 2),
        verdict,
        params.join(" "),
        p.start[0],
        p.start[1],
    )
}

/// The rows of the table as JSON objects: the preset and its metrics and verdict.
pub fn results_json(results: &[(Preset, Verdict)], ranked: bool) -> Vec<serde_json::Value> {
    results
        .iter()
        .enumerate()
        .map(|(i, (p, v))| {
            let m = &v.metrics;
            serde_json::json!({
                "rank": ranked.then_some(i + 1),
                "preset": super::json::PresetJson::from(p),
                "score": m.score(),
                "lyapunov": m.lyapunov,
                "coverage": m.coverage,
                "effective_pixels": m.effective_pixels,
                "dimension": m.dimension,
                "accepted": v.reject.is_none(),
                "reject": v.reject.as_ref().map(|r| r.to_string()),
            })
        })
        .collect()
}

/// The second label line of a tile: score, Lyapunov exponent, dimension, or the reject reason.
pub fn caption(v: &Verdict) -> String {
    let m = &v.metrics;
    match &v.reject {
        None => format!(
            "score {:.1}  λ {:.3}  D2 {}",
            m.score(),
            m.lyapunov.unwrap_or(f64::NAN),
            m.dimension.map_or("-".into(), |d| format!("{d:.2}"))
        ),
        Some(r) => format!("{} (score {:.1})", r.name(), m.score()),
    }
}
