//! Suppressions: `# pullcheck-ignore: RULE[,RULE] [-- reason]` comments (at the end of the
//! flagged line, or alone on the line above it) and the `pullcheck.dev/ignore` annotation on an
//! object or its pod template. Suppressed findings are kept and counted, not shown unless asked.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Suppression, SuppressionKind};
use crate::k8s::{IGNORE_ANNOTATION, PodSpec};
use crate::rules::{self, Rule};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};

pub(crate) const MARKER: &str = "# pullcheck-ignore:";

/// The searcher for [`MARKER`], built once rather than for each of a run's files.
static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MARKER));

/// One suppression as written: the rules it names and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Where it is written (the comment, or the annotation's value).
    pub span: Span,
    pub rules: Vec<(String, Span)>,
    pub reason: Option<String>,
}

/// Parses `RULE[,RULE] [-- reason]` written at `offset`.
pub fn parse_directive(text: &str, offset: usize, span: Span) -> Directive {
    // A further `#` starts another comment, which is not part of the directive.
    let text = text.find(" #").map_or(text, |end| &text[..end]);
    let (list, reason) = match text.split_once("--") {
        Some((list, reason)) => (list, Some(reason.trim()).filter(|r| !r.is_empty())),
        None => (text, None),
    };
    let mut rules = Vec::new();
    let mut at = offset;
    for part in list.split(',') {
        let name = part.trim();
        if !name.is_empty() {
            let start = at + (part.len() - part.trim_start().len());
            rules.push((name.to_string(), Span::new(start, start + name.len())));
        }
        at += part.len() + 1;
    }
    Directive {
        span,
        rules,
        reason: reason.map(str::to_string),
    }
}

impl Directive {
    pub fn covers(&self, rule: &str) -> bool {
        self.rules.iter().any(|(name, _)| name == rule)
    }

    fn suppression(&self, kind: SuppressionKind) -> Suppression {
        Suppression {
            kind,
            justification: self.reason.clone(),
        }
    }
}

/// How much of a file one thread searches for suppression comments.
const SCAN_PIECE: usize = 1 << 20;

/// The comment suppressions of a file, by the 0-based line they apply to.
pub fn comment_directives(file: &SourceFile) -> HashMap<usize, Vec<Directive>> {
    // A large file is searched in pieces that end at line breaks (the marker holds none), on
    // every thread of the pool.
    let bytes = file.text.as_bytes();
    let mut pieces = Vec::new();
    let mut from = 0;
    while from < bytes.len() {
        let cut = (from + SCAN_PIECE).min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[cut..]).map_or(bytes.len(), |i| cut + i + 1);
        pieces.push((from, end));
        from = end;
    }
    let found = crate::parallel::map(&pieces, |&(from, end)| {
        FINDER
            .find_iter(&bytes[from..end])
            .map(|at| from + at)
            .collect::<Vec<usize>>()
    });
    let mut by_line: HashMap<usize, Vec<Directive>> = HashMap::new();
    for start in found.into_iter().flatten() {
        let line = file.line_index(start);
        let line_end = file.line_end(line);
        let body_start = start + MARKER.len();
        let directive = parse_directive(
            &file.text[body_start..line_end],
            body_start,
            Span::new(start, line_end),
        );
        // Alone on its line, it applies to the next line; after content, to its own.
        let alone = file.text[file.line_start(line)..start].trim().is_empty();
        let target = if alone { line + 1 } else { line };
        by_line.entry(target).or_default().push(directive);
    }
    by_line
}

/// Marks the diagnostics a pod's `pullcheck.dev/ignore` annotation suppresses.
pub fn apply_annotation(pod: &PodSpec, diagnostics: &mut [Diagnostic]) {
    let Some(annotation) = pod.annotation(IGNORE_ANNOTATION) else {
        return;
    };
    let directive = parse_directive(&annotation.value, annotation.span.start, annotation.span);
    // `internal-error` is never suppressed: the run it reports on is incomplete.
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.suppression.is_none() && !d.rule.always_reported)
    {
        if directive.covers(d.rule.name) {
            d.suppression = Some(directive.suppression(SuppressionKind::Annotation));
        }
    }
}

