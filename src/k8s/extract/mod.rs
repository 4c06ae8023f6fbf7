//! Finds Kubernetes objects in a document and copies out what the rules need: pod specs,
//! ServiceAccounts and Secrets (their registry keys only).

use std::collections::HashMap;

use super::placement::{Operator, Placement, Requirement, Toleration};
use super::{
    ANNOTATION_PREFIX, Container, ContainerList, DuplicateKey, Located, ObjectRef, PodSpec,
    PullSecretList, Secret, SecretEntryProblem, ServiceAccount, UnusableSecretEntry,
};
use crate::credentials::secret::{self, Payload};
use crate::parallel::append;
use crate::source::Span;
use crate::yaml::{Document, NodeId, NodeKind};

mod fields;
mod pod_spec;
mod secrets;

use fields::*;
use pod_spec::*;
use secrets::*;

/// What one document holds for the rules.
#[derive(Debug, Default)]
pub struct Extracted {
    /// Every Kubernetes object, with the index of its file.
    pub objects: Vec<(usize, ObjectRef)>,
    pub pods: Vec<PodSpec>,
    pub service_accounts: Vec<ServiceAccount>,
    pub secrets: Vec<Secret>,
    /// Where Secret values are written: output must never show these bytes.
    pub sensitive: Vec<Span>,
}

impl Extracted {
    pub fn append(&mut self, other: Extracted) {
        append(&mut self.objects, other.objects);
        append(&mut self.pods, other.pods);
        append(&mut self.service_accounts, other.service_accounts);
        append(&mut self.secrets, other.secrets);
        append(&mut self.sensitive, other.sensitive);
    }

    /// `parts` joined in order (see [`crate::parallel::concat_field`]).
    pub fn concat(mut parts: Vec<Extracted>) -> Extracted {
        Extracted::concat_of(&mut parts, |part| part)
    }

    /// What `part` holds of each of `parts`, taken out and joined in order.
    pub fn concat_of<P: Send>(
        parts: &mut [P],
        part: impl Fn(&mut P) -> &mut Extracted + Sync,
    ) -> Extracted {
        use crate::parallel::concat_field;
        Extracted {
            objects: concat_field(parts, |p| &mut part(p).objects),
            pods: concat_field(parts, |p| &mut part(p).pods),
            service_accounts: concat_field(parts, |p| &mut part(p).service_accounts),
            secrets: concat_field(parts, |p| &mut part(p).secrets),
            sensitive: concat_field(parts, |p| &mut part(p).sensitive),
        }
    }

    /// Containers of every list; image volumes are not counted.
    /// The containers of the pod specs in the files `counted` accepts.
    pub fn containers(&self, counted: impl Fn(usize) -> bool) -> usize {
        self.pods
            .iter()
            .filter(|p| counted(p.file))
            .flat_map(|p| &p.containers)
            .filter(|c| c.list != ContainerList::ImageVolumes)
            .count()
    }
}

/// Paths at which workloads keep their pod template, tried in order for any kind that is not a
/// Pod or a PodTemplate: Deployments and every other `spec.template` workload (Argo Rollouts,
/// OpenShift DeploymentConfigs, CRDs), then CronJob-like `spec.jobTemplate`.
const TEMPLATE_PATHS: [&[&str]; 2] = [
    &["spec", "template"],
    &["spec", "jobTemplate", "spec", "template"],
];

/// Extracts every object of a document. `file` is the file's index in the run; objects without
/// a namespace are in `default_namespace`.
pub fn extract(
    doc: &Document,
    file: usize,
    default_namespace: &str,
    credentials: bool,
) -> Extracted {
    let mut out = Extracted::default();
    let Some(root) = doc.root() else {
        return out;
    };
    out.sensitive = secret_values(doc, root);
    extract_items(doc, root, file, default_namespace, credentials, 0, &mut out);
    out
}

/// How deep `List`s inside `List`s are followed.
const LIST_DEPTH: usize = 8;

