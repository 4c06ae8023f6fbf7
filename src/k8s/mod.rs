//! Kubernetes objects as pullcheck sees them: the pod specs that pull images, and the
//! ServiceAccounts that lend them credentials. Extraction copies out the few values the rules
//! need, each with its span, so the YAML trees can be dropped once a file is read.

mod extract;
pub mod kinds;
pub mod placement;
pub mod pull_policy;
mod version;

pub use extract::{Extracted, extract};

/// Annotations pullcheck reads start with this; others are not kept.
pub const ANNOTATION_PREFIX: &str = "pullcheck.dev/";
pub use pull_policy::{PolicyFacts, PolicySummary, PullPolicy};
pub use version::KubernetesVersion;

use crate::credentials::{RegistryKey, SecretProblem};
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
    /// `volumes[].image`: an OCI image the kubelet pulls and mounts. Its `reference` and
    /// `pullPolicy` behave like a container's `image` and `imagePullPolicy`.
    ImageVolumes,
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
            ContainerList::ImageVolumes => "volumes",
        }
    }

    /// What one entry is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerList::Containers => "container",
            ContainerList::InitContainers => "init container",
            ContainerList::EphemeralContainers => "ephemeral container",
            ContainerList::ImageVolumes => "image volume",
        }
    }

    /// The key that holds the image reference.
    pub fn image_key(self) -> &'static str {
        match self {
            ContainerList::ImageVolumes => "reference",
            _ => "image",
        }
    }

    /// The key that holds the pull policy.
    pub fn policy_key(self) -> &'static str {
        match self {
            ContainerList::ImageVolumes => "pullPolicy",
            _ => "imagePullPolicy",
        }
    }
}

/// A container, or an image volume: anything of a pod spec that the kubelet pulls an image for.
#[derive(Clone, Debug)]
pub struct Container {
    pub list: ContainerList,
    pub name: Option<String>,
    /// The `name` value if there is one, else the container's first line: where findings about
    /// the container as a whole point.
    pub span: Span,
    /// `None` when the key is missing or null.
    pub image: Option<Located>,
    /// `None` when the key is missing, null or the empty string: Kubernetes then defaults it
    /// (`SetDefaults_Container` tests for `""`, and null decodes to `""`).
    pub pull_policy: Option<Located>,
}

/// A pod spec found in some object, with what decides its pulls.
#[derive(Clone, Debug)]
pub struct PodSpec {
    /// Index of the file it was read from, in the run's sorted file list.
    pub file: usize,
    pub object: ObjectRef,
    /// Where the pod spec is written: findings about the spec as a whole point here.
    pub span: Span,
    /// `serviceAccountName`, or the deprecated `serviceAccount` when that is empty.
    pub service_account: Option<Located>,
    /// The `imagePullSecrets` list.
    pub pull_secrets: PullSecretList,
    /// Containers of every list, then image volumes.
    pub containers: Vec<Container>,
    /// Whether `containers` holds at least one entry: the API server requires it.
    pub has_containers: bool,
    /// Keys written twice in the pod spec or in one of its containers.
    pub duplicate_keys: Vec<DuplicateKey>,
    /// Where the pod may be scheduled: `nodeSelector`, required node affinity, tolerations.
    pub placement: crate::k8s::placement::Placement,
    /// `pullcheck.dev/*` annotations of the object and of its pod template.
    pub annotations: Vec<(String, Located)>,
    /// Whether this is a Pod's own spec rather than a template for pods to come: some checks of
    /// the API server apply to Pods only.
    pub is_pod: bool,
    /// Whether the object was read back from a cluster (`kubectl get -o yaml`: it has a
    /// `resourceVersion`, `uid` or `creationTimestamp`) rather than written to be applied.
    pub from_cluster: bool,
    /// Whether the object is a Pod, PodTemplate or built-in workload, validated by the API
    /// server's own pod-spec validation. A custom resource's template (an Argo Rollout, an
    /// operator's CR) is validated by its schema, and its operator may fill in what is missing.
    pub built_in: bool,
    /// Containers an OpenShift DeploymentConfig's `ImageChange` triggers fill in: they may be
    /// written without an image (`handleEmptyImageReferences`).
    pub image_trigger_containers: Vec<String>,
    /// Whether the object is a kustomize patch (a kustomization of the run names its file):
    /// part of an object, so checks that it is complete do not apply.
    pub partial: bool,
    /// Set when the pod spec is a kustomization root's build of the one written in `file`.
    pub built: Option<Box<Built>>,
}

/// What a kustomize build changed of a pod spec, and for which root.
#[derive(Clone, Debug)]
pub struct Built {
    /// The root's index in the run's kustomize roots.
    pub root: usize,
    /// Values an `images:` entry set: findings at the value as written move to the entry.
    pub moved: Vec<Moved>,
}

/// A value of a built pod spec that a kustomization set, and where.
#[derive(Clone, Debug)]
pub struct Moved {
    /// Where the value is written, in the pod spec's file.
    pub written: Span,
    /// The file and place that set it last.
    pub to_file: usize,
    pub to_span: Span,
    /// What the written place shows, as a related location of the moved finding.
    pub label: String,
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
    pub pull_secrets: PullSecretList,
    /// Set when the ServiceAccount is a kustomization root's build of the one written in
    /// `file`.
    pub built: Option<Box<Built>>,
}

/// An `imagePullSecrets` list as written.
#[derive(Clone, Debug, Default)]
pub struct PullSecretList {
    /// Whether the list has any entry at all. The ServiceAccount admission plugin copies the
    /// ServiceAccount's list into a pod only when the pod's is empty, so even a list of unusable
    /// entries keeps the ServiceAccount's secrets away.
    pub listed: bool,
    /// The entries that name a Secret.
    pub named: Vec<Located>,
    /// The entries that do not.
    pub unusable: Vec<UnusableSecretEntry>,
}

/// An `imagePullSecrets` entry that names no Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnusableSecretEntry {
    pub span: Span,
    pub problem: SecretEntryProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretEntryProblem {
    /// `- {}`, `- name: ""`, `- name:`: allowed by validation, skipped by the kubelet.
    NoName,
    /// `- harbor-pull`: not an object, so the manifest does not decode and the apply fails.
    NotAnObject(String),
}

/// A Secret of the input, reduced to what pulls need: never its values.
#[derive(Clone, Debug)]
pub struct Secret {
    pub file: usize,
    pub namespace: String,
    pub name: String,
    /// The registries it holds credentials for, or why it cannot serve pulls.
    pub registry_keys: Result<Vec<RegistryKey>, SecretProblem>,
    /// The credentials under those keys: read for `--online` only, empty otherwise.
    pub credentials: Vec<(RegistryKey, crate::credentials::secret::Credential)>,
}

/// The annotation that declares an object's images preloaded on every node it runs on.
pub const PRELOADED_ANNOTATION: &str = "pullcheck.dev/preloaded";

/// The annotation that suppresses rules for an object: `"latest-tag,missing-tag [-- reason]"`.
pub const IGNORE_ANNOTATION: &str = "pullcheck.dev/ignore";

/// Whether a document that could not be parsed may be, or hold, a Secret: its values are then
/// masked. `Secret` cannot be spelled without those letters except through an escape (`\u0065`
/// in a double-quoted scalar) or a `!!binary` tag, so a text with none of these is ruled out;
/// any other is not.
pub fn may_hold_secret(text: &str) -> bool {
    text.contains("Secret")
        || text.contains('\\')
        || text.contains("binary")
        || text.contains("dockerc")
}
