//! What a run is configured with, already validated: built from the defaults, then the
//! configuration file, then the command line, each layer overriding the one before.

use std::collections::HashMap;

use crate::diagnostic::Severity;
use crate::glob::{PatternError, Patterns, glob_set};
pub use crate::k8s::KubernetesVersion;
use crate::rules::{self, Rule, RuleOptions};

pub struct Settings {
    /// Namespace of objects that name none.
    pub default_namespace: String,
    /// The rules that run, in registry order.
    pub rules: Vec<&'static dyn Rule>,
    /// Severities that differ from the rules' defaults.
    levels: HashMap<&'static str, Severity>,
    /// What the rules read.
    pub options: RuleOptions,
    /// The lowest severity that fails the run.
    pub fail_on: FailOn,
    /// Whether a suppression must give a reason (`-- reason`).
    pub require_reason: bool,
    /// Whether Go template text that does not parse is linted as manifests (`--lint-templates`)
    /// rather than left out.
    pub lint_templates: bool,
    /// Whether work may be spread over rayon's threads (`--threads` above 1).
    pub parallel: bool,
    /// Whether kustomization roots are linted as their builds.
    pub kustomize: Kustomize,
    /// Set by `--online`: ask the registries (see [`crate::online`]).
    pub online: Option<crate::online::OnlineSettings>,
}

/// How kustomization roots are linted (`kustomize:` in the configuration, `--kustomize`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Kustomize {
    /// A folder with a kustomization file is linted as what it builds.
    #[default]
    Auto,
    /// Every file is linted as written.
    Off,
}

impl Kustomize {
    pub fn parse(value: &str) -> Option<Kustomize> {
        match value {
            "auto" => Some(Kustomize::Auto),
            "off" => Some(Kustomize::Off),
            _ => None,
        }
    }
}

/// A setting that cannot be used: reported as a usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl From<PatternError> for SettingsError {
    fn from(error: PatternError) -> Self {
        SettingsError(error.0)
    }
}

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

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_namespace: "default".into(),
            rules: rules::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().enabled_by_default)
                .collect(),
            levels: HashMap::new(),
            options: RuleOptions::default(),
            fail_on: FailOn::Warning,
            require_reason: false,
            kustomize: Kustomize::Auto,
            online: None,
            lint_templates: false,
            parallel: true,
        }
    }
}

/// Looks a rule up by name, or says which name was meant.
pub fn rule_named(name: &str) -> Result<&'static dyn Rule, SettingsError> {
    rules::by_name(name).ok_or_else(|| SettingsError(unknown_rule(name)))
}

/// "unknown rule `lates-tag`; did you mean `latest-tag`?", or the list of rules when no name
/// is close.
pub fn unknown_rule(name: &str) -> String {
    let names = rules::ALL.iter().map(|r| r.meta().name);
    let closest = names
        .clone()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, meant)) => format!("unknown rule `{name}`; did you mean `{meant}`?"),
        None => format!(
            "unknown rule `{name}`; valid rules: {}",
            names.collect::<Vec<_>>().join(", ")
        ),
    }
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
        self.options.allowed_registries = if patterns.is_empty() {
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
        self.options.preloaded = glob_set(patterns, "preloaded image")?;
        Ok(())
    }
}
