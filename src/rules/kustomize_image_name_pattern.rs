use super::{Finding, KustomizationContext, Rule, declare_rule};
use crate::kustomize::images::split;

declare_rule! {
    /// ## What it finds
    ///
    /// An `images:` entry whose `name` rewrote an image with another name: kustomize reads the
    /// name as a regular expression (`^NAME(:tag)?(@digest)?$`), so each `.` matches any
    /// character and `my.registry/app` also rewrites `myXregistry/app`, and `app.*` rewrites
    /// every image starting with `app`.
    ///
    /// ## Why it matters
    ///
    /// An image that was meant to keep its tag gets the entry's `newTag` or `newName`: a sidecar
    /// runs another image's version, or a tag that does not exist for it (`ErrImagePull`).
    ///
    /// ## How to fix it
    ///
    /// Escape the characters meant literally (`my\.registry/app`), or name the image exactly.
    ///
    /// `pullcheck fix` has no fix: whether the wider match is intended is a choice.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: registry.corp/app, newTag: "2.0"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: app, image: "registry.corp/app:1.0"}
    ///     - {name: mirror, image: "registry-corp/app:1.0"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [pod.yaml]
    /// images:
    ///   - {name: registry\.corp/app, newTag: "2.0"}
    /// # file: pod.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: app, image: "registry.corp/app:1.0"}
    ///     - {name: mirror, image: "registry-corp/app:1.0"}
    /// ```
    pub struct KustomizeImageNamePattern {
        name: "kustomize-image-name-pattern",
        severity: Warning,
        enabled_by_default: true,
        summary: "an `images:` entry's name, read as a regular expression, rewrote an image of another name",
    }
}

impl Rule for KustomizeImageNamePattern {
    fn check_kustomization(&self, k: &KustomizationContext<'_>, report: &mut Vec<Finding>) {
        for entry in &k.entries {
            let literal = unescaped(&entry.entry.name);
            let mut others: Vec<String> = entry
                .rewrote
                .iter()
                .map(|image| split(image).0)
                .filter(|name| *name != literal)
                .collect();
            others.sort_unstable();
            others.dedup();
            let Some(first) = others.first() else {
                continue;
            };
            report.push(
                Finding::new(
                    entry.name_at.span,
                    format!(
                        "`images:` entry `{}` also rewrites `{first}`: its name is a regular \
                         expression",
                        entry.entry.name
                    ),
                )
                .label(if others.len() > 1 {
                    format!("also matches {} other names", others.len())
                } else {
                    "also matches another name".into()
                })
                .help(format!(
                    "kustomize matches `^{}(:tag)?(@digest)?$`, where `.` is any character. \
                     Escape what is meant literally (`\\.`).",
                    entry.entry.name
                )),
            );
        }
    }
}

/// The name an expression stands for when its escapes are read literally (`a\.b` is `a.b`).
fn unescaped(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}
