//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `../shared/` folder beside the repository, when it is there. In CI (`CI` set) its
/// absence fails the test: a test that cannot look at its data must not pass.
pub fn shared(sub: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(sub);
    if path.exists() {
        Some(path)
    } else if std::env::var_os("CI").is_some() {
        panic!("{} is absent, and CI needs it", path.display());
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// The built binary, run in `dir` with colour off and a clean environment for the things it reads.
pub fn pullcheck(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pullcheck").expect("binary builds");
    // `COLUMNS` would change how wide human output and tables are.
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    pullcheck(dir).args(args).output().expect("runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// `(rule, file, line, column)` of every diagnostic of a JSON run.
pub fn findings(value: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    value["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// `rule` alone (`Settings::only`), with the `.pullcheck.yaml` keys of a fixture's or a doc
/// example's first line `# settings: {…}` applied.
pub fn settings_for(
    rule: &'static dyn pullcheck::rules::Rule,
    text: &str,
) -> pullcheck::settings::Settings {
    let mut settings = pullcheck::settings::Settings::only(rule);
    if let Some(header) = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# settings: "))
    {
        let source = pullcheck::source::SourceFile::new("settings".into(), None, header.into());
        let config = pullcheck::config::Config::parse(&source).expect("the settings line parses");
        config
            .apply(&mut settings)
            .expect("the settings line applies");
    }
    settings
}
