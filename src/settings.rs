//! What a run is configured with, already validated: built from the defaults, then the
//! configuration file, then the command line, each layer overriding the one before.

use std::collections::HashMap;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostic::Severity;
use crate::image::ImageRef;
use crate::registry::{self, RegistryClass};
use crate::rules::{self, Rule};

pub struct Settings {
    /// Namespace of objects that name none.
    pub default_namespace: String,
    /// Images known to be on every node.
    pub preloaded: GlobSet,
    /// The rules that run, in registry order.
    pub rules: Vec<&'static dyn Rule>,
    /// Severities that differ from the rules' defaults.
    levels: HashMap<&'static str, Severity>,
    /// When set, images must come from these registries (`disallowed-registry`).
    pub allowed_registries: Option<Patterns>,
    /// Registry classes added to the built-in ones.
    pub registries: RegistryClasses,
    /// The lowest severity that fails the run.
    pub fail_on: FailOn,
    /// Whether a suppression must give a reason (`-- reason`).
    pub require_reason: bool,
    /// Whether work may be spread over rayon's threads (`--threads` above 1).
    pub parallel: bool,
    /// The Kubernetes release whose behaviour the rules describe.
    pub kubernetes_version: KubernetesVersion,
}

/// A Kubernetes minor release, e.g. `1.35`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubernetesVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubernetesVersion {
    /// The newest release when this pullcheck was written (1.37, August 2026).
    pub const CURRENT: KubernetesVersion = KubernetesVersion {
        major: 1,
        minor: 37,
    };

    /// KEP-2535 (`KubeletEnsureSecretPulledImages`) is beta and on by default from here: the
    /// kubelet checks a pod's credentials before it reuses an image pulled with a Secret.
    pub const ENSURE_SECRET_PULLED_IMAGES: KubernetesVersion = KubernetesVersion {
        major: 1,
        minor: 35,
    };

    /// Reads `1.34`, `v1.34` or `1.34.2` (the patch is ignored).
    pub fn parse(text: &str) -> Result<KubernetesVersion, SettingsError> {
        let invalid = || {
            SettingsError(format!(
                "invalid Kubernetes version `{text}`: expected MAJOR.MINOR, e.g. 1.34"
            ))
        };
        let digits = text.trim().strip_prefix('v').unwrap_or(text.trim());
        let mut parts = digits.split('.');
        let mut number = || -> Result<u32, SettingsError> {
            parts
                .next()
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse().ok())
                .ok_or_else(invalid)
        };
        let version = KubernetesVersion {
            major: number()?,
            minor: number()?,
        };
        match parts.next() {
            None => Ok(version),
            Some(patch) if !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()) => {
                if parts.next().is_some() {
                    Err(invalid())
                } else {
                    Ok(version)
                }
            }
            Some(_) => Err(invalid()),
        }
    }

    /// Whether the kubelet verifies credentials before reusing an image pulled with a Secret.
    pub fn verifies_pulled_images(self) -> bool {
        self >= Self::ENSURE_SECRET_PULLED_IMAGES
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Glob patterns, compiled, with their text for messages.
pub struct Patterns {
    pub patterns: Vec<String>,
    pub globs: GlobSet,
}

/// A setting that cannot be used: reported as a usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    pub fn parse(value: &str) -> Option<FailOn> {
        match value {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "info" => Some(FailOn::Info),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }
}

