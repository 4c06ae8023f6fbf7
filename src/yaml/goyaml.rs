//! Where Kubernetes' YAML decoder differs from saphyr-parser, and how pullcheck follows it.
//!
//! Kubernetes splits a stream at lines that start with `---` (apimachinery's `YAMLReader`) and
//! decodes each document with go-yaml v2 (`sigs.k8s.io/yaml.YAMLToJSON`), a port of libyaml that
//! reads YAML 1.1. pullcheck parses with saphyr-parser (YAML 1.2) and corrects for the
//! differences here, each checked against the real decoder by `tests/goyaml.rs`:
//!
//! - refused by go-yaml, accepted by saphyr: characters libyaml does not print (C0 but tab and
//!   line breaks, DEL, C1 but NEL); content after `---` on a separator line; a tag whose value
//!   does not resolve to it (`!!null nginx`, `!!bool Never`, bad `!!binary`); a mapping or
//!   sequence as a mapping key (JSON keys are strings); an empty implicit key (`: value`);
//!   a tab after a block sequence's `-`; `.inf` and `.nan`, which JSON cannot hold;
//! - accepted by go-yaml, refused by saphyr: a byte-order mark at the start of a later document,
//!   a tab after `key:`, a flow collection continued on a line indented at or below its key;
//! - read differently: NEL, LS and PS are line breaks in YAML 1.1; only the first document of a
//!   piece between separators is decoded (what follows a `...` is ignored); merge keys apply
//!   where they are written (see [`super::Document::get`]).
//!
//! Left: saphyr cannot nest flow collections more than 255 deep (its scanner counts them in a
//! byte); go-yaml goes to 10,000. No manifest comes near either; such a document is reported as
//! a parse error that says so.

mod scalars;

pub use scalars::check_scalar;

use std::borrow::Cow;

use super::build::SyntaxError;

/// Checks go-yaml makes on a piece's text before parsing it; `base` is the piece's offset in
/// its file.
pub fn check_text(text: &str, base: usize) -> Option<SyntaxError> {
    let error = |offset: usize, message: String| {
        Some(SyntaxError {
            offset: base + offset,
            message,
        })
    };
    // libyaml's `is_printable`: tab, line breaks, 0x20–0x7E, NEL, 0xA0–0xD7FF, 0xE000–0xFFFD and
    // above; a first pass over bytes finds the few places worth decoding.
    let bytes = text.as_bytes();
    let suspicious = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || b == 0xc2 || b == 0xef
    };
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| suspicious(b)) {
        let offset = at + found;
        let Some(c) = text[offset..].chars().next() else {
            break;
        };
        let refused = (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{7f}'..='\u{9f}').contains(&c) && c != '\u{85}'
            || c == '\u{fffe}'
            || c == '\u{ffff}';
        if refused {
            return error(
                offset,
                format!(
                    "control character U+{:04X}: Kubernetes' YAML decoder (go-yaml) allows no \
                     control characters",
                    c as u32
                ),
            );
        }
        at = offset + c.len_utf8();
    }
    // apimachinery's YAMLReader: a line that starts with `---` separates documents, and only a
    // comment may follow the marker.
    let marked = super::split::DOCUMENT_MARKER
        .find_iter(bytes)
        .map(|i| i + 1);
    for line_start in text
        .starts_with("---")
        .then_some(0)
        .into_iter()
        .chain(marked)
    {
        let line_end =
            memchr::memchr(b'\n', &bytes[line_start..]).map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return error(
                    line_start,
                    format!(
                        "invalid document separator `---{}`: kubectl reads a line that starts \
                         with `---` as a separator, and only a comment may follow it",
                        rest.chars().take(40).collect::<String>()
                    ),
                );
            }
        }
    }
    None
}

/// The piece as go-yaml reads it, rewritten byte for byte in place (offsets stay valid): NEL,
/// LS and PS become line breaks, and a byte-order mark that starts a later document becomes
/// blank lines.
pub fn rewrite(text: &str) -> Cow<'_, str> {
    let has_breaks = memchr::memmem::find(text.as_bytes(), "\u{85}".as_bytes()).is_some()
        || memchr::memmem::find(text.as_bytes(), "\u{2028}".as_bytes()).is_some()
        || memchr::memmem::find(text.as_bytes(), "\u{2029}".as_bytes()).is_some();
    let bom_after_marker = text.starts_with("---")
        && text
            .find('\n')
            .is_some_and(|eol| text[eol + 1..].starts_with('\u{feff}'));
    if !has_breaks && !bom_after_marker {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            // The break comes last, so the padding is trailing white space on the line.
            '\u{85}' => out.push_str(" \n"),
            '\u{2028}' | '\u{2029}' => out.push_str("  \n"),
            '\u{feff}'
                if bom_after_marker && text[..i].ends_with('\n') && !text[..i].contains("\n\n") =>
            {
                out.push_str("\n\n\n")
            }
            c => out.push(c),
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

/// saphyr's message for a tab after `key:`, which go-yaml reads as white space.
const TAB_AFTER_COLON: &str = "':' must be followed by a valid YAML whitespace";

/// A rewrite (same length) that lets saphyr read what go-yaml reads, for an error it reported
/// at `offset` in `text`; `None` when go-yaml would refuse the text too.
pub fn repair(text: &str, offset: usize, message: &str) -> Option<String> {
    if message != TAB_AFTER_COLON {
        return None;
    }
    // The error points past the tabs: find the `:` and the tabs after it.
    let before = &text[..offset.min(text.len())];
    let tabs_start = before.trim_end_matches([' ', '\t']).len();
    if !before[..tabs_start].ends_with(':') || !before[tabs_start..].contains('\t') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..tabs_start]);
    out.push_str(&before[tabs_start..].replace('\t', " "));
    out.push_str(&text[before.len()..]);
    Some(out)
}

