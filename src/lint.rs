//! The pipeline: parse every file (in parallel), index what crosses files, run the rules.

use rayon::prelude::*;

use crate::credentials::PodCredentials;
use crate::diagnostic::{Diagnostic, PullPolicyFacts, Severity};
use crate::image::ImageRef;
use crate::index::Index;
use crate::input::LoadedInput;
use crate::k8s::{
    self, Container, ContainerList, Extracted, Located, ObjectRef, PodSpec, PullPolicy,
    ServiceAccount,
};
use crate::rules::{
    self, AccountContext, ContainerContext, Finding, PodContext, PolicyFacts, ReferenceContext,
    Rule,
};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};
use crate::suppress;
use crate::yaml;

/// The result of a run.
pub struct Run {
    /// The inputs, sorted by name; diagnostics refer to them by index.
    pub files: Vec<SourceFile>,
    /// Sorted by file, then position; suppressed ones are not here.
    pub diagnostics: Vec<Diagnostic>,
    /// The findings that comments or annotations suppress, sorted likewise.
    pub suppressed: Vec<Diagnostic>,
    /// Every Kubernetes object, with the index of its file, in input order.
    pub objects: Vec<(usize, ObjectRef)>,
    pub summary: Summary,
    /// The configuration file the run used, as shown to the user.
    pub config_file: Option<String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub containers: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

/// Lints one text, as if it were the only input: for tests, fuzzing and embedding.
pub fn lint_text(name: &str, text: &str, settings: &Settings) -> Run {
    let input = crate::input::decode(name.to_string(), None, text.as_bytes().to_vec());
    lint(vec![input], settings)
}

/// What one file yields before cross-file resolution.
#[derive(Default)]
struct FileResult {
    documents: usize,
    extracted: Extracted,
    diagnostics: Vec<Diagnostic>,
    /// Documents that did not parse but may hold Secrets: their values are masked in output.
    unparsed_secrets: Vec<Span>,
    helm_sources: Vec<(usize, String)>,
}

impl FileResult {
    fn append(&mut self, mut other: FileResult) {
        self.documents += other.documents;
        self.extracted.append(other.extracted);
        self.diagnostics.append(&mut other.diagnostics);
        self.unparsed_secrets.append(&mut other.unparsed_secrets);
        self.helm_sources.append(&mut other.helm_sources);
    }
}

/// Lints inputs that are already read. Their order does not matter: they are sorted by name.
pub fn lint(inputs: Vec<LoadedInput>, settings: &Settings) -> Run {
    let Collected {
        files,
        extracted,
        mut diagnostics,
        mut summary,
    } = collect(inputs, settings);
    crate::timings::mark("parse and extract");
    let index = Index::new(&extracted);
    let check = |pod: &PodSpec| check_pod(pod, settings, &index);
    let found: Vec<Vec<Diagnostic>> = if settings.parallel && extracted.pods.len() > 64 {
        extracted.pods.par_iter().map(check).collect()
    } else {
        extracted.pods.iter().map(check).collect()
    };
    diagnostics.extend(found.into_iter().flatten());
    for account in &extracted.service_accounts {
        diagnostics.extend(check_service_account(account, settings, &index));
    }
    crate::timings::mark("rules");
    let own = suppress::apply_comments(&files, &mut diagnostics, settings);
    crate::timings::mark("suppressions");
    diagnostics.extend(own);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    for d in &mut diagnostics {
        d.helm_source = files[d.file].helm_source(d.span.start).map(str::to_string);
    }
    let (suppressed, diagnostics): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
        .into_iter()
        .partition(|d| d.suppression.is_some());
    summary.suppressed = suppressed.len();

    for d in &diagnostics {
        match d.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
    }
    Run {
        files,
        diagnostics,
        suppressed,
        objects: extracted.objects,
        summary,
        config_file: None,
    }
}

/// Every input parsed and its objects extracted, before any rule runs.
pub struct Collected {
    /// Sorted by name; redacted (Secret values masked).
    pub files: Vec<SourceFile>,
    pub extracted: Extracted,
    /// The parse errors.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of files, documents, objects and containers; no diagnostics counted yet.
    pub summary: Summary,
}

/// Parses every input (in parallel when there are several) and extracts its objects.
pub fn collect(mut inputs: Vec<LoadedInput>, settings: &Settings) -> Collected {
    inputs.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    let per_file: Vec<FileResult> = if settings.parallel && inputs.len() > 1 {
        inputs
            .par_iter()
            .enumerate()
            .map(|(i, input)| read_file(i, input, settings))
            .collect()
    } else {
        inputs
            .iter()
            .enumerate()
            .map(|(i, input)| read_file(i, input, settings))
            .collect()
    };

    let mut summary = Summary {
        files: inputs.len(),
        ..Summary::default()
    };
    let mut extracted = Extracted::default();
    let mut diagnostics = Vec::new();
    for (input, mut result) in inputs.iter_mut().zip(per_file) {
        summary.documents += result.documents;
        // Secret values never reach any output: mask them in the text snippets are cut from.
        input
            .source
            .redact(&std::mem::take(&mut result.extracted.sensitive));
        for span in &result.unparsed_secrets {
            input.source.redact_values(*span);
        }
        input.source.helm_sources = std::mem::take(&mut result.helm_sources);
        extracted.append(result.extracted);
        diagnostics.extend(result.diagnostics);
    }
    summary.objects = extracted.objects.len();
    summary.containers = extracted.containers();
    let files: Vec<SourceFile> = inputs.into_iter().map(|i| i.source).collect();
    let patches = crate::kustomize::patch_files(&files);
    for pod in &mut extracted.pods {
        pod.partial = patches.contains(&pod.file);
    }
    Collected {
        files,
        extracted,
        diagnostics,
        summary,
    }
}

fn read_file(file: usize, input: &LoadedInput, settings: &Settings) -> FileResult {
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
            read_piece(file, source, start, end, settings, parse_errors)
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
    let parts: Vec<FileResult> =
        if settings.parallel && pieces.len() > 1 && source.text.len() >= PARALLEL_STREAM_BYTES {
            pieces.par_iter().map(read).collect()
        } else {
            pieces.iter().map(read).collect()
        };
    for part in parts {
        result.append(part);
    }
    result
}

/// Files at least this large have their documents parsed in parallel.
pub const PARALLEL_STREAM_BYTES: usize = 256 * 1024;

fn read_piece(
    file: usize,
    source: &SourceFile,
    start: usize,
    end: usize,
    settings: &Settings,
    parse_errors: bool,
) -> FileResult {
    let mut result = FileResult::default();
    for parsed in yaml::parse_document(source, start, end) {
        result.documents += 1;
        if let Some(template) =
            crate::helm::source_comment(&source.text[parsed.span.start..parsed.span.end])
        {
            result
                .helm_sources
                .push((parsed.span.start, template.to_string()));
        }
        if let Some(error) = &parsed.error {
            if parse_errors {
                let message = format!("YAML syntax error: {}", error.message);
                result.diagnostics.push(rules::ParseError::diagnostic(
                    file,
                    source,
                    error.offset,
                    message,
                ));
            }
            let text = &source.text[parsed.span.start..parsed.span.end];
            if k8s::may_hold_secret(text) {
                result.unparsed_secrets.push(parsed.span);
            }
            continue;
        }
        let found = k8s::extract(&parsed.document, file, &settings.default_namespace);
        result.extracted.append(found);
    }
    result
}

/// A finding of a rule, placed in the run.
fn diagnostic(
    rule: &dyn Rule,
    severity: Severity,
    finding: Finding,
    file: usize,
    object: &ObjectRef,
    container: Option<ContainerFacts<'_>>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.meta().name,
        severity,
        message: finding.message,
        help: finding.help,
        label: finding.label,
        file,
        span: finding.span,
        object: Some(object.clone()),
        container: container
            .filter(|(c, _, _)| c.list != ContainerList::ImageVolumes)
            .and_then(|(c, _, _)| c.name.clone()),
        volume: container
            .filter(|(c, _, _)| c.list == ContainerList::ImageVolumes)
            .and_then(|(c, _, _)| c.name.clone()),
        image: container.and_then(|(_, image, _)| image.map(|i| i.value.clone())),
        pull_policy: container.map(|(_, _, facts)| facts),
        suppression: None,
        helm_source: None,
        related: finding.related,
    }
}

