//! GPU context: instance, adapter choice, device and queue (made once per process), and the
//! adapter listing of `attractors info`.

use super::GpuError;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// Instance, adapter, device and queue, plus the first device error seen (uncaptured errors and
/// device loss are recorded here and turned into [`GpuError`]s by the passes).
#[derive(Clone)]
pub struct GpuContext {
    /// The wgpu instance the adapter came from.
    pub instance: wgpu::Instance,
    /// The adapter (physical device) in use.
    pub adapter: wgpu::Adapter,
    /// The logical device every GPU object is made on.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
    /// The adapter's name, backend and driver (for messages).
    pub info: wgpu::AdapterInfo,
    /// The limits the device was opened with (raised to what the adapter allows).
    pub limits: wgpu::Limits,
    fault: Arc<Mutex<Option<String>>>,
}

/// Makes the descriptor of an instance: headless work names no display; the window names its
/// own (GL presents only to the display its instance was made with).
pub type Describe<'a> = &'a dyn Fn() -> wgpu::InstanceDescriptor;

/// The adapters of the primary backends (Vulkan, Metal, DX12), or `None` when `WGPU_BACKEND`
/// chooses the backends itself.
fn primary_adapters(describe: Describe) -> Option<(wgpu::Instance, Vec<wgpu::Adapter>)> {
    if std::env::var_os("WGPU_BACKEND").is_some() {
        return None;
    }
    let mut desc = describe();
    desc.backends = wgpu::Backends::PRIMARY;
    let primary = wgpu::Instance::new(desc);
    let found = pollster::block_on(primary.enumerate_adapters(wgpu::Backends::PRIMARY));
    Some((primary, found))
}

/// The adapters of every backend `WGPU_BACKEND` allows (all of them when it is unset).
fn every_adapter(describe: Describe) -> (wgpu::Instance, Vec<wgpu::Adapter>) {
    let all = wgpu::Instance::new(describe());
    let found = pollster::block_on(all.enumerate_adapters(wgpu::Backends::all()));
    (all, found)
}

/// Adapters to choose from: the primary backends (Vulkan, Metal, DX12) first, and GL only when
/// they find nothing (probing GL/EGL is slow and noisy). `WGPU_BACKEND` overrides both.
fn candidate_adapters() -> (wgpu::Instance, Vec<wgpu::Adapter>) {
    let headless = wgpu::InstanceDescriptor::new_without_display_handle_from_env;
    match primary_adapters(&headless) {
        Some(found) if !found.1.is_empty() => found,
        _ => every_adapter(&headless),
    }
}

/// The backends wgpu was asked to try, for the "no adapter" message. A `WGPU_BACKEND` that names
/// no backend wgpu knows (wgpu then tries nothing) is named with its accepted values.
pub fn backends_tried() -> String {
    let set = std::env::var("WGPU_BACKEND").ok();
    let b = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::all());
    let mut names = Vec::new();
    for (flag, name) in [
        (wgpu::Backends::VULKAN, "Vulkan"),
        (wgpu::Backends::GL, "GL"),
        (wgpu::Backends::METAL, "Metal"),
        (wgpu::Backends::DX12, "DX12"),
    ] {
        if b.contains(flag) {
            names.push(name);
        }
    }
    match set {
        Some(v) if names.is_empty() => format!(
            "no backend: WGPU_BACKEND='{v}' names none; accepted values are vulkan, gl, metal, dx12, comma-separated: fix or unset WGPU_BACKEND"
        ),
        _ => names.join(", "),
    }
}

/// The adapters the GPU backend chooses from, best first (the order `attractors info` numbers).
fn ranked_adapters() -> Result<(wgpu::Instance, Vec<wgpu::Adapter>), GpuError> {
    ranked(candidate_adapters())
}

/// The adapters that may draw into a window, best first, in two rounds: the primary backends
/// (skipped when `WGPU_BACKEND` is set), then every backend (GL included). A round that finds
/// no adapter able to present is followed by the next one.
pub fn window_rounds(describe: Describe) -> Vec<(wgpu::Instance, Vec<wgpu::Adapter>)> {
    let mut rounds = Vec::new();
    if let Some(primary) = primary_adapters(describe) {
        rounds.extend(ranked(primary).ok());
    }
    rounds.extend(ranked(every_adapter(describe)).ok());
    rounds
}

fn ranked(
    (instance, mut adapters): (wgpu::Instance, Vec<wgpu::Adapter>),
) -> Result<(wgpu::Instance, Vec<wgpu::Adapter>), GpuError> {
    if adapters.is_empty() {
        return Err(GpuError::NoAdapter {
            tried: backends_tried(),
        });
    }
    adapters.sort_by_key(|a| {
        let i = a.get_info();
        (rank(i.device_type), backend_rank(i.backend))
    });
    Ok((instance, adapters))
}

