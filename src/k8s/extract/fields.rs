//! Small readers of a document's values, shared by the extractors.

use super::*;

/// `metadata.annotations` of an object or template, keeping only pullcheck's own.
pub(super) fn pullcheck_annotations(doc: &Document, owner: NodeId) -> Vec<(String, Located)> {
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
pub(super) fn last_values<'d>(
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
pub(super) fn string_map(doc: &Document, mapping: Option<NodeId>) -> Vec<(String, String)> {
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
pub(super) fn key_span(doc: &Document, mapping: NodeId, key: &str) -> Option<Span> {
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
pub(super) fn first_character(doc: &Document, node: NodeId) -> Span {
    let span = doc.node(node).span;
    Span::new(span.start, span.end.min(span.start + 1))
}

/// A scalar value with the span of its text. For an alias, the span is the anchored scalar's,
/// so that a finding points at the text that says it.
pub(super) fn located(doc: &Document, node: NodeId) -> Option<Located> {
    let target = doc.resolve(node);
    Some(Located {
        value: doc.str(target)?.to_string(),
        span: doc.node(target).span,
    })
}
