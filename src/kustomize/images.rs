//! The `images:` transformer of kustomize v5.5.0 (the one `kubectl` bundles), as its source
//! has it and as `kubectl kustomize` behaves (`tests/kustomize.rs` checks every case against
//! it): which images an entry matches, and what it rewrites them to.

use regex::Regex;

/// One entry of a kustomization's `images:` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageEntry {
    /// Matched as an unescaped regular expression, not as a reference.
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
    pub digest: Option<String>,
    pub tag_suffix: Option<String>,
}

/// An entry's `name` that is not a valid regular expression: kustomize v5.5.0 ignores the
/// compile error and then dereferences the missing pattern, so `kubectl kustomize` crashes
/// (`nil pointer dereference` in `image.IsImageMatched`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName(pub String);

impl ImageEntry {
    /// `image.IsImageMatched` (api v0.18.0): `^NAME(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`
    /// against the image as written. No normalisation: `nginx` does not match
    /// `docker.io/library/nginx`, and only `sha256` digests match (`@sha512:…` does not).
    pub fn matcher(&self) -> Result<Regex, InvalidName> {
        Regex::new(&format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            self.name
        ))
        .map_err(|e| InvalidName(e.to_string()))
    }

    /// The image after this entry's rewrite (`imageTagUpdater.SetImageValue`), when it
    /// matches. A new tag or digest replaces both the tag and the digest; a tag suffix is
    /// appended to the tag and drops the digest.
    pub fn rewrite(&self, matcher: &Regex, image: &str) -> Option<String> {
        if !matcher.is_match(image) {
            return None;
        }
        let (mut name, mut tag, mut digest) = split(image);
        if let Some(new_name) = self.new_name.as_deref().filter(|n| !n.is_empty()) {
            name = new_name.to_string();
        }
        let new_tag = self.new_tag.as_deref().filter(|t| !t.is_empty());
        let new_digest = self.digest.as_deref().filter(|d| !d.is_empty());
        match (new_tag, new_digest) {
            (Some(t), Some(d)) => {
                tag = t.to_string();
                digest = d.to_string();
            }
            (Some(t), None) => {
                tag = t.to_string();
                digest.clear();
            }
            (None, Some(d)) => {
                tag.clear();
                digest = d.to_string();
            }
            (None, None) => {
                if let Some(suffix) = self.tag_suffix.as_deref().filter(|s| !s.is_empty()) {
                    tag.push_str(suffix);
                    digest.clear();
                }
            }
        }
        if !tag.is_empty() {
            name = format!("{name}:{tag}");
        }
        if !digest.is_empty() {
            name = format!("{name}@{digest}");
        }
        Some(name)
    }
}

/// Where an image sits, for the transformer: kustomize v5.5.0 runs each entry over its field
/// specs (`spec/containers[]/image`, `spec/initContainers[]/image` and the same under
/// `spec/template/spec`) and then over every field named `containers` or `initContainers`
/// anywhere in the object (its legacy walk). An image at a field-spec path is rewritten twice
/// (which only shows with `tagSuffix`: `nginx:1` becomes `nginx:1-x-x`), one in another
/// `containers` field once, and one anywhere else — `ephemeralContainers`, an image volume's
/// `reference` — not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    FieldSpec,
    ContainersField,
    Elsewhere,
}

/// The image after every entry, in order. An entry whose name is not a valid expression
/// stops the build (`kubectl kustomize` crashes on it).
#[cfg(any(test, feature = "testing"))]
pub fn apply(
    entries: &[ImageEntry],
    image: &str,
    placement: Placement,
) -> Result<String, InvalidName> {
    let times = match placement {
        Placement::FieldSpec => 2,
        Placement::ContainersField => 1,
        Placement::Elsewhere => 0,
    };
    let mut image = image.to_string();
    for entry in entries {
        let matcher = entry.matcher()?;
        for _ in 0..times {
            if let Some(rewritten) = entry.rewrite(&matcher, &image) {
                image = rewritten;
            }
        }
    }
    Ok(image)
}

/// `image.Split`: name, tag and digest. A `:` before the first `/` is a registry port, not a
/// tag; the first `@` after it starts the digest.
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(c), Some(d)) if c < d => (
            image[..c].to_string(),
            image[c + 1..d].to_string(),
            image[d + 1..].to_string(),
        ),
        (_, Some(d)) => (
            image[..d].to_string(),
            String::new(),
            image[d + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..c].to_string(),
            image[c + 1..].to_string(),
            String::new(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> ImageEntry {
        ImageEntry {
            name: name.into(),
            ..ImageEntry::default()
        }
    }

    #[test]
    fn splits_like_kustomize() {
        let s = |image| {
            let (n, t, d) = split(image);
            format!("{n}|{t}|{d}")
        };
        assert_eq!(s("nginx"), "nginx||");
        assert_eq!(s("nginx:1.25"), "nginx|1.25|");
        assert_eq!(s("nginx@sha256:aa"), "nginx||sha256:aa");
        assert_eq!(s("nginx:1@sha256:aa"), "nginx|1|sha256:aa");
        assert_eq!(s("localhost:5000/app"), "localhost:5000/app||");
        assert_eq!(s("localhost:5000/app:1"), "localhost:5000/app|1|");
    }

    #[test]
    fn names_are_regular_expressions() {
        let e = entry("my.registry/app");
        let m = e.matcher().unwrap();
        assert!(m.is_match("myXregistry/app:1"));
        assert!(!m.is_match("my.registry/app-two:1"));
        assert!(entry("app[").matcher().is_err());
    }
}
