use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::k8s::{PRELOADED_ANNOTATION, PullPolicy};

declare_rule! {
    /// ## What it finds
    ///
    /// A container with `imagePullPolicy: Never` whose image is not known to be preloaded on the
    /// nodes its pod can run on. pullcheck knows an image is preloaded when:
    ///
    /// - it matches a `--preloaded GLOB` pattern (matched against the image as written and
    ///   against its normalised form, e.g. `docker.io/library/nginx:1.27`);
    /// - a DaemonSet of the same run pulls the same normalised image with a policy other than
    ///   `Never` (the pre-puller pattern), on every node the pod can land on. The scheduler
    ///   places the DaemonSet's pods only on nodes matching its `nodeSelector` **and** one of
    ///   its required node-affinity terms, and not on nodes with taints it does not tolerate, so
    ///   it covers the pod when the pod's own `nodeSelector` and affinity admit no node the
    ///   DaemonSet's exclude, and the DaemonSet tolerates every taint the pod tolerates (the
    ///   `node.kubernetes.io/*` condition taints aside, which the DaemonSet controller
    ///   tolerates itself). This is decided on the manifests alone: what only node labels
    ///   could decide counts as not covered;
    /// - the object or its pod template carries the annotation `pullcheck.dev/preloaded: "true"`.
    ///
    /// Since Kubernetes 1.35 (KEP-2535, `KubeletEnsureSecretPulledImages`, beta and on by
    /// default) the kubelet remembers which credentials pulled an image. An image a pre-puller
    /// pulled **with a Secret** may then be used by another pod only if that pod holds matching
    /// credentials; a `Never` pod without them gets `ErrImageNeverPull` although the image is on
    /// the node. So from 1.35 on, such a DaemonSet counts only for pods whose pull secrets
    /// cover the image's registry. Images pulled anonymously or with the node's own
    /// credentials, and images put on the node outside the kubelet (baked into the node image;
    /// the default `NeverVerifyPreloadedImages` policy), stay usable by every pod. Set
    /// `kubernetes-version` (flag or `.pullcheck.yaml`) below 1.35 for the older behaviour.
    ///
    /// ## Why it matters
    ///
    /// With `Never` the kubelet never pulls: on a node that does not already hold the image the
    /// container fails with `ErrImageNeverPull` and the pod never starts. This works on a laptop
    /// cluster where the image was built locally, and fails on the first real node.
    ///
    /// ## How to fix it
    ///
    /// Use `IfNotPresent` (pulls only when the node lacks the image), or make sure the image is
    /// on every node (baked into the node image, or pulled by a pre-puller DaemonSet) and
    /// declare it: `--preloaded 'registry.corp/base/*'` or the annotation above.
    ///
    /// `pullcheck fix` has no fix: whether the image is preloaded, or the policy should change, is
    /// a decision.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "registry.corp/web:1.4", imagePullPolicy: Never}
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
    ///     - {name: web, image: "registry.corp/web:1.4", imagePullPolicy: IfNotPresent}
    /// ```
    pub struct NeverWithoutPreload {
        name: "never-without-preload",
        severity: Warning,
        enabled_by_default: true,
        summary: "`imagePullPolicy: Never` with an image not known to be on the nodes",
    }
}

impl Rule for NeverWithoutPreload {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(policy), Some(image)) = (c.policy.written_as(PullPolicy::Never), c.image) else {
            return;
        };
        if c.pod
            .annotation(PRELOADED_ANNOTATION)
            .is_some_and(|a| a.value == "true")
        {
            return;
        }
        let normalized = c.parsed_image().map(|(_, r)| r.normalized());
        let preloaded = &c.options.preloaded;
        if preloaded.is_match(&image.value)
            || normalized.as_ref().is_some_and(|n| preloaded.is_match(n))
        {
            return;
        }
        let pre_pullers = normalized
            .as_deref()
            .map_or(&[][..], |n| c.index.pre_pullers(n));
        let placed: Vec<_> = pre_pullers
            .iter()
            .filter(|p| p.covers(&c.pod.placement))
            .collect();
        // KEP-2535: an image pulled with a Secret is re-verified for each pod.
        let verified = c.options.kubernetes_version.verifies_pulled_images();
        let has_credentials = c
            .parsed_image()
            .is_some_and(|(_, r)| c.credentials.covering(&r.name()).is_some());
        if placed
            .iter()
            .any(|p| p.secret.is_none() || !verified || has_credentials)
        {
            return;
        }
        let why_not = if let Some(p) = placed.first() {
            format!(
                " DaemonSet {}/{} pulls it with Secret `{}`; since Kubernetes 1.35 the kubelet \
                 lets a pod use an image pulled with a Secret only if the pod has matching \
                 credentials, and this pod has none for it (KEP-2535; `kubernetes-version` \
                 below 1.35 turns this off).",
                p.object.namespace,
                p.object.name.as_deref().unwrap_or("?"),
                p.secret.unwrap_or_default()
            )
        } else if let Some(p) = pre_pullers.first() {
            format!(
                " DaemonSet {}/{} pulls it, but its placement ({}) does not reach every node \
                 this pod's placement ({}) admits.",
                p.object.namespace,
                p.object.name.as_deref().unwrap_or("?"),
                p.placement.describe(),
                c.pod.placement.describe()
            )
        } else {
            String::new()
        };
        report.push(Finding::new(
policy.span,
format!(
                "imagePullPolicy is Never but image `{}` is not known to be preloaded on the nodes",
                image.value
            ),
)
.help(format!(
                "The kubelet never pulls this image: on a node without it the pod fails with \
                 ErrImageNeverPull.{} Use IfNotPresent, or preload the image on every node (a \
                 pre-puller DaemonSet in the same run counts) and declare it with `--preloaded \
                 GLOB` or the annotation `{PRELOADED_ANNOTATION}: \"true\"`.",
                why_not
            ))
.label("never pulled"));
    }
}
