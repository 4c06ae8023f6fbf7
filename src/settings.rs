//! What a run is configured with, already validated.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::rules::{self, Rule};

pub struct Settings {
    /// Namespace of objects that name none.
    pub default_namespace: String,
    /// Images known to be on every node.
    pub preloaded: GlobSet,
    /// The rules that run, in registry order.
    pub rules: Vec<&'static dyn Rule>,
    /// When set, images must come from these registries (`disallowed-registry`).
    pub allowed_registries: Option<Patterns>,
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
            allowed_registries: None,
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, name: &str) -> bool {
        self.rules.iter().any(|r| r.meta().name == name)
    }

    /// Turns rules on and off by name; later lists win over the defaults.
    pub fn select_rules(
        &mut self,
        enable: &[String],
        disable: &[String],
    ) -> Result<(), SettingsError> {
        let lookup = |name: &String| {
            rules::by_name(name).ok_or_else(|| {
                let valid: Vec<_> = rules::ALL.iter().map(|r| r.meta().name).collect();
                SettingsError(format!(
                    "unknown rule `{name}`; valid rules: {}",
                    valid.join(", ")
                ))
            })
        };
        let enable = enable.iter().map(lookup).collect::<Result<Vec<_>, _>>()?;
        let disable = disable.iter().map(lookup).collect::<Result<Vec<_>, _>>()?;
        let on = |r: &&dyn Rule| {
            let name = r.meta().name;
            let named = |list: &[&dyn Rule]| list.iter().any(|x| x.meta().name == name);
            !named(&disable) && (r.meta().enabled_by_default || named(&enable))
        };
        self.rules = rules::ALL.iter().copied().filter(on).collect();
        Ok(())
    }

    pub fn set_allowed_registries(&mut self, patterns: &[String]) -> Result<(), SettingsError> {
        self.allowed_registries = if patterns.is_empty() {
            None
        } else {
            Some(Patterns {
                patterns: patterns.to_vec(),
                globs: glob_set(patterns, "--allowed-registry")?,
            })
        };
        Ok(())
    }

    pub fn set_preloaded(&mut self, patterns: &[String]) -> Result<(), SettingsError> {
        self.preloaded = glob_set(patterns, "--preloaded")?;
        Ok(())
    }
}

/// Compiles glob patterns; `*` crosses `/`, since image references are not paths.
pub fn glob_set(patterns: &[String], what: &str) -> Result<GlobSet, SettingsError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| {
            SettingsError(format!("invalid {what} pattern `{pattern}`: {}", e.kind()))
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| SettingsError(format!("invalid {what} patterns: {e}")))
}
