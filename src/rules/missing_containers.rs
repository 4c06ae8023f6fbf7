use super::{Finding, PodContext, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// A pod spec — of a Pod, a PodTemplate or a built-in workload's pod template (`apps/`,
    /// `batch/`, `extensions/` groups; custom resources are validated by their own schema) —
    /// without any entry
    /// under `containers`: the key is missing, null or an empty list. A pod spec that has only
    /// `initContainers` is the usual case; its init containers are still checked by the other
    /// rules.
    ///
    /// ## Why it matters
    ///
    /// `validateContainers` requires at least one container, in Pods and in pod templates: the
    /// API server rejects the object (`spec.template.spec.containers: Required value`) and
    /// nothing is deployed.
    ///
    /// ## How to fix it
    ///
    /// Add the main container under `containers:`; keep `initContainers` for what runs before
    /// it.
    ///
    /// ```yaml,fires
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: sync}
    /// spec:
    ///   template:
    ///     spec:
    ///       initContainers:
    ///         - {name: git-sync, image: "registry.k8s.io/git-sync/git-sync:v4.4.0"}
    /// ```
    ///
    /// `pullcheck fix` has no fix: which container the pod should run cannot be known.
    ///
    pub struct MissingContainers {
        name: "missing-containers",
        severity: Error,
        enabled_by_default: true,
        summary: "a pod spec has no `containers`",
    }
}

impl Rule for MissingContainers {
    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        if c.pod.has_containers || c.pod.partial || !c.pod.built_in {
            return;
        }
        let field = if c.pod.is_pod {
            "spec.containers"
        } else {
            "spec.template.spec.containers"
        };
        report.push(
            Finding::new(
                c.pod.span,
                format!("the pod spec of {} has no containers", c.pod.object.kind),
            )
            .help(format!(
                "The API server requires at least one container (`{field}: Required value`, \
                 `validateContainers`) and rejects the {}. Add the main container under \
                 `containers:`.",
                c.pod.object.kind
            ))
            .label("no `containers`"),
        );
    }
}
