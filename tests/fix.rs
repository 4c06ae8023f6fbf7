//! `pullcheck fix`: edits are splices of the values only, kept when the file re-lints without
//! the finding and without a new one; `--diff` writes nothing and never shows a Secret's
//! values; standard input is only diffed; a second run finds nothing to do.

mod common;

use common::*;

/// CRLF line ends, a BOM, comments and both quoting styles around the fixed values.
const POD: &str = "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}   # keep me\r\nspec:\r\n  containers:\r\n    - name: a\r\n      image: nginx:1.27\r\n      imagePullPolicy: \"always\"   # quoted\r\n    - name: b\r\n      image: nginx:1.27\r\n      imagePullPolicy: 'if-not-present'\r\n    - name: c\r\n      image: nginx:1.27\r\n      imagePullPolicy: Sometimes\r\n---\r\napiVersion: v1\r\nkind: Secret\r\nmetadata: {name: s}\r\nstringData: {password: hunter2}\r\n";

#[test]
fn fixes_are_splices_and_a_second_run_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pod.yaml", POD);
    let diff = run(d, &["fix", "--diff", "pod.yaml"]);
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    let text = stdout(&diff);
    assert!(
        text.starts_with("--- a/pod.yaml\n+++ b/pod.yaml\n"),
        "{text}"
    );
    assert!(
        text.contains("+      imagePullPolicy: \"Always\"   # quoted"),
        "{text}"
    );
    assert!(
        text.contains("+      imagePullPolicy: 'IfNotPresent'"),
        "{text}"
    );
    assert!(
        !text.contains("Sometimes\r\n+"),
        "an ambiguous value is not guessed: {text}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("pod.yaml")).unwrap(),
        POD,
        "--diff writes nothing"
    );

    let fixed = run(d, &["fix", "pod.yaml"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    assert!(stderr(&fixed).contains("fixed 2 findings in 1 file"));
    let after = std::fs::read_to_string(d.join("pod.yaml")).unwrap();
    assert_eq!(
        after,
        POD.replace("\"always\"", "\"Always\"")
            .replace("'if-not-present'", "'IfNotPresent'"),
        "nothing but the two values changes"
    );
    let again = run(d, &["fix", "--diff", "pod.yaml"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), "");
    // What the linter still says: only the value it could not fix.
    let lint = run(d, &["--format", "compact", "pod.yaml"]);
    assert!(stdout(&lint).contains("Sometimes"));
    assert!(!stdout(&lint).contains("`always`"));
}

#[test]
fn a_diff_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  token: hunter2-Value\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \"nginx:1.27\", imagePullPolicy: ALWAYS}\n";
    write(d, "all.yaml", text);
    let diff = run(d, &["fix", "--diff", "all.yaml"]);
    let shown = stdout(&diff);
    assert!(shown.contains("imagePullPolicy: Always}"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    // From standard input: diffed, never written.
    let piped = pullcheck(d)
        .args(["fix", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(stdout(&piped), "");
    assert!(stderr(&piped).contains("standard input is never edited"));
    let piped = pullcheck(d)
        .args(["fix", "--diff", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        stdout(&piped).contains("+    - {name: a, image: \"nginx:1.27\", imagePullPolicy: Always}")
    );
    assert!(!stdout(&piped).contains("hunter2"));
}

/// A fix that would bring a new finding is not made: `NEVER` → `Never` would make
/// never-without-preload fire.
#[test]
fn a_fix_that_brings_a_new_finding_is_not_made() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \"nginx:1.27\", imagePullPolicy: NEVER}\n",
    );
    let diff = run(d, &["fix", "--diff", "pod.yaml"]);
    assert_eq!(stdout(&diff), "");
    assert!(
        stderr(&diff).contains("would not remove exactly their findings"),
        "{}",
        stderr(&diff)
    );
}

/// Fixes only where the rule offers one: a finding about a value an overlay's patch set is not
/// fixed in the base (that would not change what is deployed).
#[test]
fn no_fix_for_a_value_a_kustomization_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "kustomization.yaml",
        "resources: [pod.yaml]\npatches:\n  - patch: |-\n      apiVersion: v1\n      kind: Pod\n      metadata: {name: p}\n      spec:\n        containers:\n          - {name: a, imagePullPolicy: always}\n",
    );
    write(
        d,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: \"nginx:1.27\", imagePullPolicy: Always}\n",
    );
    let diff = run(d, &["fix", "--diff", "."]);
    assert_eq!(stdout(&diff), "", "{}", stderr(&diff));
    let lint = run(d, &["--format", "compact", "."]);
    assert!(
        stdout(&lint).contains("invalid imagePullPolicy `always`"),
        "{}",
        stdout(&lint)
    );
}

/// `--rule implicit-pull-policy` (off by default) writes the policy Kubernetes would set on
/// creation, in each mapping's style: a new line at the entry's indentation, or `, key: value`
/// in a flow mapping. Linting the result with the rule on finds nothing more.
#[test]
fn implicit_pull_policies_are_written_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27   # pinned\n        - image: busybox\n          name: tools\n      initContainers:\n        - {name: init, image: \"alpine:3.20\"}\n";
    write(d, "app.yaml", text);
    let fixed = run(d, &["fix", "--rule", "implicit-pull-policy", "app.yaml"]);
    assert!(
        stderr(&fixed).contains("fixed 3 findings in 1 file"),
        "{}",
        stderr(&fixed)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("app.yaml")).unwrap(),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27   # pinned\n          imagePullPolicy: IfNotPresent\n        - image: busybox\n          imagePullPolicy: Always\n          name: tools\n      initContainers:\n        - {name: init, image: \"alpine:3.20\", imagePullPolicy: IfNotPresent}\n"
    );
    let lint = run(
        d,
        &[
            "--enable",
            "implicit-pull-policy",
            "--format",
            "compact",
            "app.yaml",
        ],
    );
    assert!(
        !stdout(&lint).contains("implicit-pull-policy"),
        "{}",
        stdout(&lint)
    );
}

