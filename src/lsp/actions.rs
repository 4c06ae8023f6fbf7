//! Code actions: the fix engine's edits as quick fixes, "fix all in file", and a suppression
//! comment for any finding. Each edit is checked the way `pullcheck fix` checks it: the edited
//! text re-lints without the finding and without a new one, or the action is not offered.

use std::collections::HashMap;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::linting::{Finding, Linted};
use super::position::Lines;
use crate::definitions::Definitions;
use crate::fix;
use crate::settings::Settings;
use crate::source::Span;
use crate::suppress::{MARKER, parse_directive};

/// What an edit is checked against: the settings and the other files' definitions.
#[derive(Clone, Copy)]
pub struct Against<'a> {
    pub settings: &'a Settings,
    pub definitions: Option<&'a Definitions>,
}

/// The actions for the findings of `linted` that touch `range`, of the kinds asked for.
pub fn code_actions(
    uri: &Uri,
    path: &Path,
    linted: &Linted,
    range: Range,
    lines: &Lines,
    against: Against<'_>,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let Against {
        settings,
        definitions,
    } = against;
    let wanted = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
        })
    };
    let name = path.display().to_string();
    let text = &*linted.text;
    let checked = |edits: &[(Span, String)], fixed: &[(&'static str, String)]| {
        let after = fix::apply(text, edits);
        fix::verify(
            (&name, Some(path)),
            text,
            &after,
            fixed,
            settings,
            definitions,
        )
    };
    let action =
        |title: String, kind: CodeActionKind, edits: &[(Span, String)], findings: Vec<&Finding>| {
            let changes: Vec<TextEdit> = edits
                .iter()
                .map(|(span, new)| TextEdit::new(lines.range(span.start, span.end), new.clone()))
                .collect();
            CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(kind),
                diagnostics: Some(findings.iter().map(|f| f.shown.clone()).collect()),
                edit: Some(WorkspaceEdit::new(HashMap::from([(uri.clone(), changes)]))),
                is_preferred: Some(findings.len() == 1),
                ..CodeAction::default()
            })
        };
    let touching: Vec<&Finding> = linted
        .findings
        .iter()
        .filter(|f| overlaps(f.shown.range, range))
        .collect();
    let mut actions = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for finding in &touching {
            let found = &finding.found;
            if let Some(edit) = found.fix.as_ref().and_then(|f| fix::edit(text, f)) {
                let fixed = [(found.rule.name, found.message.clone())];
                if checked(std::slice::from_ref(&edit), &fixed)
                    && let Some(title) = found.fix.as_ref().map(|f| capitalised(&f.title))
                {
                    actions.push(action(
                        title,
                        CodeActionKind::QUICKFIX,
                        &[edit],
                        vec![finding],
                    ));
                }
            }
        }
        for finding in &touching {
            let found = &finding.found;
            if found.rule.always_reported || is_json(path) {
                continue;
            }
            let Some(edit) = suppression(text, found.span.start, found.rule.name) else {
                continue;
            };
            let fixed = [(found.rule.name, found.message.clone())];
            if checked(std::slice::from_ref(&edit), &fixed) {
                let title = format!("Suppress {} here (# pullcheck-ignore)", found.rule.name);
                let mut suppress = action(title, CodeActionKind::QUICKFIX, &[edit], vec![finding]);
                if let CodeActionOrCommand::CodeAction(a) = &mut suppress {
                    a.is_preferred = Some(false);
                }
                actions.push(suppress);
            }
        }
    }
    let fix_all = CodeActionKind::SOURCE_FIX_ALL;
    if wanted(&fix_all) || wanted(&CodeActionKind::QUICKFIX) {
        let plan = fix::plan_file(0, text, linted.findings.iter().map(|f| &f.found));
        let asked_for = only.is_some() && wanted(&fix_all);
        if (plan.edits.len() > 1 || asked_for && !plan.edits.is_empty())
            && checked(&plan.edits, &plan.fixed)
        {
            let fixed: Vec<&Finding> = linted
                .findings
                .iter()
                .filter(|f| f.found.fix.is_some())
                .collect();
            let title = format!(
                "Fix all {} fixable pullcheck findings in this file",
                plan.fixed.len()
            );
            actions.push(action(title, fix_all, &plan.edits, fixed));
        }
    }
    actions
}

/// A fix's title as a menu entry: `set imagePullPolicy to Always` → `Set imagePullPolicy …`.
fn capitalised(title: &str) -> String {
    let mut chars = title.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The edit that suppresses `rule` on the line of `at`: the rule added to a
/// `# pullcheck-ignore:` comment alone on the line above, or such a comment written there, at
/// the line's indentation, with a reason to fill in.
pub fn suppression(text: &str, at: usize, rule: &str) -> Option<(Span, String)> {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if line_start > 0 {
        let before = &text[..line_start].trim_end_matches(['\n', '\r']);
        let above_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let above = &before[above_start..];
        if let Some(body) = above.trim_start().strip_prefix(MARKER) {
            let body_start = above_start + (above.len() - body.len());
            let directive = parse_directive(body, body_start, Span::new(above_start, before.len()));
            if directive.covers(rule) {
                return None;
            }
            let last = directive.rules.last()?.1;
            return Some((Span::new(last.end, last.end), format!(",{rule}")));
        }
    }
    let line = &text[line_start..];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    let end = line.find(['\n', '\r']).map_or(line.len(), |i| i);
    let newline = if line[end..].starts_with("\r\n") {
        "\r\n"
    } else if line[end..].starts_with('\r') {
        "\r"
    } else {
        "\n"
    };
    Some((
        Span::new(line_start, line_start),
        format!("{indent}{MARKER} {rule} -- TODO: say why{newline}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppressed(text: &str, rule: &str) -> Option<String> {
        let at = text.find("nginx").unwrap();
        suppression(text, at, rule).map(|edit| fix::apply(text, &[edit]))
    }

    #[test]
    fn a_comment_goes_above_at_the_line_s_indentation() {
        assert_eq!(
            suppressed("a:\r\n    image: nginx\r\n", "latest-tag").unwrap(),
            "a:\r\n    # pullcheck-ignore: latest-tag -- TODO: say why\r\n    image: nginx\r\n"
        );
    }

    #[test]
    fn a_comment_above_gets_the_rule_added() {
        let text = "  # pullcheck-ignore: missing-tag -- mirrored\n  image: nginx\n";
        assert_eq!(
            suppressed(text, "latest-tag").unwrap(),
            "  # pullcheck-ignore: missing-tag,latest-tag -- mirrored\n  image: nginx\n"
        );
        assert_eq!(suppressed(text, "missing-tag"), None);
    }
}
