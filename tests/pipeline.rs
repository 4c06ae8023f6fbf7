//! The pipeline end to end on small manifests, with rules as probes: where pod specs are found
//! (workloads, lists, custom resources, kustomize patches), how YAML is read (aliases, merge
//! keys, line breaks, documents) and where positions point. The rules themselves are tested by
//! their fixtures (`tests/rules.rs`).

use pullcheck::diagnostic::{RuleMeta, Severity};
use pullcheck::lint::lint_text;
use pullcheck::rules::{ContainerContext, Declared, Finding, LatestTag, Rule};
use pullcheck::settings::Settings;

/// `(rule, line, column)` of every diagnostic.
fn found_with(settings: &Settings, yaml: &str) -> Vec<(&'static str, usize, usize)> {
    let run = lint_text("test.yaml", yaml, settings);
    run.diagnostics
        .iter()
        .map(|d| {
            let p = run.files[d.file].position(d.span.start);
            (d.rule.name, p.line, p.column)
        })
        .collect()
}

/// The default rules but `implicit-pull-policy`, which fires on most containers and has tests
/// of its own.
fn settings() -> Settings {
    let mut settings = Settings::default();
    settings
        .select_rules(&[], &["implicit-pull-policy".into()])
        .unwrap();
    settings
}

fn found(yaml: &str) -> Vec<(&'static str, usize, usize)> {
    found_with(&settings(), yaml)
}

fn rules_found(yaml: &str) -> Vec<&'static str> {
    found(yaml).into_iter().map(|f| f.0).collect()
}

fn pod(containers: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n{containers}")
}

fn image(reference: &str) -> String {
    pod(&format!("    - name: c\n      image: {reference}\n"))
}

#[test]
fn crlf_and_bom_give_editor_positions() {
    let crlf = image("nginx").replace('\n', "\r\n");
    assert_eq!(found(&crlf), vec![("missing-tag", 8, 14)]);
    let bom = format!("\u{feff}{}", image("nginx"));
    assert_eq!(found(&bom), vec![("missing-tag", 8, 14)]);
}

#[test]
fn init_and_ephemeral_containers_are_checked() {
    let yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - {name: i, image: busybox}\n  containers:\n    - {name: c, image: app:1}\n  ephemeralContainers:\n    - {name: e, image: debug:latest}\n";
    assert_eq!(
        found(yaml),
        vec![
            ("missing-tag", 5, 24),
            ("ephemeral-container-in-manifest", 9, 14),
            ("latest-tag", 9, 24)
        ]
    );
    // Read back from a cluster (`kubectl get -o yaml`): ephemeral containers are expected.
    let got = yaml.replace("{name: p}", "{name: p, resourceVersion: '42'}");
    assert_eq!(
        found(&got),
        vec![("missing-tag", 5, 24), ("latest-tag", 9, 24)]
    );
}

#[test]
fn cronjob_and_list_items_are_found() {
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - {name: c, image: busybox}\n";
    assert_eq!(found(cron), vec![("missing-tag", 10, 32)]);
    let list = "apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: a}\n    spec: {containers: [{name: c, image: nginx}]}\n  - kind: Deployment\n    metadata: {name: b}\n    spec: {template: {spec: {containers: [{name: c, image: redis:latest}]}}}\n";
    assert_eq!(rules_found(list), vec!["missing-tag", "latest-tag"]);
}

#[test]
fn custom_workloads_with_a_pod_template_are_found() {
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: app}]\n";
    assert_eq!(rules_found(rollout), vec!["missing-tag"]);
    // A template without containers is not a pod spec.
    let other = "kind: Thing\nmetadata: {name: t}\nspec:\n  template:\n    spec: {image: app}\n";
    assert!(rules_found(other).is_empty());
}

#[test]
fn non_objects_and_broken_workloads_are_skipped() {
    assert!(rules_found("image: nginx\n").is_empty());
    assert!(rules_found("kind: Deployment\nmetadata: {name: d}\nspec: {}\n").is_empty());
    assert!(rules_found("kind: Deployment\nspec:\n  template: 3\n").is_empty());
    // Items that are not containers are skipped; a Pod's container without image is reported.
    assert_eq!(
        found("kind: Pod\nspec:\n  containers: [3, [a], {image: null}]\n"),
        vec![("invalid-image", 3, 24)]
    );
    // `validateContainerCommon` requires an image in pod templates too.
    let template =
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n";
    assert_eq!(found(template), vec![("invalid-image", 5, 27)]);
}

