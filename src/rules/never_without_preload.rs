use super::{ContainerContext, Finding, Rule, RuleMeta, declare_rule};
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
    ///   `Never` (the pre-puller pattern), on every node the pod can land on: the DaemonSet has
    ///   no `nodeSelector`, or the pod's `nodeSelector` includes all of its labels;
    /// - the object or its pod template carries the annotation `pullcheck.dev/preloaded: "true"`.
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
    pub struct NeverWithoutPreload {
        name: "never-without-preload",
        severity: Warning,
        enabled_by_default: true,
        summary: "`imagePullPolicy: Never` with an image not known to be on the nodes",
    }
}

impl Rule for NeverWithoutPreload {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

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
        let preloaded = &c.settings.preloaded;
        if preloaded.is_match(&image.value)
            || normalized.as_ref().is_some_and(|n| preloaded.is_match(n))
        {
            return;
        }
        let pre_pullers = normalized
            .as_deref()
            .map_or(&[][..], |n| c.index.pre_pullers(n));
        if pre_pullers.iter().any(|p| p.covers(&c.pod.node_selector)) {
            return;
        }
        let partial = pre_pullers.first().map(|p| {
            let selector: Vec<String> = p
                .node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            format!(
                " DaemonSet {}/{} pulls it, but only on nodes labelled {}, and this pod's \
                 nodeSelector does not keep it there.",
                p.object.namespace,
                p.object.name.as_deref().unwrap_or("?"),
                selector.join(",")
            )
        });
        report.push(Finding {
            span: policy.span,
            message: format!(
                "imagePullPolicy is Never but image `{}` is not known to be preloaded on the nodes",
                image.value
            ),
            help: Some(format!(
                "The kubelet never pulls this image: on a node without it the pod fails with \
                 ErrImageNeverPull.{} Use IfNotPresent, or preload the image on every node (a \
                 pre-puller DaemonSet in the same run counts) and declare it with `--preloaded \
                 GLOB` or the annotation `{PRELOADED_ANNOTATION}: \"true\"`.",
                partial.unwrap_or_default()
            )),
            label: Some("never pulled".into()),
            related: Vec::new(),
        });
    }
}
