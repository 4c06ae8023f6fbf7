//! Finding the configuration file: the nearest `.pullcheck.yaml` up to the repository root, on
//! one file system, owned by the user.

use super::*;

/// The configuration file that applies in `dir`: `.pullcheck.yaml` there or in the nearest
/// parent. The search stops at the first directory that holds `.git`, at the user's home
/// (`home`) and before crossing into another file system: a `.pullcheck.yaml` in `/tmp` or
/// `/home` written by someone else must not decide what a run checks. A file owned by another
/// user is not taken either; the second value says why one was passed over.
pub fn discover(dir: &Path, home: Option<&Path>) -> (Option<PathBuf>, Option<String>) {
    let device = |path: &Path| file_system(path);
    let start_device = device(dir);
    for ancestor in dir.ancestors() {
        if start_device.is_some() && device(ancestor) != start_device {
            return (None, None);
        }
        let candidate = ancestor.join(FILE_NAME);
        if candidate.is_file() {
            return match foreign_owner(&candidate) {
                Some(why) => (
                    None,
                    Some(format!("ignored {}: {why}", candidate.display())),
                ),
                None => (Some(candidate), None),
            };
        }
        if ancestor.join(".git").exists() || home.is_some_and(|h| h == ancestor) {
            return (None, None);
        }
    }
    (None, None)
}

#[cfg(unix)]
pub(super) fn file_system(path: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.dev())
}

#[cfg(not(unix))]
pub(super) fn file_system(_path: &Path) -> Option<u64> {
    None
}

/// Why a discovered file is not to be trusted: it belongs to neither this user nor root.
#[cfg(unix)]
pub(super) fn foreign_owner(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // The process's effective user owns `/proc/self`; without `/proc`, owners are not compared.
    let me = std::fs::metadata("/proc/self").ok()?.uid();
    let owner = std::fs::metadata(path).ok()?.uid();
    (owner != me && owner != 0).then(|| format!("it belongs to user {owner}, not to this user"))
}

#[cfg(not(unix))]
pub(super) fn foreign_owner(_path: &Path) -> Option<String> {
    None
}
