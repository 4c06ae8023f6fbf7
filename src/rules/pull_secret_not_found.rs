use super::{Finding, ReferenceContext, Rule, declare_rule};
use crate::index::ReferenceState;
use crate::source::Span;

declare_rule! {
    /// ## What it finds
    ///
    /// A pull-secret reference to a Secret that is nowhere in the input. Off by default: most
    /// repositories do not keep Secrets in git. Enable it with `--enable pull-secret-not-found`
    /// where every object of the cluster is in the repository.
    ///
    /// ## Why it matters
    ///
    /// The kubelet skips a Secret it cannot find (with a `FailedToRetrieveImagePullSecret`
    /// event) and pulls with the others, or anonymously.
    ///
    /// ## How to fix it
    ///
    /// Add the Secret to the repository (sealed or external-secrets style), or remove the
    /// reference.
    ///
    /// `pullcheck fix` has no fix: the Secret has to be created, and its values are not
    /// pullcheck's.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   imagePullSecrets: [{name: harbor}]
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: harbor, namespace: shop}
    /// type: kubernetes.io/dockerconfigjson
    /// stringData:
    ///   .dockerconfigjson: '{"auths": {"harbor.corp": {}}}'
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   imagePullSecrets: [{name: harbor}]
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    pub struct PullSecretNotFound {
        name: "pull-secret-not-found",
        severity: Info,
        enabled_by_default: false,
        summary: "a referenced pull Secret is not in the input",
    }
}

impl Rule for PullSecretNotFound {
    fn check_reference(&self, r: &ReferenceContext<'_>, report: &mut Vec<Finding>) {
        if r.reference.state == ReferenceState::NotFound {
            report.push(finding(&r.written.value, r.namespace, r.written.span));
        }
    }
}

fn finding(name: &str, namespace: &str, span: Span) -> Finding {
    Finding::new(
        span,
        format!("Secret `{name}` is not in the input (namespace `{namespace}`)"),
    )
    .help(
        "If it does not exist in the cluster either, the kubelet skips it and pulls with \
             the other secrets, or anonymously.",
    )
    .label("not in the input")
}
