//! The objects of a resource document, their container lists and where each image sits for
//! the `images:` transformer; and the kinds the name and namespace transformers leave alone.

use super::*;

/// The objects of a document: itself, or the items of a `List`.
pub fn objects_of(doc: &Document, root: NodeId, file: usize) -> Vec<BuiltObject> {
    let kind = doc.get(root, "kind").and_then(|k| doc.str(k)).unwrap_or("");
    if kind.ends_with("List")
        && let Some(items) = doc.get(root, "items")
    {
        return doc
            .items(items)
            .flat_map(|item| objects_of(doc, item, file))
            .collect();
    }

    if kind.is_empty() {
        return Vec::new();
    }
    let metadata = doc.get(root, "metadata");
    let field = |key: &str| {
        metadata
            .and_then(|m| doc.get(m, key))
            .and_then(|v| doc.str(v))
            .map(str::to_string)
    };
    let mut containers = Vec::new();
    walk(doc, root, &mut Vec::new(), &mut containers);
    let spec = pod_spec(doc, root, kind);
    let service_account = spec
        .and_then(|s| {
            ["serviceAccountName", "serviceAccount"]
                .iter()
                .find_map(|k| doc.get(s, k).and_then(|v| doc.str(v)))
        })
        .map(str::to_string);
    // A ServiceAccount lists pull secrets too, at its top level.
    let holder = if kind == "ServiceAccount" {
        Some(root)
    } else {
        spec
    };
    let pull_secrets = holder
        .and_then(|s| doc.get(s, "imagePullSecrets"))
        .into_iter()
        .flat_map(|l| doc.items(doc.resolve(l)))
        .filter_map(|item| doc.get(item, "name").and_then(|n| doc.str(n)))
        .map(str::to_string)
        .collect::<Vec<_>>();
    let (name, namespace) = (field("name").unwrap_or_default(), field("namespace"));
    let api_version = doc
        .get(root, "apiVersion")
        .and_then(|v| doc.str(v))
        .unwrap_or("");
    vec![BuiltObject {
        file,
        group: api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
            .to_string(),
        kind: kind.to_string(),
        written_name: name.clone(),
        written_namespace: namespace.clone(),
        name,
        namespace,
        containers,
        service_account,
        pull_secrets_set_by: vec![None; pull_secrets.len()],
        pull_secrets,
        service_account_set_by: None,
        generated: None,
    }]
}

/// The pod spec of an object, at the paths pullcheck's extraction reads.
pub(super) fn pod_spec(doc: &Document, root: NodeId, kind: &str) -> Option<NodeId> {
    if kind == "Pod" {
        return doc.get(root, "spec");
    }
    if kind == "PodTemplate" {
        return doc.path(root, &["template", "spec"]);
    }
    doc.path(root, &["spec", "template", "spec"])
        .or_else(|| doc.path(root, &["spec", "jobTemplate", "spec", "template", "spec"]))
}

/// Every container list in an object, with where its images sit for the transformer.
pub(super) fn walk<'d>(
    doc: &'d Document,
    node: NodeId,
    path: &mut Vec<&'d str>,
    out: &mut Vec<BuiltContainer>,
) {
    let node = doc.resolve(node);
    match &doc.node(node).kind {
        NodeKind::Mapping(entries) => {
            for &(key, value) in entries {
                let Some(key) = doc.str(key) else {
                    continue;
                };
                // An image volume (`volumes[].image.reference`): kustomize v5.5 does not rewrite
                // it (kubectl shows), but an `images:` entry may match it.
                if key == "volumes" {
                    for (index, item) in doc.items(doc.resolve(value)).enumerate() {
                        let Some(image) = doc.get(item, "image") else {
                            continue;
                        };
                        let get = |node: NodeId, k: &str| {
                            doc.get(node, k)
                                .and_then(|v| doc.str(v))
                                .map(str::to_string)
                        };
                        out.push(BuiltContainer {
                            list: key.to_string(),
                            index,
                            name: get(item, "name").unwrap_or_default(),
                            image: get(image, "reference").unwrap_or_default(),
                            placement: Placement::Elsewhere,
                            set_by: Vec::new(),
                            pull_policy: get(image, "pullPolicy"),
                            policy_set_by: None,
                        });
                    }
                    continue;
                }
                if matches!(key, "containers" | "initContainers" | "ephemeralContainers") {
                    let standard = key != "ephemeralContainers"
                        && (path.as_slice() == ["spec"]
                            || path.as_slice() == ["spec", "template", "spec"]);
                    let placement = match key {
                        "ephemeralContainers" => Placement::Elsewhere,
                        _ if standard => Placement::FieldSpec,
                        _ => Placement::ContainersField,
                    };
                    for (index, item) in doc.items(doc.resolve(value)).enumerate() {
                        let get = |k: &str| {
                            doc.get(item, k)
                                .and_then(|v| doc.str(v))
                                .map(str::to_string)
                        };
                        out.push(BuiltContainer {
                            list: key.to_string(),
                            index,
                            name: get("name").unwrap_or_default(),
                            image: get("image").unwrap_or_default(),
                            placement,
                            set_by: Vec::new(),
                            pull_policy: get("imagePullPolicy"),
                            policy_set_by: None,
                        });
                    }
                    continue;
                }
                path.push(key);
                walk(doc, value, path, out);
                path.pop();
            }
        }
        NodeKind::Sequence(items) => {
            for &item in items {
                walk(doc, item, path, out);
            }
        }
        _ => {}
    }
}

/// Kinds whose names kustomize's prefix/suffix transformer leaves alone.
pub(super) fn unprefixed(kind: &str) -> bool {
    matches!(
        kind,
        "CustomResourceDefinition" | "APIService" | "Namespace"
    )
}

/// Kinds without a namespace: kustomize's namespace transformer leaves them alone.
pub(super) fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "APIService"
            | "IngressClass"
            | "RuntimeClass"
            | "CSIDriver"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
    )
}