/// The rule name of a diagnostic that reports a panic inside pullcheck.
pub const INTERNAL_ERROR: &str = "internal-error";

/// Runs one rule's check, turning a panic into an internal-error finding rather than ending
/// the run: the other rules and files are still checked.
fn guarded(
    rule: &dyn Rule,
    span: Span,
    check: impl FnOnce(&mut Vec<Finding>),
) -> Result<Vec<Finding>, Finding> {
    let mut findings = Vec::new();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut findings))) {
        Ok(()) => Ok(findings),
        Err(payload) => Err(Finding {
            span,
            message: format!(
                "internal error in rule `{}`: {}; the other rules still ran (please report this)",
                rule.meta().name,
                panic_message(payload.as_ref())
            ),
            help: None,
            label: Some("while checking this".into()),
            related: Vec::new(),
        }),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

fn internal_error(finding: Finding, file: usize, object: Option<&ObjectRef>) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        INTERNAL_ERROR,
        Severity::Error,
        file,
        finding.span,
        finding.message,
    );
    diagnostic.label = finding.label;
    diagnostic.object = object.cloned();
    diagnostic
}

/// What a diagnostic of a container-level rule also says about its container.
type ContainerFacts<'a> = (&'a Container, Option<&'a Located>, PullPolicyFacts);

