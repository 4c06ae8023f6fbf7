//! Findings counted per rule: `--statistics`, the table at the end of human output and the
//! Markdown summary.

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, RuleMeta, Severity};

/// How many findings one rule has, at the severity the run gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub count: usize,
}

/// The rules that found something: errors first, then warnings, then info; within one
/// severity, most findings first.
pub fn per_rule(diagnostics: &[Diagnostic]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for d in diagnostics {
        match counts
            .iter_mut()
            .find(|c| c.rule == d.rule && c.severity == d.severity)
        {
            Some(found) => found.count += 1,
            None => counts.push(RuleCount {
                rule: d.rule,
                severity: d.severity,
                count: 1,
            }),
        }
    }
    counts.sort_by(|a, b| {
        (b.severity, b.count, a.rule.name).cmp(&(a.severity, a.count, b.rule.name))
    });
    counts
}

/// An aligned table, `COUNT  SEVERITY  RULE  SUMMARY`, indented by `indent` spaces; the
/// summaries wrap to fit `width` columns when it is known.
pub fn write_table(
    counts: &[RuleCount],
    indent: usize,
    width: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let count_width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = counts.iter().map(|c| c.rule.name.len()).max().unwrap_or(0);
    let prefix = indent + count_width + 2 + 7 + 2 + rule_width + 2;
    // Too narrow to wrap usefully: let the terminal fold the summary.
    let room = width
        .map_or(usize::MAX, |w| w.saturating_sub(prefix))
        .max(24);
    for c in counts {
        let mut summary = super::table::wrap(c.rule.summary, room).into_iter();
        writeln!(
            out,
            "{:indent$}{:>count_width$}  {:<7}  {:<rule_width$}  {}",
            "",
            c.count,
            c.severity.as_str(),
            c.rule.name,
            summary.next().unwrap_or_default()
        )?;
        for piece in summary {
            writeln!(out, "{:prefix$}{piece}", "")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{LatestTag, MissingTag};
    use crate::source::Span;

    fn finding(rule: &'static RuleMeta, severity: Severity) -> Diagnostic {
        Diagnostic::new(rule, severity, 0, Span::default(), String::new())
    }

    #[test]
    fn most_findings_first() {
        let latest = &LatestTag::META;
        let missing = &MissingTag::META;
        let diagnostics = [
            finding(latest, Severity::Warning),
            finding(missing, Severity::Warning),
            finding(missing, Severity::Warning),
            finding(latest, Severity::Error),
        ];
        let counts = per_rule(&diagnostics);
        let rows: Vec<_> = counts
            .iter()
            .map(|c| (c.rule.name, c.severity, c.count))
            .collect();
        assert_eq!(
            rows,
            [
                ("latest-tag", Severity::Error, 1),
                ("missing-tag", Severity::Warning, 2),
                ("latest-tag", Severity::Warning, 1),
            ]
        );
        let mut out = Vec::new();
        write_table(&counts, 2, None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\n  2  warning  missing-tag  the image has neither tag"),
            "{text}"
        );
    }
}
