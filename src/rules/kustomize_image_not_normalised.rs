use super::{Finding, KustomizationContext, Rule, declare_rule};
use crate::image::ImageRef;
use crate::kustomize::build::EntryUse;
use crate::kustomize::images::split;

declare_rule! {
    /// ## What it finds
    ///
    /// An `images:` entry that matches nothing because its `name` and the image differ only in
    /// how they are written: `nginx` against `docker.io/library/nginx`, `docker.io/nginx` or
    /// `index.docker.io/library/nginx`, and the reverse.
    ///
    /// ## Why it matters
    ///
    /// Both spellings pull the same image, but kustomize compares the name as written (an
    /// expression `^NAME(:tag)?(@digest)?$`, `IsImageMatched` in kustomize's `image` package),
    /// without normalising it. The entry does nothing and the base's tag is deployed.
    ///
    /// ## How to fix it
    ///
    /// Write the entry's `name` exactly as the resources write the image.
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
    ///   containers: [{name: web, image: "docker.io/library/nginx:1.25"}]
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: docker.io/library/nginx, newTag: "1.27"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "docker.io/library/nginx:1.25"}]
    /// ```
    pub struct KustomizeImageNotNormalised {
        name: "kustomize-image-not-normalised",
        severity: Warning,
        enabled_by_default: true,
        summary: "an `images:` entry names an image in another spelling than the resources, so it matches nothing",
    }
}

impl Rule for KustomizeImageNotNormalised {
    fn check_kustomization(&self, k: &KustomizationContext<'_>, report: &mut Vec<Finding>) {
        for entry in &k.entries {
            let Some(written) = normalised_match(entry) else {
                continue;
            };
            report.push(
                Finding::new(
                    entry.name_at.span,
                    format!(
                        "`images:` entry `{}` does not match `{written}`: kustomize compares \
                         names as written",
                        entry.entry.name
                    ),
                )
                .label(format!("write `{written}`"))
                .help(
                    "Both names pull the same image, but kustomize does not normalise them, so \
                     the entry changes nothing. Write the name as the resources do.",
                ),
            );
        }
    }
}

/// For an entry that rewrote nothing: the name of an image of its build that is the same image
/// as the entry's name, written another way.
pub(super) fn normalised_match(entry: &EntryUse) -> Option<String> {
    if !entry.rewrote.is_empty() || !entry.not_reached.is_empty() {
        return None;
    }
    let wanted = ImageRef::parse(&entry.entry.name).ok()?.name();
    entry.seen.iter().find_map(|image| {
        let (name, _, _) = split(image);
        let same = ImageRef::parse(&name).is_ok_and(|r| r.name() == wanted);
        (same && name != entry.entry.name).then_some(name)
    })
}
