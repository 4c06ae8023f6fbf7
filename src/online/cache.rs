//! The answers of earlier `--online` runs, on disk, so that a pre-commit hook with `--online`
//! is fast on its second run: a definitive answer (available, absent, platform missing) about a
//! digest is kept for good — what a digest names never changes — and one about a tag for
//! `online.cache-ttl` (default ten minutes). Failures are never kept: a fixed password or a
//! registry back up shows at once. The file holds verdicts only, keyed by image, the names of
//! the credentials tried and the platforms: never a credential.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Status, Verdict};

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    status: String,
    detail: String,
    digest: Option<String>,
    platforms: Vec<String>,
    credential: String,
    tag_digest: Option<String>,
    /// Seconds since the epoch when it was asked; `None`: kept for good.
    asked: Option<u64>,
}

pub struct Cache {
    path: PathBuf,
    entries: HashMap<String, Entry>,
    ttl: Duration,
}

/// `$XDG_CACHE_HOME/pullcheck/online.json`, else `~/.cache/pullcheck/online.json`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("pullcheck").join("online.json"))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// The cache at `path`; empty when it does not exist or cannot be read.
    pub fn open(path: &Path, ttl: Duration) -> Cache {
        let entries = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            entries,
            ttl,
        }
    }

    /// A kept answer for a pull, if it is still good.
    pub fn get(&self, key: &str) -> Option<Verdict> {
        let entry = self.entries.get(key)?;
        if let Some(asked) = entry.asked
            && now().saturating_sub(asked) > self.ttl.as_secs()
        {
            return None;
        }
        let status = [Status::Available, Status::Absent, Status::PlatformMissing]
            .into_iter()
            .find(|s| s.as_str() == entry.status)?;
        Some(Verdict {
            status,
            detail: entry.detail.clone(),
            digest: entry.digest.clone(),
            platforms: entry.platforms.clone(),
            credential: entry.credential.clone(),
            tag_digest: entry.tag_digest.clone(),
        })
    }

    /// Keeps a definitive answer; `by_digest`: the pull names a digest (and no tag whose
    /// movement it reports).
    pub fn put(&mut self, key: &str, verdict: &Verdict, by_digest: bool) {
        if !verdict.status.is_answer() {
            return;
        }
        self.entries.insert(
            key.to_string(),
            Entry {
                status: verdict.status.as_str().to_string(),
                detail: verdict.detail.clone(),
                digest: verdict.digest.clone(),
                platforms: verdict.platforms.clone(),
                credential: verdict.credential.clone(),
                tag_digest: verdict.tag_digest.clone(),
                asked: (!by_digest).then(now),
            },
        );
    }

    /// Writes the cache back (a new file moved into place); a cache that cannot be written is
    /// only slower next time.
    pub fn save(&self) {
        let ttl = self.ttl.as_secs();
        let kept: HashMap<&String, &Entry> = self
            .entries
            .iter()
            .filter(|(_, e)| e.asked.is_none_or(|t| now().saturating_sub(t) <= ttl))
            .collect();
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_vec(&kept) else {
            return;
        };
        let temporary = self
            .path
            .with_extension(format!("json.{}", std::process::id()));
        if std::fs::write(&temporary, text).is_ok()
            && std::fs::rename(&temporary, &self.path).is_err()
        {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}