/// Runs every enabled rule through `check`, each guarded against panics, and places the
/// findings in the run: in `file`, on `object` (and `container`, for container rules).
fn run_rules(
    settings: &Settings,
    span: Span,
    file: usize,
    object: &ObjectRef,
    container: Option<ContainerFacts<'_>>,
    check: impl Fn(&dyn Rule, &mut Vec<Finding>),
    out: &mut Vec<Diagnostic>,
) {
    for &rule in &settings.rules {
        match guarded(rule, span, |found| check(rule, found)) {
            Ok(found) => out.extend(
                found
                    .into_iter()
                    .map(|f| diagnostic(rule, settings.severity(rule), f, file, object, container)),
            ),
            Err(failure) => out.push(internal_error(failure, file, Some(object))),
        }
    }
}

fn check_pod(pod: &PodSpec, settings: &Settings, index: &Index<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let credentials = PodCredentials::resolve(pod, index);
    let pod_context = PodContext {
        pod,
        credentials: &credentials,
        settings,
        index,
    };
    let pod_span = pod.span;
    let references = reference_contexts(pod_context.own_references(), &pod.object.namespace);
    let check = |rule: &dyn Rule, found: &mut Vec<Finding>| {
        rule.check_pod(&pod_context, found);
        for reference in &references {
            rule.check_reference(reference, found);
        }
    };
    run_rules(
        settings,
        pod_span,
        pod.file,
        &pod.object,
        None,
        check,
        &mut out,
    );
    for container in &pod.containers {
        let image = container.image.as_ref().filter(|i| !i.value.is_empty());
        let reference = image.map(|i| ImageRef::parse(&i.value));
        let written = container.pull_policy.as_ref();
        let explicit = written.and_then(|p| PullPolicy::parse(&p.value));
        let default = PullPolicy::default_for(reference.as_ref().and_then(|r| r.as_ref().ok()));
        let policy = PolicyFacts {
            written,
            explicit,
            default,
            effective: explicit.unwrap_or(default),
        };
        let facts = PullPolicyFacts {
            effective: if written.is_some() {
                explicit
            } else {
                Some(default)
            },
            explicit: written.is_some(),
        };
        let context = ContainerContext {
            pod,
            container,
            image,
            reference: reference.as_ref(),
            policy: &policy,
            credentials: &credentials,
            settings,
            index,
        };
        run_rules(
            settings,
            container.span,
            pod.file,
            &pod.object,
            Some((container, image, facts)),
            |rule, found| rule.check_container(&context, found),
            &mut out,
        );
    }
    suppress::apply_annotation(pod, &mut out);
    if let Some(annotation) = pod.annotation(k8s::IGNORE_ANNOTATION) {
        let directive =
            suppress::parse_directive(&annotation.value, annotation.span.start, annotation.span);
        suppress::check_directive(pod.file, &directive, settings, &mut out);
    }
    out
}

fn reference_contexts<'a>(
    references: impl Iterator<Item = (&'a Located, crate::credentials::Reference<'a>)>,
    namespace: &'a str,
) -> Vec<ReferenceContext<'a>> {
    references
        .map(|(written, reference)| ReferenceContext {
            written,
            reference,
            namespace,
        })
        .collect()
}

fn check_service_account(
    account: &ServiceAccount,
    settings: &Settings,
    index: &Index<'_>,
) -> Vec<Diagnostic> {
    let context = AccountContext {
        account,
        settings,
        index,
    };
    let mut out = Vec::new();
    let span = account
        .pull_secrets
        .named
        .first()
        .map_or(Span::default(), |s| s.span);
    let references = reference_contexts(context.references(), &account.object.namespace);
    let check = |rule: &dyn Rule, found: &mut Vec<Finding>| {
        rule.check_service_account(&context, found);
        for reference in &references {
            rule.check_reference(reference, found);
        }
    };
    run_rules(
        settings,
        span,
        account.file,
        &account.object,
        None,
        check,
        &mut out,
    );
    out
}
