//! kustomize's `images:` transformer against `kubectl kustomize` (kustomize v5.5.0, bundled
//! with the kubectl on these machines): each case is built by kubectl in a scratch folder and
//! every container's image compared with what pullcheck's model computes. The oracle found
//! what the documentation does not say: `tagSuffix` is applied twice at the standard container
//! paths, image volumes are not rewritten, only `sha256` digests match, and an entry whose
//! name is not a valid expression crashes kubectl.

mod common;

use std::path::Path;

use common::*;
use pullcheck::testing::{ImageEntry, Placement, apply_images};

fn kubectl() -> bool {
    let found = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs kubectl (with kustomize)"
        );
        eprintln!("skipped: no kubectl to build kustomizations with");
    }
    found
}

/// The pod every case rewrites: container name, image, and where the image sits.
const CONTAINERS: &[(&str, &str, Placement)] = &[
    ("a", "nginx:1.25", Placement::FieldSpec),
    ("b", "nginx@sha256:aaaa", Placement::FieldSpec),
    ("c", "nginx:1.25@sha256:aaaa", Placement::FieldSpec),
    ("d", "docker.io/library/nginx:1.25", Placement::FieldSpec),
    ("e", "nginx-exporter:1", Placement::FieldSpec),
    ("f", "localhost:5000/nginx:1", Placement::FieldSpec),
    ("g", "nginx@sha512:bbbb", Placement::FieldSpec),
    ("h", "myXregistry/app:1", Placement::FieldSpec),
    ("i", "nginx", Placement::FieldSpec),
    ("x", "nginx:1", Placement::Elsewhere),
    ("t", "nginx:1", Placement::ContainersField),
];

fn manifests() -> String {
    let item = |(name, image, _): &(&str, &str, Placement)| {
        format!("    - {{name: {name}, image: \"{image}\"}}\n")
    };
    let pod: String = CONTAINERS[..8].iter().map(item).collect();
    let init = item(&CONTAINERS[8]);
    let ephemeral = item(&CONTAINERS[9]);
    let deep = format!("  {}", item(&CONTAINERS[10]));
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n{pod}  initContainers:\n{init}  ephemeralContainers:\n{ephemeral}---\napiVersion: example.com/v1\nkind: Thing\nmetadata: {{name: t}}\nspec:\n  deep:\n    containers:\n{deep}"
    )
}

/// The images kubectl builds, by container name.
fn built(dir: &Path, images: &str) -> Result<Vec<(String, String)>, String> {
    write(dir, "resources.yaml", &manifests());
    write(
        dir,
        "kustomization.yaml",
        &format!("resources: [resources.yaml]\nimages:\n{images}"),
    );
    let out = std::process::Command::new("kubectl")
        .args(["kustomize", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string());
    }
    // kubectl writes each container as `- image: …` then `name: …`.
    let mut found = Vec::new();
    let mut image = None;
    for line in text.lines() {
        let line = line.trim().trim_start_matches("- ");
        if let Some(value) = line.strip_prefix("image: ") {
            image = Some(value.trim_matches(['"', '\'']).to_string());
        } else if let Some(name) = line.strip_prefix("name: ")
            && let Some(image) = image.take()
        {
            found.push((name.to_string(), image));
        }
    }
    Ok(found)
}

