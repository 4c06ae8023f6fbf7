//! A pod spec: its containers, pull secrets, placement and the keys written twice.

use super::*;

/// The containers named by a DeploymentConfig's `ImageChange` triggers.
pub(super) fn image_change_containers(doc: &Document, object: NodeId) -> Vec<String> {
    doc.path(object, &["spec", "triggers"])
        .into_iter()
        .flat_map(|t| doc.items(t))
        .filter(|t| doc.get(*t, "type").and_then(|v| doc.str(v)) == Some("ImageChange"))
        .filter_map(|t| doc.path(t, &["imageChangeParams", "containerNames"]))
        .flat_map(|names| doc.items(names))
        .filter_map(|n| doc.str(n).map(str::to_string))
        .collect()
}

pub(super) fn extract_pod_spec(
    doc: &Document,
    spec: NodeId,
    file: usize,
    object: ObjectRef,
) -> PodSpec {
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
        built: None,
    }
}

/// A container or image volume: `node` is the entry, `fields` the mapping holding the image
/// and policy keys (the entry itself, or an image volume's `image`).
pub(super) fn entry(
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
pub(super) fn placement(doc: &Document, spec: NodeId) -> Placement {
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

/// Keys written more than once in a mapping (merge keys aside): each repeat with the first.
pub(super) fn duplicates(doc: &Document, mapping: NodeId, place: &str) -> Vec<DuplicateKey> {
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
pub(super) fn pull_secret_list(doc: &Document, owner: NodeId) -> PullSecretList {
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
