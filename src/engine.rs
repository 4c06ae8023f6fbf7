//! The rule engine: runs every enabled rule on each pod spec, container and image volume, and
//! ServiceAccount, each run guarded so that a panicking rule becomes an `internal-error`
//! diagnostic and the others still run.

use crate::diagnostic::{Diagnostic, RuleMeta, Severity};
use crate::image::ImageRef;
use crate::index::Index;
use crate::index::PodCredentials;
use crate::k8s::{
    self, Container, ContainerList, Located, ObjectRef, PodSpec, PolicyFacts, PolicySummary,
    ServiceAccount,
};
use crate::kustomize::Kustomized;
use crate::kustomize::stage::Outcome;
use crate::online::Verdicts;
use crate::rules::{
    self, AccountContext, ContainerContext, Finding, KustomizationContext, PodContext,
    ReferenceContext, Rule,
};
use crate::settings::Settings;
use crate::source::Span;
use crate::suppress;

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
        rule: rule.meta(),
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
        related: finding
            .related
            .into_iter()
            .map(|(span, label)| crate::diagnostic::Related { file, span, label })
            .collect(),
        roots: Vec::new(),
        fix: finding.fix.map(|f| *f),
    }
}

/// What a diagnostic that reports a panic inside pullcheck is about.
pub const INTERNAL_ERROR: &RuleMeta = &crate::rules::InternalError::META;

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
        Err(payload) => Err(Finding::new(
            span,
            format!(
                "internal error in rule `{}`: {}; the other rules still ran (please report this)",
                rule.meta().name,
                panic_message(payload.as_ref())
            ),
        )
        .label("while checking this")),
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
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
type ContainerFacts<'a> = (&'a Container, Option<&'a Located>, PolicySummary);

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

pub(crate) fn check_pod(
    pod: &PodSpec,
    settings: &Settings,
    index: &Index<'_>,
    verdicts: &Verdicts,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let credentials = PodCredentials::resolve(pod, index);
    let pod_context = PodContext {
        pod,
        credentials: &credentials,
        options: &settings.options,
        index,
    };
    let pod_span = pod.span;
    let references = reference_contexts(pod_context.own_references(), &pod.object.namespace);
    let check = with_references(&references, |rule, found| {
        rule.check_pod(&pod_context, found)
    });
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
        let policy = PolicyFacts::of(container, reference.as_ref().and_then(|r| r.as_ref().ok()));
        let facts = policy.summary();
        let context = ContainerContext {
            pod,
            container,
            image,
            reference: reference.as_ref(),
            policy: &policy,
            credentials: &credentials,
            options: &settings.options,
            index,
            online: verdicts.of(pod, container),
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

/// A rule's check of an owner (pod spec or ServiceAccount), then of each of its pull-secret
/// references.
fn with_references<'r>(
    references: &'r [ReferenceContext<'r>],
    owner: impl Fn(&dyn Rule, &mut Vec<Finding>) + 'r,
) -> impl Fn(&dyn Rule, &mut Vec<Finding>) + 'r {
    move |rule, found| {
        owner(rule, found);
        for reference in references {
            rule.check_reference(reference, found);
        }
    }
}

fn reference_contexts<'a>(
    references: impl Iterator<Item = (&'a Located, crate::index::Reference<'a>)>,
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

pub(crate) fn check_service_account(
    account: &ServiceAccount,
    settings: &Settings,
    index: &Index<'_>,
) -> Vec<Diagnostic> {
    let context = AccountContext {
        account,
        options: &settings.options,
        index,
    };
    let mut out = Vec::new();
    let span = account
        .pull_secrets
        .named
        .first()
        .map_or(Span::default(), |s| s.span);
    let references = reference_contexts(context.references(), &account.object.namespace);
    let check = with_references(&references, |rule, found| {
        rule.check_service_account(&context, found)
    });
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

/// Runs the rules on each kustomization of each followed root's build (its `images:` entries as
/// that build ran them), and reports the roots that do not build. Findings name the root.
pub(crate) fn check_kustomizations(
    kustomized: &Kustomized,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let object = ObjectRef {
        kind: "Kustomization".into(),
        name: None,
        namespace: String::new(),
    };
    for root in &kustomized.roots {
        let build = match &root.outcome {
            Outcome::Built(build) => build,
            Outcome::NotFollowed(_) => continue,
            Outcome::Failed(error) => {
                if settings.is_enabled(rules::KustomizeBuildError::META.name) {
                    let mut d = rules::KustomizeBuildError::diagnostic(error, &root.name);
                    d.severity = settings.severity(&rules::KustomizeBuildError);
                    out.push(d);
                }
                continue;
            }
        };
        let mut files: Vec<usize> = build.entries.iter().map(|e| e.name_at.file).collect();
        files.sort_unstable();
        files.dedup();
        for file in files {
            let context = KustomizationContext {
                root: &root.name,
                build,
                entries: build
                    .entries
                    .iter()
                    .filter(|e| e.name_at.file == file)
                    .collect(),
            };
            let span = context
                .entries
                .first()
                .map_or(Span::default(), |e| e.name_at.span);
            let mut found = Vec::new();
            run_rules(
                settings,
                span,
                file,
                &object,
                None,
                |rule, report| rule.check_kustomization(&context, report),
                &mut found,
            );
            for d in &mut found {
                d.object = None;
                d.roots = vec![root.name.clone()];
            }
            out.extend(found);
        }
    }
    out
}
