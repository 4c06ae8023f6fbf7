//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF consumers. One run;
//! every rule described in `tool.driver.rules`; results with physical locations and
//! `partialFingerprints` that survive lines moving (they hash what a finding is about, not where
//! it is).

use std::collections::HashMap;
use std::io::{self, Write};

mod schema;

use schema::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RuleMeta};
use crate::run::Run;
use crate::source::SourceFile;

const INFORMATION_URI: &str = "https://github.com/pullcheck/pullcheck";

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    // Every diagnostic's rule is in the list (`internal-error` and `config` too), so every
    // result has a `ruleIndex`.
    let metas: Vec<&RuleMeta> = rules::documented().collect();
    let tool = Tool {
        driver: Driver {
            information_uri: INFORMATION_URI,
            name: "pullcheck",
            rules: metas.iter().map(|m| rule(m)).collect(),
            version: env!("CARGO_PKG_VERSION"),
        },
    };
    // Suppressed findings are results too, marked: SARIF consumers show or hide them.
    let mut all: Vec<&Diagnostic> = run.diagnostics.iter().chain(&run.suppressed).collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let fingerprints = fingerprints(&all, &run.files);
    // Results are streamed one per line rather than built into one tree: 20,000 of them would
    // otherwise hold hundreds of megabytes.
    write!(
        out,
        "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{{\n    \"tool\": "
    )?;
    serde_json::to_writer(&mut *out, &tool)?;
    write!(
        out,
        ",\n    \"columnKind\": \"unicodeCodePoints\",\n    \"properties\": "
    )?;
    let properties = RunProperties {
        configuration: run.config_file.as_deref(),
    };
    serde_json::to_writer(&mut *out, &properties)?;
    write!(out, ",\n    \"results\": [")?;
    let numbered: Vec<(usize, &Diagnostic)> = all.into_iter().enumerate().collect();
    super::write_each(&numbered, out, |&(i, d)| {
        let index = metas.iter().position(|m| *m == d.rule);
        let mut text = Vec::with_capacity(1024);
        text.extend_from_slice(if i == 0 { b"\n      " } else { b",\n      " });
        let fingerprint = fingerprints[i].clone();
        serde_json::to_writer(&mut text, &result(d, &run.files, index, fingerprint))?;
        Ok(text)
    })?;
    writeln!(out, "\n    ]\n  }}]\n}}")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(meta: &RuleMeta) -> ReportingDescriptor<'_> {
    let markdown = meta.markdown();
    ReportingDescriptor {
        default_configuration: Configuration {
            enabled: meta.enabled_by_default,
            level: level(meta.severity),
        },
        full_description: Text {
            text: first_paragraph(&markdown),
        },
        help: Help {
            text: markdown.clone(),
            markdown,
        },
        id: meta.name,
        name: meta.name,
        short_description: Text { text: meta.summary },
    }
}

/// The first paragraph of the "What it finds" section.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .find(|p| !p.starts_with('#') && !p.starts_with("Default severity"))
        .unwrap_or("")
        .replace('\n', " ")
}

fn result<'a>(
    d: &'a Diagnostic,
    files: &[SourceFile],
    rule_index: Option<usize>,
    fingerprint: String,
) -> SarifResult<'a> {
    let file = &files[d.file];
    let start = file.position(d.span.start);
    let end = file.end_position(d.span);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\n\n");
        text.push_str(help);
    }
    let at_in = |file: &SourceFile, region| PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: file_uri(file),
        },
        region: Some(region),
    };
    let at = |region| at_in(file, region);
    let mut related: Vec<Location> = d
        .related
        .iter()
        .map(|r| {
            let file = &files[r.file];
            let start = file.position(r.span.start);
            Location {
                id: None,
                message: Some(Text { text: &r.label }),
                physical_location: at_in(
                    file,
                    Region {
                        end_column: None,
                        end_line: None,
                        start_column: start.column,
                        start_line: start.line,
                    },
                ),
            }
        })
        .collect();
    if let Some(template) = &d.helm_source {
        related.push(Location {
            id: None,
            message: Some(Text {
                text: "the Helm template this manifest was rendered from",
            }),
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(template) },
                region: None,
            },
        });
    }
    for (id, location) in related.iter_mut().enumerate() {
        location.id = Some(id + 1);
    }
    SarifResult {
        level: level(d.severity),
        locations: [Location {
            id: None,
            message: None,
            physical_location: at(Region {
                end_column: Some(
                    end.column
                        .max(start.column + usize::from(end.line == start.line)),
                ),
                end_line: Some(end.line),
                start_column: start.column,
                start_line: start.line,
            }),
        }],
        message: Text { text },
        partial_fingerprints: Fingerprints { v1: fingerprint },
        properties: d
            .helm_source
            .as_deref()
            .map(|helm_source| ResultProperties { helm_source }),
        related_locations: related,
        rule_id: d.rule.name,
        rule_index,
        suppressions: d.suppression.as_ref().map(|s| {
            [Suppression {
                justification: s.justification.as_deref(),
                kind: "inSource",
            }]
        }),
    }
}

/// One fingerprint per result, unique in the run and stable when lines move: what the finding
/// is about, and, when two results are about the same (an object defined twice in one file),
/// which of them it is, counted in file order. Code scanning merges results that share one.
fn fingerprints(all: &[&Diagnostic], files: &[SourceFile]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    all.iter()
        .map(|d| {
            let key = fingerprint_key(d, &files[d.file]);
            let count = seen.entry(key.clone()).or_default();
            let mut unique = key;
            if *count > 0 {
                unique.push_str(&format!("\u{0}{count}"));
            }
            *count += 1;
            format!("{:016x}", fnv1a(unique.as_bytes()))
        })
        .collect()
}

/// What the finding is about: rule, file, object, container, image. For findings on no
/// object (parse errors), the trimmed text of the line.
fn fingerprint_key(d: &Diagnostic, file: &SourceFile) -> String {
    let mut key = format!("{}\u{0}{}\u{0}", d.rule.name, file.name);
    match &d.object {
        Some(o) => key.push_str(&format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            o.kind,
            o.namespace,
            o.name.as_deref().unwrap_or(""),
            d.container.as_deref().or(d.volume.as_deref()).unwrap_or(""),
            d.image.as_deref().unwrap_or("")
        )),
        None => key.push_str(file.line_text(file.line_index(d.span.start)).trim()),
    }
    // Two different findings can share all of that (two references to the same Secret): the
    // message tells them apart.
    key.push('\u{0}');
    key.push_str(&d.message);
    key
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A relative URI reference for a path: `/` kept, `\` turned into `/`, anything outside the
/// unreserved set percent-encoded. Absolute paths become `file://` URIs.
pub fn uri(path: &str) -> String {
    encode(path.replace('\\', "/").as_bytes())
}

/// The URI of an input: from the bytes of its real path when it has one, so that a name that
/// is not UTF-8 (shown as `\xff`) is encoded as the bytes it is (`%FF`).
pub fn file_uri(file: &SourceFile) -> String {
    #[cfg(unix)]
    if let Some(path) = &file.path {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        return encode(bytes.strip_prefix(b"./").unwrap_or(bytes));
    }
    uri(&file.name)
}

fn encode(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with(b"/") {
        out.push_str("file://");
    }
    for &b in path {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("k8s/a b.yaml"), "k8s/a%20b.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("/tmp/x.yaml"), "file:///tmp/x.yaml");
        assert_eq!(uri("k8s\\win.yaml"), "k8s/win.yaml");
    }
}
