//! Which files a run reads: the command line's paths, walked folders, excludes, and the
//! files read for context.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};
use rayon::slice::ParallelSliceMut;

use super::*;

/// Expands the command line's paths: `-` is stdin, a directory is walked for `*.yaml`, `*.yml`
/// and `*.json`, and a file named explicitly is taken whatever its extension.
pub fn discover(
    paths: &[String],
    excludes: &[String],
    force_exclude: bool,
    stdin_name: &str,
    threads: usize,
) -> Result<Discovery, InputError> {
    let mut found: Vec<InputSource> = Vec::new();
    let mut warnings = Vec::new();
    let mut failures = Vec::new();
    let default = [".".to_string()];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for arg in paths {
        if arg == "-" {
            found.push(InputSource::Stdin(stdin_name.to_string()));
            continue;
        }
        let path = Path::new(arg);
        let meta =
            std::fs::metadata(path).map_err(|e| InputError(format!("{arg}: {}", io_reason(&e))))?;
        if meta.is_dir() {
            let walked = walk(path, excludes, threads, &mut warnings, &mut failures)?;
            if walked.is_empty() {
                warnings.push(format!(
                    "{arg}: no *.yaml, *.yml or *.json file found (a directory is searched for \
                     those only)"
                ));
            }
            crate::parallel::append(&mut found, walked);
        } else if !(force_exclude && excluded(path, excludes)?) {
            found.push(InputSource::File {
                name: arg.clone(),
                path: path.to_path_buf(),
                explicit: true,
            });
        }
    }
    // One file given twice (`k8s $PWD/k8s`, `./k8s/a.yaml k8s/a.yaml`) is linted once: its
    // identity is its real path. With one argument, a walk finds each file once already.
    if paths.len() > 1 {
        let mut seen = HashSet::new();
        found.retain(|input| match input {
            InputSource::Stdin(_) => seen.insert(None),
            InputSource::File { path, .. } => seen.insert(Some(
                std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
            )),
        });
    }
    // Sorted by name for the output. Equal names (standard input named like a file) keep the
    // order of the arguments; one argument's files have no order but their names' (a walk
    // finds them in any order), and are sorted in place, without the stable sort's buffer.
    let by_name = |a: &InputSource, b: &InputSource| a.name().cmp(b.name());
    match (crate::parallel::can_split(), paths.len() == 1) {
        (true, true) => found.par_sort_unstable_by(by_name),
        (true, false) => found.par_sort_by(by_name),
        (false, true) => found.sort_unstable_by(by_name),
        (false, false) => found.sort_by(by_name),
    }
    Ok(Discovery {
        inputs: found,
        warnings,
        failures,
    })
}

/// The files under `paths` read for context (`--context`): what they define counts, what they
/// hold is not reported. Files among `reported` are left out (they are read once, as
/// reported), and so is standard input. Problems met on the way are only warnings: without a
/// context file, fewer references resolve, but what is reported is still read.
pub fn discover_context(
    paths: &[String],
    excludes: &[String],
    threads: usize,
    reported: &[InputSource],
) -> (Vec<InputSource>, Vec<String>) {
    if paths.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let identity = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let known: HashSet<PathBuf> = reported
        .iter()
        .filter_map(|input| match input {
            InputSource::File { path, .. } => Some(identity(path)),
            InputSource::Stdin(_) => None,
        })
        .collect();
    let mut warnings = Vec::new();
    let mut found = Vec::new();
    for arg in paths.iter().filter(|p| *p != "-") {
        match discover(std::slice::from_ref(arg), excludes, true, "", threads) {
            Ok(discovery) => {
                warnings.extend(discovery.warnings);
                warnings.extend(
                    discovery
                        .failures
                        .into_iter()
                        .map(|f| format!("--context: cannot read {f}")),
                );
                found.extend(discovery.inputs);
            }
            Err(error) => warnings.push(format!("--context: {}", error.0)),
        }
    }
    let mut seen = known;
    found.retain(|input| match input {
        InputSource::File { path, .. } => seen.insert(identity(path)),
        InputSource::Stdin(_) => false,
    });
    (found, warnings)
}

/// Whether an exclude glob matches a file named on the command line, or one of the folders
/// in its path: the globs mean what they mean on a walk from the current directory.
pub(super) fn excluded(path: &Path, excludes: &[String]) -> Result<bool, InputError> {
    if excludes.is_empty() {
        return Ok(false);
    }
    let overrides = exclude_overrides(Path::new("."), excludes)?;
    let relative = path.strip_prefix(".").unwrap_or(path);
    Ok(relative
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .any(|p| overrides.matched(p, p != relative).is_ignore()))
}

pub(super) fn exclude_overrides(
    root: &Path,
    excludes: &[String],
) -> Result<ignore::overrides::Override, InputError> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in excludes {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| InputError(format!("invalid --exclude pattern `{glob}`: {e}")))?;
    }
    overrides
        .build()
        .map_err(|e| InputError(format!("invalid --exclude patterns: {e}")))
}

