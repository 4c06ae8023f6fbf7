//! Rule tests over small manifests, and the checks that `rules/*.md` and the README's rule
//! table match the rule registry.

use pullcheck::lint::lint_text;
use pullcheck::rules::{ALL, ContainerContext, Finding, Rule, RuleMeta, by_name};
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
fn docs_are_fresh() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let bless = std::env::var_os("PULLCHECK_BLESS").is_some();
    let mut stale = Vec::new();
    for rule in ALL {
        let meta = rule.meta();
        let path = dir.join(format!("{}.md", meta.name));
        let want = meta.markdown_file();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let mut extra: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .filter(|n| by_name(n.trim_end_matches(".md")).is_none())
                .collect()
        })
        .unwrap_or_default();
    extra.sort();
    assert!(
        stale.is_empty(),
        "stale rule docs (run `PULLCHECK_BLESS=1 cargo test docs_are_fresh`): {stale:?}"
    );
    assert!(
        extra.is_empty(),
        "docs for rules that do not exist: {extra:?}"
    );
}

#[test]
fn rule_names_are_unique_and_kebab_case() {
    let mut names: Vec<_> = ALL.iter().map(|r| r.meta().name).collect();
    for name in &names {
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{name}"
        );
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), ALL.len());
}

// ---- missing-tag --------------------------------------------------------------------------

#[test]
fn missing_tag_fires_on_untagged_images() {
    assert_eq!(found(&image("nginx")), vec![("missing-tag", 8, 14)]);
    assert_eq!(
        rules_found(&image("docker.io/library/nginx")),
        vec!["missing-tag"]
    );
}

#[test]
fn missing_tag_knows_ports_are_not_tags() {
    assert_eq!(
        rules_found(&image("localhost:5000/app")),
        vec!["missing-tag"]
    );
    assert_eq!(rules_found(&image("'[::1]:5000/app'")), vec!["missing-tag"]);
    assert!(rules_found(&image("localhost:5000/app:1.0")).is_empty());
    // The private registry needs a secret, but the tag is there.
    assert_eq!(
        rules_found(&image("172.16.10.24:10010/library/nginx:1.25.0")),
        vec!["missing-pull-secret"]
    );
}

#[test]
fn missing_tag_is_silent_on_digests_and_tags() {
    let digest = format!("nginx@sha256:{}", "a".repeat(64));
    assert!(rules_found(&image(&digest)).is_empty());
    assert!(rules_found(&image("nginx:1.27.3")).is_empty());
}

#[test]
fn missing_tag_points_at_quoted_and_flow_values() {
    assert_eq!(found(&image("\"nginx\"")), vec![("missing-tag", 8, 14)]);
    assert_eq!(found(&image("'nginx'")), vec![("missing-tag", 8, 14)]);
    let flow = "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n";
    assert_eq!(found(flow), vec![("missing-tag", 3, 38)]);
}

#[test]
fn crlf_and_bom_give_editor_positions() {
    let crlf = image("nginx").replace('\n', "\r\n");
    assert_eq!(found(&crlf), vec![("missing-tag", 8, 14)]);
    let bom = format!("\u{feff}{}", image("nginx"));
    assert_eq!(found(&bom), vec![("missing-tag", 8, 14)]);
}

// ---- latest-tag ---------------------------------------------------------------------------

#[test]
fn latest_tag_fires_on_latest() {
    assert_eq!(found(&image("nginx:latest")), vec![("latest-tag", 8, 14)]);
    assert_eq!(
        rules_found(&image("localhost:5000/app:latest")),
        vec!["latest-tag"]
    );
}

#[test]
fn latest_tag_is_silent_when_a_digest_pins_or_the_tag_only_looks_like_latest() {
    let pinned = format!("nginx:latest@sha256:{}", "b".repeat(64));
    assert!(rules_found(&image(&pinned)).is_empty());
    assert!(rules_found(&image("nginx:latest-alpine")).is_empty());
    assert!(rules_found(&image("nginx:Latest")).is_empty());
    // `latest:5000/app` has the host `latest`, not a tag.
    assert_eq!(
        rules_found(&image("latest:5000/app:1")),
        vec!["missing-pull-secret"]
    );
}

// ---- never-without-preload ------------------------------------------------------------------

fn never(reference: &str) -> String {
    pod(&format!(
        "    - name: c\n      image: {reference}\n      imagePullPolicy: Never\n"
    ))
}

#[test]
fn never_without_preload_points_at_the_policy() {
    assert_eq!(
        found(&never("app:1.0")),
        vec![("never-without-preload", 9, 24)]
    );
}

