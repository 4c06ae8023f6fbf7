//! The CI's Docker config, read as the node's credentials: `auths` entries, and the credential
//! helpers of `credHelpers` (per registry) and `credsStore` (for the `auths` keys it holds),
//! asked with `docker-credential-<name> get` as Docker asks them. Values stay in memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::credentials::keyring::RegistryKey;
use crate::credentials::secret::{Credential, config_credentials};

/// The Docker config's credentials, in its key order; none when there is no config.
pub fn read(path: Option<&Path>) -> Vec<(RegistryKey, Credential)> {
    let Some(path) = path.map(Path::to_path_buf).or_else(default_path) else {
        return Vec::new();
    };
    let Ok(bytes) = std::fs::read(&path) else {
        return Vec::new();
    };
    let mut found = config_credentials(&bytes, true);
    let Ok(serde_json::Value::Object(config)) = serde_json::from_slice(&bytes) else {
        return found;
    };
    let mut helpers: Vec<(String, String)> = Vec::new();
    if let Some(serde_json::Value::Object(per_host)) = config.get("credHelpers") {
        for (host, helper) in per_host {
            if let Some(helper) = helper.as_str() {
                helpers.push((host.clone(), helper.to_string()));
            }
        }
    }
    if let Some(store) = config.get("credsStore").and_then(|s| s.as_str())
        && let Some(serde_json::Value::Object(auths)) = config.get("auths")
    {
        for host in auths.keys() {
            if !helpers.iter().any(|(h, _)| h == host) {
                helpers.push((host.clone(), store.to_string()));
            }
        }
    }
    for (host, helper) in helpers {
        if found.iter().any(|(key, _)| key.as_str() == host) {
            continue;
        }
        if let (Some(key), Some(credential)) =
            (RegistryKey::parse(&host), ask_helper(&helper, &host))
        {
            found.push((key, credential));
        }
    }
    found
}

fn default_path() -> Option<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG") {
        Some(dir) => Some(PathBuf::from(dir).join("config.json")),
        None => {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".docker/config.json"))
        }
    }
}

/// `docker-credential-<helper> get`, the server on standard input, `{"Username", "Secret"}` on
/// standard output; anything else (no such helper, no credential) is no credential.
fn ask_helper(helper: &str, host: &str) -> Option<Credential> {
    if !helper
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return None;
    }
    let mut child = Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(host.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    Some(Credential {
        username: json.get("Username")?.as_str()?.to_string(),
        password: json.get("Secret")?.as_str()?.to_string(),
    })
}
