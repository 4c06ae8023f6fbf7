//! The pre-commit hooks, the GitHub Action's script, and the README snippets that show them.

mod common;

use std::path::Path;

use common::*;
use pullcheck::source::SourceFile;
use pullcheck::testing::{Document, NodeId, parse_stream};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: build, namespace: ci}\nspec:\n  template:\n    spec:\n      serviceAccountName: builder\n      containers:\n        - {name: c, image: 'harbor.corp/ci/builder:1.0', imagePullPolicy: IfNotPresent}\n";
const ACCOUNT: &str = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: ci}\nimagePullSecrets: [{name: harbor}]\n";

fn parse(text: &str) -> (SourceFile, Document) {
    let source = SourceFile::new("t.yaml".into(), None, text.into());
    let mut docs = parse_stream(&source);
    assert!(docs[0].error.is_none(), "{:?}", docs[0].error);
    let doc = docs.remove(0).document;
    (source, doc)
}

fn get<'d>(doc: &'d Document, node: NodeId, key: &str) -> Option<&'d str> {
    doc.get(node, key).and_then(|v| doc.str(v))
}

/// The fenced code block after `<!-- snippet:NAME -->` in the README.
fn readme_snippet(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- snippet:{name} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README has {marker}"))
        .1;
    let block = after.split_once("```").unwrap().1;
    let block = block.split_once('\n').unwrap().1;
    block.split_once("```").unwrap().0.to_string()
}

#[test]
fn pre_commit_hooks_run_the_binary() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let (_, doc) = parse(&text);
    let hooks: Vec<NodeId> = doc.items(doc.root().unwrap()).collect();
    let find = |id: &str| {
        *hooks
            .iter()
            .find(|h| get(&doc, **h, "id") == Some(id))
            .unwrap()
    };
    let single = find("pullcheck");
    let all = find("pullcheck-all");
    for hook in [single, all] {
        assert_eq!(get(&doc, hook, "language"), Some("rust"));
        assert_eq!(get(&doc, hook, "entry"), Some("pullcheck"));
    }
    assert_eq!(get(&doc, all, "pass_filenames"), Some("false"));
    let files = regex::Regex::new(get(&doc, single, "files").unwrap()).unwrap();

    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "k8s/deployment.yaml", DEPLOYMENT);
    write(repo.path(), "k8s/serviceaccount.yaml", ACCOUNT);
    write(repo.path(), "README.md", "# not a manifest\n");
    let bin = assert_cmd::cargo::cargo_bin("pullcheck");
    // `pullcheck`: pre-commit passes the changed files that match `files`.
    let changed: Vec<&str> = ["k8s/deployment.yaml", "README.md"]
        .into_iter()
        .filter(|f| files.is_match(f))
        .collect();
    assert_eq!(changed, vec!["k8s/deployment.yaml"]);
    let out = std::process::Command::new(&bin)
        .args(&changed)
        .current_dir(repo.path())
        .output()
        .unwrap();
    // Alone, the Deployment's ServiceAccount is unknown: its private image gets no secret.
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missing-pull-secret"));
    // `pullcheck-all`: no file names, the whole repository, so the ServiceAccount counts.
    let out = std::process::Command::new(&bin)
        .args(["--disable", "implicit-pull-policy"])
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn readme_pre_commit_snippet_names_real_hooks() {
    let snippet = readme_snippet("pre-commit");
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let (_, doc) = parse(&snippet);
    let repo = doc
        .items(doc.path(doc.root().unwrap(), &["repos"]).unwrap())
        .next()
        .unwrap();
    for hook in doc.items(doc.get(repo, "hooks").unwrap()) {
        let id = get(&doc, hook, "id").unwrap();
        assert!(hooks.contains(&format!("- id: {id}\n")), "{id}");
    }
}

/// A stand-in `helm` that prints a rendered fixture for `helm template CHART`.
fn fake_helm(dir: &Path) {
    let rendered = root().join("tests/fixtures/helm/rendered.yaml");
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = template ] || exit 3\ncat '{}'\n",
        rendered.display()
    );
    write(dir, "bin/helm", &script);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join("bin/helm"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
    }
}

fn action(workspace: &Path, inputs: &[(&str, &str)]) -> std::process::Output {
    let path = format!(
        "{}:{}",
        workspace.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(root().join("scripts/action.sh"))
        .current_dir(workspace)
        .env("PATH", path)
        .env("GITHUB_ACTION_PATH", root())
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_STEP_SUMMARY", workspace.join("summary.md"))
        .env("PULLCHECK_BIN", assert_cmd::cargo::cargo_bin("pullcheck"))
        .env_remove("NO_COLOR");
    for (key, value) in inputs {
        cmd.env(
            format!("INPUT_{}", key.to_uppercase().replace('-', "_")),
            value,
        );
    }
    cmd.output().unwrap()
}

#[test]
fn the_action_annotates_writes_sarif_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "k8s/deployment.yaml", DEPLOYMENT);
    let out = action(w, &[("paths", "k8s"), ("sarif-file", "out.sarif")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("::"), "{text}");
    assert!(
        text.contains("title=pullcheck missing-pull-secret::"),
        "{text}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let summary = std::fs::read_to_string(w.join("summary.md")).unwrap();
    assert!(
        summary.contains("1 file, 1 object, 1 container"),
        "{summary}"
    );
    // fail-on never: annotations, but a green step.
    let out = action(w, &[("paths", "k8s"), ("fail-on", "never")]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_action_renders_a_chart_with_helm() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    fake_helm(w);
    let chart = root().join("tests/fixtures/helm/web");
    let out = action(
        w,
        &[
            ("helm-chart", chart.to_str().unwrap()),
            ("format", "compact"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // Findings land on the chart's templates.
    assert!(
        text.contains("web/templates/deployment.yaml:13:18: warning[latest-tag]"),
        "{text}"
    );
}

#[test]
fn readme_workflow_snippet_uses_real_inputs() {
    let snippet = readme_snippet("workflow");
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let (_, doc) = parse(&snippet);
    let steps = doc
        .path(doc.root().unwrap(), &["jobs", "pullcheck", "steps"])
        .unwrap();
    let ours = doc
        .items(steps)
        .find(|s| get(&doc, *s, "uses").is_some_and(|u| u.starts_with("pullcheck/pullcheck@")))
        .expect("a step uses the action");
    let with = doc.get(ours, "with").unwrap();
    let pullcheck::testing::NodeKind::Mapping(entries) = &doc.node(doc.resolve(with)).kind else {
        panic!("with is a mapping");
    };
    for (key, _) in entries {
        let key = doc.str(*key).unwrap();
        assert!(
            action.contains(&format!("\n  {key}:\n")),
            "action.yml has no input {key}"
        );
    }
    assert!(snippet.contains("github/codeql-action/upload-sarif"));
}

#[test]
fn readme_helm_snippet_runs() {
    let snippet = readme_snippet("helm");
    let command = snippet
        .lines()
        .find(|l| l.starts_with("helm template"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    fake_helm(w);
    std::fs::create_dir_all(w.join("chart/templates")).unwrap();
    let bin_dir = assert_cmd::cargo::cargo_bin("pullcheck");
    let path = format!(
        "{}:{}:{}",
        w.join("bin").display(),
        bin_dir.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(w)
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("latest-tag"));
}
