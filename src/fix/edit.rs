//! The edits of fixes, as splices of the file's text: a scalar replaced in its own quotes, or
//! a key or list item added in the style and indentation of its neighbours.

use crate::diagnostic::{Fix, FixKind};
use crate::source::Span;

/// The edit a fix makes: the scalar inside its span — up to its closing quote, or for a plain
/// scalar up to a comment or trailing blanks — gets the value, in the same quotes; or a key or
/// list item is added beside it ([`FixKind`]). `None` when the text is not shaped as the fix
/// expects (a fix never rewrites a block).
pub fn edit(text: &str, fix: &Fix) -> Option<(Span, String)> {
    match fix.kind {
        FixKind::Replace => scalar(text, fix),
        FixKind::AddKey(key) => {
            let (scalar, _) = scalar(text, fix)?;
            Some(add_key(text, scalar, key, &fix.value))
        }
        FixKind::AddListItem => {
            let (scalar, _) = scalar(text, fix)?;
            add_list_item(text, scalar, &fix.value)
        }
        FixKind::AddFirstKey(key) => add_first_key(text, fix.span.start, key, &fix.value),
    }
}

/// `key: value` after the entry of the scalar at `scalar`: `, key: value` in a flow mapping;
/// else a new line at the entry's indentation (after `- ` for the first key of a list item),
/// with its line end.
fn add_key(text: &str, scalar: Span, key: &str, value: &str) -> (Span, String) {
    let after = text[scalar.end..].trim_start_matches([' ', '\t']);
    if after.starts_with(',') || after.starts_with('}') {
        return (
            Span::new(scalar.end, scalar.end),
            format!(", {key}: {value}"),
        );
    }
    let (at, newline) = line_end(text, scalar.end);
    let indent = item_indent(text, scalar.start, 2);
    (
        Span::new(at, at),
        format!("{newline}{}{key}: {value}", " ".repeat(indent)),
    )
}

/// A list item `name: value` after the item whose `name` is the scalar at `scalar`: `, {name:
/// value}` after a flow item's `}`; else `- name: value` on a new line at the item's dash.
fn add_list_item(text: &str, scalar: Span, value: &str) -> Option<(Span, String)> {
    let rest = &text[scalar.end..];
    let after = rest.trim_start_matches([' ', '\t']);
    if let Some(closed) = after.strip_prefix('}') {
        let next = closed.trim_start_matches([' ', '\t']);
        if next.starts_with(',') || next.starts_with(']') {
            let at = scalar.end + (rest.len() - closed.len());
            return Some((Span::new(at, at), format!(", {{name: {value}}}")));
        }
        return None;
    }
    let line_start = text[..scalar.start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..scalar.start];
    let dash = line.len() - line.trim_start_matches(' ').len();
    if !line.trim_start().starts_with("- ")
        || !(after.is_empty() || after.starts_with(['#', '\r', '\n']))
    {
        return None;
    }
    let (at, newline) = line_end(text, scalar.end);
    // The item must end on its line: a new item there would take a following key of it.
    let next = text[at..]
        .lines()
        .map(str::trim_end)
        .find(|l| !l.trim().is_empty());
    if next.is_some_and(|l| l.len() - l.trim_start_matches(' ').len() > dash) {
        return None;
    }
    Some((
        Span::new(at, at),
        format!("{newline}{}- name: {value}", " ".repeat(dash)),
    ))
}

