use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::diagnostic::FixKind;
use crate::image::ImageRef;
use crate::index::CredentialSource;
use crate::k8s::PullPolicy;
use crate::registry_class::RegistryClass;

declare_rule! {
    /// ## What it finds
    ///
    /// A container or image volume whose image likely comes from a registry that needs
    /// credentials, in a pod that no pull secret reaches. A pull secret reaches a pod through its
    /// own `imagePullSecrets`, or, when that list is empty, through those of the ServiceAccount it
    /// runs as (`serviceAccountName`, or the deprecated `serviceAccount` when that is empty;
    /// default `default`; in the pod's namespace). The ServiceAccount admission plugin copies the
    /// ServiceAccount's list only into a pod whose own list is empty, so a pod list holding only
    /// entries without a name (`- {}`, `- name: ""`) keeps them out, and the kubelet skips those
    /// entries: the pull is anonymous. pullcheck resolves ServiceAccounts across every file of
    /// the run; one that is not in the input counts as having no pull secrets, as a new
    /// namespace's `default` ServiceAccount has none, and the message says so.
    ///
    /// When secrets do reach the pod but none covers the registry, `pull-secret-registry-mismatch`
    /// reports it instead.
    ///
    /// Whether a registry needs credentials is a guess, and messages say "likely". Taken as not
    /// needing a pull secret: registries that serve public images anonymously (Docker Hub and
    /// its aliases, `registry.k8s.io`, `k8s.gcr.io`, `quay.io`, `ghcr.io`, `mcr.microsoft.com`,
    /// `public.ecr.aws`, `registry.gitlab.com`, `docker.elastic.co`, `nvcr.io`,
    /// `registry.access.redhat.com`, `cr.l5d.io`, `registry.datadoghq.com`; several of them host
    /// private repositories too), loopback registries (`localhost`, all of `127.0.0.0/8`, `::1`,
    /// any port, as containerd's `IsLocalhost`), and cloud registries for which nodes usually
    /// get credentials from a kubelet credential provider configured on the node, for the
    /// node's own account (`*.dkr.ecr.*.amazonaws.com` and its `-fips`, `.cn` and `on.aws`
    /// forms, `gcr.io`, `*.gcr.io`, `*-docker.pkg.dev`, `*.azurecr.io`, `.cn`, `.us`,
    /// `*.ocir.io`). Every other registry — an IP address, a host with a port, `harbor.corp` —
    /// is taken to need one. `registries.public`, `registries.private` and
    /// `registries.node-credentials` in `.pullcheck.yaml` set the class per host or per
    /// repository prefix (`ghcr.io/my-org`). An image with `imagePullPolicy: Never` is never
    /// pulled and needs no secret to be pulled (see `never-without-preload` for what Kubernetes
    /// 1.35 checks before such a pod may use an image pulled with a Secret).
    ///
    /// ## Why it matters
    ///
    /// Without credentials the kubelet pulls anonymously; a private registry answers
    /// `unauthorized` and the pod sits in `ErrImagePull` / `ImagePullBackOff`.
    ///
    /// ## How to fix it
    ///
    /// Create a `kubernetes.io/dockerconfigjson` Secret for the registry in the pod's namespace
    /// and list it under the pod spec's `imagePullSecrets`, or under the ServiceAccount's:
    ///
    /// ```yaml
    /// spec:
    ///   imagePullSecrets:
    ///     - name: harbor-pull
    /// ```
    ///
    /// `pullcheck fix` adds the Secret to the pod's `imagePullSecrets` when exactly one Secret in
    /// the input, in the pod's namespace, covers the registry (two would be a guess), and the
    /// pod either lists pull secrets already or runs as a ServiceAccount of the input that
    /// lists none. A ServiceAccount that is not in the input may list secrets in the cluster,
    /// and a list of the pod's own would keep them out: then it offers nothing.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: harbor, namespace: default}
    /// type: kubernetes.io/dockerconfigjson
    /// stringData:
    ///   .dockerconfigjson: '{"auths": {"harbor.corp": {}}}'
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: default}
    /// spec:
    ///   imagePullSecrets: [{name: harbor}]
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    pub struct MissingPullSecret {
        name: "missing-pull-secret",
        severity: Warning,
        enabled_by_default: true,
        summary: "the image's registry likely needs credentials and no pull secret reaches the pod",
    }
}

