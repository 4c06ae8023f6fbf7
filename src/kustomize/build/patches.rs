//! Patches — strategic merge and JSON 6902, inline or from files — as far as they set what
//! pulls depend on: a container's `image` and `imagePullPolicy`, the pod's `imagePullSecrets`
//! and `serviceAccountName`. What else a patch may do to those (add or remove a container, a
//! `$patch` directive, a target chosen by labels, a renamed object) is recorded as not followed.

use super::json6902::json6902;
use super::strategic_merge::strategic_merge;
use super::*;
use crate::source::SourceFile;

/// One patch of a kustomization, read.
pub(super) struct Patch {
    source: SourceFile,
    origin: Origin,
    target: Option<Target>,
    /// Where the kustomization names it: what notes point at.
    at: Place,
}

/// How a place in a patch's text maps to the run's files.
enum Origin {
    /// The patch is a file of the run.
    File(usize),
    /// A literal block scalar (`patch: |-`) in a kustomization: its lines are the file's lines
    /// from `first_line` on, less `indent` bytes.
    Block {
        file: usize,
        first_line: usize,
        indent: usize,
    },
    /// Any other inline patch: everything points at the value as a whole.
    Whole(Place),
}

/// A `target:` selector.
#[derive(Default)]
struct Target {
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    by_labels: bool,
}

/// The container lists a patch may name.
pub(super) const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

impl Builder<'_> {
    /// The patches of a kustomization's `key` list (`patchesStrategicMerge`, `patches` or
    /// `patchesJson6902`); a remote one is not followed.
    pub(super) fn patches(
        &self,
        doc: &Document,
        root: NodeId,
        file: usize,
        key: &str,
    ) -> Result<Vec<Result<Patch, NotFollowed>>, BuildError> {
        let dir = self.tree.dir(file);
        let mut out = Vec::new();
        let Some(list) = doc.get(root, key) else {
            return Ok(out);
        };
        let place = |node: NodeId| Place {
            file,
            span: doc.node(node).span,
        };
        for item in doc.items(doc.resolve(list)) {
            // patchesStrategicMerge: a file name, or the patch itself; the others: `path` or
            // `patch`, and a `target`.
            let (text_node, path, target) = match doc.str(item) {
                Some(text) if text.contains('\n') => (Some(item), None, None),
                Some(path) => (None, Some((path.to_string(), item)), None),
                None => (
                    doc.get(item, "patch"),
                    doc.get(item, "path")
                        .and_then(|p| Some((doc.str(p)?.to_string(), p))),
                    doc.get(item, "target").map(|t| target(doc, t)),
                ),
            };
            let at = place(item);
            let (source, origin) = if let Some((path, node)) = path {
                if is_remote(&path) {
                    out.push(Err(NotFollowed {
                        at: place(node),
                        what: format!("remote patch {path}"),
                    }));
                    continue;
                }
                let Some(patch) = self.tree.file(&dir.join(&path)) else {
                    return Err(missing(place(node), &path));
                };
                let text = self.tree.files[patch].text.clone();
                (SourceFile::new(path, None, text), Origin::File(patch))
            } else if let Some(node) = text_node {
                let text = doc.str(node).unwrap_or_default().to_string();
                let origin = self.block_origin(file, doc.node(node).span, &text);
                (SourceFile::new("patch".into(), None, text), origin)
            } else {
                continue;
            };
            out.push(Ok(Patch {
                source,
                origin,
                target,
                at,
            }));
        }
        Ok(out)
    }

    /// Where an inline patch's lines are: line for line for a literal block scalar (`|-`),
    /// whose span starts at its first content line; checked line by line, else the value as a
    /// whole.
    fn block_origin(&self, file: usize, span: Span, value: &str) -> Origin {
        let source = &self.tree.files[file];
        let whole = Origin::Whole(Place { file, span });
        let first_line = source.line_index(span.start.min(source.text.len()));
        let indicator = first_line
            .checked_sub(1)
            .map(|l| source.line_text(l).trim_end())
            .unwrap_or_default();
        let literal = indicator
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            .ends_with('|');
        if !literal {
            return whole;
        }
        let indent = span.start - source.line_start(first_line);
        let same = value.lines().enumerate().all(|(i, line)| {
            first_line + i < source.line_count()
                && source
                    .line_text(first_line + i)
                    .get(indent..)
                    .is_some_and(|written| written.trim_end_matches('\r') == line)
                || line.is_empty()
        });
        if !same {
            return whole;
        }
        Origin::Block {
            file,
            first_line,
            indent,
        }
    }

    /// Applies one patch to the objects built so far.
    pub(super) fn apply_patch(
        &self,
        patch: &Patch,
        objects: &mut Vec<BuiltObject>,
        out: &mut Build,
    ) {
        let mut skip = |what: String| {
            out.not_followed.push(NotFollowed { at: patch.at, what });
        };
        if patch.target.as_ref().is_some_and(|t| t.by_labels) {
            return skip("a patch whose target is chosen by labels or annotations".into());
        }
        let place = |span: Span| patch.origin.place(span, &patch.source, self.tree);
        for parsed in yaml::parse_stream(&patch.source) {
            if parsed.error.is_some() {
                return skip("a patch that does not parse".into());
            }
            let doc = &parsed.document;
            let Some(root) = doc.root() else {
                continue;
            };
            let ops = matches!(doc.node(doc.resolve(root)).kind, NodeKind::Sequence(_));
            let field = |key: &str| {
                doc.path(root, &["metadata", key])
                    .and_then(|v| doc.str(v))
                    .map(str::to_string)
            };
            let own = Target {
                kind: doc
                    .get(root, "kind")
                    .and_then(|k| doc.str(k))
                    .map(str::to_string),
                name: field("name"),
                namespace: field("namespace"),
                by_labels: false,
            };
            let (target, pattern) = match &patch.target {
                Some(target) => (target, true),
                None => (&own, false),
            };
            let chosen: Vec<usize> = (0..objects.len())
                .filter(|&i| target.selects(&objects[i], pattern))
                .collect();
            if chosen.is_empty() {
                // A patch of what the model does not build (a generated ConfigMap) matters
                // only if it could set what pulls depend on.
                if reaches_pulls(&patch.source.text) {
                    return skip("a patch whose target pullcheck does not find".into());
                }
                continue;
            }
            if !ops {
                match doc.get(root, "$patch").and_then(|d| doc.str(d)) {
                    Some("delete") => {
                        let mut index = 0;
                        objects.retain(|_| {
                            index += 1;
                            !chosen.contains(&(index - 1))
                        });
                        continue;
                    }
                    Some(other) => return skip(format!("a patch with `$patch: {other}`")),
                    None => {}
                }
            }
            for i in chosen {
                let object = &mut objects[i];
                let done = if ops {
                    json6902(doc, root, object, &place)
                } else {
                    strategic_merge(doc, root, object, &place)
                };
                if let Err(what) = done {
                    return skip(what);
                }
            }
        }
    }
}

