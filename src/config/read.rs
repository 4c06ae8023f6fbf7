//! Reading `.pullcheck.yaml` with the manifests' YAML layer: every mistake is a located
//! `config` diagnostic.

use super::*;

pub(super) const KEYS: [&str; 10] = [
    "rules",
    "registries",
    "preloaded-images",
    "exclude",
    "namespace",
    "fail-on",
    "kubernetes-version",
    "suppressions",
    "kustomize",
    "online",
];

pub(super) const REGISTRY_KEYS: [&str; 6] = [
    "public",
    "private",
    "node-credentials",
    "allowed",
    "insecure",
    "ca",
];

pub(super) const ONLINE_KEYS: [&str; 5] = [
    "enabled",
    "platforms",
    "timeout",
    "concurrency",
    "docker-config",
];

pub(super) struct Reader {
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Reader {
    pub(super) fn error(&mut self, span: Span, message: String) {
        let mut diagnostic = Diagnostic::new(CONFIG_ERROR, Severity::Error, 0, span, message);
        diagnostic.help = Some(format!(
            "See the configuration section of the README, or run `pullcheck init` for a \
             commented example. Keys: {}.",
            KEYS.join(", ")
        ));
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn read(&mut self, doc: &Document, config: &mut Config) {
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
                "online" => self.online(doc, value, config),
                "kustomize" => {
                    config.kustomize = self.string(doc, value, key).and_then(|v| {
                        let parsed = Kustomize::parse(&v);
                        if parsed.is_none() {
                            self.error(
                                doc.node(value).span,
                                format!("invalid kustomize `{v}`: use auto or off"),
                            );
                        }
                        parsed
                    })
                }
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
                self.error(doc.node(key_node).span, settings::unknown_rule(name));
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
                "public" | "private" | "node-credentials" | "allowed" | "insecure" | "ca" => {
                    self.globs(doc, list, key)
                }
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
                "insecure" => config.online.insecure = globs,
                "ca" => config.online.ca_files = globs,
                _ => config.allowed = globs,
            }
        }
    }

    /// `online: true|false`, or a mapping of [`ONLINE_KEYS`].
    fn online(&mut self, doc: &Document, value: NodeId, config: &mut Config) {
        let flag = |v: Option<&str>| match v {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        };
        if let Some(enabled) = flag(doc.str(value)) {
            config.online.enabled = Some(enabled);
            return;
        }
        let Some(entries) = self.mapping(doc, value, "`online`") else {
            return;
        };
        for (key_node, item) in entries {
            let span = doc.node(doc.resolve(item)).span;
            match doc.str(key_node).unwrap_or("") {
                "enabled" => match flag(doc.str(item)) {
                    Some(enabled) => config.online.enabled = Some(enabled),
                    None => self.error(span, "`enabled` is true or false".into()),
                },
                "platforms" => config.online.platforms = self.globs(doc, item, "platforms"),
                "timeout" => match doc.str(item).and_then(parse_seconds) {
                    Some(seconds) => config.online.timeout = Some(seconds),
                    None => self.error(
                        span,
                        "`timeout` is a number of seconds (`10`, `2.5s`)".into(),
                    ),
                },
                "concurrency" => match doc
                    .str(item)
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                {
                    Some(n) => config.online.concurrency = Some(n),
                    None => self.error(span, "`concurrency` is a whole number above 0".into()),
                },
                "cache" => match flag(doc.str(item)) {
                    Some(cache) => config.online.cache = Some(cache),
                    None => self.error(span, "`cache` is true or false".into()),
                },
                "cache-ttl" => match doc.str(item).and_then(parse_seconds) {
                    Some(seconds) => config.online.cache_ttl = Some(seconds),
                    None => self.error(span, "`cache-ttl` is a number of seconds".into()),
                },
                "docker-config" => {
                    config.online.docker_config = self.string(doc, item, "docker-config")
                }
                other => self.error(
                    doc.node(key_node).span,
                    format!(
                        "unknown key `{other}` in `online`; expected one of: {}",
                        ONLINE_KEYS.join(", ")
                    ),
                ),
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

/// `10`, `2.5` or `2.5s`: seconds.
pub(super) fn parse_seconds(text: &str) -> Option<f64> {
    let seconds: f64 = text.trim().trim_end_matches('s').parse().ok()?;
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}
