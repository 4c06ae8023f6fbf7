//! The parse stage: every input read into documents (in parallel when there are several, a large
//! stream a document per task), Secret values masked, Helm `# Source:` comments kept, and the
//! objects the rules need extracted. Nothing here knows a rule but `parse-error`.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{INTERNAL_ERROR, panic_message};
use crate::input::LoadedInput;
use crate::k8s::{self, Extracted};
use crate::kustomize::Kustomized;
use crate::parallel::{append, concat_field};
use crate::rules;
use crate::run::{Collected, Summary};
use crate::settings::{Kustomize, Settings};
use crate::source::{SourceFile, Span};
use crate::yaml;

/// What one file yields before cross-file resolution.
#[derive(Default)]
struct FileResult {
    documents: usize,
    extracted: Extracted,
    diagnostics: Vec<Diagnostic>,
    /// Documents that did not parse but may hold Secrets: their values are masked in output.
    unparsed_secrets: Vec<Span>,
    helm_sources: Vec<(usize, String)>,
    /// Where the first document that did not parse stopped (whether or not `parse-error`
    /// reports it), and why.
    syntax_error: Option<usize>,
    syntax_message: Option<String>,
    /// The objects as the kustomize model reads them, when the run has kustomizations: the
    /// builds take them from here instead of parsing the file again.
    model: Vec<crate::kustomize::build::BuiltObject>,
}

impl FileResult {
    fn append(&mut self, mut other: FileResult) {
        self.documents += other.documents;
        if self.syntax_error.is_none() {
            self.syntax_error = other.syntax_error;
            self.syntax_message = other.syntax_message.take();
        }
        append(&mut self.model, other.model);
        self.extracted.append(other.extracted);
        append(&mut self.diagnostics, other.diagnostics);
        append(&mut self.unparsed_secrets, other.unparsed_secrets);
        append(&mut self.helm_sources, other.helm_sources);
    }

    /// The results of adjacent pieces as one, in order, each element moved once (see
    /// [`crate::parallel::concat_field`]).
    fn concat(mut parts: Vec<FileResult>) -> FileResult {
        let first_error = parts.iter_mut().find(|p| p.syntax_error.is_some());
        let (syntax_error, syntax_message) = match first_error {
            Some(part) => (part.syntax_error, part.syntax_message.take()),
            None => (None, None),
        };
        FileResult {
            documents: parts.iter().map(|p| p.documents).sum(),
            syntax_error,
            syntax_message,
            model: concat_field(&mut parts, |p| &mut p.model),
            extracted: Extracted::concat_of(&mut parts, |p| &mut p.extracted),
            diagnostics: concat_field(&mut parts, |p| &mut p.diagnostics),
            unparsed_secrets: concat_field(&mut parts, |p| &mut p.unparsed_secrets),
            helm_sources: concat_field(&mut parts, |p| &mut p.helm_sources),
        }
    }
}

