//! `--backend auto`: the one decision of which engine is faster on the machine at hand, used by
//! every command, the window and the Python package (through [`super::Engines::open`]) and shown
//! by `attractors info`.
//!
//! The rule: a hardware GPU (discrete, integrated or virtual) renders; a software adapter
//! (`DeviceType::Cpu`: Mesa lavapipe/llvmpipe, WARP) runs the shader on the same CPU cores as the
//! CPU engine, and slower (16 times at 4096x4096 and 2e9 points on 2 cores), so the CPU engine
//! renders instead; without any adapter, the CPU engine. An explicit `--adapter` names a GPU to
//! use, so it keeps the GPU. `--backend gpu` or `cpu` bypass the decision.

use super::Backend;

/// What `--backend auto` resolves to on this machine, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoChoice {
    /// [`Backend::Gpu`] or [`Backend::Cpu`].
    pub backend: Backend,
    /// Why, in words (the rest of [`AutoChoice::line`]).
    pub why: String,
}

impl AutoChoice {
    /// The choice for this machine: enumerates the adapters (no device is opened) and applies the
    /// module's rule to the best one; `adapter` is `--adapter`, if given.
    pub fn for_machine(adapter: Option<&str>) -> AutoChoice {
        if let Some(a) = adapter {
            return AutoChoice {
                backend: Backend::Gpu,
                why: format!("--adapter {a} names the GPU to use"),
            };
        }
        match crate::gpu::context::best_adapter_info() {
            Ok(info) => AutoChoice::for_adapter(&info),
            Err(e) => AutoChoice {
                backend: Backend::Cpu,
                why: e.to_string(),
            },
        }
    }

    /// The rule applied to the best adapter `info`.
    pub fn for_adapter(info: &wgpu::AdapterInfo) -> AutoChoice {
        AutoChoice::for_device(&crate::gpu::context::describe_info(info), info.device_type)
    }

    /// The rule for a best adapter of kind `device_type`, described as `name`.
    pub fn for_device(name: &str, device_type: wgpu::DeviceType) -> AutoChoice {
        if device_type == wgpu::DeviceType::Cpu {
            AutoChoice {
                backend: Backend::Cpu,
                why: format!(
                    "the only GPU adapter, {name}, is a software renderer, slower than the CPU engine on the same cores (--backend gpu uses it anyway)"
                ),
            }
        } else {
            AutoChoice {
                backend: Backend::Gpu,
                why: format!(
                    "{name} is a hardware GPU, faster than the CPU engine (--backend cpu renders on the CPU)"
                ),
            }
        }
    }

    /// One line for the user: `using the CPU: <why>` (or `using the GPU: ...`).
    pub fn line(&self) -> String {
        let engine = match self.backend {
            Backend::Gpu => "GPU",
            _ => "CPU",
        };
        format!("using the {engine}: {}", self.why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A software adapter loses to the CPU engine; every hardware kind wins.
    #[test]
    fn a_software_adapter_loses_to_the_cpu_engine() {
        let soft = AutoChoice::for_device("llvmpipe", wgpu::DeviceType::Cpu);
        assert_eq!(soft.backend, Backend::Cpu);
        assert!(soft.line().contains("software renderer"), "{}", soft.line());
        for t in [
            wgpu::DeviceType::DiscreteGpu,
            wgpu::DeviceType::IntegratedGpu,
            wgpu::DeviceType::VirtualGpu,
        ] {
            assert_eq!(AutoChoice::for_device("gpu", t).backend, Backend::Gpu);
        }
        let named = AutoChoice::for_machine(Some("llvmpipe"));
        assert_eq!(
            named.backend,
            Backend::Gpu,
            "an explicit --adapter keeps the GPU"
        );
    }
}
