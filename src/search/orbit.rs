//! The screen's orbits: the float64 transient and measured run (with the nearby orbit of the
//! Lyapunov estimate and the fixed-point/cycle check), and the float32 orbit that tells whether
//! the sampled and GPU modes, which run the map in float32, can follow it.

use super::rules::{CYCLE_TOLERANCE, LYAPUNOV_POINTS, MAX_CYCLE, POINTS, Reason, TRANSIENT};
use crate::attractor::Preset;
use crate::job::diverged_f64;

/// Initial separation of the nearby orbit used for the Lyapunov exponent.
const SEPARATION: f64 = 1e-9;

/// The measured run of an orbit.
pub struct Measured {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub zs: Vec<f64>,
    /// The point after the last measured one.
    pub last: [f64; 3],
    /// Largest Lyapunov exponent, nats per iteration.
    pub lyapunov: f64,
}

fn diverged(p: [f64; 3]) -> bool {
    diverged_f64(p[0], p[1]) || !p[2].is_finite()
}

/// Runs the [`TRANSIENT`] of the map `step` from `start`: the point it ends on, or why the orbit is rejected
/// already (diverged, or settled on a fixed point or a cycle).
pub fn settle(
    step: &mut impl FnMut([f64; 3]) -> [f64; 3],
    start: [f64; 3],
) -> Result<[f64; 3], Reason> {
    // The transient keeps its last MAX_CYCLE points, so an orbit that has already settled on a
    // fixed point or a cycle is rejected without the measuring run.
    let mut tail = [[0.0; 3]; MAX_CYCLE];
    let mut pt = start;
    for i in 0..TRANSIENT {
        tail[i % MAX_CYCLE] = pt;
        pt = step(pt);
        if diverged(pt) {
            return Err(Reason::Diverged { iteration: i + 1 });
        }
    }
    let recent: Vec<[f64; 3]> = (1..=MAX_CYCLE)
        .rev()
        .map(|back| tail[(TRANSIENT - back) % MAX_CYCLE])
        .collect();
    let (xs, ys, zs) = split(&recent);
    match recurrence(&xs, &ys, &zs, pt) {
        Some(period) => Err(cycle_reason(period)),
        None => Ok(pt),
    }
}

fn split(points: &[[f64; 3]]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    (
        points.iter().map(|p| p[0]).collect(),
        points.iter().map(|p| p[1]).collect(),
        points.iter().map(|p| p[2]).collect(),
    )
}

/// Measures [`POINTS`] iterations from `pt`, advancing a nearby orbit over the first
/// [`LYAPUNOV_POINTS`] (Sprott's method, renormalised every iteration). `Err` when it diverges.
pub fn measure(
    step: &mut impl FnMut([f64; 3]) -> [f64; 3],
    mut pt: [f64; 3],
) -> Result<Measured, Reason> {
    let mut xs = Vec::with_capacity(POINTS);
    let mut ys = Vec::with_capacity(POINTS);
    let mut zs = Vec::with_capacity(POINTS);
    let mut near = [pt[0] + SEPARATION, pt[1], pt[2]];
    let mut log_sum = 0.0;
    for i in 0..POINTS {
        xs.push(pt[0]);
        ys.push(pt[1]);
        zs.push(pt[2]);
        pt = step(pt);
        if diverged(pt) {
            return Err(Reason::Diverged {
                iteration: TRANSIENT + i + 1,
            });
        }
        if i < LYAPUNOV_POINTS {
            near = step(near);
            log_sum += stretch(&mut near, pt);
        }
    }
    Ok(Measured {
        xs,
        ys,
        zs,
        last: pt,
        lyapunov: log_sum / LYAPUNOV_POINTS.min(POINTS) as f64,
    })
}

/// The log of how far the nearby orbit `near` moved from `pt` in one step, relative to
/// [`SEPARATION`]; puts `near` back at that separation along the same direction.
fn stretch(near: &mut [f64; 3], pt: [f64; 3]) -> f64 {
    let d = [near[0] - pt[0], near[1] - pt[1], near[2] - pt[2]];
    let dist = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
    if dist > 0.0 && dist.is_finite() {
        let s = SEPARATION / dist;
        *near = [pt[0] + d[0] * s, pt[1] + d[1] * s, pt[2] + d[2] * s];
        (dist / SEPARATION).ln()
    } else {
        // The nearby orbit merged with (or left) this one: count the strongest contraction a
        // double can show, and start a fresh nearby orbit.
        *near = [pt[0] + SEPARATION, pt[1], pt[2]];
        if dist == 0.0 { (1e-16f64).ln() } else { 0.0 }
    }
}

/// The reason for a recurrence of `period`.
pub fn cycle_reason(period: usize) -> Reason {
    if period == 1 {
        Reason::FixedPoint
    } else {
        Reason::Cycle { period }
    }
}

/// The smallest period k <= [`MAX_CYCLE`] with `last` within tolerance of the point k steps back.
pub fn recurrence(xs: &[f64], ys: &[f64], zs: &[f64], last: [f64; 3]) -> Option<usize> {
    let n = xs.len();
    let tol = CYCLE_TOLERANCE * (1.0 + last[0].abs().max(last[1].abs()).max(last[2].abs()));
    (1..=MAX_CYCLE.min(n)).find(|&k| {
        let i = n - k;
        (xs[i] - last[0]).abs() <= tol
            && (ys[i] - last[1]).abs() <= tol
            && (zs[i] - last[2]).abs() <= tol
    })
}

/// The iteration at which the preset's orbit from its start point diverges in float32 (the
/// arithmetic of the sampled and GPU modes) within [`TRANSIENT`] + [`POINTS`] steps, if it does.
/// A map whose float64 orbit stays bounded can still leave float32 (an intermediate beyond
/// 3.4e38, such as `exp(60*y)`), and would render blank.
pub fn float32_divergence(p: &Preset) -> Option<usize> {
    let k64 = p.kernel_params();
    let k = k64.map(|v| v as f32);
    let mut pt = p.start.map(|v| v as f32);
    let gone = |q: [f32; 3]| diverged_f64(q[0] as f64, q[1] as f64) || !q[2].is_finite();
    let steps = TRANSIENT + POINTS;
    match &p.formula {
        None => (1..=steps).find(|_| {
            pt = p.equation.step_f32(pt, &k);
            gone(pt)
        }),
        Some(map) => {
            let mut eval = map.eval_f32::<1>(&k);
            (1..=steps).find(|_| {
                let (mut x, mut y, mut z) = ([pt[0]], [pt[1]], [pt[2]]);
                eval.step(&mut x, &mut y, &mut z);
                pt = [x[0], y[0], z[0]];
                gone(pt)
            })
        }
    }
}