pub(super) fn walk(
    root: &Path,
    excludes: &[String],
    threads: usize,
    warnings: &mut Vec<String>,
    failures: &mut Vec<String>,
) -> Result<Vec<InputSource>, InputError> {
    let overrides = exclude_overrides(root, excludes)?;
    let (files, problems) = match super::walk::walk(root, &overrides, found_file) {
        Ok(walked) => {
            let problems = walked.problems.into_iter();
            let problems = problems.map(|p| (Some(p.error.kind()), p.to_string()));
            (walked.files, problems.collect())
        }
        Err(super::walk::Unsupported) => walk_with_ignore(root, overrides, threads),
    };
    for (kind, problem) in problems {
        // A folder that cannot be read hides its files: that fails the run. A file gone since
        // it was listed loses nothing.
        if kind.is_some_and(|k| k != std::io::ErrorKind::NotFound) {
            failures.push(problem);
        } else {
            warnings.push(problem);
        }
    }
    Ok(files)
}

/// The names of the inputs a walk of `root` finds, by [`super::walk`] and by `ignore`'s own
/// walker, each sorted, on the pool the caller runs in (the walks' differential test); `None`
/// for ours when it leaves the walk to `ignore`.
#[cfg(feature = "testing")]
pub fn both_walks(root: &Path) -> (Option<Vec<String>>, Vec<String>) {
    let overrides = exclude_overrides(root, &[]).unwrap_or_else(|e| panic!("{}", e.0));
    let names = |files: Vec<InputSource>| {
        let mut names: Vec<String> = files.iter().map(|f| f.name().to_string()).collect();
        names.sort();
        names
    };
    let ours = super::walk::walk(root, &overrides, found_file).map(|w| w.files);
    let threads = rayon::current_num_threads();
    let theirs = names(walk_with_ignore(root, overrides, threads).0);
    (ours.ok().map(names), theirs)
}

/// A file a walk found, as an input, if it is one: a link to a file is linted; a link to a
/// directory is not followed (it could lead out of the tree, or round in a loop), as ripgrep
/// does. Named here, on the walk's threads.
pub(super) fn found_file(path: PathBuf, kind: std::fs::FileType) -> Option<InputSource> {
    let is_file = kind.is_file() || (kind.is_symlink() && path.is_file());
    let wanted = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        // kustomize also reads a kustomization from a file named `Kustomization`.
        || path.file_name().is_some_and(|n| n == "Kustomization");
    (is_file && wanted).then(|| InputSource::File {
        name: display_name(&path),
        path,
        explicit: false,
    })
}

/// The files `ignore`'s own walker finds, and its problems (the kind of I/O error, if one,
/// and the message): the walk when `super::walk` cannot match it, and its tests' oracle.
pub(super) fn walk_with_ignore(
    root: &Path,
    overrides: ignore::overrides::Override,
    threads: usize,
) -> (Vec<InputSource>, Vec<(Option<std::io::ErrorKind>, String)>) {
    let walker = WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .ignore(true)
        // A checkout without `.git` (a tarball, a CI cache) should be walked the same way.
        .require_git(false)
        .overrides(overrides)
        .threads(threads)
        .build_parallel();
    let files = Mutex::new(Vec::new());
    let problems = Mutex::new(Vec::new());
    walker.run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    if let Some(kind) = entry.file_type()
                        && let Some(file) = found_file(entry.into_path(), kind)
                    {
                        lock(&files).push(file);
                    }
                }
                Err(err) => {
                    let kind = err.io_error().map(|e| e.kind());
                    lock(&problems).push((kind, err.to_string()));
                }
            }
            WalkState::Continue
        })
    });
    (into_inner(files), into_inner(problems))
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `./k8s/a.yaml` is shown as `k8s/a.yaml`. Bytes that are not UTF-8 are shown as `\xff`, so
/// that two names differing only there stay two names.
pub fn display_name(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.strip_prefix("./").unwrap_or(text).to_string();
    }
    #[cfg(unix)]
    let text = {
        use std::os::unix::ffi::OsStrExt;
        let mut text = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                text.push_str(&format!("\\x{byte:02x}"));
            }
        }
        text
    };
    #[cfg(not(unix))]
    let text = path.to_string_lossy().into_owned();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// The chart a file is a template of: the folder holding `Chart.yaml` whose `templates/` the
/// file is under (subcharts included: `chart/charts/sub/templates/x.yaml` belongs to `sub`).
/// Such a file is Go template text, not a manifest: `helm template` renders it.
pub fn helm_chart_of(path: &Path) -> Option<PathBuf> {
    // Most paths have no folder of that name: said by their bytes, without taking every
    // ancestor apart (2 ms of a walk of 3,800 files), by a searcher built once.
    static TEMPLATES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"templates/"));
    TEMPLATES.find(path.as_os_str().as_encoded_bytes())?;
    for dir in path.ancestors().skip(1) {
        if dir.file_name().is_some_and(|n| n == "templates") {
            let chart = dir.parent()?;
            let chart = if chart.as_os_str().is_empty() {
                Path::new(".")
            } else {
                chart
            };
            if chart.join("Chart.yaml").is_file() {
                return Some(chart.to_path_buf());
            }
        }
    }
    None
}
