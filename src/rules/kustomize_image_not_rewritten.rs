use super::{Finding, KustomizationContext, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An image that an `images:` entry's name matches but that kustomize does not rewrite,
    /// because it sits where the ImageTag transformer does not look: an `ephemeralContainers`
    /// entry (kustomize v5.5 rewrites fields named `containers` and `initContainers` only), or
    /// an image volume's `reference`. Checked against `kubectl kustomize`.
    ///
    /// ## Why it matters
    ///
    /// The overlay seems to set the image everywhere, yet that place keeps the base's tag: two
    /// versions run side by side, or an image the registry no longer serves.
    ///
    /// ## How to fix it
    ///
    /// Set that image with a patch, or add a field spec for its path to the kustomization's
    /// `configurations:` (`images: [{path: spec/ephemeralContainers/image, kind: Pod}]`).
    ///
    /// `pullcheck fix` does not edit kustomizations yet.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: busybox, newTag: "1.37"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "busybox:1.36"}]
    ///   ephemeralContainers: [{name: debug, image: "busybox:1.36"}]
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: busybox, newTag: "1.37"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "busybox:1.36"}]
    /// ```
    pub struct KustomizeImageNotRewritten {
        name: "kustomize-image-not-rewritten",
        severity: Warning,
        enabled_by_default: true,
        summary: "an image an `images:` entry matches sits where kustomize does not rewrite it",
    }
}

impl Rule for KustomizeImageNotRewritten {
    fn check_kustomization(&self, k: &KustomizationContext<'_>, report: &mut Vec<Finding>) {
        for entry in &k.entries {
            let Some(image) = entry.not_reached.first() else {
                continue;
            };
            report.push(
                Finding::new(
                    entry.name_at.span,
                    format!(
                        "`images:` entry `{}` does not rewrite `{image}`: kustomize does not \
                         look where it is written",
                        entry.entry.name
                    ),
                )
                .label("not applied to every match")
                .help(
                    "kustomize rewrites images in `containers` and `initContainers` only, not in \
                     `ephemeralContainers` or image volumes, so that image keeps its tag. Set it \
                     with a patch, or add its path to `configurations:`.",
                ),
            );
        }
    }
}
