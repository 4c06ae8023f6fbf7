//! `helm template` output: `# Source:` carried on every finding, and `--chart-dir` moving
//! findings onto the template files.

mod common;

use common::*;

fn rendered() -> String {
    std::fs::read_to_string(root().join("tests/fixtures/helm/rendered.yaml")).unwrap()
}

#[test]
fn helm_source_is_carried_on_every_finding() {
    let out = pullcheck(&root())
        .args(["--format", "json", "--stdin-filename", "rendered.yaml", "-"])
        .write_stdin(rendered())
        .output()
        .unwrap();
    let value = json(&out);
    let sources: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["helm_source"].as_str().unwrap())
        .collect();
    assert!(
        sources
            .iter()
            .take(1)
            .all(|s| *s == "web/charts/cache/templates/statefulset.yaml"),
        "{sources:?}"
    );
    assert!(
        sources
            .last()
            .unwrap()
            .ends_with("web/templates/deployment.yaml")
    );
    let sarif = pullcheck(&root())
        .args(["--format", "sarif", "-"])
        .write_stdin(rendered())
        .output()
        .unwrap();
    let sarif = json(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["helmSource"],
        "web/charts/cache/templates/statefulset.yaml"
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "web/charts/cache/templates/statefulset.yaml"
    );
}

#[test]
fn chart_dir_maps_findings_to_the_template_lines() {
    let out = pullcheck(&root())
        .args([
            "--format",
            "compact",
            "--disable",
            "implicit-pull-policy",
            "--chart-dir",
            "tests/fixtures/helm/web",
            "-",
        ])
        .write_stdin(rendered())
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "tests/fixtures/helm/web/charts/cache/templates/statefulset.yaml:10:18: warning[latest-tag] image `redis:latest` uses the `latest` tag\n\
         tests/fixtures/helm/web/templates/deployment.yaml:10:18: warning[missing-tag] image `busybox` has no tag: it runs `:latest`\n\
         tests/fixtures/helm/web/templates/deployment.yaml:13:18: warning[latest-tag] image `nginx:latest` uses the `latest` tag\n\
         tests/fixtures/helm/web/templates/deployment.yaml:14:28: warning[mutable-tag-if-not-present] imagePullPolicy IfNotPresent with the `latest` tag: nodes keep whichever build they pulled first\n"
    );
}

/// A line no template line can have rendered stays where it is, and says so: never line 1
/// of the template with an unrelated snippet.
#[test]
fn unmatched_lines_stay_on_the_rendered_line_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "chart/Chart.yaml",
        "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
    );
    write(
        dir.path(),
        "chart/templates/pod.yaml",
        "{{- include \"pod\" . }}\n",
    );
    let stream = "---\n# Source: chart/templates/pod.yaml\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      imagePullPolicy: Always\n";
    let out = pullcheck(dir.path())
        .args([
            "--format",
            "compact",
            "--chart-dir",
            "chart",
            "--stdin-filename",
            "out.yaml",
            "-",
        ])
        .write_stdin(stream)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.starts_with("out.yaml:8:14: warning[missing-tag]"),
        "{text}"
    );
    assert!(text.contains("(not mapped to the chart: "), "{text}");
}

#[test]
fn corpus_helm_output_has_sources() {
    let Some(helm) = shared("corpus/helm/helm-golden") else {
        return;
    };
    let value = json(&run(
        &helm,
        &["--format", "json", "--enable", "digest-not-pinned", "."],
    ));
    let diagnostics = value["diagnostics"].as_array().unwrap();
    let with_source = diagnostics
        .iter()
        .filter(|d| d["helm_source"].is_string())
        .count();
    assert!(
        with_source > 0 && with_source * 2 > diagnostics.len(),
        "{with_source} of {}",
        diagnostics.len()
    );
}

