use super::*;

fn context() -> Context {
    let values = "image:\n  repository: otel/collector\n  tag: \"\"\n  pullPolicy: IfNotPresent\nreducer:\n  image:\n    tag: ''\n";
    let chart = "apiVersion: v2\nname: demo\nappVersion: 0.120.0\n";
    Context::load(
        Some(SourceFile::new("values.yaml".into(), None, values.into())),
        Some(SourceFile::new("Chart.yaml".into(), None, chart.into())),
    )
}

#[test]
fn evaluates_what_image_lines_use() {
    let c = context();
    assert_eq!(
        c.evaluate(".Values.image.repository").as_deref(),
        Some("otel/collector")
    );
    assert_eq!(
        c.evaluate(".Values.image.tag | default .Chart.AppVersion")
            .as_deref(),
        Some("0.120.0")
    );
    assert_eq!(
        c.evaluate("default .Chart.AppVersion .Values.reducer.image.tag")
            .as_deref(),
        Some("0.120.0")
    );
    assert_eq!(c.evaluate("include \"x\" .").as_deref(), None);
}

#[test]
fn scores_say_which_branch_rendered() {
    let c = context();
    let rendered = "otel/collector:0.120.0";
    let with_default =
        "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}";
    let digest = "{{ .Values.image.repository }}@{{ .Values.image.digest }}";
    assert_eq!(
        match_score(with_default, rendered, &c),
        Some(rendered.len())
    );
    assert_eq!(match_score(digest, rendered, &c), None);
    // Values the rendering overrode still match, for less.
    assert_eq!(
        match_score(with_default, "otel/collector:9.9.9", &c),
        Some(15)
    );
    // Unknown expressions match anything, with a lower score.
    assert_eq!(
        match_score("{{ include \"img\" . }}", rendered, &c),
        Some(0)
    );
}

#[test]
fn places_and_helpers() {
    let text = "spec:\n  initContainers:\n    - name: init\n      image: busybox\n  containers:\n    - name: {{ .Chart.Name }}\n      image: x\n    - name: sidecar\n      image: y\n";
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        place(&lines[..], 0, 3),
        Place {
            list: Some("initContainers".into()),
            list_line: Some(1),
            name: Some("init".into())
        }
    );
    assert_eq!(
        place(&lines[..], 0, 6),
        Place {
            list: Some("containers".into()),
            list_line: Some(4),
            name: None
        }
    );
    assert_eq!(place(&lines[..], 0, 8).name.as_deref(), Some("sidecar"));
    assert_eq!(
        included("{{- include \"a.b\" . | nindent 4 }} {{ template \"c\" }}"),
        ["a.b", "c"]
    );
}

/// Many unknown expressions against a long value: the memoised search stays polynomial, and
/// values past the bound are not matched at all.
#[test]
fn hostile_templates_do_not_explode() {
    let c = context();
    let template = "{{ a }}-".repeat(15);
    let rendered = "x-".repeat(300);
    assert!(match_score(&template, &rendered, &c).is_some());
    assert_eq!(match_score(&"{{ a }}-".repeat(40), &rendered, &c), None);
    let long = "y".repeat(5000);
    assert_eq!(match_score("{{ a }}", &long, &c), None);
}

proptest::proptest! {
    /// Chart sources are text the chart's authors control: reading them never panics.
    #[test]
    fn reading_any_text_never_panics(
        template in "[a-z{}. :|\"'-]{0,60}",
        rendered in "[a-z:/.@-]{0,40}",
        body in proptest::collection::vec("[ a-z{}:#-]{0,20}", 1..12),
    ) {
        let c = context();
        let _ = match_score(&template, &rendered, &c);
        let _ = c.evaluate(&template);
        let _ = included(&template);
        let lines: Vec<&str> = body.iter().map(String::as_str).collect();
        for at in 0..lines.len() {
            let _ = place(&lines[..], 0, at);
        }
        let file = SourceFile::new("t.tpl".into(), None, body.join("\n"));
        let _ = defines(&[file]);
    }
}
