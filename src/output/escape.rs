//! Text from the input (file names, object and container names, image strings, YAML lines)
//! reaches terminals and CI logs. A control character there is an instruction to whatever shows
//! it: `ESC ]52` writes the clipboard, `ESC ]8` makes links, a newline starts a `::error`
//! workflow command in a GitHub log. Every text output shows them as escapes instead.

use std::borrow::Cow;

/// Whether a character is C0 (tab aside), DEL or C1.
pub fn is_control(c: char) -> bool {
    (c.is_control() && c != '\t') || c == '\u{7f}'
}

/// `text` with every control character, line breaks included, written as `\n`, `\r` or
/// `\u{1b}`.
pub fn controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`controls`], but keeps line breaks: for multi-line texts of pullcheck's own whose
/// parts may come from the input.
pub fn controls_but_newlines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_control(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// Like [`controls_but_newlines`], keeping carriage returns and tabs too: for a diff, whose
/// lines must stay the file's lines (CRLF included) for `git apply`.
pub fn controls_but_line_text(text: &str) -> Cow<'_, str> {
    let kept = |c: char| matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(|c| !kept(c) && is_control(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if kept(c) {
            out.push(c);
        } else {
            push(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert!(matches!(controls("nginx:1.27"), Cow::Borrowed(_)));
        assert_eq!(controls("a\nb\r"), "a\\nb\\r");
        assert_eq!(
            controls("\u{1b}]52;c;ZXZpbA==\u{7}"),
            "\\u{1b}]52;c;ZXZpbA==\\u{7}"
        );
        assert_eq!(controls("x\u{85}y\u{7f}\tz"), "x\\u{85}y\\u{7f}\tz");
        assert_eq!(controls_but_newlines("a\nb\u{1b}"), "a\nb\\u{1b}");
    }
}
