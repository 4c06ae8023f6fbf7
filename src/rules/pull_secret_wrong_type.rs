use super::{AccountContext, Finding, PodContext, Rule, RuleMeta, declare_rule};
use crate::credentials::ReferenceState;

declare_rule! {
    /// ## What it finds
    ///
    /// A pull-secret reference (a `name` under `imagePullSecrets` of a pod spec or of a
    /// ServiceAccount) to a Secret of the input, in the right namespace, that cannot serve image
    /// pulls: its type is not `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`
    /// (an `Opaque` Secret holding a `config.json` is the classic case), or its payload — the
    /// `.dockerconfigjson` or `.dockercfg` key, in `data` (base64) or `stringData` — is missing,
    /// not base64, not JSON, or has no `auths`.
    ///
    /// Each reference is reported once, where it is written. The Secret's values are never
    /// shown: only which of these problems it has.
    ///
    /// ## Why it matters
    ///
    /// The kubelet builds its keyring only from docker-type Secrets: this one adds no
    /// credentials, and pulls from the registry it was meant for fail with `Unauthorized`.
    ///
    /// ## How to fix it
    ///
    /// Recreate the Secret with the right type, e.g.
    /// `kubectl create secret docker-registry NAME --docker-server=REGISTRY …`, or
    /// `type: kubernetes.io/dockerconfigjson` with a `.dockerconfigjson` key holding
    /// `{"auths": {"REGISTRY": {...}}}`.
    pub struct PullSecretWrongType {
        name: "pull-secret-wrong-type",
        severity: Error,
        enabled_by_default: true,
        summary: "a referenced pull Secret is not a usable docker-config Secret",
    }
}

impl Rule for PullSecretWrongType {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        for (located, reference) in c.own_references() {
            if let ReferenceState::Invalid(problem) = reference.state {
                report.push(finding(&located.value, problem, located.span));
            }
        }
    }

    fn check_service_account(&self, c: &AccountContext<'_>, report: &mut Vec<Finding>) {
        for (located, reference) in c.references() {
            if let ReferenceState::Invalid(problem) = reference.state {
                report.push(finding(&located.value, problem, located.span));
            }
        }
    }
}

fn finding(
    name: &str,
    problem: &crate::credentials::SecretProblem,
    span: crate::source::Span,
) -> Finding {
    Finding {
        span,
        message: format!("Secret `{name}` cannot serve image pulls: {problem}"),
        help: Some(
            "The kubelet takes credentials only from kubernetes.io/dockerconfigjson (or \
             dockercfg) Secrets with a valid payload, so this reference adds none and pulls \
             that need it fail with Unauthorized. Recreate it with `kubectl create secret \
             docker-registry`."
                .into(),
        ),
        label: Some("not a usable pull secret".into()),
        related: Vec::new(),
    }
}
