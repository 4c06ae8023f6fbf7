use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::k8s::PullPolicy;

declare_rule! {
    /// ## What it finds
    ///
    /// A container or image volume whose pull policy is not written: the key is missing, null
    /// (`imagePullPolicy:`, `~`) or the empty string (`""`, what a Helm chart renders for an
    /// unset quoted `pullPolicy`). Kubernetes treats all of these alike (`SetDefaults_Container`
    /// tests for `""`, and null decodes to `""`) and sets the policy from the tag: `Always` when
    /// the tag is `latest` or the image has neither tag nor digest, otherwise `IfNotPresent` (an
    /// image pinned by digest alone gets `IfNotPresent`). The message says which and why.
    ///
    /// ## Why it matters
    ///
    /// The default is set **once, when the object is created**, and stored; it is not
    /// recomputed when the image changes later (kubernetes/kubernetes#98108). Change
    /// `app:1.2` to `app:latest` on an existing Deployment and it keeps `IfNotPresent`: nodes
    /// that already have a `latest` keep running it. The same manifest applied to a new
    /// cluster gets `Always`. Writing the policy makes the manifest say what the cluster does,
    /// whatever the object's history.
    ///
    /// It is off by default (`--enable implicit-pull-policy`, or `rules: {implicit-pull-policy:
    /// info}` in `.pullcheck.yaml`): most manifests omit the policy, so it would be most of what
    /// a run reports (64% of the findings on the test corpus), and the cases where the stored
    /// default goes wrong are reported on their own: a `latest` or missing tag (`latest-tag`,
    /// `missing-tag`) and `IfNotPresent` or `Never` written with one
    /// (`mutable-tag-if-not-present`). Turn it on for manifests that must say everything.
    ///
    /// ## How to fix it
    ///
    /// Set `imagePullPolicy` explicitly, usually `IfNotPresent` with a pinned tag or digest.
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: p}
    /// spec:
    ///   containers:
    ///     - {name: app, image: "nginx:1.27", imagePullPolicy: ""}
    /// ```
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: p}
    /// spec:
    ///   containers:
    ///     - {name: app, image: "nginx:1.27", imagePullPolicy: IfNotPresent}
    /// ```
    ///
    /// `pullcheck fix --rule implicit-pull-policy` writes the policy Kubernetes would set on
    /// creation next to the image, in the mapping's own style.
    ///
    pub struct ImplicitPullPolicy {
        name: "implicit-pull-policy",
        severity: Info,
        enabled_by_default: false,
        summary: "`imagePullPolicy` is not written, so Kubernetes sets it from the tag on creation",
    }
}

impl Rule for ImplicitPullPolicy {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some(image) = c.image else {
            return;
        };
        if c.policy.written.is_some() {
            return;
        }
        let policy = c.policy.default;
        let why = match c.parsed_image() {
            None => "the reference does not parse".to_string(),
            Some((_, r)) if r.tag() == Some("latest") => "the tag is `latest`".to_string(),
            Some((_, r)) if r.is_untagged() => "the image has neither tag nor digest".to_string(),
            Some((_, r)) => match r.tag() {
                Some(tag) => format!("the tag `{tag}` is not `latest`"),
                None => "the image is pinned by digest".to_string(),
            },
        };
        let consequence = match policy {
            PullPolicy::Always => "every container start asks the registry for the image",
            _ if c.options.kubernetes_version.verifies_pulled_images() => {
                "nodes pull the image once and reuse their copy (a copy pulled with a Secret is \
                 reused only by pods with matching credentials: KEP-2535, since 1.35)"
            }
            _ => "nodes pull the image once and reuse their copy",
        };
        report.push(
            Finding::new(
                image.span,
                format!(
                    "imagePullPolicy is not written: Kubernetes sets {policy} on creation because \
                 {why}"
                ),
            )
            .help(format!(
                "With {policy}, {consequence}. The policy is set once, when the object is \
                 created, and kept when the image changes later. Set imagePullPolicy explicitly \
                 so the manifest says what the cluster does."
            ))
            .label(format!("pull policy defaults to {policy}"))
            .fix_by_adding(
                image.span,
                c.container.list.policy_key(),
                policy.as_str(),
                format!("write imagePullPolicy: {policy}"),
            ),
        );
    }
}
