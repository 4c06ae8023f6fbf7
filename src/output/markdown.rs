//! A small renderer of the rule docs' Markdown for the terminal (`pullcheck explain`): headings
//! emphasised, code blocks indented, the generator's comment dropped.

pub fn render(markdown: &str, color: bool) -> String {
    let (bold, underline, dim, reset) = if color {
        ("\x1b[1m", "\x1b[4m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut out = String::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.starts_with("<!--") {
            continue;
        }
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {dim}{line}{reset}\n"));
        } else if let Some(title) = line.strip_prefix("# ") {
            out.push_str(&format!("{bold}{underline}{title}{reset}\n"));
        } else if let Some(heading) = line.strip_prefix("## ") {
            out.push_str(&format!("{bold}{heading}{reset}\n"));
        } else {
            // `**bold**` markers: emphasis on a terminal, plain text otherwise.
            let mut bolding = false;
            let mut rest = line;
            while let Some(at) = rest.find("**") {
                out.push_str(&rest[..at]);
                out.push_str(if bolding { reset } else { bold });
                bolding = !bolding;
                rest = &rest[at + 2..];
            }
            out.push_str(rest);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_headings_and_code_without_colour() {
        let text = super::render(
            "# rule\n\n## What\n\n```yaml\na: 1\n```\n\n<!-- gen -->\n",
            false,
        );
        assert_eq!(text, "rule\n\nWhat\n\n    a: 1\n");
    }
}
