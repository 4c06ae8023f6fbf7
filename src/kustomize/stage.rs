//! The kustomize stage of a run: every kustomization root among the inputs is built with the
//! model ([`super::build`]), and the objects of the files it includes are replaced by what the
//! build deploys — one copy per root, with the names, namespaces and images the build gives
//! them, and a note of which values an overlay set, so that findings about them point at the
//! overlay's line. Files no followed root includes are linted as written.

use std::collections::{HashMap, HashSet};

use super::build::{Build, BuildError, Builder, BuiltObject};
use super::tree::{Tree, references};
use crate::k8s::{Built, Extracted};
use crate::source::SourceFile;
use crate::yaml;

mod deploy;

use deploy::{ByFile, Deploy, deploy};

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

/// Builds the roots among `files` — those read for context only when they include a file that
/// is linted — and puts their builds in place of the objects of the files they include.
pub fn apply(
    files: &[SourceFile],
    context: &[bool],
    extracted: &mut Extracted,
    default_namespace: &str,
    read: HashMap<usize, Result<Vec<BuiltObject>, (usize, String)>>,
    credentials: bool,
) -> Kustomized {
    let tree = Tree::new(files);
    let kustomizations = tree.kustomizations();
    if kustomizations.is_empty() {
        return Kustomized::default();
    }
    let read = super::build::already_read(read);
    let root_files: Vec<(usize, usize)> = (self::roots(&tree, &kustomizations).into_iter())
        .filter(|&(file, _)| !is_component(&files[file]))
        .collect();
    // The roots are built on every thread of the pool, each by its own builder, the larger
    // first: started last, the corpus' largest build (a third of the stage's work) kept one
    // thread busy long after the other had finished.
    let builds = crate::parallel::map_each_largest_first(
        &root_files,
        |&(_, weight)| weight,
        |&(file, _)| Builder::with_read(&tree, &read).build(file),
    );
    let mut roots = Vec::new();
    for ((file, _), build) in root_files.into_iter().zip(builds) {
        let outcome = match build {
            // A root read for context (`--context .` in a pre-commit hook) counts when it
            // includes a file that is linted: that file is linted as the root deploys it.
            Ok(build) if context[file] && build.files.iter().all(|&f| context[f]) => continue,
            Err(_) if context[file] => continue,
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
    // By file index rather than hashed: every object of the run is looked up.
    let mut built_from = vec![false; files.len()];
    for file in roots.iter().filter_map(Root::build).flat_map(|b| &b.files) {
        built_from[*file] = true;
    }
    let through = |file: &usize| built_from[*file];
    if built_from.contains(&true) {
        let mut written = std::mem::take(extracted);
        let sensitive = Extracted {
            sensitive: std::mem::take(&mut written.sensitive),
            ..Extracted::default()
        };
        let by_file = ByFile::of(&written);
        // Each root's build deployed on every thread of the pool (the larger first), joined in
        // order.
        let numbered: Vec<(usize, &Root)> = roots.iter().enumerate().collect();
        let objects = |root: &Root| root.build().map_or(0, |b| b.objects.len());
        let deployed = crate::parallel::map_each_largest_first(
            &numbered,
            |&(_, root)| objects(root),
            |&(index, root)| {
                let mut out = Extracted::default();
                let context = Deploy {
                    root: index,
                    written: &written,
                    by_file: &by_file,
                    files,
                    default_namespace,
                    credentials,
                };
                for object in root.build().map_or(&[][..], |b| &b.objects) {
                    deploy(&context, object, &mut out);
                }
                out
            },
        );
        drop(by_file);
        // The objects of the files built from are replaced by what the builds deploy: taken
        // out and freed on a worker (a serial millisecond on the corpus), the rest joined in
        // vectors of their final size.
        let left_out = Extracted {
            objects: written
                .objects
                .extract_if(.., |(f, _)| through(f))
                .collect(),
            pods: written.pods.extract_if(.., |p| through(&p.file)).collect(),
            service_accounts: (written.service_accounts)
                .extract_if(.., |a| through(&a.file))
                .collect(),
            secrets: written
                .secrets
                .extract_if(.., |s| through(&s.file))
                .collect(),
            sensitive: Vec::new(),
        };
        crate::parallel::drop_later(left_out);
        let parts = std::iter::once(sensitive).chain(deployed).chain([written]);
        *extracted = Extracted::concat(parts.collect());
    }
    Kustomized { roots }
}

/// Whether an object of `file` (built for a root when `built` is set) is linted: when its file
/// is not read for context only, or when the root it was built for is not.
pub fn linted(
    context: &[bool],
    kustomized: &Kustomized,
    file: usize,
    built: Option<&Built>,
) -> bool {
    !context[file] || built.is_some_and(|b| !context[kustomized.roots[b.root].file])
}

/// The kustomizations built as roots: those no other one of the run includes (as a resource,
/// base or component), and one member of each group that only include one another (a cycle:
/// its build fails, as kubectl's does, rather than being left out).
/// Each with the work its build is expected to take (see `visits`).
fn roots(tree: &Tree<'_>, kustomizations: &[usize]) -> Vec<(usize, usize)> {
    // Each kustomization read on every thread of the pool.
    let included_by = crate::parallel::map(kustomizations, |&file| {
        let dir = tree.dir(file);
        let mut found = Vec::new();
        for parsed in yaml::parse_stream(&tree.files[file]).into_iter().take(1) {
            let Some(root) = parsed.document.root() else {
                continue;
            };
            for (entry, may_be_dir) in references(&parsed.document, root) {
                if may_be_dir && let Some(k) = tree.kustomization(&dir.join(&entry)) {
                    found.push(k);
                }
            }
        }
        found
    });
    let mut includes: HashMap<usize, Vec<usize>> = HashMap::new();
    for (&file, found) in kustomizations.iter().zip(included_by) {
        if !found.is_empty() {
            includes.entry(file).or_default().extend(found);
        }
    }
    let included: HashSet<usize> = includes.values().flatten().copied().collect();
    let mut roots: Vec<usize> = (kustomizations.iter().copied())
        .filter(|k| !included.contains(k))
        .collect();
    let mut reached: HashSet<usize> = HashSet::new();
    let reach = |from: usize, reached: &mut HashSet<usize>| {
        let mut work = vec![from];
        while let Some(k) = work.pop() {
            if reached.insert(k) {
                work.extend(includes.get(&k).into_iter().flatten().copied());
            }
        }
    };
    for &root in &roots {
        reach(root, &mut reached);
    }
    for &k in kustomizations {
        if !reached.contains(&k) {
            roots.push(k);
            reach(k, &mut reached);
        }
    }
    roots.sort_unstable();
    // How many kustomizations a build of each root visits (one included twice, twice), up to
    // a bound: the larger builds are started first.
    let visits = |from: usize| {
        let (mut count, mut work) = (0, vec![(from, 0)]);
        while let Some((k, depth)) = work.pop() {
            count += 1;
            if count >= MAX_WEIGHT || depth >= MAX_WEIGHT_DEPTH {
                break;
            }
            work.extend(
                includes
                    .get(&k)
                    .into_iter()
                    .flatten()
                    .map(|&i| (i, depth + 1)),
            );
        }
        count
    };
    roots.into_iter().map(|root| (root, visits(root))).collect()
}

/// Bounds on the weighing of a root's build: included kustomizations counted, and depth.
const MAX_WEIGHT: usize = 10_000;
const MAX_WEIGHT_DEPTH: usize = 64;

fn is_component(file: &SourceFile) -> bool {
    file.text.lines().any(|l| l.trim_end() == "kind: Component")
}
