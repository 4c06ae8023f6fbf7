use super::{ContainerContext, Finding, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An image without a digest (`@sha256:…`). Off by default: a policy for teams that pin
    /// every image; enable it with `--enable digest-not-pinned`.
    ///
    /// ## Why it matters
    ///
    /// A tag can be pushed again with other content, so a tag says what you meant to run, not
    /// what runs. A digest names exactly the image that was reviewed and scanned.
    ///
    /// ## How to fix it
    ///
    /// Append the digest, keeping the tag for readers: `nginx:1.27.3@sha256:…` (the digest wins
    /// when both are given). `crane digest IMAGE` or `docker buildx imagetools inspect IMAGE`
    /// prints it.
    ///
    /// `pullcheck fix --pins FILE` writes `IMAGE@DIGEST` from a file of `IMAGE: DIGEST` lines,
    /// which `pullcheck images --online --format plain` prints for what the registries resolved;
    /// `pullcheck fix --online` pins to what the registries resolve now.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27.3"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27.3@sha256:0000000000000000000000000000000000000000000000000000000000000000"}
    /// ```
    pub struct DigestNotPinned {
        name: "digest-not-pinned",
        severity: Info,
        enabled_by_default: false,
        summary: "the image is not pinned by digest",
    }
}

impl Rule for DigestNotPinned {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        if reference.digest().is_some() {
            return;
        }
        report.push(
            Finding::new(
                image.span,
                format!("image `{reference}` is not pinned by digest"),
            )
            .help(
                "A tag can be moved to other content; a digest names exactly one image. Append \
                 `@sha256:…` (`crane digest IMAGE` prints it).",
            )
            .label("no digest"),
        );
    }
}
