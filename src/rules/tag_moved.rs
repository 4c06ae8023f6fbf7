use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::online::Status;

declare_rule! {
    /// ## What it finds
    ///
    /// With `--online`: an image written as `name:tag@digest` whose digest exists, but whose
    /// tag now points at another digest.
    ///
    /// ## Why it matters
    ///
    /// The kubelet pulls by digest, so what runs is what the digest says — not what the tag in
    /// the manifest suggests to a reader, nor what a digest updater (Renovate, Dependabot) sees
    /// as current.
    ///
    /// ## How to fix it
    ///
    /// Update the digest to the tag's current one if that is the intent, or the tag to the one
    /// the digest belongs to.
    ///
    /// `pullcheck fix` has no fix: whether the tag or the digest is right is a choice.
    ///
    /// ## Example
    ///
    /// Checked by `tests/online.rs`, where `app:1.0` was pushed again after the digest below
    /// was taken:
    ///
    /// ```yaml,online
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "REGISTRY/team/app:1.0@OLD_DIGEST"}
    /// ```
    pub struct TagMoved {
        name: "tag-moved",
        severity: Info,
        enabled_by_default: true,
        summary: "the tag of a digest-pinned image points at another digest now (`--online`)",
    }
}

impl Rule for TagMoved {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(verdict), Some(image)) = (c.online, c.image) else {
            return;
        };
        if verdict.status != Status::Available {
            return;
        }
        let (Some(pinned), Some(now)) = (&verdict.digest, &verdict.tag_digest) else {
            return;
        };
        if pinned == now {
            return;
        }
        report.push(
            Finding::new(
                image.span,
                format!("the tag of `{}` now points at {now}", image.value),
            )
            .label("the digest is not the tag's")
            .help(
                "The kubelet pulls the digest written here; the tag names another build now. \
                 Update one of the two.",
            ),
        );
    }
}
