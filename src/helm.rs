//! `helm template` output: which template each document was rendered from (the `# Source:`
//! comment Helm writes before it), and, with `--chart-dir`, moving findings back onto the
//! template file a user edits, at the line holding the same key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::input;
use crate::run::Run;
use crate::source::{SourceFile, Span};

const SOURCE_MARKER: &str = "# Source: ";

/// The template named by a `# Source:` comment among a document's leading comment lines.
pub fn source_comment(document: &str) -> Option<&str> {
    for line in document.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(path) = line.strip_prefix(SOURCE_MARKER) {
            return Some(path.trim()).filter(|p| !p.is_empty());
        }
        let trimmed = line.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---")) {
            return None;
        }
    }
    None
}

/// Where a template lives in a chart directory: `chart/templates/x.yaml` is
/// `DIR/templates/x.yaml`, and a subchart's `chart/charts/sub/templates/x.yaml` is
/// `DIR/charts/sub/templates/x.yaml`.
///
/// A `# Source:` comment is text the chart controls, so the path stays inside the chart
/// directory: no `..`, no absolute path, and no link that leads out of it (checked on the real
/// path). `None` for anything else.
pub fn template_path(chart_dir: &Path, source: &str) -> Option<PathBuf> {
    let (_chart, inside) = source.split_once('/')?;
    if !(inside.starts_with("templates/") || inside.starts_with("charts/")) {
        return None;
    }
    let relative = Path::new(inside);
    if !relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    Some(chart_dir.join(relative))
}

/// Reads a template named by [`template_path`], if its real path is inside the chart directory.
fn read_confined(chart_dir: &Path, path: &Path) -> Option<Vec<u8>> {
    let root = chart_dir.canonicalize().ok()?;
    let real = path.canonicalize().ok()?;
    if !real.starts_with(&root) || !real.is_file() {
        return None;
    }
    std::fs::read(&real).ok()
}

/// Moves every diagnostic of a rendered document onto its template in `chart_dir`, at the
/// line holding the same key (the n-th `image:` of the document maps to the n-th `image:` line
/// of the template); when no line matches, onto the template's first line, with the rendered
/// position in the message. Diagnostics whose template cannot be read stay where they are.
pub fn map_to_chart(run: &mut Run, chart_dir: &Path) {
    let mut loaded: HashMap<PathBuf, Option<usize>> = HashMap::new();
    // Built once per file: which lines hold each key (templates), and which occurrence of its
    // key in its document each line is (rendered files). Per diagnostic, the work is then a
    // lookup, not a scan of both files.
    let mut template_keys: HashMap<usize, HashMap<String, Vec<usize>>> = HashMap::new();
    let mut rendered_keys: HashMap<usize, Vec<Option<(String, usize)>>> = HashMap::new();
    let mut mapped = Vec::with_capacity(run.diagnostics.len());
    for mut d in std::mem::take(&mut run.diagnostics) {
        let rendered = &run.files[d.file];
        let Some(source) = rendered.helm_source(d.span.start).map(str::to_string) else {
            mapped.push(d);
            continue;
        };
        let Some(path) = template_path(chart_dir, &source) else {
            mapped.push(d);
            continue;
        };
        let template = *loaded.entry(path.clone()).or_insert_with(|| {
            let bytes = read_confined(chart_dir, &path)?;
            // Shown as the user would write it from the repository root: `./chart/x` is
            // `chart/x`, which is also what GitHub annotations and SARIF expect.
            let name = input::display_name(&path);
            let mut decoded = input::decode(name, Some(path.clone()), bytes);
            // A template cannot be parsed to find a Secret's values exactly: mask them as in a
            // rendered document that does not parse.
            if crate::k8s::may_hold_secret(&decoded.source.text) {
                let whole = Span::new(0, decoded.source.text.len());
                decoded.source.redact_values(whole);
            }
            run.files.push(decoded.source);
            Some(run.files.len() - 1)
        });
        let Some(template) = template else {
            mapped.push(d);
            continue;
        };
        let files = &run.files;
        let keys = template_keys
            .entry(template)
            .or_insert_with(|| key_lines(&files[template]));
        let occurrences = rendered_keys
            .entry(d.file)
            .or_insert_with(|| key_occurrences(&files[d.file]));
        relocate(&mut d, files, template, keys, occurrences);
        mapped.push(d);
    }
    mapped.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    run.diagnostics = mapped;
}

