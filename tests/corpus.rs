//! pullcheck over `../shared/corpus` (about 3,300 real manifests written by other projects):
//! it never panics (its parse verdicts are compared with Kubernetes' decoder in tests/goyaml.rs).

mod common;

use std::collections::BTreeSet;

use common::*;

/// pullcheck's walk of the corpus finds what `ignore`'s walker finds, on one thread and on a
/// pool of two (its tests in src/input/walk.rs compare the two on generated trees with rules).
#[test]
fn the_walk_finds_what_ignore_finds() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    let (ours, theirs) = pullcheck::testing::both_walks(&corpus);
    assert!(theirs.len() > 3000, "{}", theirs.len());
    assert!(ours == Some(theirs), "the walks differ on one thread");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let (ours, theirs) = pool.install(|| pullcheck::testing::both_walks(&corpus));
    assert!(ours == Some(theirs), "the walks differ on two threads");
}

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
