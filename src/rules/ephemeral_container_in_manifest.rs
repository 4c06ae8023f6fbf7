use super::{Finding, PodContext, Rule, declare_rule};
use crate::k8s::ContainerList;

declare_rule! {
    /// ## What it finds
    ///
    /// `ephemeralContainers` in a manifest written to be applied: in a pod template, or in a
    /// Pod that was not read back from a cluster (it has no `metadata.resourceVersion`, `uid`
    /// or `creationTimestamp`). Their images are still checked by the other rules.
    ///
    /// ## Why it matters
    ///
    /// Ephemeral containers are added to a running Pod through its `ephemeralcontainers`
    /// subresource (`kubectl debug`), never written: the API server rejects them when a Pod is
    /// created (`spec.ephemeralContainers: Forbidden: cannot be set on create`) and in every
    /// pod template (`ephemeral containers not allowed in pod template`). They appear in
    /// `kubectl get -o yaml` output, which is why a copied manifest can hold them.
    ///
    /// ## How to fix it
    ///
    /// Remove `ephemeralContainers`; use `kubectl debug` to add one to a running Pod.
    ///
    /// `pullcheck fix` has no fix: removing a container from a manifest is a decision.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27"}
    ///   ephemeralContainers:
    ///     - {name: debug, image: "busybox:1.36"}
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
    ///     - {name: web, image: "nginx:1.27"}
    /// ```
    pub struct EphemeralContainerInManifest {
        name: "ephemeral-container-in-manifest",
        severity: Error,
        enabled_by_default: true,
        summary: "`ephemeralContainers` in a Pod to be created or in a pod template",
    }
}

impl Rule for EphemeralContainerInManifest {
    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        if c.pod.is_pod && c.pod.from_cluster {
            return;
        }
        let Some(first) = c
            .pod
            .containers
            .iter()
            .find(|x| x.list == ContainerList::EphemeralContainers)
        else {
            return;
        };
        let why = if c.pod.is_pod {
            "cannot be set when a Pod is created (`spec.ephemeralContainers: Forbidden`)"
                .to_string()
        } else {
            format!(
                "are not allowed in a pod template: the API server rejects the {}",
                c.pod.object.kind
            )
        };
        report.push(
            Finding::new(
                first.span,
                "ephemeral containers in a manifest to be applied",
            )
            .help(format!(
                "Ephemeral containers {why}. They are added to running Pods with `kubectl \
                 debug`; remove them from the manifest."
            ))
            .label("rejected by the API server"),
        );
    }
}
