//! The part of the configuration that rules read. Rules see this, not the whole run's
//! settings, so a rule cannot depend on how the run is driven (threads, exit threshold, rule
//! selection).

use globset::GlobSet;

use crate::glob::Patterns;
use crate::k8s::KubernetesVersion;
use crate::registry_class::RegistryClasses;

pub struct RuleOptions {
    /// Images known to be on every node (`never-without-preload`).
    pub preloaded: GlobSet,
    /// When set, images must come from these registries (`disallowed-registry`).
    pub allowed_registries: Option<Patterns>,
    /// Registry classes added to the built-in guess.
    pub registries: RegistryClasses,
    /// The Kubernetes release whose behaviour the rules describe.
    pub kubernetes_version: KubernetesVersion,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            preloaded: GlobSet::empty(),
            allowed_registries: None,
            registries: RegistryClasses::default(),
            kubernetes_version: KubernetesVersion::CURRENT,
        }
    }
}
