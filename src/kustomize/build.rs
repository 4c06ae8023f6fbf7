//! A model of `kustomize build` for what pulls depend on: which objects a kustomization root
//! deploys and the image each of their containers ends up with. It follows `resources` (and
//! the deprecated `bases`), `components`, `namespace` and `images`, base before overlay as
//! kustomize does; anything else that could change an image (patches, replacements,
//! generators, transformer plugins, Helm charts, remote resources) is recorded as not
//! followed, by name, never guessed. `tests/kustomize.rs` compares it with `kubectl kustomize`
//! on every buildable root of the corpus.

use std::path::{Path, PathBuf};

mod objects;

pub use objects::objects_of;
use objects::{cluster_scoped, unprefixed};

use super::KUSTOMIZATION_FILES;
use super::images::{self, ImageEntry, Placement};
use crate::source::SourceFile;
use crate::yaml::{self, Document, NodeId, NodeKind};

/// A container of a built object: its list, name and image, and where the image sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltContainer {
    pub list: String,
    pub name: String,
    pub image: String,
    pub placement: Placement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltObject {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub containers: Vec<BuiltContainer>,
}

#[derive(Debug, Default)]
pub struct Build {
    pub objects: Vec<BuiltObject>,
    /// What the model did not follow: `path: key` of each kustomization that uses it.
    pub not_followed: Vec<String>,
}

/// Keys a kustomization may hold that can change what this model computes. (Patches are
/// looked at one by one: see [`patch_reaches_images`].)
const NOT_FOLLOWED: &[&str] = &[
    "replacements",
    "vars",
    "transformers",
    "generators",
    "helmCharts",
    "helmChartInflationGenerator",
    "crds",
    "openapi",
    "replicas",
];

/// The kustomization file of a folder, if it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// Builds the kustomization root `dir`.
pub fn build(dir: &Path) -> Result<Build, String> {
    let mut out = Build::default();
    let objects = build_into(dir, Vec::new(), &mut out, 0)?;
    out.objects = objects;
    Ok(out)
}

/// How deep kustomizations may include one another before it is called a cycle.
const MAX_DEPTH: usize = 32;

/// Builds the kustomization in `dir` over `objects`: none for a root or a base (built on its
/// own, base first), the including kustomization's so far for a component, whose resources
/// join them and whose transformers apply to all.
fn build_into(
    dir: &Path,
    mut objects: Vec<BuiltObject>,
    out: &mut Build,
    depth: usize,
) -> Result<Vec<BuiltObject>, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: kustomizations include each other too deeply",
            dir.display()
        ));
    }
    let file = kustomization_file(dir)
        .ok_or_else(|| format!("{}: no kustomization file", dir.display()))?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let source = SourceFile::new(file.display().to_string(), Some(file.clone()), text);
    let parsed = yaml::parse_stream(&source);
    let Some(document) = parsed.into_iter().next().filter(|d| d.error.is_none()) else {
        return Err(format!("{}: does not parse", file.display()));
    };
    let doc = &document.document;
    let root = doc
        .root()
        .ok_or_else(|| format!("{}: empty", file.display()))?;
    for key in NOT_FOLLOWED {
        if doc.get(root, key).is_some() {
            out.not_followed.push(format!("{}: {key}", file.display()));
        }
    }
    // Transformer configurations add field specs; only `images` and `namespace` ones change
    // what the model computes (name references and var references do not).
    for entry in strings(doc, root, "configurations") {
        let path = dir.join(&entry);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let source = SourceFile::new(entry.clone(), Some(path), text);
        let reaches = yaml::parse_stream(&source).iter().all(|d| {
            d.error.is_some()
                || d.document.root().is_none_or(|r| {
                    d.document.get(r, "images").is_some()
                        || d.document.get(r, "namespace").is_some()
                })
        });
        if reaches {
            out.not_followed
                .push(format!("{}: configurations ({entry})", file.display()));
        }
    }
    for key in ["patches", "patchesStrategicMerge", "patchesJson6902"] {
        if let Some(patches) = doc.get(root, key)
            && patches_reach_images(doc, patches, dir)
        {
            out.not_followed.push(format!(
                "{}: {key} that touch containers, images or namespaces",
                file.display()
            ));
        }
    }
    for key in ["resources", "bases"] {
        for entry in strings(doc, root, key) {
            objects.extend(resource(dir, &entry, out, depth)?);
        }
    }
    for entry in strings(doc, root, "components") {
        objects = build_into(&dir.join(&entry), objects, out, depth + 1)?;
    }
    // namePrefix/nameSuffix (the PrefixSuffixTransformer runs before the namespace one).
    let affix = |key: &str| {
        doc.get(root, key)
            .and_then(|v| doc.str(v))
            .unwrap_or("")
            .to_string()
    };
    let (prefix, suffix) = (affix("namePrefix"), affix("nameSuffix"));
    if !(prefix.is_empty() && suffix.is_empty()) {
        for object in objects.iter_mut().filter(|o| !unprefixed(&o.kind)) {
            object.name = format!("{prefix}{}{suffix}", object.name);
        }
    }
    let namespace = doc
        .get(root, "namespace")
        .and_then(|n| doc.str(n))
        .map(str::to_string);
    if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
        for object in &mut objects {
            if !cluster_scoped(&object.kind) {
                object.namespace = Some(namespace.clone());
            }
        }
    }
    let entries = image_entries(doc, root);
    if !entries.is_empty() {
        for object in objects
            .iter_mut()
            .filter(|o| o.kind != "CustomResourceDefinition")
        {
            for container in &mut object.containers {
                container.image = images::apply(&entries, &container.image, container.placement)
                    .map_err(|e| {
                        format!(
                            "{}: images: a name is not a valid expression: {}",
                            file.display(),
                            e.0
                        )
                    })?;
            }
        }
    }
    Ok(objects)
}

