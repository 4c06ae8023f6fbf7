//! `--format github`: GitHub Actions workflow commands, which become annotations on the pull
//! request: `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.

use std::io::{self, Write};

use crate::diagnostic::Severity;
use crate::run::Run;

pub fn write(run: &Run, out: &mut dyn Write) -> io::Result<()> {
    for d in &run.diagnostics {
        let file = &run.files[d.file];
        let start = file.position(d.span.start);
        let end = file.end_position(d.span);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message_with_suppression();
        if let Some(help) = &d.help {
            message.push('\n');
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&file.name),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("pullcheck {}", d.rule.name)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// The message part: `%`, CR and LF are percent-encoded.
/// GitHub's escapes for `%`, CR and LF, then every other control character written out: the
/// log viewer interprets terminal escape sequences.
pub fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::escape::controls(&escaped).into_owned()
}

/// A property value: as data, plus `:` and `,`, which separate properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_github_requires() {
        assert_eq!(
            escape_data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
