use super::{ContainerContext, Finding, Rule, RuleMeta, declare_rule};
use crate::credentials::CredentialSource;
use crate::k8s::PullPolicy;
use crate::registry::RegistryClass;

declare_rule! {
    /// ## What it finds
    ///
    /// A container whose image comes from a registry that needs credentials, in a pod that no
    /// pull secret reaches. A pull secret reaches a pod through its own `imagePullSecrets`, or,
    /// when it lists none, through those of the ServiceAccount it runs as (`serviceAccountName`,
    /// default `default`, in the pod's namespace). pullcheck resolves ServiceAccounts across
    /// every file of the run; one that is not in the input counts as having no pull secrets,
    /// as a new namespace's `default` ServiceAccount has none, and the message says so.
    ///
    /// When secrets do reach the pod but none covers the registry, `pull-secret-registry-mismatch`
    /// reports it instead.
    ///
    /// Registries that need no secret: public ones (Docker Hub and its aliases,
    /// `registry.k8s.io`, `k8s.gcr.io`, `quay.io`, `ghcr.io`, `gcr.io`, `mcr.microsoft.com`,
    /// `public.ecr.aws`, `registry.gitlab.com`, `docker.elastic.co`, `nvcr.io`,
    /// `registry.access.redhat.com`, `cr.l5d.io`, `registry.datadoghq.com`), loopback ones
    /// (`localhost`, `127.0.0.1`, `[::1]`, any port), and cloud registries whose nodes usually
    /// carry credentials (`*.dkr.ecr.*.amazonaws.com`, `*.gcr.io`, `*-docker.pkg.dev`,
    /// `*.azurecr.io`). Every other registry — an IP address, a host with a port, `harbor.corp` —
    /// needs one. An image with `imagePullPolicy: Never` is never pulled and needs none.
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
    pub struct MissingPullSecret {
        name: "missing-pull-secret",
        severity: Warning,
        enabled_by_default: true,
        summary: "the image's registry needs credentials and no pull secret reaches the pod",
    }
}

impl Rule for MissingPullSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        if c.policy.effective == PullPolicy::Never || !c.credentials.reaching.is_empty() {
            return;
        }
        let domain = reference.domain();
        if c.settings.registries.classify(domain) != RegistryClass::Private {
            return;
        }
        let namespace = &c.pod.object.namespace;
        let CredentialSource::ServiceAccount {
            name: account,
            in_input,
        } = c.credentials.source
        else {
            return;
        };
        let account_note = if in_input {
            format!("its ServiceAccount `{account}` has none")
        } else {
            format!(
                "it relies on ServiceAccount `{account}`, not in the input (counted as having no \
                 pull secrets)"
            )
        };
        report.push(Finding {
            span: image.span,
            message: format!(
                "image `{reference}` comes from `{domain}`, which needs credentials, and no pull \
                 secret reaches the pod"
            ),
            help: Some(format!(
                "The pod lists no imagePullSecrets and {account_note}, so the kubelet pulls \
                 anonymously and the pull fails (ImagePullBackOff). Add a \
                 kubernetes.io/dockerconfigjson Secret for `{domain}` to the pod's \
                 imagePullSecrets or to ServiceAccount `{account}` in namespace `{namespace}`."
            )),
            label: Some(format!("`{domain}` needs a pull secret")),
            related: Vec::new(),
        });
    }
}
