//! Broken and hostile input: pullcheck never panics, never hangs, never exhausts memory, never
//! loses a finding because a neighbour was broken, and says what went wrong and where.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

const POD: &str = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx, imagePullPolicy: Always}]\n";

fn lint_file(dir: &Path, name: &str, bytes: &[u8]) -> (Output, serde_json::Value) {
    std::fs::write(dir.join(name), bytes).unwrap();
    let out = run(dir, &["--format", "json", name]);
    assert_ne!(
        out.status.code(),
        Some(101),
        "{name} panicked: {}",
        stderr(&out)
    );
    let value = json(&out);
    (out, value)
}

fn rules_of(value: &serde_json::Value) -> Vec<String> {
    findings(value).into_iter().map(|f| f.0).collect()
}

fn first_message(value: &serde_json::Value) -> String {
    value["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn billion_laughs_is_refused_with_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..9 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        yaml.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    yaml.push_str(&format!("---\n{POD}"));
    let (_, value) = lint_file(dir.path(), "bomb.yaml", yaml.as_bytes());
    assert_eq!(rules_of(&value), vec!["parse-error", "missing-tag"]);
    assert!(first_message(&value).contains("excessive aliasing"));
}

#[test]
fn nesting_100000_deep_is_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let flow = format!("{}{}\n---\n{POD}", "[".repeat(100_000), "]".repeat(100_000));
    let (_, value) = lint_file(dir.path(), "flow.yaml", flow.as_bytes());
    assert_eq!(rules_of(&value), vec!["parse-error", "missing-tag"]);
    let block = format!("{}x\n---\n{POD}", "- ".repeat(100_000));
    let (_, value) = lint_file(dir.path(), "block.yaml", block.as_bytes());
    assert_eq!(rules_of(&value), vec!["parse-error", "missing-tag"]);
    assert!(first_message(&value).contains("nesting deeper than 10000"));
}

#[test]
fn text_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "kind: Pod\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let (out, value) = lint_file(dir.path(), "utf16.yaml", &utf16);
    assert_eq!(out.status.code(), Some(1));
    assert!(first_message(&value).contains("UTF-16"), "{value}");
    let (_, value) = lint_file(dir.path(), "latin1.yaml", b"kind: Pod\nname: caf\xe9\n");
    assert!(first_message(&value).contains("not UTF-8"));
}

#[test]
fn binary_files_are_skipped_when_walked_and_reported_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("blob.yaml"), b"\x7fELF\x00\x01\x02kind: Pod").unwrap();
    write(d, "pod.yaml", POD);
    let out = run(d, &["--format", "json"]);
    assert_eq!(rules_of(&json(&out)), vec!["missing-tag"]);
    assert!(
        stderr(&out).contains("note: skipped blob.yaml: a binary file"),
        "{}",
        stderr(&out)
    );
    let out = run(d, &["--format", "json", "blob.yaml"]);
    let value = json(&out);
    assert_eq!(rules_of(&value), vec!["parse-error"]);
    assert!(first_message(&value).contains("binary file"));
}

#[test]
fn empty_and_content_free_inputs_are_quiet() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("empty.yaml", ""),
        ("comments.yaml", "# only\n# comments\n"),
        ("marker.yaml", "---\n"),
        ("markers.yaml", "---\n---\n...\n---\n"),
        ("crlf.yaml", "---\r\n# x\r\n"),
    ] {
        let (out, value) = lint_file(dir.path(), name, text.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert!(findings(&value).is_empty(), "{name}: {value}");
    }
}

#[test]
fn tabs_used_for_indentation_are_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("kind: Pod\nspec:\n\tcontainers: []\n---\n{POD}");
    let (_, value) = lint_file(dir.path(), "tabs.yaml", text.as_bytes());
    assert_eq!(rules_of(&value), vec!["parse-error", "missing-tag"]);
    assert_eq!(value["diagnostics"][0]["line"], 3);
}

