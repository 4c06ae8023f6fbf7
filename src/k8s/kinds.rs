//! Which documents the parse stage may read in part, and what it keeps of them: the schemas
//! of the fast path (`yaml::skim`), written from what `k8s::extract` reads.

use crate::yaml::Keep::{All, Mapping, Presence, Sequence};
use crate::yaml::Key::{Is, StartsWith};
use crate::yaml::Unlisted::{Dropped, Present};
use crate::yaml::{self, Keep, Partial};

/// Kinds that never hold a pod spec, a ServiceAccount or a Secret: every syntax error in their
/// documents counts, but only `kind`, `apiVersion` and `metadata`'s name and namespace are
/// needed. The fast path (`yaml::skim`) reads most of them about 4.5x faster than a parse; the
/// rest are parsed in full and kept only to `yaml::SHALLOW_DEPTH`. A CustomResourceDefinition's
/// schema need not become a tree.
const SHALLOW_KINDS: &[&str] = &[
    "APIService",
    "Certificate",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ConfigMap",
    "CustomResourceDefinition",
    "Endpoints",
    "EndpointSlice",
    "Gateway",
    "HorizontalPodAutoscaler",
    "HTTPRoute",
    "Ingress",
    "IngressClass",
    "Issuer",
    "LimitRange",
    "MutatingWebhookConfiguration",
    "Namespace",
    "NetworkPolicy",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "PodDisruptionBudget",
    "PodMonitor",
    "PriorityClass",
    "PrometheusRule",
    "ResourceQuota",
    "Role",
    "RoleBinding",
    "Service",
    "ServiceMonitor",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
];

/// What extraction reads from a shallow kind: the object's identity.
pub static IDENTITY: Keep = Mapping(
    &[
        (Is("apiVersion"), All),
        (Is("kind"), All),
        (
            Is("metadata"),
            Mapping(&[(Is("name"), All), (Is("namespace"), All)], Dropped),
        ),
    ],
    Dropped,
);

/// An object's or template's metadata as extraction reads it: identity, pullcheck's
/// annotations, and whether a cluster wrote it (`kubectl get -o yaml`).
const METADATA: Keep = Mapping(
    &[
        (Is("name"), All),
        (Is("namespace"), All),
        (
            Is("annotations"),
            Mapping(&[(StartsWith(super::ANNOTATION_PREFIX), All)], Dropped),
        ),
        (Is("resourceVersion"), Presence),
        (Is("uid"), Presence),
        (Is("creationTimestamp"), Presence),
    ],
    Dropped,
);

/// A container: every key (for keys written twice), the values of three.
const CONTAINER: Keep = Mapping(
    &[
        (Is("name"), All),
        (Is("image"), All),
        (Is("imagePullPolicy"), All),
    ],
    Present,
);

/// A pod spec: every key (for keys written twice); containers, image volumes, pull secrets,
/// ServiceAccount and placement.
const POD_SPEC: Keep = Mapping(
    &[
        (Is("containers"), Sequence(&CONTAINER)),
        (Is("initContainers"), Sequence(&CONTAINER)),
        (Is("ephemeralContainers"), Sequence(&CONTAINER)),
        (
            Is("volumes"),
            Sequence(&Mapping(&[(Is("name"), All), (Is("image"), All)], Dropped)),
        ),
        (Is("imagePullSecrets"), All),
        (Is("serviceAccountName"), All),
        (Is("serviceAccount"), All),
        (Is("nodeSelector"), All),
        (Is("tolerations"), All),
        (
            Is("affinity"),
            Mapping(
                &[(
                    Is("nodeAffinity"),
                    Mapping(
                        &[(Is("requiredDuringSchedulingIgnoredDuringExecution"), All)],
                        Dropped,
                    ),
                )],
                Dropped,
            ),
        ),
    ],
    Present,
);

const TEMPLATE: Keep = Mapping(
    &[(Is("metadata"), METADATA), (Is("spec"), POD_SPEC)],
    Dropped,
);

