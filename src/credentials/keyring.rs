//! Which registry keys of a docker config the kubelet uses for an image, as its credential
//! keyring decides (`pkg/credentialprovider/keyring.go`, `BasicDockerKeyring`):
//!
//! - a key is read as a URL, `https://` assumed when it has no scheme; a path starting with
//!   `/v1/` or `/v2/` loses that prefix, so `https://index.docker.io/v1/` is `index.docker.io`;
//! - it matches the image's normalised name (`docker.io/library/nginx`, `registry:5000/app`) when
//!   the ports are equal (both absent counts as equal), the hosts have as many dot-separated
//!   labels and each label matches as a glob (`*.azurecr.io`), and the key's path is a string
//!   prefix of the image's path;
//! - failing any match, a key that is exactly `index.docker.io` serves Docker Hub images.
//!
//! Only the keys are ever kept: never the credentials under them.

use std::fmt;

/// One registry key of a pull secret, parsed as the kubelet parses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryKey {
    /// The key as shown to users: without scheme and without any `user:password@`.
    display: String,
    /// `host[:port]` then the effective path: what the kubelet indexes.
    indexed: String,
}

const DOCKER_HUB_FALLBACK_KEY: &str = "index.docker.io";

impl RegistryKey {
    /// Parses a key; `None` for one the kubelet would ignore as an invalid URL.
    pub fn parse(key: &str) -> Option<RegistryKey> {
        let without_scheme = key
            .strip_prefix("https://")
            .or_else(|| key.strip_prefix("http://"))
            .unwrap_or(key);
        if without_scheme.contains(char::is_whitespace) || without_scheme.contains("://") {
            return None;
        }
        let url = SchemelessUrl::parse(without_scheme);
        let path = match url.path {
            p if p.starts_with("/v1/") || p.starts_with("/v2/") => &p[3..],
            p => p,
        };
        let indexed = if !path.is_empty() && path != "/" {
            format!("{}{path}", url.host)
        } else {
            url.host.to_string()
        };
        Some(RegistryKey {
            display: indexed.clone(),
            indexed,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// Whether the kubelet uses this key for an image, given its normalised name
    /// ([`crate::image::ImageRef::name`]), before the Docker Hub fallback.
    pub fn matches(&self, image_name: &str) -> bool {
        let key = SchemelessUrl::parse(&self.indexed);
        let image = SchemelessUrl::parse(image_name);
        let (key_labels, key_port) = key.split_host();
        let (image_labels, image_port) = image.split_host();
        key_port == image_port
            && key_labels.len() == image_labels.len()
            && image.path.starts_with(key.path)
            && key_labels
                .iter()
                .zip(&image_labels)
                .all(|(pattern, label)| glob_match(pattern, label))
    }

    fn is_docker_hub_fallback(&self) -> bool {
        self.indexed == DOCKER_HUB_FALLBACK_KEY
    }
}

impl fmt::Display for RegistryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// The first key the kubelet would use for an image, if any. `image_name` is the normalised name.
pub fn lookup<'k>(
    keys: impl IntoIterator<Item = &'k RegistryKey> + Clone,
    image_name: &str,
) -> Option<&'k RegistryKey> {
    keys.clone()
        .into_iter()
        .find(|k| k.matches(image_name))
        .or_else(|| {
            is_default_registry_match(image_name)
                .then(|| keys.into_iter().find(|k| k.is_docker_hub_fallback()))
                .flatten()
        })
}

/// keyring.go's `isDefaultRegistryMatch`: whether an image name pulls from Docker Hub.
fn is_default_registry_match(image_name: &str) -> bool {
    match image_name.split_once('/') {
        None => !image_name.is_empty(),
        Some(("", _)) => false,
        Some((first, _)) if first == "docker.io" || first == "index.docker.io" => true,
        Some((first, _)) => !first.contains(['.', ':']),
    }
}

/// `host[:port]` and path of a URL without scheme, the parts Go's `url.Parse` gives the kubelet.
struct SchemelessUrl<'a> {
    host: &'a str,
    path: &'a str,
}

impl<'a> SchemelessUrl<'a> {
    fn parse(text: &'a str) -> Self {
        let text = text.split(['?', '#']).next().unwrap_or(text);
        let (authority, path) = match text.find('/') {
            Some(slash) => (&text[..slash], &text[slash..]),
            None => (text, ""),
        };
        // `user:password@host`: the host is what follows the last `@`.
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        SchemelessUrl { host, path }
    }

    /// Go's `net.SplitHostPort`, falling back to the whole host without a port when it fails,
    /// then the host split into labels at dots.
    fn split_host(&self) -> (Vec<&'a str>, &'a str) {
        let (host, port) = split_host_port(self.host).unwrap_or((self.host, ""));
        (host.split('.').collect(), port)
    }
}

fn split_host_port(hostport: &str) -> Option<(&str, &str)> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':')?;
        return Some((host, port));
    }
    let (host, port) = hostport.rsplit_once(':')?;
    if host.contains(':') {
        return None;
    }
    Some((host, port))
}

