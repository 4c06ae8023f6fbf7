use super::{ContainerContext, Finding, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An image from outside the allowed registries. Active only when an allow-list is given,
    /// with `--allowed-registry GLOB` (repeatable). A pattern allows an image when it matches
    /// the registry alone (`registry.corp`), or the normalised repository
    /// (`registry.corp/team/*`, `docker.io/library/*`); `*` crosses `/`.
    ///
    /// ## Why it matters
    ///
    /// Platform teams mirror what they run: an image from elsewhere may not be reachable from
    /// the cluster's network, is not scanned, and breaks the supply-chain policy.
    ///
    /// ## How to fix it
    ///
    /// Pull the image through the approved mirror (`registry.corp/dockerhub/library/nginx`), or
    /// extend the allow-list.
    ///
    /// `pullcheck fix` has no fix: which allowed registry serves the image is a choice.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # settings: {registries: {allowed: ["registry.corp"]}}
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # settings: {registries: {allowed: ["registry.corp"]}}
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "registry.corp/dockerhub/library/nginx:1.27"}
    /// ```
    pub struct DisallowedRegistry {
        name: "disallowed-registry",
        severity: Error,
        enabled_by_default: true,
        summary: "the image is outside the allowed registries (`--allowed-registry`)",
    }
}

impl Rule for DisallowedRegistry {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some(allowed) = &c.options.allowed_registries else {
            return;
        };
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        let domain = reference.domain();
        if allowed.globs.is_match(domain) || allowed.globs.is_match(reference.name()) {
            return;
        }
        report.push(
            Finding::new(
                image.span,
                format!("image `{reference}` is from `{domain}`, outside the allowed registries"),
            )
            .help(format!(
                "Allowed: {}. Pull it through an approved registry or extend the allow-list.",
                allowed
                    .patterns
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .label("not an allowed registry"),
        );
    }
}