/// A Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, ReplicationController, CronJob,
/// OpenShift DeploymentConfig (its image triggers) or any other kind that may hold a pod
/// template where extraction looks (`extract::TEMPLATE_PATHS`).
static WORKLOAD: Keep = Mapping(
    &[
        (Is("apiVersion"), All),
        (Is("kind"), All),
        (Is("metadata"), METADATA),
        (
            Is("spec"),
            Mapping(
                &[
                    (Is("template"), TEMPLATE),
                    (Is("triggers"), All),
                    (
                        Is("jobTemplate"),
                        Mapping(
                            &[(Is("spec"), Mapping(&[(Is("template"), TEMPLATE)], Dropped))],
                            Dropped,
                        ),
                    ),
                ],
                Dropped,
            ),
        ),
    ],
    Dropped,
);

static POD: Keep = Mapping(
    &[
        (Is("apiVersion"), All),
        (Is("kind"), All),
        (Is("metadata"), METADATA),
        (Is("spec"), POD_SPEC),
    ],
    Dropped,
);

static POD_TEMPLATE: Keep = Mapping(
    &[
        (Is("apiVersion"), All),
        (Is("kind"), All),
        (Is("metadata"), METADATA),
        (Is("template"), TEMPLATE),
    ],
    Dropped,
);

static SERVICE_ACCOUNT: Keep = Mapping(
    &[
        (Is("apiVersion"), All),
        (Is("kind"), All),
        (Is("metadata"), METADATA),
        (Is("imagePullSecrets"), All),
    ],
    Dropped,
);

/// What the fast path keeps of a document of `kind`, and how deep the full parse keeps it when
/// the fast path declines; `None` when it is parsed in full.
fn keep_for(kind: &str, everything: bool) -> Option<(&'static Keep, usize)> {
    if SHALLOW_KINDS.contains(&kind) {
        return Some((&IDENTITY, yaml::SHALLOW_DEPTH));
    }
    if everything {
        return None;
    }
    let keep = match kind {
        "Pod" => &POD,
        "PodTemplate" => &POD_TEMPLATE,
        "ServiceAccount" => &SERVICE_ACCOUNT,
        // Extraction reads a Secret's keys, and a `List`'s items as whole objects.
        "Secret" => return None,
        _ if kind.ends_with("List") => return None,
        // Any other kind (a Deployment, a CronJob, an operator's custom resource) is read as
        // extraction reads it: for a pod template at `extract::TEMPLATE_PATHS`.
        _ => &WORKLOAD,
    };
    Some((keep, usize::MAX))
}

/// How to read a document piece when only part of it is needed (a glance at its `kind:` line
/// at column 0, block style); `None` when it is to be parsed in full. With `everything` (the
/// kustomize model reads whole objects), only the shallow kinds are read in part.
pub fn partial(text: &str, everything: bool) -> Option<Partial<'_>> {
    let kind = yaml::glance_at_root_key(text, "kind")?;
    let (keep, depth) = keep_for(kind, everything)?;
    // Secret values are masked wherever a mapping says `kind: Secret`, however deep
    // (`extract::secret_values`): a document that could hold one, or spell the word with an
    // escape, is read in full.
    if may_name_a_secret(text) {
        return None;
    }
    Some(Partial {
        keep,
        chosen_for: ("kind", kind),
        depth,
    })
}

/// Whether `Secret` could be a scalar of its own (`kind: Secret`, `- "Secret"`, a line of a
/// block scalar): not inside prose (`the Secret named`) or a longer word (`imagePullSecrets`).
fn may_name_a_secret(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Built once: a searcher is set up anew for each `memmem::find_iter`, and this runs for
    // every document.
    static SECRET: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"Secret"));
    let word = SECRET.find_iter(bytes).any(|at| {
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let before = text[line_start..at]
            .trim_end_matches(['"', '\''])
            .trim_end();
        let after = text[at + 6..]
            .trim_start_matches(['"', '\''])
            .trim_start_matches(' ');
        let alone_before =
            before.is_empty() || before.ends_with([':', '-', ',', '[', '{', '?', '|', '>']);
        let alone_after = after.is_empty()
            || after.starts_with(['\n', '\r', '#', ',', ']', '}', ':'])
            || after.starts_with(|c: char| !c.is_alphanumeric() && c != '.' && c != ' ');
        alone_before && alone_after
    });
    // An escape that writes one of the word's letters (`"Sec\x72et"`).
    let escape = memchr::memchr_iter(b'\\', bytes).any(|at| {
        let digits = match bytes.get(at + 1) {
            Some(b'x') => 2,
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => return false,
        };
        let hex = text.get(at + 2..at + 2 + digits).unwrap_or_default();
        u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .is_some_and(|c| "Secrt".contains(c))
    });
    word || escape
}