#[test]
fn aliases_point_at_the_anchored_text() {
    let yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - &c {name: c, image: &img nginx}\n  containers:\n    - *c\n    - {name: d, image: *img}\n";
    // One finding per container, all at the anchored text (deduplicated where identical).
    let found = found(yaml);
    assert!(
        found.iter().all(|f| *f == ("missing-tag", 5, 32)),
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn merge_keys_resolve_like_kubernetes() {
    let yaml = "x-base: &base\n  image: nginx:latest\n  imagePullPolicy: Never\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - <<: *base\n      name: c\n      imagePullPolicy: IfNotPresent\n";
    // The explicit key wins over the merged one; the merged image is found at its anchor.
    assert_eq!(
        found(yaml),
        vec![
            ("latest-tag", 2, 10),
            ("mutable-tag-if-not-present", 10, 24)
        ]
    );
    let list = "a: &a {image: 'one:1'}\nb: &b {image: two}\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - <<: [*a, *b]\n      name: c\n";
    // In a merge list, the earlier mapping wins.
    assert!(rules_found(list).is_empty());
}

#[test]
fn a_broken_document_does_not_hide_its_neighbours() {
    let yaml = format!(
        "{}---\nkind: Pod\nmetadata: {{name: [\n---\n{}",
        image("nginx"),
        image("redis:latest")
    );
    assert_eq!(
        rules_found(&yaml),
        vec!["missing-tag", "parse-error", "latest-tag"]
    );
}

#[test]
fn quoted_scalars_indented_like_libyaml_allows_are_accepted() {
    // Continuation lines indented less than the sequence entry: saphyr rejects, libyaml accepts.
    let yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      command:\n        - \"a\n      b\"\n";
    assert_eq!(found(yaml), vec![("missing-tag", 6, 14)]);
    let single = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      command: ['sh', '-c', '\n      x;\n      y']\n";
    assert_eq!(found(single), vec![("missing-tag", 6, 14)]);
}

#[test]
fn disabled_rules_do_not_run() {
    let mut settings = settings();
    let off = ["missing-tag".into(), "implicit-pull-policy".into()];
    settings.select_rules(&[], &off).unwrap();
    assert!(found_with(&settings, &image("nginx")).is_empty());
    assert!(
        settings
            .select_rules(&["no-such-rule".into()], &[])
            .is_err()
    );
}

/// A kustomize patch holds part of an object: the checks that an object is complete do not
/// apply to it, its values are still checked.
#[test]
fn kustomize_patches_are_not_complete_objects() {
    let input = |name: &str, text: &str| {
        pullcheck::input::decode(name.to_string(), None, text.as_bytes().to_vec())
    };
    let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 1Gi}}\n        - {name: sidecar, image: \"envoy:latest\"}\n";
    let kustomization = "resources: [../../base]\npatches:\n  - path: memory.yaml\n";
    let run = pullcheck::lint::lint(
        vec![
            input("overlays/prod/kustomization.yaml", kustomization),
            input("overlays/prod/memory.yaml", patch),
        ],
        &settings(),
    );
    let rules: Vec<&str> = run.diagnostics.iter().map(|d| d.rule.name).collect();
    assert_eq!(rules, vec!["latest-tag"]);
    // The same file outside any kustomization is a Deployment without an image.
    assert_eq!(rules_found(patch), vec!["invalid-image", "latest-tag"]);
}

/// The fast path must decide on the `kind` the decoder keeps (the last),
/// whatever its spelling: a workload written after `kind: ConfigMap` is never dropped.
#[test]
fn a_second_kind_in_another_key_form_is_not_lost() {
    let body = "metadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: nginx}]\n";
    for second in [
        "kind : Deployment",
        "\"kind\": Deployment",
        "'kind': Deployment",
        "\"k\\u0069nd\": Deployment",
        "? kind\n: Deployment",
    ] {
        let yaml = format!("apiVersion: apps/v1\nkind: ConfigMap\n{second}\n{body}");
        assert_eq!(rules_found(&yaml), vec!["missing-tag"], "{second}");
    }
}

/// YAML 1.1 (go-yaml) reads NEL, LS and PS as line breaks; saphyr's YAML 1.2 does not. And
/// go-yaml decodes only the first document before a `---`: what follows `...` is ignored.
#[test]
fn documents_read_as_go_yaml_reads_them() {
    for text in [
        "kind: Pod\nmetadata:\u{85}  name: nel\nspec:\n  containers: [{name: c, image: nginx}]\n",
        "kind: Pod\nmetadata:\u{2028}  name: ls\nspec:\n  containers: [{name: c, image: nginx}]\n",
    ] {
        let run = lint_text("t.yaml", text, &settings());
        let names: Vec<Option<&str>> = run.objects.iter().map(|(_, o)| o.name.as_deref()).collect();
        assert!(
            matches!(names.as_slice(), [Some("nel" | "ls")]),
            "{names:?}"
        );
        assert_eq!(
            run.diagnostics
                .iter()
                .map(|d| d.rule.name)
                .collect::<Vec<_>>(),
            vec!["missing-tag"]
        );
    }
    let after_end = "kind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: nginx}]\n...\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: redis}]\n";
    let run = lint_text("t.yaml", after_end, &settings());
    assert_eq!(run.objects.len(), 1);
    assert_eq!(run.diagnostics.len(), 1);
}

/// A rule that panics on every container.
struct Panicking;

static PANICKING: RuleMeta = RuleMeta {
    name: "panicking-test-rule",
    severity: Severity::Warning,
    enabled_by_default: true,
    always_reported: false,
    summary: "panics",
    doc: "",
};

impl Declared for Panicking {
    fn meta(&self) -> &'static RuleMeta {
        &PANICKING
    }
}

