//! Generates one `#[test]` per rule fixture (`tests/fixtures/rules/*.yaml`) for `tests/rules.rs`,
//! so a new fixture is a new test without a line to add, and a failure names its fixture.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new("tests/fixtures/rules");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|name| name.strip_suffix(".yaml").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    stems.sort();
    let mut tests = String::new();
    for stem in stems {
        let ident: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let _ = writeln!(
            tests,
            "#[test]\nfn {ident}() {{\n    check_fixture({stem:?});\n}}"
        );
    }
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("rule_fixtures.rs");
    std::fs::write(out, tests).expect("OUT_DIR is writable");
}