/// The corpus, copied: `fix --rule implicit-pull-policy` writes the policies; the findings of
/// every other rule stay exactly as they were (rule, file, message), no byte of the corpus is
/// removed or replaced (the edits only add), and a second run has nothing left to do.
/// A copy of the corpus in a temporary folder, as `corpus/` in it; `None` (skipped) without the
/// corpus outside CI.
fn corpus_copy() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let corpus = shared("corpus")?;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("corpus");
    let status = std::process::Command::new("cp")
        .args(["-r", corpus.to_str().unwrap(), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    Some((dir, copy))
}

/// A finding as JSON output names it: rule, file, message, and whether a kustomize build is
/// what it is about.
type Found = (String, String, String, bool);

/// The findings of `pullcheck ARGS corpus` in `dir`, sorted.
fn corpus_findings(dir: &std::path::Path, args: &[&str]) -> Vec<Found> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    all.push("corpus");
    let out = run(dir, &all);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<Found> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d.get("roots").is_some(),
            )
        })
        .collect();
    found.sort();
    found
}

/// Every file under `root`, by relative path.
fn read_all(root: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            files.insert(path.strip_prefix(root).unwrap().display().to_string(), text);
        }
    }
    files
}

/// How many files changed from `before` to `after`; fails if a byte of any was removed or
/// replaced (a fix only adds).
fn only_additions(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> usize {
    let mut changed = 0;
    for (name, old) in before {
        let new = &after[name];
        if old == new {
            continue;
        }
        changed += 1;
        let diff = similar::TextDiff::from_chars(old.as_str(), new.as_str());
        assert!(
            diff.ops().iter().all(|op| !matches!(
                op.tag(),
                similar::DiffTag::Delete | similar::DiffTag::Replace
            )),
            "{name}: a byte was removed or replaced"
        );
    }
    changed
}

#[test]
#[ignore = "slow: the whole corpus copied and linted twice (about 4 s); `cargo test -- --include-ignored` and .ci/run run it"]
fn the_corpus_fixed_loses_nothing_and_gains_nothing() {
    let Some((dir, copy)) = corpus_copy() else {
        return;
    };
    let others = |found: Vec<Found>| -> Vec<Found> {
        found
            .into_iter()
            .filter(|f| f.0 != "implicit-pull-policy")
            .collect()
    };
    let before_findings = others(corpus_findings(
        dir.path(),
        &["--enable", "implicit-pull-policy"],
    ));
    let before = read_all(&copy);
    let fixed = run(
        dir.path(),
        &["fix", "--rule", "implicit-pull-policy", "corpus"],
    );
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let changed = only_additions(&before, &read_all(&copy));
    assert!(changed > 100, "only {changed} files fixed");
    assert_eq!(
        others(corpus_findings(
            dir.path(),
            &["--enable", "implicit-pull-policy"]
        )),
        before_findings,
        "no finding of another rule changes"
    );
    let again = run(
        dir.path(),
        &["fix", "--diff", "--rule", "implicit-pull-policy", "corpus"],
    );
    assert_eq!(stdout(&again), "", "a second run has nothing to do");
    eprintln!("fixed the implicit pull policies of {changed} corpus files");
}

/// Pins for every image of the corpus that has no tag or `latest` (digests made up, well
/// formed): every such finding goes but those about a kustomize build (the value may be an
/// overlay's), no byte is removed, the other rules' findings stay (mutable-tag-if-not-present
/// goes with the tag it is about), and a second run has nothing to do.
#[test]
#[ignore = "slow: the whole corpus copied and linted twice; `cargo test -- --include-ignored` and .ci/run run it"]
fn the_corpus_pinned_keeps_every_other_finding() {
    let Some((dir, copy)) = corpus_copy() else {
        return;
    };
    let out = run(dir.path(), &["--format", "json", "corpus"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut pins = std::collections::BTreeSet::new();
    for d in json["diagnostics"].as_array().unwrap() {
        if (d["rule"] == "missing-tag" || d["rule"] == "latest-tag")
            && let Some(image) = d["image"].as_str()
        {
            let digest = pullcheck::testing::sha256_hex(image.as_bytes());
            pins.insert(format!("{image}: sha256:{digest}\n"));
        }
    }
    write(
        dir.path(),
        "pins.txt",
        &pins.into_iter().collect::<String>(),
    );
    let pinned = |f: &Found| f.0 == "missing-tag" || f.0 == "latest-tag";
    let before_findings = corpus_findings(dir.path(), &[]);
    let before = read_all(&copy);
    let fixed = run(dir.path(), &["fix", "--pins", "pins.txt", "corpus"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let changed = only_additions(&before, &read_all(&copy));
    let after_findings = corpus_findings(dir.path(), &[]);
    assert!(
        after_findings.iter().filter(|f| pinned(f)).all(|f| f.3),
        "a fixable finding is left"
    );
    let unpinned = |found: &[Found]| -> Vec<Found> {
        (found.iter())
            .filter(|f| !pinned(f) && f.0 != "mutable-tag-if-not-present")
            .cloned()
            .collect()
    };
    assert_eq!(unpinned(&after_findings), unpinned(&before_findings));
    let fixed_count = before_findings.iter().filter(|f| pinned(f)).count()
        - after_findings.iter().filter(|f| pinned(f)).count();
    assert!(fixed_count > 500, "only {fixed_count} pinned");
    let again = run(
        dir.path(),
        &["fix", "--diff", "--pins", "pins.txt", "corpus"],
    );
    assert_eq!(stdout(&again), "", "a second run has nothing to do");
    eprintln!("pinned {fixed_count} images in {changed} corpus files");
}

/// `--pins FILE` pins images to digests (`IMAGE: DIGEST` lines, as written or normalised):
/// missing-tag and latest-tag findings go, the tag stays for the reader.
#[test]
fn pins_write_digests() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let digest = format!("sha256:{}", "ab".repeat(32));
    write(
        d,
        "pins.txt",
        &format!(
            "# from pullcheck images --online --format plain\ndocker.io/library/busybox: {digest}\nredis:latest {digest}\n"
        ),
    );
    write(
        d,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: busybox, imagePullPolicy: Always}\n    - {name: b, image: \"redis:latest\", imagePullPolicy: Always}\n    - {name: c, image: \"nginx:latest\", imagePullPolicy: Always}\n",
    );
    let fixed = run(d, &["fix", "--pins", "pins.txt", "pod.yaml"]);
    assert!(
        stderr(&fixed).contains("fixed 2 findings in 1 file"),
        "{}",
        stderr(&fixed)
    );
    let after = std::fs::read_to_string(d.join("pod.yaml")).unwrap();
    assert!(
        after.contains(&format!("image: busybox@{digest},")),
        "{after}"
    );
    assert!(
        after.contains(&format!("image: \"redis:latest@{digest}\"")),
        "{after}"
    );
    assert!(
        after.contains("image: \"nginx:latest\""),
        "no pin, no change: {after}"
    );
    let bad = run(d, &["fix", "--pins", "pod.yaml", "pod.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("line 1"), "{}", stderr(&bad));
}

const HARBOR_SECRET: &str = "apiVersion: v1\nkind: Secret\nmetadata: {name: harbor, namespace: shop}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"harbor.corp\": {\"auth\": \"dXNlcjpodW50ZXIy\"}}}'\n";

/// The pull-secret fixes: the one covering Secret of the namespace joins the pod's list, or
/// becomes the pod's list where that hides no ServiceAccount's secrets; a guess (two Secrets) or
/// a list that would hide a ServiceAccount's (one not in the input) is not made.
#[test]
fn a_pull_secret_is_added_only_where_it_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "secret.yaml", HARBOR_SECRET);
    write(
        d,
        "account.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, namespace: shop}\n",
    );
    // Its own list names another registry's Secret: mismatch, fixed by a new item.
    let listed = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec:\n  imagePullSecrets:\n    - name: other   # for ghcr\n  containers:\n    - {name: a, image: harbor.corp/shop/a:1.0}\n";
    write(d, "listed.yaml", listed);
    // No list, and its ServiceAccount (in the input) lists none: a list of its own.
    let bare = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b, namespace: shop}\nspec:\n  template:\n    spec:\n      serviceAccountName: builder\n      containers:\n        - {name: b, image: harbor.corp/shop/b:1.0}\n";
    write(d, "bare.yaml", bare);
    // Its ServiceAccount is not in the input: it may list secrets in the cluster.
    let unknown = "apiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: shop}\nspec:\n  serviceAccountName: somebody\n  containers:\n    - {name: c, image: harbor.corp/shop/c:1.0}\n";
    write(d, "unknown.yaml", unknown);
    write(
        d,
        "other.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: other, namespace: shop}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"ghcr.io\": {}}}'\n",
    );

    let diff = run(d, &["fix", "--diff", "."]);
    let shown = stdout(&diff);
    assert!(!shown.contains("dXNlcjpodW50ZXIy"), "{shown}");
    let fixed = run(d, &["fix", "."]);
    assert!(
        stderr(&fixed).contains("fixed 2 findings in 2 files"),
        "{}",
        stderr(&fixed)
    );
    let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
    assert_eq!(
        read("listed.yaml"),
        listed.replace(
            "    - name: other   # for ghcr\n",
            "    - name: other   # for ghcr\n    - name: harbor\n"
        )
    );
    assert_eq!(
        read("bare.yaml"),
        bare.replace(
            "      containers:\n",
            "      imagePullSecrets: [{name: harbor}]\n      containers:\n"
        )
    );
    assert_eq!(read("unknown.yaml"), unknown);
    let lint = run(d, &["--format", "compact", "."]);
    let left = stdout(&lint);
    assert!(!left.contains("listed.yaml"), "{left}");
    assert!(!left.contains("bare.yaml"), "{left}");
    assert!(left.contains("unknown.yaml"), "{left}");

    // A second Secret for the same registry in the namespace: which one is a guess.
    write(d, "listed.yaml", listed);
    write(
        d,
        "second.yaml",
        &HARBOR_SECRET.replace("name: harbor,", "name: harbor-2,"),
    );
    let again = run(d, &["fix", "--diff", "."]);
    assert_eq!(stdout(&again), "", "{}", stderr(&again));
}
