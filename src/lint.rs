//! The pipeline: the parse stage ([`crate::parse`]), the index of what crosses files, the rule
//! engine ([`crate::engine`]), then suppressions and ordering.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine;
use crate::index::Index;
use crate::input::LoadedInput;
use crate::k8s::{Built, Extracted, PodSpec, ServiceAccount};
use crate::settings::Settings;
use crate::suppress;

pub use crate::engine::INTERNAL_ERROR;
pub use crate::parse::{PARALLEL_STREAM_BYTES, collect};
pub use crate::run::{Collected, Run, Summary};

/// Lints one text, as if it were the only input: for tests, fuzzing and embedding.
pub fn lint_text(name: &str, text: &str, settings: &Settings) -> Run {
    let input = crate::input::decode(name.to_string(), None, text.as_bytes().to_vec());
    lint(vec![input], settings)
}

/// One file of a bundle: several files written as one text, each after a `# file: NAME` line
/// (the form multi-file examples take in rule docs and fixtures: a kustomization and its
/// resources).
pub struct BundleFile<'a> {
    pub name: &'a str,
    /// The 1-based line of the bundle the file's first line is.
    pub first_line: usize,
    pub text: String,
}

/// The marker line that starts a file of a bundle.
pub const BUNDLE_MARKER: &str = "# file: ";

/// The files of a bundle; what comes before the first marker is not part of any.
pub fn split_bundle(text: &str) -> Vec<BundleFile<'_>> {
    let mut files: Vec<BundleFile<'_>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(name) = line.strip_prefix(BUNDLE_MARKER) {
            files.push(BundleFile {
                name: name.trim(),
                first_line: i + 2,
                text: String::new(),
            });
        } else if let Some(file) = files.last_mut() {
            file.text.push_str(line);
            file.text.push('\n');
        }
    }
    files
}

/// Lints a bundle's files as one run, as if they were a folder's files: for tests and docs.
/// Nothing is read from disk.
pub fn lint_bundle(text: &str, settings: &Settings) -> Run {
    let inputs = split_bundle(text)
        .into_iter()
        .map(|f| crate::input::decode(f.name.to_string(), Some(f.name.into()), f.text.into_bytes()))
        .collect();
    lint(inputs, settings)
}

/// Lints inputs that are already read. Their order does not matter: they are sorted by name.
pub fn lint(inputs: Vec<LoadedInput>, settings: &Settings) -> Run {
    lint_collected(collect(inputs, settings), settings)
}

/// Lints what the parse stage collected (with definitions of other files added, for the
/// editor: [`crate::definitions::Definitions`]).
pub fn lint_collected(collected: Collected, settings: &Settings) -> Run {
    let Collected {
        files,
        extracted,
        mut diagnostics,
        mut summary,
        context,
        templates,
        kustomize,
    } = collected;
    let reported = |file: usize| !context[file];
    // A built object is linted when its file is, or when the root it was built for is.
    let linted = |file: usize, built: Option<&Built>| {
        crate::kustomize::stage::linted(&context, &kustomize, file, built)
    };
    crate::timings::mark("parse and extract");
    let index = Index::new(&extracted);
    let verdicts = match &settings.online {
        Some(online) => {
            let asked: Vec<&PodSpec> = (extracted.pods.iter())
                .filter(|p| linted(p.file, p.built.as_deref()))
                .collect();
            let verdicts =
                crate::online::check(&asked, &index, online, &settings.options.registries);
            crate::timings::mark("online");
            verdicts
        }
        None => crate::online::Verdicts::default(),
    };
    let resolved = if settings.online.is_some() {
        resolved_digests(&extracted.pods, &verdicts)
    } else {
        std::collections::BTreeMap::new()
    };
    let check = |pod: &PodSpec| {
        let mut found = engine::check_pod(pod, settings, &index, &verdicts);
        if let Some(built) = &pod.built {
            crate::kustomize::findings::place(&mut found, pod.file, built, &kustomize);
        }
        found
    };
    // Context files lend their ServiceAccounts, Secrets and pre-pullers to the index; their
    // own pod specs and accounts are not checked.
    let pods: Vec<&PodSpec> = (extracted.pods.iter())
        .filter(|p| linted(p.file, p.built.as_deref()))
        .collect();
    let found: Vec<Vec<Diagnostic>> = if settings.parallel && pods.len() > 64 {
        // Runs of at most 16 pod specs a task, so that no thread is left with a long one at
        // the end (see `parallel::map_each`).
        pods.par_iter()
            .with_max_len(16)
            .map(|pod| check(pod))
            .collect()
    } else {
        pods.iter().map(|pod| check(pod)).collect()
    };
    diagnostics.extend(found.into_iter().flatten());
    let accounts: Vec<&ServiceAccount> = (extracted.service_accounts.iter())
        .filter(|a| linted(a.file, a.built.as_deref()))
        .collect();
    let found = crate::parallel::map(&accounts, |account| {
        let mut found = engine::check_service_account(account, settings, &index);
        if let Some(built) = &account.built {
            crate::kustomize::findings::place(&mut found, account.file, built, &kustomize);
        }
        found
    });
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.extend(
        engine::check_kustomizations(&kustomize, settings)
            .into_iter()
            .filter(|d| reported(d.file)),
    );
    crate::timings::mark("rules");
    let own = suppress::apply_comments(&files, &mut diagnostics, settings);
    crate::timings::mark("suppressions");
    diagnostics.extend(own.into_iter().filter(|d| reported(d.file)));
    if crate::parallel::can_split() {
        diagnostics.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    } else {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    crate::kustomize::findings::merge_roots(&mut diagnostics);
    for d in &mut diagnostics {
        d.helm_source = files[d.file].helm_source(d.span.start).map(str::to_string);
    }
    // Taken out in place: most runs suppress nothing, and a partition moved every finding.
    let suppressed: Vec<Diagnostic> = diagnostics
        .extract_if(.., |d| d.suppression.is_some())
        .collect();
    summary.suppressed = suppressed.len();

    for d in &diagnostics {
        match d.severity {
            Severity::Error => summary.errors += 1,
            Severity::Warning => summary.warnings += 1,
            Severity::Info => summary.infos += 1,
        }
    }
    drop(index);
    let Extracted {
        objects,
        pods,
        service_accounts,
        secrets,
        sensitive,
    } = extracted;
    crate::parallel::drop_later((pods, service_accounts, secrets, sensitive));
    Run {
        files,
        diagnostics,
        suppressed,
        objects: objects
            .into_iter()
            .filter(|(file, _)| reported(*file))
            .collect(),
        summary,
        config_file: None,
        templates,
        kustomize,
        resolved,
    }
}

/// The digests the registries resolved for the images written without one (`--online`), by
/// normalised reference: what `pullcheck fix --online` pins them to.
fn resolved_digests(
    pods: &[PodSpec],
    verdicts: &crate::online::Verdicts,
) -> std::collections::BTreeMap<String, String> {
    let mut resolved = std::collections::BTreeMap::new();
    for pod in pods {
        for container in &pod.containers {
            let (Some(image), Some(verdict)) = (&container.image, verdicts.of(pod, container))
            else {
                continue;
            };
            let Some(digest) = verdict
                .digest
                .as_ref()
                .filter(|_| verdict.status.is_available())
            else {
                continue;
            };
            if let Ok(reference) = crate::image::ImageRef::parse(&image.value)
                && !image.value.contains('@')
            {
                resolved
                    .entry(reference.normalized())
                    .or_insert_with(|| digest.clone());
            }
        }
    }
    resolved
}
