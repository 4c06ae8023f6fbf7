use super::*;

/// `(input, normalised name, tag, digest)` for references that parse.
const VALID: &[(&str, &str, Option<&str>, bool)] = &[
    ("nginx", "docker.io/library/nginx", None, false),
    ("nginx:1.25", "docker.io/library/nginx", Some("1.25"), false),
    (
        "nginx:latest",
        "docker.io/library/nginx",
        Some("latest"),
        false,
    ),
    ("library/nginx", "docker.io/library/nginx", None, false),
    ("docker.io/nginx", "docker.io/library/nginx", None, false),
    (
        "docker.io/library/nginx:1",
        "docker.io/library/nginx",
        Some("1"),
        false,
    ),
    (
        "index.docker.io/library/nginx",
        "docker.io/library/nginx",
        None,
        false,
    ),
    (
        "index.docker.io/nginx",
        "docker.io/library/nginx",
        None,
        false,
    ),
    (
        "bitnami/redis:7.2",
        "docker.io/bitnami/redis",
        Some("7.2"),
        false,
    ),
    (
        "quay.io/prometheus/node-exporter:v1.8.1",
        "quay.io/prometheus/node-exporter",
        Some("v1.8.1"),
        false,
    ),
    ("localhost/app", "localhost/app", None, false),
    ("localhost:5000/app", "localhost:5000/app", None, false),
    (
        "localhost:5000/app:dev",
        "localhost:5000/app",
        Some("dev"),
        false,
    ),
    ("registry:5000/app", "registry:5000/app", None, false),
    (
        "172.16.10.24:10010/library/nginx:1.25.0",
        "172.16.10.24:10010/library/nginx",
        Some("1.25.0"),
        false,
    ),
    ("192.168.1.1/repo", "192.168.1.1/repo", None, false),
    ("[::1]:5000/app:1", "[::1]:5000/app", Some("1"), false),
    ("[2001:db8::1]/repo", "[2001:db8::1]/repo", None, false),
    (
        "harbor.corp/team/sub/app:2024.01.01-rc_1",
        "harbor.corp/team/sub/app",
        Some("2024.01.01-rc_1"),
        false,
    ),
    (
        "a.b-c.d/e__f/g---h/i.j_k:T_1",
        "a.b-c.d/e__f/g---h/i.j_k",
        Some("T_1"),
        false,
    ),
    ("Docker/docker", "Docker/docker", None, false),
    ("nginx:_x", "docker.io/library/nginx", Some("_x"), false),
    (
        "192.168.0.1:80",
        "docker.io/library/192.168.0.1",
        Some("80"),
        false,
    ),
    (
        "test.com:5000",
        "docker.io/library/test.com",
        Some("5000"),
        false,
    ),
    (
        "xn--7o8h.com/myimage:xn--7o8h.com",
        "xn--7o8h.com/myimage",
        Some("xn--7o8h.com"),
        false,
    ),
];

