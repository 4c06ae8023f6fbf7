//! The pull plan behind `pullcheck images`: every distinct image of the input, with its registry
//! class, the pull policies it is pulled with, the credentials that reach it and who uses it.

use std::collections::BTreeMap;

use crate::image::ImageRef;
use crate::index::Index;
use crate::index::{CredentialSource, PodCredentials, ReferenceState};
use crate::k8s::{ContainerList, ObjectRef, PolicyFacts, PullPolicy};
use crate::registry_class::RegistryClass;
use crate::run::Collected;
use crate::settings::Settings;
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct PlannedImage {
    /// The normalised reference, e.g. `docker.io/library/nginx:1.27`.
    pub reference: String,
    pub registry: String,
    pub class: RegistryClass,
    /// The effective pull policies it is used with, each once.
    pub policies: Vec<PullPolicy>,
    /// How each use gets its credentials, each description once.
    pub credentials: Vec<String>,
    pub used_by: Vec<ImageUse>,
    /// What the registry answered, per distinct pull (`--online` only).
    pub online: Vec<crate::online::Verdict>,
}

#[derive(Debug, Clone)]
pub struct ImageUse {
    pub object: ObjectRef,
    pub container: Option<String>,
    /// Whether `container` names an image volume (`volumes[].image`) rather than a container.
    pub volume: bool,
    pub file: usize,
    pub span: Span,
    /// The pull policy this use gets on creation.
    pub policy: PullPolicy,
    /// How this use gets its credentials: the Secret and its `auths` key, never a value.
    pub credentials: String,
}

/// The plan for everything collected, sorted by reference. Images that do not parse are left
/// out: `pullcheck` reports them.
pub fn plan(collected: &Collected, settings: &Settings) -> Vec<PlannedImage> {
    plan_with(collected, settings, settings.online.is_some())
}

/// The plan, asking the registries only when `online` (and `--online` is set): the editor's
/// hover never waits for the network.
pub fn plan_with(collected: &Collected, settings: &Settings, online: bool) -> Vec<PlannedImage> {
    let index = Index::new(&collected.extracted);
    let mut images: BTreeMap<String, PlannedImage> = BTreeMap::new();
    let pods: Vec<&crate::k8s::PodSpec> = (collected.extracted.pods.iter())
        .filter(|p| collected.linted(p.file, p.built.as_deref()))
        .collect();
    let verdicts = match settings.online.as_ref().filter(|_| online) {
        Some(online) => crate::online::check(&pods, &index, online, &settings.options.registries),
        None => crate::online::Verdicts::default(),
    };
    for pod in pods {
        let credentials = PodCredentials::resolve(pod, &index);
        for container in &pod.containers {
            let Some(image) = &container.image else {
                continue;
            };
            let Ok(reference) = ImageRef::parse(&image.value) else {
                continue;
            };
            let policy = PolicyFacts::of(container, Some(&reference)).effective;
            let class = settings.options.registries.classify(&reference);
            let credential = describe_credentials(&credentials, &reference, class, policy, false);
            let entry = images
                .entry(reference.normalized())
                .or_insert_with(|| PlannedImage {
                    reference: reference.normalized(),
                    registry: reference.domain().to_string(),
                    class,
                    policies: Vec::new(),
                    credentials: Vec::new(),
                    used_by: Vec::new(),
                    online: Vec::new(),
                });
            if let Some(verdict) = verdicts.of(pod, container)
                && !entry
                    .online
                    .iter()
                    .any(|v| v.status == verdict.status && v.credential == verdict.credential)
            {
                entry.online.push(verdict.clone());
            }
            if !entry.policies.contains(&policy) {
                entry.policies.push(policy);
            }
            if !entry.credentials.contains(&credential) {
                entry.credentials.push(credential.clone());
            }
            entry.used_by.push(ImageUse {
                object: pod.object.clone(),
                container: container.name.clone(),
                volume: container.list == ContainerList::ImageVolumes,
                file: pod.file,
                span: image.span,
                policy,
                credentials: describe_credentials(&credentials, &reference, class, policy, true),
            });
        }
    }
    images.into_values().collect()
}

fn describe_credentials(
    credentials: &PodCredentials<'_>,
    reference: &ImageRef,
    class: RegistryClass,
    policy: PullPolicy,
    keys: bool,
) -> String {
    if policy == PullPolicy::Never {
        return "not pulled (Never)".into();
    }
    match (credentials.covering(&reference.name()), credentials.source) {
        (Some((secret, key)), CredentialSource::Pod) if keys => {
            format!("pod secret {secret}, `auths` key {key}")
        }
        (Some((secret, key)), CredentialSource::ServiceAccount { name, .. }) if keys => {
            format!("ServiceAccount {name} secret {secret}, `auths` key {key}")
        }
        (Some((secret, _)), CredentialSource::Pod) => format!("pod secret {secret}"),
        (Some((secret, _)), CredentialSource::ServiceAccount { name, .. }) => {
            format!("ServiceAccount {name} secret {secret}")
        }
        (None, _) if class == RegistryClass::NodeCredentials => "node credentials".into(),
        (None, _) => {
            let unknown: Vec<&str> = credentials
                .reaching
                .iter()
                .filter(|r| r.state == ReferenceState::NotFound)
                .map(|r| r.name)
                .collect();
            if unknown.is_empty() {
                "none".into()
            } else {
                format!("unknown: {} not in the input", unknown.join(", "))
            }
        }
    }
}
