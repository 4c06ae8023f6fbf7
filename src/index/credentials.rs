//! Which pull Secrets reach a pod, and what they cover.

use super::Index;
use crate::credentials::SecretProblem;
use crate::credentials::keyring::{self, RegistryKey};
use crate::k8s::PodSpec;

/// Where a pod's pull secrets come from. The ServiceAccount admission controller copies the
/// ServiceAccount's `imagePullSecrets` into a pod only when the pod lists none: the two lists
/// are never merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource<'a> {
    Pod,
    ServiceAccount {
        name: &'a str,
        /// `false` when the ServiceAccount is not in the input: it counts as having no secrets.
        in_input: bool,
    },
}

/// A pull-secret reference and what the kubelet finds for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub state: ReferenceState<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceState<'a> {
    /// In the pod's namespace and of a docker type: these are its registries.
    Usable(&'a [RegistryKey]),
    /// In the pod's namespace but unusable for pulls.
    Invalid(&'a SecretProblem),
    /// Not in the pod's namespace, but in these.
    OtherNamespaces(Vec<&'a str>),
    /// Not in the input at all. The kubelet skips a missing Secret and pulls with the rest.
    NotFound,
}

/// The pull secrets that reach one pod.
#[derive(Debug)]
pub struct PodCredentials<'a> {
    pub source: CredentialSource<'a>,
    pub reaching: Vec<Reference<'a>>,
    /// The ServiceAccount's secrets, when the pod's own list replaces them.
    pub shadowed: Vec<Reference<'a>>,
}

impl<'a> PodCredentials<'a> {
    pub fn resolve(pod: &'a PodSpec, index: &Index<'a>) -> Self {
        let namespace = pod.object.namespace.as_str();
        let account_name = pod.service_account_name();
        let account = index.service_account(namespace, account_name);
        let account_refs = || {
            account
                .into_iter()
                .flat_map(|sa| &sa.pull_secrets.named)
                .map(|s| index.secret_reference(namespace, &s.value))
                .collect::<Vec<_>>()
        };
        // `plugin/pkg/admission/serviceaccount`: the ServiceAccount's list is copied only into a
        // pod whose own list is empty; entries without a name count, and the kubelet then skips
        // them.
        if !pod.pull_secrets.listed {
            PodCredentials {
                source: CredentialSource::ServiceAccount {
                    name: account_name,
                    in_input: account.is_some(),
                },
                reaching: account_refs(),
                shadowed: Vec::new(),
            }
        } else {
            PodCredentials {
                source: CredentialSource::Pod,
                reaching: pod
                    .pull_secrets
                    .named
                    .iter()
                    .map(|s| index.secret_reference(namespace, &s.value))
                    .collect(),
                shadowed: account_refs(),
            }
        }
    }

    /// The secret and key the kubelet would use for an image (its normalised name).
    pub fn covering(&self, image_name: &str) -> Option<(&'a str, &'a RegistryKey)> {
        covering(&self.reaching, image_name)
    }

    /// Like [`PodCredentials::covering`], for the ServiceAccount secrets the pod's list replaced.
    pub fn shadowed_covering(&self, image_name: &str) -> Option<(&'a str, &'a RegistryKey)> {
        covering(&self.shadowed, image_name)
    }

    /// Whether every reaching secret is in the input, in the namespace and usable.
    pub fn all_usable(&self) -> bool {
        self.reaching
            .iter()
            .all(|r| matches!(r.state, ReferenceState::Usable(_)))
    }

    /// The registries the reaching secrets cover, each once, in order.
    pub fn covered_registries(&self) -> Vec<&'a RegistryKey> {
        let mut seen = std::collections::HashSet::new();
        let mut keys: Vec<&RegistryKey> = Vec::new();
        for reference in &self.reaching {
            if let ReferenceState::Usable(found) = reference.state {
                keys.extend(found.iter().filter(|key| seen.insert(key.as_str())));
            }
        }
        keys
    }
}

fn covering<'a>(
    references: &[Reference<'a>],
    image_name: &str,
) -> Option<(&'a str, &'a RegistryKey)> {
    // The kubelet unions every secret's keys into one keyring; the first secret with a
    // matching key is the one named.
    references.iter().find_map(|r| match r.state {
        ReferenceState::Usable(keys) => keyring::lookup(keys, image_name).map(|k| (r.name, k)),
        _ => None,
    })
}
