//! What one run knows across all its files: ServiceAccounts, Secrets and the images that
//! DaemonSets pull on every node. Built once after every file is parsed, read by the rules.

use std::collections::HashMap;

use crate::credentials::{Reference, ReferenceState};
use crate::image::ImageRef;
use crate::k8s::{ContainerList, Extracted, ObjectRef, PullPolicy, Secret, ServiceAccount};

/// A workload that pulls an image on the nodes it runs on: a DaemonSet, on every node matching
/// its `nodeSelector`.
#[derive(Debug)]
pub struct PrePuller<'a> {
    pub object: &'a ObjectRef,
    pub node_selector: &'a [(String, String)],
}

impl PrePuller<'_> {
    /// Whether every node a pod with this `nodeSelector` can land on runs the pre-puller: the
    /// pod must select at least the pre-puller's labels.
    pub fn covers(&self, pod_node_selector: &[(String, String)]) -> bool {
        self.node_selector
            .iter()
            .all(|label| pod_node_selector.contains(label))
    }
}

#[derive(Debug, Default)]
pub struct Index<'a> {
    service_accounts: HashMap<(&'a str, &'a str), &'a ServiceAccount>,
    secrets: HashMap<(&'a str, &'a str), &'a Secret>,
    /// Name to the namespaces holding a Secret (or ServiceAccount) of that name.
    secret_namespaces: HashMap<&'a str, Vec<&'a str>>,
    account_namespaces: HashMap<&'a str, Vec<&'a str>>,
    /// Normalised reference to the DaemonSets that pull it.
    pre_pullers: HashMap<String, Vec<PrePuller<'a>>>,
}

impl<'a> Index<'a> {
    pub fn new(extracted: &'a Extracted) -> Self {
        let mut index = Index::default();
        for sa in &extracted.service_accounts {
            let ns = sa.object.namespace.as_str();
            index.service_accounts.insert((ns, &sa.name), sa);
            index
                .account_namespaces
                .entry(&sa.name)
                .or_default()
                .push(ns);
        }
        for secret in &extracted.secrets {
            index
                .secrets
                .insert((&secret.namespace, &secret.name), secret);
            index
                .secret_namespaces
                .entry(&secret.name)
                .or_default()
                .push(&secret.namespace);
        }
        for pod in extracted
            .pods
            .iter()
            .filter(|p| p.object.kind == "DaemonSet")
        {
            for container in &pod.containers {
                // Ephemeral containers run only when someone debugs a pod.
                if container.list == ContainerList::EphemeralContainers {
                    continue;
                }
                let Some(image) = &container.image else {
                    continue;
                };
                let Ok(reference) = ImageRef::parse(&image.value) else {
                    continue;
                };
                if container.effective_pull_policy(Some(&reference)) != PullPolicy::Never {
                    index
                        .pre_pullers
                        .entry(reference.normalized())
                        .or_default()
                        .push(PrePuller {
                            object: &pod.object,
                            node_selector: &pod.node_selector,
                        });
                }
            }
        }
        for namespaces in index
            .secret_namespaces
            .values_mut()
            .chain(index.account_namespaces.values_mut())
        {
            namespaces.sort_unstable();
            namespaces.dedup();
        }
        index
    }

    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&'a ServiceAccount> {
        self.service_accounts.get(&(namespace, name)).copied()
    }

    /// Namespaces other than `namespace` that hold a ServiceAccount called `name`.
    pub fn service_account_elsewhere(&self, namespace: &str, name: &str) -> Vec<&'a str> {
        elsewhere(&self.account_namespaces, namespace, name)
    }

    /// What the kubelet finds for a pull-secret reference from a pod in `namespace`.
    pub fn secret_reference(&self, namespace: &str, name: &'a str) -> Reference<'a> {
        let state = match self.secrets.get(&(namespace, name)) {
            Some(secret) => match &secret.registry_keys {
                Ok(keys) => ReferenceState::Usable(keys),
                Err(problem) => ReferenceState::Invalid(problem),
            },
            None => match elsewhere(&self.secret_namespaces, namespace, name) {
                others if others.is_empty() => ReferenceState::NotFound,
                others => ReferenceState::OtherNamespaces(others),
            },
        };
        Reference { name, state }
    }

    /// The DaemonSets that pull this normalised reference.
    pub fn pre_pullers(&self, normalized: &str) -> &[PrePuller<'a>] {
        self.pre_pullers.get(normalized).map_or(&[], Vec::as_slice)
    }
}

fn elsewhere<'a>(
    map: &HashMap<&'a str, Vec<&'a str>>,
    namespace: &str,
    name: &str,
) -> Vec<&'a str> {
    map.get(name)
        .map(|all| all.iter().copied().filter(|ns| *ns != namespace).collect())
        .unwrap_or_default()
}
