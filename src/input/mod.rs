//! Finding the files to lint (a parallel, `.gitignore`-aware walk) and reading them.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

mod discover;
mod walk;

#[cfg(feature = "testing")]
pub use discover::both_walks;
pub use discover::{discover, discover_context, display_name, helm_chart_of};

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
    /// Read for what it defines (ServiceAccounts, Secrets, pre-pullers), not reported on
    /// (`--context`).
    pub context: bool,
}

pub struct Discovery {
    /// Sorted by name; each file once, however often and under whatever names it was given.
    pub inputs: Vec<InputSource>,
    /// Problems met while walking that lose nothing (a link loop): reported, not fatal.
    pub warnings: Vec<String>,
    /// Folders that could not be read: their files are not linted, so the run fails (exit 2).
    pub failures: Vec<String>,
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
            let bytes = read_file(path, limit).map_err(|e| {
                if e.kind() == std::io::ErrorKind::FileTooLarge {
                    too_large()
                } else {
                    format!("{}: {}", input.name(), io_reason(&e))
                }
            })?;
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
/// [`crate::parallel`]). A file over `limit` bytes is `FileTooLarge`, unread. A small file
/// costs an `open`, a `statx`, two `read`s and a `close`: the system calls are most of
/// the time a directory of small manifests takes to read.
fn read_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() > limit {
        return Err(std::io::ErrorKind::FileTooLarge.into());
    }
    if !meta.is_file() {
        // A device or pipe (`/dev/zero`) has no length to trust: read up to the limit.
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    if !crate::parallel::can_split() || meta.len() < crate::parallel::SPLIT_TEXT_BYTES as u64 {
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        if bytes.capacity() >= POPULATE_BYTES {
            let spare = bytes.spare_capacity_mut();
            populate(spare.as_mut_ptr().cast(), spare.len());
        }
        // Through `take`, which also stops std asking for the size again (a `statx` and an
        // `lseek` a file).
        (&file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let read = bytes
        .par_chunks_mut(READ_PIECE)
        .enumerate()
        .try_for_each(|(i, piece)| {
            populate(piece.as_mut_ptr(), piece.len());
            file.read_exact_at(piece, (i * READ_PIECE) as u64)
        });
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

/// A buffer at least this large is faulted in at once (see [`populate`]).
const POPULATE_BYTES: usize = 1 << 20;

/// Faults in the pages of fresh memory in one system call (`MADV_POPULATE_WRITE`, Linux 5.14)
/// instead of one fault per page as they are written: on the benchmark machine a fault costs
/// more than the copy that causes it. Does nothing where the call is unknown.
fn populate(start: *mut u8, len: usize) {
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = start as usize;
        let aligned = start.next_multiple_of(PAGE);
        let end = (start + len) / PAGE * PAGE;
        if end > aligned {
            // SAFETY: the range lies inside the buffer the caller owns (`len` bytes from
            // `start`); the call only faults its pages in (contents unchanged) and fails
            // harmlessly when unsupported.
            unsafe {
                libc::madvise(
                    aligned as *mut libc::c_void,
                    end - aligned,
                    libc::MADV_POPULATE_WRITE,
                )
            };
        }
    }
}

/// The files the kustomizations among `inputs` include that are not inputs themselves
/// (`pullcheck overlays/prod` includes `base/`): a run reads them too, to lint what the overlay
/// builds.
/// Files already read for context are not read again: they stay context, and are linted
/// through the root that includes them.
pub fn kustomize_reached(inputs: &[LoadedInput]) -> Vec<InputSource> {
    let files = inputs.iter().filter_map(|i| {
        let path = i.source.path.as_deref()?;
        Some((path, i.source.text.as_str(), !i.context))
    });
    crate::kustomize::tree::missing_files(files)
        .into_iter()
        .map(|path| InputSource::File {
            name: display_name(&path),
            path,
            explicit: false,
        })
        .collect()
}

/// Turns bytes into text; anything but UTF-8 is kept (lossily, for the snippet) and flagged.
pub fn decode(name: String, path: Option<PathBuf>, bytes: Vec<u8>) -> LoadedInput {
    if plain_text(&bytes) {
        // SAFETY: `plain_text` found the bytes to be UTF-8.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return LoadedInput {
            source: SourceFile::new(name, path, text),
            not_text: None,
            binary: false,
            context: false,
        };
    }
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
            context: false,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => LoadedInput {
            source: SourceFile::new(name, path, text),
            not_text: None,
            binary: false,
            context: false,
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
                context: false,
            }
        }
    }
}

