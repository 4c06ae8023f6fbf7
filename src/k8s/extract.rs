//! Finds Kubernetes objects in a document and copies out what the rules need: pod specs,
//! ServiceAccounts and Secrets (their registry keys only).

use std::collections::HashMap;

use super::placement::{Operator, Placement, Requirement, Toleration};
use super::{
    ANNOTATION_PREFIX, Container, ContainerList, DuplicateKey, Located, ObjectRef, PodSpec,
    PullSecretList, Secret, SecretEntryProblem, ServiceAccount, UnusableSecretEntry,
};
use crate::credentials::secret::{self, Payload};
use crate::source::Span;
use crate::yaml::{Document, NodeId, NodeKind};

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
    pub fn append(&mut self, mut other: Extracted) {
        self.objects.append(&mut other.objects);
        self.pods.append(&mut other.pods);
        self.service_accounts.append(&mut other.service_accounts);
        self.secrets.append(&mut other.secrets);
        self.sensitive.append(&mut other.sensitive);
    }

    /// Containers of every list; image volumes are not counted.
    pub fn containers(&self) -> usize {
        self.pods
            .iter()
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
pub fn extract(doc: &Document, file: usize, default_namespace: &str) -> Extracted {
    let mut out = Extracted::default();
    let Some(root) = doc.root() else {
        return out;
    };
    out.sensitive = secret_values(doc, root);
    extract_items(doc, root, file, default_namespace, 0, &mut out);
    out
}

/// How deep `List`s inside `List`s are followed.
const LIST_DEPTH: usize = 8;

fn extract_items(
    doc: &Document,
    object: NodeId,
    file: usize,
    default_namespace: &str,
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
                    extract_items(doc, item, file, default_namespace, depth + 1, out);
                }
            }
        }
        Some(_) => extract_object(doc, object, file, default_namespace, out),
        None => {}
    }
}