#[test]
fn a_50_mb_single_line_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::with_capacity(50 << 20);
    text.push_str(
        "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"big\", \"annotations\": {\"blob\": \"",
    );
    text.extend(std::iter::repeat_n('x', 50 << 20));
    text.push_str("\"}}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx\", \"imagePullPolicy\": \"Always\"}]}}");
    let (_, value) = lint_file(dir.path(), "big.json", text.as_bytes());
    assert_eq!(rules_of(&value), vec!["missing-tag"]);
    assert_eq!(value["diagnostics"][0]["line"], 1);
}

#[test]
fn one_million_empty_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "---\n".repeat(1_000_000);
    text.push_str(POD);
    let (_, value) = lint_file(dir.path(), "many.yaml", text.as_bytes());
    assert_eq!(rules_of(&value), vec!["missing-tag"]);
    assert_eq!(value["diagnostics"][0]["line"], 1_000_004);
}

#[test]
fn a_document_with_100000_containers() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for i in 0..100_000 {
        text.push_str(&format!(
            "    - {{name: c{i}, image: nginx:1.27, imagePullPolicy: IfNotPresent}}\n"
        ));
    }
    text.push_str("    - {name: last, image: nginx, imagePullPolicy: Always}\n");
    let (_, value) = lint_file(dir.path(), "wide.yaml", text.as_bytes());
    assert_eq!(value["summary"]["containers"], 100_001);
    assert_eq!(rules_of(&value), vec!["missing-tag"]);
}

#[test]
fn a_broken_document_or_file_hides_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.yaml", &format!("{POD}---\nkind: [\n---\n{POD}"));
    std::fs::write(d.join("b.yaml"), b"\xff\xfe\x00garbage").unwrap();
    write(
        d,
        "c.yaml",
        "kind: Pod\nspec: {containers: [{name: c, image: \"{{ .Values.x }}\"}]}\n",
    );
    write(d, "d.yaml", POD);
    let value = json(&run(
        d,
        &["--format", "json", "a.yaml", "b.yaml", "c.yaml", "d.yaml"],
    ));
    let found: Vec<(String, String)> = findings(&value).into_iter().map(|f| (f.1, f.0)).collect();
    let expect = [
        ("a.yaml", "missing-tag"),
        ("a.yaml", "parse-error"),
        ("a.yaml", "missing-tag"),
        ("b.yaml", "parse-error"),
        ("c.yaml", "invalid-image"),
        ("d.yaml", "missing-tag"),
    ];
    let found: Vec<(&str, &str)> = found
        .iter()
        .filter(|(_, r)| r != "implicit-pull-policy")
        .map(|(f, r)| (f.as_str(), r.as_str()))
        .collect();
    assert_eq!(found, expect);
}

#[cfg(unix)]
#[test]
fn links_loops_fifos_and_sockets_in_a_walked_tree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/pod.yaml", POD);
    std::os::unix::fs::symlink(d.join("k8s"), d.join("k8s/loop")).unwrap();
    std::os::unix::fs::symlink(d.join("k8s/pod.yaml"), d.join("linked.yaml")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("k8s/fifo.yaml"))
        .status();
    let _socket = std::os::unix::net::UnixListener::bind(d.join("k8s/socket.yaml")).unwrap();
    let out = run(d, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let files: Vec<String> = findings(&json(&out)).into_iter().map(|f| f.1).collect();
    // The symlinked file is linted; the directory link (a loop) is not followed; the FIFO and
    // the socket are skipped, so nothing blocks.
    assert_eq!(files, vec!["k8s/pod.yaml", "linked.yaml"]);
    if fifo.is_ok_and(|s| s.success()) {
        assert!(!files.iter().any(|f| f.contains("fifo")));
    }
}

