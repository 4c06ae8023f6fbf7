use super::*;

fn file(text: &str) -> SourceFile {
    SourceFile::new("t.yaml".into(), None, text.into())
}

#[test]
fn positions_are_one_based_and_count_characters() {
    let f = file("a: b\nnäme: x\n");
    assert_eq!(f.position(0), Position { line: 1, column: 1 });
    assert_eq!(f.position(3), Position { line: 1, column: 4 });
    // "x" sits after "näme: ", whose ä is two bytes but one column.
    let x = f.text.find('x').unwrap();
    assert_eq!(f.position(x), Position { line: 2, column: 7 });
}

#[test]
fn crlf_counts_lines_like_an_editor() {
    let f = file("a: b\r\nc: d\r\n");
    let c = f.text.find('c').unwrap();
    assert_eq!(f.position(c), Position { line: 2, column: 1 });
    assert_eq!(f.line_text(0), "a: b");
}

#[test]
fn byte_order_mark_takes_no_column() {
    let f = file("\u{feff}kind: Pod\n");
    assert_eq!(f.content_start(), 3);
    assert_eq!(f.position(3), Position { line: 1, column: 1 });
    let pod = f.text.find("Pod").unwrap();
    assert_eq!(f.position(pod), Position { line: 1, column: 7 });
}

/// Columns on long lines come from checkpoints; they must be the plain count.
#[test]
fn columns_on_long_lines_are_exact() {
    let mut text = String::from("\u{feff}");
    for i in 0..5000 {
        text.push_str(if i % 7 == 0 { "é€" } else { "ab" });
    }
    text.push_str("\nshort\n");
    text.push_str(&"ü".repeat(9000));
    let f = file(&text);
    let plain = |offset: usize| {
        let line = f.line_index(offset);
        let start = if line == 0 { 3 } else { f.line_start(line) };
        f.text[start..offset].chars().count() + 1
    };
    for offset in (0..f.text.len())
        .step_by(997)
        .filter(|o| f.text.is_char_boundary(*o))
    {
        if offset >= 3 || f.line_index(offset) > 0 {
            assert_eq!(f.position(offset).column, plain(offset.max(3)), "{offset}");
        }
    }
}

#[test]
fn redaction_keeps_lines_and_offsets() {
    let mut f = file("data:\n  k: c2VjcmV0\n  é: ünïcode\nnext: 1\n");
    let value = f.text.find("c2V").unwrap();
    let unicode = f.text.find("ünï").unwrap();
    f.redact(&[
        Span::new(value, value + 8),
        Span::new(unicode, unicode + "ünïcode".len()),
    ]);
    assert!(!f.text.contains("c2VjcmV0") && !f.text.contains("ünï"));
    assert_eq!(f.line_text(3), "next: 1");
    let mut g = file("kind: Secret\ndata:\n  k: c2VjcmV0\n  - raw line\n  bare\n");
    let all = Span::new(0, g.text.len());
    g.redact_values(all);
    assert_eq!(
        g.text,
        "kind: ******\ndata:\n  k: ********\n  - ********\n  ****\n"
    );
    // Compact JSON: nothing before the first `": "` is a plain key, so all is masked.
    let line = r#"{"data":{"pw":"hunter22"}, "b": 1}"#;
    let mut h = file(&format!("{line}\n\"kind\": x\n"));
    let all = Span::new(0, h.text.len());
    h.redact_values(all);
    assert!(!h.text.contains("hunter22"), "{}", h.text);
    assert!(h.text.ends_with("\"kind\": *\n"), "{}", h.text);
}

#[test]
fn a_cut_character_is_masked_whole_and_the_rest_is_untouched() {
    let text = "a: xé€y\nb: ü\n";
    let mut f = file(text);
    let e = text.find('é').unwrap();
    // From the middle of `é` to the middle of `€`.
    f.redact(&[Span::new(e + 1, e + 3)]);
    assert_eq!(f.text, "a: x*****y\nb: ü\n");
    assert_eq!(f.text.len(), text.len());
}

#[test]
fn the_parallel_line_index_is_the_serial_one() {
    let mut text = String::new();
    let mut i = 0usize;
    while text.len() < crate::parallel::SPLIT_TEXT_BYTES + 3 * INDEX_PIECE + 17 {
        // Lines of every length, some empty, some CRLF.
        text.push_str(&"x".repeat(i % 97));
        text.push_str(if i.is_multiple_of(5) { "\r\n" } else { "\n" });
        i += 1;
    }
    let serial = line_starts::<u32>(text.as_bytes());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let parallel = pool.install(|| line_starts::<u32>(text.as_bytes()));
    assert_eq!(serial.len(), i + 1);
    assert_eq!(serial, parallel);
}

#[test]
fn offsets_past_the_end_are_clamped() {
    let f = file("ab");
    assert_eq!(f.position(10), Position { line: 1, column: 3 });
}
