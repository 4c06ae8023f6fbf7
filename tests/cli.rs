//! The command line as a user meets it: inputs, exit codes, the JSON contract.

mod common;

use common::*;

/// One finding, missing-tag (the policy is written, so implicit-pull-policy is silent).
const UNTAGGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n      imagePullPolicy: Always\n";
const CLEAN_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27.3\n      imagePullPolicy: IfNotPresent\n";

#[test]
fn examples_have_findings_and_exit_1() {
    let out = run(&root(), &["examples/"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.ends_with(
            "11 files, 11 objects, 14 containers in 2 kustomize builds: 3 errors, 9 warnings\n"
        ),
        "{text}"
    );
    for rule in [
        "missing-tag",
        "latest-tag",
        "never-without-preload",
        "missing-pull-secret",
        "invalid-image",
    ] {
        assert!(text.contains(rule), "{rule} missing from:\n{text}");
    }
}

#[test]
fn clean_input_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", CLEAN_POD);
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "1 file, 1 object, 1 container: 0 errors, 0 warnings\n"
    );
}

#[test]
fn fail_on_decides_only_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", UNTAGGED_POD);
    for (fail_on, code) in [("warning", 1), ("info", 1), ("error", 0), ("never", 0)] {
        let out = run(dir.path(), &["--fail-on", fail_on, "--format", "json"]);
        assert_eq!(out.status.code(), Some(code), "--fail-on {fail_on}");
        assert_eq!(
            findings(&json(&out)).len(),
            1,
            "--fail-on {fail_on} still lists everything"
        );
    }
}

#[test]
fn stdin_is_read_and_named() {
    let out = pullcheck(&root())
        .args(["--format", "json", "--stdin-filename", "rendered.yaml", "-"])
        .write_stdin(UNTAGGED_POD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&json(&out)),
        vec![("missing-tag".into(), "rendered.yaml".into(), 8, 14)]
    );
    let out = pullcheck(&root())
        .args(["--format", "json", "-"])
        .write_stdin(UNTAGGED_POD)
        .output()
        .unwrap();
    assert_eq!(json(&out)["diagnostics"][0]["file"], "<stdin>");
}

#[test]
fn json_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pod.yaml",
        &format!("{UNTAGGED_POD}---\nnot: an object\n---\n[broken\n"),
    );
    let value = json(&run(dir.path(), &["--format", "json", "pod.yaml"]));
    assert_eq!(value["version"], 1);
    let d = &value["diagnostics"][0];
    assert_eq!(d["rule"], "missing-tag");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], "pod.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(8), Some(14))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(8), Some(19))
    );
    assert_eq!(
        d["object"],
        serde_json::json!({"kind": "Pod", "name": "p", "namespace": "default"})
    );
    assert_eq!(d["container"], "c");
    assert_eq!(d["image"], "nginx");
    assert_eq!(d["effective_pull_policy"], "Always");
    assert_eq!(d["explicit_pull_policy"], true);
    assert!(d["message"].as_str().unwrap().contains("nginx"));
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .contains("Pin a version tag or digest")
    );
    let parse_error = &value["diagnostics"][1];
    assert_eq!(parse_error["rule"], "parse-error");
    assert_eq!(parse_error["severity"], "error");
    assert_eq!(parse_error["object"], serde_json::Value::Null);
    assert_eq!(parse_error["image"], serde_json::Value::Null);
    assert_eq!(
        value["summary"],
        serde_json::json!({
            "files": 1, "documents": 3, "objects": 1, "containers": 1,
            "diagnostics": {"error": 1, "warning": 1, "info": 0},
            "suppressed": 0
        })
    );
}

#[test]
fn namespace_flag_sets_the_default_namespace() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", UNTAGGED_POD);
    let value = json(&run(
        dir.path(),
        &["--format", "json", "--namespace", "team-a"],
    ));
    assert_eq!(value["diagnostics"][0]["object"]["namespace"], "team-a");
}