/// Go's `filepath.Match` on one host label: `*`, `?` and `[...]` classes.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
            continue;
        }
        if pi < p.len() {
            if let Some((matched, next)) = match_one(&p, pi, t[ti]) {
                if matched {
                    pi = next;
                    ti += 1;
                    continue;
                }
            } else {
                return false; // a malformed class: Go reports ErrBadPattern, the kubelet no match
            }
        }
        match star {
            Some((star_pi, star_ti)) => {
                pi = star_pi + 1;
                ti = star_ti + 1;
                star = Some((star_pi, star_ti + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches one pattern element at `pi` against `c`: `Some((matched, next pattern index))`, or
/// `None` for a malformed class.
fn match_one(p: &[char], pi: usize, c: char) -> Option<(bool, usize)> {
    match p[pi] {
        '?' => Some((true, pi + 1)),
        '\\' if pi + 1 < p.len() => Some((p[pi + 1] == c, pi + 2)),
        '[' => {
            let mut i = pi + 1;
            let negated = p.get(i) == Some(&'^');
            if negated {
                i += 1;
            }
            let mut matched = false;
            let mut first = true;
            loop {
                let lo = *p.get(i)?;
                if lo == ']' && !first {
                    return Some((matched != negated, i + 1));
                }
                first = false;
                let hi = if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&h| h != ']') {
                    i += 2;
                    p[i]
                } else {
                    lo
                };
                if lo <= c && c <= hi {
                    matched = true;
                }
                i += 1;
            }
        }
        literal => Some((literal == c, pi + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(registry key, normalised image name, whether the kubelet uses the key)`.
    const CASES: &[(&str, &str, bool)] = &[
        // Plain hosts, with and without scheme or API version path.
        ("harbor.corp", "harbor.corp/team/app", true),
        ("https://harbor.corp", "harbor.corp/team/app", true),
        ("http://harbor.corp/", "harbor.corp/team/app", true),
        ("https://harbor.corp/v2/", "harbor.corp/team/app", true),
        ("harbor.corp/v1/", "harbor.corp/team/app", true),
        ("harbor.corp", "other.corp/team/app", false),
        ("harbor.corp", "sub.harbor.corp/app", false),
        // Ports must be equal, absent on both sides included.
        ("harbor.corp:8443", "harbor.corp:8443/app", true),
        ("harbor.corp", "harbor.corp:8443/app", false),
        ("harbor.corp:8443", "harbor.corp/app", false),
        ("harbor.corp:8443", "harbor.corp:9443/app", false),
        ("10.0.0.5:5000", "10.0.0.5:5000/tools/shell", true),
        ("[fd00::1]:5000", "[fd00::1]:5000/app", true),
        ("localhost:5000", "localhost:5000/app", true),
        // Wildcards stand for one whole label each.
        ("*.azurecr.io", "myacr.azurecr.io/app", true),
        ("*.azurecr.io", "azurecr.io/app", false),
        ("*.azurecr.io", "a.b.azurecr.io/app", false),
        ("*.*.io", "myacr.azurecr.io/app", true),
        // `?` would be a glob, but in a URL it starts the query: the host is `reg-`.
        ("reg-?.corp", "reg-1.corp/app", false),
        ("reg-[0-9].corp", "reg-7.corp/app", true),
        ("reg-[^0-9].corp", "reg-7.corp/app", false),
        (
            "https://*.dkr.ecr.us-east-1.amazonaws.com",
            "1234.dkr.ecr.us-east-1.amazonaws.com/app",
            true,
        ),
        // A path in the key must prefix the repository path, as a string.
        ("quay.io/team", "quay.io/team/app", true),
        ("https://quay.io/team/", "quay.io/team/app", true),
        ("quay.io/team", "quay.io/other/app", false),
        ("quay.io/team", "quay.io/teamwork/app", true),
        ("https://quay.io/v2/team", "quay.io/team/app", true),
        // Docker Hub: `docker.io` matches directly, `index.docker.io` through the fallback.
        ("docker.io", "docker.io/library/nginx", true),
        (
            "https://index.docker.io/v1/",
            "docker.io/library/nginx",
            true,
        ),
        ("index.docker.io", "docker.io/bitnami/redis", true),
        ("index.docker.io/v1/", "docker.io/bitnami/redis", true),
        ("docker.io/bitnami", "docker.io/bitnami/redis", true),
        ("docker.io/bitnami", "docker.io/library/nginx", false),
        ("index.docker.io", "quay.io/org/app", false),
        // keyring.go has no rule for `registry-1.docker.io`: the host has three labels to
        // `docker.io`'s two, and it is not the fallback key.
        ("registry-1.docker.io", "docker.io/library/nginx", false),
        (
            "https://registry-1.docker.io/v2/",
            "docker.io/library/nginx",
            false,
        ),
        // userinfo in a key is never part of the match (nor of what is shown).
        ("https://robot:hunter2@harbor.corp", "harbor.corp/app", true),
    ];

    #[test]
    fn kubelet_matching_table() {
        for &(key, image, expected) in CASES {
            let parsed = RegistryKey::parse(key).unwrap_or_else(|| panic!("{key} parses"));
            let found = lookup([&parsed], image).is_some();
            assert_eq!(found, expected, "key {key:?} for image {image:?}");
        }
    }

    #[test]
    fn keys_are_shown_without_scheme_or_credentials() {
        let key = RegistryKey::parse("https://robot:hunter2@harbor.corp/v2/").unwrap();
        assert_eq!(key.to_string(), "harbor.corp");
        assert!(RegistryKey::parse("not a url").is_none());
    }
}
