//! `.pullcheck.yaml`: found in the current directory or the nearest parent (the search stops at
//! the directory that holds `.git`), or named with `--config`. It is read with the same YAML
//! layer as manifests, so every mistake in it is reported at its line and column.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::input;
use crate::k8s::KubernetesVersion;
use crate::registry_class::RegistryClass;
use crate::settings::{self, FailOn, Level, Settings};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Document, NodeId, NodeKind};

pub const FILE_NAME: &str = ".pullcheck.yaml";

/// The rule name configuration errors are reported under.
pub const CONFIG_ERROR: &RuleMeta = &crate::rules::ConfigError::META;

const KEYS: [&str; 8] = [
    "rules",
    "registries",
    "preloaded-images",
    "exclude",
    "namespace",
    "fail-on",
    "kubernetes-version",
    "suppressions",
];
const REGISTRY_KEYS: [&str; 4] = ["public", "private", "node-credentials", "allowed"];

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

/// The configuration file that applies in `dir`: `.pullcheck.yaml` there or in the nearest
/// parent. The search stops at the first directory that holds `.git`, at the user's home
/// (`home`) and before crossing into another file system: a `.pullcheck.yaml` in `/tmp` or
/// `/home` written by someone else must not decide what a run checks. A file owned by another
/// user is not taken either; the second value says why one was passed over.
pub fn discover(dir: &Path, home: Option<&Path>) -> (Option<PathBuf>, Option<String>) {
    let device = |path: &Path| file_system(path);
    let start_device = device(dir);
    for ancestor in dir.ancestors() {
        if start_device.is_some() && device(ancestor) != start_device {
            return (None, None);
        }
        let candidate = ancestor.join(FILE_NAME);
        if candidate.is_file() {
            return match foreign_owner(&candidate) {
                Some(why) => (
                    None,
                    Some(format!("ignored {}: {why}", candidate.display())),
                ),
                None => (Some(candidate), None),
            };
        }
        if ancestor.join(".git").exists() || home.is_some_and(|h| h == ancestor) {
            return (None, None);
        }
    }
    (None, None)
}

#[cfg(unix)]
fn file_system(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
fn file_system(_path: &Path) -> Option<u64> {
    None
}

/// Why a discovered file is not to be trusted: it belongs to neither this user nor root.
#[cfg(unix)]
fn foreign_owner(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // The process's effective user owns `/proc/self`; without `/proc`, owners are not compared.
    let me = std::fs::metadata("/proc/self").ok()?.uid();
    let owner = std::fs::metadata(path).ok()?.uid();
    (owner != me && owner != 0).then(|| format!("it belongs to user {owner}, not to this user"))
}

#[cfg(not(unix))]
fn foreign_owner(_path: &Path) -> Option<String> {
    None
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
        Ok(())
    }
}

struct Reader {
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    fn error(&mut self, span: Span, message: String) {
        let mut diagnostic = Diagnostic::new(CONFIG_ERROR, Severity::Error, 0, span, message);
        diagnostic.help = Some(format!(
            "See the configuration section of the README, or run `pullcheck init` for a \
             commented example. Keys: {}.",
            KEYS.join(", ")
        ));
        self.diagnostics.push(diagnostic);
    }

    fn read(&mut self, doc: &Document, config: &mut Config) {
        let Some(root) = doc.root() else {
            return;
        };
        let Some(entries) = self.mapping(doc, root, "the configuration") else {
            return;
        };
        for (key_node, value) in entries {
            let Some(key) = doc.str(key_node) else {
                self.error(doc.node(key_node).span, "keys must be strings".into());
                continue;
            };
            match key {
                "rules" => self.rules(doc, value, config),
                "registries" => self.registries(doc, value, config),
                "preloaded-images" => config.preloaded_images = self.globs(doc, value, key),
                "exclude" => config.exclude = self.globs(doc, value, key),
                "namespace" => config.namespace = self.string(doc, value, key),
                "fail-on" => {
                    config.fail_on = self.string(doc, value, key).and_then(|v| {
                        let parsed = FailOn::parse(&v);
                        if parsed.is_none() {
                            self.error(
                                doc.node(value).span,
                                format!("invalid fail-on `{v}`: use error, warning, info or never"),
                            );
                        }
                        parsed
                    })
                }
                "kubernetes-version" => {
                    config.kubernetes_version = self.string(doc, value, key).and_then(|v| {
                        KubernetesVersion::parse(&v)
                            .map_err(|e| self.error(doc.node(value).span, e.to_string()))
                            .ok()
                    })
                }
                "suppressions" => self.suppressions(doc, value, config),
                other => self.error(
                    doc.node(key_node).span,
                    format!(
                        "unknown key `{other}`; expected one of: {}",
                        KEYS.join(", ")
                    ),
                ),
            }
        }
    }