#[test]
fn service_accounts_resolve_across_files() {
    let shop = root().join("examples/shop");
    let alone = json(&run(
        &shop,
        &[
            "--format",
            "json",
            "--disable",
            "implicit-pull-policy",
            "worker.yaml",
        ],
    ));
    assert_eq!(findings(&alone)[0].0, "missing-pull-secret");
    let message = alone["diagnostics"][0]["help"].as_str().unwrap();
    assert!(message.contains("not in the input"), "{message}");
    let together = json(&run(
        &shop,
        &[
            "--format",
            "json",
            "--disable",
            "implicit-pull-policy",
            "worker.yaml",
            "serviceaccount.yaml",
        ],
    ));
    assert!(findings(&together).is_empty());
}

/// git's global excludes (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore`) and
/// the rules of the folders above the one walked count too, on one thread as on two, as
/// ripgrep's `ignore` applies them.
#[test]
fn walking_honours_global_excludes_and_the_rules_above_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "config/git/ignore", "*.skip.yaml\n");
    write(d, "repo/.gitignore", "/k8s/generated/\n");
    write(d, "repo/.git/info/exclude", "local.yaml\n");
    write(d, "repo/k8s/a.yaml", UNTAGGED_POD);
    write(d, "repo/k8s/b.skip.yaml", UNTAGGED_POD);
    write(d, "repo/k8s/generated/c.yaml", UNTAGGED_POD);
    write(d, "repo/k8s/sub/local.yaml", UNTAGGED_POD);
    write(d, "repo/k8s/sub/.ignore", "!local.yaml\n");
    write(d, "repo/k8s/sub/d.yaml", UNTAGGED_POD);
    for threads in ["1", "2"] {
        let out = pullcheck(&d.join("repo"))
            .env("HOME", d)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .args(["--format", "json", "--threads", threads, "k8s"])
            .output()
            .unwrap();
        let mut files: Vec<_> = findings(&json(&out)).into_iter().map(|f| f.1).collect();
        files.dedup();
        // `.ignore` comes before `.git/info/exclude`: it lets `local.yaml` back in.
        assert_eq!(
            files,
            vec!["k8s/a.yaml", "k8s/sub/d.yaml", "k8s/sub/local.yaml"],
            "{threads} thread(s)"
        );
    }
}

