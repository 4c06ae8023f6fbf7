use super::*;
use crate::source::SourceFile;
use crate::yaml::{parse_document, parse_stream};

fn is_shallow(text: &str) -> bool {
    partial(text, false).is_some_and(|p| p.keep == &IDENTITY)
}

#[test]
fn kinds_that_cannot_matter_are_kept_shallow_but_fully_checked() {
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  versions:\n    - schema: &s {deep: {deeper: [1, 2, 3]}}\n      other: *s\n";
    let source = SourceFile::new("t.yaml".into(), None, crd.into());
    let docs = parse_document(&source, 0, crd.len(), partial(&source.text, false));
    assert!(docs[0].error.is_none(), "{:?}", docs[0].error);
    let doc = &docs[0].document;
    let root = doc.root().unwrap();
    assert_eq!(
        doc.path(root, &["metadata", "name"])
            .and_then(|n| doc.str(n)),
        Some("things.example.com")
    );
    // `spec.versions` is below the kept depth: a null stands in.
    assert!(
        doc.is_null(
            doc.path(root, &["spec"])
                .and_then(|s| doc.get(s, "versions"))
                .unwrap()
        )
    );
    let full = parse_stream(&source);
    assert!(
        doc.nodes.len() + 10 < full[0].document.nodes.len(),
        "{} nodes kept",
        doc.nodes.len()
    );

    // A syntax error deep inside is still found.
    let broken = crd.replace("[1, 2, 3]", "[1, 2, 3");
    let source = SourceFile::new("t.yaml".into(), None, broken.clone());
    assert!(
        parse_document(&source, 0, broken.len(), partial(&source.text, false))[0]
            .error
            .is_some()
    );
    // So is an alias to an anchor that does not exist.
    let unknown = crd.replace("other: *s", "other: *nope");
    let source = SourceFile::new("t.yaml".into(), None, unknown.clone());
    assert!(
        parse_document(&source, 0, unknown.len(), partial(&source.text, false))[0]
            .error
            .is_some()
    );
}

#[test]
fn a_second_kind_line_makes_a_document_deep() {
    // The last `kind` wins: this is a Deployment, whose pod spec must be kept.
    let text =
        "kind: ConfigMap\nspec: {template: {spec: {containers: [{image: x}]}}}\nkind: Deployment\n";
    assert!(!is_shallow(text));
    let source = SourceFile::new("t.yaml".into(), None, text.into());
    let docs = parse_document(&source, 0, text.len(), partial(&source.text, false));
    let doc = &docs[0].document;
    let root = doc.root().unwrap();
    assert_eq!(
        doc.get(root, "kind").and_then(|k| doc.str(k)),
        Some("Deployment")
    );
    let containers = doc.path(root, &["spec", "template", "spec", "containers"]);
    assert_eq!(containers.map(|c| doc.items(c).count()), Some(1));
    assert!(is_shallow("# c\nkind: ConfigMap\ndata: {}\n"));
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    pullcheck.dev/ignore: latest-tag -- pinned by CI\n    other: |\n      long text\nspec:\n  replicas: 2\n  template:\n    metadata:\n      annotations:\n        pullcheck.dev/allow: x\n    spec:\n      serviceAccountName: web\n      imagePullSecrets:\n      - name: regcred\n      nodeSelector: {}\n      containers:\n      - name: app\n        image: 'registry.example.com/web:latest'  # pinned later\n        imagePullPolicy: IfNotPresent\n        image: registry.example.com/web:1.2\n        args:\n        - |\n          exec server\n        env: [{name: A, value: \"b\"}]\n      volumes:\n      - name: models\n        image:\n          reference: registry.example.com/models:v1\n          pullPolicy: Always\n";

#[test]
fn workloads_are_read_by_the_fast_path_with_the_same_facts() {
    let read = partial(DEPLOYMENT, false).unwrap();
    assert!(std::ptr::eq(read.keep, &WORKLOAD));
    assert_eq!(compare_extraction(DEPLOYMENT), Ok(true));
    // What the fast path kept is what extraction reads.
    let doc = crate::yaml::skim::skim(DEPLOYMENT, 0, read.keep).unwrap();
    let extracted = super::super::extract(&doc, 0, "default", false);
    let pod = &extracted.pods[0];
    assert_eq!(pod.containers.len(), 2);
    assert_eq!(pod.duplicate_keys.len(), 1, "{:?}", pod.duplicate_keys);
    assert_eq!(pod.annotations.len(), 2);
    for kind in ["Pod", "CronJob", "ServiceAccount", "PodTemplate"] {
        let text = format!("kind: {kind}\nmetadata:\n  name: x\n");
        assert!(
            !is_shallow(&text) && partial(&text, false).is_some(),
            "{kind}"
        );
    }
    // The kustomize model reads whole objects: only the shallow kinds are read in part.
    assert!(partial(DEPLOYMENT, true).is_none());
    assert!(partial("kind: ConfigMap\n", true).is_some());
}

#[test]
fn a_document_that_may_name_a_secret_is_read_in_full() {
    for text in [
        "kind: Secret",
        "  kind: \"Secret\"  # c",
        "- Secret\n",
        "x: {kind: Secret, data: {}}",
        "kind: |-\n  Secret\n",
        "name: \"Sec\\x72et\"",
        "name: \"\\u0053ecret\"",
    ] {
        assert!(may_name_a_secret(text), "{text}");
    }
    for text in [
        "imagePullSecrets: []",
        "description: Name of the Secret holding the key.",
        "description: Secret names are listed",
        "secretName: x",
        "pattern: \"\\x41\"",
    ] {
        assert!(!may_name_a_secret(text), "{text}");
    }
    let nested = DEPLOYMENT.replace(
        "  replicas: 2\n",
        "  extra:\n    kind: Secret\n    data: {a: b}\n",
    );
    assert!(partial(&nested, false).is_none());
}

#[test]
fn other_kinds_are_built_in_full() {
    let text = "kind: Deployment\nspec: {template: {spec: {containers: [{image: x}]}}}\n";
    let source = SourceFile::new("t.yaml".into(), None, text.into());
    let docs = parse_document(&source, 0, text.len(), partial(&source.text, false));
    let doc = &docs[0].document;
    let root = doc.root().unwrap();
    let image = doc
        .path(root, &["spec", "template", "spec", "containers"])
        .unwrap();
    assert_eq!(doc.items(image).count(), 1);
}
