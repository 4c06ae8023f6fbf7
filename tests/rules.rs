//! Every rule against its fixture `tests/fixtures/rules/<rule>.yaml`, run alone. Lines marked
//! `# fires` must be flagged and no other line may be (`# silent` marks the negative cases, of
//! which each fixture has at least one). The human output is snapshotted too.

mod common;

use std::collections::BTreeSet;

use common::*;
use pullcheck::rules::ALL;

/// Extra flags a fixture needs.
fn extra_args(rule: &str) -> &'static [&'static str] {
    match rule {
        "never-without-preload" => &["--preloaded", "registry.corp/base/*"],
        "suppression-missing-reason" => &["--config", "suppression-missing-reason.pullcheck.yaml"],
        "disallowed-registry" => &[
            "--allowed-registry",
            "registry.corp",
            "--allowed-registry",
            "docker.io/library/*",
        ],
        _ => &[],
    }
}

fn rule_only_args(rule: &str) -> Vec<String> {
    let mut args = vec!["--enable".to_string(), rule.to_string()];
    for other in ALL.iter().map(|r| r.meta().name).filter(|n| *n != rule) {
        args.extend(["--disable".to_string(), other.to_string()]);
    }
    args.extend(extra_args(rule).iter().map(|s| s.to_string()));
    args
}

fn marked_lines(text: &str, marker: &str) -> BTreeSet<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(marker))
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

#[test]
fn every_rule_fires_exactly_where_its_fixture_says() {
    let dir = root().join("tests/fixtures/rules");
    for rule in ALL.iter().map(|r| r.meta().name) {
        let file = format!("{rule}.yaml");
        let text = std::fs::read_to_string(dir.join(&file))
            .unwrap_or_else(|_| panic!("every rule has a fixture: {file} is missing"));
        let fires = marked_lines(&text, "# fires");
        assert!(!fires.is_empty(), "{file} has no positive case");
        assert!(
            !marked_lines(&text, "# silent").is_empty(),
            "{file} has no negative case"
        );

        let mut args = rule_only_args(rule);
        args.extend(["--format".into(), "json".into(), file.clone()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let value = json(&run(&dir, &args));
        let found = findings(&value);
        assert!(found.iter().all(|f| f.0 == rule), "{rule}: {found:?}");
        let flagged: BTreeSet<u64> = found.iter().map(|f| f.2).collect();
        assert_eq!(flagged, fires, "{rule}: flagged lines vs `# fires` lines");
    }
}

#[test]
fn every_rule_human_output() {
    let dir = root().join("tests/fixtures/rules");
    for rule in ALL.iter().map(|r| r.meta().name) {
        let mut args = rule_only_args(rule);
        args.push(format!("{rule}.yaml"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = stdout(&run(&dir, &args));
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("rule_{rule}"), output);
        });
    }
}