#[test]
fn never_without_preload_honours_preloaded_globs() {
    let mut settings = settings();
    settings
        .set_preloaded(&["registry.corp/base/*".into()])
        .unwrap();
    assert!(found_with(&settings, &never("registry.corp/base/jdk:21")).is_empty());
    // Globs also match the normalised reference.
    settings
        .set_preloaded(&["docker.io/library/*".into()])
        .unwrap();
    assert!(found_with(&settings, &never("app:1.0")).is_empty());
    assert_eq!(
        found_with(&settings, &never("quay.io/app:1.0")),
        vec![("never-without-preload", 9, 24)]
    );
}

#[test]
fn never_without_preload_ignores_other_policies_and_wrong_case() {
    let if_not_present =
        pod("    - name: c\n      image: app:1\n      imagePullPolicy: IfNotPresent\n");
    assert!(rules_found(&if_not_present).is_empty());
    // `never` is not a valid policy (invalid-pull-policy reports it); it is not `Never`.
    let lower = pod("    - name: c\n      image: app:1\n      imagePullPolicy: never\n");
    assert_eq!(rules_found(&lower), vec!["invalid-pull-policy"]);
}

// ---- missing-pull-secret ------------------------------------------------------------------------

#[test]
fn missing_pull_secret_fires_for_private_registries() {
    assert_eq!(
        found(&image("harbor.corp/team/app:1.0")),
        vec![("missing-pull-secret", 8, 14)]
    );
    assert_eq!(
        rules_found(&image("registry.cn-hangzhou.aliyuncs.com/a/b:1")),
        vec!["missing-pull-secret"]
    );
}

#[test]
fn missing_pull_secret_ignores_public_loopback_and_cloud_registries() {
    for reference in [
        "nginx:1.27",
        "quay.io/prometheus/prometheus:v2.53.0",
        "ghcr.io/org/app:1",
        "registry.k8s.io/pause:3.9",
        "localhost:5000/app:1",
        "127.0.0.1:5000/app:1",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
        "myacr.azurecr.io/app:1",
        "europe-docker.pkg.dev/p/r/app:1",
    ] {
        assert!(rules_found(&image(reference)).is_empty(), "{reference}");
    }
}

#[test]
fn missing_pull_secret_is_satisfied_by_pod_secrets() {
    let yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  imagePullSecrets: [{name: harbor}]\n  containers:\n    - {name: c, image: harbor.corp/app:1}\n";
    assert!(rules_found(yaml).is_empty());
}

#[test]
fn missing_pull_secret_follows_the_service_account_in_the_same_namespace() {
    let sa = |ns: &str| {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: {ns}\nimagePullSecrets:\n  - name: harbor\n---\n"
        )
    };
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ci\nspec:\n  template:\n    spec:\n      serviceAccountName: builder\n      containers:\n        - name: c\n          image: harbor.corp/app:1\n";
    assert!(rules_found(&format!("{}{deploy}", sa("ci"))).is_empty());
    assert_eq!(
        rules_found(&format!("{}{deploy}", sa("other"))),
        vec!["pull-secret-wrong-namespace", "missing-pull-secret"]
    );
}

#[test]
fn missing_pull_secret_uses_the_default_service_account() {
    let sa = "kind: ServiceAccount\nmetadata: {name: default}\nimagePullSecrets: [{name: harbor}]\n---\n";
    assert!(rules_found(&format!("{sa}{}", image("harbor.corp/app:1"))).is_empty());
    let empty_sa = "kind: ServiceAccount\nmetadata: {name: default}\n---\n";
    assert_eq!(
        rules_found(&format!("{empty_sa}{}", image("harbor.corp/app:1"))),
        vec!["missing-pull-secret"]
    );
}

#[test]
fn missing_pull_secret_skips_never_pulled_images() {
    let mut settings = settings();
    settings
        .select_rules(&[], &["never-without-preload".into()])
        .unwrap();
    assert!(found_with(&settings, &never("harbor.corp/app:1")).is_empty());
}

// ---- where pod specs live -------------------------------------------------------------------------

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

// ---- YAML features ---------------------------------------------------------------------------------

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

#[test]
fn readme_rule_table_is_fresh() {
    const START: &str = "<!-- rules:start (generated from the rule registry by `PULLCHECK_BLESS=1 cargo test`) -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (before, rest) = readme
        .split_once(START)
        .expect("README has the rules:start marker");
    let (_, after) = rest
        .split_once(END)
        .expect("README has the rules:end marker");
    let mut table = String::from("| rule | default | summary |\n|---|---|---|\n");
    for rule in ALL {
        let m = rule.meta();
        let default = if m.enabled_by_default {
            m.severity.to_string()
        } else {
            format!("{}, off", m.severity)
        };
        table.push_str(&format!(
            "| [`{0}`](rules/{0}.md) | {default} | {1} |\n",
            m.name, m.summary
        ));
    }
    let fresh = format!("{before}{START}{table}{END}{after}");
    if fresh != readme && std::env::var_os("PULLCHECK_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        fresh == readme,
        "the README's rule table is stale: run `PULLCHECK_BLESS=1 cargo test readme_rule_table_is_fresh`"
    );
}

