//! `imagePullPolicy`, and how Kubernetes defaults it when it is omitted.

use std::fmt;

use super::{Container, Located};
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

/// The container's `imagePullPolicy`: as written, and as Kubernetes will apply it.
#[derive(Clone, Copy, Debug)]
pub struct PolicyFacts<'a> {
    /// The written value, valid or not.
    pub written: Option<&'a Located>,
    /// The written value, when it is one of the three valid ones.
    pub explicit: Option<PullPolicy>,
    /// What Kubernetes sets when the policy is omitted, from the image's tag.
    pub default: PullPolicy,
    /// The policy that applies: the explicit one, else the default. (An invalid written value
    /// makes the API server reject the object; rules then reason with the default.)
    pub effective: PullPolicy,
}

impl<'a> PolicyFacts<'a> {
    /// The policy of `container`, whose image parses to `reference` (`None` when it is
    /// missing or does not parse).
    pub fn of(container: &'a Container, reference: Option<&ImageRef>) -> Self {
        let written = container.pull_policy.as_ref();
        let explicit = written.and_then(|p| PullPolicy::parse(&p.value));
        let default = PullPolicy::default_for(reference);
        PolicyFacts {
            written,
            explicit,
            default,
            effective: explicit.unwrap_or(default),
        }
    }

    /// What a diagnostic keeps of these facts.
    pub fn summary(&self) -> PolicySummary {
        PolicySummary {
            stored: if self.written.is_some() {
                self.explicit
            } else {
                Some(self.default)
            },
            explicit: self.written.is_some(),
        }
    }

    /// "its imagePullPolicy is Always" or "Kubernetes defaults its imagePullPolicy to Always".
    pub fn describe(&self) -> String {
        match self.explicit {
            Some(policy) => format!("its imagePullPolicy is {policy}"),
            None => format!(
                "Kubernetes sets its imagePullPolicy to {} when the object is created",
                self.effective
            ),
        }
    }

    /// The written `imagePullPolicy` when it is exactly `policy`.
    pub fn written_as(&self, policy: PullPolicy) -> Option<&'a Located> {
        self.written.filter(|_| self.explicit == Some(policy))
    }
}

/// The pull policy of the container a diagnostic concerns, without borrows: for the outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicySummary {
    /// The policy the API server stores; `None` when the written one is invalid, since the API
    /// server then rejects the object.
    pub stored: Option<PullPolicy>,
    /// Whether the manifest writes `imagePullPolicy`.
    pub explicit: bool,
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
