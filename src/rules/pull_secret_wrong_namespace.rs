use super::{Finding, PodContext, ReferenceContext, Rule, declare_rule};
use crate::index::ReferenceState;
use crate::source::Span;

declare_rule! {
    /// ## What it finds
    ///
    /// A pull-secret reference to a Secret that the input holds only in other namespaces, and a
    /// `serviceAccountName` naming a ServiceAccount that the input holds only in other
    /// namespaces. Each reference is reported once, where it is written.
    ///
    /// ## Why it matters
    ///
    /// Secrets and ServiceAccounts are not shared across namespaces. The kubelet skips a pull
    /// secret it cannot find in the pod's namespace (and pulls without it); a Pod naming a
    /// ServiceAccount that does not exist in its namespace is rejected at admission (for a
    /// workload, every Pod its controller creates is: `FailedCreate`).
    ///
    /// ## How to fix it
    ///
    /// Create the Secret (or ServiceAccount) in the pod's namespace too, or move the workload.
    ///
    /// `pullcheck fix` has no fix: copying a Secret into another namespace is a decision about its
    /// values.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: harbor, namespace: ci}
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
    pub struct PullSecretWrongNamespace {
        name: "pull-secret-wrong-namespace",
        severity: Error,
        enabled_by_default: true,
        summary: "a referenced pull Secret or ServiceAccount exists only in another namespace",
    }
}

impl Rule for PullSecretWrongNamespace {
    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        let namespace = &c.pod.object.namespace;
        let Some(account) = &c.pod.service_account else {
            return;
        };
        if c.index.service_account(namespace, &account.value).is_some() {
            return;
        }
        let others = c.index.service_account_elsewhere(namespace, &account.value);
        if others.is_empty() {
            return;
        }
        report.push(Finding::new(
account.span,
format!(
                "ServiceAccount `{}` is not in namespace `{namespace}` (the input has it in {})",
                account.value,
                list(&others)
            ),
)
.help(format!(
                "A pod runs as a ServiceAccount of its own namespace: the ServiceAccount \
                 admission plugin rejects every Pod whose ServiceAccount does not exist there (a \
                 workload's controller then reports FailedCreate), and its pull secrets would \
                 not apply. Create ServiceAccount `{}` in `{namespace}`.",
                account.value
            ))
.label(format!("not in `{namespace}`")));
    }

    fn check_reference(&self, r: &ReferenceContext<'_>, report: &mut Vec<Finding>) {
        if let ReferenceState::OtherNamespaces(others) = &r.reference.state {
            report.push(secret_finding(
                &r.written.value,
                r.namespace,
                others,
                r.written.span,
            ));
        }
    }
}

fn secret_finding(name: &str, namespace: &str, others: &[&str], span: Span) -> Finding {
    Finding::new(
        span,
        format!(
            "Secret `{name}` is not in namespace `{namespace}` (the input has it in {})",
            list(others)
        ),
    )
    .help(format!(
        "Pods use only Secrets of their own namespace: the kubelet skips this reference and \
             pulls without it. Create Secret `{name}` in `{namespace}` too."
    ))
    .label(format!("not in `{namespace}`"))
}

fn list(namespaces: &[&str]) -> String {
    namespaces
        .iter()
        .map(|ns| format!("`{ns}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
