//! `.pullcheck.yaml`: found in the current directory or the nearest parent (the search stops at
//! the directory that holds `.git`), or named with `--config`. It is read with the same YAML
//! layer as manifests, so every mistake in it is reported at its line and column.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::input;
use crate::k8s::KubernetesVersion;
use crate::registry_class::RegistryClass;
use crate::settings::{self, FailOn, Kustomize, Level, Settings};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Document, NodeId, NodeKind};

mod discover;
mod read;

pub use discover::discover;
use read::*;

pub const FILE_NAME: &str = ".pullcheck.yaml";

/// The rule name configuration errors are reported under.
pub const CONFIG_ERROR: &RuleMeta = &crate::rules::ConfigError::META;

/// A configuration file, read and checked.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub rules: Vec<(&'static str, Level)>,
    pub public: Vec<String>,
    pub private: Vec<String>,
    pub node_credentials: Vec<String>,
    pub allowed: Vec<String>,
    pub preloaded_images: Vec<String>,
    pub exclude: Vec<String>,
    pub namespace: Option<String>,
    pub fail_on: Option<FailOn>,
    pub kubernetes_version: Option<KubernetesVersion>,
    pub require_reason: bool,
    pub kustomize: Option<Kustomize>,
    pub online: OnlineConfig,
}

/// The `online` keys of a configuration, and `registries.insecure` and `registries.ca`.
#[derive(Debug, Default)]
pub struct OnlineConfig {
    pub enabled: Option<bool>,
    pub platforms: Vec<String>,
    pub timeout: Option<f64>,
    pub concurrency: Option<usize>,
    pub docker_config: Option<String>,
    pub cache: Option<bool>,
    pub cache_ttl: Option<f64>,
    pub insecure: Vec<String>,
    pub ca_files: Vec<String>,
}

impl OnlineConfig {
    /// Applies these keys over `online`.
    pub fn apply(&self, online: &mut crate::online::OnlineSettings) {
        if !self.platforms.is_empty() {
            online.platforms = self.platforms.clone();
        }
        if let Some(seconds) = self.timeout {
            online.timeout = std::time::Duration::from_secs_f64(seconds);
        }
        if let Some(n) = self.concurrency {
            online.concurrency = n;
        }
        if let Some(path) = &self.docker_config {
            online.docker_config = Some(path.into());
        }
        if self.cache == Some(false) {
            online.cache = None;
        }
        if let Some(seconds) = self.cache_ttl {
            online.cache_ttl = std::time::Duration::from_secs_f64(seconds);
        }
        online.insecure.extend(self.insecure.iter().cloned());
        online
            .ca_files
            .extend(self.ca_files.iter().map(PathBuf::from));
    }
}

/// Why a configuration cannot be used: the file and its diagnostics, or a one-line reason.
#[derive(Debug)]
pub enum ConfigError {
    Invalid {
        file: Box<SourceFile>,
        diagnostics: Vec<Diagnostic>,
    },
    Unreadable(String),
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        if path.is_dir() {
            return Err(ConfigError::Unreadable(format!(
                "{name}: is a directory, not a configuration file"
            )));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::Unreadable(format!("{name}: {}", input::io_reason(&e))))?;
        let loaded = input::decode(name, Some(path.to_path_buf()), bytes);
        if let Some((_, reason)) = loaded.not_text {
            return Err(ConfigError::Unreadable(format!(
                "{}: {reason}",
                loaded.source.name
            )));
        }
        let mut config =
            Config::parse(&loaded.source).map_err(|diagnostics| ConfigError::Invalid {
                file: Box::new(loaded.source),
                diagnostics,
            })?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Checks a configuration text; every problem is a diagnostic in file 0.
    pub fn parse(source: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let mut reader = Reader {
            diagnostics: Vec::new(),
        };
        let mut config = Config::default();
        let documents = yaml::parse_stream(source);
        for parsed in &documents {
            if let Some(error) = &parsed.error {
                reader.error(
                    Span::new(error.offset, error.offset + 1),
                    format!("YAML syntax error: {}", error.message),
                );
            }
        }
        if let Some(parsed) = documents.iter().find(|d| d.error.is_none()) {
            reader.read(&parsed.document, &mut config);
        }
        if reader.diagnostics.is_empty() {
            Ok(config)
        } else {
            Err(reader.diagnostics)
        }
    }

