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
    let marked = memchr::memmem::find_iter(bytes, b"\n---").map(|i| i + 1);
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

/// Checks a scalar the way go-yaml decodes it: a core tag must match what the value resolves
/// to (`resolve` in go-yaml v2's resolve.go), and JSON cannot hold an infinity or NaN.
pub fn check_scalar(value: &str, plain: bool, tag: Option<(&str, &str)>) -> Result<(), String> {
    // Most scalars carry no tag and start with no `.`, `+` or `-`: nothing to resolve.
    if tag.is_none() && !(plain && value.starts_with(['.', '+', '-'])) {
        return Ok(());
    }
    let resolved = resolve(value, plain);
    match tag {
        Some(("tag:yaml.org,2002:", wanted)) => {
            let ok = match wanted {
                "str" => true,
                "binary" => base64_decodes(value),
                "null" | "bool" | "int" | "timestamp" => resolved == wanted,
                "float" => matches!(resolved, "float" | "int" | "infinity"),
                _ => true,
            };
            if ok && !(wanted == "float" && resolved == "infinity") {
                return Ok(());
            }
            if wanted == "binary" {
                return Err("`!!binary` value is not base64 (go-yaml refuses it)".into());
            }
            if resolved == "infinity" {
                return Err(format!(
                    "`{value}` is not a number JSON can hold (kubectl refuses it)"
                ));
            }
            Err(format!(
                "cannot decode !!{} `{value}` as a !!{wanted} (go-yaml refuses it)",
                resolved.replace("infinity", "float")
            ))
        }
        None if plain && resolved == "infinity" => Err(format!(
            "`{value}` is a YAML float JSON cannot hold (kubectl refuses it); quote it for a string"
        )),
        _ => Ok(()),
    }
}

/// What go-yaml v2 resolves an untagged scalar to: `str`, `null`, `bool`, `int`, `float`,
/// `timestamp`, or `infinity` (a float that is infinite or NaN).
fn resolve(value: &str, plain: bool) -> &'static str {
    if !plain {
        return "str";
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return "null",
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True"
        | "TRUE" | "false" | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            return "bool";
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return "infinity",
        _ => {}
    }
    let digits = value.replace('_', "");
    if is_go_int(&digits) {
        return "int";
    }
    if is_yaml_float(&digits) {
        return "float";
    }
    if is_timestamp(value) {
        return "timestamp";
    }
    "str"
}

