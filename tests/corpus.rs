//! pullcheck over `../shared/corpus` (about 3,300 real manifests written by other projects):
//! it never panics (its parse verdicts are compared with Kubernetes' decoder in tests/goyaml.rs).

mod common;

use std::collections::BTreeSet;

use common::*;

#[test]
fn the_corpus_lints_without_a_crash() {
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

    // Which files are rejected is held to Kubernetes' own decoder in tests/goyaml.rs.
    let rejected: BTreeSet<String> = findings(&value)
        .into_iter()
        .filter(|f| f.0 == "parse-error")
        .map(|f| f.1)
        .collect();
    // The files where saphyr-parser alone is stricter than go-yaml stay accepted.
    for file in [
        "plain/checkov/tests/kubernetes/checks/example_ImageDigest/kafka-withrepo-PASSED.yaml",
        "helm/splunk-otel-collector-chart/examples/host-journalctl-logs/rendered_manifests/daemonset.yaml",
    ] {
        assert!(!rejected.contains(file), "{file}");
    }
}