/// saphyr's message for a parse error, with what pullcheck knows about it added.
pub fn explain(message: &str) -> String {
    if message == "recursion limit exceeded" {
        "flow collections nested more than 255 deep: pullcheck's parser cannot read this \
         (Kubernetes' decoder, go-yaml, accepts up to 10,000 levels)"
            .to_string()
    } else {
        message.to_string()
    }
}

/// saphyr's message for a line indented at or below its block inside a flow collection.
pub const INVALID_INDENTATION: &str = "invalid indentation";

/// For saphyr's `invalid indentation` at `at`: when the line is the continuation of a flow
/// collection opened on an earlier line (`command: ["sh", "-c",` then `"exec …"]` at the key's
/// indentation), the spaces to add at the start of each continuation line so that it is
/// indented past the line that opened the collection. go-yaml does not check that indentation;
/// white space between flow entries means nothing, so padding changes no value.
pub fn flow_continuation(text: &str, at: usize) -> Option<Vec<(usize, usize)>> {
    let error_line = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let mut line_starts = Vec::new();
    let mut depth = 0i64;
    let mut end = error_line;
    // Walk back to the line whose unclosed `[` or `{` the error line continues.
    for _ in 0..1000 {
        if end == 0 {
            return None;
        }
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        depth += bracket_balance(&text[start..end]);
        line_starts.push(start);
        if depth > 0 {
            let indent = indentation(&text[start..]);
            let mut pads: Vec<(usize, usize)> = line_starts[..line_starts.len() - 1]
                .iter()
                .copied()
                .chain(std::iter::once(error_line))
                .filter_map(|line| {
                    let have = indentation(&text[line..]);
                    (have <= indent).then(|| (line, indent + 1 - have))
                })
                .collect();
            pads.sort_unstable();
            return (!pads.is_empty()).then_some(pads);
        }
        end = start;
    }
    None
}

fn indentation(line: &str) -> usize {
    line.bytes().take_while(|b| *b == b' ').count()
}

/// Opened minus closed flow brackets on a line, outside quotes and comments.
fn bracket_balance(line: &str) -> i64 {
    let mut balance = 0;
    let mut quote: Option<u8> = None;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == b'\\' => i += 1,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'[' | b'{' => balance += 1,
                b']' | b'}' => balance -= 1,
                b'#' if i == 0 || bytes[i - 1] == b' ' => break,
                _ => {}
            },
        }
        i += 1;
    }
    balance
}

/// Whether [`check_tabs_after_indicators`] has anything to look at.
pub fn may_have_tab_after_indicator(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"-\t").is_some()
        || memchr::memmem::find(text.as_bytes(), b"?\t").is_some()
}

/// go-yaml refuses a tab right after a block sequence's `-` or a complex key's `?` (libyaml
/// skips tabs only where no simple key may start). Lines inside a scalar (`spans` of the
/// parsed scalars) are text, not indicators.
pub fn check_tabs_after_indicators(
    text: &str,
    base: usize,
    scalars: &[(usize, usize)],
) -> Option<SyntaxError> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut at = indentation(line);
        let bytes = line.as_bytes();
        while at + 1 < bytes.len() && matches!(bytes[at], b'-' | b'?') {
            match bytes[at + 1] {
                b'\t' => {
                    let offset = base + line_start + at + 1;
                    let in_scalar = scalars.iter().any(|&(s, e)| s < offset && offset < e);
                    if !in_scalar {
                        return Some(SyntaxError {
                            offset,
                            message: format!(
                                "a tab after `{}`: go-yaml cannot read it (found character that \
                                 cannot start any token); use a space",
                                bytes[at] as char
                            ),
                        });
                    }
                    break;
                }
                b' ' => at += 1 + indentation(&line[at + 1..]),
                _ => break,
            }
        }
        line_start += line.len();
    }
    None
}

#[cfg(test)]
mod tests;
