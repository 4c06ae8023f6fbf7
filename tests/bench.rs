//! The benchmark suite is not run in CI (too noisy), but its pieces must not rot: run the
//! parse-only reference and the whole suite (the read-only reference among it) once on tiny
//! inputs.

mod common;

use common::*;

fn example_binary(name: &str) -> std::path::PathBuf {
    // `cargo test` builds the examples next to the test binaries' folder.
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

fn parse_only_binary() -> std::path::PathBuf {
    example_binary("parse_only")
}

#[test]
fn the_parse_only_reference_drains_a_stream() {
    let bin = parse_only_binary();
    let out = std::process::Command::new(&bin)
        .arg(root().join("tests/fixtures/tricky.yaml"))
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.ends_with("1 documents with errors\n"), "{text}");
}

#[test]
fn the_suite_runs_on_tiny_inputs() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if python.map(|o| !o.status.success()).unwrap_or(true) {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is missing, and CI needs it"
        );
        eprintln!("skipped: no python3");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("RESULTS.md");
    let out = std::process::Command::new("python3")
        .arg(root().join("bench/bench.py"))
        .arg("--smoke")
        .arg("--bin")
        .arg(assert_cmd::cargo::cargo_bin("pullcheck"))
        .arg("--parse-only")
        .arg(parse_only_binary())
        .arg("--skim-stats")
        .arg(example_binary("skim_stats"))
        .arg("--read-only")
        .arg(example_binary("read_only"))
        .arg("--corpus")
        .arg(&corpus)
        .arg("--out")
        .arg(&results)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&results).unwrap();
    for needle in [
        "## Ratios",
        "parse-only",
        "Corpus directory, 1 -> 2 threads",
        "diagnostics: human",
        "read by the fast path",
        "reading its files alone: 2 threads",
        "first runs",
        "| stream, file, 2 threads |",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}
