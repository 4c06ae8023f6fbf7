use super::{ContainerContext, Finding, Rule, RuleMeta, declare_rule};
use crate::k8s::PullPolicy;

declare_rule! {
    /// ## What it finds
    ///
    /// A container with `imagePullPolicy: Never` whose image is not known to be preloaded on the
    /// nodes. An image is known to be preloaded when it matches a `--preloaded GLOB` pattern
    /// (matched against the image as written and against its normalised form, e.g.
    /// `docker.io/library/nginx:1.27`).
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
    /// on every node (baked into the node image, or pulled by a pre-puller DaemonSet) and declare
    /// it with `--preloaded 'registry.corp/base/*'`.
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
        let image = &image.value;
        let normalized = c.parsed_image().map(|(_, r)| r.normalized());
        let preloaded = c.settings.preloaded.is_match(image)
            || normalized.is_some_and(|n| c.settings.preloaded.is_match(n));
        if preloaded {
            return;
        }
        report.push(Finding {
            span: policy.span,
            message: format!(
                "imagePullPolicy is Never but image `{image}` is not known to be preloaded on the nodes"
            ),
            help: Some(
                "The kubelet never pulls this image: on a node without it the pod fails with \
                 ErrImageNeverPull. Use IfNotPresent, or preload the image on every node and \
                 declare it with `--preloaded GLOB`."
                    .into(),
            ),
            label: Some("never pulled".into()),
        });
    }
}