/// Marks the diagnostics of each file that its comments suppress, and reports the comments'
/// own problems: rules that do not exist, and missing reasons when reasons are required.
pub fn apply_comments(
    files: &[SourceFile],
    diagnostics: &mut [Diagnostic],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let directives: Vec<HashMap<usize, Vec<Directive>>> = if settings.parallel {
        files.par_iter().map(comment_directives).collect()
    } else {
        files.iter().map(comment_directives).collect()
    };
    // `internal-error` is never suppressed: the run it reports on is incomplete.
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.suppression.is_none() && !d.rule.always_reported)
    {
        let line = files[d.file].line_index(d.span.start);
        let directive = directives[d.file]
            .get(&line)
            .and_then(|found| found.iter().find(|dir| dir.covers(d.rule.name)));
        if let Some(directive) = directive {
            d.suppression = Some(directive.suppression(SuppressionKind::Comment));
        }
    }
    let mut own = Vec::new();
    for (file, by_line) in directives.iter().enumerate() {
        for directive in by_line.values().flatten() {
            check_directive(file, directive, settings, &mut own);
        }
    }
    own
}

/// The problems of one suppression: unknown rules, a missing reason.
pub fn check_directive(
    file: usize,
    directive: &Directive,
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) {
    let unknown: &dyn Rule = &rules::UnknownRuleInSuppression;
    if settings.is_enabled(unknown.meta().name) {
        for (name, span) in &directive.rules {
            if rules::by_name(name).is_none() {
                let (message, help) = rules::UnknownRuleInSuppression::describe(name);
                out.push(own_diagnostic(
                    unknown, settings, file, *span, message, help,
                ));
            }
        }
    }
    let missing: &dyn Rule = &rules::SuppressionMissingReason;
    if settings.require_reason
        && settings.is_enabled(missing.meta().name)
        && directive.reason.is_none()
    {
        let (message, help) = rules::SuppressionMissingReason::describe();
        out.push(own_diagnostic(
            missing,
            settings,
            file,
            directive.span,
            message,
            help,
        ));
    }
}

fn own_diagnostic(
    rule: &dyn Rule,
    settings: &Settings,
    file: usize,
    span: Span,
    message: String,
    help: &str,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(rule.meta(), settings.severity(rule), file, span, message);
    diagnostic.help = Some(help.into());
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse_rules_and_reasons() {
        let d = parse_directive(
            " latest-tag, missing-tag -- pinned by the operator",
            10,
            Span::new(0, 60),
        );
        assert_eq!(d.rules.len(), 2);
        assert_eq!(d.rules[0].0, "latest-tag");
        assert_eq!(d.rules[0].1, Span::new(11, 21));
        assert_eq!(d.rules[1].1, Span::new(23, 34));
        assert_eq!(d.reason.as_deref(), Some("pinned by the operator"));
        assert!(
            parse_directive("latest-tag --", 0, Span::default())
                .reason
                .is_none()
        );
    }

    #[test]
    fn comments_apply_to_their_line_or_the_next() {
        let file = SourceFile::new(
            "t.yaml".into(),
            None,
            "a: 1  # pullcheck-ignore: latest-tag\n  # pullcheck-ignore: missing-tag -- why\nb: 2\n".into(),
        );
        let found = comment_directives(&file);
        assert!(found[&0][0].covers("latest-tag"));
        assert!(found[&2][0].covers("missing-tag"));
        assert!(!found.contains_key(&1));
    }

    #[test]
    fn a_large_file_is_searched_in_pieces_without_losing_a_comment() {
        // Lines of 100 bytes; a suppression every 997th line, so some sit on both sides of
        // every 1 MB cut.
        let mut text = String::new();
        let mut expected = Vec::new();
        for line in 0..40_000 {
            if line % 997 == 0 {
                let comment = format!("a: {line} # pullcheck-ignore: latest-tag -- ok");
                text.push_str(&format!("{comment:<99}\n"));
                expected.push(line);
            } else {
                text.push_str(&format!("{:<99}\n", format!("k{line}: v")));
            }
        }
        assert!(text.len() > 3 * SCAN_PIECE);
        let file = SourceFile::new("t.yaml".into(), None, text);
        let found = comment_directives(&file);
        let mut lines: Vec<usize> = found.keys().copied().collect();
        lines.sort_unstable();
        assert_eq!(lines, expected);
        assert!(
            found
                .values()
                .all(|d| d.len() == 1 && d[0].covers("latest-tag"))
        );
    }
}
