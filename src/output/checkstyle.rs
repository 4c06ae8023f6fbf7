//! `--format checkstyle`: the Checkstyle XML report that Jenkins' warnings plugin, reviewdog
//! and many CI systems read.

use std::io::{self, Write};

use super::xml::escape;
use crate::run::Run;

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut current: Option<usize> = None;
    for d in &run.diagnostics {
        if current != Some(d.file) {
            if current.is_some() {
                writeln!(out, "  </file>")?;
            }
            writeln!(
                out,
                r#"  <file name="{}">"#,
                escape(&run.files[d.file].name)
            )?;
            current = Some(d.file);
        }
        let p = run.files[d.file].position(d.span.start);
        writeln!(
            out,
            r#"    <error line="{}" column="{}" severity="{}" message="{}" source="pullcheck.{}"/>"#,
            p.line,
            p.column,
            d.severity,
            escape(&d.message_with_suppression()),
            d.rule.name
        )?;
    }
    if current.is_some() {
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
