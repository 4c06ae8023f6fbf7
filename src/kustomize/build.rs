//! A model of `kustomize build` for what pulls depend on: which objects a kustomization root
//! deploys, under which names and namespaces, the image, pull policy, pull secrets and
//! ServiceAccount each pod spec ends up with — and which line of which file set them. It
//! follows `resources` (and the deprecated `bases`), `components`, patches (strategic merge and
//! JSON 6902, as far as they set those fields), `namePrefix`/`nameSuffix` (with the references
//! of pods to renamed ServiceAccounts and Secrets), `namespace` and `images`, base before
//! overlay as kustomize does. Anything else that could change them (replacements, vars,
//! generators, transformer plugins, Helm charts, remote resources, a patch that adds a
//! container) is recorded as not followed, by name, never guessed. `tests/kustomize.rs`
//! compares it with `kubectl kustomize` on every buildable root of the corpus.

use resources::read_resource;
pub use resources::{Resources, already_read};

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

mod entries;
mod generators;
mod model;
mod json6902;
mod objects;
mod patches;
mod resources;
mod strategic_merge;

pub use entries::EntryUse;
use entries::{apply_entry, image_entries};
pub use generators::Generated;
pub use model::*;
pub use objects::objects_of;
use objects::{cluster_scoped, unprefixed};

use super::images::Placement;
use super::normalize;
use super::tree::{Tree, is_remote, within};
use crate::source::Span;
use crate::yaml::{self, Document, NodeId, NodeKind};

/// Keys a kustomization may hold that can change what this model computes. (Patches are
/// followed as far as they set images, pull policies, pull secrets and ServiceAccounts: see
/// `patches`.)
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

/// How deep kustomizations may include one another before it is called a cycle.
const MAX_DEPTH: usize = 32;

/// How many kustomizations one root's build may go through (a base included by several
/// components counts each time): bounds what a hostile tree can cost.
const MAX_VISITS: usize = 4096;

/// Builds roots over the run's files, reading each resource file once for all of them.
pub struct Builder<'t> {
    tree: &'t Tree<'t>,
    /// Kustomizations the current root's build went through.
    visits: std::cell::Cell<usize>,
    /// The objects of files the parse stage already read (see [`already_read`]), shared by
    /// the builders of a run's roots.
    read: Option<&'t Resources>,
    /// The objects of the other files, as this builder reads them.
    resources: RefCell<Resources>,
}

impl<'t> Builder<'t> {
    pub fn new(tree: &'t Tree<'t>) -> Self {
        Builder {
            tree,
            visits: std::cell::Cell::new(0),
            read: None,
            resources: RefCell::default(),
        }
    }

    /// A builder that takes the objects of `read`'s files from there instead of parsing them.
    pub fn with_read(tree: &'t Tree<'t>, read: &'t Resources) -> Self {
        Builder {
            read: Some(read),
            ..Builder::new(tree)
        }
    }

    /// Builds the root whose kustomization file is `root`.
    pub fn build(&self, root: usize) -> Result<Build, BuildError> {
        let mut out = Build {
            root,
            ..Build::default()
        };
        self.visits.set(0);
        out.objects = self.build_into(root, Vec::new(), &mut out, 0)?;
        hash_generated_names(&mut out.objects);
        out.files.sort_unstable();
        out.files.dedup();
        let mut seen = std::collections::HashSet::new();
        out.not_followed
            .retain(|n| seen.insert((n.at, n.what.clone())));
        Ok(out)
    }

