//! The grammar of distribution/reference (`ParseNormalizedNamed`): each part checked as it is
//! there, with the error it gets.

use super::*;

pub(super) fn error(kind: ImageErrorKind, range: Range<usize>) -> Result<ImageRef, ImageError> {
    Err(ImageError { kind, range })
}

pub(super) fn parse(raw: &str) -> Result<ImageRef, ImageError> {
    use ImageErrorKind::*;
    let whole = 0..raw.len();
    if raw.is_empty() {
        return error(Empty, whole);
    }
    if looks_unrendered(raw) {
        return error(Unrendered, whole);
    }
    if let Some(at) = raw.find(char::is_whitespace) {
        let width = raw[at..].chars().next().map_or(1, char::len_utf8);
        return error(WhiteSpace, at..at + width);
    }
    if raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return error(HexIdentifier, whole);
    }

    let (name_and_tag_end, digest) = match raw.find('@') {
        Some(at) => (at, Some(at + 1..raw.len())),
        None => (raw.len(), None),
    };
    let name_and_tag = &raw[..name_and_tag_end];
    let last_slash = name_and_tag.rfind('/');
    let (name_end, tag) = match name_and_tag.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
            (colon, Some(colon + 1..name_and_tag_end))
        }
        _ => (name_and_tag_end, None),
    };
    let name = &raw[..name_end];

    // Kubernetes' split: the first component is a registry only when it looks like a host.
    let domain = match name.find('/') {
        Some(slash) => {
            let first = &name[..slash];
            let is_host = first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase());
            is_host.then_some(0..slash)
        }
        None => None,
    };
    let path = domain.as_ref().map_or(0, |d| d.end + 1)..name_end;

    // distribution/reference: a first component that is not a valid host but is a valid path
    // component (`my_registry.com`) makes the whole name a path with an empty domain. The
    // kubelet's keyring and the runtime still take that component as the host to contact.
    if let Some(d) = domain.as_ref().filter(|d| {
        let first = &raw[(*d).clone()];
        !is_valid_domain(first) && check_component(first).is_err()
    }) {
        return error(InvalidDomain, d.clone());
    }
    check_path(raw, path.clone())?;
    if let Some(t) = &tag {
        check_tag(raw, t.clone())?;
    }
    if let Some(d) = &digest {
        check_digest(raw, d.clone())?;
    }
    let parsed = ImageRef {
        raw: raw.to_string(),
        domain,
        path,
        tag,
        digest,
    };
    let name_length = parsed.path().len();
    if name_length > NAME_TOTAL_LENGTH_MAX {
        return error(NameTooLong(name_length), 0..name_end);
    }
    Ok(parsed)
}

pub(super) fn check_path(raw: &str, path: Range<usize>) -> Result<(), ImageError> {
    use ImageErrorKind::*;
    let mut component_start = path.start;
    for component in raw[path.clone()].split('/') {
        let range = component_start..component_start + component.len();
        component_start = range.end + 1;
        if component.is_empty() {
            return Err(ImageError {
                kind: EmptyPathComponent,
                range: range.start.saturating_sub(1)..range.end.max(range.start + 1).min(raw.len()),
            });
        }
        if component.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(ImageError {
                kind: UppercaseRepository,
                range: path,
            });
        }
        check_component(component).map_err(|(kind, at)| ImageError {
            kind,
            range: range.start + at..range.start + at + 1,
        })?;
    }
    Ok(())
}

/// `[a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*`; on failure, the error and its byte index.
pub(super) fn check_component(component: &str) -> Result<(), (ImageErrorKind, usize)> {
    let bytes = component.as_bytes();
    let mut i = 0;
    let mut expect_alnum = true;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            expect_alnum = false;
            i += 1;
            continue;
        }
        let separator_len = match b {
            b'.' => 1,
            b'_' if bytes.get(i + 1) == Some(&b'_') => 2,
            b'_' => 1,
            b'-' => bytes[i..].iter().take_while(|&&c| c == b'-').count(),
            _ => {
                let c = component[i..].chars().next().unwrap_or('?');
                return Err((ImageErrorKind::InvalidPathCharacter(c), i));
            }
        };
        if expect_alnum {
            return Err((ImageErrorKind::BadSeparator, i));
        }
        i += separator_len;
        expect_alnum = true;
    }
    if expect_alnum {
        return Err((ImageErrorKind::BadSeparator, bytes.len().saturating_sub(1)));
    }
    Ok(())
}

/// `host [":" port]`, host being a DNS name (or IPv4 address) or a bracketed IPv6 address.
pub fn is_valid_domain(domain: &str) -> bool {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some(close) = rest.find(']') else {
            return false;
        };
        let ipv6 = &rest[..close];
        if ipv6.is_empty() || !ipv6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        match &rest[close + 1..] {
            "" => return true,
            after => match after.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match domain.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (domain, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    domain.starts_with('[') || (!host.is_empty() && host.split('.').all(is_domain_component))
}

pub(super) fn is_domain_component(c: &str) -> bool {
    let b = c.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
}

pub(super) fn check_tag(raw: &str, tag: Range<usize>) -> Result<(), ImageError> {
    let text = &raw[tag.clone()];
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let valid = text.bytes().next().is_some_and(is_word)
        && text.bytes().all(|b| is_word(b) || b == b'.' || b == b'-');
    if !valid {
        return Err(ImageError {
            kind: ImageErrorKind::InvalidTag,
            range: tag.start.saturating_sub(1)..tag.end,
        });
    }
    if text.len() > TAG_LENGTH_MAX {
        return Err(ImageError {
            kind: ImageErrorKind::TagTooLong,
            range: tag,
        });
    }
    Ok(())
}

pub(super) fn check_digest(raw: &str, digest: Range<usize>) -> Result<(), ImageError> {
    use ImageErrorKind::*;
    let text = &raw[digest.clone()];
    let fail = |kind| {
        Err(ImageError {
            kind,
            range: digest.start.saturating_sub(1)..digest.end,
        })
    };
    let Some((algorithm, hex)) = text.split_once(':') else {
        return fail(InvalidDigest);
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '-', '_']).all(|c| {
            c.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && c.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if !algorithm_ok || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail(InvalidDigest);
    }
    let expected = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        other => return fail(UnsupportedDigestAlgorithm(other.to_string())),
    };
    if hex.len() != expected || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return fail(DigestLength {
            algorithm: algorithm.to_string(),
            expected,
        });
    }
    Ok(())
}
