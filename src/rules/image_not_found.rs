use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::online::Status;

declare_rule! {
    /// ## What it finds
    ///
    /// With `--online`: an image whose registry answers that the tag or digest does not exist
    /// (`MANIFEST_UNKNOWN`), or that the repository does not (`NAME_UNKNOWN`), asked with the
    /// credentials the kubelet would use.
    ///
    /// ## Why it matters
    ///
    /// The pod never starts: the kubelet reports `ErrImagePull` (`manifest unknown` or
    /// `not found`), then `ImagePullBackOff`. Common causes: a tag removed upstream, a tag that
    /// never existed (`0.37.0` for `v0.37.0`), a typo in the repository.
    ///
    /// ## How to fix it
    ///
    /// Use a tag or digest the registry has (`crane ls`, the registry's UI), or push the image
    /// before the manifest.
    ///
    /// `pullcheck fix` has no fix: which tag that exists to use is a choice (`--pins` writes a
    /// digest you chose).
    ///
    /// ## Example
    ///
    /// Checked against a registry the tests start (`tests/online.rs`), where `app:1.0` exists
    /// and `app:9.9` does not:
    ///
    /// ```yaml,online
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "REGISTRY/team/app:9.9"}
    /// ```
    pub struct ImageNotFound {
        name: "image-not-found",
        severity: Error,
        enabled_by_default: true,
        summary: "the registry says the image does not exist (`--online`)",
    }
}

impl Rule for ImageNotFound {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(verdict), Some(image)) = (c.online, c.image) else {
            return;
        };
        if verdict.status != Status::Absent {
            return;
        }
        report.push(
            Finding::new(
                image.span,
                format!("image `{}` does not exist: {}", image.value, verdict.detail),
            )
            .label("not in the registry")
            .help(format!(
                "Asked as the kubelet would ({}). The pod would show ErrImagePull, then \
                 ImagePullBackOff. Use a tag or digest the registry has.",
                verdict.credential
            )),
        );
    }
}