    /// Builds the kustomization `file` over `objects`: none for a root or a base (built on
    /// its own, base first), the including kustomization's so far for a component, whose
    /// resources join them and whose transformers apply to all.
    fn build_into(
        &self,
        file: usize,
        mut objects: Vec<BuiltObject>,
        out: &mut Build,
        depth: usize,
    ) -> Result<Vec<BuiltObject>, BuildError> {
        let at_start = Place {
            file,
            span: Span::new(0, 0),
        };
        self.visits.set(self.visits.get() + 1);
        if self.visits.get() > MAX_VISITS {
            return Err(BuildError {
                at: at_start,
                message: format!(
                    "the root includes kustomizations more than {MAX_VISITS} times; pullcheck \
                     stops there"
                ),
            });
        }
        if depth > MAX_DEPTH {
            return Err(BuildError {
                at: at_start,
                message: "kustomizations include each other too deeply (a cycle?)".into(),
            });
        }
        out.files.push(file);
        let source = &self.tree.files[file];
        let parsed = yaml::parse_stream(source);
        let Some(document) = parsed.into_iter().next().filter(|d| d.error.is_none()) else {
            return Err(BuildError {
                at: at_start,
                message: "the kustomization does not parse".into(),
            });
        };
        let doc = &document.document;
        let Some(root) = doc.root() else {
            return Ok(objects);
        };
        let dir = self.tree.dir(file);
        let place = |node: NodeId| Place {
            file,
            span: doc.node(node).span,
        };
        let key_place = |key: &str| doc.key_node(root, key).map_or(at_start, place);
        for key in NOT_FOLLOWED {
            if doc.get(root, key).is_some() {
                out.not_followed.push(NotFollowed {
                    at: key_place(key),
                    what: (*key).to_string(),
                });
            }
        }
        // Transformer configurations add field specs; only `images` and `namespace` ones
        // change what the model computes (name references and var references do not).
        for (entry, node) in strings(doc, root, "configurations") {
            let reaches = match self.tree.file(&dir.join(&entry)) {
                Some(config) => yaml::parse_stream(&self.tree.files[config])
                    .iter()
                    .all(|d| {
                        d.error.is_some()
                            || d.document.root().is_none_or(|r| {
                                d.document.get(r, "images").is_some()
                                    || d.document.get(r, "namespace").is_some()
                            })
                    }),
                None => true,
            };
            if reaches {
                out.not_followed.push(NotFollowed {
                    at: place(node),
                    what: format!("configurations ({entry}) with images or namespace fields"),
                });
            }
        }
        let merges = [
            self.patches(doc, root, file, "patchesStrategicMerge")?,
            self.patches(doc, root, file, "patches")?,
        ];
        let json6902 = self.patches(doc, root, file, "patchesJson6902")?;
        for key in ["resources", "bases"] {
            for (entry, node) in strings(doc, root, key) {
                let added = self.resource(&dir, &entry, place(node), out, depth)?;
                // kustomize refuses an object it already holds ("may not add resource with an
                // already registered id"): this also ends a diamond of includes early.
                if let Some(twice) = added
                    .iter()
                    .find(|a| objects.iter().any(|o| o.id() == a.id()))
                {
                    return Err(BuildError {
                        at: place(node),
                        message: format!(
                            "{} `{}` is included twice (kustomize: may not add resource with an \
                             already registered id)",
                            twice.kind, twice.name
                        ),
                    });
                }
                objects.extend(added);
            }
        }
        for (entry, node) in strings(doc, root, "components") {
            let Some(component) = self.tree.kustomization(&dir.join(&entry)) else {
                return Err(missing(place(node), &entry));
            };
            objects = self.build_into(component, objects, out, depth + 1)?;
        }
        objects.extend(self.generated_secrets(doc, root, file, out)?);
        // Patches first (kustomize's PatchStrategicMerge and Patch transformers), then
        // namePrefix/nameSuffix (the PrefixSuffixTransformer runs before the namespace one),
        // then the name-reference transformer: pods follow their renamed ServiceAccounts and
        // Secrets.
        for patch in merges.into_iter().flatten() {
            match patch {
                Ok(patch) => self.apply_patch(&patch, &mut objects, out),
                Err(skipped) => out.not_followed.push(skipped),
            }
        }
        let affix = |key: &str| doc.get(root, key).and_then(|v| doc.str(v)).unwrap_or("");
        let (prefix, suffix) = (affix("namePrefix"), affix("nameSuffix"));
        if !(prefix.is_empty() && suffix.is_empty()) {
            let mut renamed: HashMap<(String, String), String> = HashMap::new();
            for object in objects.iter_mut().filter(|o| !unprefixed(&o.kind)) {
                let new = format!("{prefix}{}{suffix}", object.name);
                if matches!(object.kind.as_str(), "ServiceAccount" | "Secret") {
                    renamed.insert((object.kind.clone(), object.name.clone()), new.clone());
                }
                object.name = new;
            }
            let rename = |kind: &str, name: &mut String| {
                if let Some(new) = renamed.get(&(kind.to_string(), name.clone())) {
                    *name = new.clone();
                }
            };
            for object in &mut objects {
                if let Some(account) = &mut object.service_account {
                    rename("ServiceAccount", account);
                }
                for secret in &mut object.pull_secrets {
                    rename("Secret", secret);
                }
            }
        }
        let namespace = doc.get(root, "namespace").and_then(|n| doc.str(n));
        if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
            for object in &mut objects {
                if !cluster_scoped(&object.kind) {
                    object.namespace = Some(namespace.to_string());
                }
            }
        }
        for patch in json6902 {
            match patch {
                Ok(patch) => self.apply_patch(&patch, &mut objects, out),
                Err(skipped) => out.not_followed.push(skipped),
            }
        }
        for (entry, name_at, at) in image_entries(doc, root, file) {
            let used = apply_entry(entry, name_at, at, &mut objects);
            if let Some(error) = &used.invalid {
                return Err(BuildError {
                    at: name_at,
                    message: format!(
                        "the `images:` name `{}` is not a valid regular expression \
                         ({error}): kubectl kustomize crashes on it",
                        used.entry.name
                    ),
                });
            }
            out.entries.push(used);
        }
        Ok(objects)
    }

    fn resource(
        &self,
        dir: &Path,
        entry: &str,
        at: Place,
        out: &mut Build,
        depth: usize,
    ) -> Result<Vec<BuiltObject>, BuildError> {
        if is_remote(entry) {
            out.not_followed.push(NotFollowed {
                at,
                what: format!("remote resource {entry}"),
            });
            return Ok(Vec::new());
        }
        let path = dir.join(entry);
        if let Some(kustomization) = self.tree.kustomization(&path) {
            return self.build_into(kustomization, Vec::new(), out, depth + 1);
        }
        let Some(file) = self.tree.file(&path) else {
            return Err(missing(at, entry));
        };
        if !within(&normalize(dir), &normalize(&path)) {
            return Err(BuildError {
                at,
                message: format!(
                    "`{entry}` is a file outside the kustomization's folder, which kustomize \
                     refuses to read (`security; file … is not in or below …`)"
                ),
            });
        }
        out.files.push(file);
        if let Some(objects) = self.read.and_then(|read| read.get(&file)) {
            return objects.clone();
        }
        self.resources
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| read_resource(self.tree, file))
            .clone()
    }
}

