//! The files a kustomize build reads, by path: the run's inputs, so each file is read and
//! parsed once however many roots include it. [`missing_files`] finds what a run's
//! kustomizations reach outside its inputs (`pullcheck overlays/prod` reaches `base/`), for the
//! reader to add before the run starts.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{KUSTOMIZATION_FILES, normalize};
use crate::source::SourceFile;
use crate::yaml::{self, Document, NodeId};

/// The run's files, found by normalised path.
pub struct Tree<'a> {
    pub files: &'a [SourceFile],
    /// Normalized paths as bytes: std hashes a `Path` component by component, which made this
    /// map 2.5 ms of a run on the corpus; [`normalize`]d paths are equal exactly when their
    /// bytes are.
    by_path: crate::hash::Map<OsString, usize>,
}

impl<'a> Tree<'a> {
    pub fn new(files: &'a [SourceFile]) -> Self {
        let paths = crate::parallel::map(files, |f| {
            f.path.as_deref().map(|p| normalize(p).into_os_string())
        });
        let mut by_path = crate::hash::Map::default();
        by_path.reserve(paths.len());
        for (i, path) in paths.into_iter().enumerate() {
            if let Some(path) = path {
                by_path.insert(path, i);
            }
        }
        Tree { files, by_path }
    }

    pub fn file(&self, path: &Path) -> Option<usize> {
        self.by_path.get(normalize(path).as_os_str()).copied()
    }

    /// The kustomization file of a folder, if the run holds one.
    pub fn kustomization(&self, dir: &Path) -> Option<usize> {
        KUSTOMIZATION_FILES
            .iter()
            .find_map(|name| self.file(&dir.join(name)))
    }

    /// The kustomization files of the run, in file order.
    pub fn kustomizations(&self) -> Vec<usize> {
        let mut found: Vec<usize> = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.path.as_deref().is_some_and(is_kustomization_file))
            .map(|(i, _)| i)
            .collect();
        found.sort_unstable();
        found
    }

    /// The folder of a file, as the paths in it are relative to.
    pub fn dir(&self, file: usize) -> PathBuf {
        self.files[file]
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

pub fn is_kustomization_file(path: &Path) -> bool {
    // Asked of every file of a run: the name after the last `/` is the file name, but in
    // `a/.`, `a/..` and `a/` (a run's files are not named so).
    let bytes = path.as_os_str().as_encoded_bytes();
    let last = memchr::memrchr(b'/', bytes).map_or(bytes, |slash| &bytes[slash + 1..]);
    if !matches!(last, b"" | b"." | b"..") {
        return KUSTOMIZATION_FILES
            .iter()
            .any(|name| name.as_bytes() == last);
    }
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_FILES.contains(&n))
}

/// Whether a `resources` entry names something outside the file system: a URL or a Git
/// repository (`github.com/org/repo//path?ref=v1`).
pub fn is_remote(entry: &str) -> bool {
    entry.contains("://") || entry.starts_with("github.com/") || entry.contains("?ref=")
}

/// The files the kustomizations of `files` marked to be followed reach (resources, bases,
/// components, patches, configurations), at any depth, that are not among `files`: to be read
/// from disk and added to the run. A path that does not exist is left for the build to report.
pub fn missing_files<'a>(files: impl Iterator<Item = (&'a Path, &'a str, bool)>) -> Vec<PathBuf> {
    let files: Vec<(&Path, &str, bool)> = files.collect();
    // Normalized paths as bytes (see `Tree::by_path`).
    let known: crate::hash::Set<OsString> =
        crate::parallel::map(&files, |(path, _, _)| normalize(path).into_os_string())
            .into_iter()
            .collect();
    let mut round: Vec<(PathBuf, String)> = (files.iter())
        .filter(|(path, _, follow)| *follow && is_kustomization_file(path))
        .map(|(path, text, _)| (normalize(path), text.to_string()))
        .collect();
    let mut added: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    // A round at a time, each kustomization of a round read on every thread (a parse and a
    // few `stat` calls each); what a round finds is reachable whatever the order, so the
    // files found are the same as one at a time.
    while !round.is_empty() {
        let found =
            crate::parallel::map_each(&round, |(path, text)| referenced_files(path, text, &known));
        let mut next = Vec::new();
        for file in found.into_iter().flatten() {
            // Known files are not returned (see `referenced_files`).
            if !seen.insert(file.clone()) {
                continue;
            }
            if is_kustomization_file(&file)
                && let Ok(text) = std::fs::read_to_string(&file)
            {
                next.push((file.clone(), text));
            }
            added.push(file);
        }
        round = next;
    }
    added.sort();
    added
}

