//! `pullcheck fix`: plans the fixes of a lint run, checks each file's edits by linting the
//! edited text, and writes them in place or prints them as a diff. Diffs are made from the
//! masked text, so they never show a Secret's values; files are edited from their bytes on
//! disk, and only when those bytes are still the ones linted.

use std::process::ExitCode;

use pullcheck::fix;
use pullcheck::lint;
use pullcheck::output::escape;

use super::args::FixArgs;
use super::{Failure, configure::settings_for, note, read::read_inputs, write_stdout};

pub(super) fn run(args: &FixArgs) -> Result<ExitCode, Failure> {
    let (mut settings, config) = settings_for(&args.input)?;
    // `--rule` turns on a rule that is off by default (implicit-pull-policy).
    if let Some(name) = &args.rule {
        let rule = pullcheck::settings::rule_named(name)?;
        if !settings.is_enabled(name) {
            let level = pullcheck::settings::Level::On(rule.meta().severity);
            settings.set_level(rule, level);
        }
    }
    let excludes = if args.input.exclude.is_empty() {
        &config.exclude
    } else {
        &args.input.exclude
    };
    let pins = match &args.pins {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::Usage(format!("--pins {}: {e}", path.display())))?;
            fix::Pins::parse(&text)
                .map_err(|e| Failure::Usage(format!("--pins {}: {e}", path.display())))?
        }
        None => fix::Pins::default(),
    };
    // What the files define (Secrets, ServiceAccounts) is kept to check each file's edits
    // against: a pull secret added in one file is defined in another.
    let ((mut run, definitions), read_failures, _) =
        read_inputs(&args.input, excludes, &mut settings, |inputs, settings| {
            let collected = lint::collect(inputs, settings);
            let definitions = pullcheck::definitions::Definitions::of(&collected);
            (lint::lint_collected(collected, settings), definitions)
        })?;
    fix::pin(&mut run, &pins);
    let plans = fix::plan(&run, args.rule.as_deref());
    let mut diffs = String::new();
    let (mut fixed, mut files) = (0, 0);
    for plan in &plans {
        let file = &run.files[plan.file];
        for why in &plan.skipped {
            note(&format!(
                "note: {}: {}",
                escape::controls(&file.name),
                escape::controls(why)
            ));
        }
        // The text as written: from the file, and only if it is still what was linted (masking
        // keeps every length, and no fix edits a masked value).
        let original = match &file.path {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) if same_but_masked(&text, &file.text, &plan.edits) => text,
                _ => {
                    note(&format!(
                        "note: {} changed while it was linted; not fixed",
                        escape::controls(&file.name)
                    ));
                    continue;
                }
            },
            None if args.diff => file.text.clone(),
            None => {
                note("note: standard input is never edited; use --diff to see its fixes");
                continue;
            }
        };
        let edited = fix::apply(&original, &plan.edits);
        let checked = (file.name.as_str(), file.path.as_deref());
        if !fix::verify(
            checked,
            &original,
            &edited,
            &plan.fixed,
            &settings,
            Some(&definitions),
        ) {
            note(&format!(
                "note: {}: the fixes would not remove exactly their findings; not fixed",
                escape::controls(&file.name)
            ));
            continue;
        }
        fixed += plan.fixed.len();
        files += 1;
        if args.diff {
            let shown = fix::apply(&file.text, &plan.edits);
            diffs.push_str(&fix::diff(&file.name, &file.text, &shown));
        } else if let Some(path) = &file.path {
            write_in_place(path, &edited).map_err(|e| {
                Failure::Output(std::io::Error::new(e.kind(), format!("{}: {e}", file.name)))
            })?;
        }
    }
    if args.diff {
        write_stdout(|out| out.write_all(escape::controls_but_line_text(&diffs).as_bytes()))?;
    } else {
        note(&format!(
            "fixed {fixed} finding{} in {files} file{}",
            if fixed == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        ));
    }
    Ok(if read_failures {
        ExitCode::from(2)
    } else if args.diff && !diffs.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether `written` is the text that was linted as `masked`: the same length, and the same
/// bytes wherever an edit goes.
fn same_but_masked(
    written: &str,
    masked: &str,
    edits: &[(pullcheck::source::Span, String)],
) -> bool {
    written.len() == masked.len()
        && edits
            .iter()
            .all(|(span, _)| written.get(span.start..span.end) == masked.get(span.start..span.end))
}

/// Writes a file through a new file moved over it, keeping its permissions.
fn write_in_place(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    let temporary = path.with_extension(format!("pullcheck-fix.{}", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::set_permissions(&temporary, permissions)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