    fn rules(&mut self, doc: &Document, value: NodeId, config: &mut Config) {
        let Some(entries) = self.mapping(doc, value, "`rules`") else {
            return;
        };
        for (key_node, level_node) in entries {
            let Some(name) = doc.str(key_node) else {
                continue;
            };
            let Ok(rule) = settings::rule_named(name) else {
                let valid: Vec<_> = crate::rules::ALL.iter().map(|r| r.meta().name).collect();
                self.error(
                    doc.node(key_node).span,
                    format!("unknown rule `{name}`; valid rules: {}", valid.join(", ")),
                );
                continue;
            };
            let level = doc.str(level_node).unwrap_or("");
            match Level::parse(level) {
                Some(level) => config.rules.push((rule.meta().name, level)),
                None => self.error(
                    doc.node(doc.resolve(level_node)).span,
                    format!(
                        "invalid level `{level}` for `{name}`: use {}",
                        Level::NAMES.join(", ")
                    ),
                ),
            }
        }
    }

    fn registries(&mut self, doc: &Document, value: NodeId, config: &mut Config) {
        let Some(entries) = self.mapping(doc, value, "`registries`") else {
            return;
        };
        for (key_node, list) in entries {
            let key = doc.str(key_node).unwrap_or("");
            let globs = match key {
                "public" | "private" | "node-credentials" | "allowed" => self.globs(doc, list, key),
                other => {
                    self.error(
                        doc.node(key_node).span,
                        format!(
                            "unknown registry class `{other}`; expected one of: {}",
                            REGISTRY_KEYS.join(", ")
                        ),
                    );
                    continue;
                }
            };
            match key {
                "public" => config.public = globs,
                "private" => config.private = globs,
                "node-credentials" => config.node_credentials = globs,
                _ => config.allowed = globs,
            }
        }
    }

    fn suppressions(&mut self, doc: &Document, value: NodeId, config: &mut Config) {
        let Some(entries) = self.mapping(doc, value, "`suppressions`") else {
            return;
        };
        for (key_node, flag) in entries {
            match doc.str(key_node) {
                Some("require-reason") => match doc.str(flag) {
                    Some("true") => config.require_reason = true,
                    Some("false") => config.require_reason = false,
                    _ => self.error(
                        doc.node(doc.resolve(flag)).span,
                        "`require-reason` is true or false".into(),
                    ),
                },
                _ => self.error(
                    doc.node(key_node).span,
                    "unknown key in `suppressions`; expected `require-reason`".into(),
                ),
            }
        }
    }

    fn mapping(
        &mut self,
        doc: &Document,
        node: NodeId,
        what: &str,
    ) -> Option<Vec<(NodeId, NodeId)>> {
        if doc.is_null(node) {
            return Some(Vec::new());
        }
        match &doc.node(doc.resolve(node)).kind {
            NodeKind::Mapping(entries) => Some(entries.clone()),
            _ => {
                self.error(doc.node(node).span, format!("{what} must be a mapping"));
                None
            }
        }
    }

    fn string(&mut self, doc: &Document, node: NodeId, key: &str) -> Option<String> {
        let value = doc.str(node).map(str::to_string);
        if value.is_none() {
            self.error(doc.node(node).span, format!("`{key}` must be a string"));
        }
        value
    }

