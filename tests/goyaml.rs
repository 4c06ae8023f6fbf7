//! Kubernetes decodes manifests with go-yaml v2 (`sigs.k8s.io/yaml.YAMLToJSON`, documents split
//! by apimachinery's YAMLReader). `scripts/goyaml-verdicts` is that decoder, built from Debian's
//! `golang-k8s-sigs-yaml-dev` and `golang-gopkg-yaml.v2-dev`; these tests hold pullcheck's
//! parse verdicts to it, on handwritten cases (`tests/data/goyaml-cases/`) and on every file of
//! `../shared/corpus`. In CI (`CI` set) a missing Go toolchain or package fails the tests; on a
//! developer's machine they are skipped with a message.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;

/// Builds the oracle once per test binary, into `target/`.
fn oracle() -> Option<PathBuf> {
    static BUILT: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let out_dir = root().join("target/goyaml-verdicts");
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        let binary = out_dir.join("goyaml-verdicts");
        let status = std::process::Command::new("go")
            .args(["build", "-o"])
            .arg(&binary)
            .arg("main.go")
            .current_dir(root().join("scripts/goyaml-verdicts"))
            .env("GO111MODULE", "off")
            .env("GOPATH", "/usr/share/gocode")
            .env("GOCACHE", out_dir.join("cache"))
            .env("GOFLAGS", "")
            .output()
            .map_err(|e| format!("go: {e}"))?;
        if !status.status.success() {
            return Err(String::from_utf8_lossy(&status.stderr).into_owned());
        }
        Ok(binary)
    });
    match built {
        Ok(binary) => Some(binary.clone()),
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!(
                "the go-yaml oracle does not build (install golang-go, golang-k8s-sigs-yaml-dev, golang-gopkg-yaml.v2-dev): {why}"
            )
        }
        Err(why) => {
            eprintln!("skipped: the go-yaml oracle does not build: {why}");
            None
        }
    }
}

/// The oracle's verdict per file: `None` when it decodes, else the error.
fn verdicts(oracle: &Path, dir: &Path, files: &[String]) -> BTreeMap<String, Option<String>> {
    let mut found = BTreeMap::new();
    for chunk in files.chunks(500) {
        let out = std::process::Command::new(oracle)
            .args(chunk)
            .current_dir(dir)
            .output()
            .expect("the oracle runs");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["ok", path] => found.insert(path.to_string(), None),
                ["error", path, _, message] => {
                    found.insert(path.to_string(), Some(message.to_string()))
                }
                _ => panic!("unexpected oracle line: {line}"),
            };
        }
    }
    found
}

/// Files of a pullcheck JSON run with a parse error.
fn rejected(value: &serde_json::Value) -> BTreeSet<String> {
    findings(value)
        .into_iter()
        .filter(|f| f.0 == "parse-error")
        .map(|f| f.1)
        .collect()
}

fn case_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    files
}