/// Whether `bytes` are UTF-8 with no NUL: text to parse, the common case, which needs no
/// finding of where it is not. A large text is checked in pieces on every thread of the pool
/// the caller runs in (see [`crate::parallel`]): 1 ms a pass over 20 MB, twice, was the last
/// serial work of reading.
fn plain_text(bytes: &[u8]) -> bool {
    let plain =
        |piece: &[u8]| memchr::memchr(0, piece).is_none() && std::str::from_utf8(piece).is_ok();
    if !crate::parallel::can_split() || bytes.len() < crate::parallel::SPLIT_TEXT_BYTES {
        return plain(bytes);
    }
    crate::parallel::map(&utf8_pieces(bytes, TEXT_CHECK_PIECE), |&(start, end)| {
        plain(&bytes[start..end])
    })
    .into_iter()
    .all(|plain| plain)
}

const TEXT_CHECK_PIECE: usize = 1 << 20;

/// `bytes` cut in pieces of about `size` bytes, each starting at a byte that is not a UTF-8
/// continuation byte (`0b10xxxxxx`): the whole is then UTF-8 exactly when every piece is (a
/// character is never cut in two, and pieces of UTF-8 join into UTF-8).
fn utf8_pieces(bytes: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::with_capacity(bytes.len() / size + 1);
    let mut start = 0;
    while start < bytes.len() {
        let mut end = (start + size).min(bytes.len());
        while end < bytes.len() && bytes[end] & 0xC0 == 0x80 {
            end += 1;
        }
        pieces.push((start, end));
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_checked_in_pieces_that_never_cut_a_character() {
        let texts: [&[u8]; 6] = [
            "image: café:1.0\n".as_bytes(),
            "a: ü€𝄞\n# 日本語\n".as_bytes(),
            b"a: \xC3\n",
            b"a: \xE2\x82\n",
            b"\x80a: 1\n",
            b"a: 1\nb: \xF0\x9D\x84\n",
        ];
        for text in texts {
            let whole = std::str::from_utf8(text).is_ok();
            for size in 1..=text.len() {
                let pieces = utf8_pieces(text, size);
                // Contiguous, covering the text, each starting on a character's first byte.
                assert_eq!(pieces.first().map(|p| p.0), Some(0));
                assert_eq!(pieces.last().map(|p| p.1), Some(text.len()));
                assert!(pieces.windows(2).all(|w| w[0].1 == w[1].0));
                let each = pieces
                    .iter()
                    .all(|&(s, e)| std::str::from_utf8(&text[s..e]).is_ok());
                assert_eq!(each, whole, "{text:?} in pieces of {size}: {pieces:?}");
            }
        }
    }

    #[test]
    fn a_large_text_is_decoded_alike_on_a_pool() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let line = "- image: café:1.0 # 日本語\n";
        let large = line.repeat(crate::parallel::SPLIT_TEXT_BYTES / line.len() + 1);
        let mut broken = large.clone().into_bytes();
        let at = broken.len() / 2 + 3;
        broken[at] = 0xFF;
        let mut binary = large.clone().into_bytes();
        binary[at] = 0;
        for bytes in [large.into_bytes(), broken, binary] {
            let alone = decode("x".into(), None, bytes.clone());
            let shared = pool.install(|| decode("x".into(), None, bytes));
            assert_eq!(alone.not_text, shared.not_text);
            assert_eq!(alone.binary, shared.binary);
            assert_eq!(alone.source.text, shared.source.text);
        }
    }
}
