//! `helm template` output: which template each document was rendered from (the `# Source:`
//! comment Helm writes before it), and, with `--chart-dir`, moving findings back onto the
//! template file a user edits, at the line holding the same key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::input;
use crate::lint::Run;
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
            let mut decoded = input::decode(path.display().to_string(), Some(path.clone()), bytes);
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
        relocate(&mut d, &run.files, template);
        mapped.push(d);
    }
    mapped.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    run.diagnostics = mapped;
}

fn relocate(d: &mut Diagnostic, files: &[SourceFile], template: usize) {
    let rendered = &files[d.file];
    let line = rendered.line_index(d.span.start);
    let key = line_key(rendered.line_text(line));
    let target = &files[template];
    let found = key.and_then(|key| {
        // Which occurrence of this key, counted from the start of the document.
        let document_start = rendered
            .helm_sources
            .iter()
            .rev()
            .find(|(start, _)| *start <= d.span.start)
            .map_or(0, |(start, _)| rendered.line_index(*start));
        let nth = (document_start..line)
            .filter(|l| line_key(rendered.line_text(*l)) == Some(key))
            .count();
        (0..target.line_count())
            .filter(|l| line_key(target.line_text(*l)) == Some(key))
            .nth(nth)
            .or_else(|| {
                (0..target.line_count()).find(|l| line_key(target.line_text(*l)) == Some(key))
            })
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
