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

#[test]
fn unmatched_lines_fall_back_to_the_first_line_with_the_rendered_position() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "chart/templates/pod.yaml",
        "{{- include \"pod\" . }}\n",
    );
    let stream = "---\n# Source: chart/templates/pod.yaml\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, imagePullPolicy: Always}]\n";
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
        text.starts_with("chart/templates/pod.yaml:1:1: warning[missing-tag]"),
        "{text}"
    );
    assert!(text.contains("(rendered at out.yaml:6:"), "{text}");
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
