//! `--format json`: the machine-readable contract (documented in the README). Later versions
//! only add fields.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::k8s::{ObjectRef, PullPolicy};
use crate::run::Run;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    /// The configuration file the run used, or null.
    config: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

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

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = run
        .diagnostics
        .iter()
        .map(|d| {
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
        })
        .collect();
    let s = &run.summary;
    let output = Output {
        version: 1,
        config: run.config_file.as_deref(),
        diagnostics,
        summary: JsonSummary {
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
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