#[test]
fn a_file_that_disappears_between_walking_and_reading() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gone.yaml", POD);
    let found = pullcheck::input::discover(
        &[dir.path().display().to_string()],
        &[],
        false,
        "<stdin>",
        1,
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("gone.yaml")).unwrap();
    let error = pullcheck::input::load(&found.inputs[0], u64::MAX)
        .err()
        .expect("read fails");
    assert!(
        error.contains("gone.yaml") && error.contains("no such file"),
        "{error}"
    );
}

#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", POD);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pullcheck"))
        .args(["--format", "json", "pod.yaml"])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write output"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn no_hostile_fixture_or_corpus_file_makes_an_internal_error() {
    let Some(corpus) = shared("corpus") else {
        return;
    };
    for dir in [
        corpus,
        root().join("tests/fixtures"),
        root().join("examples"),
    ] {
        let out = run(
            &dir,
            &[
                "--format",
                "json",
                "--enable",
                "digest-not-pinned",
                "--enable",
                "pull-secret-not-found",
                ".",
            ],
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            dir.display(),
            stderr(&out)
        );
        let value = json(&out);
        assert!(!rules_of(&value).iter().any(|r| r == "internal-error"));
    }
}

/// Minified JSON (`kubectl get -o json | jq -c`): findings past column 65,535 made miette panic.
/// The human report shows a window of the line, at the real column, and its size is bounded.
#[test]
fn findings_on_a_very_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pods: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}","labels":{{"pad":"{}"}}}},"spec":{{"containers":[{{"name":"c","image":"nginx"}}]}}}}"#,
                "x".repeat(200)
            )
        })
        .collect();
    let text = format!(
        r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#,
        pods.join(",")
    );
    write(d, "list.json", &text);
    let out = run(d, &["--color", "never", "--quiet", "list.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let printed = stdout(&out);
    // `--quiet`: the 500 findings and nothing else (no per-rule table, no summary line).
    assert_eq!(printed.matches("missing-tag").count(), 500);
    assert!(!printed.contains("500 files") && !printed.contains(" 500  warning"));
    // The last pod's image is far past column 65,535; the header says where.
    let last = text.rfind("\"image\":\"nginx\"").unwrap() + "\"image\":".len();
    assert!(last > 65_535);
    assert!(
        printed.contains(&format!("list.json:1:{}]", last + 1)),
        "{}",
        &printed[printed.len() - 2000..]
    );
    // A window of the line, not the line: far less than 500 copies of 110 KB.
    assert!(printed.len() < 500 * 2_000, "{} bytes", printed.len());
    assert!(printed.lines().all(|l| l.chars().count() < 400));
}

/// Names, images and lines from the input reach terminals and CI logs: control characters are
/// written as escapes in every text output and on stderr, so no `ESC ]52` clipboard write, no
/// screen clear and no newline that starts a `::error` workflow command gets through.
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let manifest = "kind: Pod\nmetadata: {name: \"p\\e]52;c;ZXZpbA==\\a\"}\nspec:\n  containers:\n    - {name: \"c\\u0085x\", image: \"nginx\\e[2J\"}\n    - {name: d, image: \"app\\n::error::injected\"}\n";
    #[cfg(unix)]
    let name = "x\n::error::from-name\u{1b}[31m.yaml";
    #[cfg(not(unix))]
    let name = "x.yaml";
    write(d, name, manifest);
    write(d, "bin/\u{1b}]8;;link.yaml", "\u{0}\u{1}binary");
    let colour = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    for args in [
        &["--format", "human", "--color", "always"][..],
        &["--format", "compact"],
        &["--format", "github"],
        &["images"],
    ] {
        let out = run(d, args);
        assert_ne!(out.status.code(), Some(101));
        let printed = format!("{}{}", stdout(&out), stderr(&out));
        // Colour codes are pullcheck's own (`ESC [ … m`); no other escape sequence, no BEL.
        let without_colour = colour.replace_all(&printed, "");
        for forbidden in ['\u{1b}', '\u{7}', '\u{85}'] {
            assert!(
                !without_colour.contains(forbidden),
                "{args:?}: {forbidden:?} printed:\n{printed}"
            );
        }
        assert!(
            !printed.lines().any(|l| l.starts_with("::error::")),
            "{args:?}: a line starts a workflow command:\n{printed}"
        );
    }
}

