use super::{Finding, ReferenceContext, Rule, declare_rule};
use crate::index::ReferenceState;

declare_rule! {
    /// ## What it finds
    ///
    /// A pull-secret reference (a `name` under `imagePullSecrets` of a pod spec or of a
    /// ServiceAccount) to a Secret of the input, in the right namespace, that cannot serve image
    /// pulls. What happens depends on the problem:
    ///
    /// - **The kubelet cannot decode it.** The Secret is a docker-config Secret the API server
    ///   accepts (it only checks that the payload is a JSON object), but the kubelet fails to
    ///   unmarshal it into its docker config: `auths` is not an object (`{"auths": []}`), an
    ///   entry is not an object, a `username`/`password`/`email`/`auth` is not a string, or an
    ///   `auth` is not base64 or does not decode to `username:password`
    ///   (`DockerConfigEntry.UnmarshalJSON`, `decodeDockerConfigFieldAuth`). `MakeDockerKeyring`
    ///   then fails before any pull, so **every pull of every pod it reaches fails**, public
    ///   images included. Field names match in any letter case, as Go's JSON decoder matches
    ///   them: `{"Auths": …}` is read like `{"auths": …}`.
    /// - **Wrong type** (not `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`; an
    ///   `Opaque` Secret holding a `config.json` is the classic case) or a `.dockerconfigjson`
    ///   without `auths`: the kubelet takes no credentials from it, pulls go out anonymously
    ///   and fail with `Unauthorized` where the registry needs credentials.
    /// - **Missing type key, `data` not base64, payload not a JSON object**: the API server
    ///   rejects the Secret (`ValidateSecret`), so the first failure is the `kubectl apply` of
    ///   the Secret itself.
    ///
    /// Each reference is reported once, where it is written. The Secret's values are never
    /// shown: they are decoded in memory, only "valid or why not" is kept.
    ///
    /// ## Why it matters
    ///
    /// Pods that rely on the Secret fail to pull: `ErrImagePull` / `ImagePullBackOff`.
    ///
    /// ## How to fix it
    ///
    /// Recreate the Secret with `kubectl create secret docker-registry NAME
    /// --docker-server=REGISTRY …`, or write `type: kubernetes.io/dockerconfigjson` with a
    /// `.dockerconfigjson` key holding `{"auths": {"REGISTRY": {"auth": "base64(user:password)"}}}`.
    ///
    /// `pullcheck fix` never edits Secrets.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: harbor, namespace: default}
    /// type: Opaque
    /// stringData:
    ///   token: not-a-docker-config
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: default}
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
    pub struct PullSecretWrongType {
        name: "pull-secret-wrong-type",
        severity: Error,
        enabled_by_default: true,
        summary: "a referenced pull Secret is not a usable docker-config Secret",
    }
}

impl Rule for PullSecretWrongType {
    fn check_reference(&self, r: &ReferenceContext<'_>, report: &mut Vec<Finding>) {
        if let ReferenceState::Invalid(problem) = r.reference.state {
            report.push(finding(&r.written.value, problem, r.written.span));
        }
    }
}

fn finding(
    name: &str,
    problem: &crate::credentials::SecretProblem,
    span: crate::source::Span,
) -> Finding {
    Finding::new(
        span,
        format!("Secret `{name}` cannot serve image pulls: {problem}"),
    )
    .help(format!(
        "{} Recreate it with `kubectl create secret docker-registry`.",
        problem.consequence()
    ))
    .label("not a usable pull secret")
}
