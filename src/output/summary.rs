//! `--format markdown`: a report for a CI job summary or a pull-request comment: the totals,
//! the findings per rule, and the first findings with their places. GitHub shows at most 10
//! annotations of each type per step (actions/toolkit, docs/problem-matchers.md), so the report
//! says when the annotations of a run are incomplete.

use std::io::{self, Write};

use super::escape;
use super::human::summary_line;
use super::statistics::per_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::run::Run;

/// Findings listed one by one; the rest are counted in the per-rule table.
const LISTED: usize = 20;
/// GitHub's annotations per type (error, warning, notice) and step.
const ANNOTATIONS_PER_TYPE: usize = 10;

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### pullcheck\n")?;
    writeln!(out, "{}\n", summary_line(&run.summary))?;
    if run.diagnostics.is_empty() {
        return writeln!(out, "No findings.");
    }
    writeln!(out, "| findings | severity | rule | what it finds |")?;
    writeln!(out, "|---:|---|---|---|")?;
    for c in per_rule(&run.diagnostics) {
        writeln!(
            out,
            "| {} | {} | `{}` | {} |",
            c.count,
            c.severity,
            c.rule.name,
            cell(c.rule.summary)
        )?;
    }
    // The most severe first; within a severity, in file order.
    let mut first: Vec<&Diagnostic> = run.diagnostics.iter().collect();
    first.sort_by_key(|d| std::cmp::Reverse(d.severity));
    let listed = run.diagnostics.len().min(LISTED);
    if listed < run.diagnostics.len() {
        writeln!(
            out,
            "\nThe first {listed} of {} findings:\n",
            run.diagnostics.len()
        )?;
    } else {
        writeln!(out)?;
    }
    writeln!(out, "| where | rule | finding |")?;
    writeln!(out, "|---|---|---|")?;
    for d in &first[..listed] {
        let file = &run.files[d.file];
        let at = file.position(d.span.start);
        writeln!(
            out,
            "| `{}:{}:{}` | {} `{}` | {} |",
            code(&file.name),
            at.line,
            at.column,
            d.severity,
            d.rule.name,
            cell(&d.message_with_suppression())
        )?;
    }
    let hidden = hidden_annotations(&run.diagnostics);
    if hidden > 0 {
        writeln!(
            out,
            "\n> GitHub shows at most {ANNOTATIONS_PER_TYPE} annotations of each type per step: \
             {hidden} of these findings have none. Every finding is in the step's log (and in \
             SARIF, when the workflow uploads it)."
        )?;
    }
    Ok(())
}

/// Findings beyond the annotations GitHub shows for their type.
fn hidden_annotations(diagnostics: &[Diagnostic]) -> usize {
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        })
        .map(|n| n.saturating_sub(ANNOTATIONS_PER_TYPE))
        .sum()
}

/// Text for a table cell: one line, `|` escaped, no HTML (values come from the manifests).
fn cell(text: &str) -> String {
    let text = escape::controls(&text.replace(['\r', '\n'], " ")).into_owned();
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// Text inside a code span of a cell: as [`cell`], without backticks (they would end it).
fn code(text: &str) -> String {
    cell(&text.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_hold_one_line_of_text() {
        assert_eq!(
            cell("a | b\n<img src=x> & c"),
            "a \\| b &lt;img src=x&gt; &amp; c"
        );
        assert_eq!(code("we`ird.yaml"), "we'ird.yaml");
        assert_eq!(cell("\u{1b}[31m"), "\\u{1b}[31m");
    }
}