fn extract_items(
    doc: &Document,
    object: NodeId,
    file: usize,
    default_namespace: &str,
    credentials: bool,
    depth: usize,
    out: &mut Extracted,
) {
    match doc.get(object, "kind").and_then(|k| doc.str(k)) {
        // `kubectl get -o yaml` prints `kind: List`; the API prints `DeploymentList` and the like.
        // kubectl flattens Lists inside Lists.
        Some(kind) if kind.ends_with("List") && doc.get(object, "items").is_some() => {
            if depth >= LIST_DEPTH {
                return;
            }
            for item in doc
                .path(object, &["items"])
                .into_iter()
                .flat_map(|i| doc.items(i))
            {
                if doc.is_mapping(item) {
                    extract_items(
                        doc,
                        item,
                        file,
                        default_namespace,
                        credentials,
                        depth + 1,
                        out,
                    );
                }
            }
        }
        Some(_) => extract_object(doc, object, file, default_namespace, credentials, out),
        None => {}
    }
}

fn extract_object(
    doc: &Document,
    object: NodeId,
    file: usize,
    default_namespace: &str,
    credentials: bool,
    out: &mut Extracted,
) {
    let Some(kind) = doc.get(object, "kind").and_then(|k| doc.str(k)) else {
        return;
    };
    let metadata = doc.get_resolved(object, "metadata");
    let meta_str = |key| {
        metadata
            .and_then(|m| doc.get(m, key))
            .and_then(|v| doc.str(v))
    };
    let object_ref = ObjectRef {
        kind: kind.to_string(),
        name: meta_str("name").map(str::to_string),
        namespace: meta_str("namespace")
            .unwrap_or(default_namespace)
            .to_string(),
    };
    out.objects.push((file, object_ref.clone()));

    match kind {
        "ServiceAccount" => {
            if let Some(name) = object_ref.name.clone() {
                out.service_accounts.push(ServiceAccount {
                    file,
                    pull_secrets: pull_secret_list(doc, object),
                    object: object_ref,
                    name,
                    built: None,
                });
            }
            return;
        }
        "Secret" => {
            extract_secret(doc, object, object_ref, file, credentials, out);
            return;
        }
        _ => {}
    }

    // (pod template, pod spec): a Pod is its own template.
    let found = match kind {
        "Pod" => doc.get_resolved(object, "spec").map(|spec| (object, spec)),
        "PodTemplate" => doc
            .get_resolved(object, "template")
            .and_then(|t| Some((t, doc.get_resolved(t, "spec")?))),
        _ => TEMPLATE_PATHS
            .iter()
            .filter_map(|path| {
                let template = doc.path(object, path)?;
                Some((template, doc.get_resolved(template, "spec")?))
            })
            .find(|(_, spec)| {
                // A known workload's template is a pod template whatever it holds; another
                // kind's is taken for one when it holds a container list.
                WORKLOAD_KINDS.contains(&kind)
                    || ContainerList::ALL
                        .iter()
                        .any(|list| doc.get(*spec, list.key()).is_some())
            }),
    };
    let Some((template, spec)) = found.filter(|(_, s)| doc.is_mapping(*s)) else {
        return;
    };
    let mut annotations = pullcheck_annotations(doc, object);
    if template != object {
        annotations.extend(pullcheck_annotations(doc, template));
    }
    let mut pod = extract_pod_spec(doc, spec, file, object_ref);
    // Findings about the spec as a whole point at `containers:`, else at `spec:`.
    pod.span = key_span(doc, spec, "containers")
        .or_else(|| key_span(doc, template, "spec"))
        .unwrap_or(pod.span);
    pod.is_pod = kind == "Pod";
    let api_version = doc.get(object, "apiVersion").and_then(|v| doc.str(v));
    pod.built_in = match kind {
        // OpenShift validates a DeploymentConfig's template like a ReplicationController's.
        "DeploymentConfig" => {
            api_version.is_none_or(|v| v == "v1" || v.starts_with("apps.openshift.io/"))
        }
        _ => {
            (matches!(kind, "Pod" | "PodTemplate") || WORKLOAD_KINDS.contains(&kind))
                && api_version.is_none_or(|v| {
                    v == "v1"
                        || ["apps/", "batch/", "extensions/"]
                            .iter()
                            .any(|g| v.starts_with(g))
                })
        }
    };
    if kind == "DeploymentConfig" {
        pod.image_trigger_containers = image_change_containers(doc, object);
    }
    pod.from_cluster = ["resourceVersion", "uid", "creationTimestamp"]
        .iter()
        .any(|key| metadata.is_some_and(|m| doc.get(m, key).is_some()));
    pod.annotations = annotations;
    out.pods.push(pod);
}

/// Kinds whose `spec.template` (or `spec.jobTemplate.spec.template`) is a pod template by
/// definition, whatever it holds.
const WORKLOAD_KINDS: [&str; 7] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];
