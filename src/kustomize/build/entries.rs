//! The `images:` entries of a kustomization: read with their places, run over the objects
//! built so far, and what each did (for the kustomize rules).

use super::*;
use crate::kustomize::images::ImageEntry;

/// An `images:` entry and what it did in the build.
#[derive(Debug, Clone)]
pub struct EntryUse {
    pub entry: ImageEntry,
    /// The entry's `name` value.
    pub name_at: Place,
    /// The value that decides the result (`newTag`, else `digest`, `tagSuffix`, `newName`,
    /// `name`): where findings about a rewritten image point.
    pub at: Place,
    /// The images it rewrote, as they were before.
    pub rewrote: Vec<String>,
    /// Images its name matches where the transformer does not look (`ephemeralContainers`).
    pub not_reached: Vec<String>,
    /// The images of the objects it ran over.
    pub seen: Vec<String>,
    /// Set when the name is not a valid regular expression.
    pub invalid: Option<String>,
}

/// Runs one `images:` entry over the objects (not CustomResourceDefinitions), as the
/// ImageTag transformer does: at field-spec paths twice, in other `containers` fields once.
pub(super) fn apply_entry(
    entry: ImageEntry,
    name_at: Place,
    at: Place,
    objects: &mut [BuiltObject],
) -> EntryUse {
    let mut used = EntryUse {
        entry,
        name_at,
        at,
        rewrote: Vec::new(),
        not_reached: Vec::new(),
        seen: Vec::new(),
        invalid: None,
    };
    let matcher = match used.entry.matcher() {
        Ok(m) => m,
        Err(e) => {
            // The regex crate's message draws the pattern over several lines; its last line
            // says what is wrong.
            let reason = e.0.lines().last().unwrap_or_default();
            used.invalid = Some(reason.trim().trim_start_matches("error: ").to_string());
            return used;
        }
    };
    for object in objects
        .iter_mut()
        .filter(|o| o.kind != "CustomResourceDefinition")
    {
        for container in object.containers.iter_mut().filter(|c| !c.image.is_empty()) {
            used.seen.push(container.image.clone());
            let times = match container.placement {
                Placement::FieldSpec => 2,
                Placement::ContainersField => 1,
                Placement::Elsewhere => {
                    if matcher.is_match(&container.image) {
                        used.not_reached.push(container.image.clone());
                    }
                    0
                }
            };
            let before = container.image.clone();
            for _ in 0..times {
                if let Some(rewritten) = used.entry.rewrite(&matcher, &container.image) {
                    container.image = rewritten;
                }
            }
            if times > 0 && matcher.is_match(&before) {
                used.rewrote.push(before);
                container.set_by.push(at);
            }
        }
    }
    used
}

pub(super) fn image_entries(
    doc: &Document,
    root: NodeId,
    file: usize,
) -> Vec<(ImageEntry, Place, Place)> {
    let Some(list) = doc.get(root, "images") else {
        return Vec::new();
    };
    let place = |node: NodeId| Place {
        file,
        span: doc.node(node).span,
    };
    doc.items(doc.resolve(list))
        .map(|item| {
            let get = |k: &str| {
                doc.get(item, k)
                    .and_then(|v| doc.str(v))
                    .map(str::to_string)
            };
            let entry = ImageEntry {
                name: get("name").unwrap_or_default(),
                new_name: get("newName"),
                new_tag: get("newTag"),
                digest: get("digest"),
                tag_suffix: get("tagSuffix"),
            };
            let name_at = doc.get(item, "name").map_or(place(item), place);
            let at = ["newTag", "digest", "tagSuffix", "newName", "name"]
                .iter()
                .find_map(|k| doc.get(item, k))
                .map_or(place(item), place);
            (entry, name_at, at)
        })
        .collect()
}
