//! Every rule against its fixtures, run alone and in-process (`Settings::only`): one generated
//! test per file of `tests/fixtures/rules/` (see `build.rs`). `<rule>.yaml` is a rule's main
//! fixture, `<rule>.<case>.yaml` a case that needs other settings. Lines marked `# fires` must
//! be flagged and no other line may be (`# silent` marks the negative cases, of which each main
//! fixture has at least one). A first line `# settings: {…}` holds `.pullcheck.yaml` keys the
//! fixture needs. A fixture may hold several files, each after a `# file: NAME` line
//! (`pullcheck::lint::split_bundle`): a kustomization and its resources. The human output is snapshotted too (`snapshots/rule_<fixture>.snap`).

mod common;

use std::collections::BTreeSet;

use common::*;
use pullcheck::lint::lint_text;
use pullcheck::output::{Style, human};
use pullcheck::rules::{ALL, by_name};

include!(concat!(env!("OUT_DIR"), "/rule_fixtures.rs"));

fn fixtures_dir() -> std::path::PathBuf {
    root().join("tests/fixtures/rules")
}

fn marked_lines(text: &str, marker: &str) -> BTreeSet<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(marker))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Lints `tests/fixtures/rules/<stem>.yaml` with its rule alone and checks the marks, then
/// the human output's snapshot.
fn check_fixture(stem: &str) {
    let name = stem.split('.').next().unwrap_or(stem);
    let rule = by_name(name).unwrap_or_else(|| panic!("{stem}.yaml names no rule"));
    let file = format!("{stem}.yaml");
    let text = std::fs::read_to_string(fixtures_dir().join(&file)).unwrap();
    let settings = settings_for(rule, &text);
    let bundle = pullcheck::lint::split_bundle(&text);
    let run = if bundle.is_empty() {
        lint_text(&file, &text, &settings)
    } else {
        pullcheck::lint::lint_bundle(&text, &settings)
    };
    // The line of the fixture a diagnostic's line is: in a bundle, its file starts further down.
    let fixture_line = |d: &pullcheck::diagnostic::Diagnostic| {
        let line = run.files[d.file].position(d.span.start).line;
        bundle
            .iter()
            .find(|f| f.name == run.files[d.file].name)
            .map_or(line, |f| f.first_line + line - 1)
    };
    let fires = marked_lines(&text, "# fires");
    assert!(
        !fires.is_empty() || !marked_lines(&text, "# silent").is_empty(),
        "{file}: mark its cases with `# fires` and `# silent`"
    );
    let others: Vec<&str> = run
        .diagnostics
        .iter()
        .map(|d| d.rule.name)
        .filter(|r| *r != name)
        .collect();
    assert!(others.is_empty(), "{file}: other rules fired: {others:?}");
    let flagged: BTreeSet<usize> = run.diagnostics.iter().map(fixture_line).collect();
    assert_eq!(
        flagged, fires,
        "{file}: flagged lines (left) against `# fires` lines (right)"
    );
    let mut out = Vec::new();
    let style = Style {
        color: false,
        width: 100,
    };
    human::write(&run, style, &mut out).unwrap();
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("rule_{stem}"), String::from_utf8(out).unwrap());
    });
}

/// A rule's main fixture holds both kinds of case; the generated tests cover the rest. A rule
/// of `--online` needs a registry: its cases are in `tests/online.rs`, which asserts where it
/// fires (`("rule", "pod")`) among pods where it must not.
#[test]
fn every_rule_has_a_fixture_with_both_kinds_of_case() {
    let online = std::fs::read_to_string(root().join("tests/online.rs")).unwrap();
    let mut missing = Vec::new();
    for rule in ALL {
        if rule.meta().doc.contains("```yaml,online") {
            if !online.contains(&format!("(\"{}\", ", rule.meta().name)) {
                missing.push(format!("tests/online.rs: {}", rule.meta().name));
            }
            continue;
        }
        let file = format!("{}.yaml", rule.meta().name);
        match std::fs::read_to_string(fixtures_dir().join(&file)) {
            Ok(text)
                if !marked_lines(&text, "# fires").is_empty()
                    && !marked_lines(&text, "# silent").is_empty() => {}
            _ => missing.push(file),
        }
    }
    assert!(
        missing.is_empty(),
        "each needs `# fires` and `# silent` cases: {missing:?}"
    );
}