/// CLI edges that panicked or ran away: a full disk for completions, absurd thread counts, and
/// inputs that never end.
#[test]
fn cli_edges_end_with_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "pod.yaml", POD);
    #[cfg(target_os = "linux")]
    {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pullcheck"))
            .current_dir(d)
            .args(["completions", "bash"])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }
    for threads in ["18446744073709551615", "100000"] {
        let out = run(d, &["--threads", threads, "--format", "json", "pod.yaml"]);
        assert_eq!(out.status.code(), Some(1), "{threads}: {}", stderr(&out));
        assert!(stderr(&out).contains("per core; using"), "{}", stderr(&out));
    }
    #[cfg(target_os = "linux")]
    {
        let out = run(d, &["--max-input-size", "1M", "/dev/zero"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("larger than 1048576 bytes, the input size limit"),
            "{}",
            stderr(&out)
        );
        let zero = std::fs::File::open("/dev/zero").unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pullcheck"))
            .current_dir(d)
            .args(["--max-input-size", "64K", "-"])
            .stdin(zero)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    }
    write(d, "big.yaml", &POD.repeat(100));
    let out = run(d, &["--max-input-size", "1K", "big.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(d, &["--max-input-size", "lots", "big.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a number of bytes"),
        "{}",
        stderr(&out)
    );
}

/// A folder the walk cannot read hides its manifests: the run fails (exit 2) instead of
/// passing on what it could see. As root (CI), the run drops to `nobody` with `setpriv`, since
/// root reads every folder.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_fails_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(d, "ok/pod.yaml", POD);
    write(d, "locked/pod.yaml", POD);
    std::fs::set_permissions(d.join("ok"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        d.join("ok/pod.yaml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("pullcheck");
    let root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    let mut command = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        c
    } else {
        std::process::Command::new(&binary)
    };
    let out = command
        .current_dir(d)
        .args(["--format", "json", "."])
        .output()
        .expect("setpriv runs");
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    // What could be read is still reported.
    assert_eq!(json(&out)["summary"]["files"], 1);
}

/// One file is one input: named twice, through another path, or found by two walks. Names
/// that are not UTF-8 stay apart, and `--stdin-filename` does not hide a file of that name.
#[cfg(unix)]
#[test]
fn inputs_are_identified_by_their_real_path() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "k8s/pod.yaml", POD);
    let absolute = d.join("k8s").display().to_string();
    for args in [
        vec!["k8s", absolute.as_str()],
        vec!["./k8s/pod.yaml", "k8s/pod.yaml"],
        vec!["k8s", "k8s/pod.yaml"],
    ] {
        let mut all = vec!["--format", "json"];
        all.extend(&args);
        let value = json(&run(d, &all));
        assert_eq!(value["summary"]["files"], 1, "{args:?}");
        assert_eq!(findings(&value).len(), 1, "{args:?}");
    }
    let odd = d.join("odd");
    std::fs::create_dir(&odd).unwrap();
    for byte in [0xff_u8, 0xfe] {
        let bytes = [b'x', byte, b'.', b'y', b'a', b'm', b'l'];
        std::fs::write(odd.join(std::ffi::OsStr::from_bytes(&bytes)), POD).unwrap();
    }
    let value = json(&run(d, &["--format", "json", "odd"]));
    let mut files: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(files, vec!["odd/x\\xfe.yaml", "odd/x\\xff.yaml"]);
    let sarif = json(&run(d, &["--format", "sarif", "odd"]));
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "odd/x%FE.yaml");
    let out = pullcheck(d)
        .args([
            "--format",
            "json",
            "--stdin-filename",
            "k8s/pod.yaml",
            "-",
            "k8s/pod.yaml",
        ])
        .write_stdin(POD)
        .output()
        .unwrap();
    assert_eq!(json(&out)["summary"]["files"], 2);
}

