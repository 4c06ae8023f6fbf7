//! `pullcheck lsp` driven over stdio by a client of the tests' own, as an editor drives it:
//! initialize, open, edit, ask for code actions and hovers, apply an edit, shut down.

#[path = "lsp/client.rs"]
mod client;

use client::{Client, apply, codes, uri};
use serde_json::{Value, json};

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {team: 日本チーム}  # 🐳 a label in CJK and an emoji before the image
spec:
  template:
    spec:
      serviceAccountName: builder
      containers:
        - name: web
          image: harbor.corp/team/web:1.4
          imagePullPolicy: always
";

const ACCOUNT: &str = "\
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: shop}
";

const SECRET: &str = "\
apiVersion: v1
kind: Secret
metadata: {name: harbor, namespace: shop}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{\"auths\": {\"harbor.corp\": {}}}'
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.yaml"), DEPLOYMENT).unwrap();
    std::fs::write(dir.path().join("account.yaml"), ACCOUNT).unwrap();
    std::fs::write(dir.path().join("secret.yaml"), SECRET).unwrap();
    dir
}

fn utf16_client() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]},
           "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}})
}

fn find<'a>(list: &'a [Value], code: &str) -> &'a Value {
    list.iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {list:?}"))
}

#[test]
fn diagnostics_come_from_the_buffer_with_utf16_positions_and_a_quick_fix_removes_one() {
    let dir = workspace();
    let path = dir.path().join("deploy.yaml");
    let (mut client, init) = Client::start(dir.path(), utf16_client());
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "pullcheck");
    // The server asks to be told of changes on disk.
    let deploy = uri(&path);
    client.open(&path, DEPLOYMENT);
    let list = client.diagnostics_until(&deploy, |l| {
        codes(l).contains(&"invalid-pull-policy".to_string())
    });
    let policy = find(&list, "invalid-pull-policy");
    assert_eq!(policy["severity"], 1);
    assert_eq!(policy["source"], "pullcheck");
    assert!(
        policy["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/rules/invalid-pull-policy.md")
    );
    assert_eq!(
        policy["range"]["start"],
        json!({"line": 13, "character": 27})
    );
    // The account lists no pull secret: the Deployment's registry needs one.
    let secret = find(&list, "missing-pull-secret");
    assert_eq!(secret["range"]["start"]["line"], 12);
    assert!(
        client
            .server_requests
            .iter()
            .any(|r| r["method"] == "client/registerCapability"),
        "{:?}",
        client.server_requests
    );

    // A position after non-ASCII text on the same line, in UTF-16 units: the label's value.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": deploy}, "position": {"line": 12, "character": 20}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("harbor.corp/team/web:1.4"), "{shown}");
    assert!(shown.contains("pull policy on creation"), "{shown}");

    // The quick fix for the policy, applied by the client and sent back as an edit.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": deploy}, "range": policy["range"],
               "context": {"diagnostics": [policy]}}),
    );
    let actions = actions.as_array().unwrap();
    let quick = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("Always"))
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(quick["kind"], "quickfix");
    let fixed = apply(DEPLOYMENT, &quick["edit"], &deploy, false);
    assert!(fixed.contains("imagePullPolicy: Always\n"), "{fixed}");
    assert!(actions.iter().any(|a| {
        a["title"]
            .as_str()
            .unwrap()
            .starts_with("Suppress invalid-pull-policy")
    }));
    client.change(&path, 2, &fixed);
    let list = client.diagnostics_until(&deploy, |l| {
        !codes(l).contains(&"invalid-pull-policy".to_string())
    });
    assert_eq!(codes(&list), ["missing-pull-secret"]);
    client.shutdown();
}

