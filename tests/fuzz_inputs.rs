//! The fuzz targets' properties (`pullcheck::fuzzing`) over the seed inputs and every crash
//! input kept in `fuzz/regressions/`, as ordinary tests: CI checks them without a fuzzer.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn regressions(target: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    files_under(&root().join("fuzz/regressions").join(target), &mut found);
    found
}

#[test]
fn pipeline_on_every_fixture_example_and_regression() {
    let mut inputs = Vec::new();
    files_under(&root().join("examples"), &mut inputs);
    files_under(&root().join("tests/fixtures"), &mut inputs);
    inputs.extend(regressions("pipeline"));
    assert!(inputs.len() > 20);
    for path in &inputs {
        pullcheck::testing::pipeline(&std::fs::read(path).unwrap());
    }
    // And some bytes no fixture has.
    for bytes in [
        &b""[..],
        b"\xff",
        b"---\n- &a [*a]\n",
        b"{",
        b"kind: Pod\x00",
        b"\xef\xbb\xbf",
    ] {
        pullcheck::testing::pipeline(bytes);
    }
}

#[test]
fn image_reference_on_vectors_and_regressions() {
    let mut references: Vec<String> = [
        "nginx",
        "nginx:1.27",
        "localhost:5000/app",
        "[::1]:5000/a/b:c",
        "a//b",
        ":",
        "@",
        "a@b:c",
        "Docker/x",
        "x:y:z",
        "[",
        "]:1/a",
        "{{ .Values.image }}",
        "é",
        "a/b/c/d/e/f:g@sha256:0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(vectors) = shared("image-refs/vectors.json") {
        let vectors: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(vectors).unwrap()).unwrap();
        references.extend(
            vectors
                .iter()
                .filter_map(|v| v["input"].as_str().map(str::to_string)),
        );
    }
    for reference in &references {
        pullcheck::testing::image_reference(reference.as_bytes());
    }
    for path in regressions("image_reference") {
        pullcheck::testing::image_reference(&std::fs::read(path).unwrap());
    }
}

#[test]
fn config_on_configs_and_regressions() {
    pullcheck::testing::config(pullcheck::config::STARTER.as_bytes());
    for text in [
        "rules: [",
        "rules: {x: y}",
        "- a",
        "registries: {public: ['[']}",
        "",
        "suppressions: 3",
    ] {
        pullcheck::testing::config(text.as_bytes());
    }
    let mut inputs = Vec::new();
    files_under(&root().join("tests/fixtures/rules"), &mut inputs);
    inputs.extend(regressions("config"));
    for path in inputs {
        pullcheck::testing::config(&std::fs::read(path).unwrap());
    }
}

#[test]
fn skim_agrees_with_the_parser_on_fixtures_and_regressions() {
    let mut inputs = Vec::new();
    files_under(&root().join("examples"), &mut inputs);
    files_under(&root().join("tests/fixtures"), &mut inputs);
    let kept = regressions("skim");
    assert!(!kept.is_empty());
    inputs.extend(kept);
    for path in &inputs {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for keep in pullcheck::testing::SCHEMAS {
            if let Err(disagreement) = pullcheck::testing::compare_with_parser(&text, keep) {
                panic!("{}: {disagreement}", path.display());
            }
        }
        if let Err(disagreement) = pullcheck::testing::compare_extraction(&text) {
            panic!("{}: {disagreement}", path.display());
        }
    }
}

#[test]
fn kustomize_trees_on_fixtures_and_regressions() {
    let mut inputs = Vec::new();
    files_under(&root().join("tests/fixtures/rules"), &mut inputs);
    inputs.extend(regressions("kustomize"));
    let trees = inputs
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("# file: ")))
        .count();
    assert!(trees >= 8, "{trees} kustomize trees among the fixtures");
    for path in &inputs {
        pullcheck::testing::kustomize_tree(&std::fs::read(path).unwrap());
    }
    for text in [
        "resources: [a, a/, ../x, /etc/passwd]\nimages: [{name: '('}]\n",
        "# file: a/kustomization.yaml\nresources: [../b]\n# file: b/kustomization.yaml\nresources: [../a]\n",
        "# file: kustomization.yaml\npatches: [{patch: \"- op: add\\n  path: /spec/containers/-\"}]\n",
        "secretGenerator: [{name: s, literals: [a=b], envs: [e.env]}]\n",
    ] {
        pullcheck::testing::kustomize_tree(text.as_bytes());
    }
}

/// Editor sessions over the examples: each opened, then edited at positions in and past its
/// lines, with code actions and hovers asked in between (the `lsp` fuzz target's property).
#[test]
fn lsp_sessions_over_the_examples_and_regressions() {
    let mut inputs = Vec::new();
    files_under(&root().join("examples"), &mut inputs);
    inputs.extend(regressions("lsp"));
    assert!(inputs.len() > 5);
    // UTF-16, UTF-8, UTF-32; edits across lines, past their ends and inside a character.
    let script: &[u8] = &[
        0, 3, 2, 3, 9, 0, 5, 1, 0, 1, 200, 2, 7, 0, 9, 0, 0, 4, 3, 2, 1, 5, 5, 7, 3, 3, 4, 0, 2, 6,
        8, 2, 9, 9, 4, 1, 2, 1, 2, 1, 9, 0, 3,
    ];
    for (i, path) in inputs.iter().enumerate() {
        let mut bytes = std::fs::read(path).unwrap();
        bytes.retain(|&b| b != 0);
        bytes.push(0);
        bytes.push(i as u8);
        bytes.extend_from_slice(script);
        pullcheck::testing::lsp_session(&bytes);
    }
    pullcheck::testing::lsp_session(
        "# 🐳 日本\nkind: Pod\0\x01\x00\x03\x00\x01\x04\x00".as_bytes(),
    );
}