/// Every handwritten case: pullcheck rejects a file exactly when go-yaml does.
#[test]
fn handwritten_cases_parse_like_go_yaml() {
    let Some(oracle) = oracle() else {
        return;
    };
    let dir = root().join("tests/data/goyaml-cases");
    let files = case_files(&dir);
    let go = verdicts(&oracle, &dir, &files);
    assert_eq!(go.len(), files.len());
    let mut args = vec!["--format", "json", "--fail-on", "never", "--lint-templates"];
    args.extend(files.iter().map(String::as_str));
    let ours = rejected(&json(&run(&dir, &args)));
    let disagreements: Vec<String> = go
        .iter()
        .filter(|(file, verdict)| verdict.is_some() != ours.contains(*file))
        .map(|(file, verdict)| {
            format!(
                "{file}: go-yaml {verdict:?}, pullcheck rejects: {}",
                ours.contains(file)
            )
        })
        .collect();
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// go-yaml v2 applies `<<` where it is written: a merge after an explicit key overrides it, and
/// in `<<: [*a, *b]` the earlier mapping wins (`decoder.merge`). The pull policy pullcheck
/// reads is the one go-yaml decodes.
#[test]
fn merge_keys_decode_like_go_yaml() {
    let dir = root().join("tests/data/goyaml-cases");
    for (file, policy) in [
        ("merge-after-explicit.yaml", "Never"),
        ("merge-list-order.yaml", "Never"),
    ] {
        let value = json(&run(&dir, &["images", "--format", "json", file]));
        assert_eq!(
            value["images"][0]["pull_policies"],
            serde_json::json!([policy]),
            "{file}"
        );
    }
    let Some(oracle) = oracle() else {
        return;
    };
    for file in ["merge-after-explicit.yaml", "merge-list-order.yaml"] {
        let out = std::process::Command::new(&oracle)
            .args(["-json", file])
            .current_dir(&dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("\"imagePullPolicy\":\"Never\",\"name\":\"c\""),
            "{file}: {text}"
        );
    }
}

/// The corpus's files with one of `extensions`, relative to it, sorted.
fn corpus_files(corpus: &Path, extensions: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![corpus.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                let relative = path.strip_prefix(corpus).unwrap();
                files.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    files
}

/// Every file of the corpus: pullcheck rejects exactly the files go-yaml rejects.
#[test]
fn the_corpus_parses_like_go_yaml() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    let Some(oracle) = oracle() else {
        return;
    };
    let files = corpus_files(&corpus, &["yaml", "yml", "json"]);
    let go = verdicts(&oracle, &corpus, &files);
    let go_rejects: BTreeSet<String> = go
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(f, _)| f.clone())
        .collect();
    let ours = rejected(&json(&run(
        &corpus,
        &[
            "--format",
            "json",
            "--fail-on",
            "never",
            "--lint-templates",
            ".",
        ],
    )));
    let only_go: Vec<String> = go_rejects
        .difference(&ours)
        .map(|f| format!("{f}: {}", go[f].as_deref().unwrap_or("")))
        .collect();
    let only_ours: Vec<&String> = ours.difference(&go_rejects).collect();
    assert!(
        only_go.is_empty() && only_ours.is_empty(),
        "go-yaml rejects, pullcheck accepts: {only_go:#?}\npullcheck rejects, go-yaml accepts: {only_ours:#?}"
    );
    assert!(go_rejects.len() > 30, "{}", go_rejects.len());
}

/// The one known difference: saphyr-parser counts flow nesting in a byte and stops at 255;
/// go-yaml accepts 300 levels (and up to 10,000). pullcheck says so rather than report a plain
/// syntax error.
#[test]
fn flow_nesting_past_255_is_the_known_difference() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "kind: ConfigMap\nmetadata: {{name: deep}}\nx: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    write(dir.path(), "deep.yaml", &text);
    let value = json(&run(
        dir.path(),
        &["--format", "json", "--fail-on", "never", "deep.yaml"],
    ));
    assert_eq!(rejected(&value).len(), 1);
    let message = value["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("more than 255 deep") && message.contains("10,000"),
        "{message}"
    );
    if let Some(oracle) = oracle() {
        let go = verdicts(&oracle, dir.path(), &["deep.yaml".to_string()]);
        assert_eq!(go["deep.yaml"], None, "go-yaml accepts it");
    }
}

