//! Density estimation (`--de`) on the GPU: the compute pass (`shaders/density.wgsl`) gives the
//! CPU blur's density to f32 rounding, on real renders and on counts beyond 2^32, and splitting
//! the canvas into bands of rows (forced small with the binding-size test hook) changes nothing.

mod common;
use attractors::Histogram;
use attractors::density::{De, Kernels, estimate};
use attractors::gpu::density::DensityPass;
use common::{bin, gpu};

fn render(name: &str, w: u32, h: u32, points: u64) -> Histogram {
    common::render_cpu(name, w, h, points, 0)
}

/// The largest difference between the two densities, relative to max(1, the CPU's value).
fn worst_relative(gpu: &[f64], cpu: &[f64]) -> f64 {
    assert_eq!(gpu.len(), cpu.len());
    gpu.iter()
        .zip(cpu)
        .map(|(g, c)| (g - c).abs() / c.max(1.0))
        .fold(0.0, f64::max)
}

#[test]
fn the_gpu_pass_gives_the_cpu_density() {
    let Some(ctx) = gpu() else { return };
    let pass = DensityPass::new(&ctx);
    let mut hists = vec![
        render("Clifford", 300, 200, 300_000),
        render("De_Jong_1", 257, 131, 2_000_000),
    ];
    // Counts at and beyond 2^32 (the 64-bit path), next to sparse bins.
    let mut big = Histogram::new(40, 30, hists[0].bounds);
    big.counts[5 * 40 + 7] = 1 << 32;
    big.counts[20 * 40 + 30] = 5_000_000_123;
    big.counts[21 * 40 + 30] = 1;
    big.counts[0] = 3;
    hists.push(big);
    for de in ["9", "4,0.5,0.3", "2,0,1", "12,1,0"] {
        let de: De = de.parse().unwrap();
        for h in &hists {
            let cpu = estimate(h, &de);
            let gpu = pass
                .estimate(&ctx, h, &Kernels::new(&de))
                .unwrap()
                .expect("a small canvas fits one band");
            let worst = worst_relative(&gpu, &cpu);
            eprintln!("{de:?} {}x{}: worst relative {worst:e}", h.width, h.height);
            assert!(
                worst < 1e-5,
                "{de:?} on {}x{}: worst relative difference {worst:e}",
                h.width,
                h.height
            );
            let (sg, sc) = (gpu.iter().sum::<f64>(), cpu.iter().sum::<f64>());
            assert!((sg - sc).abs() <= 1e-6 * sc, "mass {sg} vs {sc}");
            // Something was blurred: the density is not the counts.
            assert!(cpu.iter().zip(&h.counts).any(|(d, &c)| *d != c as f64));
        }
    }
}

#[test]
fn bands_of_rows_give_the_same_picture() {
    if gpu().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, binding: Option<&str>| {
        let path = dir.path().join(name);
        let mut cmd = bin();
        cmd.args([
            "--backend",
            "gpu",
            "--size",
            "300x200",
            "--iters",
            "2e5",
            "--de",
            "9",
            "--checkpoint",
            "0",
            "--png",
        ])
        .arg(&path);
        // lavapipe leaves --de to the CPU unless told otherwise.
        cmd.env("ATTRACTORS_TEST_GPU_DENSITY", "1");
        if let Some(b) = binding {
            // 100,000 bytes hold 41 rows of 300 bins: bands of 23 rows plus their halo.
            cmd.env("ATTRACTORS_TEST_GPU_BINDING_BYTES", b);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        assert!(err.contains("on the GPU"), "the GPU estimated: {err}");
        std::fs::read(path).unwrap()
    };
    let whole = run("whole.png", None);
    // Without the hook a software adapter estimates on the CPU (and says so).
    let out = bin()
        .args([
            "--backend",
            "gpu",
            "--size",
            "64x64",
            "--iters",
            "1e4",
            "--de",
            "3",
        ])
        .arg("--png")
        .arg(dir.path().join("cpu.png"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let software = attractors::gpu::GpuContext::new(None)
        .unwrap()
        .is_software();
    let by = if software { "on the CPU" } else { "on the GPU" };
    assert!(out.status.success() && err.contains(by), "{err}");
    let banded = run("banded.png", Some("100000"));
    assert!(whole == banded, "banding changed the picture");
}
