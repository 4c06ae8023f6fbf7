//! The documentation is generated from the rule registry and tested against it: `rules/*.md`,
//! the README's rule table, and the YAML examples in each rule's doc comment.

mod common;

use common::settings_for;
use pullcheck::lint::lint_text;
use pullcheck::rules::{ALL, documentation, documented};

#[test]
fn docs_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let bless = std::env::var_os("PULLCHECK_BLESS").is_some();
    let mut stale = Vec::new();
    for meta in documented() {
        let path = dir.join(format!("{}.md", meta.name));
        let want = meta.markdown_file();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let mut extra: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .filter(|n| documentation(n.trim_end_matches(".md")).is_none())
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    assert!(
        stale.is_empty(),
        "stale rule docs (run `PULLCHECK_BLESS=1 INSTA_UPDATE=always cargo test`): {stale:?}"
    );
    assert!(
        extra.is_empty(),
        "docs for rules that do not exist: {extra:?}"
    );
}

#[test]
fn rule_names_are_unique_and_kebab_case() {
    let mut names: Vec<_> = documented().map(|meta| meta.name).collect();
    for name in &names {
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{name}"
        );
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), documented().count());
}

#[test]
fn readme_rule_table_is_fresh() {
    const START: &str = "<!-- rules:start (generated from the rule registry by `PULLCHECK_BLESS=1 INSTA_UPDATE=always cargo test`) -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (before, rest) = readme
        .split_once(START)
        .expect("README has the rules:start marker");
    let (_, after) = rest
        .split_once(END)
        .expect("README has the rules:end marker");
    let mut table = String::from("| rule | default | summary |\n|---|---|---|\n");
    for rule in ALL {
        let m = rule.meta();
        let default = if m.enabled_by_default {
            m.severity.to_string()
        } else {
            format!("{}, off", m.severity)
        };
        table.push_str(&format!(
            "| [`{0}`](rules/{0}.md) | {default} | {1} |\n",
            m.name, m.summary
        ));
    }
    let fresh = format!("{before}{START}{table}{END}{after}");
    if fresh != readme && std::env::var_os("PULLCHECK_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        fresh == readme,
        "the README's rule table is stale: run `PULLCHECK_BLESS=1 INSTA_UPDATE=always cargo test`"
    );
}

/// YAML examples in a rule's documentation are tests (biome's "doc examples are tests"): a
/// ```yaml,fires block must make the rule fire, a plain ```yaml block must not. An example
/// may start with `# settings: {…}`, the `.pullcheck.yaml` keys it needs, as fixtures do, and
/// may hold several files, each after a `# file: NAME` line (a kustomization and its resources).
/// Every rule shows at least one example that fires. A ```yaml,online block (a rule of
/// `--online`) needs a registry: `tests/online.rs` runs those against a local one.
#[test]
fn doc_examples_are_true() {
    let mut failures = Vec::new();
    for &rule in ALL {
        let meta = rule.meta();
        let doc: Vec<&str> = meta
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let mut firing = 0;
        let mut i = 0;
        while i < doc.len() {
            let fence = doc[i].trim();
            let fires = fence == "```yaml,fires";
            // `--online` examples need a registry: tests/online.rs runs them against one.
            if fence == "```yaml,online" {
                firing += 1;
                i += 1;
                continue;
            }
            if !(fires || fence == "```yaml") {
                i += 1;
                continue;
            }
            let end = (i + 1..doc.len())
                .find(|&j| doc[j].trim() == "```")
                .unwrap_or_else(|| panic!("{}: unclosed example", meta.name));
            let example = doc[i + 1..end].join("\n") + "\n";
            let settings = settings_for(rule, &example);
            let run = if example.contains(pullcheck::lint::BUNDLE_MARKER) {
                pullcheck::lint::lint_bundle(&example, &settings)
            } else {
                lint_text("example.yaml", &example, &settings)
            };
            let fired = run.diagnostics.iter().any(|d| d.rule == meta);
            if fired != fires {
                failures.push(format!(
                    "{}: the example at doc line {} {} fire",
                    meta.name,
                    i + 1,
                    if fires { "must" } else { "must not" }
                ));
            }
            firing += usize::from(fires);
            i = end + 1;
        }
        if firing == 0 {
            failures.push(format!("{}: no ```yaml,fires example", meta.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Every rule says, under "How to fix it", whether `pullcheck fix` fixes it, and why not when it
/// does not.
#[test]
fn every_rule_says_whether_pullcheck_fix_fixes_it() {
    let mut silent = Vec::new();
    for meta in pullcheck::rules::documented() {
        let how = meta
            .doc
            .split("## How to fix it")
            .nth(1)
            .map(|rest| rest.split("\n ## ").next().unwrap_or(rest))
            .unwrap_or("");
        if !how.contains("pullcheck fix") {
            silent.push(meta.name);
        }
    }
    assert!(silent.is_empty(), "{silent:?}");
}