impl Origin {
    fn place(&self, span: Span, source: &SourceFile, tree: &Tree<'_>) -> Place {
        match *self {
            Origin::File(file) => Place { file, span },
            Origin::Whole(place) => place,
            Origin::Block {
                file,
                first_line,
                indent,
            } => {
                let line = source.line_index(span.start);
                let column = span.start - source.line_start(line);
                let written = &tree.files[file];
                let last = written.line_count().saturating_sub(1);
                let start = written.line_start((first_line + line).min(last)) + indent + column;
                let end = start + span.len();
                if end <= written.text.len() {
                    Place {
                        file,
                        span: Span::new(start, end),
                    }
                } else {
                    let start = written.line_start(first_line.min(last));
                    Place {
                        file,
                        span: Span::new(start, start),
                    }
                }
            }
        }
    }
}

impl Target {
    /// Whether the selector picks `object`: by kind, and by name and namespace, as an
    /// anchored expression for a `target:` (kustomize's selector), literally for a patch's own
    /// `metadata`. The name may be the one written or the one the build gave it so far.
    fn selects(&self, object: &BuiltObject, pattern: bool) -> bool {
        let matches = |wanted: &Option<String>, values: [&str; 2]| match wanted {
            None => true,
            Some(wanted) if pattern => regex::Regex::new(&format!("^(?:{wanted})$"))
                .is_ok_and(|re| values.iter().any(|v| re.is_match(v))),
            Some(wanted) => values.contains(&wanted.as_str()),
        };
        let namespace = object.namespace.as_deref().unwrap_or("");
        let written_namespace = object.written_namespace.as_deref().unwrap_or("");
        self.kind.as_deref().is_none_or(|k| k == object.kind)
            && matches(&self.name, [&object.name, &object.written_name])
            && matches(&self.namespace, [namespace, written_namespace])
    }
}

fn target(doc: &Document, node: NodeId) -> Target {
    let get = |k: &str| {
        doc.get(node, k)
            .and_then(|v| doc.str(v))
            .map(str::to_string)
    };
    Target {
        kind: get("kind"),
        name: get("name"),
        namespace: get("namespace"),
        by_labels: get("labelSelector").is_some() || get("annotationSelector").is_some(),
    }
}

/// Whether a patch's text could set an image, a pull policy, pull secrets or a ServiceAccount.
fn reaches_pulls(text: &str) -> bool {
    text.contains("ontainers") || text.contains("mage") || text.contains("serviceAccount")
}
