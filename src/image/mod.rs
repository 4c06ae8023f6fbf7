//! Container image references, parsed the way container runtimes and Kubernetes do
//! (`ParseNormalizedNamed` of the distribution/reference grammar), keeping the byte range of
//! every part so that a diagnostic can point inside the reference.
//!
//! ```text
//! reference := name [ ":" tag ] [ "@" digest ]
//! name      := [ domain "/" ] path          (domain: host [":" port], host: name | IPv4 | [IPv6])
//! path      := component ( "/" component )* (component: [a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*)
//! tag       := [\w][\w.-]{0,127}
//! digest    := algorithm ":" hex            (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
//! ```

mod parse;

use parse::*;

use std::fmt;
use std::ops::Range;

pub const DOCKER_HUB: &str = "docker.io";
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
/// distribution/reference's `NameTotalLengthMax`, checked on the repository path (the domain is
/// not counted), as normalised: `docker.io/nginx` has the path `library/nginx`.
const NAME_TOTAL_LENGTH_MAX: usize = 255;
const TAG_LENGTH_MAX: usize = 128;

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    raw: String,
    /// The registry as written (`None`: Docker Hub is implied).
    domain: Option<Range<usize>>,
    /// The repository path as written, without the domain.
    path: Range<usize>,
    tag: Option<Range<usize>>,
    digest: Option<Range<usize>>,
}

/// Why a reference does not parse, and which bytes of it are at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageError {
    pub kind: ImageErrorKind,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageErrorKind {
    Empty,
    /// `{{ .Values.image }}`, `${IMAGE}`, `$IMAGE`: a template that was never rendered.
    Unrendered,
    WhiteSpace,
    /// A bare 64-hex string is an image ID, not a reference.
    HexIdentifier,
    UppercaseRepository,
    EmptyPathComponent,
    InvalidPathCharacter(char),
    BadSeparator,
    InvalidDomain,
    TagTooLong,
    InvalidTag,
    InvalidDigest,
    UnsupportedDigestAlgorithm(String),
    DigestLength {
        algorithm: String,
        expected: usize,
    },
    NameTooLong(usize),
}

impl fmt::Display for ImageErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ImageErrorKind::*;
        match self {
            Empty => write!(f, "the image is empty"),
            Unrendered => write!(
                f,
                "this file looks like an unrendered template: lint the output of `helm template` (or envsubst)"
            ),
            WhiteSpace => write!(f, "an image reference cannot contain white space"),
            HexIdentifier => write!(
                f,
                "a 64-character hexadecimal string is an image ID, not a reference"
            ),
            UppercaseRepository => write!(f, "the repository name must be lowercase"),
            EmptyPathComponent => write!(f, "the repository has an empty path component"),
            InvalidPathCharacter(c) => write!(
                f,
                "{c:?} is not allowed in a repository name (lowercase letters, digits, `.`, `_`, `-` and `/`)"
            ),
            BadSeparator => write!(
                f,
                "separators (`.`, `_`, `__`, `-`) must stand between letters or digits"
            ),
            InvalidDomain => write!(
                f,
                "the registry host is not a valid host name, IP address or port"
            ),
            TagTooLong => write!(f, "the tag is longer than {TAG_LENGTH_MAX} characters"),
            InvalidTag => write!(
                f,
                "the tag must start with a letter, digit or `_` and hold only letters, digits, `_`, `.` and `-`"
            ),
            InvalidDigest => write!(
                f,
                "the digest must be `algorithm:hex`, e.g. `sha256:` and 64 hex digits"
            ),
            UnsupportedDigestAlgorithm(a) => write!(
                f,
                "unsupported digest algorithm `{a}` (sha256, sha384 or sha512)"
            ),
            DigestLength {
                algorithm,
                expected,
            } => write!(
                f,
                "a {algorithm} digest has exactly {expected} lowercase hex digits"
            ),
            NameTooLong(n) => write!(
                f,
                "the repository path is {n} characters long; the limit is {NAME_TOTAL_LENGTH_MAX}"
            ),
        }
    }
}

impl ImageRef {
    pub fn parse(raw: &str) -> Result<ImageRef, ImageError> {
        parse(raw)
    }

    /// The reference as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The registry host (and port), normalised: Docker Hub is `docker.io`.
    pub fn domain(&self) -> &str {
        match &self.domain {
            None => DOCKER_HUB,
            Some(r) if &self.raw[r.clone()] == LEGACY_DOCKER_HUB => DOCKER_HUB,
            Some(r) => &self.raw[r.clone()],
        }
    }

    /// The registry as written, if it was.
    pub fn written_domain(&self) -> Option<&str> {
        self.domain.clone().map(|r| &self.raw[r])
    }

    /// The repository path, normalised: a single Docker Hub component gets `library/`.
    pub fn path(&self) -> String {
        let path = &self.raw[self.path.clone()];
        if self.domain() == DOCKER_HUB && !path.contains('/') {
            format!("{OFFICIAL_REPO_PREFIX}{path}")
        } else {
            path.to_string()
        }
    }

    /// `domain/path`, e.g. `docker.io/library/nginx`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain(), self.path())
    }

    /// The name exactly as written (domain included when it was written).
    pub fn written_name(&self) -> &str {
        let start = self.domain.as_ref().map_or(self.path.start, |d| d.start);
        &self.raw[start..self.path.end]
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.clone().map(|r| &self.raw[r])
    }

    pub fn digest(&self) -> Option<&str> {
        self.digest.clone().map(|r| &self.raw[r])
    }

    /// Byte range of `:tag` (colon included) in the written reference.
    pub fn tag_range(&self) -> Option<Range<usize>> {
        self.tag.clone().map(|r| r.start - 1..r.end)
    }

    /// The full normalised reference, e.g. `docker.io/library/nginx:1.25@sha256:…`.
    pub fn normalized(&self) -> String {
        let mut out = self.name();
        if let Some(tag) = self.tag() {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = self.digest() {
            out.push('@');
            out.push_str(digest);
        }
        out
    }

    /// Kubernetes' rule: a reference with neither tag nor digest means `:latest`.
    pub fn is_untagged(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// Whether a string still holds Helm (`{{ … }}`) or envsubst (`${VAR}`, `$VAR`) templating.
pub fn looks_unrendered(raw: &str) -> bool {
    raw.contains("{{")
        || raw
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'$' && (w[1] == b'{' || w[1] == b'_' || w[1].is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests;
