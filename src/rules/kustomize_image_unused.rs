use super::kustomize_image_not_normalised::normalised_match;
use super::{Finding, KustomizationContext, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An `images:` entry of a kustomization that matches no image of what the kustomization
    /// builds: a typo (`ngnix`), an image renamed in the base, an entry left over from a
    /// removed component.
    ///
    /// ## Why it matters
    ///
    /// kustomize says nothing: the build succeeds and deploys the base's image, not the tag the
    /// overlay asks for. The mistake shows only when someone compares what runs with what the
    /// overlay says.
    ///
    /// ## How to fix it
    ///
    /// Write the image's name as the resources write it (kustomize matches the name as written,
    /// before any normalisation), or remove the entry. When the name differs only by its
    /// normalisation (`nginx` against `docker.io/library/nginx`),
    /// `kustomize-image-not-normalised` reports it instead.
    ///
    /// `pullcheck fix` has no fix: whether the entry is a typo or left over is a choice.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: ngnix, newTag: "1.27"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "nginx:1.25"}]
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: nginx, newTag: "1.27"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "nginx:1.25"}]
    /// ```
    pub struct KustomizeImageUnused {
        name: "kustomize-image-unused",
        severity: Warning,
        enabled_by_default: true,
        summary: "an `images:` entry of a kustomization matches no image it builds",
    }
}

impl Rule for KustomizeImageUnused {
    fn check_kustomization(&self, k: &KustomizationContext<'_>, report: &mut Vec<Finding>) {
        for entry in &k.entries {
            if !entry.rewrote.is_empty()
                || !entry.not_reached.is_empty()
                || normalised_match(entry).is_some()
            {
                continue;
            }
            report.push(
                Finding::new(
                    entry.name_at.span,
                    format!(
                        "`images:` entry `{}` matches no image of the build of `{}`",
                        entry.entry.name, k.root
                    ),
                )
                .label("matches nothing")
                .help(format!(
                    "kustomize leaves every image as it is. The build's images: {}.",
                    listed(&entry.seen)
                )),
            );
        }
    }
}

/// Up to five distinct images, quoted.
pub(super) fn listed(images: &[String]) -> String {
    let mut distinct: Vec<&str> = images.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.is_empty() {
        return "none".into();
    }
    let more = distinct.len().saturating_sub(5);
    let mut text = distinct
        .iter()
        .take(5)
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}
