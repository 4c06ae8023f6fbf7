//! Reading the registry keys out of a pull Secret. The payload is decoded only to list the keys
//! of its `auths`; the credentials under them are dropped unread and never leave this module —
//! except for `--online`, which asks registries with them (`super::values`).

use std::fmt;

use base64::Engine;

use super::keyring::RegistryKey;
pub use super::values::{Credential, config_credentials, credentials};

pub const DOCKER_CONFIG_JSON: &str = "kubernetes.io/dockerconfigjson";
pub const DOCKER_CFG: &str = "kubernetes.io/dockercfg";

/// Why a Secret cannot serve image pulls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretProblem {
    /// The type is not one of the two docker types (`Opaque` when none is written).
    WrongType(String),
    /// The type's key (`.dockerconfigjson` or `.dockercfg`) is in neither `data` nor `stringData`.
    MissingKey(&'static str),
    NotBase64(&'static str),
    NotJson(&'static str),
    /// A `.dockerconfigjson` without an `auths` object.
    NoAuths,
    /// The API server accepts it, but the kubelet cannot unmarshal it into its docker config
    /// (`MakeDockerKeyring`): every pull of a pod it reaches fails. Says why, never a value.
    Undecodable(String),
}

impl SecretProblem {
    /// What happens to a pod that references a Secret with this problem.
    pub fn consequence(&self) -> &'static str {
        match self {
            SecretProblem::WrongType(_) | SecretProblem::NoAuths => {
                "The kubelet takes no credentials from it, so pulls that need them go out \
                 anonymously and fail with Unauthorized."
            }
            SecretProblem::MissingKey(_)
            | SecretProblem::NotBase64(_)
            | SecretProblem::NotJson(_) => {
                "The API server rejects this Secret (`ValidateSecret`), so `kubectl apply` of it \
                 fails first; the pod then finds no such Secret and pulls without it."
            }
            SecretProblem::Undecodable(_) => {
                "The API server accepts it, but the kubelet cannot decode it (`MakeDockerKeyring` \
                 fails before any pull), so every image pull of a pod it reaches fails, public \
                 images included."
            }
        }
    }
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretProblem::WrongType(t) => write!(
                f,
                "its type is `{t}`, not `{DOCKER_CONFIG_JSON}` or `{DOCKER_CFG}`"
            ),
            SecretProblem::MissingKey(key) => {
                write!(f, "it has no `{key}` in `data` or `stringData`")
            }
            SecretProblem::NotBase64(key) => write!(f, "its `data.{key}` is not valid base64"),
            SecretProblem::NotJson(key) => write!(f, "its `{key}` is not a JSON object"),
            SecretProblem::NoAuths => write!(f, "its `.dockerconfigjson` has no `auths` object"),
            SecretProblem::Undecodable(why) => write!(f, "the kubelet cannot decode it: {why}"),
        }
    }
}

/// What the payload of a Secret's key was found as.
pub enum Payload<'a> {
    /// From `stringData`: plain text.
    Plain(&'a str),
    /// From `data`: base64.
    Base64(&'a str),
}

/// The registry keys of a pull Secret of type `secret_type`, whose type key (`.dockerconfigjson`
/// or `.dockercfg`) holds `payload`.
pub fn registry_keys<'p>(
    secret_type: &str,
    payload: impl FnOnce(&'static str) -> Option<Payload<'p>>,
) -> Result<Vec<RegistryKey>, SecretProblem> {
    let key = match secret_type {
        DOCKER_CONFIG_JSON => ".dockerconfigjson",
        DOCKER_CFG => ".dockercfg",
        other => return Err(SecretProblem::WrongType(other.to_string())),
    };
    let bytes = match payload(key).ok_or(SecretProblem::MissingKey(key))? {
        Payload::Plain(text) => text.as_bytes().to_vec(),
        Payload::Base64(text) => {
            // Go's base64 decoder, which the API server uses, skips line breaks.
            let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact.trim())
                .map_err(|_| SecretProblem::NotBase64(key))?
        }
    };
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| SecretProblem::NotJson(key))?;
    // The API server only checks that the payload is a JSON object (`ValidateSecret`).
    let serde_json::Value::Object(config) = &json else {
        return Err(SecretProblem::NotJson(key));
    };
    let entries = if secret_type == DOCKER_CONFIG_JSON {
        // `DockerConfigJSON{Auths, HttpHeaders}`: Go matches field names case-insensitively
        // and merges every key that names the same map.
        let mut auths = Vec::new();
        let mut found = false;
        for (field, value) in config {
            if field.eq_ignore_ascii_case("auths") {
                found = true;
                match value {
                    serde_json::Value::Object(map) => auths.extend(map.iter()),
                    serde_json::Value::Null => {}
                    _ => return Err(undecodable("`auths` is not an object")),
                }
            } else if field.eq_ignore_ascii_case("HttpHeaders") && !is_string_map(value) {
                return Err(undecodable("`HttpHeaders` is not an object of strings"));
            }
        }
        if !found {
            return Err(SecretProblem::NoAuths);
        }
        auths
    } else {
        config.iter().collect()
    };
    let mut keys = Vec::new();
    for (registry, entry) in entries {
        check_entry(registry, entry)?;
        if let Some(parsed) = RegistryKey::parse(registry) {
            keys.push(parsed);
        }
    }
    Ok(keys)
}