/// Appends the content hash to the names of generated Secrets, once the root is built (after
/// every prefix and suffix), and points the references to them at the new names.
fn hash_generated_names(objects: &mut [BuiltObject]) {
    let mut renamed: Vec<(String, String)> = Vec::new();
    for object in objects.iter_mut() {
        if let Some(generated) = object.generated.as_deref().filter(|g| g.hash) {
            let name = format!("{}-{}", object.name, generators::name_hash(generated));
            renamed.push((std::mem::replace(&mut object.name, name.clone()), name));
        }
    }
    for object in objects.iter_mut() {
        for secret in &mut object.pull_secrets {
            if let Some((_, new)) = renamed.iter().find(|(old, _)| old == secret) {
                *secret = new.clone();
            }
        }
    }
}

fn missing(at: Place, entry: &str) -> BuildError {
    BuildError {
        at,
        message: format!(
            "`{entry}` is not a file or a folder with a kustomization (kubectl kustomize fails \
             on it)"
        ),
    }
}

fn strings(doc: &Document, root: NodeId, key: &str) -> Vec<(String, NodeId)> {
    doc.get(root, key)
        .map(|list| {
            doc.items(doc.resolve(list))
                .filter_map(|item| doc.str(item).map(|s| (s.to_string(), item)))
                .collect()
        })
        .unwrap_or_default()
}
