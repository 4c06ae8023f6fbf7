//! Every rule against its fixture `tests/fixtures/rules/<rule>.yaml`, run alone and in-process
//! (`Settings::only`). Lines marked `# fires` must be flagged and no other line may be
//! (`# silent` marks the negative cases, of which each fixture has at least one). A first line
//! `# settings: {…}` holds `.pullcheck.yaml` keys the fixture needs. The human output is
//! snapshotted too. Every rule is checked before the test fails, and the failure names each
//! rule that did.

mod common;

use std::collections::BTreeSet;

use common::*;
use pullcheck::config::Config;
use pullcheck::lint::{Run, lint_text};
use pullcheck::output::{Style, human};
use pullcheck::rules::{ALL, Rule};
use pullcheck::settings::Settings;
use pullcheck::source::SourceFile;

fn fixture(rule: &dyn Rule) -> (String, String) {
    let file = format!("{}.yaml", rule.meta().name);
    let path = root().join("tests/fixtures/rules").join(&file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("every rule has a fixture: {file} is missing"));
    (file, text)
}

/// The rule alone, with the fixture's `# settings:` applied.
fn settings_for(rule: &'static dyn Rule, text: &str) -> Settings {
    let mut settings = Settings::only(rule);
    if let Some(header) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# settings: "))
    {
        let source = SourceFile::new("settings".into(), None, header.into());
        let config = Config::parse(&source).expect("the fixture's settings parse");
        config
            .apply(&mut settings)
            .expect("the fixture's settings apply");
    }
    settings
}

fn lint_fixture(rule: &'static dyn Rule) -> (String, String, Run) {
    let (file, text) = fixture(rule);
    let settings = settings_for(rule, &text);
    let run = lint_text(&file, &text, &settings);
    (file, text, run)
}

fn marked_lines(text: &str, marker: &str) -> BTreeSet<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(marker))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn every_rule_fires_exactly_where_its_fixture_says() {
    let mut failures = Vec::new();
    for &rule in ALL {
        let name = rule.meta().name;
        let (file, text, run) = lint_fixture(rule);
        let fires = marked_lines(&text, "# fires");
        if fires.is_empty() || marked_lines(&text, "# silent").is_empty() {
            failures.push(format!("{file}: needs a `# fires` and a `# silent` case"));
            continue;
        }
        let others: Vec<&str> = run
            .diagnostics
            .iter()
            .map(|d| d.rule.name)
            .filter(|r| *r != name)
            .collect();
        if !others.is_empty() {
            failures.push(format!("{name}: other rules fired: {others:?}"));
        }
        let flagged: BTreeSet<usize> = run
            .diagnostics
            .iter()
            .map(|d| run.files[d.file].position(d.span.start).line)
            .collect();
        if flagged != fires {
            failures.push(format!(
                "{name}: flagged lines {flagged:?}, `# fires` lines {fires:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_rule_human_output() {
    for &rule in ALL {
        let (_, _, run) = lint_fixture(rule);
        let mut out = Vec::new();
        let style = Style {
            color: false,
            width: 100,
        };
        human::write(&run, style, &mut out).unwrap();
        let output = String::from_utf8(out).unwrap();
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("rule_{}", rule.meta().name), output);
        });
    }
}
