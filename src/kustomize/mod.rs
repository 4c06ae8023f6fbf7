//! What pullcheck knows of kustomize so far: which files of the run are patches. A patch holds
//! part of an object (`containers: [{name: app, env: …}]` without an image), so the checks that
//! an object is complete — a container names an image, a pod spec has containers — do not apply
//! to it; its values (an image it sets, a pull policy) are still checked.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
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
    // Most runs have none: then no path is normalised at all.
    if kustomizations.is_empty() {
        return HashSet::new();
    }
    // The patches named, normalised: compared as bytes (see `tree::Tree`).
    let patches: HashSet<OsString> = crate::parallel::map(&kustomizations, |file| {
        let dir = Path::new(&file.name).parent().unwrap_or(Path::new(""));
        let mut found = Vec::new();
        for parsed in yaml::parse_stream(file) {
            if parsed.error.is_none() {
                found.extend(
                    (patch_paths(&parsed.document).into_iter())
                        .map(|path| normalize(&dir.join(path)).into_os_string()),
                );
            }
        }
        found
    })
    .into_iter()
    .flatten()
    .collect();
    // Only a file named like a patch is normalised and looked up: the others, thousands in a
    // large tree, took 2 ms.
    let names: HashSet<&OsStr> = patches
        .iter()
        .filter_map(|p| Path::new(p).file_name())
        .collect();
    let is_patch = crate::parallel::map(files, |file| {
        let name = Path::new(&file.name);
        name.file_name().is_some_and(|n| names.contains(n))
            && patches.contains(normalize(name).as_os_str())
    });
    (is_patch.into_iter().enumerate())
        .filter_map(|(i, patch)| patch.then_some(i))
        .collect()
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
    // Most paths are normal already, and cost a copy: every file of a large tree is looked up
    // by path, and taking 3,800 paths apart was 1 ms.
    if is_normal(path.as_os_str().as_encoded_bytes()) {
        return path.to_path_buf();
    }
    normalize_components(path)
}

fn normalize_components(path: &Path) -> PathBuf {
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

/// Whether [`normalize`] leaves `path` as it is: no `.` or `..` component, no empty one but a
/// leading `/`, no trailing `/`.
fn is_normal(path: &[u8]) -> bool {
    !path.is_empty()
        && !path.ends_with(b"/")
        && (path.split(|&b| b == b'/').enumerate())
            .all(|(i, part)| !matches!(part, b"." | b"..") && (i == 0 || !part.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_taken_as_normal_are_those_normalizing_leaves_alone() {
        // Every path of up to four parts over these, with and without a leading `/`.
        let parts = ["a", "b.yaml", ".", "..", "", ".a", "a.."];
        let mut paths = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            let next: Vec<String> = (last.iter())
                .flat_map(|p| parts.iter().map(move |part| format!("{p}/{part}")))
                .collect();
            paths.extend(next.iter().cloned());
            paths.extend(next.iter().map(|p| p[1..].to_string()));
            last = next;
        }
        for path in &paths {
            let slow = normalize_components(Path::new(path));
            assert_eq!(normalize(Path::new(path)), slow, "{path:?}");
        }
        assert!(paths.len() > 5000);
    }

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