/// Where the values of every Secret in a document are written, at any depth (a `List` in a
/// `List`, an OpenShift `Template`'s objects): every scalar of an object with a `kind: Secret`
/// entry (any of them, when `kind` is written twice) except its `apiVersion`, `kind`, `type`
/// and `metadata.name` and `.namespace`. Annotations count: `kubectl get secret -o yaml` keeps a
/// JSON copy of `data` in `last-applied-configuration`.
fn secret_values(doc: &Document, root: NodeId) -> Vec<Span> {
    let mentions_secret = doc
        .nodes
        .iter()
        .any(|n| matches!(&n.kind, NodeKind::Scalar { value, .. } if value == "Secret"));
    if !mentions_secret {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut visited = vec![false; doc.nodes.len()];
    let mut pending = vec![root];
    while let Some(node) = pending.pop() {
        let node = doc.resolve(node);
        if std::mem::replace(&mut visited[node as usize], true) {
            continue;
        }
        match &doc.node(node).kind {
            NodeKind::Mapping(entries) if is_secret(doc, entries) => {
                for &(k, v) in entries {
                    match doc.str(k) {
                        Some("apiVersion" | "kind" | "type") => {}
                        Some("metadata") if doc.is_mapping(v) => {
                            let NodeKind::Mapping(meta) = &doc.node(doc.resolve(v)).kind else {
                                continue;
                            };
                            for &(mk, mv) in meta {
                                if !matches!(doc.str(mk), Some("name" | "namespace")) {
                                    scalars_below(doc, mv, &mut spans);
                                }
                            }
                        }
                        _ => scalars_below(doc, v, &mut spans),
                    }
                }
            }
            NodeKind::Mapping(entries) => pending.extend(entries.iter().map(|&(_, v)| v)),
            NodeKind::Sequence(items) => pending.extend(items.iter().copied()),
            _ => {}
        }
    }
    spans
}

fn is_secret(doc: &Document, entries: &[(NodeId, NodeId)]) -> bool {
    entries
        .iter()
        .any(|&(k, v)| doc.str(k) == Some("kind") && doc.str(v) == Some("Secret"))
}

/// The spans of every scalar value at or below `node` (aliases followed to their anchors).
fn scalars_below(doc: &Document, node: NodeId, spans: &mut Vec<Span>) {
    let mut pending = vec![node];
    let mut visited = std::collections::HashSet::new();
    while let Some(node) = pending.pop() {
        let node = doc.resolve(node);
        if !visited.insert(node) {
            continue;
        }
        match &doc.node(node).kind {
            NodeKind::Scalar { .. } => spans.push(doc.node(node).span),
            NodeKind::Mapping(entries) => pending.extend(entries.iter().map(|&(_, v)| v)),
            NodeKind::Sequence(items) => pending.extend(items.iter().copied()),
            NodeKind::Alias(_) => {}
        }
    }
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
                });
            }
            return;
        }
        "Secret" => {
            extract_secret(doc, object, object_ref, out);
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

/// The containers named by a DeploymentConfig's `ImageChange` triggers.
fn image_change_containers(doc: &Document, object: NodeId) -> Vec<String> {
    doc.path(object, &["spec", "triggers"])
        .into_iter()
        .flat_map(|t| doc.items(t))
        .filter(|t| doc.get(*t, "type").and_then(|v| doc.str(v)) == Some("ImageChange"))
        .filter_map(|t| doc.path(t, &["imageChangeParams", "containerNames"]))
        .flat_map(|names| doc.items(names))
        .filter_map(|n| doc.str(n).map(str::to_string))
        .collect()
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

fn extract_pod_spec(doc: &Document, spec: NodeId, file: usize, object: ObjectRef) -> PodSpec {
    // `Convert_v1_PodSpec_To_core_PodSpec`: the deprecated `serviceAccount` is used whenever
    // `serviceAccountName` is empty.
    let service_account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .filter_map(|key| located(doc, doc.get(spec, key)?))
        .find(|name| !name.value.is_empty());
    let mut containers = Vec::new();
    let mut duplicate_keys = duplicates(doc, spec, "the pod spec");
    for list in ContainerList::ALL {
        let Some(items) = doc.get(spec, list.key()) else {
            continue;
        };
        for container in doc.items(items).filter(|c| doc.is_mapping(*c)) {
            let field = |key| doc.get(container, key).and_then(|v| located(doc, v));
            let name = field("name");
            let place = match &name {
                Some(n) => format!("{} `{}`", list.noun(), n.value),
                None => format!("a {}", list.noun()),
            };
            duplicate_keys.extend(duplicates(doc, container, &place));
            containers.push(entry(doc, container, list, name, container));
        }
    }
    // Image volumes: `volumes[].image.{reference,pullPolicy}`.
    for volume in doc
        .get(spec, "volumes")
        .into_iter()
        .flat_map(|v| doc.items(v))
    {
        let Some(image) = doc
            .get_resolved(volume, "image")
            .filter(|i| doc.is_mapping(*i))
        else {
            continue;
        };
        let name = doc.get(volume, "name").and_then(|v| located(doc, v));
        containers.push(entry(doc, volume, ContainerList::ImageVolumes, name, image));
    }
    let has_containers = doc
        .get(spec, ContainerList::Containers.key())
        .is_some_and(|list| doc.items(list).next().is_some());
    PodSpec {
        file,
        object,
        span: first_character(doc, spec),
        service_account,
        pull_secrets: pull_secret_list(doc, spec),
        containers,
        has_containers,
        duplicate_keys,
        placement: placement(doc, spec),
        annotations: Vec::new(),
        is_pod: false,
        from_cluster: false,
        built_in: false,
        image_trigger_containers: Vec::new(),
        partial: false,
    }
}

/// A container or image volume: `node` is the entry, `fields` the mapping holding the image
/// and policy keys (the entry itself, or an image volume's `image`).
fn entry(
    doc: &Document,
    node: NodeId,
    list: ContainerList,
    name: Option<Located>,
    fields: NodeId,
) -> Container {
    let field = |key| doc.get(fields, key).and_then(|v| located(doc, v));
    let span = name
        .as_ref()
        .map_or_else(|| first_character(doc, node), |n| n.span);
    Container {
        list,
        name: name.map(|n| n.value),
        span,
        image: field(list.image_key()),
        pull_policy: field(list.policy_key()).filter(|p| !p.value.is_empty()),
    }
}

/// `nodeSelector`, the required node-affinity terms and the tolerations of a pod spec.
fn placement(doc: &Document, spec: NodeId) -> Placement {
    let mut placement = Placement {
        node_selector: string_map(doc, doc.get_resolved(spec, "nodeSelector")),
        ..Placement::default()
    };
    if let Some(terms) = doc.path(
        spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    ) {
        let mut read = Vec::new();
        for term in doc.items(terms) {
            let mut requirements = Vec::new();
            for (key, prefix) in [("matchExpressions", ""), ("matchFields", "field:")] {
                for expression in doc.get(term, key).into_iter().flat_map(|e| doc.items(e)) {
                    let text = |k| doc.get(expression, k).and_then(|v| doc.str(v));
                    let operator = text("operator").and_then(Operator::parse);
                    match (text("key"), operator) {
                        (Some(k), Some(operator)) => requirements.push(Requirement {
                            key: format!("{prefix}{k}"),
                            operator,
                            values: doc
                                .get(expression, "values")
                                .into_iter()
                                .flat_map(|v| doc.items(v))
                                .filter_map(|v| doc.str(v).map(str::to_string))
                                .collect(),
                        }),
                        _ => placement.unreadable = true,
                    }
                }
            }
            read.push(requirements);
        }
        placement.affinity_terms = Some(read);
    }
    for toleration in doc
        .get(spec, "tolerations")
        .into_iter()
        .flat_map(|t| doc.items(t))
    {
        let text = |k| {
            doc.get(toleration, k)
                .and_then(|v| doc.str(v))
                .unwrap_or("")
                .to_string()
        };
        placement.tolerations.push(Toleration {
            key: text("key"),
            exists: text("operator") == "Exists",
            value: text("value"),
            effect: text("effect"),
        });
    }
    placement
}

fn extract_secret(doc: &Document, object: NodeId, object_ref: ObjectRef, out: &mut Extracted) {
    let data = doc.get_resolved(object, "data");
    let string_data = doc.get_resolved(object, "stringData");
    let Some(name) = object_ref.name else {
        return;
    };
    let secret_type = doc
        .get(object, "type")
        .and_then(|t| doc.str(t))
        .unwrap_or("Opaque");
    // `stringData` is merged over `data` by the API server.
    let payload = |key: &'static str| {
        let plain = string_data
            .and_then(|m| doc.get(m, key))
            .and_then(|v| doc.str(v));
        let encoded = data.and_then(|m| doc.get(m, key)).and_then(|v| doc.str(v));
        plain.map(Payload::Plain).or(encoded.map(Payload::Base64))
    };
    out.secrets.push(Secret {
        namespace: object_ref.namespace,
        name,
        registry_keys: secret::registry_keys(secret_type, payload),
    });
}

/// Keys written more than once in a mapping (merge keys aside): each repeat with the first.
fn duplicates(doc: &Document, mapping: NodeId, place: &str) -> Vec<DuplicateKey> {
    let NodeKind::Mapping(entries) = &doc.node(doc.resolve(mapping)).kind else {
        return Vec::new();
    };
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut out = Vec::new();
    for &(k, _) in entries {
        let Some(key) = doc.str(k).filter(|k| *k != "<<") else {
            continue;
        };
        let span = doc.node(k).span;
        match seen.get(key) {
            Some(&first) => out.push(DuplicateKey {
                key: key.to_string(),
                first,
                second: span,
                place: place.to_string(),
            }),
            None => {
                seen.insert(key, span);
            }
        }
    }
    out
}

/// The `imagePullSecrets` of a pod spec or ServiceAccount. Entries without a name are kept
/// apart: the kubelet skips them (`getPullSecretsForPod`), but they still make the list
/// non-empty.
fn pull_secret_list(doc: &Document, owner: NodeId) -> PullSecretList {
    let mut list = PullSecretList::default();
    let Some(items) = doc.get(owner, "imagePullSecrets") else {
        return list;
    };
    for item in doc.items(items) {
        list.listed = true;
        let span = doc.node(item).span;
        if !doc.is_mapping(item) {
            let text = doc.str(item).unwrap_or_default().to_string();
            list.unusable.push(UnusableSecretEntry {
                span,
                problem: SecretEntryProblem::NotAnObject(text),
            });
            continue;
        }
        match doc.get(item, "name").and_then(|n| located(doc, n)) {
            Some(name) if !name.value.is_empty() => list.named.push(name),
            _ => list.unusable.push(UnusableSecretEntry {
                span: first_character(doc, item),
                problem: SecretEntryProblem::NoName,
            }),
        }
    }
    list
}

/// `metadata.annotations` of an object or template, keeping only pullcheck's own.
fn pullcheck_annotations(doc: &Document, owner: NodeId) -> Vec<(String, Located)> {
    let Some(annotations) = doc.path(owner, &["metadata", "annotations"]) else {
        return Vec::new();
    };
    let NodeKind::Mapping(entries) = &doc.node(annotations).kind else {
        return Vec::new();
    };
    last_values(
        doc,
        entries.iter().filter(|(k, _)| {
            doc.str(*k)
                .is_some_and(|k| k.starts_with(ANNOTATION_PREFIX))
        }),
    )
    .into_iter()
    .filter_map(|(key, value)| Some((key.to_string(), located(doc, value)?)))
    .collect()
}

/// The entries of a mapping by key, each key once with its last value (as the decoder keeps
/// it), in the order the keys first appear. Linear: a mapping may have 100,000 keys.
fn last_values<'d>(
    doc: &'d Document,
    entries: impl Iterator<Item = &'d (NodeId, NodeId)>,
) -> Vec<(&'d str, NodeId)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(&str, NodeId)> = Vec::new();
    for &(k, v) in entries {
        let Some(key) = doc.str(k) else {
            continue;
        };
        match index.get(key) {
            Some(&i) => out[i].1 = v,
            None => {
                index.insert(key, out.len());
                out.push((key, v));
            }
        }
    }
    out
}

/// A mapping of strings to strings, e.g. labels.
fn string_map(doc: &Document, mapping: Option<NodeId>) -> Vec<(String, String)> {
    let Some(mapping) = mapping else {
        return Vec::new();
    };
    let NodeKind::Mapping(entries) = &doc.node(doc.resolve(mapping)).kind else {
        return Vec::new();
    };
    last_values(
        doc,
        entries.iter().filter(|(k, _)| doc.str(*k) != Some("<<")),
    )
    .into_iter()
    .map(|(key, value)| (key.to_string(), doc.str(value).unwrap_or("").to_string()))
    .collect()
}

/// Where `key` is written in `mapping` (the last time, as the decoder keeps the last).
fn key_span(doc: &Document, mapping: NodeId, key: &str) -> Option<Span> {
    let NodeKind::Mapping(entries) = &doc.node(doc.resolve(mapping)).kind else {
        return None;
    };
    entries
        .iter()
        .rev()
        .find(|(k, _)| doc.str(*k) == Some(key))
        .map(|&(k, _)| doc.node(k).span)
}

/// The first character of a node: where findings about it as a whole point.
fn first_character(doc: &Document, node: NodeId) -> Span {
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
