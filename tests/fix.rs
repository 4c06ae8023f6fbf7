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
