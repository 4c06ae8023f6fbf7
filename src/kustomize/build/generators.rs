//! `secretGenerator`: the Secrets a kustomization generates (a `kubernetes.io/dockerconfigjson`
//! Secret from a Docker config file is how many repositories ship pull credentials), with the
//! hash suffix kustomize gives their names and that pods' references follow. ConfigMaps hold
//! nothing a pull depends on and are not generated.

use base64::Engine;

use super::*;
use crate::sha256;

/// A Secret a kustomization generates: its type and data (never shown: only its registry keys
/// are read from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub secret_type: String,
    pub data: Vec<(String, Vec<u8>)>,
    /// Whether its name takes the content hash (`disableNameSuffixHash` not set).
    pub hash: bool,
}

impl Builder<'_> {
    /// The Secrets of a kustomization's `secretGenerator`. A `behavior` other than `create`
    /// (merging into a base's Secret) is not followed.
    pub(super) fn generated_secrets(
        &self,
        doc: &Document,
        root: NodeId,
        file: usize,
        out: &mut Build,
    ) -> Result<Vec<BuiltObject>, BuildError> {
        let Some(list) = doc.get(root, "secretGenerator") else {
            return Ok(Vec::new());
        };
        let dir = self.tree.dir(file);
        let place = |node: NodeId| Place {
            file,
            span: doc.node(node).span,
        };
        let flag = |node: Option<NodeId>| {
            node.and_then(|o| doc.get(o, "disableNameSuffixHash"))
                .and_then(|v| doc.str(v))
                == Some("true")
        };
        let no_hash = flag(doc.get(root, "generatorOptions"));
        let mut objects = Vec::new();
        for item in doc.items(doc.resolve(list)) {
            let get = |k: &str| doc.get(item, k).and_then(|v| doc.str(v));
            let at = doc.get(item, "name").map_or(place(item), place);
            let Some(name) = get("name") else {
                return Err(BuildError {
                    at,
                    message: "a secretGenerator entry without a name".into(),
                });
            };
            if get("behavior").is_some_and(|b| b != "create") {
                out.not_followed.push(NotFollowed {
                    at,
                    what: "a secretGenerator that merges into or replaces a Secret".into(),
                });
                continue;
            }
            let mut data = Vec::new();
            let strings = |key: &str| -> Vec<(String, NodeId)> { strings(doc, item, key) };
            for (entry, node) in strings("files") {
                let (key, path) = match entry.split_once('=') {
                    Some((key, path)) => (key.to_string(), path.to_string()),
                    None => {
                        let key = Path::new(&entry)
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        (key, entry.clone())
                    }
                };
                data.push((key, self.source(&dir, &path, place(node))?));
            }
            for (entry, node) in strings("envs") {
                let text = self.source(&dir, &entry, place(node))?;
                for line in String::from_utf8_lossy(&text).lines() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    if let Some((key, value)) = line.split_once('=') {
                        data.push((key.to_string(), value.as_bytes().to_vec()));
                    }
                }
            }
            for (entry, _) in strings("literals") {
                if let Some((key, value)) = entry.split_once('=') {
                    data.push((key.to_string(), unquote(value).as_bytes().to_vec()));
                }
            }
            data.sort_by(|a, b| a.0.cmp(&b.0));
            objects.push(BuiltObject {
                file,
                group: String::new(),
                kind: "Secret".into(),
                written_name: name.to_string(),
                written_namespace: get("namespace").map(str::to_string),
                name: name.to_string(),
                namespace: get("namespace").map(str::to_string),
                containers: Vec::new(),
                service_account: None,
                pull_secrets: Vec::new(),
                service_account_set_by: None,
                pull_secrets_set_by: Vec::new(),
                generated: Some(Box::new(Generated {
                    secret_type: get("type").unwrap_or("Opaque").to_string(),
                    data,
                    hash: !(no_hash || flag(doc.get(item, "options"))),
                })),
            });
        }
        Ok(objects)
    }

    /// A generator's source file: in the run, or on disk, in or below the kustomization's folder
    /// (kustomize's load restrictor).
    fn source(&self, dir: &Path, path: &str, at: Place) -> Result<Vec<u8>, BuildError> {
        let full = normalize(&dir.join(path));
        if !within(&normalize(dir), &full) {
            return Err(BuildError {
                at,
                message: format!(
                    "`{path}` is a file outside the kustomization's folder, which kustomize \
                     refuses to read"
                ),
            });
        }
        if let Some(file) = self.tree.file(&full) {
            return Ok(self.tree.files[file].text.as_bytes().to_vec());
        }
        std::fs::read(&full).map_err(|e| BuildError {
            at,
            message: format!("`{path}` cannot be read: {e}"),
        })
    }
}

/// A literal's value without the quotes around it (`password="a b"`).
fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// The name suffix kustomize gives a generated Secret (`hasher.Hasher.Hash` in kustomize's
/// api): the first ten hex digits of the SHA-256 of `{"data":…,"kind":"Secret","name":"",
/// "type":…}` as Go's `json.Marshal` writes it, with `0 1 3 a e` turned into `g h k m t`. The
/// name is always empty there (kustomize looks `metadata/name` up as one key), as
/// `kubectl kustomize` confirms (tests/kustomize.rs).
pub fn name_hash(generated: &Generated) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let data: Vec<String> = generated
        .data
        .iter()
        .map(|(key, value)| format!("{}:{}", go_json(key), go_json(&engine.encode(value))))
        .collect();
    let encoded = format!(
        "{{\"data\":{{{}}},\"kind\":\"Secret\",\"name\":\"\",\"type\":{}}}",
        data.join(","),
        go_json(&generated.secret_type)
    );
    sha256::hex(encoded.as_bytes())[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

/// A string as Go's `json.Marshal` writes it: HTML-safe (`<`, `>`, `&` escaped) and with
/// U+2028 and U+2029 escaped.
fn go_json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
