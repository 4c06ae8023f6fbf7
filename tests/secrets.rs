//! Secret values never reach any output: not the password, not the `auth` string, not the
//! base64 of the payload — in any format, for valid, broken and unparsable Secrets.

mod common;

use base64::Engine;
use clap::ValueEnum;
use common::*;
use pullcheck::output::Format;

const PASSWORD: &str = "Sup3r-S3cret-Pa55";
const USER: &str = "robot$ci";

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Every string that must not be printed.
fn forbidden() -> Vec<String> {
    let auth = b64(&format!("{USER}:{PASSWORD}"));
    let config = format!(
        r#"{{"auths":{{"harbor.corp":{{"username":"{USER}","password":"{PASSWORD}","auth":"{auth}"}}}}}}"#
    );
    vec![
        PASSWORD.to_string(),
        auth.clone(),
        b64(&config),
        b64(&config)[..40].to_string(),
        // Parts of the payload that are as good as the secret.
        format!("\"password\":\"{PASSWORD}\""),
    ]
}

fn manifests() -> String {
    let auth = b64(&format!("{USER}:{PASSWORD}"));
    let config = format!(
        r#"{{"auths":{{"harbor.corp":{{"username":"{USER}","password":"{PASSWORD}","auth":"{auth}"}}}}}}"#
    );
    let data = b64(&config);
    format!(
        r#"apiVersion: v1
kind: Secret
metadata: {{name: good, namespace: shop}}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: {data}
---
apiVersion: v1
kind: Secret
metadata: {{name: opaque, namespace: shop}}
type: Opaque
data: {{password: {pw64}, config: {data}}}
stringData:
  plain: '{config}'
---
apiVersion: v1
kind: Secret
metadata: {{name: in-wrong-namespace, namespace: elsewhere}}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{config}'
---
apiVersion: v1
kind: Secret
metadata: {{name: broken, namespace: shop}}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: {data}
  extra: [unclosed {pw64}
---
kind: Pod
metadata: {{name: p, namespace: shop}}
spec:
  imagePullSecrets: [{{name: good}}, {{name: opaque}}, {{name: in-wrong-namespace}}]
  containers:
    - {{name: a, image: "harbor.corp/app:1"}}
    - {{name: b, image: "other.corp/app"}}
    - {{name: c, image: "{{{{ .Values.image }}}}"}}
"#,
        pw64 = b64(PASSWORD),
    )
}

#[test]
fn no_format_prints_secret_material() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secrets.yaml", &manifests());
    let mut formats_checked = 0;
    for format in Format::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_string();
        let out = run(
            dir.path(),
            &[
                "--format",
                &name,
                "--enable",
                "pull-secret-not-found",
                "--enable",
                "digest-not-pinned",
                "secrets.yaml",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let printed = format!("{}{}", stdout(&out), stderr(&out));
        // The run did report on the Secrets, so the test looks at real output about them.
        for rule in [
            "pull-secret-wrong-type",
            "pull-secret-wrong-namespace",
            "parse-error",
        ] {
            assert!(printed.contains(rule), "{name}: {rule} missing");
        }
        for secret in forbidden() {
            assert!(
                !printed.contains(&secret),
                "{name} output contains secret material {secret:?}:\n{printed}"
            );
        }
        formats_checked += 1;
    }
    assert!(formats_checked >= 2);
}
