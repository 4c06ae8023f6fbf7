//! A guess at which registries need a pull secret. The class is a guess, not a fact: Docker
//! Hub, `ghcr.io` (where new packages are private), `quay.io`, `registry.gitlab.com` and `nvcr.io`
//! serve public repositories anonymously but host private ones too; Harbor's `library` project
//! is public on any host. So every message says "likely", and `registries.public`, `.private` and
//! `.node-credentials` in `.pullcheck.yaml` (hosts or repository prefixes) decide instead.

use std::fmt;

use crate::glob::{PatternError, glob};
use crate::image::ImageRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryClass {
    Public,
    Loopback,
    /// A cloud registry whose nodes usually carry credentials.
    NodeCredentials,
    /// Anything else: pulls need a secret.
    Private,
}

impl RegistryClass {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryClass::Public => "public",
            RegistryClass::Loopback => "loopback",
            RegistryClass::NodeCredentials => "node-credentials",
            RegistryClass::Private => "private",
        }
    }
}

impl fmt::Display for RegistryClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Registries that serve public repositories anonymously (they may host private ones too).
const PUBLIC: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
    "registry.k8s.io",
    "k8s.gcr.io",
    "quay.io",
    "ghcr.io",
    "mcr.microsoft.com",
    "public.ecr.aws",
    "registry.gitlab.com",
    "docker.elastic.co",
    "nvcr.io",
    "registry.access.redhat.com",
    "cr.l5d.io",
    "registry.datadoghq.com",
];

/// Cloud registries whose nodes get credentials from a kubelet credential provider configured
/// on the node, for the node's own account (the in-tree providers are gone since 1.31). `gcr.io`
/// and its regional hosts are one service (now served by Artifact Registry). `*` stays within
/// one label.
const NODE_CREDENTIALS: &[&str] = &[
    "*.dkr.ecr.*.amazonaws.com",
    "*.dkr.ecr.*.amazonaws.com.cn",
    "*.dkr.ecr-fips.*.amazonaws.com",
    "*.dkr-ecr.*.on.aws",
    "gcr.io",
    "*.gcr.io",
    "*-docker.pkg.dev",
    "*.azurecr.io",
    "*.azurecr.cn",
    "*.azurecr.us",
    "*.ocir.io",
];

/// containerd's `IsLocalhost`: `localhost`, or an address `net.IP.IsLoopback` accepts (all of
/// 127.0.0.0/8, and `::1` in any spelling).
fn is_loopback(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    let address = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    address
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| match ip {
            std::net::IpAddr::V4(v4) => v4.is_loopback(),
            std::net::IpAddr::V6(v6) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        })
}

/// Classifies a registry domain as [`crate::image::ImageRef::domain`] gives it (host and port).
pub fn classify(domain: &str) -> RegistryClass {
    let host = strip_port(domain).to_ascii_lowercase();
    if is_loopback(&host) {
        RegistryClass::Loopback
    } else if PUBLIC.contains(&domain.to_ascii_lowercase().as_str()) {
        RegistryClass::Public
    } else if NODE_CREDENTIALS
        .iter()
        .any(|pattern| wildcard_match(pattern, &host))
    {
        RegistryClass::NodeCredentials
    } else {
        RegistryClass::Private
    }
}

fn strip_port(domain: &str) -> &str {
    if domain.starts_with('[') {
        return domain.find(']').map_or(domain, |close| &domain[..=close]);
    }
    domain.split_once(':').map_or(domain, |(host, _)| host)
}

/// A host pattern of the lists above: as many labels as the host, each matched like a key of
/// the kubelet's keyring (`*` within one label).
fn wildcard_match(pattern: &str, host: &str) -> bool {
    let (patterns, labels): (Vec<&str>, Vec<&str>) =
        (pattern.split('.').collect(), host.split('.').collect());
    patterns.len() == labels.len()
        && patterns
            .iter()
            .zip(&labels)
            .all(|(p, l)| crate::credentials::keyring::glob_match(p, l))
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
    pub fn add(&mut self, class: RegistryClass, patterns: &[String]) -> Result<(), PatternError> {
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
            .map_or_else(|| classify(reference.domain()), |e| e.class)
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

#[cfg(test)]
mod tests {
    use super::*;
    use RegistryClass::*;

    #[test]
    fn classes() {
        let cases = [
            ("docker.io", Public),
            ("quay.io", Public),
            ("registry.k8s.io", Public),
            ("localhost:5000", Loopback),
            ("127.0.0.1:32000", Loopback),
            // containerd `IsLocalhost` → `ip.IsLoopback()`: the whole 127.0.0.0/8 range.
            ("127.0.0.2:5000", Loopback),
            ("127.255.255.254", Loopback),
            ("[::1]:5000", Loopback),
            ("[0:0:0:0:0:0:0:1]:5000", Loopback),
            ("localhost", Loopback),
            ("128.0.0.1:5000", Private),
            ("localhost.corp:5000", Private),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                NodeCredentials,
            ),
            ("eu.gcr.io", NodeCredentials),
            ("gcr.io", NodeCredentials),
            ("myacr.azurecr.cn", NodeCredentials),
            (
                "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com",
                NodeCredentials,
            ),
            ("iad.ocir.io", NodeCredentials),
            ("europe-west1-docker.pkg.dev", NodeCredentials),
            ("myacr.azurecr.io", NodeCredentials),
            ("harbor.corp", Private),
            ("harbor.corp:8443", Private),
            ("172.16.10.24:10010", Private),
            ("registry.cn-hangzhou.aliyuncs.com", Private),
            ("quay.io:443", Private),
            // The wildcard stays within one label.
            ("evil.com.azurecr.io.example", Private),
            ("a.b.dkr.ecr.x.amazonaws.com", Private),
        ];
        for (domain, class) in cases {
            assert_eq!(classify(domain), class, "{domain}");
        }
    }

    #[test]
    fn wildcards_do_not_cross_dots() {
        assert!(wildcard_match("*.azurecr.io", "x.azurecr.io"));
        assert!(!wildcard_match("*.azurecr.io", "x.y.azurecr.io"));
        assert!(wildcard_match(
            "*-docker.pkg.dev",
            "us-central1-docker.pkg.dev"
        ));
        assert!(!wildcard_match("*.gcr.io", "gcr.io"));
    }
}
