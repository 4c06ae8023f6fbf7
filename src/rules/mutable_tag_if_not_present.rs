use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::k8s::PullPolicy;

declare_rule! {
    /// ## What it finds
    ///
    /// An explicit `imagePullPolicy: IfNotPresent` (or `Never`) on an image whose tag is `latest`
    /// or missing, without a digest.
    ///
    /// ## Why it matters
    ///
    /// A node keeps whichever build of the tag it pulled first and does not look again. Replicas
    /// on different nodes run different builds, a new push reaches only new nodes, and a
    /// rollback changes nothing on nodes that already have the tag. (Since Kubernetes 1.35 a
    /// node pulls again when a pod without matching credentials wants an image it pulled with a
    /// Secret — which can bring yet another build, so it is no way to update either.)
    ///
    /// ## How to fix it
    ///
    /// Pin a version tag or a digest (best), or use `Always` if the tag is meant to move.
    ///
    /// `pullcheck fix --pins FILE` removes it along with missing-tag or latest-tag when it pins the
    /// image; choosing `Always` instead is yours.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:latest", imagePullPolicy: IfNotPresent}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27.3", imagePullPolicy: IfNotPresent}
    /// ```
    pub struct MutableTagIfNotPresent {
        name: "mutable-tag-if-not-present",
        severity: Warning,
        enabled_by_default: true,
        summary: "`IfNotPresent` or `Never` with a `latest` or missing tag: nodes keep old builds",
    }
}

impl Rule for MutableTagIfNotPresent {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((_, reference)) = c.parsed_image() else {
            return;
        };
        let Some(written) = [PullPolicy::IfNotPresent, PullPolicy::Never]
            .into_iter()
            .find_map(|p| c.policy.written_as(p))
        else {
            return;
        };
        let tag = match reference.tag() {
            _ if reference.digest().is_some() => return,
            Some("latest") => "the `latest` tag",
            None => "no tag (so `latest`)",
            Some(_) => return,
        };
        report.push(
            Finding::new(
                written.span,
                format!(
                    "imagePullPolicy {} with {tag}: nodes keep whichever build they pulled first",
                    written.value
                ),
            )
            .help(format!(
                "`{}:latest` moves, but a node that has it never pulls again, so replicas on \
                 different nodes can run different builds. Pin a version tag or digest, or use \
                 Always.",
                reference.written_name()
            ))
            .label("never re-pulled"),
        );
    }
}
