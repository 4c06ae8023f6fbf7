//! The kustomize stage of a run: every kustomization root among the inputs is built with the
//! model ([`super::build`]), and the objects of the files it includes are replaced by what the
//! build deploys — one copy per root, with the names, namespaces and images the build gives
//! them, and a note of which values an overlay set, so that findings about them point at the
//! overlay's line. Files no followed root includes are linted as written.

use std::collections::HashSet;

use super::build::{Build, BuildError, Builder, BuiltObject};
use super::tree::{Tree, references};
use crate::diagnostic::{Diagnostic, Related};
use crate::k8s::{Built, ContainerList, Extracted, Moved, ObjectRef, PodSpec, PullSecretList};
use crate::source::SourceFile;
use crate::yaml;

/// The roots of a run and what became of each.
#[derive(Debug, Default)]
pub struct Kustomized {
    pub roots: Vec<Root>,
}

#[derive(Debug)]
pub struct Root {
    /// The root's kustomization file.
    pub file: usize,
    /// The root's folder, as shown to the user.
    pub name: String,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub enum Outcome {
    /// Built and linted as its build.
    Built(Build),
    /// Built, but it uses something the model does not follow: its files are linted as
    /// written.
    NotFollowed(Build),
    /// `kubectl kustomize` would fail on it.
    Failed(BuildError),
}

impl Root {
    pub fn build(&self) -> Option<&Build> {
        match &self.outcome {
            Outcome::Built(build) => Some(build),
            _ => None,
        }
    }
}

/// Builds the roots among `files` (not those read for context) and puts their builds in place
/// of the objects of the files they include.
pub fn apply(
    files: &[SourceFile],
    context: &[bool],
    extracted: &mut Extracted,
    default_namespace: &str,
) -> Kustomized {
    let tree = Tree::new(files);
    let kustomizations: Vec<usize> = tree
        .kustomizations()
        .into_iter()
        .filter(|&k| !context[k])
        .collect();
    if kustomizations.is_empty() {
        return Kustomized::default();
    }
    let included = included(&tree, &kustomizations);
    let builder = Builder::new(&tree);
    let mut roots = Vec::new();
    for &file in kustomizations.iter().filter(|k| !included.contains(k)) {
        if is_component(&files[file]) {
            continue;
        }
        let outcome = match builder.build(file) {
            Err(error) => Outcome::Failed(error),
            Ok(build) if !build.not_followed.is_empty() => Outcome::NotFollowed(build),
            Ok(build) => Outcome::Built(build),
        };
        let dir = tree.dir(file).display().to_string();
        let name = dir.strip_prefix("./").unwrap_or(&dir);
        roots.push(Root {
            file,
            name: if name.is_empty() {
                ".".into()
            } else {
                name.into()
            },
            outcome,
        });
    }
    let through: HashSet<usize> = roots
        .iter()
        .filter_map(Root::build)
        .flat_map(|b| b.files.iter().copied())
        .collect();
    if !through.is_empty() {
        let mut written = std::mem::take(extracted);
        let mut out = Extracted {
            sensitive: std::mem::take(&mut written.sensitive),
            ..Extracted::default()
        };
        for (index, root) in roots.iter().enumerate() {
            if let Some(build) = root.build() {
                for object in &build.objects {
                    deploy(index, object, &written, default_namespace, &mut out);
                }
            }
        }
        out.objects.extend(
            written
                .objects
                .into_iter()
                .filter(|(f, _)| !through.contains(f)),
        );
        out.pods.extend(
            written
                .pods
                .into_iter()
                .filter(|p| !through.contains(&p.file)),
        );
        out.service_accounts.extend(
            written
                .service_accounts
                .into_iter()
                .filter(|a| !through.contains(&a.file)),
        );
        out.secrets.extend(
            written
                .secrets
                .into_iter()
                .filter(|s| !through.contains(&s.file)),
        );
        *extracted = out;
    }
    Kustomized { roots }
}

/// The kustomizations another one of the run includes (as a resource, base or component).
fn included(tree: &Tree<'_>, kustomizations: &[usize]) -> HashSet<usize> {
    let mut included = HashSet::new();
    for &file in kustomizations {
        let dir = tree.dir(file);
        for parsed in yaml::parse_stream(&tree.files[file]).into_iter().take(1) {
            let Some(root) = parsed.document.root() else {
                continue;
            };
            for (entry, may_be_dir) in references(&parsed.document, root) {
                if may_be_dir && let Some(k) = tree.kustomization(&dir.join(&entry)) {
                    included.insert(k);
                }
            }
        }
    }
    included
}

fn is_component(file: &SourceFile) -> bool {
    file.text.lines().any(|l| l.trim_end() == "kind: Component")
}

/// Adds the objects a built object stands for: copies of what was extracted from where it is
/// written, under its built name and namespace, with its built images.
fn deploy(
    root: usize,
    object: &BuiltObject,
    written: &Extracted,
    default_namespace: &str,
    out: &mut Extracted,
) {
    let written_namespace = object
        .written_namespace
        .as_deref()
        .unwrap_or(default_namespace);
    let is_it = |file: usize, of: &ObjectRef| {
        file == object.file
            && of.kind == object.kind
            && of.name.as_deref().unwrap_or("") == object.written_name
            && of.namespace == written_namespace
    };
    let built = ObjectRef {
        kind: object.kind.clone(),
        name: (!object.name.is_empty()).then(|| object.name.clone()),
        namespace: object
            .namespace
            .clone()
            .unwrap_or_else(|| written_namespace.to_string()),
    };
    out.objects.push((object.file, built.clone()));
    for account in written
        .service_accounts
        .iter()
        .filter(|a| is_it(a.file, &a.object))
    {
        let mut account = account.clone();
        account.name = object.name.clone();
        account.object = built.clone();
        rename_secrets(&mut account.pull_secrets, &object.pull_secrets);
        out.service_accounts.push(account);
    }
    for secret in written.secrets.iter().filter(|s| {
        s.file == object.file
            && object.kind == "Secret"
            && s.name == object.written_name
            && s.namespace == written_namespace
    }) {
        let mut secret = secret.clone();
        secret.name = object.name.clone();
        secret.namespace = built.namespace.clone();
        out.secrets.push(secret);
    }
    for pod in written.pods.iter().filter(|p| is_it(p.file, &p.object)) {
        out.pods.push(built_pod(root, pod, object, &built));
    }
}

fn built_pod(root: usize, pod: &PodSpec, object: &BuiltObject, built: &ObjectRef) -> PodSpec {
    let mut pod = pod.clone();
    pod.object = built.clone();
    if let (Some(account), Some(name)) = (&mut pod.service_account, &object.service_account) {
        account.value = name.clone();
    }
    rename_secrets(&mut pod.pull_secrets, &object.pull_secrets);
    let mut moved = Vec::new();
    for container in &mut pod.containers {
        if container.list == ContainerList::ImageVolumes {
            continue;
        }
        let Some(image) = &mut container.image else {
            continue;
        };
        let name = container.name.as_deref().unwrap_or("");
        let Some(result) = object
            .containers
            .iter()
            .find(|c| c.list == container.list.key() && c.name == name)
        else {
            continue;
        };
        if let Some(&to) = result.set_by.last() {
            moved.push(Moved {
                written: image.span,
                to_file: to.file,
                to_span: to.span,
                label: format!("the image is written `{}` here", image.value),
            });
        }
        image.value = result.image.clone();
    }
    pod.built = Some(Box::new(Built { root, moved }));
    pod
}

/// Gives pull-secret references their built names (the same entries, in order).
fn rename_secrets(list: &mut PullSecretList, built: &[String]) {
    if list.named.len() == built.len() {
        for (secret, name) in list.named.iter_mut().zip(built) {
            secret.value = name.clone();
        }
    }
}

/// Places the findings about a built pod spec: each names its root, and one about a value an
/// `images:` entry set moves to that entry, with the place the base writes it as related.
pub fn place(found: &mut [Diagnostic], file: usize, built: &Built, kustomized: &Kustomized) {
    let root = &kustomized.roots[built.root].name;
    for d in found {
        d.roots = vec![root.clone()];
        if d.file != file {
            continue;
        }
        let moved = built
            .moved
            .iter()
            .find(|m| m.written.start <= d.span.start && d.span.end <= m.written.end);
        if let Some(m) = moved {
            d.related.insert(
                0,
                Related {
                    file: d.file,
                    span: d.span,
                    label: m.label.clone(),
                },
            );
            d.file = m.to_file;
            d.span = m.to_span;
        }
    }
}

/// Merges findings that are the same but for the root they were found through (a base
/// included by several overlays): one finding, listing the roots. `found` is sorted.
pub fn merge_roots(found: &mut Vec<Diagnostic>) {
    found.dedup_by(|later, kept| {
        let same = later.sort_key() == kept.sort_key()
            && later.severity == kept.severity
            && later.related == kept.related
            && later.suppression == kept.suppression;
        if same {
            for root in later.roots.drain(..) {
                if !kept.roots.contains(&root) {
                    kept.roots.push(root);
                }
            }
        }
        same
    });
    for d in found.iter_mut().filter(|d| d.roots.len() > 1) {
        d.roots.sort();
    }
}