    /// Applies the file's settings over `settings`.
    pub fn apply(&self, settings: &mut Settings) -> Result<(), settings::SettingsError> {
        for &(name, level) in &self.rules {
            settings.set_level(settings::rule_named(name)?, level);
        }
        let registries = &mut settings.options.registries;
        registries.add(RegistryClass::Public, &self.public)?;
        registries.add(RegistryClass::Private, &self.private)?;
        registries.add(RegistryClass::NodeCredentials, &self.node_credentials)?;
        if !self.allowed.is_empty() {
            settings.set_allowed_registries(&self.allowed)?;
        }
        if !self.preloaded_images.is_empty() {
            settings.set_preloaded(&self.preloaded_images)?;
        }
        if let Some(namespace) = &self.namespace {
            settings.default_namespace = namespace.clone();
        }
        if let Some(fail_on) = self.fail_on {
            settings.fail_on = fail_on;
        }
        if let Some(version) = self.kubernetes_version {
            settings.options.kubernetes_version = version;
        }
        settings.require_reason = self.require_reason;
        if let Some(kustomize) = self.kustomize {
            settings.kustomize = kustomize;
        }
        if self.online.enabled == Some(true) {
            let mut online = crate::online::OnlineSettings::default();
            self.online.apply(&mut online);
            settings.online = Some(online);
        }
        Ok(())
    }
}

/// The commented starter configuration `pullcheck init` writes.
pub const STARTER: &str = r#"# pullcheck configuration. Command-line flags override these settings.
# Docs: `pullcheck rules` lists the rules, `pullcheck explain RULE` explains one.

# Per-rule level: error, warning, info or off. A level turns on a rule that is off by default.
rules:
  # latest-tag: error
  # digest-not-pinned: info
  # implicit-pull-policy: off

# Registries (host[:port], globs allowed) or repository prefixes (ghcr.io/my-org) whose class
# overrides the built-in guess; the longest matching prefix wins.
registries:
  # Pull anonymously: no pull secret needed.
  public: []
  # Always need a pull secret, whatever the built-in lists say.
  private: []
  # Nodes carry credentials for these (instance roles, kubelet credential providers).
  node-credentials: []
  # When not empty, images must come from these registries or repositories
  # (e.g. registry.corp, docker.io/library/*): the disallowed-registry rule.
  allowed: []
  # For `--online`: hosts asked over plain HTTP (loopback always is), and PEM files of
  # certificate authorities to trust instead of the platform's.
  insecure: []
  ca: []

# Images known to be on every node (globs over the image as written or normalised).
preloaded-images: []

# Files and directories the walk skips (globs).
exclude: []

# Namespace of objects that name none.
# namespace: default

# The lowest severity that makes the exit status 1: error, warning, info or never.
# fail-on: warning

# The Kubernetes release of the clusters (MAJOR.MINOR): from 1.35 the kubelet checks a pod's
# credentials before it reuses an image pulled with a Secret. Default: the current release.
# kubernetes-version: "1.37"

# A folder with a kustomization.yaml is linted as what `kubectl kustomize` builds from it (auto),
# or its files as written (off).
# kustomize: auto

# Ask the registries whether each image exists, for the nodes' platforms, with the credentials
# the kubelet would use (also `--online`). Off by default: nothing is sent anywhere unless asked.
# online:
#   enabled: false
#   platforms: [linux/amd64]
#   timeout: 10
#   concurrency: 8
#   docker-config: ~/.docker/config.json
#   cache: true
#   cache-ttl: 600

# `# pullcheck-ignore: RULE -- reason` comments and `pullcheck.dev/ignore` annotations.
suppressions:
  require-reason: false
"#;

#[cfg(test)]
mod tests;
