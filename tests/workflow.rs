//! The configuration file, suppressions, and the subcommands around them.

mod common;

use common::*;

const LATEST_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n      imagePullPolicy: Always\n";

#[test]
fn the_config_file_is_found_up_to_the_repository_root_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir(repo.join(".git")).unwrap();
    write(
        repo,
        ".pullcheck.yaml",
        "rules: {latest-tag: error}\nfail-on: never\nnamespace: team-a\n",
    );
    write(repo, "k8s/deep/pod.yaml", LATEST_POD);
    let deep = repo.join("k8s/deep");
    let out = run(&deep, &["--format", "json", "pod.yaml"]);
    // fail-on: never from the file.
    assert_eq!(out.status.code(), Some(0));
    let value = json(&out);
    assert_eq!(value["diagnostics"][0]["severity"], "error");
    assert_eq!(value["diagnostics"][0]["object"]["namespace"], "team-a");
    // Flags win.
    let out = run(
        &deep,
        &[
            "--format",
            "json",
            "--fail-on",
            "error",
            "--namespace",
            "ns",
            "pod.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["diagnostics"][0]["object"]["namespace"], "ns");
    // --config names another file.
    write(repo, "other.yaml", "rules: {latest-tag: off}\n");
    let out = run(
        &deep,
        &[
            "--format",
            "json",
            "--config",
            "../../other.yaml",
            "pod.yaml",
        ],
    );
    assert!(findings(&json(&out)).is_empty());
}

#[test]
fn config_mistakes_point_into_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".pullcheck.yaml",
        "rules:\n  latest-tag: fatal\nregistries:\n  public: ['a[']\nexclud: []\n",
    );
    write(dir.path(), "pod.yaml", LATEST_POD);
    let out = run(dir.path(), &["pod.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    for needle in [
        ".pullcheck.yaml:2:15",
        "invalid level `fatal`",
        ".pullcheck.yaml:4:12",
        "invalid public pattern `a[`",
        ".pullcheck.yaml:5:1",
        "unknown key `exclud`",
        "3 problem(s) in the configuration",
    ] {
        assert!(err.contains(needle), "{needle} missing from:\n{err}");
    }
    let out = run(dir.path(), &["--config", ".", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}

#[test]
fn registries_and_excludes_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".pullcheck.yaml",
        "registries:\n  public: [harbor.corp]\n  allowed: [harbor.corp, 'docker.io/library/*']\nexclude: [vendor]\nrules: {implicit-pull-policy: off}\n",
    );
    write(
        d,
        "a.yaml",
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: 'harbor.corp/app:1'}\n    - {name: b, image: 'quay.io/org/app:1'}\n",
    );
    write(d, "vendor/b.yaml", LATEST_POD);
    let rules: Vec<String> = findings(&json(&run(d, &["--format", "json"])))
        .into_iter()
        .map(|f| f.0)
        .collect();
    // harbor.corp is public (no missing-pull-secret); quay.io is not allowed; vendor/ skipped.
    assert_eq!(rules, vec!["disallowed-registry"]);
}

#[test]
fn init_writes_a_starter_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join(".pullcheck.yaml").is_file());
    assert_eq!(run(dir.path(), &["init"]).status.code(), Some(2));
    assert_eq!(run(dir.path(), &["init", "--force"]).status.code(), Some(0));
    write(dir.path(), "pod.yaml", LATEST_POD);
    assert_eq!(run(dir.path(), &["pod.yaml"]).status.code(), Some(1));
}