/// Parses every input (in parallel when there are several) and extracts its objects.
pub fn collect(mut inputs: Vec<LoadedInput>, settings: &Settings) -> Collected {
    inputs.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    let modelled = modelled_files(&inputs, settings);
    // A task per file, on the pool when the run has one.
    let numbered: Vec<usize> = (0..inputs.len()).collect();
    let mut per_file = crate::parallel::map_each(&numbered, |&i| {
        read_file(i, &inputs[i], settings, modelled[i])
    });

    let context: Vec<bool> = inputs.iter().map(|i| i.context).collect();
    let mut summary = Summary {
        files: context.iter().filter(|c| !**c).count(),
        ..Summary::default()
    };
    let mut templates = Vec::new();
    let mut masks = Vec::with_capacity(inputs.len());
    let mut models = std::collections::HashMap::new();
    for (file, (input, result)) in inputs.iter_mut().zip(&mut per_file).enumerate() {
        // Decided on the text as written: masking may hide the template actions. A file some
        // of whose documents are manifests is linted, its template documents reported as the
        // parse errors they are to `kubectl apply`: a stream of manifests with one unrendered
        // template in it is not skipped whole.
        let templated = !settings.lint_templates
            && result.extracted.objects.is_empty()
            && result
                .syntax_error
                .is_some_and(|at| is_template_error(&input.source.text, at));
        // Secret values never reach any output: they are masked in the text snippets are cut
        // from, once the kustomize stage has read the text as written.
        masks.push((
            std::mem::take(&mut result.extracted.sensitive),
            std::mem::take(&mut result.unparsed_secrets),
        ));
        if modelled[file] {
            let read = match (result.syntax_error, result.syntax_message.take()) {
                (Some(offset), Some(message)) => Err((offset, message)),
                _ => Ok(std::mem::take(&mut result.model)),
            };
            models.insert(file, read);
        }
        // Go template text (a file a chart reads with `.Files.Get`, a template outside a
        // chart's `templates/`) is not a manifest: what it renders to is.
        if templated {
            if !input.context {
                templates.push(file);
                summary.files -= 1;
            }
            result.extracted = Extracted::default();
            result.diagnostics.clear();
            continue;
        }
        if input.context {
            // Read for what it defines; its own problems are reported when it is linted.
            result.diagnostics.clear();
        } else {
            summary.documents += result.documents;
        }
        input.source.helm_sources = std::mem::take(&mut result.helm_sources);
    }
    // Each file's results are joined once, into vectors of their total size.
    let mut extracted = Extracted::concat_of(&mut per_file, |r| &mut r.extracted);
    let diagnostics = concat_field(&mut per_file, |r| &mut r.diagnostics);
    crate::parallel::drop_later(per_file);
    let mut files: Vec<SourceFile> = inputs.into_iter().map(|i| i.source).collect();
    crate::timings::mark("parse");
    let kustomize = match settings.kustomize {
        Kustomize::Auto => crate::kustomize::stage::apply(
            &files,
            &context,
            &mut extracted,
            &settings.default_namespace,
            models,
            settings.online.is_some(),
        ),
        Kustomize::Off => Kustomized::default(),
    };
    crate::timings::mark("kustomize");
    for (file, (sensitive, unparsed)) in files.iter_mut().zip(masks) {
        file.redact(&sensitive);
        for span in unparsed {
            file.redact_values(span);
        }
    }
    summary.kustomize_builds = kustomize.roots.iter().filter_map(|r| r.build()).count();
    // What a root that is linted deploys from files read for context counts too.
    let from_context: usize = (kustomize.roots.iter())
        .filter(|root| !context[root.file])
        .filter_map(|root| root.build())
        .map(|build| build.objects.iter().filter(|o| context[o.file]).count())
        .sum();
    summary.objects = extracted
        .objects
        .iter()
        .filter(|(f, _)| !context[*f])
        .count()
        + from_context;
    summary.containers = (extracted.pods.iter())
        .filter(|p| {
            crate::kustomize::stage::linted(&context, &kustomize, p.file, p.built.as_deref())
        })
        .flat_map(|p| &p.containers)
        .filter(|c| c.list != crate::k8s::ContainerList::ImageVolumes)
        .count();
    let patches = crate::kustomize::patch_files(&files);
    for pod in &mut extracted.pods {
        pod.partial = patches.contains(&pod.file);
    }
    Collected {
        files,
        extracted,
        diagnostics,
        summary,
        context,
        templates,
        kustomize,
    }
}

/// For each input, whether the kustomize model reads its objects: when a kustomization sits in
/// its folder or above. kustomize reads no resource file from outside the kustomization's
/// folder, so no other file can be one; the model reads any it misses itself. The others may
/// be read in part by the fast path.
fn modelled_files(inputs: &[LoadedInput], settings: &Settings) -> Vec<bool> {
    // Folders as written, compared as bytes: hashing a `Path` hashes each of its components,
    // which took 3 ms for the corpus' 3,800 files. Two spellings of one folder (`a//b`) only
    // leave a file to the model's own reading.
    let kustomized: crate::hash::Set<&std::ffi::OsStr> = (inputs.iter())
        .filter_map(|i| i.source.path.as_deref())
        .filter(|p| crate::kustomize::tree::is_kustomization_file(p))
        .filter_map(std::path::Path::parent)
        .map(std::path::Path::as_os_str)
        .collect();
    if settings.kustomize == Kustomize::Off || kustomized.is_empty() {
        return vec![false; inputs.len()];
    }
    crate::parallel::map(inputs, |input| {
        (input.source.path.as_deref()).is_some_and(|p| {
            p.ancestors()
                .skip(1)
                .any(|d| kustomized.contains(d.as_os_str()))
        })
    })
}

