//! `helm template` output: which template each document was rendered from (the `# Source:`
//! comment Helm writes before it), and, with `--chart-dir`, moving findings back onto the
//! template file a user edits, at the line holding the same key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::run::Run;

mod evaluate;
mod map;
mod template;

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

/// Moves every diagnostic of a rendered document onto the chart source a user edits: the
/// template line that produced it (found among the lines with its key by the container list,
/// the container's name and which branch's text matches the rendered value; in an `include`d
/// helper when the template has none), or the `values.yaml` line the tag, registry or pull
/// policy comes from. A finding that cannot be placed with confidence stays on the rendered
/// line, and says why.
pub fn map_to_chart(run: &mut Run, chart_dir: &Path) {
    let mut charts: HashMap<PathBuf, Option<map::Chart>> = HashMap::new();
    let mut rendered_places = map::RenderedPlaces::new();
    let mut mapped = Vec::with_capacity(run.diagnostics.len());
    for mut d in std::mem::take(&mut run.diagnostics) {
        let rendered = &run.files[d.file];
        let Some(source) = rendered.helm_source(d.span.start).map(str::to_string) else {
            mapped.push(d);
            continue;
        };
        let Some(path) = template_path(chart_dir, &source) else {
            map::unmapped(&mut d, "its `# Source:` is not a template of the chart");
            mapped.push(d);
            continue;
        };
        let Some(root) = map::chart_root(&path) else {
            mapped.push(d);
            continue;
        };
        let chart = charts
            .entry(root.clone())
            .or_insert_with(|| map::Chart::load(chart_dir, &root));
        match chart {
            Some(chart) => map::relocate(&mut d, run, chart, &path, &mut rendered_places),
            None => map::unmapped(&mut d, "the chart's sources cannot be read"),
        }
        mapped.push(d);
    }
    mapped.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    run.diagnostics = mapped;
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
        use template::{line_key, value_start};
        assert_eq!(line_key("        - image: nginx"), Some("image"));
        assert_eq!(line_key("  image: \"{{ .Values.image }}\""), Some("image"));
        assert_eq!(line_key("  # comment: x"), None);
        assert_eq!(value_start("    image: {{ .Values.image }}"), 11);
    }
}
