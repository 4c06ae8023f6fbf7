//! Snapshots of human and JSON output on the examples and the tricky fixtures. The snapshots live
//! in the top-level `snapshots/`; review changes with `cargo insta review` or
//! `INSTA_UPDATE=always cargo test --test snapshots` and `git diff snapshots/`.

mod common;

use common::*;

fn snapshot(name: &str, dir: &std::path::Path, args: &[&str]) {
    let out = run(dir, args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, stdout(&out));
    });
}

#[test]
fn examples_human() {
    snapshot("examples_human", &root(), &["examples"]);
}

#[test]
fn examples_json() {
    snapshot("examples_json", &root(), &["--format", "json", "examples"]);
}

#[test]
fn fixtures_human() {
    snapshot(
        "fixtures_human",
        &root().join("tests/fixtures"),
        &["crlf.yaml", "tricky.yaml"],
    );
}

#[test]
fn fixtures_json() {
    snapshot(
        "fixtures_json",
        &root().join("tests/fixtures"),
        &["--format", "json", "crlf.yaml", "tricky.yaml"],
    );
}