/// Preference order: discrete GPU, integrated, virtual, CPU (software) last.
fn rank(t: wgpu::DeviceType) -> u32 {
    match t {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    }
}

/// Prefer Vulkan over GL for the same device (GL lacks features and is slower).
fn backend_rank(b: wgpu::Backend) -> u32 {
    match b {
        wgpu::Backend::Vulkan | wgpu::Backend::Metal | wgpu::Backend::Dx12 => 0,
        _ => 1,
    }
}

impl GpuContext {
    /// Picks an adapter (by name substring if `wanted`, else the best by `rank`) and opens a
    /// device with the limits raised to what the adapter allows.
    pub fn new(wanted: Option<&str>) -> Result<GpuContext, GpuError> {
        let (instance, mut adapters) = ranked_adapters()?;
        let adapter = match wanted {
            Some(w) => {
                let lw = w.to_ascii_lowercase();
                let pos = adapters
                    .iter()
                    .position(|a| a.get_info().name.to_ascii_lowercase().contains(&lw));
                match pos {
                    Some(p) => adapters.swap_remove(p),
                    None => {
                        let found: Vec<String> =
                            adapters.iter().map(|a| describe(&a.get_info())).collect();
                        return Err(GpuError::NoSuchAdapter {
                            wanted: w.to_string(),
                            found: found.join("; "),
                        });
                    }
                }
            }
            None => adapters.remove(0),
        };
        GpuContext::open(instance, adapter)
    }

    /// Opens several adapters for one job (`--adapter all`, or `--adapter 0,2`: positions in
    /// the list `attractors info` prints, best first).
    pub fn open_many(spec: &str) -> Result<Vec<GpuContext>, GpuError> {
        let (_, adapters) = ranked_adapters()?;
        let count = adapters.len();
        let wanted: Vec<usize> = if spec.eq_ignore_ascii_case("all") {
            (0..count).collect()
        } else {
            let mut v = Vec::new();
            for t in spec.split(',') {
                match t.trim().parse::<usize>() {
                    Ok(i) if i < count && !v.contains(&i) => v.push(i),
                    _ => {
                        return Err(GpuError::NoSuchPosition {
                            spec: spec.to_string(),
                            position: format!("'{}' (or given twice)", t.trim()),
                            found: adapters
                                .iter()
                                .enumerate()
                                .map(|(i, a)| format!("{i}: {}", describe(&a.get_info())))
                                .collect::<Vec<_>>()
                                .join("; "),
                        });
                    }
                }
            }
            v
        };
        drop(adapters);
        // Each device gets its own instance and adapter object: they run on their own threads.
        wanted
            .into_iter()
            .map(|i| {
                let (instance, mut list) = ranked_adapters()?;
                if i >= list.len() {
                    return Err(GpuError::NoAdapter {
                        tried: backends_tried(),
                    });
                }
                GpuContext::open(instance, list.swap_remove(i))
            })
            .collect()
    }

    /// Whether `spec` names several adapters (`all` or a list of positions) rather than one name.
    pub fn is_many(spec: &str) -> bool {
        spec.eq_ignore_ascii_case("all")
            || (!spec.is_empty()
                && spec
                    .split(',')
                    .all(|t| !t.trim().is_empty() && t.trim().bytes().all(|b| b.is_ascii_digit())))
    }

    /// Opens a device on `adapter` with the limits raised to what the adapter allows.
    pub fn open(instance: wgpu::Instance, adapter: wgpu::Adapter) -> Result<GpuContext, GpuError> {
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("gpu.context.device"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| GpuError::Device {
            adapter: describe(&info),
            message: e.to_string(),
        })?;
        let fault = Arc::new(Mutex::new(None));
        let f = fault.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            let mut slot = f.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert_with(|| e.to_string());
        }));
        let f = fault.clone();
        device.set_device_lost_callback(move |reason, msg| {
            let mut slot = f.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert_with(|| format!("device lost ({reason:?}): {msg}"));
        });
        Ok(GpuContext {
            instance,
            adapter,
            device,
            queue,
            info,
            limits,
            fault,
        })
    }

    /// "llvmpipe (LLVM 15.0.6, 256 bits), Vulkan, Cpu".
    pub fn describe(&self) -> String {
        describe(&self.info)
    }

    /// Whether this is a software adapter (lavapipe/llvmpipe, WARP).
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// The first device error or loss seen so far, if any.
    pub fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Fails with [`GpuError::DeviceLost`] if the device reported an error or loss.
    pub fn check(&self) -> Result<(), GpuError> {
        match self.fault() {
            Some(m) => Err(GpuError::DeviceLost(m)),
            None => Ok(()),
        }
    }

    /// Refuses sizes whose whole 64-bit histogram does not fit in one storage binding (the GPU
    /// shade pass reads it from one), naming the limit and the largest square that fits.
    pub fn check_one_binding(&self, width: u32, height: u32) -> Result<(), GpuError> {
        let ctx = self;
        let (limit, limit_name) = self.binding_bytes();
        let needed = totals_bytes(width, height);
        let tex = ctx.limits.max_texture_dimension_2d;
        if needed > limit {
            let largest = (((limit / 8).saturating_sub(3)) as f64).sqrt().floor() as u32;
            return Err(GpuError::TooLarge {
                width,
                height,
                what: "its 64-bit histogram",
                needed_mib: needed.div_ceil(1 << 20),
                limit_mib: limit >> 20,
                limit_name,
                largest: largest.min(tex),
                adapter: ctx.describe(),
            });
        }
        self.check_texture(width, height)
    }

    pub(super) fn check_texture(&self, width: u32, height: u32) -> Result<(), GpuError> {
        let tex = self.limits.max_texture_dimension_2d;
        if width > tex || height > tex {
            return Err(GpuError::TextureTooLarge {
                width,
                height,
                side: tex,
                adapter: self.describe(),
            });
        }
        Ok(())
    }

    /// Waits for all submitted work.
    pub fn wait(&self) -> Result<(), GpuError> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: None,
                timeout: None,
            })
            .map_err(|e| GpuError::DeviceLost(e.to_string()))?;
        self.check()
    }
}