    /// A list of glob patterns, each checked.
    fn globs(&mut self, doc: &Document, node: NodeId, key: &str) -> Vec<String> {
        if doc.is_null(node) {
            return Vec::new();
        }
        if !doc.is_sequence(node) {
            self.error(
                doc.node(node).span,
                format!("`{key}` must be a list of glob patterns"),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for item in doc.items(node) {
            let Some(pattern) = doc.str(item) else {
                self.error(
                    doc.node(item).span,
                    format!("`{key}` entries must be strings"),
                );
                continue;
            };
            match crate::glob::glob(pattern, key) {
                Ok(_) => out.push(pattern.to_string()),
                Err(e) => self.error(doc.node(item).span, e.0),
            }
        }
        out
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

# `# pullcheck-ignore: RULE -- reason` comments and `pullcheck.dev/ignore` annotations.
suppressions:
  require-reason: false
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<(usize, usize, String)>> {
        let source = SourceFile::new(FILE_NAME.into(), None, text.into());
        Config::parse(&source).map_err(|ds| {
            ds.into_iter()
                .map(|d| {
                    let p = source.position(d.span.start);
                    (p.line, p.column, d.message)
                })
                .collect()
        })
    }

    #[test]
    fn the_starter_config_is_valid() {
        let config = parse(STARTER).expect("valid");
        assert!(config.rules.is_empty() && !config.require_reason);
    }

    #[test]
    fn reads_every_key() {
        let config = parse(
            "rules: {latest-tag: error, digest-not-pinned: info, implicit-pull-policy: off}\nregistries:\n  public: [mirror.corp]\n  private: ['quay.io']\n  node-credentials: ['*.corp']\n  allowed: [registry.corp, 'docker.io/library/*']\npreloaded-images: ['registry.corp/base/*']\nexclude: [vendor]\nnamespace: team-a\nfail-on: error\nkubernetes-version: '1.34'\nsuppressions: {require-reason: true}\n",
        )
        .expect("valid");
        assert_eq!(
            config.kubernetes_version.map(|v| v.to_string()).as_deref(),
            Some("1.34")
        );
        assert_eq!(config.rules.len(), 3);
        assert_eq!(config.rules[2], ("implicit-pull-policy", Level::Off));
        assert_eq!(config.allowed, vec!["registry.corp", "docker.io/library/*"]);
        assert_eq!(config.namespace.as_deref(), Some("team-a"));
        assert_eq!(config.fail_on, Some(FailOn::Error));
        assert!(config.require_reason);
        let mut settings = Settings::default();
        config.apply(&mut settings).unwrap();
        assert!(settings.is_enabled("digest-not-pinned"));
        assert!(!settings.is_enabled("implicit-pull-policy"));
        assert_eq!(
            settings.severity(crate::rules::by_name("latest-tag").unwrap()),
            Severity::Error
        );
        let class = |image: &str| {
            let reference = crate::image::ImageRef::parse(image).unwrap();
            settings.options.registries.classify(&reference)
        };
        assert_eq!(class("quay.io/org/app"), RegistryClass::Private);
        assert_eq!(class("a.corp/app"), RegistryClass::NodeCredentials);
        assert_eq!(settings.options.kubernetes_version.to_string(), "1.34");
    }

    /// Classes per repository prefix, anchored at a path boundary; the longest prefix wins.
    #[test]
    fn registry_classes_by_prefix() {
        let config = parse(
            "registries:\n  private: [ghcr.io/my-org, harbor.corp]\n  public: [harbor.corp/library, ghcr.io]\n",
        )
        .expect("valid");
        let mut settings = Settings::default();
        config.apply(&mut settings).unwrap();
        let class = |image: &str| {
            let reference = crate::image::ImageRef::parse(image).unwrap();
            settings.options.registries.classify(&reference)
        };
        assert_eq!(class("ghcr.io/my-org/app:1"), RegistryClass::Private);
        assert_eq!(class("ghcr.io/my-org:1"), RegistryClass::Private);
        assert_eq!(
            class("ghcr.io/my-organisation/app:1"),
            RegistryClass::Public
        );
        assert_eq!(class("harbor.corp/team/app:1"), RegistryClass::Private);
        assert_eq!(class("harbor.corp/library/base:1"), RegistryClass::Public);
        assert_eq!(
            class("harbor.corp/library-x/base:1"),
            RegistryClass::Private
        );
        // Not configured: the built-in guess.
        assert_eq!(class("localhost:5000/app"), RegistryClass::Loopback);
        let reference = crate::image::ImageRef::parse("ghcr.io/my-org/app").unwrap();
        assert_eq!(
            settings.options.registries.configured_pattern(&reference),
            Some("ghcr.io/my-org")
        );
    }

    #[test]
    fn every_mistake_is_located() {
        let errors = parse("rulez: {}\nrules:\n  latest-tag: fatal\n  no-such-rule: error\nexclude: ['a[']\nfail-on: sometimes\n").unwrap_err();
        let located: Vec<(usize, usize)> = errors.iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(located, vec![(1, 1), (3, 15), (4, 3), (5, 11), (6, 10)]);
        assert!(errors[0].2.contains("unknown key `rulez`"));
        assert!(errors[1].2.contains("invalid level `fatal`"));
        assert!(errors[2].2.contains("unknown rule `no-such-rule`"));
        assert!(errors[3].2.contains("invalid exclude pattern `a[`"));
    }

    #[test]
    fn syntax_errors_and_wrong_shapes() {
        assert!(parse("rules: [\n").is_err());
        let errors = parse("- a\n").unwrap_err();
        assert!(errors[0].2.contains("must be a mapping"));
        assert!(parse("").is_ok());
    }

    #[test]
    fn discovery_stops_at_the_git_root() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(discover(&deep, None).0, None);
        std::fs::write(repo.join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep, None).0, Some(repo.join(FILE_NAME)));
    }

    /// Outside a checkout the search stops at the user's home, not at `/`.
    #[test]
    fn discovery_stops_at_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home/me");
        let deep = home.join("work/k8s");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.path().join("home").join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep, Some(&home)).0, None);
        std::fs::write(home.join(FILE_NAME), "").unwrap();
        assert_eq!(discover(&deep, Some(&home)).0, Some(home.join(FILE_NAME)));
    }
}
