//! `--format junit`: a JUnit XML report with one test case per Kubernetes object (failing when
//! it has findings) and one per file that does not parse, for GitLab and other CI test reports.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::xml::escape;
use crate::diagnostic::{Diagnostic, Severity};
use crate::k8s::ObjectRef;
use crate::run::Run;

fn fails_case(d: &Diagnostic) -> bool {
    d.severity > Severity::Info && d.suppression.is_none()
}

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    // (file, object) → its diagnostics; objects without findings are passing cases.
    let mut cases: BTreeMap<(usize, Option<&ObjectRef>), Vec<&Diagnostic>> = BTreeMap::new();
    for (file, object) in &run.objects {
        cases.entry((*file, Some(object))).or_default();
    }
    for d in &run.diagnostics {
        cases
            .entry((d.file, d.object.as_ref()))
            .or_default()
            .push(d);
    }
    // Info-level and suppressed findings are listed in the case's output but do not fail it.
    let fails = |ds: &Vec<&Diagnostic>| ds.iter().any(|d| fails_case(d));
    let failures = cases.values().filter(|ds| fails(ds)).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="pullcheck" tests="{}" failures="{failures}">"#,
        cases.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="pullcheck" tests="{}" failures="{failures}">"#,
        cases.len()
    )?;
    for ((file, object), diagnostics) in &cases {
        let file_name = &run.files[*file].name;
        let name = match object {
            Some(o) => format!(
                "{} {}/{}",
                o.kind,
                o.namespace,
                o.name.as_deref().unwrap_or("(unnamed)")
            ),
            None => "YAML syntax".to_string(),
        };
        write!(
            out,
            r#"    <testcase classname="{}" name="{}""#,
            escape(file_name),
            escape(&name)
        )?;
        if diagnostics.is_empty() {
            writeln!(out, "/>")?;
            continue;
        }
        writeln!(out, ">")?;
        let line = |d: &Diagnostic| {
            let p = run.files[d.file].position(d.span.start);
            format!(
                "{}:{}:{}: {}[{}] {}\n",
                file_name,
                p.line,
                p.column,
                d.severity,
                d.rule.name,
                d.message_with_suppression()
            )
        };
        let failing: Vec<&Diagnostic> = diagnostics
            .iter()
            .copied()
            .filter(|d| fails_case(d))
            .collect();
        if let Some(first) = failing.first() {
            let body: String = failing.iter().map(|d| line(d)).collect();
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&format!(
                    "{} finding(s); first: {}",
                    failing.len(),
                    first.message
                )),
                first.rule.name,
                escape(&body)
            )?;
        }
        let notes: String = diagnostics
            .iter()
            .filter(|d| !fails_case(d))
            .map(|d| line(d))
            .collect();
        if !notes.is_empty() {
            writeln!(out, "      <system-out>{}</system-out>", escape(&notes))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
