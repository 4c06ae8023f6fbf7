//! `--online` against a real registry (Debian's `docker-registry`, started here on 127.0.0.1 and
//! stopped after each test), through the command line as a user runs it. What the registry
//! never does — a token service, 429 with `Retry-After`, a redirect to another host — comes from
//! a small server of the test's own.

mod common;
#[path = "online/registry.rs"]
mod registry;

use std::path::Path;

use common::*;
use registry::{Auth, Fake, Registry};

const USER: &str = "alice";
const PASSWORD: &str = "s3cret-Pa55";

fn secret(namespace: &str, name: &str, registry: &str, password: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: {namespace}}}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{{\"auths\": {{\"{registry}\": {{\"username\": \"{USER}\", \"password\": \"{password}\"}}}}}}'\n"
    )
}

fn pod(
    namespace: &str,
    name: &str,
    secret: Option<&str>,
    arch: Option<&str>,
    image: &str,
) -> String {
    let secrets = secret.map_or(String::new(), |s| {
        format!("  imagePullSecrets: [{{name: {s}}}]\n")
    });
    let selector = arch.map_or(String::new(), |a| {
        format!("  nodeSelector: {{kubernetes.io/arch: {a}}}\n")
    });
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{secrets}{selector}  containers:\n    - {{name: c, image: \"{image}\", imagePullPolicy: IfNotPresent}}\n"
    )
}

/// `(rule, pod name)` of every finding, sorted.
fn findings(dir: &Path, args: &[&str]) -> (Vec<(String, String)>, std::process::Output) {
    let out = online(dir)
        .env("DOCKER_CONFIG", dir.join("no-docker-config"))
        .args([&["--online", "--format", "json"], args].concat())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let mut found: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["object"]["name"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    found.sort();
    (found, out)
}

/// The binary in `dir`, with its answer cache in `dir` (never the user's).
fn online(dir: &Path) -> assert_cmd::Command {
    let mut command = pullcheck(dir);
    command.env("XDG_CACHE_HOME", dir.join("cache"));
    command
}

/// A registry with password authentication, and its address; `None` (and a note) without the
/// registry binary outside CI.
fn password_registry() -> Option<(Registry, String)> {
    if !registry::available() {
        return None;
    }
    let registry = Registry::start(Auth::Password(USER, PASSWORD));
    let addr = registry.addr.clone();
    Some((registry, addr))
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

/// A registry with password authentication: available, absent tag, absent repository, wrong
/// password, no credentials at all, a platform the index lacks, a digest whose tag moved, and
/// the CI's Docker config as the node's credentials. No output shows the password.
#[test]
fn a_registry_with_passwords_answers_as_the_kubelet_would_be_answered() {
    let Some((registry, r)) = password_registry() else {
        return;
    };
    registry.push_image("team/app", "1.0", "amd64");
    registry.push_index("team/app", "multi", &["amd64", "arm64"]);
    let (_, old) = registry.push_image("team/app", "moving", "amd64");
    registry.push_image("team/app", "moving-next", "arm64");
    // Push another build under the same tag: `moving` now names another digest.
    let (_, _) = registry.push_image("team/app", "moving", "arm64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("shop", "regcred", &r, PASSWORD),
        secret("stale", "regcred", &r, "an-old-password"),
        pod(
            "shop",
            "available",
            Some("regcred"),
            None,
            &format!("{r}/team/app:1.0"),
        ),
        pod(
            "shop",
            "absent-tag",
            Some("regcred"),
            None,
            &format!("{r}/team/app:9.9"),
        ),
        pod(
            "shop",
            "absent-repo",
            Some("regcred"),
            None,
            &format!("{r}/team/nothing:1.0"),
        ),
        pod(
            "shop",
            "multi-arm",
            Some("regcred"),
            Some("arm64"),
            &format!("{r}/team/app:multi"),
        ),
        pod(
            "shop",
            "multi-s390x",
            Some("regcred"),
            Some("s390x"),
            &format!("{r}/team/app:multi"),
        ),
        pod(
            "shop",
            "moved",
            Some("regcred"),
            None,
            &format!("{r}/team/app:moving@{old}"),
        ),
        pod(
            "stale",
            "wrong-password",
            Some("regcred"),
            None,
            &format!("{r}/team/app:1.0"),
        ),
        pod(
            "open",
            "no-credentials",
            None,
            None,
            &format!("{r}/team/app:1.0"),
        ),
        // Required node affinity: the pod may land on amd64 or s390x nodes.
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: affinity, namespace: shop}}\nspec:\n  imagePullSecrets: [{{name: regcred}}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n          - matchExpressions:\n              - {{key: kubernetes.io/arch, operator: In, values: [amd64, s390x]}}\n  containers:\n    - {{name: c, image: \"{r}/team/app:multi\", imagePullPolicy: IfNotPresent}}\n"
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let (found, out) = findings(d, &["k8s.yaml"]);
    assert_eq!(
        found,
        pairs(&[
            ("image-not-found", "absent-tag"),
            ("image-not-found", "absent-repo"),
            ("platform-missing", "multi-s390x"),
            ("platform-missing", "affinity"),
            ("tag-moved", "moved"),
            ("pull-unauthorized", "wrong-password"),
            ("pull-unauthorized", "no-credentials"),
        ]),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("with Secret stale/regcred"), "{text}");
    assert!(text.contains("anonymously"), "{text}");

    // The Docker config as the node's credentials: the pod without secrets now pulls.
    let docker = d.join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = base64_pair(USER, PASSWORD);
    write(
        &docker,
        "config.json",
        &format!("{{\"auths\": {{\"{r}\": {{\"auth\": \"{auth}\"}}}}}}"),
    );
    let images = online(d)
        .env("DOCKER_CONFIG", &docker)
        .args(["images", "--online", "--format", "json", "k8s.yaml"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&images.stdout).unwrap();
    let app = json["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image"] == format!("{r}/team/app:1.0"))
        .unwrap();
    let verdicts: Vec<String> = app["online"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                v["status"].as_str().unwrap(),
                v["credential"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        verdicts.contains(&format!("available Docker config ({r})")),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&format!("available Secret shop/regcred ({r})")),
        "{verdicts:?}"
    );
    assert!(
        app["online"][0]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let multi = json["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image"] == format!("{r}/team/app:multi"))
        .unwrap();
    assert_eq!(
        multi["online"][0]["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64"])
    );

    // No output of any format, nor `images`, shows the password or the encoded pair.
    for format in [
        "human",
        "json",
        "sarif",
        "github",
        "compact",
        "checkstyle",
        "junit",
        "markdown",
    ] {
        let out = online(d)
            .env("DOCKER_CONFIG", &docker)
            .args(["--online", "--format", format, "k8s.yaml"])
            .output()
            .unwrap();
        for output in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(output);
            assert!(
                !text.contains(PASSWORD)
                    && !text.contains(&auth)
                    && !text.contains("an-old-password"),
                "{format} shows a secret"
            );
        }
    }
    let images = String::from_utf8_lossy(&images.stdout);
    assert!(!images.contains(PASSWORD) && !images.contains(&auth));
}

fn base64_pair(user: &str, password: &str) -> String {
    registry::basic_header(user, password)
        .trim_start_matches("Basic ")
        .to_string()
}

/// The Bearer flow: the registry sends clients to a token service; a pod with no secret gets
/// an anonymous token, one with the right password a token, and one whose Secret holds stale
/// credentials for this public image fails — the kubelet never falls back to anonymous once a
/// credential matched.
#[test]
fn the_token_flow_and_stale_credentials_for_a_public_image() {
    if !registry::available() {
        return;
    }
    let good = registry::basic_header(USER, PASSWORD);
    let tokens = Fake::start(move |seen, _| match &seen.authorization {
        None => (200, vec![], "{\"token\": \"anonymous\"}".into()),
        Some(auth) if *auth == good => (200, vec![], "{\"access_token\": \"alice\"}".into()),
        Some(_) => (
            401,
            vec![],
            "{\"errors\": [{\"code\": \"UNAUTHORIZED\"}]}".into(),
        ),
    });
    let registry = Registry::start(Auth::Token(format!("http://{}/token", tokens.addr)));
    let r = registry.addr.clone();
    registry.push_image("library/tool", "2.0", "amd64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &r, PASSWORD),
        secret("b", "regcred", &r, "expired"),
        pod(
            "a",
            "with-token",
            Some("regcred"),
            None,
            &format!("{r}/library/tool:2.0"),
        ),
        pod(
            "b",
            "stale",
            Some("regcred"),
            None,
            &format!("{r}/library/tool:2.0"),
        ),
        pod(
            "c",
            "anonymous",
            None,
            None,
            &format!("{r}/library/tool:2.0"),
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let (found, out) = findings(d, &["k8s.yaml"]);
    assert_eq!(
        found,
        pairs(&[("pull-unauthorized", "stale")]),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("token service refused the credentials"),
        "{text}"
    );
    // The token service saw the scope of the image, and the credentials only for the pods
    // whose secrets match.
    let seen = tokens.seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .all(|s| s.path.contains("scope=repository%3Alibrary%2Ftool%3Apull"))
    );
    assert!(seen.iter().any(|s| s.authorization.is_none()));
}

/// A registry that answers 429 with a short `Retry-After` is asked again once; one that
/// redirects to another host is followed without the credentials; an address where nothing
/// listens is `registry-unreachable`, reported as info so that it does not fail the run.
#[test]
fn rate_limits_redirects_and_silence() {
    let digest = format!("sha256:{}", "a".repeat(64));
    let limited_digest = digest.clone();
    let limited = Fake::start(move |_, count| {
        if count == 1 {
            (429, vec![("Retry-After".into(), "1".into())], String::new())
        } else {
            (
                200,
                vec![
                    ("Docker-Content-Digest".into(), limited_digest.clone()),
                    (
                        "Content-Type".into(),
                        "application/vnd.oci.image.manifest.v1+json".into(),
                    ),
                ],
                String::new(),
            )
        }
    });
    let target_digest = digest.clone();
    let target = Fake::start(move |_, _| {
        (
            200,
            vec![
                ("Docker-Content-Digest".into(), target_digest.clone()),
                (
                    "Content-Type".into(),
                    "application/vnd.oci.image.manifest.v1+json".into(),
                ),
            ],
            String::new(),
        )
    });
    let target_addr = target.addr.clone();
    let redirecting = Fake::start(move |seen, _| {
        (
            307,
            vec![(
                "Location".into(),
                format!("http://{target_addr}{}", seen.path),
            )],
            String::new(),
        )
    });
    let nothing = format!("127.0.0.1:{}", registry::free_port());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &redirecting.addr, PASSWORD),
        pod(
            "a",
            "limited",
            None,
            None,
            &format!("{}/app:1", limited.addr),
        ),
        pod(
            "a",
            "redirected",
            Some("regcred"),
            None,
            &format!("{}/app:1", redirecting.addr),
        ),
        pod("a", "silent", None, None, &format!("{nothing}/app:1")),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let (found, out) = findings(d, &["k8s.yaml"]);
    assert_eq!(found, pairs(&[("registry-unreachable", "silent")]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "an unreachable registry does not fail the run"
    );
    assert_eq!(
        limited.seen.lock().unwrap().len(),
        2,
        "asked again after Retry-After"
    );
    let redirected = redirecting.seen.lock().unwrap().clone();
    assert!(
        redirected.iter().all(|s| s.authorization.is_none()),
        "no challenge, no credentials"
    );
    let followed = target.seen.lock().unwrap().clone();
    assert!(!followed.is_empty(), "the redirect was followed");
    assert!(followed.iter().all(|s| s.authorization.is_none()));
}

/// The doc examples of the `--online` rules (```yaml,online), run against a registry with
/// their placeholders filled in: each must make its rule fire.
#[test]
fn online_doc_examples_fire() {
    let Some((registry, r)) = password_registry() else {
        return;
    };
    registry.push_image("team/app", "1.0", "amd64");
    registry.push_index("team/app", "multi", &["amd64", "arm64"]);
    let (_, old) = registry.push_image("team/app", "1.0", "amd64");
    registry.push_image("team/app", "1.0", "arm64");
    let nothing = format!("127.0.0.1:{}", registry::free_port());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut checked = 0;
    for rule in pullcheck::rules::ALL {
        let meta = rule.meta();
        let doc: Vec<&str> = meta
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let mut i = 0;
        while i < doc.len() {
            if doc[i].trim() != "```yaml,online" {
                i += 1;
                continue;
            }
            let end = (i + 1..doc.len())
                .find(|&j| doc[j].trim() == "```")
                .unwrap();
            let mut example = doc[i + 1..end].join("\n") + "\n";
            example = example
                .replace("REGISTRY", &r)
                .replace("UNREACHABLE", &nothing)
                .replace("OLD_DIGEST", &old);
            // The image-not-found and tag-moved examples pull with the registry's password.
            if meta.name != "pull-unauthorized" {
                example = example
                    .replace("spec:\n", "spec:\n  imagePullSecrets: [{name: regcred}]\n")
                    + &secret("default", "regcred", &r, PASSWORD);
            }
            write(d, "example.yaml", &example);
            let (found, _) = findings(d, &["--disable", "implicit-pull-policy", "example.yaml"]);
            assert!(
                found.iter().any(|(rule, _)| rule == meta.name),
                "{}: the example does not fire: {found:?}\n{example}",
                meta.name
            );
            checked += 1;
            i = end + 1;
        }
    }
    assert_eq!(checked, 5, "one example per --online rule");
}

/// A registry serving HTTPS with a certificate from a CA of the test's own: unverifiable without
/// that CA (the certificate is not trusted, and a certificate that does not verify is no reason
/// to try plain HTTP), available with `--registry-ca`.
#[test]
fn tls_with_a_custom_certificate_authority() {
    if !registry::available() {
        return;
    }
    let certs = tempfile::tempdir().unwrap();
    let (ca, certificate, key) = registry::certificates(certs.path());
    let registry = Registry::start_with(
        Auth::Password(USER, PASSWORD),
        Some((certificate.as_path(), key.as_path())),
    );
    let r = registry.addr.clone();
    registry.push_image("team/app", "1.0", "amd64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &r, PASSWORD),
        pod(
            "a",
            "secure",
            Some("regcred"),
            None,
            &format!("{r}/team/app:1.0"),
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let (found, out) = findings(d, &["k8s.yaml"]);
    assert_eq!(found, pairs(&[("registry-unreachable", "secure")]));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("certificate"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let ca = ca.display().to_string();
    let (found, out) = findings(d, &["--registry-ca", &ca, "k8s.yaml"]);
    assert!(
        found.is_empty(),
        "{found:?} {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A second run answers from the cache without asking (the registry is gone by then); the cache
/// holds no credential; `--no-cache` asks again.
#[test]
fn answers_are_kept_between_runs() {
    let Some((registry, r)) = password_registry() else {
        return;
    };
    let (_, digest) = registry.push_image("team/app", "1.0", "amd64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &r, PASSWORD),
        pod(
            "a",
            "by-tag",
            Some("regcred"),
            None,
            &format!("{r}/team/app:1.0"),
        ),
        pod(
            "a",
            "by-digest",
            Some("regcred"),
            None,
            &format!("{r}/team/app@{digest}"),
        ),
        pod(
            "a",
            "absent",
            Some("regcred"),
            None,
            &format!("{r}/team/app:0.1"),
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let first = findings(d, &["k8s.yaml"]).0;
    assert_eq!(first, pairs(&[("image-not-found", "absent")]));
    drop(registry);
    assert_eq!(
        findings(d, &["k8s.yaml"]).0,
        first,
        "answered from the cache"
    );
    let cache = std::fs::read_to_string(d.join("cache/pullcheck/online.json")).unwrap();
    assert!(cache.contains(&digest));
    assert!(!cache.contains(PASSWORD) && !cache.contains(&base64_pair(USER, PASSWORD)));
    let again = findings(d, &["--no-cache", "k8s.yaml"]).0;
    assert_eq!(
        again,
        pairs(&[
            ("registry-unreachable", "by-tag"),
            ("registry-unreachable", "by-digest"),
            ("registry-unreachable", "absent"),
        ])
    );
}

/// The Docker config's credential helpers (`credHelpers`, `credsStore`) are asked as Docker
/// asks them: `docker-credential-NAME get`, the server on standard input. A helper here is a
/// script of the test's own on `PATH`.
#[test]
fn docker_credential_helpers() {
    let Some((registry, r)) = password_registry() else {
        return;
    };
    registry.push_image("team/app", "1.0", "amd64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-pullchecktest");
    write(
        &bin,
        "docker-credential-pullchecktest",
        &format!(
            "#!/bin/sh\nread server\nif [ \"$1\" = get ] && [ \"$server\" = \"{r}\" ]; then\n  printf '{{\"ServerURL\":\"%s\",\"Username\":\"{USER}\",\"Secret\":\"{PASSWORD}\"}}' \"$server\"\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n"
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let docker = d.join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    write(
        &docker,
        "config.json",
        &format!("{{\"credHelpers\": {{\"{r}\": \"pullchecktest\"}}}}"),
    );
    write(
        d,
        "k8s.yaml",
        &pod("a", "helped", None, None, &format!("{r}/team/app:1.0")),
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |config: &Path| {
        let out = online(d)
            .env("DOCKER_CONFIG", config)
            .env("PATH", &path)
            .args([
                "images",
                "--online",
                "--no-cache",
                "--format",
                "json",
                "k8s.yaml",
            ])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let verdict = &json["images"][0]["online"][0];
        format!(
            "{} {}",
            verdict["status"].as_str().unwrap(),
            verdict["credential"].as_str().unwrap()
        )
    };
    assert_eq!(run(&docker), format!("available Docker config ({r})"));
    // `credsStore` serves the `auths` keys that hold no credential of their own.
    write(
        &docker,
        "config.json",
        &format!("{{\"auths\": {{\"{r}\": {{}}}}, \"credsStore\": \"pullchecktest\"}}"),
    );
    assert_eq!(run(&docker), format!("available Docker config ({r})"));
}

/// A registry that is not on a loopback address by name is asked over HTTPS only: a plain-HTTP
/// registry reached through the machine's host name (which resolves to 127.0.0.1 here, but is
/// not a loopback name) gets no request over HTTP unless `--insecure-registry` names it.
#[test]
fn plain_http_only_for_loopback_and_insecure_registries() {
    if !registry::available() {
        return;
    }
    let name = std::process::Command::new("hostname")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    use std::net::ToSocketAddrs;
    let local = !name.is_empty()
        && name != "localhost"
        && (name.as_str(), 80)
            .to_socket_addrs()
            .is_ok_and(|mut a| a.all(|a| a.ip().is_loopback()));
    if !local {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs a host name that resolves to 127.0.0.1 only (this one is `{name}`)"
        );
        eprintln!("skipped: the host name `{name}` does not resolve to a loopback address only");
        return;
    }
    let registry = Registry::start(Auth::Password(USER, PASSWORD));
    let port = registry.addr.rsplit_once(':').unwrap().1.to_string();
    registry.push_image("team/app", "1.0", "amd64");
    let host = format!("{name}:{port}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &host, PASSWORD),
        pod(
            "a",
            "by-name",
            Some("regcred"),
            None,
            &format!("{host}/team/app:1.0"),
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let (found, _) = findings(d, &["--no-cache", "k8s.yaml"]);
    assert_eq!(found, pairs(&[("registry-unreachable", "by-name")]));
    let (found, out) = findings(d, &["--no-cache", "--insecure-registry", &host, "k8s.yaml"]);
    assert!(found.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// The pins round trip: `images --online --format plain` prints `IMAGE: DIGEST` for what the
/// registry resolved, and `fix --pins` writes those digests into the manifests.
#[test]
fn resolved_digests_pin_the_manifests() {
    let Some((registry, r)) = password_registry() else {
        return;
    };
    let (_, digest) = registry.push_image("team/app", "latest", "amd64");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifests = [
        secret("a", "regcred", &r, PASSWORD),
        pod(
            "a",
            "floating",
            Some("regcred"),
            None,
            &format!("{r}/team/app:latest"),
        ),
    ]
    .concat();
    write(d, "k8s.yaml", &manifests);
    let plain = online(d)
        .env("DOCKER_CONFIG", d.join("none"))
        .args(["images", "--online", "--format", "plain", "k8s.yaml"])
        .output()
        .unwrap();
    let pins = stdout(&plain);
    assert_eq!(pins, format!("{r}/team/app:latest: {digest}\n"));
    write(d, "pins.txt", &pins);
    let fixed = run(d, &["fix", "--pins", "pins.txt", "k8s.yaml"]);
    assert!(
        stderr(&fixed).contains("fixed 1 finding in 1 file"),
        "{}",
        stderr(&fixed)
    );
    let after = std::fs::read_to_string(d.join("k8s.yaml")).unwrap();
    assert!(
        after.contains(&format!("{r}/team/app:latest@{digest}")),
        "{after}"
    );

    // Without a pins file: `fix --online` pins to what the registry resolves.
    write(d, "k8s.yaml", &manifests);
    let fixed = online(d)
        .env("DOCKER_CONFIG", d.join("none"))
        .args(["fix", "--online", "k8s.yaml"])
        .output()
        .unwrap();
    assert!(
        stderr(&fixed).contains("fixed 1 finding in 1 file"),
        "{}",
        stderr(&fixed)
    );
    assert_eq!(std::fs::read_to_string(d.join("k8s.yaml")).unwrap(), after);
}