/// Bytes of GPU storage a `width x height` job needs in its largest binding (the 64-bit totals).
pub fn totals_bytes(width: u32, height: u32) -> u64 {
    (width as u64 * height as u64 + 3) * 8
}

/// The adapter the GPU backend would open first (the best by rank), without opening a device.
pub fn best_adapter_info() -> Result<wgpu::AdapterInfo, GpuError> {
    let (_, adapters) = ranked_adapters()?;
    Ok(adapters[0].get_info())
}

/// "llvmpipe (LLVM 15.0.6, 256 bits), Vulkan, Cpu".
pub fn describe_info(i: &wgpu::AdapterInfo) -> String {
    describe(i)
}

/// An adapter in one line: name (driver), backend, device type.
pub fn describe(i: &wgpu::AdapterInfo) -> String {
    format!(
        "{} ({}), {:?}, {:?}",
        i.name, i.driver_info, i.backend, i.device_type
    )
}

/// Text of `attractors info`: every adapter wgpu sees and the limits that matter.
pub fn info_text() -> String {
    let mut out = String::new();
    let adapters = match ranked_adapters() {
        Ok((_, a)) => a,
        Err(e) => {
            let _ = writeln!(out, "{e}");
            return out;
        }
    };
    for (n, a) in adapters.into_iter().enumerate() {
        let i = a.get_info();
        let l = a.limits();
        let _ = writeln!(out, "adapter {n}: {}", i.name);
        let _ = writeln!(
            out,
            "  backend: {:?}, device type: {:?}",
            i.backend, i.device_type
        );
        let _ = writeln!(out, "  driver: {} {}", i.driver, i.driver_info);
        let _ = writeln!(
            out,
            "  max storage buffer binding: {} MiB",
            l.max_storage_buffer_binding_size >> 20
        );
        let _ = writeln!(out, "  max buffer size: {} MiB", l.max_buffer_size >> 20);
        let _ = writeln!(
            out,
            "  max workgroups per dimension: {}, max invocations per workgroup: {}",
            l.max_compute_workgroups_per_dimension, l.max_compute_invocations_per_workgroup
        );
        let _ = writeln!(out, "  max texture side: {}", l.max_texture_dimension_2d);
    }
    out
}

/// [`info_text`] as JSON: `{"adapters": [{name, backend, device_type, driver, driver_info,
/// max_storage_buffer_binding_size, max_buffer_size, max_compute_workgroups_per_dimension,
/// max_compute_invocations_per_workgroup, max_texture_dimension_2d}], "error": null or why none}`.
pub fn info_json() -> serde_json::Value {
    let adapters = ranked_adapters().map(|(_, a)| a).unwrap_or_default();
    let list: Vec<serde_json::Value> = adapters
        .iter()
        .map(|a| {
            let i = a.get_info();
            let l = a.limits();
            serde_json::json!({
                "name": i.name,
                "backend": format!("{:?}", i.backend),
                "device_type": format!("{:?}", i.device_type),
                "driver": i.driver,
                "driver_info": i.driver_info,
                "max_storage_buffer_binding_size": l.max_storage_buffer_binding_size,
                "max_buffer_size": l.max_buffer_size,
                "max_compute_workgroups_per_dimension": l.max_compute_workgroups_per_dimension,
                "max_compute_invocations_per_workgroup": l.max_compute_invocations_per_workgroup,
                "max_texture_dimension_2d": l.max_texture_dimension_2d,
            })
        })
        .collect();
    let error = list.is_empty().then(|| {
        GpuError::NoAdapter {
            tried: backends_tried(),
        }
        .to_string()
    });
    serde_json::json!({ "adapters": list, "error": error })
}
