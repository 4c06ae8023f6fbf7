use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::online::Status;

declare_rule! {
    /// ## What it finds
    ///
    /// With `--online`: an image whose index (a multi-platform image) has no manifest for the
    /// platform of the pod's nodes — the `kubernetes.io/arch` (and `kubernetes.io/os`) of its
    /// `nodeSelector`, else `online.platforms` (default `linux/amd64`).
    ///
    /// ## Why it matters
    ///
    /// The pull fails on those nodes with `no match for platform in manifest`
    /// (`ErrImagePull`), often only on the ARM or the AMD node pool.
    ///
    /// ## How to fix it
    ///
    /// Use a tag built for the platform, or pin the pod to nodes the image supports.
    ///
    /// `pullcheck fix` has no fix: which image or nodes to use is a choice.
    ///
    /// ## Example
    ///
    /// Checked against a registry the tests start (`tests/online.rs`), where `app:multi` is
    /// an index for `linux/amd64` and `linux/arm64` only:
    ///
    /// ```yaml,online
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   nodeSelector: {kubernetes.io/arch: s390x}
    ///   containers:
    ///     - {name: web, image: "REGISTRY/team/app:multi"}
    /// ```
    pub struct PlatformMissing {
        name: "platform-missing",
        severity: Error,
        enabled_by_default: true,
        summary: "the image has no manifest for the nodes' platform (`--online`)",
    }
}

impl Rule for PlatformMissing {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(verdict), Some(image)) = (c.online, c.image) else {
            return;
        };
        if verdict.status != Status::PlatformMissing {
            return;
        }
        report.push(
            Finding::new(
                image.span,
                format!(
                    "image `{}` does not serve the nodes' platform: {}",
                    image.value, verdict.detail
                ),
            )
            .label("no manifest for this platform")
            .help(
                "The pull fails with `no match for platform in manifest` (ErrImagePull). Use a \
                 tag built for the platform, or schedule the pod on nodes the image supports.",
            ),
        );
    }
}
