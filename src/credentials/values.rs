//! The credentials under a docker config's keys, decoded for `--online` only, in memory, into a
//! [`Credential`] that no output, log or cache can show.

use std::fmt;

use base64::Engine;

use super::keyring::RegistryKey;
use super::secret::{DOCKER_CFG, DOCKER_CONFIG_JSON, Payload};

/// A username and password for one registry key, held in memory for `--online` only. Its
/// `Debug` shows nothing of either, and nothing formats it anywhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(…)")
    }
}

/// The credentials of a docker config's entries, as the kubelet reads them
/// (`DockerConfigEntry.UnmarshalJSON`): `auth` when it decodes to `username:password`, else
/// `username` and `password`. Entries without either, and keys the kubelet ignores, are left
/// out; so is everything when the payload cannot be read (the static rules report why).
pub fn credentials<'p>(
    secret_type: &str,
    payload: impl FnOnce(&'static str) -> Option<Payload<'p>>,
) -> Vec<(RegistryKey, Credential)> {
    let key = match secret_type {
        DOCKER_CONFIG_JSON => ".dockerconfigjson",
        DOCKER_CFG => ".dockercfg",
        _ => return Vec::new(),
    };
    let bytes = match payload(key) {
        Some(Payload::Plain(text)) => text.as_bytes().to_vec(),
        Some(Payload::Base64(text)) => {
            let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
            match base64::engine::general_purpose::STANDARD.decode(compact.trim()) {
                Ok(bytes) => bytes,
                Err(_) => return Vec::new(),
            }
        }
        None => return Vec::new(),
    };
    config_credentials(&bytes, secret_type == DOCKER_CONFIG_JSON)
}

/// The credentials of a docker config's bytes: its `auths` object when `nested` (a
/// `.dockerconfigjson`, a `config.json`), else its top level (`.dockercfg`).
pub fn config_credentials(bytes: &[u8], nested: bool) -> Vec<(RegistryKey, Credential)> {
    let Ok(serde_json::Value::Object(config)) = serde_json::from_slice(bytes) else {
        return Vec::new();
    };
    let entries: Vec<(&String, &serde_json::Value)> = if nested {
        config
            .iter()
            .filter(|(field, _)| field.eq_ignore_ascii_case("auths"))
            .filter_map(|(_, value)| value.as_object())
            .flat_map(|map| map.iter())
            .collect()
    } else {
        config.iter().collect()
    };
    entries
        .into_iter()
        .filter_map(|(registry, entry)| {
            let key = RegistryKey::parse(registry)?;
            Some((key, entry_credential(entry)?))
        })
        .collect()
}

fn entry_credential(entry: &serde_json::Value) -> Option<Credential> {
    let fields = entry.as_object()?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if let Some(auth) = field("auth") {
        let compact: String = auth.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        let engine = base64::engine::general_purpose::STANDARD;
        let decoded = engine
            .decode(compact.trim())
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.trim()))
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (username, password) = text.split_once(':')?;
        return Some(Credential {
            username: username.to_string(),
            password: password.trim_end_matches('\n').to_string(),
        });
    }
    Some(Credential {
        username: field("username")?.to_string(),
        password: field("password").unwrap_or_default().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--online` reads the credentials too: from `auth`, else `username`/`password`; its
    /// `Debug` shows neither.
    #[test]
    fn credentials_are_decoded_in_memory_only() {
        let config = r#"{"auths": {"harbor.corp": {"auth": "dXNlcjpzM2NyZXQ="}, "quay.io": {"username": "robot", "password": "t0ken"}, "empty.corp": {}}}"#;
        let found = credentials(DOCKER_CONFIG_JSON, |_| Some(Payload::Plain(config)));
        let shown: Vec<(String, &str, &str)> = found
            .iter()
            .map(|(k, c)| (k.to_string(), c.username.as_str(), c.password.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("harbor.corp".to_string(), "user", "s3cret"),
                ("quay.io".to_string(), "robot", "t0ken")
            ]
        );
        let debug = format!("{found:?}");
        assert!(!debug.contains("s3cret") && !debug.contains("t0ken") && !debug.contains("robot"));
    }
}
