use super::*;

/// The fields pullcheck keeps (`k8s::kinds::IDENTITY`), spelt out: this layer knows no
/// Kubernetes.
static KEPT: Keep = Keep::Mapping(
    &[
        (Key::Is("apiVersion"), Keep::All),
        (Key::Is("kind"), Keep::All),
        (
            Key::Is("metadata"),
            Keep::Mapping(
                &[
                    (Key::Is("name"), Keep::All),
                    (Key::Is("namespace"), Keep::All),
                ],
                Unlisted::Dropped,
            ),
        ),
    ],
    Unlisted::Dropped,
);

/// Asserts whether the fast path takes `text`, and that whatever it takes the parser reads
/// the same way.
#[track_caller]
fn taken(text: &str, expected: bool) {
    match compare_with_parser(text, &KEPT) {
        Ok(taken) if taken == expected => {}
        Ok(true) => panic!("taken by the fast path:\n{text}"),
        Ok(false) => panic!("left to the parser:\n{text}"),
        Err(e) => panic!("{e}\n{text}"),
    }
}

#[track_caller]
fn accepted(text: &str) {
    taken(text, true);
}

#[track_caller]
fn left_to_parser(text: &str) {
    taken(text, false);
}

/// Asserts `text` is broken YAML (the parser says so) and the fast path does not take it.
#[track_caller]
fn broken(text: &str) {
    let full = crate::yaml::build::parse_piece(text, 0, None);
    assert!(full.error.is_some(), "the parser accepts:\n{text}");
    left_to_parser(text);
}

const HEAD: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\n";

fn with_head(body: &str) -> String {
    format!("{HEAD}{body}")
}

#[test]
fn reads_the_fields_extraction_needs() {
    let text = with_head("data:\n  a: b\n");
    let doc = skim(&text, 100, &KEPT).unwrap();
    let root = doc.root().unwrap();
    assert_eq!(
        doc.get(root, "kind").and_then(|k| doc.str(k)),
        Some("ConfigMap")
    );
    let name = doc.path(root, &["metadata", "name"]).unwrap();
    assert_eq!(doc.str(name), Some("settings"));
    assert_eq!(doc.node(name).span, Span::new(100 + 49, 100 + 57));
    accepted(&text);
}

#[test]
fn block_scalars_of_every_chomping() {
    for header in ["|", "|-", "|+", ">", ">-", ">+", "|  # comment"] {
        accepted(&with_head(&format!(
            "data:\n  script.sh: {header}\n    #!/bin/sh\n    set -eu\n\n      indented: more\n    \tnot a tab at the indentation\n    - not a sequence\n    key: \"not a key\n  other: x\n"
        )));
    }
    accepted(&with_head("data:\n  empty: |\n  next: x\n"));
    accepted(&with_head("data:\n  trailing: |\n    text\n\n\n"));
    accepted(&with_head(
        "data:\n  a: |\n    text\n# a comment at column 0 ends it\n  b: x\n",
    ));
}

#[test]
fn nested_block_collections() {
    accepted(&with_head(
        "spec:\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties:\n          items:\n            - a\n            -   b\n            -\n              c: d\n            - - nested\n              - seq\n        required:\n        - x\n",
    ));
    accepted(&with_head(
        "rules:\n- apiGroups:\n  - \"\"\n  resources:\n  - pods\n",
    ));
}

#[test]
fn quoted_and_multi_line_scalars() {
    accepted(&with_head(
        "data:\n  a: 'it''s'\n  b: \"tab\\t \\u00e9 \\x41 \\\" \\\\\"\n  c: \"first\n    second\n\n    third\"\n  d: 'one\n    two'\n  e: \"escaped \\\n    break\"\n  \"quoted key\": v\n  'single key': v\n",
    ));
    accepted(&with_head(
        "description: plain text that goes\n  on over several lines, with colons inside\n  # not here though\n",
    ));
    accepted(&with_head(
        "description:\n  plain on its own line\n  and more\n",
    ));
}