fn read_file(file: usize, input: &LoadedInput, settings: &Settings, model: bool) -> FileResult {
    let mut result = FileResult::default();
    let parse_errors = settings.is_enabled(rules::ParseError::META.name);
    if let Some((offset, reason)) = &input.not_text {
        if parse_errors {
            result.diagnostics.push(rules::ParseError::diagnostic(
                file,
                &input.source,
                *offset,
                reason.clone(),
            ));
        }
        return result;
    }
    let source = &input.source;
    let pieces = yaml::pieces(source);
    let read = |&(start, end): &(usize, usize)| {
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_piece(file, source, (start, end), settings, parse_errors, model)
        }));
        attempt.unwrap_or_else(|payload| {
            let message = format!(
                "internal error while reading this document: {}; the other documents were read \
                 (please report this)",
                panic_message(payload.as_ref())
            );
            let mut failed = FileResult::default();
            let span = Span::new(start, start);
            failed.diagnostics.push(Diagnostic::new(
                INTERNAL_ERROR,
                Severity::Error,
                file,
                span,
                message,
            ));
            failed
        })
    };
    // A large stream (`helm template` of a big chart) is parsed a document per task.
    // Each thread gathers the documents it read into one result (adjacent documents: order is
    // kept), so a part's memory is freed by the thread that allocated it; the few results are
    // joined at the end, into vectors of their exact total size.
    let gather = |mut gathered: FileResult, piece| {
        gathered.append(read(piece));
        gathered
    };
    if settings.parallel && pieces.len() > 1 && source.text.len() >= PARALLEL_STREAM_BYTES {
        FileResult::concat(
            pieces
                .par_iter()
                .fold(FileResult::default, gather)
                .collect(),
        )
    } else {
        pieces.iter().fold(FileResult::default(), gather)
    }
}

/// Files at least this large have their documents parsed in parallel.
pub const PARALLEL_STREAM_BYTES: usize = 256 * 1024;

fn read_piece(
    file: usize,
    source: &SourceFile,
    (start, end): (usize, usize),
    settings: &Settings,
    parse_errors: bool,
    model: bool,
) -> FileResult {
    let mut result = FileResult::default();
    let partial = crate::k8s::kinds::partial(&source.text[start..end], model);
    for parsed in yaml::parse_document(source, start, end, partial) {
        result.documents += 1;
        if let Some(template) =
            crate::helm::source_comment(&source.text[parsed.span.start..parsed.span.end])
        {
            result
                .helm_sources
                .push((parsed.span.start, template.to_string()));
        }
        if let Some(error) = &parsed.error {
            if result.syntax_error.is_none() {
                result.syntax_error = Some(error.offset);
                result.syntax_message = Some(error.message.clone());
            }
            if parse_errors {
                let message = format!("YAML syntax error: {}", error.message);
                result.diagnostics.push(rules::ParseError::diagnostic(
                    file,
                    source,
                    at_the_tab(&source.text, error.offset, &error.message),
                    message,
                ));
            }
            let text = &source.text[parsed.span.start..parsed.span.end];
            if k8s::may_hold_secret(text) {
                result.unparsed_secrets.push(parsed.span);
            }
            continue;
        }
        if model && let Some(root) = parsed.document.root() {
            let objects = crate::kustomize::build::objects_of(&parsed.document, root, file);
            result.model.extend(objects);
        }
        let found = k8s::extract(
            &parsed.document,
            file,
            &settings.default_namespace,
            settings.online.is_some(),
        );
        result.extracted.append(found);
    }
    result
}

/// Where to point for a tab the parser refuses: at the tab. saphyr reports "while scanning a
/// plain scalar, found a tab" at the scalar's start, and "tabs disallowed …" just after the
/// indenting tabs; the user has to find the tab itself.
fn at_the_tab(text: &str, offset: usize, message: &str) -> usize {
    if message.contains("found a tab") {
        return text
            .get(offset..)
            .and_then(|rest| rest.find('\t'))
            .map_or(offset, |at| offset + at);
    }
    if message.contains("tab") {
        let before = text.get(..offset).unwrap_or_default();
        let tabs = before.len() - before.trim_end_matches('\t').len();
        return offset - tabs;
    }
    offset
}

/// Whether a syntax error at `at` comes from Go template actions: the line it stopped on holds
/// `{{`, or some line starts with one (`{{- if .Values.x }}`: no YAML begins like that). A
/// quoted `"{{ .Values.image }}"` elsewhere in a manifest that is broken for another reason
/// does not make it a template.
fn is_template_error(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or(text);
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[start..end].contains("{{") || text.lines().any(|line| line.trim_start().starts_with("{{"))
}