fn undecodable(why: impl Into<String>) -> SecretProblem {
    SecretProblem::Undecodable(why.into())
}

fn is_string_map(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Object(map) => map
            .values()
            .all(|v| matches!(v, serde_json::Value::String(_) | serde_json::Value::Null)),
        _ => false,
    }
}

/// Checks one registry entry as `DockerConfigEntry.UnmarshalJSON` reads it
/// (`pkg/credentialprovider/config.go`): an object (or null) whose `username`, `password`,
/// `email` and `auth` (any letter case) are strings, and whose `auth`, when not empty, decodes
/// with `decodeDockerConfigFieldAuth`. The decoded bytes are looked at for a `:` and dropped.
fn check_entry(registry: &str, entry: &serde_json::Value) -> Result<(), SecretProblem> {
    let fields = match entry {
        serde_json::Value::Null => return Ok(()),
        serde_json::Value::Object(fields) => fields,
        _ => {
            return Err(undecodable(format!(
                "the entry for `{registry}` is not an object"
            )));
        }
    };
    let mut auth = None;
    for (field, value) in fields {
        let known = ["username", "password", "email", "auth"]
            .into_iter()
            .find(|k| field.eq_ignore_ascii_case(k));
        let Some(known) = known else {
            continue;
        };
        match value {
            serde_json::Value::String(text) if known == "auth" => auth = Some(text.as_str()),
            serde_json::Value::String(_) | serde_json::Value::Null => {}
            _ => {
                return Err(undecodable(format!(
                    "the `{known}` of `{registry}` is not a string"
                )));
            }
        }
    }
    match auth.filter(|a| !a.is_empty()).map(decode_auth) {
        None | Some(AuthField::UserAndPassword) => Ok(()),
        Some(AuthField::NotBase64) => Err(undecodable(format!(
            "the `auth` of `{registry}` is not base64"
        ))),
        Some(AuthField::NoColon) => Err(undecodable(format!(
            "the `auth` of `{registry}` does not decode to `username:password`"
        ))),
    }
}

enum AuthField {
    UserAndPassword,
    NotBase64,
    NoColon,
}