fn resource(
    dir: &Path,
    entry: &str,
    out: &mut Build,
    depth: usize,
) -> Result<Vec<BuiltObject>, String> {
    if entry.contains("://") || entry.starts_with("github.com/") || entry.contains("?ref=") {
        out.not_followed
            .push(format!("{}: remote resource {entry}", dir.display()));
        return Ok(Vec::new());
    }
    let path = dir.join(entry);
    if path.is_dir() {
        return build_into(&path, Vec::new(), out, depth + 1);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let source = SourceFile::new(path.display().to_string(), Some(path.clone()), text);
    let mut objects = Vec::new();
    for parsed in yaml::parse_stream(&source) {
        if let Some(error) = parsed.error {
            return Err(format!("{}: {}", path.display(), error.message));
        }
        let doc = &parsed.document;
        let Some(root) = doc.root() else {
            continue;
        };
        objects.extend(objects_of(doc, root));
    }
    Ok(objects)
}

/// Whether a patch's text can change what the model computes: an image (set or added with
/// a container), a `$patch` directive (a deleted or replaced list), or a JSON 6902 operation on
/// a container list or a namespace (a removed container, a moved object). A strategic-merge
/// patch that merges other fields into containers by name (resources, env), or names its
/// target's namespace, leaves images and namespaces alone, so the model can build on without
/// it.
fn patch_reaches_images(text: &str) -> bool {
    let json6902 = text.contains("op:") || text.contains("\"op\"");
    text.contains("image")
        || text.contains("$patch")
        || (json6902 && (text.contains("ontainers") || text.contains("namespace")))
}

/// Whether any patch of a `patches`/`patchesStrategicMerge`/`patchesJson6902` list may touch
/// what the model computes; a patch that cannot be read counts as touching it.
fn patches_reach_images(doc: &Document, patches: NodeId, dir: &Path) -> bool {
    let reaches = patch_reaches_images;
    doc.items(doc.resolve(patches)).any(|item| {
        if let Some(text) = doc.str(item) {
            // patchesStrategicMerge: a file name, or the patch itself.
            let file = dir.join(text);
            return match std::fs::read_to_string(&file) {
                Ok(patch) => reaches(&patch),
                Err(_) => reaches(text) || !text.contains('\n'),
            };
        }
        let inline = doc.get(item, "patch").and_then(|p| doc.str(p));
        let path = doc.get(item, "path").and_then(|p| doc.str(p));
        match (inline, path) {
            (Some(patch), _) => reaches(patch),
            (None, Some(path)) => {
                !std::fs::read_to_string(dir.join(path)).is_ok_and(|p| !reaches(&p))
            }
            (None, None) => true,
        }
    })
}

fn strings(doc: &Document, root: NodeId, key: &str) -> Vec<String> {
    doc.get(root, key)
        .map(|list| {
            doc.items(doc.resolve(list))
                .filter_map(|item| doc.str(item).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn image_entries(doc: &Document, root: NodeId) -> Vec<ImageEntry> {
    let Some(list) = doc.get(root, "images") else {
        return Vec::new();
    };
    doc.items(doc.resolve(list))
        .map(|item| {
            let get = |k: &str| {
                doc.get(item, k)
                    .and_then(|v| doc.str(v))
                    .map(str::to_string)
            };
            ImageEntry {
                name: get("name").unwrap_or_default(),
                new_name: get("newName"),
                new_tag: get("newTag"),
                digest: get("digest"),
                tag_suffix: get("tagSuffix"),
            }
        })
        .collect()
}
