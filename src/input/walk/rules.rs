//! The rules of a walk: ignore's `Ignore` (`dir.rs`), for the options `discover` sets, from
//! the public matchers of its `gitignore` and `overrides` modules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::Override;

use super::Unsupported;

/// The rules read from one folder's ignore files (ignore's `IgnoreInner`, for these options).
pub(super) struct Folder {
    ignore: Gitignore,
    git_ignore: Gitignore,
    git_exclude: Gitignore,
}

impl Folder {
    fn is_empty(&self) -> bool {
        self.ignore.is_empty() && self.git_ignore.is_empty() && self.git_exclude.is_empty()
    }

    /// A walked folder: its listing says which ignore files it has (ignore's
    /// `add_child_with_entries`). A problem reading one (a bad glob) goes unreported, as
    /// `ignore` attaches it to the folder's entry, which the walk's caller never looks at; the
    /// rules that did read apply.
    pub(super) fn listed(dir: &Path, entries: &[std::fs::DirEntry]) -> Folder {
        let (mut has_ignore, mut has_git_ignore, mut has_git) = (false, false, false);
        for entry in entries {
            match entry.file_name().as_encoded_bytes() {
                b".ignore" => has_ignore = true,
                b".gitignore" => has_git_ignore = true,
                b".git" => has_git = true,
                _ => {}
            }
        }
        let read = |file_dir: &Path, name: &str| gitignore(dir, file_dir, name).0;
        Folder {
            ignore: if has_ignore {
                read(dir, ".ignore")
            } else {
                Gitignore::empty()
            },
            git_ignore: if has_git_ignore {
                read(dir, ".gitignore")
            } else {
                Gitignore::empty()
            },
            git_exclude: match has_git.then(|| git_common_dir(dir)) {
                Some(Ok(git_dir)) => read(&git_dir, "info/exclude"),
                _ => Gitignore::empty(),
            },
        }
    }

    /// An ancestor of the root, read without a listing (ignore's `add_parents`); a problem
    /// that `ignore` would report makes the walk `Unsupported`.
    fn ancestor(dir: &Path) -> Result<Folder, Unsupported> {
        let read = |file_dir: &Path, name: &str| match gitignore(dir, file_dir, name) {
            (rules, None) => Ok(rules),
            (_, Some(_)) => Err(Unsupported),
        };
        Ok(Folder {
            ignore: read(dir, ".ignore")?,
            git_ignore: read(dir, ".gitignore")?,
            git_exclude: match git_common_dir(dir) {
                Ok(git_dir) => read(&git_dir, "info/exclude")?,
                Err(None) => Gitignore::empty(),
                Err(Some(_)) => return Err(Unsupported),
            },
        })
    }
}

/// ignore's `create_gitignore`: the rules of `file_dir/name`, matched below `dir`. An I/O
/// error is dropped; a bad glob is returned with the rules that did read.
pub(super) fn gitignore(
    dir: &Path,
    file_dir: &Path,
    name: &str,
) -> (Gitignore, Option<ignore::Error>) {
    let mut builder = GitignoreBuilder::new(dir);
    let mut error = None;
    let file = file_dir.join(name);
    if file.exists() {
        error = builder.add(file).filter(|e| !e.is_io());
    }
    match builder.build() {
        Ok(rules) => (rules, error),
        Err(e) => (Gitignore::empty(), Some(e)),
    }
}

/// ignore's `resolve_git_commondir`: where `dir`'s repository keeps `info/exclude`. `.git`
/// is a folder, or a file naming one (a worktree, a submodule) whose `commondir` names the
/// shared one. `Err(None)`: no such folder; `Err(Some(_))`: one that `ignore` reports.
fn git_common_dir(dir: &Path) -> Result<PathBuf, Option<std::io::Error>> {
    use std::io::BufRead;
    let dot_git = dir.join(".git");
    let is_file = std::fs::metadata(&dot_git).is_ok_and(|m| m.is_file());
    if !is_file {
        return Ok(dot_git);
    }
    let first_line = |file: std::fs::File| -> Result<Option<String>, std::io::Error> {
        std::io::BufReader::new(file).lines().next().transpose()
    };
    let line = match std::fs::File::open(&dot_git).and_then(first_line) {
        Ok(Some(line)) => line,
        Ok(None) => return Err(None),
        Err(e) => return Err(Some(e)),
    };
    let Some(real) = line.strip_prefix("gitdir: ") else {
        return Err(None);
    };
    let real = PathBuf::from(real);
    let Ok(file) = std::fs::File::open(real.join("commondir")) else {
        return Err(None);
    };
    let common = match first_line(file) {
        Ok(Some(line)) => line,
        Ok(None) => return Err(None),
        Err(e) => return Err(Some(e)),
    };
    Ok(if common.starts_with('.') {
        real.join(common)
    } else {
        PathBuf::from(common)
    })
}

/// The walked folders from one up to the root, nearest first.
pub(super) struct Chain {
    folder: Folder,
    parent: Option<Arc<Chain>>,
    /// Whether this folder or one above it in the walk has a rule.
    any_rules: bool,
}

