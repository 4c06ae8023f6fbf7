//! JSON 6902 patches (`- op: replace, path: …, value: …`) over one built object, as far as
//! they reach what pulls depend on.

use super::patches::LISTS;
use super::*;

/// JSON 6902 operations over one object: `add` and `replace` of an image, a pull policy, the
/// ServiceAccount and pull secrets are followed; any other operation that reaches them, a
/// container as a whole, or the object's name or namespace is not.
pub(super) fn json6902(
    doc: &Document,
    root: NodeId,
    object: &mut BuiltObject,
    place: &dyn Fn(Span) -> Place,
) -> Result<(), String> {
    let prefix = match object.kind.as_str() {
        "ServiceAccount" => "/",
        "Pod" => "/spec/",
        "PodTemplate" => "/template/spec/",
        "CronJob" => "/spec/jobTemplate/spec/template/spec/",
        _ => "/spec/template/spec/",
    };
    for op in doc.items(doc.resolve(root)) {
        let get = |k: &str| doc.get(op, k).and_then(|v| doc.str(v));
        let (Some(name), Some(path)) = (get("op"), get("path")) else {
            return Err("a JSON 6902 operation without `op` or `path`".into());
        };
        if path == "/metadata/namespace" {
            match name {
                "remove" => object.namespace = None,
                "add" | "replace" => {
                    let namespace = doc.get(op, "value").and_then(|v| doc.str(v));
                    object.namespace = Some(
                        namespace
                            .ok_or("a JSON 6902 namespace that is not a string")?
                            .into(),
                    );
                }
                _ => return Err(format!("a JSON 6902 `{name}` on `{path}`")),
            }
            continue;
        }
        if path.starts_with("/metadata/name") || path.starts_with("/metadata/namespace") {
            return Err(format!("a JSON 6902 operation on `{path}`"));
        }
        let Some(rest) = path.strip_prefix(prefix) else {
            if path.contains("ontainers")
                || path.contains("imagePull")
                || path.contains("serviceAccount")
            {
                return Err(format!("a JSON 6902 operation on `{path}`"));
            }
            continue;
        };
        let parts: Vec<&str> = rest.split('/').collect();
        let value = doc.get(op, "value");
        let setting = matches!(name, "add" | "replace");
        let text = value.and_then(|v| doc.str(v));
        let unsupported = || format!("a JSON 6902 `{name}` on `{path}`");
        match parts.as_slice() {
            ["serviceAccountName" | "serviceAccount"] => {
                let (true, Some(text), Some(value)) = (setting, text, value) else {
                    return Err(unsupported());
                };
                object.service_account = Some(text.to_string());
                object.service_account_set_by = Some(place(doc.node(value).span));
            }
            ["imagePullSecrets", "-"] if name == "add" => {
                let node = value
                    .and_then(|v| doc.get(v, "name"))
                    .ok_or_else(unsupported)?;
                let secret = doc.str(node).ok_or_else(unsupported)?;
                object.pull_secrets.push(secret.to_string());
                object
                    .pull_secrets_set_by
                    .push(Some(place(doc.node(node).span)));
            }
            ["imagePullSecrets", ..] => return Err(unsupported()),
            [list, index, field]
                if LISTS.contains(list) && matches!(*field, "image" | "imagePullPolicy") =>
            {
                let (true, Some(text), Some(value)) = (setting, text, value) else {
                    return Err(unsupported());
                };
                let index: usize = index.parse().map_err(|_| unsupported())?;
                let container = object
                    .containers
                    .iter_mut()
                    .find(|c| c.list == *list && c.index == index)
                    .ok_or_else(unsupported)?;
                let at = place(doc.node(value).span);
                if *field == "image" {
                    container.image = text.to_string();
                    container.set_by.push(at);
                } else {
                    container.pull_policy = Some(text.to_string());
                    container.policy_set_by = Some(at);
                }
            }
            // Inside a container, away from its image (`/containers/0/args/-`).
            [list, _, _, ..] if LISTS.contains(list) => {}
            [list, ..] if LISTS.contains(list) => return Err(unsupported()),
            _ => {}
        }
    }
    Ok(())
}
