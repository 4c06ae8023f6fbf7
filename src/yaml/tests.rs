use super::*;
use crate::source::SourceFile;

fn parse(text: &str) -> (SourceFile, Vec<ParsedDocument>) {
    let source = SourceFile::new("t.yaml".into(), None, text.into());
    let docs = parse_stream(&source);
    (source, docs)
}

fn only(text: &str) -> (SourceFile, Document) {
    let (source, mut docs) = parse(text);
    assert_eq!(docs.len(), 1, "{docs:?}");
    let doc = docs.remove(0);
    assert!(doc.error.is_none(), "{:?}", doc.error);
    (source, doc.document)
}

fn text_of<'a>(source: &'a SourceFile, doc: &Document, id: NodeId) -> &'a str {
    let span = doc.node(id).span;
    &source.text[span.start..span.end]
}

#[test]
fn scalars_carry_their_spans() {
    let (source, doc) = only("a: plain\nb: \"quoted\"\nc: 'single'\n");
    let root = doc.root().unwrap();
    assert_eq!(text_of(&source, &doc, doc.get(root, "a").unwrap()), "plain");
    assert_eq!(
        text_of(&source, &doc, doc.get(root, "b").unwrap()),
        "\"quoted\""
    );
    assert_eq!(
        text_of(&source, &doc, doc.get(root, "c").unwrap()),
        "'single'"
    );
    assert_eq!(doc.str(doc.get(root, "b").unwrap()), Some("quoted"));
}

#[test]
fn spans_are_bytes_in_non_ascii_text() {
    let (source, doc) = only("ä: «x»\nb: ok\n");
    let root = doc.root().unwrap();
    assert_eq!(text_of(&source, &doc, doc.get(root, "b").unwrap()), "ok");
    assert_eq!(text_of(&source, &doc, doc.get(root, "ä").unwrap()), "«x»");
}

#[test]
fn anchored_and_tagged_scalars_start_at_the_value() {
    let (source, doc) = only("a: &x value\nb: !!str tagged\nc: *x\n");
    let root = doc.root().unwrap();
    assert_eq!(text_of(&source, &doc, doc.get(root, "a").unwrap()), "value");
    assert_eq!(
        text_of(&source, &doc, doc.get(root, "b").unwrap()),
        "tagged"
    );
    let alias = doc.get(root, "c").unwrap();
    assert_eq!(text_of(&source, &doc, alias), "*x");
    assert_eq!(text_of(&source, &doc, doc.resolve(alias)), "value");
}

#[test]
fn nulls_are_not_strings() {
    let (_, doc) = only("a:\nb: ~\nc: null\nd: 'null'\n");
    let root = doc.root().unwrap();
    for key in ["a", "b", "c"] {
        assert_eq!(doc.str(doc.get(root, key).unwrap()), None, "{key}");
    }
    assert_eq!(doc.str(doc.get(root, "d").unwrap()), Some("null"));
}

#[test]
fn last_duplicate_key_wins() {
    let (_, doc) = only("a: 1\na: 2\n");
    let root = doc.root().unwrap();
    assert_eq!(doc.str(doc.get(root, "a").unwrap()), Some("2"));
}

#[test]
fn merge_keys_nest_and_explicit_keys_win() {
    let yaml = "base: &base {a: base, b: base}\nmid: &mid\n  <<: *base\n  b: mid\n  c: mid\nother: &other {c: other, d: other}\nx:\n  <<: [*mid, *other]\n  a: x\n";
    let (_, doc) = only(yaml);
    let x = doc.get_resolved(doc.root().unwrap(), "x").unwrap();
    let get = |k| doc.get(x, k).and_then(|v| doc.str(v));
    assert_eq!(get("a"), Some("x"));
    assert_eq!(get("b"), Some("mid"));
    assert_eq!(get("c"), Some("mid"));
    assert_eq!(get("d"), Some("other"));
    assert_eq!(get("<<"), None);
    assert_eq!(get("missing"), None);
}

