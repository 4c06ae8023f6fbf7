//! Every output format on the same fixtures (snapshots), the SARIF output against the official
//! SARIF 2.1.0 schema, and GitHub's escaping.

mod common;

use clap::ValueEnum;
use common::*;
use pullcheck::output::Format;

fn format_names() -> Vec<String> {
    Format::value_variants()
        .iter()
        .map(|f| f.to_possible_value().unwrap().get_name().to_string())
        .collect()
}

#[test]
fn every_format_on_the_fixtures() {
    let dir = root().join("tests/fixtures");
    for format in format_names() {
        let out = run(
            &dir,
            &[
                "--format",
                &format,
                "crlf.yaml",
                "tricky.yaml",
                "formats.yaml",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("format_{format}"), stdout(&out));
        });
    }
}

#[test]
fn sarif_validates_against_the_schema() {
    let Some(schema_path) = shared("schemas/sarif-schema-2.1.0.json") else {
        return;
    };
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    // The validator does reject what is not SARIF.
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": 3}]}))
    );
    for dir in [root().join("tests/fixtures"), root().join("examples")] {
        let out = run(
            &dir,
            &["--format", "sarif", "--enable", "digest-not-pinned", "."],
        );
        let sarif = json(&out);
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
        assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    }
    // A finding an overlay's `images:` entry caused is at the entry, with the base's line as a
    // related location in the other file.
    let out = run(&root().join("examples"), &["--format", "sarif", "gitops"]);
    let sarif = json(&out);
    let related: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "latest-tag")
        .flat_map(|r| {
            r["relatedLocations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|l| {
            let at = &l["physicalLocation"];
            format!(
                "{}:{}",
                at["artifactLocation"]["uri"].as_str().unwrap(),
                at["region"]["startLine"]
            )
        })
        .collect();
    assert_eq!(related, ["gitops/base/api.yaml:14"]);
}

/// The `pullcheck/v1` fingerprint of every SARIF result, in order.
fn fingerprints(sarif: &serde_json::Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["pullcheck/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n";
    write(dir.path(), "a.yaml", pod);
    let before = json(&run(dir.path(), &["--format", "sarif", "a.yaml"]));
    write(dir.path(), "a.yaml", &format!("# a comment\n\n{pod}"));
    let after = json(&run(dir.path(), &["--format", "sarif", "a.yaml"]));
    assert_eq!(fingerprints(&before), fingerprints(&after));
    let lines = |v: &serde_json::Value| {
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    assert_ne!(lines(&before), lines(&after));
}

/// The same object defined twice in one file gives two results about the same thing; each has
/// its own fingerprint (code scanning merges results that share one), still stable when lines
/// move.
#[test]
fn sarif_fingerprints_are_unique_in_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n";
    write(dir.path(), "a.yaml", &format!("{pod}---\n{pod}"));
    let before = fingerprints(&json(&run(dir.path(), &["--format", "sarif", "a.yaml"])));
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "{before:?}");
    write(dir.path(), "a.yaml", &format!("# moved\n{pod}---\n\n{pod}"));
    let after = fingerprints(&json(&run(dir.path(), &["--format", "sarif", "a.yaml"])));
    assert_eq!(before, after);
}

#[test]
fn github_annotations_escape_percent_colon_comma_and_newlines() {
    let dir = tempfile::tempdir().unwrap();
    // The invalid image ends up in the message: `%`, `:`, `,` and a line break.
    write(
        dir.path(),
        "odd, name:1.yaml",
        "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: \"50%,off:x\\nnext\", imagePullPolicy: Always}]\n",
    );
    let out = stdout(&run(
        dir.path(),
        &["--format", "github", "odd, name:1.yaml"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    let line = lines[0];
    assert!(
        line.starts_with("::error file=odd%2C name%3A1.yaml,line=4,col="),
        "{line}"
    );
    let (_, message) = line
        .split_once("::invalid image")
        .expect("one message part");
    assert!(message.contains("50%25,off:x%0Anext"), "{message}");
    assert!(!message.contains('\n'));
}

/// Checkstyle and JUnit output parse as XML, with one entry per finding where the format
/// has one: every message, file name and attribute is escaped.
#[test]
fn xml_formats_parse_and_hold_every_finding() {
    let dir = root().join("tests/fixtures");
    let findings = json(&run(&dir, &["--format", "json", "formats.yaml"]))["diagnostics"]
        .as_array()
        .unwrap()
        .len();
    assert!(findings > 0);
    for format in ["checkstyle", "junit"] {
        let out = stdout(&run(&dir, &["--format", format, "formats.yaml"]));
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        let doc =
            roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{format}: {e}\n{out}"));
        let root = doc.root_element();
        match format {
            "checkstyle" => {
                assert_eq!(root.tag_name().name(), "checkstyle");
                let errors = root
                    .descendants()
                    .filter(|n| n.has_tag_name("error"))
                    .count();
                assert_eq!(errors, findings, "{out}");
                assert!(
                    root.descendants()
                        .filter(|n| n.has_tag_name("error"))
                        .all(|e| e.attribute("message").is_some_and(|m| !m.is_empty()))
                );
            }
            _ => {
                assert!(
                    matches!(root.tag_name().name(), "testsuites" | "testsuite"),
                    "{out}"
                );
                assert!(
                    root.descendants().any(|n| n.has_tag_name("testcase")),
                    "{out}"
                );
            }
        }
    }
}