fn sha(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

#[test]
fn valid_references_parse_and_normalise() {
    for &(input, name, tag, _) in VALID {
        let r = ImageRef::parse(input).unwrap_or_else(|e| panic!("{input}: {}", e.kind));
        assert_eq!(r.name(), name, "{input}");
        assert_eq!(r.tag(), tag, "{input}");
        assert_eq!(r.digest(), None, "{input}");
        assert_eq!(r.as_str(), input);
    }
}

#[test]
fn digests_parse_with_and_without_tags() {
    let digest = sha('a');
    let r = ImageRef::parse(&format!("nginx@{digest}")).unwrap();
    assert_eq!((r.tag(), r.digest()), (None, Some(digest.as_str())));
    assert!(!r.is_untagged());
    let r = ImageRef::parse(&format!("registry:5000/app:1.0@{digest}")).unwrap();
    assert_eq!(r.domain(), "registry:5000");
    assert_eq!((r.tag(), r.digest()), (Some("1.0"), Some(digest.as_str())));
    assert_eq!(r.normalized(), format!("registry:5000/app:1.0@{digest}"));
    let sha512 = format!("app@sha512:{}", "0".repeat(128));
    assert!(ImageRef::parse(&sha512).is_ok());
}

#[test]
fn tag_range_covers_the_colon_and_tag() {
    let r = ImageRef::parse("localhost:5000/app:latest").unwrap();
    assert_eq!(&r.as_str()[r.tag_range().unwrap()], ":latest");
    assert_eq!(
        ImageRef::parse("localhost:5000/app").unwrap().tag_range(),
        None
    );
}

fn kind_of(input: &str) -> ImageErrorKind {
    match ImageRef::parse(input) {
        Ok(r) => panic!("{input} parsed: {r:?}"),
        Err(e) => {
            assert!(e.range.end <= input.len().max(1), "{input}: {:?}", e.range);
            e.kind
        }
    }
}

#[test]
fn invalid_references_say_why() {
    use ImageErrorKind::*;
    assert_eq!(kind_of(""), Empty);
    assert_eq!(kind_of("{{ .Values.image }}"), Unrendered);
    assert_eq!(kind_of("${IMAGE}"), Unrendered);
    assert_eq!(kind_of("$IMAGE"), Unrendered);
    assert_eq!(kind_of("repo/{{ .Values.tag }}"), Unrendered);
    assert_eq!(kind_of("us-docker.pkg.dev/$PROJECT_ID/app:1"), Unrendered);
    assert_eq!(kind_of("app:$TAG"), Unrendered);
    assert_eq!(kind_of("app$"), InvalidPathCharacter('$'));
    assert_eq!(kind_of("nginx 1.25"), WhiteSpace);
    assert_eq!(kind_of(" nginx"), WhiteSpace);
    assert_eq!(kind_of(&"a".repeat(64)), HexIdentifier);
    assert_eq!(kind_of("Uppercase:tag"), UppercaseRepository);
    assert_eq!(kind_of("docker.io/docker/Docker"), UppercaseRepository);
    assert_eq!(kind_of("a//b"), EmptyPathComponent);
    assert_eq!(kind_of("registry.corp/"), EmptyPathComponent);
    assert_eq!(kind_of("-docker"), BadSeparator);
    assert_eq!(kind_of("docker-"), BadSeparator);
    assert_eq!(kind_of("a.-b"), BadSeparator);
    assert_eq!(kind_of("a___b"), BadSeparator);
    assert_eq!(kind_of("ngi+nx"), InvalidPathCharacter('+'));
    assert_eq!(kind_of("-docker.io/docker/docker"), InvalidDomain);
    assert_eq!(kind_of("fc00::1:5000/debian"), InvalidDomain);
    assert_eq!(kind_of("[fe80::1%eth0]:5000/repo"), InvalidDomain);
    assert_eq!(kind_of("host:port/app"), InvalidDomain);
    assert_eq!(kind_of(":justtag"), EmptyPathComponent);
    assert_eq!(kind_of("nginx:"), InvalidTag);
    assert_eq!(kind_of("nginx:.x"), InvalidTag);
    assert_eq!(kind_of("nginx:-x"), InvalidTag);
    assert_eq!(kind_of(&format!("nginx:{}", "t".repeat(129))), TagTooLong);
    assert_eq!(kind_of("nginx@sha256:abc"), InvalidDigest);
    assert_eq!(kind_of("nginx@"), InvalidDigest);
    assert_eq!(
        kind_of(&format!("nginx@md5:{}", "a".repeat(32))),
        UnsupportedDigestAlgorithm("md5".into())
    );
    assert!(matches!(
        kind_of(&format!("nginx@sha256:{}", "a".repeat(63))),
        DigestLength { .. }
    ));
    assert!(matches!(
        kind_of(&format!("nginx@sha256:{}", "A".repeat(64))),
        DigestLength { .. }
    ));
    assert!(matches!(
        kind_of(&format!("example.com/{}", "a".repeat(256))),
        NameTooLong(256)
    ));
    // Docker Hub's `library/` counts: 248 characters become 256.
    assert!(matches!(kind_of(&"a".repeat(248)), NameTooLong(256)));
    assert!(ImageRef::parse(&format!("example.com/{}", "a".repeat(255))).is_ok());
    assert_eq!(kind_of("https://github.com/docker/docker"), InvalidDomain);
}

#[test]
fn messages_are_readable() {
    let err = ImageRef::parse("{{ .Values.image }}").unwrap_err();
    assert!(err.kind.to_string().contains("helm template"));
    let err = ImageRef::parse("Nginx").unwrap_err();
    assert_eq!(
        err.kind.to_string(),
        "the repository name must be lowercase"
    );
}

/// The vectors transcribed from distribution/reference (`../shared/image-refs/`).
#[test]
fn conformance_vectors() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/image-refs/vectors.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is absent, and CI needs it",
            path.display()
        );
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let vectors: Vec<serde_json::Value> = serde_json::from_str(&text).expect("vectors.json parses");
    let mut checked = 0;
    for v in &vectors {
        let input = v["input"].as_str().expect("input");
        let valid = v["valid"].as_bool().expect("valid");
        let parsed = ImageRef::parse(input);
        assert_eq!(parsed.is_ok(), valid, "{input}: {parsed:?}");
        if let Ok(r) = parsed {
            if let Some(repository) = v["repository"].as_str() {
                assert_eq!(r.written_name(), repository, "{input}");
            }
            if let Some(domain) = v["domain"].as_str() {
                // The grammar's domain: whatever stands before the first `/` when it is a host.
                let written = r.written_name();
                let grammar = written
                    .split_once('/')
                    .map(|(d, _)| d)
                    .filter(|d| is_valid_domain(d));
                assert_eq!(grammar, Some(domain), "{input}");
            }
            assert_eq!(r.tag(), v["tag"].as_str(), "{input}");
            assert_eq!(r.digest(), v["digest"].as_str(), "{input}");
        }
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
    eprintln!("{checked} image reference vectors passed");
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// The parts of a reference, generated valid, so the property can check each one back.
    #[derive(Debug, Clone)]
    struct Parts {
        domain: Option<String>,
        path: Vec<String>,
        tag: Option<String>,
        digest: Option<String>,
    }

    impl Parts {
        fn format(&self) -> String {
            let mut out = String::new();
            if let Some(domain) = &self.domain {
                out.push_str(domain);
                out.push('/');
            }
            out.push_str(&self.path.join("/"));
            if let Some(tag) = &self.tag {
                out.push(':');
                out.push_str(tag);
            }
            if let Some(digest) = &self.digest {
                out.push('@');
                out.push_str(digest);
            }
            out
        }
    }

    fn component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,6}(([._]|__|-{1,3})[a-z0-9]{1,6}){0,2}"
    }

    /// Hosts Kubernetes recognises as registries: a dot, a port, `localhost`, or IPv6.
    fn domain() -> impl Strategy<Value = String> {
        let label = "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?";
        let port = proptest::option::of(1u16..=65535);
        prop_oneof![
            (proptest::collection::vec(label, 2..4), port.clone())
                .prop_map(|(labels, port)| { with_port(labels.join("."), port) }),
            (label, 1u16..=65535).prop_map(|(host, port)| format!("{host}:{port}")),
            port.clone()
                .prop_map(|port| with_port("localhost".into(), port)),
            ("[0-9]{1,3}", "[0-9]{1,3}", port.clone())
                .prop_map(|(a, b, port)| with_port(format!("10.{a}.{b}.1"), port)),
            ("[0-9a-f]{1,4}", port).prop_map(|(h, port)| with_port(format!("[fd00::{h}]"), port)),
        ]
    }

    fn with_port(host: String, port: Option<u16>) -> String {
        match port {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    }

    fn parts() -> impl Strategy<Value = Parts> {
        (
            proptest::option::of(domain()),
            proptest::collection::vec(component(), 1..4),
            proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
            proptest::option::of("[0-9a-f]{64}".prop_map(|hex| format!("sha256:{hex}"))),
        )
            .prop_map(|(domain, path, tag, digest)| Parts {
                domain,
                path,
                tag,
                digest,
            })
            .prop_filter(
                "without a domain, a dotted first component would be one",
                |p| p.domain.is_some() || p.path.len() == 1 || !p.path[0].contains('.'),
            )
    }

    proptest! {
        #[test]
        fn parse_of_format_gives_the_parts_back(p in parts()) {
            let text = p.format();
            let r = ImageRef::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {}", e.kind)))?;
            prop_assert_eq!(r.written_domain(), p.domain.as_deref());
            let written_path = p.path.join("/");
            prop_assert_eq!(&r.as_str()[r.path.clone()], written_path.as_str());
            prop_assert_eq!(r.tag(), p.tag.as_deref());
            prop_assert_eq!(r.digest(), p.digest.as_deref());
            // Normalising is idempotent: the normalised form parses to the same reference.
            let again = ImageRef::parse(&r.normalized()).map_err(|e| TestCaseError::fail(e.kind.to_string()))?;
            prop_assert_eq!(again.normalized(), r.normalized());
        }
    }
}

/// distribution/reference `Parse` (v0.6.0): when the first component is not a valid domain
/// (`my_registry.com`: `_` is not allowed in a host) but the whole name matches as path
/// components, the reference is valid with an empty domain, and `ParseNormalizedNamed` keeps
/// `my_registry.com/app` as its name. The kubelet's `ParseImageName` accepts it, so it is never
/// `InvalidImageName` (and `SetDefaults_Container` gives `Always` without a tag: see
/// `k8s::pull_policy`).
#[test]
fn a_first_component_that_is_a_path_component_is_not_an_error() {
    let reference = ImageRef::parse("my_registry.com/app:1").unwrap();
    assert_eq!(reference.name(), "my_registry.com/app");
    assert_eq!(reference.domain(), "my_registry.com");
    assert_eq!(reference.tag(), Some("1"));
    let untagged = ImageRef::parse("my_registry.com/app").unwrap();
    assert!(untagged.is_untagged());
    // Not a valid path component either: still an error.
    assert_eq!(
        kind_of("my_registry.com:5000/app"),
        ImageErrorKind::InvalidDomain
    );
    assert_eq!(
        kind_of("My_Registry.com/app"),
        ImageErrorKind::InvalidDomain
    );
}
