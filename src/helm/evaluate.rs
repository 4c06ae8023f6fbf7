//! A small evaluator for the expressions that make image references in chart templates
//! (`.Values.a.b`, `.Chart.AppVersion`, `default`, `quote`), and how well a template value
//! can have rendered a given text. Anything it cannot evaluate matches any text.

use std::collections::HashMap;

use crate::source::SourceFile;
use crate::yaml::{self, Document};

/// What a template's values are, for evaluating its expressions: `values.yaml` and
/// `Chart.yaml`, parsed.
pub struct Context {
    pub values: Option<(SourceFile, Document)>,
    pub chart: Option<(SourceFile, Document)>,
}

impl Context {
    pub fn load(values: Option<SourceFile>, chart: Option<SourceFile>) -> Context {
        let parse = |file: SourceFile| {
            let document = yaml::parse_stream(&file).into_iter().next()?;
            document
                .error
                .is_none()
                .then_some((file, document.document))
        };
        Context {
            values: values.and_then(parse),
            chart: chart.and_then(parse),
        }
    }

    /// A scalar of `values.yaml` and its line, by path.
    pub fn value(&self, path: &[&str]) -> Option<(&str, usize)> {
        lookup(self.values.as_ref()?, path)
    }

    fn chart_field(&self, field: &str) -> Option<(&str, usize)> {
        let key = match field {
            "AppVersion" => "appVersion",
            "Version" => "version",
            "Name" => "name",
            _ => return None,
        };
        lookup(self.chart.as_ref()?, &[key])
    }

    /// The value of an expression, when it is one this evaluator knows; `None` otherwise.
    pub fn evaluate(&self, expression: &str) -> Option<String> {
        let pipeline: Vec<&str> = expression.split('|').map(str::trim).collect();
        let defaulted = pipeline
            .get(1)
            .is_some_and(|stage| stage.starts_with("default "));
        // A value `default` replaces may be missing from values.yaml: Helm reads it as empty.
        let mut value = match self.term(pipeline.first()?) {
            Some(value) => value,
            None if defaulted && pipeline[0].trim_start_matches('(').starts_with(".Values.") => {
                String::new()
            }
            None => return None,
        };
        for stage in &pipeline[1..] {
            let words: Vec<&str> = stage.split_whitespace().collect();
            match words.as_slice() {
                ["quote"] | ["toString"] | ["trim"] => {}
                ["default", fallback] => {
                    if value.is_empty() {
                        value = self.term(fallback)?;
                    }
                }
                _ => return None,
            }
        }
        Some(value)
    }

    fn term(&self, term: &str) -> Option<String> {
        let term = term
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim();
        let words: Vec<&str> = term.split_whitespace().collect();
        match words.as_slice() {
            ["default", fallback, value] => {
                // A missing value is empty to Helm, and `default` then gives the fallback.
                let value = match self.term(value) {
                    Some(value) => value,
                    None if value.starts_with(".Values.") => String::new(),
                    None => return None,
                };
                if value.is_empty() {
                    self.term(fallback)
                } else {
                    Some(value)
                }
            }
            [single] => {
                if let Some(text) = single.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    return Some(text.to_string());
                }
                if let Some(path) = single.strip_prefix(".Values.") {
                    let keys: Vec<&str> = path.split('.').collect();
                    return self.value(&keys).map(|(v, _)| v.to_string());
                }
                if let Some(field) = single.strip_prefix(".Chart.") {
                    return self.chart_field(field).map(|(v, _)| v.to_string());
                }
                None
            }
            _ => None,
        }
    }
}

pub(super) fn lookup<'a>(
    (file, document): &'a (SourceFile, Document),
    path: &[&str],
) -> Option<(&'a str, usize)> {
    let node = document.path(document.root()?, path)?;
    let text = document.str(node)?;
    Some((text, file.line_index(document.node(node).span.start)))
}

/// A piece of a template value.
pub(super) enum Piece {
    Literal(String),
    /// An expression evaluated from the chart's own values; the rendering may have used other
    /// values, so it may also match any text, for no score.
    Known(String),
    Unknown,
}

/// How well a template value matches a rendered value: `None` when it cannot have produced
/// it (its literal text is not there), else the number of characters that matched exactly
/// (literal text, and expressions evaluated from the chart's own values).
pub fn match_score(template: &str, rendered: &str, context: &Context) -> Option<usize> {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            pieces.push(Piece::Literal(rest[..open].to_string()));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}")?;
        let expression = after[..close]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        pieces.push(
            context
                .evaluate(expression)
                .map_or(Piece::Unknown, Piece::Known),
        );
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest.to_string()));
    }
    matches(&pieces, rendered)
}

/// Longer rendered values, or more pieces, are not matched: a hostile chart or rendering must
/// not make the search explode. Image and policy values are far shorter.
pub(super) const MAX_MATCHED_BYTES: usize = 1024;

pub(super) const MAX_PIECES: usize = 32;

pub(super) fn matches(pieces: &[Piece], text: &str) -> Option<usize> {
    if text.len() > MAX_MATCHED_BYTES || pieces.len() > MAX_PIECES {
        return None;
    }
    let mut memo = HashMap::new();
    best(pieces, text, 0, 0, &mut memo)
}

/// The best score of `pieces[i..]` against `text[at..]`, memoised on `(i, at)`: at most
/// pieces × bytes states, each trying every later position once.
pub(super) fn best(
    pieces: &[Piece],
    text: &str,
    i: usize,
    at: usize,
    memo: &mut HashMap<(usize, usize), Option<usize>>,
) -> Option<usize> {
    if let Some(known) = memo.get(&(i, at)) {
        return *known;
    }
    let rest = &text[at..];
    let any = |memo: &mut HashMap<(usize, usize), Option<usize>>| {
        (at..=text.len())
            .filter(|&j| text.is_char_boundary(j))
            .filter_map(|j| best(pieces, text, i + 1, j, memo))
            .max()
    };
    let found = match pieces.get(i) {
        None => rest.is_empty().then_some(0),
        Some(Piece::Literal(exact)) => rest
            .starts_with(exact.as_str())
            .then(|| best(pieces, text, i + 1, at + exact.len(), memo))
            .flatten()
            .map(|n| n + exact.len()),
        Some(Piece::Known(value)) => {
            let exact = rest
                .starts_with(value.as_str())
                .then(|| best(pieces, text, i + 1, at + value.len(), memo))
                .flatten()
                .map(|n| n + value.len());
            exact.max(any(memo))
        }
        Some(Piece::Unknown) => any(memo),
    };
    memo.insert((i, at), found);
    found
}
