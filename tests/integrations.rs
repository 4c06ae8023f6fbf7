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

/// Runs a hook's `entry` as pre-commit's `language: script` does: the script from the hook
/// repository, its arguments, then the file names, in the user's repository. A fake `cargo`
/// (recording its arguments) "builds" by linking the binary under test into the target dir.
fn run_hook(entry: &str, files: &[&str], repo: &Path, work: &Path) -> std::process::Output {
    let real = assert_cmd::cargo::cargo_bin("pullcheck");
    let target = work.join("target");
    let cargo = format!(
        "#!/bin/sh\necho \"$@\" >> '{calls}'\nmkdir -p '{target}/release'\nln -sf '{real}' '{target}/release/pullcheck'\n",
        calls = work.join("cargo-calls").display(),
        target = target.display(),
        real = real.display(),
    );
    write_executable(work, "bin/cargo", &cargo);
    let mut words = entry.split_whitespace();
    let script = root().join(words.next().unwrap());
    std::process::Command::new(script)
        .args(words)
        .args(files)
        .current_dir(repo)
        .env(
            "PATH",
            format!(
                "{}:{}",
                work.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap()
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
        assert_eq!(get(&doc, hook, "language"), Some("script"));
    }
    assert_eq!(get(&doc, all, "pass_filenames"), Some("false"));
    let files = regex::Regex::new(get(&doc, single, "files").unwrap()).unwrap();

    let repo = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    write(repo.path(), "k8s/deployment.yaml", DEPLOYMENT);
    write(repo.path(), "k8s/serviceaccount.yaml", ACCOUNT);
    write(
        repo.path(),
        "vendor/upstream.yaml",
        "kind: Pod\nmetadata: {name: v}\nspec: {containers: [{name: c, image: nginx}]}\n",
    );
    write(repo.path(), ".pullcheck.yaml", "exclude: [vendor]\n");
    write(repo.path(), "README.md", "# not a manifest\n");
    // `pullcheck`: pre-commit passes the changed files that match `files`.
    let changed: Vec<&str> = ["k8s/deployment.yaml", "vendor/upstream.yaml", "README.md"]
        .into_iter()
        .filter(|f| files.is_match(f))
        .collect();
    assert_eq!(changed, vec!["k8s/deployment.yaml", "vendor/upstream.yaml"]);
    let out = run_hook(
        get(&doc, single, "entry").unwrap(),
        &changed,
        repo.path(),
        work.path(),
    );
    // The ServiceAccount in the unchanged file counts (--context .), the excluded vendor file
    // is not linted (--force-exclude): nothing to report.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).ends_with("1 file, 1 object, 1 container: 0 errors, 0 warnings\n"),
        "{}",
        stdout(&out)
    );
    // The build is locked to the committed Cargo.lock.
    let calls = std::fs::read_to_string(work.path().join("cargo-calls")).unwrap();
    assert!(calls.starts_with("build --locked --release"), "{calls}");
    // Without the context, the same file alone gets a finding it should not have.
    let alone = run_hook(
        "scripts/pre-commit.sh",
        &["k8s/deployment.yaml"],
        repo.path(),
        work.path(),
    );
    assert_eq!(alone.status.code(), Some(1));
    assert!(stdout(&alone).contains("missing-pull-secret"));
    // `pullcheck-all`: no file names, the whole repository.
    let out = run_hook(
        get(&doc, all, "entry").unwrap(),
        &[],
        repo.path(),
        work.path(),
    );
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

/// A stand-in `helm` that prints a rendered fixture for `helm template CHART`, and counts its
/// calls in `helm-calls`.
fn fake_helm(dir: &Path) {
    let rendered = root().join("tests/fixtures/helm/rendered.yaml");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> '{}'\n[ \"$1\" = template ] || exit 3\ncat '{}'\n",
        dir.join("helm-calls").display(),
        rendered.display()
    );
    write_executable(dir, "bin/helm", &script);
}

fn write_executable(dir: &Path, name: &str, text: &str) {
    write(dir, name, text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Runs `scripts/action.sh` in `workspace` as the Action would, with the binary under test.
fn action(workspace: &Path, inputs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = action_command(workspace, inputs);
    cmd.env("PULLCHECK_BIN", assert_cmd::cargo::cargo_bin("pullcheck"));
    cmd.output().unwrap()
}

fn action_command(workspace: &Path, inputs: &[(&str, &str)]) -> std::process::Command {
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
        .env("GITHUB_OUTPUT", workspace.join("outputs"))
        .env_remove("PULLCHECK_BIN")
        .env_remove("NO_COLOR");
    for (key, value) in inputs {
        cmd.env(
            format!("INPUT_{}", key.to_uppercase().replace('-', "_")),
            value,
        );
    }
    cmd
}

fn outputs(workspace: &Path) -> String {
    std::fs::read_to_string(workspace.join("outputs")).unwrap_or_default()
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
    // The tool's version, for code scanning's "tool version" column.
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    let summary = std::fs::read_to_string(w.join("summary.md")).unwrap();
    assert!(summary.starts_with("### pullcheck\n"), "{summary}");
    assert!(
        summary.contains("1 file, 1 object, 1 container"),
        "{summary}"
    );
    assert!(
        summary.contains("| 1 | warning | `missing-pull-secret` |"),
        "{summary}"
    );
    let outputs = outputs(w);
    for line in [
        "sarif-file=out.sarif",
        "errors=0",
        "warnings=1",
        "infos=0",
        "findings=1",
    ] {
        assert!(outputs.lines().any(|l| l == line), "{line} in {outputs}");
    }
    // fail-on never: annotations, but a green step.
    let out = action(w, &[("paths", "k8s"), ("fail-on", "never")]);
    assert_eq!(out.status.code(), Some(0));
}

/// The report that opened #14: `fail-on` with `sarif-file` was a usage error (the script added
/// `--fail-on never` to the user's `--fail-on`), left a 0-byte SARIF and no annotations.
#[test]
fn the_action_takes_fail_on_with_a_sarif_file() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "k8s/deployment.yaml", DEPLOYMENT);
    let out = action(
        w,
        &[
            ("paths", "k8s"),
            ("fail-on", "error"),
            ("sarif-file", "p.sarif"),
        ],
    );
    // The one finding is a warning: below `error`, the step passes.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("::warning file=k8s/deployment.yaml"));
    let sarif = std::fs::read_to_string(w.join("p.sarif")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(
        std::fs::read_to_string(w.join("summary.md"))
            .unwrap()
            .contains("missing-pull-secret")
    );
    // Also when `args` repeats it.
    let out = action(
        w,
        &[
            ("paths", "k8s"),
            ("args", "--fail-on warning"),
            ("sarif-file", "p.sarif"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A run that cannot lint (exit 2) fails the step and leaves no SARIF, not even an old one.
#[test]
fn the_action_leaves_no_sarif_when_it_cannot_lint() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "k8s/deployment.yaml", DEPLOYMENT);
    write(w, "old.sarif", "{}");
    let out = action(
        w,
        &[
            ("paths", "k8s"),
            ("config", "missing.yaml"),
            ("sarif-file", "old.sarif"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(!w.join("old.sarif").exists());
    assert!(
        stdout(&out).contains("::error title=pullcheck::"),
        "{}",
        stdout(&out)
    );
    assert!(!outputs(w).contains("sarif-file="));
}

/// enable, disable, namespace and extra args reach every run.
#[test]
fn the_action_passes_its_rule_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "k8s/deployment.yaml", DEPLOYMENT);
    let out = action(
        w,
        &[
            ("paths", "k8s"),
            ("format", "compact"),
            ("enable", "digest-not-pinned, implicit-pull-policy"),
            ("disable", "missing-pull-secret"),
            ("allowed-registries", "registry.corp"),
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("[digest-not-pinned]"), "{text}");
    assert!(text.contains("[disallowed-registry]"), "{text}");
    assert!(!text.contains("[missing-pull-secret]"), "{text}");
    assert!(
        !text.contains("[implicit-pull-policy]"),
        "the manifest writes its policy: {text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_action_renders_a_chart_with_helm_once() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    fake_helm(w);
    let chart = root().join("tests/fixtures/helm/web");
    let out = action(
        w,
        &[
            ("helm-chart", chart.to_str().unwrap()),
            ("format", "compact"),
            ("sarif-file", "chart.sarif"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // Findings land on the chart's templates.
    assert!(
        text.contains("web/templates/deployment.yaml:13:18: warning[latest-tag]"),
        "{text}"
    );
    // One rendering feeds the SARIF, the annotations, the counts and the summary.
    let calls = std::fs::read_to_string(w.join("helm-calls")).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(w.join("chart.sarif").exists());
    // helm failing fails the step, without linting an empty input.
    write_executable(
        w,
        "bin/helm",
        "#!/bin/sh\necho 'Error: chart not found' >&2\nexit 1\n",
    );
    let out = action(w, &[("helm-chart", "nope")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("helm template nope failed"),
        "{}",
        stdout(&out)
    );
}

/// The binary the Action caches is trusted only when it reports the action's version and was
/// built from the same source (its stamp); otherwise it is rebuilt with `cargo install
/// --locked`. A fake `cargo` records the calls and installs a stand-in.
#[test]
fn the_action_rebuilds_a_stale_cached_binary() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    write(w, "k8s/deployment.yaml", DEPLOYMENT);
    let home = w.join("home");
    let version = env!("CARGO_PKG_VERSION");
    // An old binary in the cache, as an upgrade of the action would find it.
    write_executable(
        &home,
        ".cargo/bin/pullcheck",
        "#!/bin/sh\necho 'pullcheck 0.0.1'\n",
    );
    let real = assert_cmd::cargo::cargo_bin("pullcheck");
    let cargo = format!(
        "#!/bin/sh\necho \"$@\" >> '{calls}'\ncat > '{bin}' <<'EOF'\n#!/bin/sh\n[ \"$1\" = --version ] && {{ echo 'pullcheck {version}'; exit 0; }}\nexec '{real}' \"$@\"\nEOF\nchmod +x '{bin}'\n",
        calls = w.join("cargo-calls").display(),
        bin = home.join(".cargo/bin/pullcheck").display(),
        real = real.display(),
    );
    write_executable(w, "bin/cargo", &cargo);
    let run = || {
        action_command(w, &[("paths", "k8s"), ("format", "compact")])
            .env("HOME", &home)
            .env_remove("CARGO_HOME")
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let calls = std::fs::read_to_string(w.join("cargo-calls")).unwrap();
    assert_eq!(
        calls.trim(),
        format!("install --locked --force --path {}", root().display())
    );
    assert!(stdout(&out).contains("[missing-pull-secret]"));
    // The next run finds the right version and stamp: no rebuild.
    let out = run();
    assert_eq!(out.status.code(), Some(1));
    let calls = std::fs::read_to_string(w.join("cargo-calls")).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    // A stamp from other sources (an upgrade with the same version number) rebuilds.
    write(&home, ".cargo/bin/pullcheck.source", "0000\n");
    run();
    let calls = std::fs::read_to_string(w.join("cargo-calls")).unwrap();
    assert_eq!(calls.lines().count(), 2, "{calls}");
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
    write(
        w,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
    );
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

/// The README's `rev:` and `@ref` name this version's tag; where the clone carries that tag it
/// is a commit of the same version. Tags are refs, not part of the tree: a clone made without
/// them (the project's CI clones that way) cannot tell whether the release exists, so the release
/// step in CONTRIBUTING runs `scripts/check-release.sh`, which requires the tag.
#[test]
fn the_readme_points_at_a_release_that_exists() {
    let version = env!("CARGO_PKG_VERSION");
    let tag = format!("v{version}");
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("rev: {tag}\n")),
        "README's pre-commit rev"
    );
    assert!(
        readme.contains(&format!("pullcheck/pullcheck@{tag}\n")),
        "README's action ref"
    );
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    match git(&["show", &format!("refs/tags/{tag}:Cargo.toml")]) {
        Some(manifest) => assert!(
            manifest.contains(&format!("\nversion = \"{version}\"\n")),
            "{tag} is a commit of another version"
        ),
        None => eprintln!("note: this clone has no tag {tag}; scripts/check-release.sh checks it"),
    }
    // A newcomer installs before the usage lines call `pullcheck`, with the lock file.
    let install = readme
        .find("cargo install --locked --path .")
        .expect("an install line");
    let usage = readme.find("\n## Usage").expect("a usage section");
    assert!(install < usage);
    let license = std::fs::read_to_string(root().join("LICENSE")).unwrap();
    assert!(license.starts_with("MIT License"));
    let cargo = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("\nlicense = \"MIT\"\n"));
}

/// The VS Code extension is released with pullcheck: its version is the crate's, and it starts
/// the subcommand that exists.
#[test]
fn the_vscode_extension_matches_the_crate() {
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
    let source = std::fs::read_to_string(root().join("editors/vscode/src/extension.ts")).unwrap();
    assert!(source.contains("args: [\"lsp\"]"));
    let help = run(&root(), &["lsp", "--help"]);
    assert!(help.status.success(), "{}", stderr(&help));
}
