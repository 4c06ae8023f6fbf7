//! What one run knows across all its files: ServiceAccounts, Secrets and the images that
//! DaemonSets pull on every node. Built once after every file is parsed, read by the rules.

use std::collections::HashMap;

mod credentials;
pub use credentials::{CredentialSource, PodCredentials, Reference, ReferenceState};

use crate::image::ImageRef;
use crate::k8s::placement::Placement;
use crate::k8s::{
    ContainerList, Extracted, ObjectRef, PolicyFacts, PullPolicy, Secret, ServiceAccount,
};

/// A workload that pulls an image on the nodes it runs on: a DaemonSet, on every node its
/// placement admits.
#[derive(Debug)]
pub struct PrePuller<'a> {
    pub object: &'a ObjectRef,
    pub placement: &'a Placement,
    /// The Secret (name) the DaemonSet's pull uses, when one of its pull secrets covers the
    /// image. Since Kubernetes 1.35 (KEP-2535) the kubelet lets other pods use an image pulled
    /// with a Secret only when they hold matching credentials.
    pub secret: Option<&'a str>,
}

impl PrePuller<'_> {
    /// Whether every node a pod placed by `pod` can land on runs the pre-puller.
    pub fn covers(&self, pod: &Placement) -> bool {
        self.placement.covers(pod)
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
        for namespaces in index
            .secret_namespaces
            .values_mut()
            .chain(index.account_namespaces.values_mut())
        {
            namespaces.sort_unstable();
            namespaces.dedup();
        }
        // Pre-pullers need the credential index built above to tell how they pull.
        index.pre_pullers = pre_pullers(extracted, &index);
        index
    }

    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&'a ServiceAccount> {
        self.service_accounts.get(&(namespace, name)).copied()
    }

    /// Namespaces other than `namespace` that hold a ServiceAccount called `name`.
    pub fn service_account_elsewhere(&self, namespace: &str, name: &str) -> Vec<&'a str> {
        elsewhere(&self.account_namespaces, namespace, name)
    }

    /// The Secret `name` in `namespace`, if the input has it.
    pub fn secret(&self, namespace: &str, name: &str) -> Option<&'a Secret> {
        self.secrets.get(&(namespace, name)).copied()
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
    /// The Secrets of `namespace` whose keys cover an image (its normalised name), by name,
    /// sorted.
    pub fn secrets_covering(&self, namespace: &str, image_name: &str) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = (self.secrets.iter())
            .filter(|((ns, _), _)| *ns == namespace)
            .filter(|(_, secret)| {
                (secret.registry_keys.as_ref()).is_ok_and(|keys| {
                    crate::credentials::keyring::lookup(keys, image_name).is_some()
                })
            })
            .map(|((_, name), _)| *name)
            .collect();
        names.sort_unstable();
        names
    }

    pub fn pre_pullers(&self, normalized: &str) -> &[PrePuller<'a>] {
        self.pre_pullers.get(normalized).map_or(&[], Vec::as_slice)
    }
}

/// Every image DaemonSets pull (normalised), with the DaemonSets that pull it.
fn pre_pullers<'a>(
    extracted: &'a Extracted,
    index: &Index<'a>,
) -> HashMap<String, Vec<PrePuller<'a>>> {
    let mut found: HashMap<String, Vec<PrePuller<'a>>> = HashMap::new();
    for pod in extracted
        .pods
        .iter()
        .filter(|p| p.object.kind == "DaemonSet")
    {
        let credentials = PodCredentials::resolve(pod, index);
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
            if PolicyFacts::of(container, Some(&reference)).effective != PullPolicy::Never {
                found
                    .entry(reference.normalized())
                    .or_default()
                    .push(PrePuller {
                        object: &pod.object,
                        placement: &pod.placement,
                        secret: credentials.covering(&reference.name()).map(|(s, _)| s),
                    });
            }
        }
    }
    found
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
