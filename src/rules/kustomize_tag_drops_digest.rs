use super::{Finding, KustomizationContext, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An `images:` entry with `newTag` and no `digest` that rewrites an image pinned by digest
    /// (`nginx:1.25@sha256:…` or `nginx@sha256:…`). kustomize's updater replaces the tag and
    /// drops the digest (`imagetag` filter, checked against `kubectl kustomize`).
    ///
    /// ## Why it matters
    ///
    /// The base pinned the exact image; the overlay silently turns the pin into a mutable tag,
    /// and nodes may run different builds under it.
    ///
    /// ## How to fix it
    ///
    /// Give the entry the digest too (`newTag` and `digest` together keep both), or pin with
    /// `digest` alone.
    ///
    /// `pullcheck fix` does not edit kustomizations yet.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: nginx, newTag: "1.27"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: "nginx:1.25@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - name: nginx
    ///     newTag: "1.27"
    ///     digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: "nginx:1.25@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    /// ```
    pub struct KustomizeTagDropsDigest {
        name: "kustomize-tag-drops-digest",
        severity: Warning,
        enabled_by_default: true,
        summary: "an `images:` entry's `newTag` drops the digest an image was pinned by",
    }
}

impl Rule for KustomizeTagDropsDigest {
    fn check_kustomization(&self, k: &KustomizationContext<'_>, report: &mut Vec<Finding>) {
        for entry in &k.entries {
            let tag_only = entry
                .entry
                .new_tag
                .as_deref()
                .is_some_and(|t| !t.is_empty())
                && entry.entry.digest.as_deref().is_none_or(str::is_empty);
            let Some(pinned) = entry.rewrote.iter().find(|i| i.contains('@')) else {
                continue;
            };
            if !tag_only {
                continue;
            }
            report.push(
                Finding::new(
                    entry.at.span,
                    format!(
                        "`newTag` drops the digest of `{pinned}`: the image is no longer pinned"
                    ),
                )
                .label("replaces the tag and the digest")
                .help(
                    "kustomize replaces both the tag and the digest when only `newTag` is given. \
                     Add `digest:` to the entry to keep the image pinned.",
                ),
            );
        }
    }
}
