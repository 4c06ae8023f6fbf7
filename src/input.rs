//! Finding the files to lint (a parallel, `.gitignore`-aware walk) and reading them.

use std::collections::HashSet;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};
use rayon::prelude::*;

use crate::source::SourceFile;

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// One thing to lint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputSource {
    /// Standard input, shown under the given name.
    Stdin(String),
    File {
        name: String,
        path: PathBuf,
        /// Named on the command line, rather than found by walking a directory.
        explicit: bool,
    },
}

impl InputSource {
    pub fn name(&self) -> &str {
        match self {
            InputSource::Stdin(name) | InputSource::File { name, .. } => name,
        }
    }
}

/// A problem that stops the run before it starts (exit code 2).
#[derive(Debug)]
pub struct InputError(pub String);

/// A read input, or why it could not be decoded.
pub struct LoadedInput {
    pub source: SourceFile,
    /// Set when the bytes are not UTF-8 text: byte offset and reason.
    pub not_text: Option<(usize, String)>,
    /// The bytes hold NUL: a binary file, not a manifest.
    pub binary: bool,
}

pub struct Discovery {
    /// Sorted by name; each file once, however often and under whatever names it was given.
    pub inputs: Vec<InputSource>,
    /// Problems met while walking that lose nothing (a link loop): reported, not fatal.
    pub warnings: Vec<String>,
    /// Folders that could not be read: their files are not linted, so the run fails (exit 2).
    pub failures: Vec<String>,
}

/// Expands the command line's paths: `-` is stdin, a directory is walked for `*.yaml`, `*.yml`
/// and `*.json`, and a file named explicitly is taken whatever its extension.
pub fn discover(
    paths: &[String],
    excludes: &[String],
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
            found.extend(walked.into_iter().map(|file| InputSource::File {
                name: display_name(&file),
                path: file,
                explicit: false,
            }));
        } else {
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
    found.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(Discovery {
        inputs: found,
        warnings,
        failures,
    })
}

fn walk(
    root: &Path,
    excludes: &[String],
    threads: usize,
    warnings: &mut Vec<String>,
    failures: &mut Vec<String>,
) -> Result<Vec<PathBuf>, InputError> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in excludes {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| InputError(format!("invalid --exclude pattern `{glob}`: {e}")))?;
    }
    let overrides = overrides
        .build()
        .map_err(|e| InputError(format!("invalid --exclude patterns: {e}")))?;
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
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                    if is_file && wanted {
                        lock(&files).push(entry.into_path());
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn into_inner<T>(m: Mutex<T>) -> T {
    m.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `./k8s/a.yaml` is shown as `k8s/a.yaml`. Bytes that are not UTF-8 are shown as `\xff`, so
/// that two names differing only there stay two names.
pub fn display_name(path: &Path) -> String {
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

pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => err.to_string(),
    }
}

/// The largest input read by default: far above any real manifest stream (the corpus's
/// largest `helm template` output is a few MB), low enough that `/dev/zero` or a runaway pipe
/// ends with an error instead of exhausting memory.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads one input, at most `limit` bytes of it. An I/O failure, or an input over the limit,
/// is returned as a message naming the input.
pub fn load(input: &InputSource, limit: u64) -> Result<LoadedInput, String> {
    let too_large = || {
        format!(
            "{}: larger than {} bytes, the input size limit (--max-input-size)",
            input.name(),
            limit
        )
    };
    let (bytes, path) = match input {
        InputSource::Stdin(_) => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{}: {}", input.name(), io_reason(&e)))?;
            (bytes, None)
        }
        InputSource::File { path, .. } => {
            if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > limit) {
                return Err(too_large());
            }
            let bytes = read_file(path, limit)
                .map_err(|e| format!("{}: {}", input.name(), io_reason(&e)))?;
            (bytes, Some(path.clone()))
        }
    };
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(decode(input.name().to_string(), path, bytes))
}

const READ_PIECE: usize = 2 << 20;

/// Reads a file; a large one in pieces on every thread of the pool `load` runs in (see
/// [`crate::parallel`]).
fn read_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() > limit {
        // A device or pipe (`/dev/zero`) has no length to trust: read up to the limit.
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    if !crate::parallel::can_split()
        || !meta.is_file()
        || meta.len() < crate::parallel::SPLIT_TEXT_BYTES as u64
    {
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let read = bytes
        .par_chunks_mut(READ_PIECE)
        .enumerate()
        .try_for_each(|(i, piece)| file.read_exact_at(piece, (i * READ_PIECE) as u64));
    if read.is_err() {
        // The file shrank (or failed) while being read: read it again, the plain way.
        return std::fs::read(path);
    }
    // It may have grown: take the rest too, up to the limit.
    file.seek(std::io::SeekFrom::Start(meta.len()))?;
    file.take(limit.saturating_add(1).saturating_sub(meta.len()))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Turns bytes into text; anything but UTF-8 is kept (lossily, for the snippet) and flagged.
pub fn decode(name: String, path: Option<PathBuf>, bytes: Vec<u8>) -> LoadedInput {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if let Some(nul) = memchr::memchr(0, &bytes).filter(|_| !utf16) {
        // Keep what comes before the NUL for the snippet, no more: it is not text.
        let text = String::from_utf8_lossy(&bytes[..nul.min(4096)]).into_owned();
        let offset = text.len();
        return LoadedInput {
            source: SourceFile::new(name, path, text),
            not_text: Some((
                offset,
                format!("a binary file, not a manifest (a NUL byte at offset {nul})"),
            )),
            binary: true,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => LoadedInput {
            source: SourceFile::new(name, path, text),
            not_text: None,
            binary: false,
        },
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let reason = if utf16 {
                "the file is UTF-16; Kubernetes reads manifests as UTF-8".to_string()
            } else {
                format!("the file is not UTF-8 text: invalid byte at offset {offset}")
            };
            // The valid prefix is kept as is, so `offset` is right in the lossy text too.
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let offset = if utf16 { 0 } else { offset };
            LoadedInput {
                source: SourceFile::new(name, path, text),
                not_text: Some((offset, reason)),
                binary: false,
            }
        }
    }
}
