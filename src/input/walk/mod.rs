//! The walk of a folder: `ignore`'s rules, on the run's thread pool.
//!
//! Which files are found is `ignore::WalkBuilder`'s answer for the options `discover` sets
//! (hidden files and folders skipped; the `.ignore`, `.gitignore` and `.git/info/exclude` of
//! every folder walked and of the root's ancestors honoured, with or without a repository;
//! git's global excludes; `--exclude` as overrides; links not followed), built from its
//! public matchers in the order its `Ignore::matched` applies them (ignore 0.4.35, `dir.rs`).
//! Its differential tests (`tests.rs`, and tests/corpus.rs) hold the two walks to the same
//! files on generated trees with rules in every place, and on the corpus.
//!
//! Why not `ignore::WalkParallel`: a thread of it that finds no folder to take sleeps a
//! millisecond, and one of the two threads of a two-thread run found none at the start of
//! every walk and near its end: the corpus' 1,241 folders took 9.4 ms on two threads for
//! 15 ms on one. Here each folder is a task of the pool the run already has, taken as soon
//! as a thread is free.

use std::fs::FileType;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::overrides::Override;

mod rules;
#[cfg(test)]
mod tests;

use rules::{Chain, Folder, Rules};

/// A folder or an entry that could not be read, as `ignore` reports it.
#[derive(Debug)]
pub(super) struct Problem {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

/// What a walk found: what `keep` made of the files it kept, and the problems on the way.
pub(super) struct Walked<T> {
    pub files: Vec<T>,
    pub problems: Vec<Problem>,
}

/// The root's ancestors have an ignore file `ignore` reports an error for (a bad glob): its
/// walk says so, this one would not; the caller walks with `ignore` instead.
#[derive(Debug)]
pub(super) struct Unsupported;

/// Walks `root` (a folder), giving each file that the rules keep, with its type as listed
/// (a link is not followed), to `keep`.
pub(super) fn walk<T: Send>(
    root: &Path,
    overrides: &Override,
    keep: impl Fn(PathBuf, FileType) -> Option<T> + Sync,
) -> Result<Walked<T>, Unsupported> {
    let rules = Rules::for_root(root, overrides)?;
    let threads = if crate::parallel::can_split() {
        rayon::current_num_threads()
    } else {
        1
    };
    // One list per thread, each taken by its thread alone.
    let found: Vec<Mutex<Walked<T>>> = (0..threads)
        .map(|_| {
            Mutex::new(Walked {
                files: Vec::new(),
                problems: Vec::new(),
            })
        })
        .collect();
    let walker = Walker {
        rules: &rules,
        keep: &keep,
        found: &found,
    };
    if threads > 1 {
        rayon::scope(|scope| walker.folder_on(scope, root.to_path_buf(), None));
    } else {
        let mut pending = vec![(root.to_path_buf(), None)];
        while let Some((dir, parent)) = pending.pop() {
            walker.folder(dir, parent, &mut |dir, chain| {
                pending.push((dir, Some(chain)))
            });
        }
    }
    // Joined into a vector of their exact size, each thread's part moved by a thread.
    let mut parts: Vec<Walked<T>> = (found.into_iter())
        .map(|part| part.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect();
    let mut walked = Walked {
        files: crate::parallel::concat_field(&mut parts, |p| &mut p.files),
        problems: crate::parallel::concat_field(&mut parts, |p| &mut p.problems),
    };
    // In the order of their paths, whichever thread met them.
    walked.problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(walked)
}

struct Walker<'a, T, K> {
    rules: &'a Rules<'a>,
    keep: &'a K,
    found: &'a [Mutex<Walked<T>>],
}

impl<T: Send, K: Fn(PathBuf, FileType) -> Option<T> + Sync> Walker<'_, T, K> {
    fn folder_on<'s>(&'s self, scope: &rayon::Scope<'s>, dir: PathBuf, parent: Option<Arc<Chain>>)
    where
        T: 's,
    {
        self.folder(dir, parent, &mut |dir, chain| {
            scope.spawn(move |scope| self.folder_on(scope, dir, Some(chain)))
        });
    }

    /// Reads `dir`, keeps its files and hands each subfolder to `descend`.
    fn folder(
        &self,
        dir: PathBuf,
        parent: Option<Arc<Chain>>,
        descend: &mut dyn FnMut(PathBuf, Arc<Chain>),
    ) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        let listing = match std::fs::read_dir(&dir) {
            Ok(listing) => listing,
            Err(error) => {
                self.report(Vec::new(), vec![Problem { path: dir, error }]);
                return;
            }
        };
        let mut entries = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => entries.push(entry),
                Err(error) => problems.push(Problem {
                    path: dir.clone(),
                    error,
                }),
            }
        }
        let chain = Arc::new(Chain::new(parent, Folder::listed(&dir, &entries)));
        for entry in entries {
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(error) => {
                    problems.push(Problem {
                        path: entry.path(),
                        error,
                    });
                    continue;
                }
            };
            let path = entry.path();
            let is_dir = kind.is_dir();
            let matched = self.rules.matched(&chain, &path, is_dir);
            // Hidden only when no rule said otherwise (ignore's `matched_dir_entry`).
            let hidden =
                || (path.file_name()).is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
            let skip = matched.is_ignore() || (matched.is_none() && hidden());
            if skip {
                continue;
            }
            if is_dir {
                descend(path, chain.clone());
            } else if let Some(file) = (self.keep)(path, kind) {
                files.push(file);
            }
        }
        self.report(files, problems);
    }

    fn report(&self, files: Vec<T>, problems: Vec<Problem>) {
        if files.is_empty() && problems.is_empty() {
            return;
        }
        let index = rayon::current_thread_index().unwrap_or(0) % self.found.len();
        let mut found = self.found[index].lock().unwrap_or_else(|p| p.into_inner());
        found.files.extend(files);
        found.problems.extend(problems);
    }
}