#[test]
fn suppressions_hide_count_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "pod.yaml",
        "kind: Pod\nmetadata:\n  name: p\n  annotations: {pullcheck.dev/ignore: \"missing-tag -- base image, rebuilt nightly\"}\nspec:\n  containers:\n    - name: a\n      image: nginx:latest  # pullcheck-ignore: latest-tag -- pinned by the operator\n      imagePullPolicy: Always\n    - name: b\n      image: redis\n      imagePullPolicy: Always\n",
    );
    let out = run(d, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "suppressed findings never fail a run"
    );
    assert!(
        stdout(&out).ends_with("0 errors, 0 warnings (2 suppressed)\n"),
        "{}",
        stdout(&out)
    );

    let value = json(&run(d, &["--format", "json"]));
    assert!(findings(&value).is_empty());
    assert_eq!(value["summary"]["suppressed"], 2);
    let value = json(&run(d, &["--format", "json", "--show-suppressed"]));
    let listed = value["diagnostics"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["suppressed"]["kind"], "comment");
    assert_eq!(
        listed[0]["suppressed"]["justification"],
        "pinned by the operator"
    );
    assert_eq!(listed[1]["suppressed"]["kind"], "annotation");
    assert_eq!(
        listed[1]["suppressed"]["justification"],
        "base image, rebuilt nightly"
    );

    let sarif = json(&run(d, &["--format", "sarif"]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        results[0]["suppressions"][0]["justification"],
        "pinned by the operator"
    );

    let human = stdout(&run(d, &["--show-suppressed"]));
    assert!(
        human.contains("suppressed by comment: pinned by the operator"),
        "{human}"
    );
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".pullcheck.yaml",
        "rules: {digest-not-pinned: warning, latest-tag: off}\n",
    );
    let listing = stdout(&run(dir.path(), &["rules"]));
    let line = |rule: &str| {
        listing
            .lines()
            .find(|l| l.starts_with(&format!("{rule} ")))
            .unwrap()
            .to_string()
    };
    assert!(
        line("digest-not-pinned").contains("warning") && line("digest-not-pinned").contains(" on ")
    );
    assert!(line("latest-tag").contains(" off "));
    assert!(line("missing-tag").contains("warning"));
    let explained = stdout(&run(dir.path(), &["explain", "missing-tag"]));
    assert!(explained.starts_with("missing-tag\n"), "{explained}");
    assert!(explained.contains("How to fix it"));
    assert!(!explained.contains("```") && !explained.contains("<!--"));
    assert_eq!(run(dir.path(), &["explain", "nope"]).status.code(), Some(2));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&root(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("pullcheck"), "{shell}");
        assert!(stdout(&out).contains("show-suppressed"), "{shell}");
    }
    let man = stdout(&run(&root(), &["man"]));
    assert!(man.starts_with(".ie") || man.contains(".TH"), "{man}");
    assert!(man.contains("pullcheck"));
}

/// Outside a checkout, discovery stops at the user's home: a `.pullcheck.yaml` above it (in
/// `/home` or `/tmp`, written by anyone) does not decide what is checked. stderr says which
/// file applied.
#[test]
fn config_discovery_stops_at_home_and_says_which_file_applied() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".pullcheck.yaml", "exclude: ['**']\n");
    let home = d.join("home");
    write(
        &home,
        "k8s/pod.yaml",
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n",
    );
    let out = pullcheck(&home.join("k8s"))
        .env("HOME", &home)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out)["config"], serde_json::Value::Null);
    assert!(!stderr(&out).contains("configuration"), "{}", stderr(&out));
    write(&home, ".pullcheck.yaml", "rules: {missing-tag: off}\n");
    let out = pullcheck(&home.join("k8s"))
        .env("HOME", &home)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let config = home.join(".pullcheck.yaml").display().to_string();
    assert_eq!(json(&out)["config"], config.as_str());
    assert!(
        stderr(&out).contains(&format!("pullcheck: configuration: {config}")),
        "{}",
        stderr(&out)
    );
}

/// A configuration that is not YAML at all (a key file named by mistake) shows the failing
/// line, nothing around it.
#[test]
fn a_config_error_shows_one_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "id_rsa",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nc2VjcmV0c2VjcmV0c2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    write(d, "pod.yaml", "kind: Pod\n");
    let out = run(d, &["--config", "id_rsa", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("BEGIN OPENSSH"), "{err}");
    for line in ["b3BlbnNzaC1rZXkt", "c2VjcmV0", "END OPENSSH"] {
        assert!(!err.contains(line), "{line} printed:\n{err}");
    }
}
