//! Reading the registry keys out of a pull Secret. The payload is decoded only to list the keys
//! of its `auths`; the credentials under them are dropped unread and never leave this module.

use std::fmt;

use base64::Engine;

use super::keyring::RegistryKey;

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
    let entries = match (secret_type, &json) {
        (DOCKER_CONFIG_JSON, serde_json::Value::Object(config)) => match config.get("auths") {
            Some(serde_json::Value::Object(auths)) => auths,
            _ => return Err(SecretProblem::NoAuths),
        },
        (_, serde_json::Value::Object(config)) => config,
        _ => return Err(SecretProblem::NotJson(key)),
    };
    Ok(entries
        .keys()
        .filter_map(|k| RegistryKey::parse(k))
        .collect())
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
        let config =
            r#"{"auths": {"https://harbor.corp/v2/": {"auth": "c2VjcmV0"}, "quay.io": {}}}"#;
        let data = b64(config);
        let from_data = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Base64(&data)));
        assert_eq!(keys(from_data), vec!["harbor.corp", "quay.io"]);
        let from_plain = registry_keys(DOCKER_CONFIG_JSON, |_| Some(Payload::Plain(config)));
        assert_eq!(keys(from_plain), vec!["harbor.corp", "quay.io"]);
    }

    #[test]
    fn dockercfg_uses_top_level_keys() {
        let data = b64(r#"{"registry.corp:5000": {"auth": "x"}}"#);
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
}
