//! Finds Kubernetes objects in a document and copies out their pod specs and ServiceAccounts.

use super::{Container, ContainerList, Located, ObjectRef, PodSpec, ServiceAccount};
use crate::source::Span;
use crate::yaml::{Document, NodeId};

/// What one document holds for the rules.
#[derive(Debug, Default)]
pub struct Extracted {
    pub objects: usize,
    pub pods: Vec<PodSpec>,
    pub service_accounts: Vec<ServiceAccount>,
}

impl Extracted {
    pub fn append(&mut self, mut other: Extracted) {
        self.objects += other.objects;
        self.pods.append(&mut other.pods);
        self.service_accounts.append(&mut other.service_accounts);
    }

    pub fn containers(&self) -> usize {
        self.pods.iter().map(|p| p.containers.len()).sum()
    }
}

/// Paths at which workloads keep their pod spec, tried in order for any kind that is not a Pod
/// or a PodTemplate: Deployments and every other `spec.template` workload (Argo Rollouts,
/// OpenShift DeploymentConfigs, CRDs), then CronJob-like `spec.jobTemplate`.
const TEMPLATE_PATHS: [&[&str]; 2] = [
    &["spec", "template", "spec"],
    &["spec", "jobTemplate", "spec", "template", "spec"],
];

/// Extracts every object of a document. `file` is the file's index in the run; objects without
/// a namespace are in `default_namespace`.
pub fn extract(doc: &Document, file: usize, default_namespace: &str) -> Extracted {
    let mut out = Extracted::default();
    let Some(root) = doc.root() else {
        return out;
    };
    let kind = doc.get(root, "kind").and_then(|k| doc.str(k));
    match kind {
        // `kubectl get -o yaml` prints `kind: List`; the API prints `DeploymentList` and the like.
        Some(kind) if kind.ends_with("List") && doc.get(root, "items").is_some() => {
            for item in doc
                .path(root, &["items"])
                .into_iter()
                .flat_map(|i| doc.items(i))
            {
                if doc.is_mapping(item) {
                    extract_object(doc, item, file, default_namespace, &mut out);
                }
            }
        }
        Some(_) => extract_object(doc, root, file, default_namespace, &mut out),
        None => {}
    }
    out
}

fn extract_object(
    doc: &Document,
    object: NodeId,
    file: usize,
    default_namespace: &str,
    out: &mut Extracted,
) {
    let Some(kind) = doc.get(object, "kind").and_then(|k| doc.str(k)) else {
        return;
    };
    out.objects += 1;
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

    if kind == "ServiceAccount" {
        let pull_secrets = secret_names(doc, object)
            .into_iter()
            .map(|s| s.value)
            .collect();
        if let Some(name) = object_ref.name.clone() {
            out.service_accounts.push(ServiceAccount {
                namespace: object_ref.namespace,
                name,
                pull_secrets,
            });
        }
        return;
    }

    let pod_spec = match kind {
        "Pod" => doc.get_resolved(object, "spec"),
        "PodTemplate" => doc.path(object, &["template", "spec"]),
        _ => TEMPLATE_PATHS
            .iter()
            .filter_map(|path| doc.path(object, path))
            .find(|spec| doc.get(*spec, "containers").is_some()),
    };
    if let Some(spec) = pod_spec.filter(|s| doc.is_mapping(*s)) {
        let mut pod = extract_pod_spec(doc, spec, file, object_ref);
        pod.is_pod = kind == "Pod";
        out.pods.push(pod);
    }
}

fn extract_pod_spec(doc: &Document, spec: NodeId, file: usize, object: ObjectRef) -> PodSpec {
    let service_account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|key| located(doc, doc.get(spec, key)?));
    let mut containers = Vec::new();
    for list in ContainerList::ALL {
        let Some(items) = doc.get(spec, list.key()) else {
            continue;
        };
        for container in doc.items(items).filter(|c| doc.is_mapping(*c)) {
            let field = |key| doc.get(container, key).and_then(|v| located(doc, v));
            let name = field("name");
            let span = name
                .as_ref()
                .map_or_else(|| first_line(doc, container), |n| n.span);
            containers.push(Container {
                list,
                name: name.map(|n| n.value),
                span,
                image: field("image"),
                pull_policy: field("imagePullPolicy"),
            });
        }
    }
    PodSpec {
        file,
        object,
        service_account,
        pull_secrets: secret_names(doc, spec),
        containers,
        is_pod: false,
    }
}

/// The `name`s under `imagePullSecrets` of a pod spec or ServiceAccount.
fn secret_names(doc: &Document, owner: NodeId) -> Vec<Located> {
    let Some(list) = doc.get(owner, "imagePullSecrets") else {
        return Vec::new();
    };
    doc.items(list)
        .filter_map(|entry| located(doc, doc.get(entry, "name")?))
        .collect()
}

/// The span of a node's first line, found from its first key or item.
fn first_line(doc: &Document, node: NodeId) -> Span {
    let span = doc.node(node).span;
    Span::new(span.start, span.end.min(span.start + 1))
}

/// A scalar value with the span of its text. For an alias, the span is the anchored scalar's,
/// so that a finding points at the text that says it.
fn located(doc: &Document, node: NodeId) -> Option<Located> {
    let target = doc.resolve(node);
    Some(Located {
        value: doc.str(target)?.to_string(),
        span: doc.node(target).span,
    })
}