/// `strconv.ParseInt(s, 0, 64)` (or its unsigned form): decimal, `0x`, `0o`, `0b` or a
/// leading-zero octal, with an optional sign.
fn is_go_int(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (radix, digits) =
        if let Some(d) = unsigned.strip_prefix("0x").or(unsigned.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = unsigned.strip_prefix("0b").or(unsigned.strip_prefix("0B")) {
            (2, d)
        } else if let Some(d) = unsigned.strip_prefix("0o").or(unsigned.strip_prefix("0O")) {
            (8, d)
        } else if unsigned.len() > 1 && unsigned.starts_with('0') {
            (8, &unsigned[1..])
        } else {
            (10, unsigned)
        };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(e) => (&s[..e], Some(&s[e + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// go-yaml v2's timestamp forms: a date `2006-1-2`, optionally followed by a time.
fn is_timestamp(s: &str) -> bool {
    let date_end = s.find(['T', 't', ' ']).unwrap_or(s.len());
    let mut parts = s[..date_end].split('-');
    let year = parts
        .next()
        .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = parts.collect();
    year && rest.len() == 2
        && rest
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        && (date_end == s.len() || s[date_end + 1..].contains(':'))
}

/// Go's `base64.StdEncoding.DecodeString`.
fn base64_decodes(value: &str) -> bool {
    use base64::Engine;
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &str = "tag:yaml.org,2002:";

    #[test]
    fn tags_must_match_what_the_value_resolves_to() {
        let check = |tag: &str, value: &str| check_scalar(value, true, Some((CORE, tag)));
        for (tag, value) in [
            ("int", "0x1F"),
            ("int", "012"),
            ("int", "1_000"),
            ("int", "0b101"),
            ("float", "1e3"),
            ("float", "12"),
            ("float", "0x10"),
            ("bool", "yes"),
            ("bool", "on"),
            ("null", "~"),
            ("null", ""),
            ("str", "anything"),
            ("timestamp", "2001-12-14"),
            ("binary", "aGk="),
        ] {
            assert!(check(tag, value).is_ok(), "!!{tag} {value}");
        }
        for (tag, value) in [
            ("null", "nginx"),
            ("bool", "Never"),
            ("bool", ""),
            ("int", "abc"),
            ("int", "1.5"),
            ("float", "abc"),
            ("timestamp", "abc"),
            ("binary", "!!!"),
        ] {
            assert!(check(tag, value).is_err(), "!!{tag} {value}");
        }
        assert!(check_scalar(".inf", true, None).is_err());
        assert!(check_scalar(".inf", false, None).is_ok());
        assert!(check_scalar("x", true, Some(("!", "foo"))).is_ok());
    }

    #[test]
    fn control_characters_and_separators() {
        assert!(check_text("a: b\tc\r\n", 0).is_none());
        assert!(check_text("a: b\u{85}c\u{a0}é€\u{feff}", 0).is_none());
        for bad in [
            "a: \u{1}",
            "a: \u{7f}",
            "a: \u{86}",
            "a: \u{9f}",
            "a: \u{fffe}",
        ] {
            let error = check_text(bad, 10).expect(bad);
            assert_eq!(error.offset, 13, "{bad}");
        }
        assert!(check_text("--- # comment\na: 1\n", 0).is_none());
        assert!(check_text("---\n", 0).is_none());
        assert_eq!(
            check_text("a: 1\n--- kind: Pod\n", 0).map(|e| e.offset),
            Some(5)
        );
        assert!(check_text("a: 1\n---x\n", 0).is_some());
    }

    #[test]
    fn rewrites_keep_every_offset() {
        for text in [
            "a:\u{85}  b: 1\n",
            "a:\u{2028}  b: 1\u{2029}",
            "---\n\u{feff}kind: X\n",
        ] {
            let rewritten = rewrite(text);
            assert_eq!(rewritten.len(), text.len(), "{text:?}");
            assert!(!rewritten.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']));
        }
        assert!(matches!(rewrite("a: 1\n"), Cow::Borrowed(_)));
        assert_eq!(
            repair("a:\t\tb\n", 4, TAB_AFTER_COLON).as_deref(),
            Some("a:  b\n")
        );
        assert_eq!(repair("a: \"x\"\n", 3, "other"), None);
    }

    #[test]
    fn flow_continuations_are_padded_past_their_opening_line() {
        let text = "spec:\n  command: [\"sh\", \"-c\",\n  \"exec x\",\n  \"y\"]\n";
        let at = text.find("\"exec").unwrap();
        let pads = flow_continuation(text, at).unwrap();
        let first = text.find("  \"exec").unwrap();
        assert_eq!(pads, vec![(first, 1)]);
        // A line that continues no flow collection is not touched.
        assert_eq!(flow_continuation("a:\n b: 1\nc\n", 11), None);
    }

    #[test]
    fn tabs_after_block_indicators() {
        assert!(check_tabs_after_indicators("a:\n-\tx\n", 0, &[]).is_some());
        assert!(check_tabs_after_indicators("a:\n- -\tx\n", 0, &[]).is_some());
        assert!(check_tabs_after_indicators("a: x-\ty\n", 0, &[]).is_none());
        // Inside a block scalar it is text.
        let text = "a: |\n  -\tx\n";
        assert!(check_tabs_after_indicators(text, 0, &[(3, text.len())]).is_none());
    }
}
