//! Kubernetes objects as pullcheck sees them: the pod specs that pull images, and the
//! ServiceAccounts that lend them credentials. Extraction copies out the few values the rules
//! need, each with its span, so the YAML trees can be dropped once a file is read.

mod extract;
pub mod pull_policy;

pub use extract::{Extracted, extract};

/// Annotations pullcheck reads start with this; others are not kept.
pub const ANNOTATION_PREFIX: &str = "pullcheck.dev/";
pub use pull_policy::PullPolicy;

use crate::credentials::{RegistryKey, SecretProblem};
use crate::image::ImageRef;
use crate::source::Span;

/// Which object a finding belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub name: Option<String>,
    pub namespace: String,
}

/// A scalar value and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

impl ContainerList {
    pub const ALL: [ContainerList; 3] = [
        ContainerList::Containers,
        ContainerList::InitContainers,
        ContainerList::EphemeralContainers,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ContainerList::Containers => "containers",
            ContainerList::InitContainers => "initContainers",
            ContainerList::EphemeralContainers => "ephemeralContainers",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub list: ContainerList,
    pub name: Option<String>,
    /// The `name` value if there is one, else the container's first line: where findings about
    /// the container as a whole point.
    pub span: Span,
    /// `None` when the key is missing or null.
    pub image: Option<Located>,
    pub pull_policy: Option<Located>,
}

impl Container {
    /// The written `imagePullPolicy` when it is valid, else what Kubernetes defaults it to for
    /// the image (`reference`, when it parses).
    pub fn effective_pull_policy(&self, reference: Option<&ImageRef>) -> PullPolicy {
        self.pull_policy
            .as_ref()
            .and_then(|p| PullPolicy::parse(&p.value))
            .unwrap_or_else(|| PullPolicy::default_for(reference))
    }
}

/// A pod spec found in some object, with what decides its pulls.
#[derive(Clone, Debug)]
pub struct PodSpec {
    /// Index of the file it was read from, in the run's sorted file list.
    pub file: usize,
    pub object: ObjectRef,
    /// `serviceAccountName` (or the deprecated `serviceAccount`), when set.
    pub service_account: Option<Located>,
    /// The `name`s listed under `imagePullSecrets`.
    pub pull_secrets: Vec<Located>,
    pub containers: Vec<Container>,
    /// Keys written twice in the pod spec or in one of its containers.
    pub duplicate_keys: Vec<DuplicateKey>,
    /// `nodeSelector` labels: the nodes the pod may run on.
    pub node_selector: Vec<(String, String)>,
    /// `pullcheck.dev/*` annotations of the object and of its pod template.
    pub annotations: Vec<(String, Located)>,
    /// Whether this is a Pod's own spec rather than a template for pods to come: only a Pod's
    /// spec must name an image (templates may have theirs set later, e.g. by OpenShift triggers).
    pub is_pod: bool,
}

impl PodSpec {
    pub fn annotation(&self, key: &str) -> Option<&Located> {
        self.annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The ServiceAccount the pod runs as: Kubernetes' default is `default`.
    pub fn service_account_name(&self) -> &str {
        self.service_account
            .as_ref()
            .map_or("default", |sa| sa.value.as_str())
    }
}

/// A mapping key written twice.
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
    /// `the pod spec` or `container `web``.
    pub place: String,
}

/// A ServiceAccount of the input.
#[derive(Clone, Debug)]
pub struct ServiceAccount {
    pub file: usize,
    pub object: ObjectRef,
    pub name: String,
    /// The `name`s listed under `imagePullSecrets`.
    pub pull_secrets: Vec<Located>,
}

/// A Secret of the input, reduced to what pulls need: never its values.
#[derive(Clone, Debug)]
pub struct Secret {
    pub namespace: String,
    pub name: String,
    /// The registries it holds credentials for, or why it cannot serve pulls.
    pub registry_keys: Result<Vec<RegistryKey>, SecretProblem>,
}

/// The annotation that declares an object's images preloaded on every node it runs on.
pub const PRELOADED_ANNOTATION: &str = "pullcheck.dev/preloaded";

/// The annotation that suppresses rules for an object: `"latest-tag,missing-tag [-- reason]"`.
pub const IGNORE_ANNOTATION: &str = "pullcheck.dev/ignore";
