//! What pullcheck knows of kustomize so far: which files of the run are patches. A patch holds
//! part of an object (`containers: [{name: app, env: …}]` without an image), so the checks that
//! an object is complete — a container names an image, a pod spec has containers — do not apply
//! to it; its values (an image it sets, a pull policy) are still checked.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

pub mod build;
pub mod findings;
pub mod images;
pub mod stage;
pub mod tree;
mod values;

pub use stage::{Kustomized, Outcome, Root};

use crate::source::SourceFile;
use crate::yaml::{self, Document, NodeId};

/// The file names kustomize reads as a kustomization (`konfig.RecognizedKustomizationFileNames`).
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Indices of the files that a kustomization of the run names as a patch: `patches[].path`,
/// `patchesStrategicMerge[]` and `patchesJson6902[].path`, relative to the kustomization.
pub fn patch_files(files: &[SourceFile]) -> HashSet<usize> {
    let kustomizations: Vec<&SourceFile> =
        files.iter().filter(|f| is_kustomization(&f.name)).collect();
    let mut patches = HashSet::new();
    // Most runs have none: then no path is normalised at all.
    if kustomizations.is_empty() {
        return patches;
    }
    // Normalized paths as bytes (see `tree::Tree`).
    let by_path: HashMap<std::ffi::OsString, usize> =
        crate::parallel::map(files, |f| normalize(Path::new(&f.name)).into_os_string())
            .into_iter()
            .enumerate()
            .map(|(i, path)| (path, i))
            .collect();
    let found = crate::parallel::map(&kustomizations, |file| {
        let dir = Path::new(&file.name).parent().unwrap_or(Path::new(""));
        let mut found = Vec::new();
        for parsed in yaml::parse_stream(file) {
            if parsed.error.is_none() {
                found.extend(
                    (patch_paths(&parsed.document).into_iter()).filter_map(|path| {
                        by_path.get(normalize(&dir.join(path)).as_os_str()).copied()
                    }),
                );
            }
        }
        found
    });
    patches.extend(found.into_iter().flatten());
    patches
}

fn is_kustomization(name: &str) -> bool {
    Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_FILES.contains(&n))
}

fn patch_paths(doc: &Document) -> Vec<&str> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    let list = |key: &str| -> Vec<NodeId> {
        doc.get(root, key)
            .into_iter()
            .flat_map(|l| doc.items(l))
            .collect()
    };
    let mut paths: Vec<&str> = list("patchesStrategicMerge")
        .into_iter()
        .filter_map(|item| doc.str(item))
        .collect();
    for key in ["patches", "patchesJson6902"] {
        paths.extend(
            list(key)
                .into_iter()
                .filter_map(|item| doc.get(item, "path").and_then(|p| doc.str(p))),
        );
    }
    paths
}

/// A path with `.` dropped and `..` applied, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if !matches!(
                    out.components().next_back(),
                    None | Some(Component::ParentDir)
                ) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile::new(name.into(), None, text.into())
    }

    #[test]
    fn patches_are_found_relative_to_their_kustomization() {
        let files = vec![
            file(
                "overlays/prod/kustomization.yaml",
                "resources: [../../base]\npatches:\n  - path: memory.yaml\n  - patch: |-\n      inline\npatchesStrategicMerge: [./replicas.yaml, ../../shared/probe.yaml]\npatchesJson6902:\n  - {target: {kind: Deployment, name: a}, path: ops.yaml}\n",
            ),
            file("overlays/prod/memory.yaml", ""),
            file("overlays/prod/replicas.yaml", ""),
            file("overlays/prod/ops.yaml", ""),
            file("shared/probe.yaml", ""),
            file("base/deployment.yaml", ""),
        ];
        let mut found: Vec<usize> = patch_files(&files).into_iter().collect();
        found.sort();
        assert_eq!(found, vec![1, 2, 3, 4]);
    }

    #[test]
    fn normalizing() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(
            normalize(Path::new("../a/../../b")),
            PathBuf::from("../../b")
        );
    }
}