/// The lines of a template holding each key, in order.
fn key_lines(file: &SourceFile) -> HashMap<String, Vec<usize>> {
    let mut lines: HashMap<String, Vec<usize>> = HashMap::new();
    for line in 0..file.line_count() {
        if let Some(key) = line_key(file.line_text(line)) {
            lines.entry(key.to_string()).or_default().push(line);
        }
    }
    lines
}

/// For each line of a rendered file: its key, and how many lines of its document hold that key
/// before it.
fn key_occurrences(file: &SourceFile) -> Vec<Option<(String, usize)>> {
    let document_starts: std::collections::HashSet<usize> = file
        .helm_sources
        .iter()
        .map(|(start, _)| file.line_index(*start))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    (0..file.line_count())
        .map(|line| {
            if document_starts.contains(&line) {
                counts.clear();
            }
            let key = line_key(file.line_text(line))?;
            let count = counts.entry(key).or_default();
            let nth = *count;
            *count += 1;
            Some((key.to_string(), nth))
        })
        .collect()
}

fn relocate(
    d: &mut Diagnostic,
    files: &[SourceFile],
    template: usize,
    template_keys: &HashMap<String, Vec<usize>>,
    occurrences: &[Option<(String, usize)>],
) {
    let rendered = &files[d.file];
    let line = rendered.line_index(d.span.start);
    let target = &files[template];
    // The n-th line of the document with this key maps to the n-th line of the template with
    // it, else to the first.
    let found = occurrences[line].as_ref().and_then(|(key, nth)| {
        let lines = template_keys.get(key)?;
        lines.get(*nth).or(lines.first()).copied()
    });
    let position = rendered.position(d.span.start);
    match found {
        Some(target_line) => {
            let text = target.line_text(target_line);
            let value = value_start(text);
            let start = target.line_start(target_line) + value;
            d.span = Span::new(start, target.line_start(target_line) + text.len());
        }
        None => {
            d.message = format!(
                "{} (rendered at {}:{}:{})",
                d.message, rendered.name, position.line, position.column
            );
            let end = target.line_end(0).max(target.line_start(0));
            d.span = Span::new(0, end);
        }
    }
    d.file = template;
}

/// The key of a `key: value` or `- key: value` line.
fn line_key(line: &str) -> Option<&str> {
    let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
    let (key, _) = trimmed.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty() && !key.contains(char::is_whitespace) && !key.starts_with('#')).then_some(key)
}

/// Byte offset of the value after `key:` in a line (or of the key when there is none).
fn value_start(line: &str) -> usize {
    let indent = line.len() - line.trim_start().len();
    match line.find(": ") {
        Some(colon) => colon + 2 + (line[colon + 2..].len() - line[colon + 2..].trim_start().len()),
        None => indent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_comments() {
        assert_eq!(
            source_comment("---\n# Source: web/templates/deploy.yaml\nkind: Deployment\n"),
            Some("web/templates/deploy.yaml")
        );
        assert_eq!(
            source_comment("# Source: a/templates/b.yaml\r\nkind: X\r\n"),
            Some("a/templates/b.yaml")
        );
        assert_eq!(
            source_comment("kind: X\n# Source: late/templates/x.yaml\n"),
            None
        );
    }

    #[test]
    fn template_paths() {
        let dir = Path::new("charts/web");
        assert_eq!(
            template_path(dir, "web/templates/deploy.yaml"),
            Some(dir.join("templates/deploy.yaml"))
        );
        assert_eq!(
            template_path(dir, "web/charts/redis/templates/sts.yaml"),
            Some(dir.join("charts/redis/templates/sts.yaml"))
        );
        assert_eq!(template_path(dir, "deploy.yaml"), None);
        // The comment is the chart's text: it may not lead out of the chart directory.
        assert_eq!(template_path(dir, "c/templates/../../home/.env"), None);
        assert_eq!(template_path(dir, "c//etc/passwd"), None);
    }

    #[test]
    fn keys_and_values() {
        assert_eq!(line_key("        - image: nginx"), Some("image"));
        assert_eq!(line_key("  image: \"{{ .Values.image }}\""), Some("image"));
        assert_eq!(line_key("  # comment: x"), None);
        assert_eq!(value_start("    image: {{ .Values.image }}"), 11);
    }
}
