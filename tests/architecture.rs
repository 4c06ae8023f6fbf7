//! The shape of the source tree, kept as the pipeline reads: no file over 400 lines (but the
//! fast-path recognizer, one state machine), and no cycle between the top-level modules of
//! `src/` (a `crate::` path in one module's code, tests included, is an edge to another).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;
const LONG_BY_DESIGN: &[&str] = &["src/yaml/skim.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(root).unwrap().display().to_string();
            (relative, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn no_file_is_longer_than_a_reader_can_hold() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !LONG_BY_DESIGN.contains(&path.as_str()))
        .filter_map(|(path, text)| {
            let lines = text.lines().count();
            (lines > MAX_LINES).then(|| format!("{path}: {lines} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these (at most {MAX_LINES} lines): {long:#?}"
    );
}

/// The top-level module a file of `src/` belongs to; `None` for the crate roots.
fn module_of(path: &str) -> Option<String> {
    let inner = path.strip_prefix("src/")?;
    let first = inner.split('/').next()?.trim_end_matches(".rs");
    (!matches!(first, "lib" | "main")).then(|| first.to_string())
}

/// The modules a text names as `crate::x` or `crate::{x, y::…}`, outside comments.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => top_level_items(group),
                None => vec![first_name(rest)],
            };
            found.extend(
                names
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            );
        }
    }
    found
}

fn first_name(path: &str) -> &str {
    path.trim_start()
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
}

/// The first name of each item of a `{…}` group (the text after its `{`), up to its `}`.
fn top_level_items(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut items) = (0, 0, Vec::new());
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(first_name(&group[start..at]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(first_name(&group[start..at]));
                start = at + 1;
            }
            _ => {}
        }
    }
    items
}

#[test]
fn no_module_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in sources() {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let targets = referenced(&text);
        let entry = edges.entry(module.clone()).or_default();
        entry.extend(targets.into_iter().filter(|t| *t != module));
    }
    // A cycle exists when some module reaches itself.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut stack: Vec<Vec<&str>> = vec![vec![start.as_str()]];
        let mut seen = BTreeSet::new();
        while let Some(route) = stack.pop() {
            let last = *route.last().unwrap();
            for next in edges.get(last).into_iter().flatten() {
                if next == start {
                    let mut cycle = route.clone();
                    cycle.push(next);
                    cycles.push(cycle.join(" -> "));
                } else if seen.insert(next.as_str()) {
                    let mut longer = route.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}");
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert_eq!(module_of("src/yaml/skim/tests.rs").as_deref(), Some("yaml"));
    assert_eq!(module_of("src/main.rs"), None);
    let names =
        referenced("use crate::k8s::{A, B};\nuse crate::{image, index::Index};\n// crate::rules\n");
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["image", "index", "k8s"]
    );
}
