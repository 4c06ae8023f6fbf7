//! The glob patterns of the configuration (preloaded images, allowed registries, registry
//! classes). The kubelet's keyring matches its keys differently (`*` within one host label, as
//! Go's `filepath.Match` per label), which `credentials::keyring` follows on its own.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Glob patterns, compiled, with their text for messages.
pub struct Patterns {
    pub patterns: Vec<String>,
    pub globs: GlobSet,
}

/// A pattern that does not compile, with the setting it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compiles glob patterns; `*` crosses `/`, since image references are not paths.
pub fn glob_set(patterns: &[String], what: &str) -> Result<GlobSet, PatternError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(pattern, what)?);
    }
    builder
        .build()
        .map_err(|e| PatternError(format!("invalid {what} patterns: {e}")))
}

pub fn glob(pattern: &str, what: &str) -> Result<Glob, PatternError> {
    Glob::new(pattern)
        .map_err(|e| PatternError(format!("invalid {what} pattern `{pattern}`: {}", e.kind())))
}