/// A JSON scalar as the text pullcheck reads from the YAML scalar it came from.
fn scalar(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

const WORKLOADS: [&str; 7] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

/// What `pullcheck::testing::fast_path_facts` lists, read from go-yaml's JSON of a document
/// (the pod spec found the way `k8s::extract` finds it).
fn go_facts(doc: &serde_json::Value) -> Vec<String> {
    let mut facts = Vec::new();
    let secrets = |owner: &serde_json::Value, facts: &mut Vec<String>| {
        for item in owner["imagePullSecrets"].as_array().into_iter().flatten() {
            if let Some(name) = item.get("name").and_then(scalar).filter(|n| !n.is_empty()) {
                facts.push(format!("pull secret {name}"));
            }
        }
    };
    let kind = doc["kind"].as_str().unwrap_or_default();
    if kind == "ServiceAccount" {
        if doc["metadata"]["name"].as_str().is_some() {
            secrets(doc, &mut facts);
        }
        return facts;
    }
    let spec = match kind {
        "Pod" => doc.get("spec"),
        "PodTemplate" => doc.get("template").and_then(|t| t.get("spec")),
        // A known workload's template is a pod template whatever it holds; another kind's is
        // taken for one when it holds a container list (`extract::extract_object`).
        _ => [
            &doc["spec"]["template"],
            &doc["spec"]["jobTemplate"]["spec"]["template"],
        ]
        .into_iter()
        .filter_map(|template| template.get("spec"))
        .find(|spec| {
            WORKLOADS.contains(&kind)
                || [
                    "containers",
                    "initContainers",
                    "ephemeralContainers",
                    "volumes",
                ]
                .iter()
                .any(|list| spec.get(list).is_some())
        }),
    };
    let Some(spec) = spec.filter(|s| s.is_object()) else {
        return facts;
    };
    let policy = |v: &serde_json::Value| scalar(v).filter(|p| !p.is_empty());
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        for item in spec[list].as_array().into_iter().flatten() {
            if item.is_object() {
                facts.push(format!(
                    "{list} name={:?} image={:?} policy={:?}",
                    scalar(&item["name"]),
                    scalar(&item["image"]),
                    policy(&item["imagePullPolicy"])
                ));
            }
        }
    }
    for volume in spec["volumes"].as_array().into_iter().flatten() {
        let image = &volume["image"];
        if image.is_object() {
            facts.push(format!(
                "volumes name={:?} image={:?} policy={:?}",
                scalar(&volume["name"]),
                scalar(&image["reference"]),
                policy(&image["pullPolicy"])
            ));
        }
    }
    secrets(spec, &mut facts);
    let account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|key| scalar(&spec[*key]).filter(|name| !name.is_empty()));
    if let Some(account) = account {
        facts.push(format!("service account {account}"));
    }
    facts
}

/// The fast path (`src/yaml/skim.rs`) against go-yaml itself, not only against saphyr: on every
/// corpus document it reads, the containers' images, names and pull policies, the pull secrets
/// and the ServiceAccount are the values Kubernetes' decoder gives.
#[test]
fn the_fast_path_reads_workloads_like_go_yaml() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    let Some(oracle) = oracle() else {
        return;
    };
    let files = corpus_files(&corpus, &["yaml", "yml"]);
    let (mut documents, mut facts_compared, mut files_skipped) = (0, 0, 0);
    let mut disagreements = Vec::new();
    for chunk in files.chunks(500) {
        let out = std::process::Command::new(&oracle)
            .arg("-json")
            .args(chunk)
            .current_dir(&corpus)
            .output()
            .expect("the oracle runs");
        // `ok PATH` then a tab-indented JSON line per document; files with an error are left.
        let mut decoded: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(json) = line.strip_prefix('\t') {
                if let Some(file) = &current {
                    let value = serde_json::from_str(json).expect("the oracle prints JSON");
                    decoded.get_mut(file).unwrap().push(value);
                }
            } else if let Some(path) = line.strip_prefix("ok\t") {
                decoded.insert(path.to_string(), Vec::new());
                current = Some(path.to_string());
            } else {
                current = None;
            }
        }
        for (file, docs) in decoded {
            let text = std::fs::read_to_string(corpus.join(&file)).unwrap();
            let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
            let pieces = pullcheck::testing::document_ranges(&text, start);
            if pieces.len() != docs.len() {
                // The two split comment-only documents differently: nothing to pair up.
                files_skipped += 1;
                continue;
            }
            for ((s, e), doc) in pieces.into_iter().zip(&docs) {
                let Some(mine) = pullcheck::testing::fast_path_facts(&text[s..e]) else {
                    continue;
                };
                documents += 1;
                facts_compared += mine.len();
                let theirs = go_facts(doc);
                if mine != theirs {
                    disagreements.push(format!(
                        "{file} at byte {s}:\n  fast path {mine:?}\n  go-yaml   {theirs:?}"
                    ));
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} documents read differently:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(8)].join("\n")
    );
    eprintln!(
        "{documents} documents read by the fast path, {facts_compared} facts as go-yaml decodes them ({files_skipped} files split differently, left)"
    );
    assert!(
        documents > 2000 && facts_compared > 2000,
        "{documents} documents, {facts_compared} facts"
    );
}