#[test]
fn editing_the_service_account_clears_the_deployment_s_finding() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), utf16_client());
    let deploy = uri(&dir.path().join("deploy.yaml"));
    // Not open: published from the workspace run at start-up.
    let list = client.diagnostics_until(&deploy, |l| {
        codes(l).contains(&"missing-pull-secret".to_string())
    });
    // The fix adds the Secret of another file, which the workspace run read.
    let missing = find(&list, "missing-pull-secret");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": deploy}, "range": missing["range"],
               "context": {"diagnostics": [missing]}}),
    );
    let add = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Add pull secret harbor to the pod")
        .unwrap_or_else(|| panic!("{actions}"));
    let added = apply(DEPLOYMENT, &add["edit"], &deploy, false);
    assert!(
        added.contains("      imagePullSecrets: [{name: harbor}]\n      containers:\n"),
        "{added}"
    );
    let account = dir.path().join("account.yaml");
    client.open(&account, ACCOUNT);
    // An incremental edit: the pull secret appended to the account, unsaved.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&account), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 3, "character": 0},
                                             "end": {"line": 3, "character": 0}},
                                   "text": "imagePullSecrets: [{name: harbor}]\n"}]}),
    );
    let list = client.diagnostics_until(&deploy, |l| {
        !codes(l).contains(&"missing-pull-secret".to_string())
    });
    assert_eq!(codes(&list), ["invalid-pull-policy"]);

    // The Secret changed on disk, as a `git checkout` would change it, to cover another
    // registry: the Deployment's finding changes again.
    let secret = dir.path().join("secret.yaml");
    std::fs::write(&secret, SECRET.replace("harbor.corp", "other.corp")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&secret), "type": 2}]}),
    );
    let list = client.diagnostics_until(&deploy, |l| {
        codes(l).contains(&"pull-secret-registry-mismatch".to_string())
    });
    assert!(codes(&list).contains(&"invalid-pull-policy".to_string()));

    // The Deployment typed in: linted alone at once, against what the workspace run read of
    // the account (the unsaved buffer) and the Secret (the file on disk).
    let path = dir.path().join("deploy.yaml");
    client.open(&path, DEPLOYMENT);
    client.change(&path, 2, &DEPLOYMENT.replace("always", "Always"));
    let list = client.diagnostics_until(&deploy, |l| {
        !codes(l).contains(&"invalid-pull-policy".to_string())
    });
    assert_eq!(codes(&list), ["pull-secret-registry-mismatch"]);
    client.shutdown();
}

#[test]
fn utf8_is_taken_when_offered_and_columns_are_bytes() {
    let dir = workspace();
    let path = dir.path().join("deploy.yaml");
    let capabilities = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, init) = Client::start(dir.path(), capabilities);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let text = format!(
        "# 🐳🐳 日本\n{}",
        DEPLOYMENT.replace(
            "  labels: {team: 日本チーム}  # 🐳 a label in CJK and an emoji before the image\n",
            ""
        )
    );
    client.open(&path, &text);
    let list = client.diagnostics_until(&uri(&path), |l| !l.is_empty());
    let policy = find(&list, "invalid-pull-policy");
    let start = client::offset(&text, &policy["range"]["start"], true);
    assert!(text[start..].starts_with("always"), "{policy}");
    client.shutdown();
}

#[test]
fn fix_all_and_suppression_edits_keep_the_rest_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pods.yaml");
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
    - {name: a, image: nginx:1.27, imagePullPolicy: always}   # first
    - name: b
      image: nginx:1.27
      imagePullPolicy: 'ifnotpresent'