/// Shapes that were quadratic (bench/hostile.py times them): many keys in a container, a
/// nodeSelector and pullcheck annotations, and a Secret with thousands of registries. The
/// results stay right (the last value of a repeated key wins, as in go-yaml) and messages name
/// a few registries, not all of them.
#[test]
fn many_keys_stay_linear_and_messages_stay_short() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 20_000;
    let mut pod = String::from("kind: Pod\nmetadata:\n  name: p\n  annotations:\n");
    for i in 0..n {
        pod.push_str(&format!("    pullcheck.dev/k{i}: v\n"));
    }
    pod.push_str("    pullcheck.dev/preloaded: \"false\"\n    pullcheck.dev/preloaded: \"true\"\nspec:\n  nodeSelector:\n");
    for i in 0..n {
        pod.push_str(&format!("    k{i}: v\n"));
    }
    pod.push_str(
        "  containers:\n    - name: c\n      image: local/app:1\n      imagePullPolicy: Never\n",
    );
    for i in 0..n {
        pod.push_str(&format!("      k{i}: v\n"));
    }
    write(d, "pod.yaml", &pod);
    let value = json(&run(
        d,
        &["--format", "json", "--disable", "duplicate-key", "pod.yaml"],
    ));
    // The last `preloaded` annotation says "true": never-without-preload is quiet.
    assert!(findings(&value).is_empty(), "{value}");

    let auths: Vec<String> = (0..5_000)
        .map(|i| format!("\"registry{i}.corp\": {{\"auth\": \"dTpw\"}}"))
        .collect();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: many}}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{{\"auths\": {{{}}}}}'\n---\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  imagePullSecrets: [{{name: many}}]\n  containers: [{{name: c, image: 'other.corp/app:1'}}]\n",
        auths.join(", ")
    );
    write(d, "secret.yaml", &secret);
    let value = json(&run(d, &["--format", "json", "secret.yaml"]));
    let help = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "pull-secret-registry-mismatch")
        .expect("mismatch reported")["help"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(help.contains("4992 more"), "{help}");
    assert!(help.len() < 1_000, "{} bytes", help.len());
}

/// Kustomizations that include each other in a cycle, or the same base twice at every level
/// (2^40 ways down, with and without objects), end with a `kustomize-build-error` at once; a
/// resource outside the kustomization's folder (`/etc/passwd`) is neither built nor read.
#[test]
fn hostile_kustomizations_end_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "cycle/a/kustomization.yaml", "resources: [../b]\n");
    write(d, "cycle/b/kustomization.yaml", "resources: [../a]\n");
    for (name, pod) in [("empty", false), ("full", true)] {
        for level in 0..40 {
            let next = format!("../k{}", level + 1);
            write(
                d,
                &format!("{name}/k{level}/kustomization.yaml"),
                &format!("resources: [{next}, {next}/]\n"),
            );
        }
        let last = if pod {
            "resources: [pod.yaml]\n"
        } else {
            "{}\n"
        };
        write(d, &format!("{name}/k40/kustomization.yaml"), last);
        write(d, &format!("{name}/k40/pod.yaml"), POD);
    }
    write(
        d,
        "outside/kustomization.yaml",
        "resources: [/etc/passwd]\n",
    );
    for root in ["cycle/a", "empty/k0", "full/k0", "outside"] {
        let out = run(d, &["--format", "json", root]);
        assert_ne!(out.status.code(), Some(101), "{root}: {}", stderr(&out));
        let value = json(&out);
        let rules = rules_of(&value);
        assert!(
            rules.contains(&"kustomize-build-error".to_string()),
            "{root}: {rules:?}"
        );
    }
    let out = run(d, &["--format", "json", "outside"]);
    assert!(!stdout(&out).contains("root:"), "{}", stdout(&out));
}
