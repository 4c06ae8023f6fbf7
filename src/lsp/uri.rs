//! `file:` URIs and paths. Only `file:` documents are linted: an unsaved buffer (`untitled:`)
//! has no folder, so no configuration or neighbours to lint it with.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path of a `file:` URI (`file:///a/b%20c.yaml` → `/a/b c.yaml`); `None` for any other
/// scheme or a host other than the local one.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        String::from_utf8(bytes).ok().map(PathBuf::from)
    }
}

/// The `file:` URI of an absolute path, with every byte outside the unreserved set and `/`
/// percent-encoded (as VS Code writes them).
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

fn percent_decode(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        for path in ["/work/k8s/deploy.yaml", "/a b/日本/x%y#z.yaml"] {
            let uri = from_path(Path::new(path)).unwrap();
            assert!(!uri.as_str().contains(' '), "{}", uri.as_str());
            assert_eq!(to_path(&uri).unwrap(), PathBuf::from(path));
        }
        let vscode = Uri::from_str("file:///c%3A/k8s/a.yaml").unwrap();
        assert_eq!(to_path(&vscode).unwrap(), PathBuf::from("/c:/k8s/a.yaml"));
        assert_eq!(
            to_path(&Uri::from_str("untitled:Untitled-1").unwrap()),
            None
        );
    }
}