/// A `# Source:` comment is the chart's text: `--chart-dir` never reads a file outside the chart
/// (through `..` or a link), and template lines are masked like a Secret that does not parse.
#[test]
fn chart_dir_reads_only_the_chart_and_masks_templates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "home/.env",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCY\nimage: x\n",
    );
    write(
        d,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    );
    write(
        d,
        "chart/templates/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: pull}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"r.io\": {\"auth\": \"cm9ib3Q6aHVudGVyMjIyMg==\"}}}'\n  image: {{ .Values.broken\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("home/.env"), d.join("chart/templates/link.yaml")).unwrap();
    let pod = |source: &str| {
        format!(
            "---\n# Source: {source}\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      image: nginx\n"
        )
    };
    let stream = format!(
        "{}{}{}---\n# Source: c/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata: {{name: pull}}\nstringData:\n  .dockerconfigjson: '{{\"auths\": {{\"r.io\": {{\"auth\": \"cm9ib3Q6aHVudGVyMjIyMg==\"}}}}}}'\n  image: [broken\n",
        pod("c/templates/../../home/.env"),
        pod("c/templates/link.yaml"),
        pod("/etc/passwd"),
    );
    let out = pullcheck(d)
        .args(["--chart-dir", "chart", "--color", "never", "-"])
        .write_stdin(stream)
        .output()
        .unwrap();
    let printed = format!("{}{}", stdout(&out), stderr(&out));
    assert!(printed.contains("missing-tag"), "{printed}");
    assert!(printed.contains("parse-error"), "{printed}");
    for secret in [
        "wJalrXUtnFEMIK7MDENGbPxRfiCY",
        "cm9ib3Q6aHVudGVyMjIyMg",
        "AWS_SECRET",
    ] {
        assert!(!printed.contains(secret), "{secret} printed:\n{printed}");
    }
}

/// `--chart-dir ./web`: the mapped files are named `web/…`, as GitHub annotations and SARIF
/// name files from the repository root, not `./web/…`.
#[test]
fn mapped_paths_carry_no_dot_slash() {
    let dir = root().join("tests/fixtures/helm");
    for format in ["compact", "github", "sarif"] {
        let out = pullcheck(&dir)
            .args(["--format", format, "--chart-dir", "./web", "-"])
            .write_stdin(rendered())
            .output()
            .unwrap();
        let text = stdout(&out);
        assert!(
            text.contains("web/templates/deployment.yaml"),
            "{format}: {text}"
        );
        assert!(!text.contains("./web"), "{format}: {text}");
    }
}