impl Rule for MissingPullSecret {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        if c.policy.effective == PullPolicy::Never || !c.credentials.reaching.is_empty() {
            return;
        }
        let domain = reference.domain();
        if c.options.registries.classify(reference) != RegistryClass::Private {
            return;
        }
        let namespace = &c.pod.object.namespace;
        let account = c.pod.service_account_name();
        let why_none = match c.credentials.source {
            CredentialSource::ServiceAccount { in_input: true, .. } => {
                format!(
                    "The pod lists no imagePullSecrets and its ServiceAccount `{account}` has none"
                )
            }
            CredentialSource::ServiceAccount {
                in_input: false, ..
            } => format!(
                "The pod lists no imagePullSecrets and it relies on ServiceAccount `{account}`, \
                 not in the input (counted as having no pull secrets)"
            ),
            CredentialSource::Pod => format!(
                "The pod's imagePullSecrets entries name no Secret, so the kubelet skips them; \
                 and since the list is not empty, the pull secrets of ServiceAccount \
                 `{account}` are not copied into the pod"
            ),
        };
        let class_note = match c.options.registries.configured_pattern(reference) {
            Some(pattern) => format!("`registries.private` lists `{pattern}`"),
            None => format!(
                "pullcheck's guess; list it under `registries.public` in .pullcheck.yaml if \
                 `{domain}` serves this image anonymously"
            ),
        };
        let finding = Finding::new(
            image.span,
            format!(
                "image `{reference}` comes from `{domain}`, which likely needs credentials, and \
                 no pull secret reaches the pod"
            ),
        )
        .help(format!(
            "{why_none}, so the kubelet pulls anonymously and a registry that needs \
                 credentials answers Unauthorized (ImagePullBackOff). Add a \
                 kubernetes.io/dockerconfigjson Secret for `{domain}` to the pod's \
                 imagePullSecrets or to ServiceAccount `{account}` in namespace `{namespace}`. \
                 (The registry class is {class_note}.)"
        ))
        .label(format!("`{domain}` likely needs a pull secret"));
        report.push(offer_pull_secret(c, reference, finding));
    }
}

// The fix of this rule and of `pull-secret-registry-mismatch`: the one Secret of the pod's
// namespace that covers the image's registry, added to the pod's `imagePullSecrets` — only
// where that hides nothing from the kubelet.

/// Adds the fix to `finding` when it is safe: exactly one Secret in the input, in the pod's
/// namespace, covers the registry, and either the pod lists pull secrets already (the entry
/// joins them) or the pod lists none and runs as a ServiceAccount of the input that reaches
/// none either. A pod whose ServiceAccount lists secrets, or is not in the input, is left
/// alone: a list of its own would keep the ServiceAccount's secrets from being copied into it.
/// A pod of a kustomize build is left alone too: its namespace and names are the overlay's.
pub(super) fn offer_pull_secret(
    c: &ContainerContext<'_>,
    reference: &ImageRef,
    finding: Finding,
) -> Finding {
    if c.pod.built.is_some() {
        return finding;
    }
    let covering = c
        .index
        .secrets_covering(&c.pod.object.namespace, &reference.name());
    let [secret] = covering.as_slice() else {
        return finding;
    };
    let title = format!("add pull secret {secret} to the pod");
    let list = &c.pod.pull_secrets;
    if list.listed {
        let last = list.named.iter().max_by_key(|n| n.span.start);
        return match last {
            Some(last) if list.unusable.iter().all(|u| u.span.start < last.span.start) => {
                finding.fix_of(FixKind::AddListItem, last.span, *secret, title)
            }
            _ => finding,
        };
    }
    let account_lists_none = matches!(
        c.credentials.source,
        CredentialSource::ServiceAccount { in_input: true, .. }
    ) && c.credentials.reaching.is_empty();
    if account_lists_none {
        let value = format!("[{{name: {secret}}}]");
        finding.fix_of(
            FixKind::AddFirstKey("imagePullSecrets"),
            c.pod.span,
            value,
            title,
        )
    } else {
        finding
    }
}