/// Every schema of the fast path, for the fuzz target and tests that try them all.
#[cfg(any(test, feature = "testing"))]
pub static SCHEMAS: [&Keep; 5] = [&IDENTITY, &WORKLOAD, &POD, &POD_TEMPLATE, &SERVICE_ACCOUNT];

/// Checks the fast path on one document against the full parse (as deep as the run keeps the
/// document without the fast path: a shallow kind's top only), as extraction sees them:
/// `Ok(true)` when the fast path read the document and the objects, pod specs, ServiceAccounts,
/// Secrets and masked spans extracted from both trees are the same (spans included),
/// `Ok(false)` when the document is not read in part or the fast path left it to the parser.
#[cfg(any(test, feature = "testing"))]
pub fn compare_extraction(text: &str) -> Result<bool, String> {
    use crate::source::SourceFile;
    let Some(partial) = partial(text, false) else {
        return Ok(false);
    };
    if partial.skim(text, 0).is_none() {
        return Ok(false);
    }
    let source = SourceFile::new("t.yaml".into(), None, text.to_string());
    let extracted = |fast: bool| {
        let parsed = match fast {
            true => yaml::parse_document(&source, 0, text.len(), Some(partial)),
            // As the run would read it without the fast path (a shallow kind to its top).
            false => yaml::parse_document_in_full(&source, 0, text.len(), Some(partial)),
        };
        let facts: Vec<String> = (parsed.iter())
            .map(|p| match &p.error {
                Some(error) => format!("{error:?}"),
                None => format!("{:?}", super::extract(&p.document, 0, "default", true)),
            })
            .collect();
        facts.join("\n")
    };
    let (mine, theirs) = (extracted(true), extracted(false));
    if mine != theirs {
        return Err(format!(
            "extracted differently:\nfast path: {mine}\nfull parse: {theirs}"
        ));
    }
    Ok(true)
}

/// What the fast path reads of a document that pulls images, as lines to hold against another
/// decoder's reading (the go-yaml oracle in `tests/goyaml.rs`): each container's list, name,
/// image and pull policy, the pull secrets named and the ServiceAccount. `None` when the fast
/// path does not read the document.
#[cfg(any(test, feature = "testing"))]
pub fn fast_path_facts(text: &str) -> Option<Vec<String>> {
    let partial = partial(text, false)?;
    let document = partial.skim(text, 0)?;
    let extracted = super::extract(&document, 0, "default", false);
    let value = |v: &Option<super::Located>| v.as_ref().map(|v| v.value.clone());
    let secrets = |list: &super::PullSecretList| {
        let names = list
            .named
            .iter()
            .map(|n| format!("pull secret {}", n.value));
        names.collect::<Vec<_>>()
    };
    let mut facts = Vec::new();
    for pod in &extracted.pods {
        for c in &pod.containers {
            facts.push(format!(
                "{} name={:?} image={:?} policy={:?}",
                c.list.key(),
                c.name,
                value(&c.image),
                value(&c.pull_policy)
            ));
        }
        facts.extend(secrets(&pod.pull_secrets));
        if let Some(account) = &pod.service_account {
            facts.push(format!("service account {}", account.value));
        }
    }
    for account in &extracted.service_accounts {
        facts.extend(secrets(&account.pull_secrets));
    }
    Some(facts)
}

#[cfg(test)]
mod tests;
