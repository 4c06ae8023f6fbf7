//! The properties the fuzz targets (`fuzz/`) check, as plain functions so that the regular
//! test suite can run the same checks over the seed inputs (`tests/fuzz_inputs.rs`). Each one
//! panics when a property does not hold; that is what a fuzzer reports.

use clap::ValueEnum;

use crate::config::Config;
use crate::image::ImageRef;
use crate::input;
use crate::lint;
use crate::output::{self, Format, Style};
use crate::plan;
use crate::settings::Settings;
use crate::source::SourceFile;

/// Bytes through the whole pipeline, every output format rendered: nothing may panic, and every
/// diagnostic must point inside its file.
pub fn pipeline(bytes: &[u8]) {
    let mut settings = Settings::default();
    settings.parallel = false;
    settings
        .select_rules(
            &["digest-not-pinned".into(), "pull-secret-not-found".into()],
            &[],
        )
        .expect("known rules");
    let input = input::decode("fuzz.yaml".into(), None, bytes.to_vec());
    let run = lint::lint(vec![input], &settings);
    for d in run.diagnostics.iter().chain(&run.suppressed) {
        // A panic caught inside the run is still a bug (the fuzzer, built to abort, sees it).
        assert_ne!(d.rule, lint::INTERNAL_ERROR, "{}", d.message);
        let file = &run.files[d.file];
        assert!(
            d.span.start <= d.span.end && d.span.end <= file.text.len(),
            "{d:?}"
        );
        assert!(file.text.is_char_boundary(d.span.start) && file.text.is_char_boundary(d.span.end));
    }
    let style = Style {
        color: false,
        width: 100,
    };
    for format in Format::value_variants() {
        let mut sink = Vec::new();
        output::write(&run, *format, style, &mut sink).expect("writing to memory");
        if matches!(format, Format::Json | Format::Sarif) {
            serde_json::from_slice::<serde_json::Value>(&sink).expect("valid JSON");
        }
        // Text formats show no control character of the input (line breaks are their own).
        if matches!(format, Format::Human | Format::Compact | Format::Github) {
            let text = String::from_utf8_lossy(&sink);
            assert!(
                !text
                    .chars()
                    .any(|c| c != '\n' && output::escape::is_control(c)),
                "{format:?} printed a control character"
            );
        }
    }
    let input = input::decode("fuzz.yaml".into(), None, bytes.to_vec());
    let collected = lint::collect(vec![input], &settings);
    let _ = plan::plan(&collected, &settings);
}

/// Bytes as a kustomize tree: a bundle of files (`# file: NAME` lines; without one, all of it
/// is a `kustomization.yaml`) linted together, as a folder is, and its fixes planned. Nothing
/// may panic; every diagnostic and related place must point inside its file.
pub fn kustomize(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let text = if text.contains(lint::BUNDLE_MARKER) {
        text.into_owned()
    } else {
        format!("{}kustomization.yaml\n{text}", lint::BUNDLE_MARKER)
    };
    let mut settings = Settings::default();
    settings.parallel = false;
    let run = lint::lint_bundle(&text, &settings);
    for d in run.diagnostics.iter().chain(&run.suppressed) {
        assert_ne!(d.rule, lint::INTERNAL_ERROR, "{}", d.message);
        let places =
            std::iter::once((d.file, d.span)).chain(d.related.iter().map(|r| (r.file, r.span)));
        for (file, span) in places {
            let file = &run.files[file];
            assert!(
                span.start <= span.end && span.end <= file.text.len(),
                "{d:?}"
            );
            assert!(file.text.is_char_boundary(span.start) && file.text.is_char_boundary(span.end));
        }
    }
    for plan in crate::fix::plan(&run, None) {
        let text = &run.files[plan.file].text;
        let _ = crate::fix::apply(text, &plan.edits);
    }
    let mut sink = Vec::new();
    let style = Style {
        color: false,
        width: 100,
    };
    output::write(&run, Format::Sarif, style, &mut sink).expect("writing to memory");
}

/// Any text through the image reference parser: what parses must format back to itself and
/// normalise idempotently; what does not must say where.
pub fn image_reference(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    match ImageRef::parse(text) {
        Ok(reference) => {
            assert_eq!(reference.as_str(), text);
            let again =
                ImageRef::parse(&reference.to_string()).expect("a parsed reference reparses");
            assert_eq!(again, reference);
            let normalized = ImageRef::parse(&reference.normalized()).expect("normalised parses");
            assert_eq!(normalized.normalized(), reference.normalized());
            assert_eq!(normalized.tag(), reference.tag());
            assert_eq!(normalized.digest(), reference.digest());
        }
        Err(error) => {
            assert!(error.range.start <= error.range.end && error.range.end <= text.len().max(1));
            assert!(!error.kind.to_string().is_empty());
        }
    }
}

/// Bytes as a configuration file: accepted, or rejected with located diagnostics.
pub fn config(bytes: &[u8]) {
    let loaded = input::decode(".pullcheck.yaml".into(), None, bytes.to_vec());
    if loaded.not_text.is_some() {
        return;
    }
    let source: &SourceFile = &loaded.source;
    match Config::parse(source) {
        Ok(config) => {
            let mut settings = Settings::default();
            // Applying may still refuse (e.g. an invalid glob), but must not panic.
            let _ = config.apply(&mut settings);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for d in diagnostics {
                assert!(
                    d.span.end <= source.text.len().max(d.span.start)
                        || d.span.start <= source.text.len()
                );
            }
        }
    }
}
