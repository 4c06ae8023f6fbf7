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
    let patches: crate::hash::Set<OsString> = crate::parallel::map(&kustomizations, |file| {
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
    let names: crate::hash::Set<&OsStr> = patches
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
    tree::is_kustomization_file(Path::new(name))
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
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = path.as_os_str().as_bytes();
    // `./a` is `a`; `.//a` is too, where `/a` is not.
    while let Some(rest) = bytes.strip_prefix(b"./").filter(|r| !r.starts_with(b"/")) {
        bytes = rest;
    }
    if is_normal(bytes) {
        return PathBuf::from(OsStr::from_bytes(bytes));
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

/// Whether [`normalize`] leaves `path` as it is: no `.` component, no `..` but leading ones of
/// a relative path (`../../a`), no empty one but a leading `/`, no trailing `/`.
fn is_normal(path: &[u8]) -> bool {
    if path.is_empty() || path.ends_with(b"/") {
        return false;
    }
    // Still in the leading `..`s of a relative path: kept as they are.
    let mut leading = true;
    for (i, part) in path.split(|&b| b == b'/').enumerate() {
        match part {
            b"" if i == 0 => leading = false,
            b"" | b"." => return false,
            b".." if leading => {}
            b".." => return false,
            _ => leading = false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path of up to four parts over `parts`, with and without a leading `/`.
    fn paths(parts: &[&str]) -> Vec<String> {
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
        paths
    }

    #[test]
    fn paths_taken_as_normal_are_those_normalizing_leaves_alone() {
        // `./a`, `.//a`, `../../a`, `/../a`, `a/` and `a//b` among them.
        let paths = paths(&["a", "b.yaml", ".", "..", "", ".a", "a.."]);
        for path in &paths {
            let slow = normalize_components(Path::new(path));
            assert_eq!(normalize(Path::new(path)), slow, "{path:?}");
        }
        assert!(paths.len() > 5000);
    }

    #[test]
    fn a_kustomization_file_is_told_by_its_name() {
        let paths = paths(&["kustomization.yaml", "Kustomization", "a", ".", "..", ""]);
        for path in &paths {
            let path = Path::new(path);
            let by_components = (path.file_name().and_then(|n| n.to_str()))
                .is_some_and(|n| KUSTOMIZATION_FILES.contains(&n));
            assert_eq!(tree::is_kustomization_file(path), by_components, "{path:?}");
        }
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
