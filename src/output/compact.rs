//! `--format compact`: `file:line:col: severity[rule] message`, one line each, for editors and
//! grep. Line breaks in messages are folded so that one diagnostic stays one line.

use std::io::{self, Write};

use super::escape;
use crate::run::Run;

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    for d in &run.diagnostics {
        let file = &run.files[d.file];
        let p = file.position(d.span.start);
        let message = d.message_with_suppression().replace(['\r', '\n'], " ");
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            escape::controls(&file.name),
            p.line,
            p.column,
            d.severity,
            d.rule.name,
            escape::controls(&message)
        )?;
    }
    Ok(())
}
