//! Reading a chart's sources as text, enough to say which template line produced a rendered
//! line: the lines holding a key, the container list and item they sit in, the helpers a
//! template includes. The expressions themselves are `evaluate`'s.

use std::collections::HashMap;

pub use super::evaluate::{Context, match_score};
use crate::source::SourceFile;

/// The key of a `key: value` or `- key: value` line.
pub fn line_key(line: &str) -> Option<&str> {
    let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, _) = trimmed.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains(char::is_whitespace) && !key.starts_with(['#', '{']))
        .then_some(key)
}

/// The value of a `key: value` line, without the quotes around it.
pub fn line_value(line: &str) -> &str {
    let value = line.split_once(':').map_or("", |(_, v)| v).trim();
    let value = value.split(" #").next().unwrap_or(value).trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value)
}

/// Byte offset of the value after `key:` in a line (or of the key when there is none).
pub fn value_start(line: &str) -> usize {
    let indent = line.len() - line.trim_start().len();
    match line.find(": ") {
        Some(colon) => colon + 2 + (line[colon + 2..].len() - line[colon + 2..].trim_start().len()),
        None => indent,
    }
}

pub fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Lines of text by index: a file of the run, or a slice in the tests.
pub trait Lines {
    fn line(&self, index: usize) -> &str;
}

impl Lines for [&str] {
    fn line(&self, index: usize) -> &str {
        self[index]
    }
}

impl Lines for SourceFile {
    fn line(&self, index: usize) -> &str {
        self.line_text(index)
    }
}

/// Where a line sits among containers: the list key above it (`containers`,
/// `initContainers`, …) and, for a template, the literal `- name:` of its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub list: Option<String>,
    /// The line of the list key.
    pub list_line: Option<usize>,
    /// The item's `name`, when the text writes it without template actions.
    pub name: Option<String>,
}

/// The place of line `at` (stopping at `first`, a document's first line).
pub fn place<L: Lines + ?Sized>(lines: &L, first: usize, at: usize) -> Place {
    let mut depth = indent(lines.line(at));
    let mut item_start = None;
    let mut list = None;
    let mut list_line = None;
    for i in (first..at).rev() {
        let text = lines.line(i);
        if text.trim().is_empty() || text.trim_start().starts_with("{{") {
            continue;
        }
        let ind = indent(text);
        if ind < depth || (ind == depth && text.trim_start().starts_with("- ")) {
            if text.trim_start().starts_with("- ") && item_start.is_none() {
                item_start = Some(i);
            }
            if let Some(key) = line_key(text).filter(|k| k.ends_with("ontainers"))
                && !text.trim_start().starts_with("- ")
            {
                list = Some(key.to_string());
                list_line = Some(i);
                break;
            }
            depth = ind.min(depth);
        }
    }
    let name = item_start.and_then(|start| {
        let item_indent = indent(lines.line(start)) + 2;
        (start..at.max(start + 1)).find_map(|i| {
            let text = lines.line(i);
            let is_name =
                line_key(text) == Some("name") && (i == start || indent(text) == item_indent);
            let value = line_value(text);
            (is_name && !value.contains("{{") && !value.is_empty()).then(|| value.to_string())
        })
    });
    Place {
        list,
        list_line,
        name,
    }
}

/// A rendered line's container list (its key's line and name) and its ordinal there; `None`
/// for a line without a key.
pub type RenderedPlace = Option<(Option<(usize, String)>, usize)>;

/// For each line of a rendered file that holds a key: the container list it is in (the list
/// key's line and name) and how many lines with the same key and indentation came before it
/// in that list. One pass over the file: rendered streams can hold thousands of containers.
pub fn rendered_places(file: &SourceFile) -> Vec<RenderedPlace> {
    let mut out = Vec::with_capacity(file.line_count());
    let mut lists: Vec<(usize, usize, String)> = Vec::new();
    let mut counts: HashMap<(usize, String, usize), usize> = HashMap::new();
    for i in 0..file.line_count() {
        let text = file.line_text(i);
        let trimmed = text.trim_start();
        if text.starts_with("---") {
            lists.clear();
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("{{") {
            out.push(None);
            continue;
        }
        let depth = indent(text);
        let item = trimmed.starts_with("- ");
        // A line left of a list key, or at its indentation but not an item, ends the list.
        while lists.last().is_some_and(|(list_depth, _, _)| {
            depth < *list_depth || (depth == *list_depth && !item)
        }) {
            lists.pop();
        }
        let Some(key) = line_key(text) else {
            out.push(None);
            continue;
        };
        let list = lists.last().map(|(_, line, name)| (*line, name.clone()));
        let ordinal = list.as_ref().map_or(0, |(line, _)| {
            let count = counts.entry((*line, key.to_string(), depth)).or_default();
            *count += 1;
            *count - 1
        });
        out.push(Some((list, ordinal)));
        if key.ends_with("ontainers") && !item {
            lists.push((depth, i, key.to_string()));
        }
    }
    out
}

/// The `define`d helpers of a chart: name to (file index, first line, last line).
pub fn defines(files: &[SourceFile]) -> HashMap<String, (usize, usize, usize)> {
    let mut found = HashMap::new();
    for (f, file) in files.iter().enumerate() {
        let mut open: Option<(String, usize)> = None;
        let mut depth = 0usize;
        for line in 0..file.line_count() {
            let text = file.line_text(line);
            for action in actions(text) {
                let words: Vec<&str> = action.split_whitespace().collect();
                match words.first().copied() {
                    Some("define") => {
                        if let Some(name) = words.get(1) {
                            open = Some((name.trim_matches('"').to_string(), line));
                            depth = 0;
                        }
                    }
                    Some("if" | "range" | "with" | "block") => depth += 1,
                    Some("end") if depth > 0 => depth -= 1,
                    Some("end") => {
                        if let Some((name, start)) = open.take() {
                            found.insert(name, (f, start, line));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

/// The helpers a text includes (`include "x"`, `template "x"`).
pub fn included(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for action in actions(text) {
        let mut words = action.split_whitespace();
        while let Some(word) = words.next() {
            if matches!(word.trim_start_matches('('), "include" | "template")
                && let Some(name) = words.next()
            {
                names.push(name.trim_matches(['"', ')']).to_string());
            }
        }
    }
    names
}

/// The actions `{{ … }}` of a text, without the braces and trim markers.
fn actions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            break;
        };
        out.push(
            after[..close]
                .trim_start_matches('-')
                .trim_end_matches('-')
                .trim(),
        );
        rest = &after[close + 2..];
    }
    out
}

#[cfg(test)]
mod tests;
