use super::*;

fn parse(text: &str) -> Result<Config, Vec<(usize, usize, String)>> {
    let source = SourceFile::new(FILE_NAME.into(), None, text.into());
    Config::parse(&source).map_err(|ds| {
        ds.into_iter()
            .map(|d| {
                let p = source.position(d.span.start);
                (p.line, p.column, d.message)
            })
            .collect()
    })
}

#[test]
fn the_starter_config_is_valid() {
    let config = parse(STARTER).expect("valid");
    assert!(config.rules.is_empty() && !config.require_reason);
}

#[test]
fn reads_every_key() {
    let config = parse(
        "rules: {latest-tag: error, digest-not-pinned: info, implicit-pull-policy: off}\nregistries:\n  public: [mirror.corp]\n  private: ['quay.io']\n  node-credentials: ['*.corp']\n  allowed: [registry.corp, 'docker.io/library/*']\npreloaded-images: ['registry.corp/base/*']\nexclude: [vendor]\nnamespace: team-a\nfail-on: error\nkubernetes-version: '1.34'\nsuppressions: {require-reason: true}\n",
    )
    .expect("valid");
    assert_eq!(
        config.kubernetes_version.map(|v| v.to_string()).as_deref(),
        Some("1.34")
    );
    assert_eq!(config.rules.len(), 3);
    assert_eq!(config.rules[2], ("implicit-pull-policy", Level::Off));
    assert_eq!(config.allowed, vec!["registry.corp", "docker.io/library/*"]);
    assert_eq!(config.namespace.as_deref(), Some("team-a"));
    assert_eq!(config.fail_on, Some(FailOn::Error));
    assert!(config.require_reason);
    let mut settings = Settings::default();
    config.apply(&mut settings).unwrap();
    assert!(settings.is_enabled("digest-not-pinned"));
    assert!(!settings.is_enabled("implicit-pull-policy"));
    assert_eq!(
        settings.severity(crate::rules::by_name("latest-tag").unwrap()),
        Severity::Error
    );
    let class = |image: &str| {
        let reference = crate::image::ImageRef::parse(image).unwrap();
        settings.options.registries.classify(&reference)
    };
    assert_eq!(class("quay.io/org/app"), RegistryClass::Private);
    assert_eq!(class("a.corp/app"), RegistryClass::NodeCredentials);
    assert_eq!(settings.options.kubernetes_version.to_string(), "1.34");
}

/// Classes per repository prefix, anchored at a path boundary; the longest prefix wins.
#[test]
fn registry_classes_by_prefix() {
    let config = parse(
        "registries:\n  private: [ghcr.io/my-org, harbor.corp]\n  public: [harbor.corp/library, ghcr.io]\n",
    )
    .expect("valid");
    let mut settings = Settings::default();
    config.apply(&mut settings).unwrap();
    let class = |image: &str| {
        let reference = crate::image::ImageRef::parse(image).unwrap();
        settings.options.registries.classify(&reference)
    };
    assert_eq!(class("ghcr.io/my-org/app:1"), RegistryClass::Private);
    assert_eq!(class("ghcr.io/my-org:1"), RegistryClass::Private);
    assert_eq!(
        class("ghcr.io/my-organisation/app:1"),
        RegistryClass::Public
    );
    assert_eq!(class("harbor.corp/team/app:1"), RegistryClass::Private);
    assert_eq!(class("harbor.corp/library/base:1"), RegistryClass::Public);
    assert_eq!(
        class("harbor.corp/library-x/base:1"),
        RegistryClass::Private
    );
    // Not configured: the built-in guess.
    assert_eq!(class("localhost:5000/app"), RegistryClass::Loopback);
    let reference = crate::image::ImageRef::parse("ghcr.io/my-org/app").unwrap();
    assert_eq!(
        settings.options.registries.configured_pattern(&reference),
        Some("ghcr.io/my-org")
    );
}

#[test]
fn every_mistake_is_located() {
    let errors = parse("rulez: {}\nrules:\n  latest-tag: fatal\n  no-such-rule: error\nexclude: ['a[']\nfail-on: sometimes\n").unwrap_err();
    let located: Vec<(usize, usize)> = errors.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(located, vec![(1, 1), (3, 15), (4, 3), (5, 11), (6, 10)]);
    assert!(errors[0].2.contains("unknown key `rulez`"));
    assert!(errors[1].2.contains("invalid level `fatal`"));
    assert!(errors[2].2.contains("unknown rule `no-such-rule`"));
    assert!(errors[3].2.contains("invalid exclude pattern `a[`"));
}

#[test]
fn syntax_errors_and_wrong_shapes() {
    assert!(parse("rules: [\n").is_err());
    let errors = parse("- a\n").unwrap_err();
    assert!(errors[0].2.contains("must be a mapping"));
    assert!(parse("").is_ok());
}

#[test]
fn discovery_stops_at_the_git_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let deep = repo.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    assert_eq!(discover(&deep, None).0, None);
    std::fs::write(repo.join(FILE_NAME), "").unwrap();
    assert_eq!(discover(&deep, None).0, Some(repo.join(FILE_NAME)));
}

/// Outside a checkout the search stops at the user's home, not at `/`.
#[test]
fn discovery_stops_at_home() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home/me");
    let deep = home.join("work/k8s");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(dir.path().join("home").join(FILE_NAME), "").unwrap();
    assert_eq!(discover(&deep, Some(&home)).0, None);
    std::fs::write(home.join(FILE_NAME), "").unwrap();
    assert_eq!(discover(&deep, Some(&home)).0, Some(home.join(FILE_NAME)));
}

/// The `online` keys, in both forms, and their mistakes located.
#[test]
fn online_keys() {
    let parse = |text: &str| {
        let source = SourceFile::new(".pullcheck.yaml".into(), None, text.into());
        Config::parse(&source)
    };
    let config = parse("online: true\n").unwrap();
    assert_eq!(config.online.enabled, Some(true));
    let config = parse(
        "online: {enabled: true, platforms: [linux/arm64], timeout: 2.5s, concurrency: 3, cache: false, cache-ttl: 60}\nregistries: {insecure: [mirror.corp:5000], ca: [ca.pem]}\n",
    )
    .unwrap();
    let mut settings = crate::settings::Settings::default();
    config.apply(&mut settings).unwrap();
    let online = settings.online.expect("enabled");
    assert_eq!(online.platforms, ["linux/arm64"]);
    assert_eq!(online.timeout, std::time::Duration::from_millis(2500));
    assert_eq!(online.concurrency, 3);
    assert!(online.cache.is_none());
    assert_eq!(online.insecure, ["mirror.corp:5000"]);
    let errors = parse("online: {timeout: soon, colour: red}\n").unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
}