#[test]
fn images_rewrite_as_kubectl_kustomize_does() {
    if !kubectl() {
        return;
    }
    let cases = [
        "  - {name: nginx, newTag: \"2\"}\n",
        "  - {name: nginx, digest: \"sha256:cccc\"}\n",
        "  - {name: nginx, newTag: \"2\", digest: \"sha256:cccc\"}\n",
        "  - {name: nginx, newName: mirror/nginx}\n",
        "  - {name: nginx, tagSuffix: \"-x\"}\n",
        "  - {name: my.registry/app, newTag: \"9\"}\n",
        "  - {name: nginx, newTag: \"2\"}\n  - {name: nginx, tagSuffix: \"-y\"}\n",
        "  - {name: nginx, newName: localhost:5000/nginx}\n  - {name: localhost:5000/nginx, newTag: \"3\"}\n",
    ];
    let mut wrong = Vec::new();
    for images in cases {
        let dir = tempfile::tempdir().unwrap();
        let kubectl = built(dir.path(), images).unwrap();
        let model = pullcheck::testing::build_kustomization(dir.path()).unwrap();
        let ours: Vec<(String, String)> = model
            .objects
            .iter()
            .flat_map(|o| &o.containers)
            .map(|c| (c.name.clone(), c.image.clone()))
            .collect();
        for (name, image, _) in CONTAINERS {
            let theirs = kubectl.iter().find(|(n, _)| n == name).map(|(_, i)| i);
            let mine = ours.iter().find(|(n, _)| n == name).map(|(_, i)| i);
            if theirs != mine {
                wrong.push(format!(
                    "{}{name}: {image} -> kubectl {theirs:?}, pullcheck {mine:?}",
                    images.trim()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // A name that is not a valid expression: kubectl crashes; the model refuses the build.
    let dir = tempfile::tempdir().unwrap();
    assert!(built(dir.path(), "  - {name: \"app[\", newTag: x}\n").is_err());
    assert!(pullcheck::testing::build_kustomization(dir.path()).is_err());
    // The placements, spelt out on the transformer itself.
    let suffix = ImageEntry {
        name: "nginx".into(),
        tag_suffix: Some("-x".into()),
        ..ImageEntry::default()
    };
    let at = |placement| apply_images(std::slice::from_ref(&suffix), "nginx:1", placement).unwrap();
    assert_eq!(at(Placement::FieldSpec), "nginx:1-x-x");
    assert_eq!(at(Placement::ContainersField), "nginx:1-x");
    assert_eq!(at(Placement::Elsewhere), "nginx:1");
}

/// Every root of `../shared/corpus/kustomize/ROOTS.txt` that `kubectl kustomize` builds
/// offline, built by kubectl and by pullcheck's model: the images of every container (by
/// object kind, list, container name) and every object's namespace must agree, except in
/// roots where the model declares a construct it does not follow (patches, replacements,
/// generators, …): those are counted and listed, never compared on a guess.
#[test]
#[ignore = "slow: kubectl builds 69 roots (about 9 s); `cargo test -- --include-ignored` and .ci/run run it"]
fn the_model_builds_the_corpus_roots_as_kubectl_does() {
    let Some(corpus) = shared("corpus/kustomize") else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    if !kubectl() {
        return;
    }
    let roots_file = std::fs::read_to_string(corpus.join("ROOTS.txt")).unwrap();
    let roots: Vec<&str> = roots_file
        .lines()
        .take_while(|l| !l.starts_with("# not buildable offline"))
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::trim)
        .collect();
    assert!(roots.len() > 50, "{} roots", roots.len());
    // kubectl is the slow part: two builds at a time.
    let built: Vec<(&str, std::process::Output)> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<&str>> = roots
            .chunks(roots.len().div_ceil(2))
            .map(<[&str]>::to_vec)
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let corpus = &corpus;
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|root| {
                            let out = std::process::Command::new("kubectl")
                                .args(["kustomize", root])
                                .current_dir(corpus)
                                .output()
                                .unwrap();
                            (root, out)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let (mut compared, mut not_followed, mut failed) = (0, Vec::new(), Vec::new());
    for (root, out) in built {
        assert!(out.status.success(), "{root}: kubectl failed");
        let kubectl_output = out.stdout.clone();
        let theirs = objects_in(&String::from_utf8(out.stdout).unwrap());
        let ours = match pullcheck::testing::build_kustomization(&corpus.join(root)) {
            Ok(build) => build,
            Err(error) => {
                failed.push(format!("{root}: the model could not build it: {error}"));
                continue;
            }
        };
        if !ours.not_followed.is_empty() {
            let what: Vec<&str> = ours.not_followed.iter().map(|n| n.what.as_str()).collect();
            not_followed.push(format!("{root} ({})", what.join("; ")));
            continue;
        }
        compared += 1;
        // The whole run, not only the model: `pullcheck images` on the root lists what
        // kubectl's rendering of it does.
        let kustomization = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .map(|name| format!("{root}/{name}"))
            .find(|path| corpus.join(path).is_file())
            .unwrap();
        let listed = run(&corpus, &["images", "--format", "plain", &kustomization]);
        let rendered = pullcheck(&corpus)
            .args(["images", "--format", "plain", "--allow-empty", "-"])
            .write_stdin(kubectl_output.clone())
            .output()
            .unwrap();
        if stdout(&listed) != stdout(&rendered) {
            failed.push(format!(
                "{root}: `pullcheck images` lists {:?}, kubectl renders {:?}",
                stdout(&listed),
                stdout(&rendered)
            ));
        }
        let (theirs, ours) = (summary(&theirs), summary(&ours.objects));
        if theirs != ours {
            let only_kubectl: Vec<_> = theirs
                .iter()
                .filter(|r| !ours.contains(r))
                .take(3)
                .collect();
            let only_model: Vec<_> = ours
                .iter()
                .filter(|r| !theirs.contains(r))
                .take(3)
                .collect();
            failed.push(format!(
                "{root}: kubectl only {only_kubectl:?}, model only {only_model:?}"
            ));
        }
    }
    eprintln!(
        "kustomize model: {compared} roots compared, {} not followed:\n  {}",
        not_followed.len(),
        not_followed.join("\n  ")
    );
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(compared >= 30, "only {compared} roots compared");
}

/// Builds `root` (a folder under `dir`) with `kubectl kustomize` and with the model, which must
/// follow everything in it and agree row for row; returns kubectl's output and its rows.
fn kubectl_agrees(dir: &Path, root: &str) -> (String, Vec<String>) {
    let out = std::process::Command::new("kubectl")
        .args(["kustomize", root])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let theirs = summary(&objects_in(&text));
    let model = pullcheck::testing::build_kustomization(&dir.join(root)).unwrap();
    assert!(model.not_followed.is_empty(), "{:?}", model.not_followed);
    assert_eq!(summary(&model.objects), theirs, "{text}");
    (text, theirs)
}

/// The objects of `kubectl kustomize` output, as the model describes them.
fn objects_in(text: &str) -> Vec<pullcheck::testing::BuiltObject> {
    let source = pullcheck::source::SourceFile::new("kubectl".into(), None, text.to_string());
    pullcheck::testing::parse_stream(&source)
        .iter()
        .filter_map(|d| {
            Some(pullcheck::testing::objects_of(
                &d.document,
                d.document.root()?,
                0,
            ))
        })
        .flatten()
        .collect()
}

/// One row per container (kind, namespace, list/name, image, pull policy) and one per pod spec
/// or ServiceAccount that names a ServiceAccount or pull secrets; sorted.
fn summary(objects: &[pullcheck::testing::BuiltObject]) -> Vec<String> {
    let mut rows: Vec<String> = objects
        .iter()
        .flat_map(|o| {
            let object = format!(
                "{} {}/{}",
                o.kind,
                o.namespace.as_deref().unwrap_or("-"),
                o.name
            );
            let credentials =
                (o.service_account.is_some() || !o.pull_secrets.is_empty()).then(|| {
                    format!(
                        "{object} serviceAccountName={} imagePullSecrets={:?}",
                        o.service_account.as_deref().unwrap_or("-"),
                        o.pull_secrets
                    )
                });
            o.containers
                .iter()
                .map(move |c| {
                    let policy = c.pull_policy.as_deref().unwrap_or("-");
                    format!("{object} {}/{} {} {policy}", c.list, c.name, c.image)
                })
                .chain(credentials)
        })
        .collect();
    rows.sort();
    rows
}

/// A base, a component and an overlay, as a GitOps repository lays them out: the overlay's
/// namespace and `images:` apply after the base's own `images:` and the component's, to
/// every object; cluster-scoped kinds keep no namespace; name prefixes stack, the overlay's
/// outside the base's.
#[test]
fn an_overlay_over_a_base_and_a_component() {
    if !kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "base/kustomization.yaml",
        "resources: [app.yaml, role.yaml, account.yaml]\nnamePrefix: b-\nimages:\n  - {name: nginx, newTag: \"1.25\"}\n",
    );
    write(
        d,
        "base/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      imagePullSecrets: [{name: regcred}, {name: elsewhere}]\n      initContainers: [{name: init, image: busybox}]\n      containers:\n        - {name: web, image: nginx}\n        - {name: cache, image: \"redis:7@sha256:aaaa\"}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: job, image: \"registry.corp/jobs/nightly:1\"}]\n",
    );
    write(
        d,
        "base/account.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nimagePullSecrets: [{name: regcred}]\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"registry.corp\": {\"auth\": \"dTpw\"}}}'\n",
    );
    write(
        d,
        "base/role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n",
    );
    write(
        d,
        "component/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - {name: busybox, newTag: \"1.36\"}\n  - {name: registry.corp/jobs/nightly, newName: mirror.corp/jobs/nightly}\n",
    );
    write(
        d,
        "overlay/kustomization.yaml",
        "resources: [../base]\ncomponents: [../component]\nnamespace: prod\nnamePrefix: prod-\nnameSuffix: -v1\nimages:\n  - {name: nginx, newTag: \"1.27\"}\n  - {name: redis, newTag: \"7.2\"}\n  - {name: mirror.corp/jobs/nightly, digest: \"sha256:bbbb\"}\n",
    );
    let (text, theirs) = kubectl_agrees(d, "overlay");
    // What the model computed, spelt out: the overlay's tag wins over the base's (the base
    // was built first), `newTag` on a digest-pinned image drops the digest, and the
    // component renamed the job image before the overlay pinned it.
    assert!(
        theirs.contains(&"Deployment prod/prod-b-web-v1 containers/web nginx:1.27 -".to_string()),
        "{theirs:?}"
    );
    assert!(
        theirs.contains(&"Deployment prod/prod-b-web-v1 containers/cache redis:7.2 -".to_string())
    );
    assert!(
        theirs.contains(
            &"CronJob prod/prod-b-nightly-v1 containers/job mirror.corp/jobs/nightly@sha256:bbbb -"
                .to_string()
        )
    );
    assert!(
        theirs.contains(
            &"Deployment prod/prod-b-web-v1 initContainers/init busybox:1.36 -".to_string()
        )
    );
    assert!(
        text.contains("kind: ClusterRole\nmetadata:\n  name: prod-b-r-v1\n"),
        "a cluster-scoped kind keeps no namespace, but takes the prefixes"
    );
    // The pod follows its renamed ServiceAccount and Secret; a reference to a Secret the build
    // does not hold keeps its name.
    assert!(
        theirs.contains(
            &"Deployment prod/prod-b-web-v1 serviceAccountName=prod-b-web-v1 imagePullSecrets=[\"prod-b-regcred-v1\", \"elsewhere\"]"
                .to_string()
        ),
        "{theirs:?}"
    );
    // The whole run: `pullcheck images` on the overlay lists what kubectl renders, and the
    // credentials resolve under the built names (the renamed Secret covers registry.corp).
    let listed = run(d, &["images", "--format", "plain", "overlay"]);
    let rendered = pullcheck(d)
        .args(["images", "--format", "plain", "-"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(stdout(&listed), stdout(&rendered));
    let linted = run(
        d,
        &[
            "--format",
            "json",
            "--enable",
            "pull-secret-not-found",
            "overlay",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&linted.stdout).unwrap();
    let found: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "pull-secret-not-found")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(found.len(), 1, "only `elsewhere` is missing: {found:?}");
    assert!(found[0].contains("`elsewhere`"), "{found:?}");
}

/// A finding about an image an overlay set points at the overlay's `images:` entry, with the
/// base's line as a related place and the root named; the same base finding reached through
/// two overlays is reported once, naming both. kubectl confirms what each overlay deploys.
#[test]
fn findings_point_at_the_line_that_set_the_image() {
    if !kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "base/kustomization.yaml", "resources: [app.yaml]\n");
    write(
        d,
        "base/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n        - name: sidecar\n          image: busybox\n",
    );
    write(
        d,
        "dev/kustomization.yaml",
        "resources: [../base]\nimages:\n  - name: nginx\n    newTag: latest\n",
    );
    write(
        d,
        "prod/kustomization.yaml",
        "resources: [../base]\nimages:\n  - name: nginx\n    newTag: \"1.27.3\"\n",
    );
    for (root, image) in [("dev", "nginx:latest"), ("prod", "nginx:1.27.3")] {
        let out = std::process::Command::new("kubectl")
            .args(["kustomize", root])
            .current_dir(d)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!("image: {image}\n")),
            "{root}: {text}"
        );
    }
    let out = run(d, &["--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let related: Vec<String> = d["related"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!("{}:{}", r["file"].as_str().unwrap_or("-"), r["line"]))
                .collect();
            format!(
                "{} {}:{} {} roots={} related={}",
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["image"].as_str().unwrap_or("-"),
                d["roots"],
                related.join(",")
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            // busybox has no tag in either build: one finding, both roots, at the base's line.
            r#"missing-tag base/app.yaml:11 busybox roots=["dev","prod"] related="#,
            // dev's entry sets `latest`: at the entry, the base's `image: nginx` related.
            r#"latest-tag dev/kustomization.yaml:4 nginx:latest roots=["dev"] related=base/app.yaml:9"#,
        ],
        "{found:#?}"
    );
    assert_eq!(json["summary"]["kustomize_builds"], 2);
}

/// Patches — a strategic-merge file, an inline block and JSON 6902 operations — set images,
/// pull policies, pull secrets and ServiceAccounts before `images:` runs; kubectl confirms the
/// build (including the order a strategic merge leaves a list in), and each finding points at
/// the line that set its value. (The inline patch's `busybox:latest` is replaced by the JSON
/// 6902 operation, so no finding is about it.)
#[test]
fn patches_set_values_and_findings_point_at_them() {
    if !kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "base/kustomization.yaml", "resources: [app.yaml]\n");
    write(
        d,
        "base/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n        - name: sidecar\n          image: busybox:1.36\n          imagePullPolicy: IfNotPresent\n",
    );
    write(
        d,
        "overlay/kustomization.yaml",
        "resources: [../base]\npatches:\n  - path: policy.yaml\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: web}\n      spec:\n        template:\n          spec:\n            containers:\n              - name: sidecar\n                image: busybox:latest\n  - target: {kind: Deployment, name: web}\n    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/image\n        value: registry.corp/nginx\nimages:\n  - name: registry.corp/nginx\n    newName: registry.corp/web\n",
    );
    write(
        d,
        "overlay/policy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: builder\n      imagePullSecrets: [{name: regcred}]\n      containers:\n        - name: web\n          imagePullPolicy: always\n",
    );
    let (_, theirs) = kubectl_agrees(d, "overlay");
    // The strategic merge lists its patch's containers first: `containers/0` is then the
    // sidecar, which the JSON 6902 operation replaces (and `images:` renames).
    assert_eq!(
        theirs,
        [
            "Deployment -/web containers/sidecar registry.corp/web IfNotPresent",
            "Deployment -/web containers/web nginx:1.25 always",
            r#"Deployment -/web serviceAccountName=builder imagePullSecrets=["regcred"]"#,
        ]
    );
    let out = run(
        d,
        &[
            "--format",
            "json",
            "--enable",
            "pull-secret-not-found",
            "overlay",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["rule"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            // `always` is not a pull policy: at policy.yaml's line.
            "invalid-pull-policy overlay/policy.yaml:11:28",
            // The sidecar's image, replaced by the JSON 6902 value and renamed by `images:`,
            // has no tag: at the entry that set it last (its base line is a related place).
            "missing-tag overlay/kustomization.yaml:21:14",
            // The policy the base writes, with that untagged image: at the base's line.
            "mutable-tag-if-not-present base/app.yaml:12:28",
            // The patch added the pull secret reference: at its name in policy.yaml.
            "pull-secret-not-found overlay/policy.yaml:8:33",
        ],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `secretGenerator`: a pull Secret generated from a Docker config file gets kustomize's hash
/// suffix (after the prefix), the pod's and the ServiceAccount's references follow it, and its
/// credentials are read from the file; `disableNameSuffixHash` (per entry or in
/// `generatorOptions`) keeps the name. kubectl confirms every name.
#[test]
fn generated_pull_secrets_are_named_and_read_as_kustomize_does() {
    if !kubectl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "app/config.json",
        "{\"auths\": {\"registry.corp\": {\"auth\": \"dTpw\"}}}\n",
    );
    write(
        d,
        "app/tokens.env",
        "# a comment\nTOKEN=abc\nOTHER=\"x y\"\n",
    );
    write(
        d,
        "app/kustomization.yaml",
        "resources: [app.yaml]\nnamePrefix: prod-\nsecretGenerator:\n  - name: regcred\n    type: kubernetes.io/dockerconfigjson\n    files: [.dockerconfigjson=config.json]\n  - name: tokens\n    envs: [tokens.env]\n    literals: [extra=\"quoted value\"]\n  - name: fixed\n    literals: [a=b]\n    options: {disableNameSuffixHash: true}\n",
    );
    write(
        d,
        "app/app.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\nimagePullSecrets: [{name: regcred}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      serviceAccountName: app\n      imagePullSecrets: [{name: regcred}, {name: tokens}, {name: fixed}]\n      containers: [{name: web, image: \"registry.corp/web:1.0\"}]\n",
    );
    let (text, _) = kubectl_agrees(d, "app");
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  name: prod-"))
        .collect();
    assert!(names.contains(&"fixed"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("regcred-") && n.len() == "regcred-".len() + 10),
        "{names:?}"
    );
    // The generated Secret covers registry.corp: `images` says the pod pulls with it.
    let listed = run(d, &["images", "--format", "json", "app"]);
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let credentials = json["images"][0]["credentials"].to_string();
    assert!(credentials.contains("prod-regcred-"), "{credentials}");
}

/// The pre-commit story: the changed-files hook runs `pullcheck --force-exclude --context .
/// CHANGED…`. A changed base file is linted as every root that includes it deploys it (the
/// roots are read for context), so the overlay's `latest` is reported and the base's untagged
/// image, which every overlay tags, is not; a changed overlay is linted as its whole build.
#[test]
fn a_changed_file_is_linted_through_the_roots_that_include_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "base/kustomization.yaml", "resources: [app.yaml]\n");
    write(
        d,
        "base/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n",
    );
    write(
        d,
        "overlays/dev/kustomization.yaml",
        "resources: [../../base]\nimages: [{name: nginx, newTag: latest}]\n",
    );
    write(
        d,
        "overlays/prod/kustomization.yaml",
        "resources: [../../base]\nimages: [{name: nginx, newTag: \"1.27.3\"}]\n",
    );
    let rules = |args: &[&str]| {
        let out = run(d, &[&["--format", "json"], args].concat());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let found: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["rule"].as_str().unwrap(),
                    d["file"].as_str().unwrap()
                )
            })
            .collect();
        (found, json["summary"]["kustomize_builds"].clone())
    };
    // The file as written would get missing-tag; what the overlays deploy is dev's `latest`.
    assert_eq!(
        rules(&["--kustomize", "off", "base/app.yaml"]).0,
        ["missing-tag base/app.yaml"]
    );
    assert_eq!(
        rules(&["--force-exclude", "--context", ".", "base/app.yaml"]),
        (
            vec!["latest-tag overlays/dev/kustomization.yaml".to_string()],
            serde_json::json!(2)
        )
    );
    assert_eq!(
        rules(&[
            "--force-exclude",
            "--context",
            ".",
            "overlays/prod/kustomization.yaml"
        ]),
        (Vec::new(), serde_json::json!(1))
    );
    // A base that no root of the run includes is linted as its own build.
    assert_eq!(rules(&["base"]).0, ["missing-tag base/app.yaml"]);
}
