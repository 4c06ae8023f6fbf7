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