impl Chain {
    pub(super) fn new(parent: Option<Arc<Chain>>, folder: Folder) -> Chain {
        let any_rules = !folder.is_empty() || parent.as_ref().is_some_and(|p| p.any_rules);
        Chain {
            folder,
            parent,
            any_rules,
        }
    }

    fn folders(&self) -> impl Iterator<Item = &Folder> {
        std::iter::successors(Some(self), |c| c.parent.as_deref()).map(|c| &c.folder)
    }
}

/// The rules of a walk that do not change from folder to folder.
pub(super) struct Rules<'a> {
    overrides: &'a Override,
    global: Gitignore,
    /// The root's ancestors, nearest first, when one of them has a rule.
    ancestors: Vec<Folder>,
    /// The root, made absolute, for matching with the ancestors' rules.
    absolute_root: Option<PathBuf>,
    /// The root as given, without a `./` lead; `None` for `.`: what a path loses to be joined
    /// to `absolute_root`.
    root: Option<PathBuf>,
}

impl<'a> Rules<'a> {
    pub(super) fn for_root(root: &Path, overrides: &'a Override) -> Result<Rules<'a>, Unsupported> {
        // ignore matches the global rules from the current directory (`WalkBuilder`'s
        // `current_dir`); without one, there are none.
        let global = match std::env::current_dir() {
            Ok(cwd) => GitignoreBuilder::new(cwd).build_global().0,
            Err(_) => Gitignore::empty(),
        };
        let absolute_root = root.canonicalize().ok();
        let mut ancestors = Vec::new();
        if let Some(absolute) = &absolute_root {
            for dir in absolute.ancestors().skip(1) {
                ancestors.push(Folder::ancestor(dir)?);
            }
        }
        if ancestors.iter().all(Folder::is_empty) {
            ancestors.clear();
        }
        let root = (root != Path::new("."))
            .then(|| strip_prefix("./", root).unwrap_or(root).to_path_buf());
        Ok(Rules {
            overrides,
            global,
            ancestors,
            absolute_root,
            root,
        })
    }

    /// ignore's `Ignore::matched` for an entry of the folder `chain` starts at: overrides
    /// first, then `.ignore`, `.gitignore`, `.git/info/exclude` (the nearest folder's rule of
    /// each kind that matches wins, the walked folders before the root's ancestors), then the
    /// global rules.
    pub(super) fn matched(&self, chain: &Chain, path: &Path, is_dir: bool) -> Match<()> {
        let path = strip_prefix("./", path).unwrap_or(path);
        if !self.overrides.is_empty() {
            let matched = self.overrides.matched(path, is_dir).map(|_| ());
            if !matched.is_none() {
                return matched;
            }
        }
        let (mut ignore, mut git_ignore, mut git_exclude) = (Match::None, Match::None, Match::None);
        let mut consult = |folder: &Folder, path: &Path| {
            if ignore.is_none() {
                ignore = folder.ignore.matched(path, is_dir).map(|_| ());
            }
            if git_ignore.is_none() {
                git_ignore = folder.git_ignore.matched(path, is_dir).map(|_| ());
            }
            if git_exclude.is_none() {
                git_exclude = folder.git_exclude.matched(path, is_dir).map(|_| ());
            }
        };
        if chain.any_rules {
            for folder in chain.folders() {
                consult(folder, path);
            }
        }
        if let (false, Some(absolute_root)) = (self.ancestors.is_empty(), &self.absolute_root) {
            // The path below the root, joined to the absolute root ("ham-fisted", says
            // ignore, but it is what its ancestors' rules see).
            let below = match &self.root {
                None => path,
                Some(root) => {
                    let below = strip_prefix(root, path).unwrap_or(path);
                    strip_prefix("/", below).unwrap_or(below)
                }
            };
            let absolute = absolute_root.join(below);
            for folder in &self.ancestors {
                consult(folder, &absolute);
            }
        }
        let global = self.global.matched(path, is_dir).map(|_| ());
        ignore.or(git_ignore).or(git_exclude).or(global)
    }
}

/// ignore's `strip_prefix`: `path` without the bytes of `prefix`, never cutting a name in
/// two (`/foo` is no prefix of `/foobar`).
pub(super) fn strip_prefix(prefix: impl AsRef<Path>, path: &Path) -> Option<&Path> {
    let prefix = prefix.as_ref().as_os_str().as_encoded_bytes();
    let bytes = path.as_os_str().as_encoded_bytes();
    let rest = bytes.strip_prefix(prefix)?;
    if prefix.last().is_some_and(|&b| b != b'/') && rest.first().is_some_and(|&b| b != b'/') {
        return None;
    }
    // SAFETY: `rest` is a suffix of `path`'s encoded bytes that starts at a `/`, at its start
    // or right after one: an ASCII boundary, so still a valid encoding.
    Some(Path::new(unsafe {
        std::ffi::OsStr::from_encoded_bytes_unchecked(rest)
    }))
}