#[test]
fn plain_continuation_lines_may_start_with_indicators() {
    for first in [
        "\"quoted\"",
        "'single'",
        "- dash",
        "-- dashes",
        "--- marker",
        "[a]",
        "{b}",
        "&c",
        "*d",
        "!e",
        "|f",
        ">g",
        "%h",
        "@i",
        "`j",
        "?k",
        ":l",
        ",m",
        "]n",
    ] {
        accepted(&with_head(&format!(
            "spec:\n  description: text that goes\n    {first} and on\n  next: x\n"
        )));
    }
}

#[test]
fn quoted_fields_and_comments() {
    accepted(
        "apiVersion: \"v1\" # c\nkind: 'ConfigMap'\n# comment\nmetadata:   # c\n  # c\n  name: \"x\"\n",
    );
    accepted("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n");
    accepted("--- # comment\nkind: Service\nmetadata:\n  name: a\n");
    accepted("# leading\n\nkind: Service\nmetadata:\nspec: x\n");
    // An empty item of a kept sequence: saphyr places it at the next token (found by the
    // fuzzer); an ignored one is fine.
    left_to_parser("kind: Service\nmetadata:\n  name:\n  -   # empty\n  - x\n");
    accepted("kind: Service\nmetadata:\n  labels:\n  -   # empty\n  - x\n");
    // A sequence as an item of a kept sequence: its end is read, and saphyr's differs (found
    // by the fuzzer).
    left_to_parser("kind: Service\nmetadata:\n  name:\n  - - a\n    - b\n");
    // A sequence where a mapping belongs.
    left_to_parser("kind: Service\nmetadata:\n- odd\n");
    accepted("kind: Service\nmetadata: plain\n");
    accepted("kind: Service\nmetadata:\n  name:\n  namespace: null\n");
    accepted("kind: Service\nkind: Ingress\nmetadata:\n  name: a\n  name: b\n");
}

#[test]
fn flow_collections_on_one_line() {
    accepted(&with_head(
        "spec:\n  a: {}\n  b: []\n  c: [In, NotIn, \"Exists\", 'x']\n  d: {k: v, \"q\": [1, {n: m}],}\n  e:\n  - {name: x, value: y}\n  - [a, b] # comment\n  f:\n    [1,2]\n  g: [a:b, http://x]\n",
    ));
    for after_space in [
        "-", "-]", "?", ":x", "#", "&a", "*a", "!t", "|", ">", "'", "\"", "%", "@", "`",
    ] {
        let body = format!("spec:\n  a: [tS {after_space}]\n  b: [x, y {after_space}, z]\n");
        left_to_parser(&with_head(&body));
        accepted(&with_head(&format!("spec:\n  a: tS {after_space}]\n")));
    }
    broken(&with_head("spec:\n  a: [tS -]\n"));
    broken(&with_head("spec:\n  a: [1, 2\n"));
    broken(&with_head("spec:\n  a: {k: v}}\n"));
    broken(&with_head("spec:\n  a: [1, 2] x\n"));
    broken(&with_head("spec:\n  a: [1,, 2]\n"));
}

#[test]
fn crlf_line_ends() {
    accepted(&with_head("data:\n  a: |\n    x\n  b: \"y\n    z\"\n").replace('\n', "\r\n"));
}

#[test]
fn non_ascii_text() {
    accepted(&with_head(
        "data:\n  greeting: «héllo» — 世界\n  quote: “x”\n",
    ));
    left_to_parser(&with_head("data:\n  nel: a\u{85}b\n"));
    left_to_parser(&with_head("data:\n  ls: a\u{2028}b\n"));
    left_to_parser(&with_head("data:\n  bom: \u{feff}\n"));
}