/// A rule's level in configuration: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["error", "warning", "info", "off"];

    pub fn parse(value: &str) -> Option<Level> {
        match value {
            "error" => Some(Level::On(Severity::Error)),
            "warning" => Some(Level::On(Severity::Warning)),
            "info" => Some(Level::On(Severity::Info)),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// The user's registry classes: each entry a registry (`host[:port]`, globs allowed) or a
/// repository prefix (`ghcr.io/my-org`), consulted before the built-in guess.
#[derive(Default)]
pub struct RegistryClasses {
    entries: Vec<ClassEntry>,
}

struct ClassEntry {
    pattern: String,
    host: globset::GlobMatcher,
    /// The repository prefix, without slashes at either end; empty for a whole registry.
    path: String,
    class: RegistryClass,
}

impl RegistryClasses {
    /// Adds entries of one class (`registries.public`, `.private`, `.node-credentials`).
    pub fn add(&mut self, class: RegistryClass, patterns: &[String]) -> Result<(), SettingsError> {
        for pattern in patterns {
            let (host, path) = pattern.split_once('/').unwrap_or((pattern, ""));
            self.entries.push(ClassEntry {
                pattern: pattern.clone(),
                host: glob(host, "registry")?.compile_matcher(),
                path: path.trim_matches('/').to_string(),
                class,
            });
        }
        Ok(())
    }

    /// The class of an image's registry: the user's most specific entry (the longest
    /// repository prefix; on a tie `private`, then `node-credentials`, then `public`), else the
    /// built-in guess.
    pub fn classify(&self, reference: &ImageRef) -> RegistryClass {
        self.configured(reference)
            .map_or_else(|| registry::classify(reference.domain()), |e| e.class)
    }

    /// The user's entry that decides an image's class, if any: for messages.
    pub fn configured_pattern(&self, reference: &ImageRef) -> Option<&str> {
        self.configured(reference).map(|e| e.pattern.as_str())
    }

    fn configured(&self, reference: &ImageRef) -> Option<&ClassEntry> {
        let domain = reference.domain();
        let path = reference.path();
        let rank = |class| match class {
            RegistryClass::Private => 3,
            RegistryClass::NodeCredentials => 2,
            _ => 1,
        };
        self.entries
            .iter()
            .filter(|e| e.host.is_match(domain))
            // A prefix ends at a path boundary: `ghcr.io/my-org` is not `ghcr.io/my-organisation`.
            .filter(|e| {
                e.path.is_empty()
                    || path
                        .strip_prefix(e.path.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|e| (e.path.len(), rank(e.class)))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_namespace: "default".into(),
            preloaded: GlobSet::empty(),
            rules: rules::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().enabled_by_default)
                .collect(),
            levels: HashMap::new(),
            allowed_registries: None,
            registries: RegistryClasses::default(),
            fail_on: FailOn::Warning,
            require_reason: false,
            parallel: true,
            kubernetes_version: KubernetesVersion::CURRENT,
        }
    }
}

/// Looks a rule up by name, or says which names there are.
pub fn rule_named(name: &str) -> Result<&'static dyn Rule, SettingsError> {
    rules::by_name(name).ok_or_else(|| {
        let valid: Vec<_> = rules::ALL.iter().map(|r| r.meta().name).collect();
        SettingsError(format!(
            "unknown rule `{name}`; valid rules: {}",
            valid.join(", ")
        ))
    })
}

impl Settings {
    /// The defaults with one rule on and every other off: for a rule's own tests.
    pub fn only(rule: &'static dyn Rule) -> Settings {
        Settings {
            rules: vec![rule],
            ..Settings::default()
        }
    }

    pub fn is_enabled(&self, name: &str) -> bool {
        self.rules.iter().any(|r| r.meta().name == name)
    }

    /// The severity a rule reports at in this run.
    pub fn severity(&self, rule: &dyn Rule) -> Severity {
        self.levels
            .get(rule.meta().name)
            .copied()
            .unwrap_or(rule.meta().severity)
    }

    /// Sets a rule's level: off, or on at a severity.
    pub fn set_level(&mut self, rule: &'static dyn Rule, level: Level) {
        let name = rule.meta().name;
        self.rules.retain(|r| r.meta().name != name);
        if let Level::On(severity) = level {
            self.levels.insert(name, severity);
            self.enable(rule);
        }
    }

    fn enable(&mut self, rule: &'static dyn Rule) {
        if !self.is_enabled(rule.meta().name) {
            self.rules.push(rule);
            // Keep registry order, so output does not depend on how rules were turned on.
            let order = |r: &&dyn Rule| {
                rules::ALL
                    .iter()
                    .position(|x| x.meta().name == r.meta().name)
            };
            self.rules.sort_by_key(order);
        }
    }

    /// Turns rules on and off by name, over what is already set.
    pub fn select_rules(
        &mut self,
        enable: &[String],
        disable: &[String],
    ) -> Result<(), SettingsError> {
        for name in enable {
            let rule = rule_named(name)?;
            self.enable(rule);
        }
        for name in disable {
            let rule = rule_named(name)?;
            self.rules.retain(|r| r.meta().name != rule.meta().name);
        }
        Ok(())
    }

    pub fn set_allowed_registries(&mut self, patterns: &[String]) -> Result<(), SettingsError> {
        self.allowed_registries = if patterns.is_empty() {
            None
        } else {
            Some(Patterns {
                patterns: patterns.to_vec(),
                globs: glob_set(patterns, "allowed registry")?,
            })
        };
        Ok(())
    }

    pub fn set_preloaded(&mut self, patterns: &[String]) -> Result<(), SettingsError> {
        self.preloaded = glob_set(patterns, "preloaded image")?;
        Ok(())
    }
}

/// Compiles glob patterns; `*` crosses `/`, since image references are not paths.
pub fn glob_set(patterns: &[String], what: &str) -> Result<GlobSet, SettingsError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(pattern, what)?);
    }
    builder
        .build()
        .map_err(|e| SettingsError(format!("invalid {what} patterns: {e}")))
}

pub fn glob(pattern: &str, what: &str) -> Result<Glob, SettingsError> {
    Glob::new(pattern)
        .map_err(|e| SettingsError(format!("invalid {what} pattern `{pattern}`: {}", e.kind())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_versions() {
        let v = |major, minor| KubernetesVersion { major, minor };
        assert_eq!(KubernetesVersion::parse("1.34"), Ok(v(1, 34)));
        assert_eq!(KubernetesVersion::parse("v1.35"), Ok(v(1, 35)));
        assert_eq!(KubernetesVersion::parse("1.33.4"), Ok(v(1, 33)));
        for bad in ["", "1", "1.", "1.x", "one.two", "1.2.3.4", "1.2.", "-1.2"] {
            assert!(KubernetesVersion::parse(bad).is_err(), "{bad}");
        }
        assert!(!v(1, 34).verifies_pulled_images());
        assert!(v(1, 35).verifies_pulled_images());
        assert!(KubernetesVersion::CURRENT.verifies_pulled_images());
    }
}
