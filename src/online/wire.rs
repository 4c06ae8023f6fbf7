//! What the registry protocol's texts say: answers, error bodies, index platforms,
//! `WWW-Authenticate` challenges, redirects, and which hosts are the local machine.

use ureq::http::Response;

/// The largest manifest or token answer read.
pub(super) const BODY_LIMIT: u64 = 4 << 20;

/// An HTTP answer, reduced to what the checks read.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) digest: Option<String>,
    pub(super) content_type: String,
    pub(super) challenge: Option<String>,
    pub(super) retry_after: Option<u64>,
    pub(super) location: Option<String>,
    pub(super) body: Vec<u8>,
}

/// `errors[0].code` of a distribution error body.
pub(super) fn error_code(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(
        json.get("errors")?
            .get(0)?
            .get("code")?
            .as_str()?
            .to_string(),
    )
}

/// The platforms of an index, as `os/architecture[/variant]`.
pub(super) fn index_platforms(body: &[u8]) -> Vec<String> {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let mut platforms: Vec<String> = json
        .get("manifests")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let platform = m.get("platform")?;
            let os = platform.get("os")?.as_str()?;
            let arch = platform.get("architecture")?.as_str()?;
            Some(match platform.get("variant").and_then(|v| v.as_str()) {
                Some(variant) => format!("{os}/{arch}/{variant}"),
                None => format!("{os}/{arch}"),
            })
        })
        .filter(|p| p != "unknown/unknown")
        .collect();
    platforms.sort();
    platforms.dedup();
    platforms
}

/// Whether an index platform serves a wanted one (`linux/arm64` is served by `linux/arm64/v8`).
pub(super) fn covers(have: &str, wanted: &str) -> bool {
    have == wanted || have.starts_with(&format!("{wanted}/"))
}

/// A parameter of a `WWW-Authenticate` challenge (`realm="…",service="…"`).
pub(super) fn challenge_param(params: &str, name: &str) -> Option<String> {
    let mut rest = params;
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().trim_start_matches(',').trim();
        let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value.to_string());
        }
        rest = after.trim_start_matches(',');
    }
    None
}

pub(super) fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub(super) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_string()
}

/// Whether a host (with or without port) is the local machine: plain HTTP is allowed there.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    name == "localhost"
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A redirect's `Location`, made absolute against the URL it answered.
pub(super) fn resolve(url: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split('/').next().unwrap_or(rest);
    if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let base = url.rsplit_once('/').map_or(url, |(b, _)| b);
        format!("{base}/{location}")
    }
}

/// Whether a redirect keeps the scheme or goes from HTTP to HTTPS: never HTTPS to HTTP with
/// credentials.
pub(super) fn same_scheme_or_upgrade(from: &str, to: &str) -> bool {
    from.starts_with("https://") == to.starts_with("https://") || to.starts_with("https://")
}

pub(super) fn answer(mut response: Response<ureq::Body>) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let status = response.status().as_u16();
    let digest = header("docker-content-digest");
    let content_type = header("content-type").unwrap_or_default();
    let challenge = header("www-authenticate");
    let retry_after = header("retry-after").and_then(|v| v.trim().parse().ok());
    let location = header("location");
    let body = response
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec()
        .unwrap_or_default();
    Answer {
        status,
        digest,
        content_type,
        challenge,
        retry_after,
        location,
        body,
    }
}

/// Why a request got no answer, without the URL's query (a token request carries none of the
/// credentials, but stays short anyway).
pub(super) fn describe_error(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "the registry did not answer in time".into(),
        ureq::Error::HostNotFound => "the registry's host name does not resolve".into(),
        ureq::Error::ConnectionFailed => "the connection to the registry failed".into(),
        ureq::Error::Io(e) => format!("the connection failed: {e}"),
        other => {
            let text = other.to_string();
            format!("no answer: {}", text.split('?').next().unwrap_or(&text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_and_hosts() {
        let params = r#"realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#;
        assert_eq!(
            challenge_param(params, "realm").as_deref(),
            Some("https://auth.docker.io/token")
        );
        assert_eq!(
            challenge_param(params, "scope").as_deref(),
            Some("repository:library/nginx:pull")
        );
        assert_eq!(
            challenge_param("realm=x,service=y", "service").as_deref(),
            Some("y")
        );
        assert!(
            is_loopback("127.0.0.1:5000") && is_loopback("localhost") && is_loopback("[::1]:80")
        );
        assert!(!is_loopback("registry.corp:5000") && !is_loopback("10.0.0.1"));
        assert_eq!(host_of("https://u@auth.corp:8443/token"), "auth.corp:8443");
        assert!(covers("linux/arm64/v8", "linux/arm64") && !covers("linux/arm", "linux/arm64"));
    }
}