/// `key: value` as the first entry of the mapping starting at `start`: after its `{`, or on a
/// new line before its first key, at that key's indentation.
fn add_first_key(text: &str, start: usize, key: &str, value: &str) -> Option<(Span, String)> {
    if text[start..].starts_with('{') {
        return Some((Span::new(start + 1, start + 1), format!("{key}: {value}, ")));
    }
    // The first key of a flow mapping: `{containers: …}`.
    if text[..start].trim_end_matches([' ', '\t']).ends_with('{') {
        return Some((Span::new(start, start), format!("{key}: {value}, ")));
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if !indent.bytes().all(|b| b == b' ') {
        return None;
    }
    let (_, newline) = line_end(text, start);
    Some((
        Span::new(line_start, line_start),
        format!("{indent}{key}: {value}{newline}"),
    ))
}

/// Where the line holding `offset` ends (before its `\r\n` or `\n`), and that line break.
fn line_end(text: &str, offset: usize) -> (usize, &'static str) {
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let crlf = end > 0 && text.as_bytes().get(end - 1) == Some(&b'\r');
    if crlf { (end - 1, "\r\n") } else { (end, "\n") }
}

/// The indentation of the entry holding `offset`: its line's spaces, plus `dash` after `- `
/// (the first key of a list item).
fn item_indent(text: &str, offset: usize, dash: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let spaces = line.len() - line.trim_start_matches(' ').len();
    if line.trim_start().starts_with("- ") {
        spaces + dash
    } else {
        spaces
    }
}

/// The scalar a fix points at, and its replacement by the fix's value.
fn scalar(text: &str, fix: &Fix) -> Option<(Span, String)> {
    let written = text.get(fix.span.start..fix.span.end)?;
    let line = written.split(['\n', '\r']).next().unwrap_or(written);
    let (length, new) = if let Some(rest) = line.strip_prefix('"') {
        let mut escaped = false;
        let close = rest.char_indices().find_map(|(i, c)| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end.then_some(i)
        })?;
        let value = fix.value.replace('\\', "\\\\").replace('"', "\\\"");
        (close + 2, format!("\"{value}\""))
    } else if let Some(rest) = line.strip_prefix('\'') {
        let bytes = rest.as_bytes();
        let mut i = 0;
        let close = loop {
            match bytes.get(i) {
                Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                Some(b'\'') => break i,
                Some(_) => i += 1,
                None => return None,
            }
        };
        (close + 2, format!("'{}'", fix.value.replace('\'', "''")))
    } else {
        let plain = line.find(" #").map_or(line, |at| &line[..at]).trim_end();
        if plain.is_empty()
            || written.len() > line.len() && !written[line.len()..].trim().is_empty()
        {
            return None;
        }
        (plain.len(), fix.value.clone())
    };
    Some((Span::new(fix.span.start, fix.span.start + length), new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;

    #[test]
    fn splices_keep_quotes_and_everything_else() {
        let text = "a: \"always\"  # keep\r\nb: 'never'\r\nc: ifnotpresent # note\r\n";
        let fix = |start: usize, end: usize, value: &str| Fix {
            span: Span::new(start, end),
            value: value.into(),
            kind: FixKind::Replace,
            title: String::new(),
        };
        let at = |needle: &str| text.find(needle).unwrap();
        let edits: Vec<(Span, String)> = [
            // A span running on to the comment still edits the scalar only.
            fix(at("\"always\""), at("# keep") + 6, "Always"),
            fix(at("'never'"), at("'never'") + 7, "Never"),
            fix(at("ifnot"), at("ifnot") + 12, "IfNotPresent"),
        ]
        .iter()
        .map(|f| edit(text, f).unwrap())
        .collect();
        assert_eq!(
            apply(text, &edits),
            "a: \"Always\"  # keep\r\nb: 'Never'\r\nc: IfNotPresent # note\r\n"
        );
    }
}

#[cfg(test)]
mod insert_tests {
    use super::*;
    use crate::fix::apply;

    fn added(text: &str, image: &str) -> String {
        let start = text.find(image).unwrap();
        let fix = Fix {
            span: Span::new(start, start + image.len()),
            value: "IfNotPresent".into(),
            kind: FixKind::AddKey("imagePullPolicy"),
            title: String::new(),
        };
        let (span, new) = edit(text, &fix).unwrap();
        apply(text, &[(span, new)])
    }

    #[test]
    fn a_key_is_added_in_the_mapping_s_style() {
        assert_eq!(
            added(
                "    - name: a\r\n      image: nginx:1.27  # pinned\r\n",
                "nginx:1.27"
            ),
            "    - name: a\r\n      image: nginx:1.27  # pinned\r\n      imagePullPolicy: IfNotPresent\r\n"
        );
        assert_eq!(
            added("  - image: \"nginx:1.27\"\n    name: a\n", "\"nginx:1.27\""),
            "  - image: \"nginx:1.27\"\n    imagePullPolicy: IfNotPresent\n    name: a\n"
        );
        assert_eq!(
            added("  - {name: a, image: nginx:1.27}\n", "nginx:1.27"),
            "  - {name: a, image: nginx:1.27, imagePullPolicy: IfNotPresent}\n"
        );
    }
}

#[cfg(test)]
mod pull_secret_tests {
    use super::*;
    use crate::fix::apply;

    fn fixed(text: &str, at: &str, kind: FixKind, value: &str) -> Option<String> {
        let start = text.find(at).unwrap();
        let fix = Fix {
            span: Span::new(start, start + at.len()),
            value: value.into(),
            kind,
            title: String::new(),
        };
        edit(text, &fix).map(|e| apply(text, &[e]))
    }

    #[test]
    fn a_list_item_follows_the_list_s_style() {
        let item = FixKind::AddListItem;
        assert_eq!(
            fixed(
                "  imagePullSecrets:\r\n    - name: alpha  # old\r\n  containers:\r\n",
                "alpha",
                item,
                "b"
            )
            .unwrap(),
            "  imagePullSecrets:\r\n    - name: alpha  # old\r\n    - name: b\r\n  containers:\r\n"
        );
        assert_eq!(
            fixed(
                "  imagePullSecrets: [{name: a}, {name: 'c'}]\n",
                "'c'",
                item,
                "b"
            )
            .unwrap(),
            "  imagePullSecrets: [{name: a}, {name: 'c'}, {name: b}]\n"
        );
        // An item that goes on past its line is not split.
        assert_eq!(
            fixed("  - name: alpha\n    x: 1\n", "alpha", item, "b"),
            None
        );
    }

    #[test]
    fn a_first_key_takes_the_mapping_s_indentation() {
        let key = FixKind::AddFirstKey("imagePullSecrets");
        assert_eq!(
            fixed(
                "spec:\r\n    containers: []\r\n",
                "containers",
                key,
                "[{name: b}]"
            )
            .unwrap(),
            "spec:\r\n    imagePullSecrets: [{name: b}]\r\n    containers: []\r\n"
        );
        assert_eq!(
            fixed(
                "spec: {containers: []}\n",
                "{containers",
                key,
                "[{name: b}]"
            )
            .unwrap(),
            "spec: {imagePullSecrets: [{name: b}], containers: []}\n"
        );
        assert_eq!(
            fixed(
                "spec: { containers: []}\n",
                "containers",
                key,
                "[{name: b}]"
            )
            .unwrap(),
            "spec: { imagePullSecrets: [{name: b}], containers: []}\n"
        );
    }
}
