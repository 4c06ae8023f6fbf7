//! pullcheck over `../shared/corpus` (about 3,300 real manifests written by other projects):
//! it never panics, and it rejects no file that libyaml — and so Kubernetes — accepts.

mod common;

use std::collections::BTreeSet;

use common::*;

#[test]
fn the_corpus_lints_without_a_crash_and_parses_like_libyaml() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    let out = run(&corpus, &["--format", "json", "."]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "status {:?}: {}",
        out.status.code(),
        stderr(&out)
    );
    let value = json(&out);
    assert!(value["summary"]["files"].as_u64().unwrap() > 3000);

    let rejected: BTreeSet<String> = findings(&value)
        .into_iter()
        .filter(|f| f.0 == "parse-error")
        .map(|f| f.1)
        .collect();
    let libyaml = std::fs::read_to_string(root().join("tests/data/libyaml-rejects.txt")).unwrap();
    let libyaml: BTreeSet<String> = libyaml.lines().map(str::to_string).collect();
    let gaps: Vec<_> = rejected.difference(&libyaml).collect();
    assert!(
        gaps.is_empty(),
        "parse errors in files libyaml accepts (see scripts/compare-parsers.sh): {gaps:?}"
    );
    // And the other way round: no syntax error is lost, by the fast path for shallow kinds
    // (src/yaml/skim.rs) or anywhere else.
    let missed: Vec<_> = libyaml.difference(&rejected).collect();
    assert!(
        missed.is_empty(),
        "files libyaml rejects that pullcheck accepts: {missed:?}"
    );
    // The files where saphyr-parser alone is stricter than libyaml stay accepted.
    for file in [
        "plain/checkov/tests/kubernetes/checks/example_ImageDigest/kafka-withrepo-PASSED.yaml",
        "helm/splunk-otel-collector-chart/examples/host-journalctl-logs/rendered_manifests/daemonset.yaml",
    ] {
        assert!(!rejected.contains(file), "{file}");
    }
}
