//! `imagePullPolicy`, and how Kubernetes defaults it when it is omitted.

use std::fmt;

use crate::image::ImageRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

impl PullPolicy {
    /// Only the exact spellings are valid: the API server rejects `always`.
    pub fn parse(value: &str) -> Option<PullPolicy> {
        match value {
            "Always" => Some(PullPolicy::Always),
            "IfNotPresent" => Some(PullPolicy::IfNotPresent),
            "Never" => Some(PullPolicy::Never),
            _ => None,
        }
    }

    /// What Kubernetes sets when `imagePullPolicy` is omitted (`SetDefaults_Container`): `Always`
    /// for a `latest` tag or a reference with neither tag nor digest, else `IfNotPresent`. A
    /// reference that does not parse gets `IfNotPresent`, as in Kubernetes.
    pub fn default_for(image: Option<&ImageRef>) -> PullPolicy {
        match image {
            Some(image) if image.tag() == Some("latest") || image.is_untagged() => {
                PullPolicy::Always
            }
            _ => PullPolicy::IfNotPresent,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PullPolicy::Always => "Always",
            PullPolicy::IfNotPresent => "IfNotPresent",
            PullPolicy::Never => "Never",
        }
    }
}

impl fmt::Display for PullPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default(image: &str) -> PullPolicy {
        PullPolicy::default_for(ImageRef::parse(image).ok().as_ref())
    }

    #[test]
    fn defaults_follow_the_tag() {
        assert_eq!(default("nginx"), PullPolicy::Always);
        assert_eq!(default("nginx:latest"), PullPolicy::Always);
        assert_eq!(default("nginx:1.25"), PullPolicy::IfNotPresent);
        assert_eq!(default("localhost:5000/app"), PullPolicy::Always);
        let digest = format!("nginx@sha256:{}", "a".repeat(64));
        assert_eq!(default(&digest), PullPolicy::IfNotPresent);
        let latest_and_digest = format!("nginx:latest@sha256:{}", "a".repeat(64));
        assert_eq!(default(&latest_and_digest), PullPolicy::Always);
        assert_eq!(default("Not Valid"), PullPolicy::IfNotPresent);
        // distribution/reference accepts `my_registry.com` as a path component, not a domain;
        // untagged, it defaults to `Always` like any untagged name.
        assert_eq!(default("my_registry.com/app"), PullPolicy::Always);
    }

    #[test]
    fn only_exact_spellings_parse() {
        assert_eq!(PullPolicy::parse("Never"), Some(PullPolicy::Never));
        assert_eq!(PullPolicy::parse("always"), None);
        assert_eq!(PullPolicy::parse(" Always"), None);
    }
}