impl Rule for Panicking {
    fn check_container(&self, _: &ContainerContext<'_>, _: &mut Vec<Finding>) {
        panic!("boom");
    }
}

/// The engine catches a rule's panic: it becomes an `internal-error` on that object, and the
/// other rules and objects are still checked.
#[test]
fn a_panicking_rule_becomes_an_internal_error_and_the_run_goes_on() {
    let mut settings = Settings::only(&LatestTag);
    settings.rules.push(&Panicking);
    let pod = |image: &str| {
        format!(
            "kind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: [{{name: c, image: {image}}}]\n"
        )
    };
    let yaml = format!("{}---\n{}", pod("nginx:1"), pod("redis:latest"));
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let run = lint_text("test.yaml", &yaml, &settings);
    std::panic::set_hook(hook);
    let rules: Vec<&str> = run.diagnostics.iter().map(|d| d.rule.name).collect();
    assert_eq!(rules, ["internal-error", "internal-error", "latest-tag"]);
    let message = &run.diagnostics[0].message;
    assert!(message.contains("panicking-test-rule") && message.contains("boom"));
    assert!(run.diagnostics[0].rule.always_reported);
}

/// A tab the parser refuses is reported at the tab: saphyr gives the start of the scalar
/// before it ("found a tab") or the character after the indenting tabs.
#[test]
fn tab_errors_point_at_the_tab() {
    let head = "kind: Pod\nmetadata:\n  name: p\nspec:\n";
    for (body, line, column) in [
        ("  containers:\n  - name: c\n\t  image: nginx:1\n", 7, 1),
        (
            "  containers:\n  - name: c\n    args:\n    - a\n\t- b\n",
            9,
            1,
        ),
        ("\tcontainers: []\n", 5, 1),
        ("  containers:\n  -\tname: c\n", 6, 4),
    ] {
        let text = format!("{head}{body}");
        let run = lint_text("t.yaml", &text, &Settings::default());
        let d = &run.diagnostics[0];
        assert_eq!(d.rule.name, "parse-error", "{text}");
        let at = run.files[0].position(d.span.start);
        assert_eq!(
            (at.line, at.column),
            (line, column),
            "{body:?}: {}",
            d.message
        );
        assert_eq!(&text[d.span.start..d.span.start + 1], "\t");
    }
}