";
    std::fs::write(&path, text).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let file = uri(&path);
    client.open(&path, text);
    let list = client.diagnostics_until(&file, |l| l.len() == 2);
    let all = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}},
               "context": {"diagnostics": list, "only": ["source.fixAll"]}}),
    );
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll");
    let fixed = apply(text, &all[0]["edit"], &file, false);
    assert_eq!(
        fixed,
        text.replace("always}", "Always}")
            .replace("'ifnotpresent'", "'IfNotPresent'")
    );
    let second = find(&list, "invalid-pull-policy");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file}, "range": list[1]["range"],
               "context": {"diagnostics": [second]}}),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress"))
        .unwrap();
    let suppressed = apply(text, &suppress["edit"], &file, false);
    assert!(
        suppressed.contains(
            "      # pullcheck-ignore: invalid-pull-policy -- TODO: say why\n      imagePullPolicy: 'ifnotpresent'"
        ),
        "{suppressed}"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    client.diagnostics_until(&file, |l| l.len() == 1);
    client.shutdown();
}

#[test]
fn templates_are_not_linted_and_closing_a_deleted_file_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let template = dir.path().join("template.yaml");
    let text = "kind: Pod\nspec:\n  containers:\n    - image: {{ .Values.image }}\n";
    client.open(&template, text);
    let scratch = dir.path().join("scratch.yaml");
    client.open(
        &scratch,
        "kind: Pod\nspec:\n  containers:\n    - {name: a, image: nginx}\n",
    );
    client.diagnostics_until(&uri(&scratch), |l| !l.is_empty());
    assert!(
        client
            .diagnostics
            .get(&uri(&template))
            .is_none_or(|l| l.is_empty()),
        "{:?}",
        client.diagnostics
    );
    // Never saved: closing it leaves nothing to show.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri(&scratch)}}),
    );
    client.diagnostics_until(&uri(&scratch), |l| l.is_empty());
    client.shutdown();
}

#[test]
fn an_invalid_configuration_is_shown_on_its_file() {
    let dir = workspace();
    std::fs::write(
        dir.path().join(".pullcheck.yaml"),
        "rules:\n  no-such-rule: off\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let (mut client, _) = Client::start(dir.path(), json!({}));
    let config = uri(&dir.path().join(".pullcheck.yaml"));
    let list = client.diagnostics_until(&config, |l| !l.is_empty());
    assert_eq!(list[0]["range"]["start"]["line"], 1, "{list:?}");
    // The manifests are still linted, with the defaults.
    client.diagnostics_until(&uri(&dir.path().join("deploy.yaml")), |l| !l.is_empty());
    client.shutdown();
}

/// Neovim (Debian's `neovim`, whose built-in client is a real editor's) as the client: the
/// diagnostics it shows and the quick fix it applies. Columns in `vim.diagnostic.get()` are
/// bytes, converted by Neovim from the server's UTF-16 positions: a line with CJK text and an
/// emoji before the flagged value checks both conversions at once.
#[test]
fn neovim_shows_the_diagnostics_and_applies_the_quick_fix() {
    let Some(nvim) = which("nvim") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "nvim is missing, and CI needs it (.ci/run installs Debian's neovim)"
        );
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("pod.yaml");
    let line = "    - {name: web, env: [{name: X, value: \"日本🐳\"}], image: nginx:1.27, imagePullPolicy: always}";
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers:\n{line}\n"
    );
    std::fs::write(&manifest, &text).unwrap();
    let result = dir.path().join("result.json");
    let status = std::process::Command::new(nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            client_root().join("tests/lsp/neovim.lua").display()
        ))
        .env("PULLCHECK", env!("CARGO_BIN_EXE_pullcheck"))
        .env("WORKSPACE", dir.path())
        .env("MANIFEST", &manifest)
        .env("RESULT", &result)
        .env("HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .status()
        .expect("nvim runs");
    let report: Value = std::fs::read_to_string(&result)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("nvim wrote no result ({status})"));
    assert_eq!(report["ok"], true, "{report:#}");
    assert!(status.success());
    let before = report["before"].as_array().unwrap();
    let policy = before
        .iter()
        .find(|d| d["code"] == "invalid-pull-policy")
        .unwrap();
    assert_eq!(policy["lnum"], 5);
    assert_eq!(
        policy["col"].as_u64().unwrap() as usize,
        line.find("always").unwrap()
    );
    assert!(
        report["after"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "invalid-pull-policy")
    );
    assert_eq!(
        report["lines"][5],
        line.replace("imagePullPolicy: always", "imagePullPolicy: Always")
    );
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| std::path::Path::new(dir).join(program))
        .find(|p| p.is_file())
}