#[test]
fn a_quoted_merge_key_is_an_ordinary_key() {
    let (_, doc) = only("base: &b {a: 1}\nx: {'<<': *b}\n");
    let x = doc.get_resolved(doc.root().unwrap(), "x").unwrap();
    assert_eq!(doc.get(x, "a"), None);
}

#[test]
fn documents_are_parsed_separately() {
    let (source, docs) = parse("a: 1\n---\nb: [\n---\nc: 3\n...\n---\nd: 4\n");
    assert_eq!(docs.len(), 4);
    assert!(docs[0].error.is_none());
    let error = docs[1].error.as_ref().expect("second document is broken");
    // Cut short at its end: the error points at its last character, not at the next `---`.
    assert_eq!(source.position(error.offset).line, 3);
    assert!(docs[2].error.is_none());
    assert!(docs[3].error.is_none());
    let d = &docs[3].document;
    assert_eq!(d.str(d.get(d.root().unwrap(), "d").unwrap()), Some("4"));
}

#[test]
fn comments_and_empty_pieces_make_no_document() {
    let (_, docs) = parse("# only a comment\n");
    assert!(docs.is_empty());
    let (_, docs) = parse("");
    assert!(docs.is_empty());
}

#[test]
fn unknown_aliases_are_errors() {
    let (_, docs) = parse("a: *nope\n");
    assert!(docs[0].error.is_some());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Runs on a thread with the default 2 MiB stack: nothing may recurse per level.
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            let (_, docs) = parse(&flow);
            let flow_error = docs[0].error.clone();
            // Compact nested block sequences: `- - - … x` is 100,000 levels on one line.
            let block = format!("{}x\n", "- ".repeat(100_000));
            let (_, docs) = parse(&block);
            (flow_error, docs[0].error.clone())
        })
        .unwrap();
    let (flow, block) = handle.join().expect("no stack overflow");
    // saphyr-parser refuses flow nesting past 255 itself; the message says what go-yaml does.
    let flow = flow.expect("flow nesting is refused").message;
    assert!(flow.contains("more than 255 deep"), "{flow}");
    assert!(
        block
            .expect("block nesting is refused")
            .message
            .contains("nesting")
    );
}

#[test]
fn repairs_map_positions_back_to_the_original_text() {
    let yaml = "a:\n  - \"one\n two\"\nb: after\n";
    let (source, doc) = only(yaml);
    let root = doc.root().unwrap();
    assert_eq!(text_of(&source, &doc, doc.get(root, "b").unwrap()), "after");
    let a = doc.get_resolved(root, "a").unwrap();
    let first = doc.items(a).next().unwrap();
    assert_eq!(doc.str(first), Some("one two"));
    assert_eq!(text_of(&source, &doc, first), "\"one\n two\"");
}

fn billion_laughs() -> String {
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    yaml
}

#[test]
fn an_alias_bomb_is_refused_like_go_yaml_does() {
    let (_, docs) = parse(&billion_laughs());
    let error = docs[0].error.as_ref().expect("refused");
    assert!(
        error.message.contains("excessive aliasing"),
        "{}",
        error.message
    );
}

#[test]
fn ordinary_aliasing_is_accepted() {
    // A few anchors reused a few times, as in real manifests.
    let mut yaml = String::from("base: &b {image: nginx, ports: [1, 2, 3]}\nitems:\n");
    for _ in 0..200 {
        yaml.push_str("  - *b\n");
    }
    let (_, docs) = parse(&yaml);
    assert!(docs[0].error.is_none(), "{:?}", docs[0].error);
}

#[test]
fn an_anchor_containing_itself_is_an_error() {
    let (_, docs) = parse("a: &x [1, *x]\n");
    assert!(docs[0].error.as_ref().unwrap().message.contains("itself"));
}