/// `--chart-dir` on the committed renderings of the OpenTelemetry charts
/// (`../shared/corpus/helm/opentelemetry-helm-charts`) with their sources
/// (`../shared/charts/opentelemetry-helm-charts`): 20 findings, each checked by hand against
/// the chart's files, land where a user fixes them — the template line of the branch that
/// rendered (reducer: the `else` branch, line 32), the right container's line (k8s-relay, not
/// k8s-watcher), a line in an `include`d helper (`_pod.tpl`, `_objects.tpl`; a sidecar at its
/// own line), or the `values.yaml` line that writes the image (init containers the template
/// copies with `toYaml`; among components with the same container name, the one the object is
/// named after) or its tag. A finding whose image comes from values the chart was rendered
/// with, not from the chart, stays on the rendered line and says so.
#[test]
fn chart_dir_maps_the_opentelemetry_charts() {
    let (Some(corpus), Some(charts)) = (
        shared("corpus/helm/opentelemetry-helm-charts/charts"),
        shared("charts/opentelemetry-helm-charts"),
    ) else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let cases: &[(&str, &str, &str, &str, &str, &str, usize)] = &[
        // chart, example, object, container, rule, file (suffix), line
        (
            "opentelemetry-ebpf",
            "cloud-collector",
            "",
            "reducer",
            "digest-not-pinned",
            "templates/reducer-deployment.yaml",
            32,
        ),
        (
            "opentelemetry-ebpf",
            "cloud-collector",
            "",
            "k8s-watcher",
            "digest-not-pinned",
            "templates/k8s-collector-deployment.yaml",
            44,
        ),
        (
            "opentelemetry-ebpf",
            "cloud-collector",
            "",
            "k8s-relay",
            "digest-not-pinned",
            "templates/k8s-collector-deployment.yaml",
            63,
        ),
        (
            "opentelemetry-ebpf",
            "cloud-collector",
            "",
            "cloud-collector",
            "digest-not-pinned",
            "templates/cloud-collector-deployment.yaml",
            35,
        ),
        (
            "opentelemetry-ebpf",
            "cloud-collector",
            "",
            "kernel-collector",
            "digest-not-pinned",
            "templates/kernel-collector-daemonset.yaml",
            36,
        ),
        (
            "opentelemetry-ebpf-instrumentation",
            "default",
            "",
            "ebpf-instrument",
            "digest-not-pinned",
            "templates/daemonset.yaml",
            51,
        ),
        (
            "opentelemetry-ebpf-instrumentation",
            "with-k8s-cache",
            "",
            "obi-k8s-cache",
            "digest-not-pinned",
            "templates/cache-deployment.yaml",
            38,
        ),
        (
            "opentelemetry-collector",
            "alternate-config",
            "",
            "opentelemetry-collector",
            "digest-not-pinned",
            "templates/_pod.tpl",
            56,
        ),
        (
            "opentelemetry-demo",
            "default",
            "accounting",
            "accounting",
            "digest-not-pinned",
            "templates/_objects.tpl",
            55,
        ),
        (
            "opentelemetry-demo",
            "default",
            "",
            "flagd-ui",
            "digest-not-pinned",
            "templates/_objects.tpl",
            105,
        ),
        (
            "opentelemetry-demo",
            "default",
            "",
            "init-config",
            "missing-tag",
            "opentelemetry-demo/values.yaml",
            959,
        ),
        (
            "opentelemetry-demo",
            "default",
            "accounting",
            "wait-for-kafka",
            "latest-tag",
            "opentelemetry-demo/values.yaml",
            196,
        ),
        (
            "opentelemetry-demo",
            "default",
            "checkout",
            "wait-for-kafka",
            "latest-tag",
            "opentelemetry-demo/values.yaml",
            387,
        ),
        (
            "opentelemetry-demo",
            "default",
            "fraud-detection",
            "wait-for-kafka",
            "latest-tag",
            "opentelemetry-demo/values.yaml",
            473,
        ),
        (
            "opentelemetry-demo",
            "default",
            "cart",
            "wait-for-valkey-cart",
            "latest-tag",
            "opentelemetry-demo/values.yaml",
            313,
        ),
        (
            "opentelemetry-demo",
            "default",
            "product-catalog",
            "wait-for-astronomy-db",
            "latest-tag",
            "opentelemetry-demo/values.yaml",
            791,
        ),
        (
            "opentelemetry-kube-stack",
            "cloud-demo",
            "",
            "delete-resources",
            "digest-not-pinned",
            "opentelemetry-kube-stack/values.yaml",
            29,
        ),
        (
            "opentelemetry-kube-stack",
            "cloud-demo",
            "",
            "delete-resources",
            "implicit-pull-policy",
            "templates/hooks.yaml",
            74,
        ),
        (
            "opentelemetry-operator",
            "default",
            "",
            "manager",
            "digest-not-pinned",
            "templates/deployment.yaml",
            131,
        ),
        (
            "opentelemetry-target-allocator",
            "collector-fleet",
            "",
            "targetallocator",
            "digest-not-pinned",
            "templates/_pod.tpl",
            22,
        ),
    ];
    let mut runs: std::collections::HashMap<(&str, &str), serde_json::Value> = Default::default();
    let mut render = |chart: &'static str, example: &'static str| -> serde_json::Value {
        runs.entry((chart, example))
            .or_insert_with(|| {
                let dir = corpus
                    .join(chart)
                    .join("examples")
                    .join(example)
                    .join("rendered");
                let mut files: Vec<_> = std::fs::read_dir(&dir)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                let text: String = files
                    .iter()
                    .map(|f| std::fs::read_to_string(f).unwrap())
                    .collect();
                let out = pullcheck(&root())
                    .args(["--format", "json", "--fail-on", "never"])
                    .args(["--enable", "digest-not-pinned,implicit-pull-policy"])
                    .arg("--chart-dir")
                    .arg(charts.join(chart))
                    .arg("-")
                    .write_stdin(text)
                    .output()
                    .unwrap();
                json(&out)
            })
            .clone()
    };
    let mut wrong = Vec::new();
    for &(chart, example, object, container, rule, file, line) in cases {
        let run = render(chart, example);
        let found = run["diagnostics"].as_array().unwrap().iter().find(|d| {
            d["rule"] == rule
                && d["container"] == container
                && (object.is_empty() || d["object"]["name"] == object)
        });
        let Some(found) = found else {
            wrong.push(format!("{chart}/{example}: no {rule} on {container}"));
            continue;
        };
        let at = (
            found["file"].as_str().unwrap(),
            found["line"].as_u64().unwrap() as usize,
        );
        if !(at.0.ends_with(file) && at.1 == line) {
            wrong.push(format!(
                "{chart}/{example} {container} {rule}: {}:{}, want {file}:{line}",
                at.0, at.1
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // From the example's own values, not the chart's: it stays on the rendered line.
    let run = render("opentelemetry-collector", "daemonset-lifecycle-hooks");
    let test = run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["container"] == "test" && d["rule"] == "latest-tag")
        .unwrap();
    assert_eq!(test["file"], "<stdin>");
    assert!(
        test["message"]
            .as_str()
            .unwrap()
            .contains("(not mapped to the chart: "),
        "{test}"
    );
}

/// `--chart-dir` must name a chart.
#[test]
fn chart_dir_without_a_chart_is_an_error() {
    let out = pullcheck(&root())
        .args(["--chart-dir", "examples", "-"])
        .write_stdin(rendered())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no Chart.yaml there"),
        "{}",
        stderr(&out)
    );
}
