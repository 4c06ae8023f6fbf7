//! Which files a run reads: the command line's paths, walked folders, excludes, and the
//! files read for context.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};

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
            found.extend(walked);
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
    // Sorted by name for the output; stable, so equal names keep their order.
    if crate::parallel::can_split() {
        use rayon::slice::ParallelSliceMut;
        found.par_sort_by(|a, b| a.name().cmp(b.name()));
    } else {
        found.sort_by(|a, b| a.name().cmp(b.name()));
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
                    // A link to a file is linted; a link to a directory is not followed (it
                    // could lead out of the tree, or round in a loop), as ripgrep does.
                    let is_file = entry
                        .file_type()
                        .is_some_and(|t| t.is_file() || (t.is_symlink() && entry.path().is_file()));
                    let wanted = entry
                        .path()
                        .extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                        // kustomize also reads a kustomization from a file named `Kustomization`.
                        || entry.file_name() == "Kustomization";
                    if is_file && wanted {
                        // Named here, on the walk's threads.
                        let path = entry.into_path();
                        let file = InputSource::File {
                            name: display_name(&path),
                            path,
                            explicit: false,
                        };
                        lock(&files).push(file);
                    }
                }
                Err(err) => lock(&problems).push(err),
            }
            WalkState::Continue
        })
    });
    for problem in into_inner(problems) {
        // A folder that cannot be read hides its files: that fails the run. A link loop or a
        // file gone since it was listed loses nothing.
        let lost = problem
            .io_error()
            .is_some_and(|e| !matches!(e.kind(), std::io::ErrorKind::NotFound));
        if lost {
            failures.push(problem.to_string());
        } else {
            warnings.push(problem.to_string());
        }
    }
    Ok(into_inner(files))
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
