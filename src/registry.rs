//! Which registries need a pull secret. Public registries pull anonymously, loopback registries
//! are the node's own, and the big clouds' registries are usually reached with credentials the
//! node already has (instance roles, the kubelet's credential providers).

use std::fmt;

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

/// Host patterns; `*` stands for any run of characters within a host.
const PUBLIC: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
    "registry.k8s.io",
    "k8s.gcr.io",
    "quay.io",
    "ghcr.io",
    "gcr.io",
    "mcr.microsoft.com",
    "public.ecr.aws",
    "registry.gitlab.com",
    "docker.elastic.co",
    "nvcr.io",
    // Not in the first list of the issue, but public (anonymous pulls) and common in real
    // manifests: Red Hat's public catalogue, Linkerd's and Datadog's registries.
    "registry.access.redhat.com",
    "cr.l5d.io",
    "registry.datadoghq.com",
];

const NODE_CREDENTIALS: &[&str] = &[
    "*.dkr.ecr.*.amazonaws.com",
    "*.dkr.ecr.*.amazonaws.com.cn",
    "*.gcr.io",
    "*-docker.pkg.dev",
    "*.azurecr.io",
];

const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

/// Classifies a registry domain as [`crate::image::ImageRef::domain`] gives it (host and port).
pub fn classify(domain: &str) -> RegistryClass {
    let host = strip_port(domain).to_ascii_lowercase();
    if LOOPBACK_HOSTS.contains(&host.as_str()) {
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

/// Glob-style match where `*` matches any run of characters except `.`.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((star, matched)) = backtrack.filter(|&(_, m)| t[m] != b'.') {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
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
            ("[::1]:5000", Loopback),
            ("localhost", Loopback),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
                NodeCredentials,
            ),
            ("eu.gcr.io", NodeCredentials),
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