fn client_root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn related_places_become_related_information() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pod.yaml");
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      image: nginx:1.28\n";
    let (mut client, _) = Client::start(dir.path(), json!({}));
    client.open(&path, text);
    let list = client.diagnostics_until(&uri(&path), |l| {
        codes(l).contains(&"duplicate-key".to_string())
    });
    let duplicate = find(&list, "duplicate-key");
    assert_eq!(duplicate["range"]["start"]["line"], 7);
    let related = &duplicate["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&path));
    assert_eq!(
        related["location"]["range"]["start"]["line"], 6,
        "{related}"
    );
    client.shutdown();
}

/// A kustomize tree in the editor: what the overlays build is linted, from unsaved buffers, and
/// an edit to the base changes the overlay's findings.
#[test]
fn kustomize_overlays_are_linted_as_built_from_the_buffers() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .args(["-r", "examples/gitops"])
        .arg(dir.path())
        .current_dir(client_root())
        .status()
        .unwrap();
    assert!(status.success());
    let root = dir.path().join("gitops");
    let (mut client, _) = Client::start(&root, json!({}));
    let staging = uri(&root.join("overlays/staging/kustomization.yaml"));
    let prod_path = root.join("overlays/prod/kustomization.yaml");
    let prod = uri(&prod_path);
    let list = client.diagnostics_until(&staging, |l| codes(l).contains(&"latest-tag".to_string()));
    assert_eq!(list.len(), 2, "{list:?}");
    client.diagnostics_until(&prod, |l| codes(l) == ["kustomize-tag-drops-digest"]);

    // The prod overlay typed in: `latest` there too, unsaved.
    let text = std::fs::read_to_string(&prod_path).unwrap();
    client.open(&prod_path, &text);
    client.change(&prod_path, 2, &text.replace("\"2.4.1\"", "latest"));
    client.diagnostics_until(&prod, |l| codes(l).contains(&"latest-tag".to_string()));

    // The base typed in: no digest on envoy any more, so no overlay drops one.
    let base = root.join("base/api.yaml");
    let text = std::fs::read_to_string(&base).unwrap();
    let at = text.find("@sha256").unwrap();
    let end = text[at..].find('\n').unwrap() + at;
    client.open(&base, &text);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&base), "version": 2},
               "contentChanges": [{"text": format!("{}{}", &text[..at], &text[end..])}]}),
    );
    let list = client.diagnostics_until(&prod, |l| {
        !codes(l).contains(&"kustomize-tag-drops-digest".to_string())
    });
    assert_eq!(codes(&list), ["latest-tag"]);
    client.shutdown();
}

/// The workspace's `.pullcheck.yaml` decides what is linted, and a change to it on disk (a
/// watched file) re-lints the workspace with the new settings.
#[test]
fn a_changed_configuration_relints_the_workspace() {
    let dir = workspace();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let config = dir.path().join(".pullcheck.yaml");
    std::fs::write(&config, "rules:\n  missing-pull-secret: off\n").unwrap();
    let (mut client, _) = Client::start(dir.path(), utf16_client());
    let deploy = uri(&dir.path().join("deploy.yaml"));
    let list = client.diagnostics_until(&deploy, |l| !l.is_empty());
    assert_eq!(codes(&list), ["invalid-pull-policy"]);
    std::fs::write(&config, "rules:\n  invalid-pull-policy: off\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    let list = client.diagnostics_until(&deploy, |l| {
        !codes(l).contains(&"invalid-pull-policy".to_string())
    });
    assert_eq!(codes(&list), ["missing-pull-secret"]);
    client.shutdown();
}