/// A rule that panics on every container: the run must go on and say so.
struct Panicking;

static PANICKING: RuleMeta = RuleMeta {
    name: "panicking-test-rule",
    severity: pullcheck::diagnostic::Severity::Warning,
    enabled_by_default: true,
    always_reported: false,
    summary: "panics",
    doc: "",
};

impl pullcheck::rules::Declared for Panicking {
    fn meta(&self) -> &'static RuleMeta {
        &PANICKING
    }
}

impl Rule for Panicking {
    fn check_container(&self, _: &ContainerContext<'_>, _: &mut Vec<Finding>) {
        panic!("boom");
    }
}

#[test]
fn a_panicking_rule_becomes_an_internal_error_and_the_run_goes_on() {
    let mut settings = settings();
    settings.rules.push(&Panicking);
    let yaml = format!("{}---\n{}", image("nginx"), image("redis:latest"));
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let run = lint_text("test.yaml", &yaml, &settings);
    std::panic::set_hook(hook);
    let rules: Vec<&str> = run.diagnostics.iter().map(|d| d.rule.name).collect();
    assert_eq!(
        rules,
        vec![
            "internal-error",
            "missing-tag",
            "internal-error",
            "latest-tag"
        ]
    );
    assert!(run.diagnostics[0].message.contains("panicking-test-rule"));
    assert!(run.diagnostics[0].message.contains("boom"));
}

// ---- Kubernetes versions ---------------------------------------------------------------------------

/// KEP-2535 (`KubeletEnsureSecretPulledImages`, beta and on by default from 1.35): a pod may use
/// an image the node pulled with a Secret only with matching credentials. Before 1.35 any pod
/// on the node could use it.
#[test]
fn secret_pulled_images_are_verified_from_1_35() {
    let yaml = "kind: Secret\nmetadata: {name: s, namespace: ops}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"registry.corp\": {}}}'\n---\nkind: DaemonSet\nmetadata: {name: pull, namespace: ops}\nspec:\n  template:\n    spec:\n      imagePullSecrets: [{name: s}]\n      containers: [{name: c, image: \"registry.corp/agent:5\"}]\n---\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers:\n    - {name: c, image: \"registry.corp/agent:5\", imagePullPolicy: Never}\n";
    let mut settings = settings();
    assert_eq!(rules_found(yaml), vec!["never-without-preload"]);
    settings.options.kubernetes_version = pullcheck::k8s::KubernetesVersion::parse("1.34").unwrap();
    assert!(found_with(&settings, yaml).is_empty());
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

/// YAML examples in a rule's documentation are tests: a ```yaml,fires block must make the rule
/// fire, a plain ```yaml block that holds a Kubernetes object must not.
#[test]
fn doc_examples_are_true() {
    for rule in ALL {
        let meta = rule.meta();
        let mut settings = Settings::default();
        let others: Vec<String> = ALL
            .iter()
            .map(|r| r.meta().name.to_string())
            .filter(|n| n != meta.name)
            .collect();
        settings
            .select_rules(&[meta.name.to_string()], &others)
            .unwrap();
        let doc: Vec<&str> = meta
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        let mut i = 0;
        while i < doc.len() {
            let fence = doc[i].trim();
            let fires = fence == "```yaml,fires";
            if !(fires || fence == "```yaml") {
                i += 1;
                continue;
            }
            let end = (i + 1..doc.len())
                .find(|&j| doc[j].trim() == "```")
                .unwrap_or_else(|| panic!("{}: unclosed example", meta.name));
            let example = doc[i + 1..end].join("\n") + "\n";
            let run = lint_text("example.yaml", &example, &settings);
            let fired = run.diagnostics.iter().any(|d| d.rule.name == meta.name);
            assert_eq!(
                fired,
                fires,
                "{}: example at doc line {} {} fire:\n{example}",
                meta.name,
                i + 1,
                if fires { "must" } else { "must not" }
            );
            i = end + 1;
        }
    }
}

/// The fast path for shallow kinds must decide on the `kind` the decoder keeps (the last),
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
            run.diagnostics.iter().map(|d| d.rule.name).collect::<Vec<_>>(),
            vec!["missing-tag"]
        );
    }
    let after_end = "kind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: nginx}]\n...\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, image: redis}]\n";
    let run = lint_text("t.yaml", after_end, &settings());
    assert_eq!(run.objects.len(), 1);
    assert_eq!(run.diagnostics.len(), 1);
}
