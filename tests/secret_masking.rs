//! Property: no fragment of a Secret's value reaches any output, whatever shape the Secret has —
//! duplicated keys, nested Lists, annotations holding a JSON copy of `data`, compact JSON, broken
//! syntax, an escaped `kind`. Every scalar inside an object whose kind is (or may be) Secret is
//! sensitive; an unparsable document that may be a Secret is masked after the first key of every
//! line.

use base64::Engine;
use clap::ValueEnum;
use proptest::prelude::*;
use pullcheck::output::{self, Format, Style};
use pullcheck::settings::Settings;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A Secret document holding `values`, in one of several shapes, possibly broken.
fn secret(shape: u8, values: &[String], broken: bool) -> String {
    let (a, b) = (&values[0], &values[1]);
    let mut doc = match shape % 7 {
        // Plain, with `data:` and `stringData:` written twice (the last `stringData` a scalar).
        0 => format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ntype: Opaque\ndata:\n  a: {}\nstringData:\n  b: {b}\ndata:\n  c: {}\nstringData: {a}\n",
            b64(a),
            b64(b)
        ),
        // `kubectl get secret -o yaml`: a JSON copy of `data` in an annotation.
        1 => format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {{\"apiVersion\":\"v1\",\"data\":{{\"password\":\"{}\"}},\"kind\":\"Secret\"}}\n  labels: {{token: {a}}}\ndata:\n  password: {}\n",
            b64(b),
            b64(b)
        ),
        // A Secret in a List in a List.
        2 => format!(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items:\n      - apiVersion: v1\n        kind: Secret\n        metadata: {{name: s}}\n        stringData: {{password: {a}, token: {b}}}\n"
        ),
        // Compact JSON on one line.
        3 => format!(
            "{{\"apiVersion\":\"v1\",\"data\":{{\"password\":\"{}\",\"user\":\"{b}\"}}, \"kind\": \"Secret\", \"metadata\": {{\"name\": \"s\"}}}}\n",
            b64(a)
        ),
        // An escaped kind: the text never says `Secret`.
        4 => format!(
            "{{\"kind\": \"Secr\\u0065t\", \"metadata\": {{\"name\": \"s\"}}, \"stringData\": {{\"pw\": \"{a}\", \"t\": \"{b}\"}}}}\n"
        ),
        // Anchored values and a merge key.
        5 => format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  base: &base {{pw: {a}}}\n  <<: *base\n  other: &o {b}\n  again: *o\n"
        ),
        // A docker-config Secret with a `.dockerconfigjson` in stringData.
        _ => format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{{\"auths\": {{\"r.io\": {{\"username\": \"{a}\", \"auth\": \"{}\"}}}}}}'\n",
            b64(&format!("{a}:{b}"))
        ),
    };
    if broken {
        // Break the document after its values: the parse error points into the Secret.
        doc.push_str("extra: [unclosed, {\n");
    }
    doc
}

/// A Pod with a finding next to the Secret, so snippets show the lines around it.
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx}\n";

fn forbidden(values: &[String]) -> Vec<String> {
    let mut all = Vec::new();
    for value in values {
        for text in [value.clone(), b64(value)] {
            let chars: Vec<char> = text.chars().collect();
            all.extend(chars.windows(8).map(|w| w.iter().collect::<String>()));
        }
    }
    all
}

fn printed(text: &str) -> String {
    let mut settings = Settings::default();
    settings
        .select_rules(
            &["digest-not-pinned".into(), "pull-secret-not-found".into()],
            &[],
        )
        .unwrap();
    let run = pullcheck::lint::lint_text("input.yaml", text, &settings);
    // Snippets are cut from the masked text, so it must hold no value either: whatever a later
    // finding points at, it cannot show one.
    let mut all: Vec<u8> = run.files.iter().flat_map(|f| f.text.bytes()).collect();
    for format in Format::value_variants() {
        let style = Style {
            color: false,
            width: 100,
        };
        output::write(&run, *format, style, &mut all).unwrap();
    }
    String::from_utf8_lossy(&all).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_fragment_of_a_secret_value_is_printed(
        values in prop::collection::vec("[A-Za-z0-9]{16,24}", 2),
        shape in 0u8..7,
        broken in any::<bool>(),
        pod_before in any::<bool>(),
    ) {
        let secret = secret(shape, &values, broken);
        let text = if pod_before {
            format!("{POD}---\n{secret}---\n{POD}")
        } else {
            format!("{secret}---\n{POD}")
        };
        let out = printed(&text);
        prop_assert!(out.contains("missing-tag"), "the run reported nothing:\n{out}");
        for fragment in forbidden(&values) {
            prop_assert!(
                !out.contains(&fragment),
                "`{fragment}` printed for shape {shape} (broken: {broken}):\n{text}\n---\n{out}"
            );
        }
    }
}