/// `decodeDockerConfigFieldAuth`: padded base64 when the trimmed field ends in `=`, unpadded
/// otherwise (Go's decoders skip CR and LF, and accept non-zero trailing bits), then a `:`.
fn decode_auth(field: &str) -> AuthField {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    let padded = field.trim().ends_with('=');
    let config = GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(if padded {
            DecodePaddingMode::RequireCanonical
        } else {
            DecodePaddingMode::RequireNone
        });
    let engine = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let compact: String = field
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    match engine.decode(compact) {
        Ok(decoded) if decoded.contains(&b':') => AuthField::UserAndPassword,
        Ok(_) => AuthField::NoColon,
        Err(_) => AuthField::NotBase64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    fn keys(result: Result<Vec<RegistryKey>, SecretProblem>) -> Vec<String> {
        result.unwrap().iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn dockerconfigjson_from_data_and_string_data() {
        let config = r#"{"auths": {"https://harbor.corp/v2/": {"auth": "dXNlcjpzZWNyZXQ="}, "quay.io": {}}}"#;
        let data = b64(config);
        let from_data = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Base64(&data)));
        assert_eq!(keys(from_data), vec!["harbor.corp", "quay.io"]);
        let from_plain = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Plain(config)));
        assert_eq!(keys(from_plain), vec!["harbor.corp", "quay.io"]);
    }

    #[test]
    fn dockercfg_uses_top_level_keys() {
        let data = b64(r#"{"registry.corp:5000": {"auth": "dXNlcjpwYXNz"}}"#);
        let result = registry_keys(DOCKER_CFG, |key| {
            assert_eq!(key, ".dockercfg");
            Some(Payload::Base64(&data))
        });
        assert_eq!(keys(result), vec!["registry.corp:5000"]);
    }

    #[test]
    fn wrapped_base64_decodes() {
        let data = b64(r#"{"auths": {"harbor.corp": {}}}"#);
        let wrapped = format!("{}\n{}", &data[..10], &data[10..]);
        let result = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Base64(&wrapped)));
        assert_eq!(keys(result), vec!["harbor.corp"]);
    }

    #[test]
    fn problems() {
        use SecretProblem::*;
        let none = |_| None;
        assert_eq!(
            registry_keys("Opaque", none),
            Err(WrongType("Opaque".into()))
        );
        assert_eq!(
            registry_keys(DOCKER_CONFIG_JSON, none),
            Err(MissingKey(".dockerconfigjson"))
        );
        let bad = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Base64("%%%")));
        assert_eq!(bad, Err(NotBase64(".dockerconfigjson")));
        let not_json = b64("user:password");
        let bad = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Base64(&not_json)));
        assert_eq!(bad, Err(NotJson(".dockerconfigjson")));
        let no_auths = registry_keys(DOCKER_CONFIG_JSON, |_| {
            Some(Payload::Plain(r#"{"harbor.corp": {}}"#))
        });
        assert_eq!(no_auths, Err(NoAuths));
        let array = registry_keys(DOCKER_CFG, |_| Some(Payload::Plain("[1]")));
        assert_eq!(array, Err(NotJson(".dockercfg")));
    }

    fn plain(config: &str) -> Result<Vec<RegistryKey>, SecretProblem> {
        registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Plain(config)))
    }

    /// What `json.Unmarshal` into `credentialprovider.DockerConfigJSON` fails on
    /// (`pkg/credentialprovider/config.go`: `DockerConfigEntry.UnmarshalJSON`,
    /// `decodeDockerConfigFieldAuth`), which makes `MakeDockerKeyring` fail for the pod.
    #[test]
    fn what_the_kubelet_cannot_decode() {
        let why = |config: &str| match plain(config) {
            Err(SecretProblem::Undecodable(why)) => why,
            other => panic!("{config}: {other:?}"),
        };
        assert_eq!(why(r#"{"auths": []}"#), "`auths` is not an object");
        assert_eq!(why(r#"{"auths": "x"}"#), "`auths` is not an object");
        assert_eq!(
            why(r#"{"auths": {"r.io": "dXNlcjpwYXNz"}}"#),
            "the entry for `r.io` is not an object"
        );
        assert_eq!(
            why(r#"{"auths": {"r.io": {"auth": "%%%"}}}"#),
            "the `auth` of `r.io` is not base64"
        );
        // base64 of "userpass": no colon.
        assert_eq!(
            why(r#"{"auths": {"r.io": {"auth": "dXNlcnBhc3M="}}}"#),
            "the `auth` of `r.io` does not decode to `username:password`"
        );
        assert_eq!(
            why(r#"{"auths": {"r.io": {"username": 1}}}"#),
            "the `username` of `r.io` is not a string"
        );
        assert_eq!(
            why(r#"{"auths": {"r.io": {}}, "HttpHeaders": {"X": 1}}"#),
            "`HttpHeaders` is not an object of strings"
        );
        let cfg = registry_keys(DOCKER_CFG, |_| Some(Payload::Plain(r#"{"r.io": 5}"#)));
        assert!(matches!(cfg, Err(SecretProblem::Undecodable(_))));
    }

    #[test]
    fn what_the_kubelet_decodes() {
        // Padded and unpadded `auth` (base64 of "user:pass" and of "user:pa"), a wrapped one,
        // null entries and fields, unknown fields, an empty `auth`.
        for config in [
            r#"{"auths": {"r.io": {"auth": "dXNlcjpwYXNz"}}}"#,
            r#"{"auths": {"r.io": {"auth": "dXNlcjpwYQ=="}}}"#,
            r#"{"auths": {"r.io": {"auth": "dXNlcjpwYQ"}}}"#,
            "{\"auths\": {\"r.io\": {\"auth\": \"dXNl\\ncjpwYXNz\"}}}",
            r#"{"auths": {"r.io": null}}"#,
            r#"{"auths": {"r.io": {"auth": null, "username": null, "identitytoken": 5}}}"#,
            r#"{"auths": {"r.io": {"auth": ""}}}"#,
            r#"{"auths": {"r.io": {"AUTH": "dXNlcjpwYXNz"}}}"#,
        ] {
            assert_eq!(keys(plain(config)), vec!["r.io"], "{config}");
        }
        assert_eq!(keys(plain(r#"{"auths": null}"#)), Vec::<String>::new());
    }

    /// Go's `encoding/json` matches `auths` to the `Auths` field whatever its letter case.
    #[test]
    fn auths_in_any_case() {
        assert_eq!(keys(plain(r#"{"Auths": {"r.io": {}}}"#)), vec!["r.io"]);
        assert_eq!(keys(plain(r#"{"AUTHS": {"r.io": {}}}"#)), vec!["r.io"]);
        let both = plain(r#"{"auths": {"a.io": {}}, "Auths": {"b.io": {}}}"#);
        let mut found = keys(both);
        found.sort();
        assert_eq!(found, vec!["a.io", "b.io"]);
    }
}