#[test]
fn leaves_what_it_does_not_check_to_the_parser() {
    for body in [
        "data: {a: b,\n  c: d}\n",
        "data:\n  a: [k: v]\n",
        "data:\n  a: {k: }\n",
        "data:\n  a: [x # comment\n    ]\n",
        "data:\n  - {a: b}: c\n",
        "data: &anchor\n  a: b\n",
        "data:\n  a: *alias\n",
        "data: !!map\n  a: b\n",
        "? complex\n: key\n",
        "data:\n  a: |2\n     x\n",
        "data:\n\ta: b\n",
        "data:\n  a:\tb\n",
        "...\n",
        "data:\n  a: \"x\ny\"\n",
        "data:\n  a: \"\\q\"\n",
        "data:\n  a: x\r  b: y\n",
        "data:\n  a: nul\0\n",
        "data:\n  a: |\n\n      deep blank\n    shallow text\n",
    ] {
        left_to_parser(&with_head(body));
    }
    // A name the fast path would have to decode.
    left_to_parser("kind: Service\nmetadata:\n  name: \"a\\u0062\"\n");
    left_to_parser("kind: Service\nmetadata:\n  name: |\n    a\n");
    left_to_parser("kind: Service\nmetadata:\n  name: multi\n    line\n");
    // A collection where a name belongs is kept whole, and so is a second `metadata`.
    accepted("kind: Service\nmetadata:\n  name:\n    a: b\n");
    accepted("kind: Service\nmetadata:\n  a: 1\nmetadata:\n  b: 2\n");
    left_to_parser("# only comments\n");
    // Merge keys in the kept mappings, even without aliases.
    left_to_parser("metadata:\n  name: a\n<<:\n  kind: ClusterRole\n");
    left_to_parser("kind: Role\nmetadata:\n  <<: {name: merged}\n");
    accepted("kind: Role\nmetadata:\n  name: a\nspec:\n  <<: {x: y}\n");
    left_to_parser("- a\n- b\n");
    left_to_parser("---#\nkind: Service\n");
}

#[test]
fn never_takes_broken_yaml() {
    for body in [
        "data:\n  a: b: c\n",
        "data:\n  a: b\n   c: d\n",
        "data:\n  a: b\n c: d\n",
        "data:\n  a: - b\n",
        "data:\n  - a\n  b: c\n",
        "data:\n  a: \"unterminated\n",
        "data:\n  a: 'unterminated\n",
        "data:\n  a: \"x\" y\n",
        "data:\n  a: \"\\x4\"\n",
        "data:\n  a: \"\\uD800\"\n",
        "data:\n  a: |\n      text\n    less\n",
        "data:\n  a: |x\n    text\n",
        "data:\n  a: b\n  # c\n    d\n",
        "data:\n  a: 1\n  b\n",
        "data:\n  a: 1\n  b:c\n",
        "data:\n  a: }\n",
        "data:\n  a: @x\n",
        "data:\n  a: `x\n",
        "data:\n  a: %x\n",
        "data:\n  \"a\": b: c\n",
        "data:\n  a: \"b\"c\n",
        "data:\n  a: 1\n---#\n",
        "data:\n  a: text # comment\n    more text\n",
    ] {
        broken(&with_head(body));
    }
}

#[test]
fn plain_scalars_that_look_like_indicators() {
    accepted(&with_head(
        "data:\n  a: -1\n  b: --flag\n  c: http://x:80/y\n  d: a#b\n  e: x]y{z}\n  f: 'x' \n",
    ));
    accepted(&with_head("args:\n- --leader-elect\n- -v=2\n"));
}

#[test]
fn the_word_at_a_time_character_check_matches_the_byte_check() {
    let slow = |bytes: &[u8]| (0..bytes.len()).all(|i| plain_character_at(bytes, i));
    let alphabet: &[u8] = b"ab: \n\t\r#\x7f\x1f\x00\xc2\x85\xa0\xe2\x80\xa8\xef\xbb\xbf\xbe~ ";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for len in 0..200 {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Mostly printable ASCII, as in a real manifest.
                    if state.is_multiple_of(4) {
                        alphabet[(state >> 8) as usize % alphabet.len()]
                    } else {
                        b' ' + (state >> 16) as u8 % 95
                    }
                })
                .collect();
            assert_eq!(plain_characters(&bytes), slow(&bytes), "{bytes:?}");
        }
    }
}

#[test]
fn comments_are_found_as_a_two_byte_search_finds_them() {
    // Every text of up to 6 bytes over the bytes that matter.
    let alphabet = [b' ', b'#', b':', b'a'];
    for len in 0..=6u32 {
        for n in 0..4usize.pow(len) {
            let text: Vec<u8> = (0..len).map(|k| alphabet[n / 4usize.pow(k) % 4]).collect();
            assert_eq!(
                comment_at(&text),
                memchr::memmem::find(&text, b" #"),
                "{text:?}"
            );
        }
    }
}
