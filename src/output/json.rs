//! `--format json`: the machine-readable contract (documented in the README). Later versions
//! only add fields.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::k8s::{ObjectRef, PullPolicy};
use crate::run::Run;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    object: Option<&'a ObjectRef>,
    container: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume: Option<&'a str>,
    image: Option<&'a str>,
    /// Present (possibly null) exactly when `explicit_pull_policy` is.
    #[serde(skip_serializing_if = "is_absent")]
    effective_pull_policy: Option<Option<PullPolicy>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explicit_pull_policy: Option<bool>,
    /// The Helm template the flagged document was rendered from (`# Source:`), or null.
    helm_source: Option<&'a str>,
    /// The kustomization roots whose build the finding is about.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    roots: &'a [String],
    /// Other places that belong to the finding (e.g. the first of two duplicate keys).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
    /// Present on suppressed findings, which are listed only with `--show-suppressed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    /// Set when the place is in another file than the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'a str,
    justification: Option<&'a str>,
}

fn is_absent(value: &Option<Option<PullPolicy>>) -> bool {
    value.is_none()
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    objects: usize,
    containers: usize,
    diagnostics: Counts,
    suppressed: usize,
    /// Kustomization roots linted as their builds; left out when there are none.
    #[serde(skip_serializing_if = "is_zero")]
    kustomize_builds: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct Counts {
    error: usize,
    warning: usize,
    info: usize,
}

/// The output is `Output`, pretty-printed by serde_json; its diagnostics are serialized one by
/// one (on every thread, see [`super::write_each`]) and indented to their place, which gives the
/// same bytes (pinned by the tests below).
pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\n  \"version\": 1,\n  \"config\": ")?;
    serde_json::to_writer(&mut *out, &run.config_file)?;
    out.write_all(b",\n  \"diagnostics\": [")?;
    let last = run.diagnostics.len().saturating_sub(1);
    let indexed: Vec<(usize, &Diagnostic)> = run.diagnostics.iter().enumerate().collect();
    super::write_each(&indexed, out, |&(i, d)| {
        let mut text = Vec::with_capacity(1024);
        text.extend_from_slice(b"\n    ");
        indented(&mut text, &diagnostic(run, d), 2)?;
        if i != last {
            text.push(b',');
        }
        Ok(text)
    })?;
    if !run.diagnostics.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let mut text = Vec::new();
    indented(&mut text, &summary(run), 1)?;
    out.write_all(&text)?;
    out.write_all(b"\n}\n")
}

/// `value` pretty-printed as if `depth` levels in: its lines after the first are indented by as
/// many more steps. serde_json's pretty formatter cannot be told a depth, but it counts one per
/// opened array, so it is opened `depth` times on a sink first.
fn indented(text: &mut Vec<u8>, value: &impl Serialize, depth: usize) -> io::Result<()> {
    use serde_json::ser::{Formatter, PrettyFormatter};
    let mut formatter = PrettyFormatter::new();
    for _ in 0..depth {
        formatter.begin_array(&mut io::sink())?;
    }
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut *text, formatter,
    ))?;
    Ok(())
}

fn summary(run: &Run) -> JsonSummary {
    let s = &run.summary;
    JsonSummary {
        files: s.files,
        documents: s.documents,
        objects: s.objects,
        containers: s.containers,
        diagnostics: Counts {
            error: s.errors,
            warning: s.warnings,
            info: s.infos,
        },
        suppressed: s.suppressed,
        kustomize_builds: s.kustomize_builds,
    }
}

fn diagnostic<'a>(run: &'a Run, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let file = &run.files[d.file];
    let start = file.position(d.span.start);
    let end = file.end_position(d.span);
    JsonDiagnostic {
        rule: d.rule.name,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        file: &file.name,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        object: d.object.as_ref(),
        container: d.container.as_deref(),
        volume: d.volume.as_deref(),
        image: d.image.as_deref(),
        effective_pull_policy: d.pull_policy.map(|p| p.stored),
        explicit_pull_policy: d.pull_policy.map(|p| p.explicit),
        helm_source: d.helm_source.as_deref(),
        roots: &d.roots,
        related: d
            .related
            .iter()
            .map(|r| {
                let other = &run.files[r.file];
                let start = other.position(r.span.start);
                let end = other.end_position(r.span);
                JsonRelated {
                    file: (r.file != d.file).then_some(other.name.as_str()),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    message: &r.label,
                }
            })
            .collect(),
        suppressed: d.suppression.as_ref().map(|s| JsonSuppression {
            kind: s.kind.as_str(),
            justification: s.justification.as_deref(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    /// The whole output as one value: what `write` prints, by the definition of the format.
    #[derive(Serialize)]
    struct Output<'a> {
        version: u32,
        config: Option<&'a str>,
        diagnostics: Vec<JsonDiagnostic<'a>>,
        summary: JsonSummary,
    }

    fn as_one_value(run: &Run) -> String {
        let output = Output {
            version: 1,
            config: run.config_file.as_deref(),
            diagnostics: (run.diagnostics.iter())
                .map(|d| diagnostic(run, d))
                .collect(),
            summary: summary(run),
        };
        serde_json::to_string_pretty(&output).unwrap() + "\n"
    }

    fn written(run: &Run) -> String {
        let mut out = Vec::new();
        write(run, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn diagnostics_written_one_by_one_are_the_whole_value_pretty_printed() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"p\\u00e9\"\nspec:\n  \
                    containers:\n  - name: a\n    \
                    image: nginx:latest  # pullcheck-ignore: latest-tag -- \"pinned\\n\" elsewhere\n  \
                    - name: b\n    image: registry:5000/app\n    image: \"x\\ty\"\n";
        let mut run = crate::lint::lint_text("pod.yaml", text, &Settings::default());
        assert!(run.diagnostics.len() >= 2, "{:?}", run.diagnostics);
        assert!(run.diagnostics.iter().any(|d| !d.related.is_empty()));
        assert_eq!(written(&run), as_one_value(&run));
        // Suppressed findings (`--show-suppressed`) and a configuration file.
        assert!(!run.suppressed.is_empty());
        run.diagnostics.append(&mut run.suppressed);
        run.config_file = Some("dir/.pullcheck.toml".into());
        assert_eq!(written(&run), as_one_value(&run));
        // One diagnostic, and none.
        run.diagnostics.truncate(1);
        assert_eq!(written(&run), as_one_value(&run));
        run.diagnostics.clear();
        assert_eq!(written(&run), as_one_value(&run));
        assert!(written(&run).contains("\"diagnostics\": [],"));
    }
}