/// The files a kustomization (at `path`, written `text`) names that exist and are not among
/// `known`: a folder's kustomization file, or a file in or below its own folder.
fn referenced_files(path: &Path, text: &str, known: &crate::hash::Set<OsString>) -> Vec<PathBuf> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let source = SourceFile::new(String::new(), None, text.to_string());
    let Some(parsed) = yaml::parse_stream(&source).into_iter().next() else {
        return Vec::new();
    };
    let doc = &parsed.document;
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A file that is known was read, so it exists: most references need no `stat` (950 of
    // them took 3 ms of the corpus' 3,800-file run).
    let known = |path: &Path| known.contains(path.as_os_str());
    for (entry, may_be_dir) in references(doc, root) {
        let target = normalize(&dir.join(&entry));
        if known(&target) {
            continue;
        }
        if may_be_dir {
            // The folder's kustomization file: the first of the names that exists.
            let kustomization = (KUSTOMIZATION_FILES.iter())
                .map(|n| target.join(n))
                .find(|p| known(p) || p.is_file());
            if let Some(file) = kustomization {
                out.extend(Some(file).filter(|f| !known(f)));
                continue;
            }
            if target.is_dir() {
                continue;
            }
        }
        let file = if target.is_file() && within(&dir, &target) {
            // kustomize reads no file outside the kustomization's folder (its load
            // restrictor), so neither does this: `resources: [/etc/passwd]` is not read.
            Some(target)
        } else {
            None
        };
        out.extend(file);
    }
    out
}

/// Whether the normalised `path` is in or below the normalised folder `dir`: kustomize's
/// default load restrictor (`LoadRestrictionsRootOnly`) refuses files elsewhere.
pub fn within(dir: &Path, path: &Path) -> bool {
    path.strip_prefix(dir).is_ok_and(|rest| {
        !matches!(
            rest.components().next(),
            Some(std::path::Component::ParentDir) | None
        )
    })
}

/// The paths a kustomization names, each with whether it may be a folder. Generator sources
/// are left out: they are not manifests (an `.env` file is no YAML), and the build reads them
/// itself.
pub fn references(doc: &Document, root: NodeId) -> Vec<(String, bool)> {
    let strings = |key: &str| -> Vec<String> {
        doc.get(root, key)
            .into_iter()
            .flat_map(|list| doc.items(doc.resolve(list)))
            .filter_map(|item| doc.str(item).map(str::to_string))
            .collect()
    };
    let mut out: Vec<(String, bool)> = Vec::new();
    for key in ["resources", "bases", "components"] {
        out.extend(
            strings(key)
                .into_iter()
                .filter(|e| !is_remote(e))
                .map(|e| (e, true)),
        );
    }
    for key in ["patchesStrategicMerge", "configurations"] {
        out.extend(strings(key).into_iter().map(|e| (e, false)));
    }
    for key in ["patches", "patchesJson6902"] {
        for item in doc
            .get(root, key)
            .into_iter()
            .flat_map(|l| doc.items(doc.resolve(l)))
        {
            if let Some(path) = doc.get(item, "path").and_then(|p| doc.str(p)) {
                out.push((path.to_string(), false));
            }
        }
    }
    out.retain(|(e, _)| !e.is_empty() && !e.contains('\n'));
    out
}

/// Reads a kustomization root and everything it reaches from disk: what the differential tests
/// build without going through a run.
#[cfg(any(test, feature = "testing"))]
pub fn read_from_disk(root: &Path) -> Result<Vec<SourceFile>, String> {
    let file = KUSTOMIZATION_FILES
        .iter()
        .map(|n| root.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{}: no kustomization file", root.display()))?;
    let read = |path: PathBuf| -> Result<SourceFile, String> {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(SourceFile::new(
            path.display().to_string(),
            Some(path),
            text,
        ))
    };
    let mut files = vec![read(normalize(&file))?];
    let more = missing_files(
        files
            .iter()
            .filter_map(|f| Some((f.path.as_deref()?, f.text.as_str(), true))),
    );
    for path in more {
        files.push(read(path)?);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