#[test]
fn walking_honours_ignore_files_hidden_entries_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.yaml", UNTAGGED_POD);
    write(d, "sub/b.yml", UNTAGGED_POD);
    write(
        d,
        "sub/c.json",
        r#"{"kind": "Pod", "metadata": {"name": "j"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}"#,
    );
    write(d, "notes.txt", UNTAGGED_POD);
    write(d, "ignored/d.yaml", UNTAGGED_POD);
    write(d, ".gitignore", "ignored/\n");
    write(d, ".hidden/e.yaml", UNTAGGED_POD);
    write(d, "vendor/f.yaml", UNTAGGED_POD);
    let files = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let mut files: Vec<_> = findings(&json(&run(d, &args)))
            .into_iter()
            .map(|f| f.1)
            .collect();
        files.dedup();
        files
    };
    assert_eq!(
        files(&[]),
        vec!["a.yaml", "sub/b.yml", "sub/c.json", "vendor/f.yaml"]
    );
    assert_eq!(
        files(&["--exclude", "vendor"]),
        vec!["a.yaml", "sub/b.yml", "sub/c.json"]
    );
    assert_eq!(
        files(&["--exclude", "*.json", "--exclude", "vendor/**"]),
        vec!["a.yaml", "sub/b.yml"]
    );
    // Named explicitly, a file is linted whatever its extension.
    assert_eq!(
        files(&["notes.txt", "sub"]),
        vec!["notes.txt", "sub/b.yml", "sub/c.json"]
    );
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let out = run(&root(), &["no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err, "pullcheck: no/such/dir: no such file or directory\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_rules_and_bad_flags_are_usage_errors() {
    let out = run(&root(), &["--enable", "nope", "examples"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown rule `nope`") && err.contains("missing-tag"),
        "{err}"
    );
    assert_eq!(run(&root(), &["--format", "xml"]).status.code(), Some(2));
    assert_eq!(
        run(&root(), &["--threads", "0", "examples"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&root(), &["--preloaded", "a[", "examples"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn disable_and_preloaded_flags_work() {
    let out = run(
        &root(),
        &[
            "--format",
            "json",
            "--disable",
            "missing-pull-secret",
            "--disable",
            "implicit-pull-policy",
            "--preloaded",
            "reports/*",
            "examples/shop",
            "examples/batch",
        ],
    );
    let rules: Vec<_> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    // never-without-preload is satisfied by the glob; missing-pull-secret is off.
    assert_eq!(
        rules,
        vec!["latest-tag", "missing-tag", "pull-secret-registry-mismatch"]
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = shared("corpus").unwrap_or_else(|| root().join("examples"));
    let one = run(&dir, &["--format", "json", "--threads", "1"]);
    let many = run(&dir, &["--format", "json", "--threads", "8"]);
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
    let one = run(&root(), &["--threads", "1", "examples"]);
    let many = run(&root(), &["--threads", "8", "examples"]);
    assert_eq!(stdout(&one), stdout(&many));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", UNTAGGED_POD);
    let plain = stdout(&run(dir.path(), &[]));
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let coloured = stdout(&run(dir.path(), &["--color", "always"]));
    assert!(coloured.contains('\u{1b}'));
}

#[test]
fn a_file_that_is_not_utf8_is_a_parse_error_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yaml"), b"kind: Pod\nname: \xff\xfe\n").unwrap();
    write(dir.path(), "good.yaml", UNTAGGED_POD);
    let value = json(&run(dir.path(), &["--format", "json"]));
    let found = findings(&value);
    assert_eq!(found[0].0, "parse-error");
    assert_eq!(
        (found[0].1.as_str(), found[0].2, found[0].3),
        ("bad.yaml", 2, 7)
    );
    assert_eq!(found[1].0, "missing-tag");
}

#[test]
fn closing_the_pipe_early_is_quiet() {
    // `pullcheck | head -1`: the reader goes away after one line of a long output; pullcheck
    // must neither panic nor complain.
    let dir = shared("corpus").unwrap_or_else(|| root().join("examples"));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --quiet --format json . | head -1",
            assert_cmd::cargo::cargo_bin("pullcheck").display()
        ))
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn help_explains_usage() {
    let out = run(&root(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "helm template ./chart | pullcheck -",
        "--fail-on",
        "--preloaded",
        "Exit status",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

const SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: harbor, namespace: ci}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"harbor.corp:8443\": {\"auth\": \"eDp5\"}}}'\n";
const ACCOUNT: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: ci}\nimagePullSecrets: [{name: harbor}]\n";
const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: build, namespace: ci}\nspec:\n  template:\n    spec:\n      serviceAccountName: builder\n      containers:\n        - name: c\n          image: harbor.corp:8443/ci/builder:1.0\n          imagePullPolicy: IfNotPresent\n";

#[test]
fn credentials_resolve_across_three_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/secret.yaml", SECRET);
    write(d, "b/account.yaml", ACCOUNT);
    write(d, "c/deployment.yaml", DEPLOYMENT);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        findings(&json(&run(d, &all)))
            .into_iter()
            .map(|f| f.0)
            .collect()
    };
    // All three: the secret covers the image, nothing to say.
    assert!(rules(&[]).is_empty());
    // Without the account, nothing reaches the pod.
    assert_eq!(rules(&["a", "c"]), vec!["missing-pull-secret"]);
    // The account without its secret: the secret may exist in the cluster, so no claim.
    assert!(rules(&["b", "c"]).is_empty());
    // A secret for another registry: the pull is Unauthorized.
    let other = SECRET.replace("harbor.corp:8443", "harbor.corp");
    write(d, "a/secret.yaml", &other);
    assert_eq!(rules(&[]), vec!["pull-secret-registry-mismatch"]);
    // The same from stdin: the pipe counts as one more file.
    let out = pullcheck(d)
        .args(["--format", "json", "b", "c", "-"])
        .write_stdin(SECRET)
        .output()
        .unwrap();
    assert!(findings(&json(&out)).is_empty());
}

#[test]
fn images_lists_the_pull_plan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "all.yaml",
        &format!("{SECRET}---\n{ACCOUNT}---\n{DEPLOYMENT}---\n{UNTAGGED_POD}"),
    );
    let plain = run(d, &["images", "--format", "plain"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert_eq!(
        stdout(&plain),
        "docker.io/library/nginx\nharbor.corp:8443/ci/builder:1.0\n"
    );
    let table = stdout(&run(d, &["images"]));
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("IMAGE") && lines[0].contains("CREDENTIALS"),
        "{table}"
    );
    assert!(
        lines[2].contains("ServiceAccount builder secret harbor"),
        "{table}"
    );
    assert!(lines[2].contains("Deployment ci/build (c)"), "{table}");
    let value = json(&run(d, &["images", "--format", "json"]));
    let first = &value["images"][1];
    assert_eq!(first["image"], "harbor.corp:8443/ci/builder:1.0");
    assert_eq!(first["class"], "private");
    assert_eq!(first["pull_policies"], serde_json::json!(["IfNotPresent"]));
    assert_eq!(first["used_by"][0]["file"], "all.yaml");
    assert_eq!(first["used_by"][0]["line"], 22);
    // A directory called like the subcommand is still reachable.
    write(d, "images/pod.yaml", UNTAGGED_POD);
    let out = run(d, &["--format", "json", "./images"]);
    assert_eq!(findings(&json(&out)).len(), 1);
}

#[test]
fn the_readme_json_example_matches_the_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let after = readme
        .split_once("`--format json` prints one object:")
        .unwrap()
        .1;
    let block = after
        .split_once("```json\n")
        .unwrap()
        .1
        .split_once("```")
        .unwrap()
        .0;
    let documented: serde_json::Value =
        serde_json::from_str(block).expect("README example is JSON");
    let actual = json(&run(&root(), &["--format", "json", "examples"]));
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&documented), keys(&actual));
    assert_eq!(keys(&documented["summary"]), keys(&actual["summary"]));
    // The documented diagnostic is the example's real missing-tag finding, field for field
    // (help shortened in the README).
    let real = actual["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "missing-tag")
        .unwrap();
    let shown = &documented["diagnostics"][0];
    assert_eq!(keys(shown), keys(real));
    for field in [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "object",
        "container",
        "image",
        "effective_pull_policy",
        "explicit_pull_policy",
        "helm_source",
    ] {
        assert_eq!(shown[field], real[field], "{field}");
    }
    assert_eq!(documented["summary"], actual["summary"]);
}

#[test]
fn timings_go_to_stderr_and_change_nothing_else() {
    let plain = run(&root(), &["--format", "json", "examples/"]);
    let timed = pullcheck(&root())
        .env("PULLCHECK_TIMINGS", "1")
        .args(["--format", "json", "examples/"])
        .output()
        .unwrap();
    assert_eq!(plain.stdout, timed.stdout);
    assert_eq!(plain.status.code(), timed.status.code());
    let err = stderr(&timed);
    for phase in ["discover", "read", "parse and extract", "rules", "output"] {
        assert!(
            err.contains(&format!("ms {phase}\n")),
            "{phase} missing:\n{err}"
        );
    }
    assert!(!stderr(&plain).contains("timings"));
}

/// Image volumes (`volumes[].image`) are pulled by the kubelet like container images; a pod
/// list of entries without a name (`getPullSecretsForPod` skips them) blocks the
/// ServiceAccount's secrets (`plugin/pkg/admission/serviceaccount`), so no credentials are used.
#[test]
fn images_lists_image_volumes_and_the_credentials_really_used() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ci}\nspec:\n  serviceAccountName: builder\n  imagePullSecrets: [{name: \"\"}]\n  containers: [{name: c, image: \"harbor.corp:8443/ci/app:1\"}]\n  volumes:\n    - name: models\n      image: {reference: \"harbor.corp:8443/ci/models:2\", pullPolicy: IfNotPresent}\n";
    write(d, "all.yaml", &format!("{SECRET}---\n{ACCOUNT}---\n{pod}"));
    let value = json(&run(d, &["images", "--format", "json"]));
    let images = value["images"].as_array().unwrap();
    let names: Vec<&str> = images
        .iter()
        .map(|i| i["image"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["harbor.corp:8443/ci/app:1", "harbor.corp:8443/ci/models:2"]
    );
    let volume = &images[1]["used_by"][0];
    assert_eq!(volume["container"], "models");
    assert_eq!(volume["image_volume"], true);
    assert!(images[0]["used_by"][0].get("image_volume").is_none());
    for image in images {
        assert_eq!(image["credentials"], serde_json::json!(["none"]), "{image}");
    }
    let table = stdout(&run(d, &["images"]));
    assert!(table.contains("Pod ci/p (image volume models)"), "{table}");
    let lint = json(&run(d, &["--format", "json"]));
    let found: Vec<(String, u64)> = findings(&lint).into_iter().map(|f| (f.0, f.2)).collect();
    assert!(
        found.contains(&("invalid-pull-secret-entry".into(), 18)),
        "{found:?}"
    );
    assert!(
        found.contains(&("missing-pull-secret".into(), 19)),
        "{found:?}"
    );
    assert!(
        found.contains(&("missing-pull-secret".into(), 22)),
        "{found:?}"
    );
    let volume_finding = lint["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == 22)
        .unwrap();
    assert_eq!(volume_finding["volume"], "models");
    assert!(volume_finding["container"].is_null());
}

#[test]
fn kubernetes_version_is_a_flag_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pod.yaml", UNTAGGED_POD);
    let out = run(
        d,
        &["--kubernetes-version", "1.34", "--format", "json", "."],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(d, &["--kubernetes-version", "latest", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid Kubernetes version `latest`"),
        "{}",
        stderr(&out)
    );
}

/// A flag that takes one value may be given again: the last one counts, so a wrapper (the
/// GitHub Action) can add `--fail-on never` after a user's `--fail-on error`. Repeatable flags
/// still add up.
#[test]
fn a_repeated_flag_takes_the_last_value() {
    let out = run(
        &root(),
        &["--fail-on", "error", "--fail-on", "never", "examples/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(
        &root(),
        &["--format", "json", "--format", "compact", "examples/"],
    );
    assert!(stdout(&out).starts_with("examples/"), "{}", stdout(&out));
    let out = run(
        &root(),
        &[
            "--format",
            "compact",
            "--enable",
            "digest-not-pinned",
            "--enable",
            "implicit-pull-policy",
            "examples/",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("[digest-not-pinned]") && text.contains("[implicit-pull-policy]"));
}

/// `--statistics`: the findings per rule (errors first) and the summary line, nothing else.
#[test]
fn statistics_count_the_findings_per_rule() {
    let out = run(&root(), &["--statistics", "--format", "json", "examples/"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("1  error    invalid-image "), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("3  warning  latest-tag ")),
        "{text}"
    );
    assert_eq!(
        lines.last(),
        Some(&"11 files, 11 objects, 14 containers in 2 kustomize builds: 3 errors, 9 warnings")
    );
    // The same counts close the human output.
    let human = stdout(&run(&root(), &["--color", "never", "examples/"]));
    assert!(human.contains("\n  3  warning  latest-tag "), "{human}");
}

/// `--min-severity` hides findings from the output but not from the summary or the exit status.
#[test]
fn min_severity_hides_but_still_counts() {
    let out = run(
        &root(),
        &["--min-severity", "error", "--color", "never", "examples/"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        !text.contains("latest-tag") && text.contains("invalid-image"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "11 files, 11 objects, 14 containers in 2 kustomize builds: 3 errors, 9 warnings (9 below --min-severity not shown)\n"
        ),
        "{text}"
    );
    // Only warnings below it: the run still fails on them (--fail-on warning).
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", UNTAGGED_POD);
    let out = run(dir.path(), &["--min-severity", "error", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains("missing-tag"));
}

/// `--quiet`: the findings only, and no notes on standard error.
#[test]
fn quiet_prints_the_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", UNTAGGED_POD);
    write(dir.path(), ".pullcheck.yaml", "namespace: team\n");
    let out = run(dir.path(), &["-q", "--color", "never", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missing-tag"));
    assert!(!stdout(&out).contains("1 file"), "{}", stdout(&out));
    assert_eq!(stderr(&out), "");
    let loud = run(dir.path(), &["--color", "never", "pod.yaml"]);
    assert!(stderr(&loud).contains("pullcheck: configuration:"));
}

/// `helm template … | pullcheck -` in a shell without `pipefail`: when helm fails, standard
/// input is empty, and a run that lints nothing must not pass.
#[test]
fn empty_standard_input_is_an_error_unless_allowed() {
    for input in ["", "# Source: chart/templates/none.yaml\n---\n", "\n\n"] {
        let out = pullcheck(&root())
            .arg("-")
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(
            stderr(&out).contains("no Kubernetes objects found on standard input"),
            "{}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "");
    }
    let out = pullcheck(&root())
        .args(["images", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = pullcheck(&root())
        .args(["--allow-empty", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A parse error is not "empty": it is reported as such (exit 1).
    let out = pullcheck(&root())
        .arg("-")
        .write_stdin("kind: [\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("parse-error"));
}

/// A directory without YAML or JSON files is linted (nothing to find) with a warning, as ruff
/// warns when it finds no Python files.
#[test]
fn a_walk_that_finds_no_manifest_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes/readme.txt", "not yaml\n");
    let out = run(dir.path(), &["notes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("warning: notes: no *.yaml, *.yml or *.json file found"),
        "{}",
        stderr(&out)
    );
}

/// Whether util-linux `script` is there to give pullcheck a pseudo-terminal; in CI it must be.
fn have_script() -> bool {
    let found = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs util-linux `script`"
        );
        eprintln!("skipped: no `script` (util-linux) to give pullcheck a terminal");
    }
    found
}

/// `pullcheck -` at a terminal says it waits for input. util-linux `script` gives it one.
#[test]
fn reading_a_terminal_says_so() {
    if !have_script() {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("pullcheck");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("'{}' -", bin.display()), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reading manifests from standard input (end with Ctrl-D)"),
        "{text}"
    );
}

/// pre-commit names every changed file; `--force-exclude` applies `exclude` to them as to a
/// walk, including a folder in their path (ruff's `--force-exclude`).
#[test]
fn force_exclude_applies_to_named_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "vendor/chart/pod.yaml", UNTAGGED_POD);
    write(dir.path(), "k8s/pod.yaml", UNTAGGED_POD);
    write(dir.path(), ".pullcheck.yaml", "exclude: [vendor]\n");
    let files = ["vendor/chart/pod.yaml", "k8s/pod.yaml"];
    let named = run(dir.path(), &[&["--format", "compact"][..], &files].concat());
    assert!(
        stdout(&named).contains("vendor/chart/pod.yaml"),
        "{}",
        stdout(&named)
    );
    let forced = run(
        dir.path(),
        &[&["--format", "compact", "--force-exclude"][..], &files].concat(),
    );
    let text = stdout(&forced);
    assert!(!text.contains("vendor/"), "{text}");
    assert!(text.contains("k8s/pod.yaml"), "{text}");
    // A glob on the file name, and `./` in front of the name.
    let forced = run(
        dir.path(),
        &[
            "--format",
            "compact",
            "--force-exclude",
            "--exclude",
            "pod.yaml",
            "./k8s/pod.yaml",
        ],
    );
    assert_eq!(stdout(&forced), "");
}

/// Output follows the terminal's width (`COLUMNS`, else the terminal's own): help text wraps
/// between words, and the `images` and `rules` tables wrap or turn into blocks. Piped without
/// `COLUMNS`, output is as before (100 columns; tables as wide as their cells).
#[test]
fn output_fits_an_80_column_terminal() {
    let narrow = |args: &[&str]| {
        let out = pullcheck(&root())
            .env("COLUMNS", "80")
            .args(args)
            .output()
            .unwrap();
        stdout(&out)
    };
    let human = narrow(&["--color", "never", "examples/"]);
    for line in human.lines() {
        // Source lines and their labels are the manifest's own text: they are not wrapped.
        let code =
            line.trim_start().starts_with(|c: char| c.is_ascii_digit()) || line.contains('·');
        assert!(code || line.chars().count() <= 80, "{line:?}");
    }
    assert!(!human.contains("`lates\n"));
    let images = narrow(&["images", "examples/"]);
    // An image reference is never broken: a digest-pinned one is longer than 80 columns alone.
    assert!(
        images
            .lines()
            .all(|l| l.chars().count() <= 80 || !l.contains(' ')),
        "{images}"
    );
    assert!(
        images.contains("\n  used by: Deployment shop/storefront (web)\n"),
        "{images}"
    );
    let rules = narrow(&["rules"]);
    assert!(rules.starts_with("RULE "), "{rules}");
    assert!(
        rules
            .lines()
            .all(|l| l.chars().count() <= 80 || l.trim_start().len() > 24),
        "{rules}"
    );
    // Piped, without COLUMNS: the widths of before.
    let piped = pullcheck(&root())
        .env_remove("COLUMNS")
        .args(["images", "examples/"])
        .output()
        .unwrap();
    assert!(stdout(&piped).lines().any(|l| l.chars().count() > 100));
}

/// The terminal's own width, through a pseudo-terminal that util-linux `script` opens.
#[test]
fn output_follows_the_terminal_width() {
    if !have_script() {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("pullcheck");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("stty cols 72 rows 40; '{}' rules", bin.display()),
            "/dev/null",
        ])
        .env_remove("COLUMNS")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let duplicate = text
        .lines()
        .find(|l| l.starts_with("duplicate-key"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(duplicate.chars().count() <= 72, "{duplicate:?}");
    // Summaries wrap under their column.
    assert!(text.contains(&format!("\n{:47}a pod spec", "")), "{text}");
}

/// The README's first sample is a real report of `pullcheck examples/`, verbatim.
#[test]
fn the_readme_sample_is_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let sample = readme
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .unwrap()
        .0;
    let out = run(&root(), &["--color", "never", "examples/"]);
    assert!(
        stdout(&out).contains(sample),
        "README sample:\n{sample}\nnot in:\n{}",
        stdout(&out)
    );
}

/// Rule names: a close misspelling gets a suggestion, on the command line and in the
/// configuration; lists may be comma-separated; completion scripts offer the names.
#[test]
fn rule_names_are_suggested_and_completed() {
    let out = run(&root(), &["--enable", "lates-tag", "examples/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown rule `lates-tag`; did you mean `latest-tag`?"),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".pullcheck.yaml",
        "rules:\n  implicit-pull-polcy: info\n",
    );
    write(dir.path(), "pod.yaml", CLEAN_POD);
    let out = run(dir.path(), &["--color", "never", "pod.yaml"]);
    assert!(
        stderr(&out).contains("did you mean `implicit-pull-policy`?"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &root(),
        &[
            "--format",
            "compact",
            "--enable",
            "digest-not-pinned,implicit-pull-policy",
            "examples/",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("[digest-not-pinned]") && text.contains("[implicit-pull-policy]"));
    let bash = stdout(&run(&root(), &["completions", "bash"]));
    assert!(
        bash.contains("mutable-tag-if-not-present"),
        "rule names in completions"
    );
}

/// `pullcheck man` refers to pullcheck-images(1) and the others; `pullcheck man images`
/// prints that page.
#[test]
fn every_man_page_it_refers_to_exists() {
    let main = stdout(&run(&root(), &["man"]));
    let referred: Vec<String> = main
        .split("pullcheck\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name.to_string()))
        .collect();
    assert!(referred.contains(&"images".to_string()), "{main}");
    for name in referred {
        let out = run(&root(), &["man", &name]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!(".TH pullcheck-{name} 1")),
            "{name}"
        );
    }
}

/// A repository holding a Helm chart's sources: the templates are Go template text, not
/// manifests. They are skipped with one note per chart saying how to lint it, named or walked
/// (pre-commit names them); `--lint-templates` lints them as they are.
#[test]
fn helm_chart_sources_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    write(
        d,
        "charts/web/values.yaml",
        "image: {repository: nginx, tag: \"1.27\"}\n",
    );
    write(
        d,
        "charts/web/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n{{- if .Values.sidecar }}\n        - name: sidecar\n{{- end }}\n",
    );
    write(
        d,
        "charts/web/conf/extra.yaml",
        "{{- if .Values.extra }}\nkind: ConfigMap\n{{- end }}\n",
    );
    write(d, "k8s/pod.yaml", UNTAGGED_POD);
    let out = run(d, &["--format", "compact", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("k8s/pod.yaml") && !text.contains("charts/"),
        "{text}"
    );
    let notes = stderr(&out);
    assert!(
        notes.contains(
            "note: skipped 1 Helm template of the chart in charts/web/; lint what it renders: \
             helm template charts/web | pullcheck --chart-dir charts/web -"
        ),
        "{notes}"
    );
    assert!(
        notes.contains("note: skipped charts/web/conf/extra.yaml: Go template text"),
        "{notes}"
    );
    // Named explicitly, as pre-commit does: skipped all the same.
    let named = run(d, &["charts/web/templates/deployment.yaml", "k8s/pod.yaml"]);
    assert!(
        !stdout(&named).contains("parse-error"),
        "{}",
        stdout(&named)
    );
    // Forced: the template is linted, and does not parse.
    let forced = run(
        d,
        &[
            "--format",
            "compact",
            "--lint-templates",
            "charts/web/templates/deployment.yaml",
        ],
    );
    assert!(
        stdout(&forced).contains("[parse-error]"),
        "{}",
        stdout(&forced)
    );
}

/// A stream of manifests with one unrendered template among them (`cat *.yaml | pullcheck -`)
/// is not skipped whole as a template: its manifests are linted, and the template document is
/// the parse error `kubectl apply` would meet.
#[test]
fn a_stream_with_one_template_document_is_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    let stream = format!(
        "{UNTAGGED_POD}---\n{{{{- if .Values.extra }}}}\nkind: ConfigMap\n{{{{- end }}}}\n---\n{UNTAGGED_POD}"
    );
    let out = pullcheck(dir.path())
        .args(["--format", "compact", "-"])
        .write_stdin(stream)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(text.matches("[missing-tag]").count(), 2, "{text}");
    assert_eq!(text.matches("[parse-error]").count(), 1, "{text}");
    assert!(
        !stderr(&out).contains("Go template text"),
        "{}",
        stderr(&out)
    );
}

/// `--format markdown` (the Action's job summary) counts per rule, lists the most severe
/// findings first, and says when GitHub's 10 annotations per type and step leave some out.
#[test]
fn the_markdown_report_notes_the_annotation_limit() {
    let dir = tempfile::tempdir().unwrap();
    let pods: String = (0..12)
        .map(|i| format!("---\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers: [{{name: c, image: nginx, imagePullPolicy: Always}}]\n"))
        .collect();
    write(dir.path(), "pods.yaml", &pods);
    write(
        dir.path(),
        "bad.yaml",
        "kind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: Nginx, imagePullPolicy: Always}]\n",
    );
    let out = run(dir.path(), &["--format", "markdown", "."]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("| 12 | warning | `missing-tag` |"), "{text}");
    // The error comes first among the listed findings.
    let listed = text.split("| where | rule | finding |").nth(1).unwrap();
    assert!(
        listed
            .lines()
            .nth(2)
            .unwrap()
            .contains("error `invalid-image`"),
        "{listed}"
    );
    assert!(
        text.contains("The first 20 of")
            || text.lines().filter(|l| l.starts_with("| `")).count() == 13
    );
    assert!(
        text.contains("GitHub shows at most 10 annotations of each type per step: 2 of these findings have none"),
        "{text}"
    );
}
