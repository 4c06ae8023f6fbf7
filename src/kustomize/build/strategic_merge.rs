//! Strategic-merge patches over one built object, as kustomize (kyaml's merge) applies them to
//! what pulls depend on.

use super::patches::LISTS;
use super::*;

/// A strategic-merge patch over one object: containers are merged by name, pull secrets by
/// name, the ServiceAccount replaced.
pub(super) fn strategic_merge(
    doc: &Document,
    root: NodeId,
    object: &mut BuiltObject,
    place: &dyn Fn(Span) -> Place,
) -> Result<(), String> {
    // A ServiceAccount lists its pull secrets at the top.
    let spec = if object.kind == "ServiceAccount" {
        Some(root)
    } else {
        objects::pod_spec(doc, root, &object.kind)
    };
    let Some(spec) = spec else {
        return Ok(());
    };
    let at = |node: NodeId| place(doc.node(node).span);
    if has_directive(doc, spec) {
        return Err("a patch with a `$` directive in a pod spec".into());
    }
    for key in ["serviceAccountName", "serviceAccount"] {
        if let Some(value) = doc.get(spec, key) {
            let name = doc
                .str(value)
                .ok_or("a patch that clears the ServiceAccount")?;
            object.service_account = Some(name.to_string());
            object.service_account_set_by = Some(at(value));
        }
    }
    if let Some(list) = doc.get(spec, "imagePullSecrets") {
        for item in doc.items(doc.resolve(list)) {
            let node = doc
                .get(item, "name")
                .ok_or("a patch with a pull secret without a name")?;
            let name = doc
                .str(node)
                .ok_or("a patch with a pull secret without a name")?;
            if !object.pull_secrets.iter().any(|s| s == name) {
                object.pull_secrets.push(name.to_string());
                object.pull_secrets_set_by.push(Some(at(node)));
            }
        }
    }
    for list in LISTS {
        let Some(items) = doc.get(spec, list) else {
            continue;
        };
        let mut named: Vec<String> = Vec::new();
        for item in doc.items(doc.resolve(items)) {
            if has_directive(doc, item) {
                return Err("a patch with a `$` directive on a container".into());
            }
            let name = doc
                .get(item, "name")
                .and_then(|n| doc.str(n))
                .ok_or("a patch with a container without a name")?;
            let container = object
                .containers
                .iter_mut()
                .find(|c| c.list == list && c.name == name)
                .ok_or_else(|| format!("a patch that adds the container `{name}`"))?;
            if let Some(value) = doc.get(item, "image") {
                container.image = doc.str(value).ok_or("a patch that clears an image")?.into();
                container.set_by.push(at(value));
            }
            if let Some(value) = doc.get(item, "imagePullPolicy") {
                container.pull_policy = doc.str(value).map(str::to_string);
                container.policy_set_by = Some(at(value));
            }
            named.push(name.to_string());
        }
        reorder(object, list, &named);
    }
    Ok(())
}

/// kustomize's strategic merge lists the patch's entries first, in its order, then the others
/// in theirs (checked with `kubectl kustomize`): what a later JSON 6902 index refers to.
fn reorder(object: &mut BuiltObject, list: &str, named: &[String]) {
    let mut others: Vec<usize> = object
        .containers
        .iter()
        .filter(|c| c.list == list && !named.contains(&c.name))
        .map(|c| c.index)
        .collect();
    others.sort_unstable();
    for container in object.containers.iter_mut().filter(|c| c.list == list) {
        container.index = match named.iter().position(|n| *n == container.name) {
            Some(at) => at,
            None => {
                named.len()
                    + others
                        .iter()
                        .position(|&i| i == container.index)
                        .unwrap_or(0)
            }
        };
    }
}

/// Whether a mapping holds a strategic-merge directive (`$patch`, `$retainKeys`, …) of its own.
fn has_directive(doc: &Document, node: NodeId) -> bool {
    match &doc.node(doc.resolve(node)).kind {
        NodeKind::Mapping(entries) => entries.iter().any(|&(k, _)| {
            doc.str(k)
                .is_some_and(|k| k.starts_with('$') && !k.starts_with("$setElementOrder"))
        }),
        _ => false,
    }
}
