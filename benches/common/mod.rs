//! The job both benchmark files time: Clifford at 1024x1024.

use attractors::histogram::Bounds;
use attractors::job::Job;

pub fn clifford(iters: u64) -> Job {
    let (presets, _) = (attractors::Presets::builtin().all().to_vec(), String::new());
    let preset = presets.into_iter().find(|p| p.name == "Clifford").unwrap();
    Job::new(
        preset,
        (1024, 1024),
        Bounds::new(-2.9, 2.9, -3.0, 3.0).unwrap(),
        iters,
        1000,
        0,
    )
}
