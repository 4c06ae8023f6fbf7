//! Secrets: the registry keys of a pull Secret, and the spans of every Secret's values (masked
//! in all output).

use super::*;

/// Where the values of every Secret in a document are written, at any depth (a `List` in a
/// `List`, an OpenShift `Template`'s objects): every scalar of an object with a `kind: Secret`
/// entry (any of them, when `kind` is written twice) except its `apiVersion`, `kind`, `type`
/// and `metadata.name` and `.namespace`. Annotations count: `kubectl get secret -o yaml` keeps a
/// JSON copy of `data` in `last-applied-configuration`.
pub(super) fn secret_values(doc: &Document, root: NodeId) -> Vec<Span> {
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

pub(super) fn is_secret(doc: &Document, entries: &[(NodeId, NodeId)]) -> bool {
    entries
        .iter()
        .any(|&(k, v)| doc.str(k) == Some("kind") && doc.str(v) == Some("Secret"))
}

/// The spans of every scalar value at or below `node` (aliases followed to their anchors).
pub(super) fn scalars_below(doc: &Document, node: NodeId, spans: &mut Vec<Span>) {
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

pub(super) fn extract_secret(
    doc: &Document,
    object: NodeId,
    object_ref: ObjectRef,
    file: usize,
    credentials: bool,
    out: &mut Extracted,
) {
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
        file,
        namespace: object_ref.namespace,
        name,
        registry_keys: secret::registry_keys(secret_type, payload),
        // Decoded only for `--online`, which pulls with them.
        credentials: if credentials {
            secret::credentials(secret_type, payload)
        } else {
            Vec::new()
        },
    });
}
