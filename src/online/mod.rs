//! `--online`: what the registries answer for each image, asked with the credentials the
//! kubelet would use. For every container the pull is worked out as the kubelet does it
//! (`kuberuntime_image.go`, `keyring.go`): the credentials of the pod's pull secrets (its own
//! list, else its ServiceAccount's) whose keys match the image, then those of the node — here
//! the CI's Docker config — in order; each is tried until one gets an answer, and only when none
//! matches is the pull anonymous. Each distinct pull is asked once per run, a bounded number at
//! a time. Nothing is sent anywhere unless `--online` is given.

mod ask;
mod cache;
mod client;
mod docker_config;
mod pulls;
#[cfg(test)]
mod tests;
use pulls::pull_for;
mod wire;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::credentials::keyring::RegistryKey;
use crate::credentials::secret::Credential;
use crate::image::ImageRef;
use crate::index::{Index, PodCredentials, ReferenceState};
use crate::k8s::{Container, ContainerList, PodSpec};
use crate::registry_class::RegistryClass;

/// How `--online` asks.
#[derive(Clone, Debug)]
pub struct OnlineSettings {
    /// The platforms a pod without an architecture constraint must find, `os/arch`.
    pub platforms: Vec<String>,
    /// For each request.
    pub timeout: Duration,
    /// Requests at a time, over the whole run.
    pub concurrency: usize,
    /// Hosts asked over plain HTTP (loopback always is).
    pub insecure: Vec<String>,
    /// PEM files of the certificate authorities to trust instead of the platform's.
    pub ca_files: Vec<PathBuf>,
    /// The Docker config read as the node's credentials; `None`: `$DOCKER_CONFIG/config.json`,
    /// else `~/.docker/config.json`.
    pub docker_config: Option<PathBuf>,
    /// Where earlier answers are kept (see `cache`); `None`: not kept (`--no-cache`).
    pub cache: Option<PathBuf>,
    /// How long an answer about a tag is kept.
    pub cache_ttl: Duration,
}

impl Default for OnlineSettings {
    fn default() -> Self {
        OnlineSettings {
            platforms: vec!["linux/amd64".into()],
            timeout: Duration::from_secs(10),
            concurrency: 8,
            insecure: Vec::new(),
            ca_files: Vec::new(),
            docker_config: None,
            cache: cache::default_path(),
            cache_ttl: Duration::from_secs(600),
        }
    }
}

/// What a registry said (deckhouse's k8s-image-availability-exporter names these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Available,
    Absent,
    AuthenticationFailure,
    AuthorizationFailure,
    PlatformMissing,
    RateLimited,
    RegistryUnavailable,
    Unverifiable,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Available => "available",
            Status::Absent => "absent",
            Status::AuthenticationFailure => "authentication-failure",
            Status::AuthorizationFailure => "authorization-failure",
            Status::PlatformMissing => "platform-missing",
            Status::RateLimited => "rate-limited",
            Status::RegistryUnavailable => "registry-unavailable",
            Status::Unverifiable => "unverifiable",
            Status::Unknown => "unknown",
        }
    }

    pub fn is_available(self) -> bool {
        self == Status::Available
    }

    /// Whether the registry gave an answer about the image (rather than about itself).
    fn is_answer(self) -> bool {
        matches!(
            self,
            Status::Available | Status::Absent | Status::PlatformMissing
        )
    }
}

/// The answer for one pull.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Verdict {
    pub status: Status,
    /// Why, in a few words (`the tag does not exist (MANIFEST_UNKNOWN)`).
    pub detail: String,
    /// The manifest's digest, when it exists.
    pub digest: Option<String>,
    /// The platforms of an index.
    pub platforms: Vec<String>,
    /// Which credential the answer came with: `Secret shop/regcred (harbor.corp)`, `Docker
    /// config (harbor.corp)` or `anonymous`. Never a value.
    pub credential: String,
    /// For an image pinned as `name:tag@digest`: the digest the tag points at now.
    pub tag_digest: Option<String>,
}

/// One way to authenticate a pull, and what to call it.
#[derive(Clone, Debug)]
struct Source {
    label: String,
    credential: Option<Credential>,
}

/// A pull as the kubelet makes it.
#[derive(Clone, Debug)]
struct Pull {
    image: ImageRef,
    sources: Vec<Source>,
    platforms: Vec<String>,
    /// Set when no answer can be had from here (a node-credentials registry without a
    /// credential): the reason.
    unverifiable: Option<String>,
}

impl Pull {
    fn key(&self) -> String {
        let labels: Vec<&str> = self.sources.iter().map(|s| s.label.as_str()).collect();
        format!(
            "{} [{}] {}",
            self.image.normalized(),
            labels.join(", "),
            self.platforms.join(",")
        )
    }
}

/// The verdicts of a run, per container (and image volume) pull.
#[derive(Debug, Default)]
pub struct Verdicts {
    by_container: HashMap<ContainerKey, usize>,
    verdicts: Vec<Verdict>,
}

type ContainerKey = (usize, usize, usize, String, String);

fn container_key(pod: &PodSpec, container: &Container) -> Option<ContainerKey> {
    let image = container.image.as_ref()?;
    Some((
        pod.file,
        pod.span.start,
        container.span.start,
        image.value.clone(),
        pod.object.namespace.clone(),
    ))
}

impl Verdicts {
    /// The verdict for a container's pull, when the run was online.
    pub fn of(&self, pod: &PodSpec, container: &Container) -> Option<&Verdict> {
        let key = container_key(pod, container)?;
        self.by_container.get(&key).map(|&i| &self.verdicts[i])
    }
}

/// Asks the registries about every pull of `pods`.
pub fn check(
    pods: &[&PodSpec],
    index: &Index<'_>,
    settings: &OnlineSettings,
    registries: &crate::registry_class::RegistryClasses,
) -> Verdicts {
    let client = client::Client::new(settings);
    let node = docker_config::read(settings.docker_config.as_deref());
    let mut pulls: Vec<Pull> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_container = HashMap::new();
    for pod in pods {
        let credentials = PodCredentials::resolve(pod, index);
        for container in &pod.containers {
            let Some(image) = &container.image else {
                continue;
            };
            let Ok(reference) = ImageRef::parse(&image.value) else {
                continue;
            };
            if container.list == ContainerList::EphemeralContainers {
                continue;
            }
            let pull = pull_for(
                pod,
                &credentials,
                index,
                &node,
                reference,
                settings,
                registries,
            );
            let key = pull.key();
            let at = *by_key.entry(key).or_insert_with(|| {
                pulls.push(pull);
                pulls.len() - 1
            });
            if let Some(container_key) = container_key(pod, container) {
                by_container.insert(container_key, at);
            }
        }
    }
    let verdicts = match client {
        Ok(client) => ask::ask_with_cache(&client, &pulls, settings),
        // A CA file that cannot be read: nothing can be verified, and every verdict says why.
        Err(why) => pulls
            .iter()
            .map(|_| Verdict {
                status: Status::Unverifiable,
                detail: why.clone(),
                digest: None,
                platforms: Vec::new(),
                credential: String::new(),
                tag_digest: None,
            })
            .collect(),
    };
    Verdicts {
        by_container,
        verdicts,
    }
}
