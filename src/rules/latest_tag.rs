use super::{ContainerContext, Finding, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An image whose tag is `latest`, such as `nginx:latest`, unless a digest pins it
    /// (`nginx:latest@sha256:…` pulls by digest).
    ///
    /// ## Why it matters
    ///
    /// `latest` is just the tag most recently pushed: it moves. Pods started at different times
    /// run different builds, a rollback does not roll back, and when `imagePullPolicy` is not
    /// written Kubernetes sets it to `Always` when the object is created, so every container
    /// start needs the registry. (The policy is stored then: a Deployment created with
    /// `app:1.2` and later changed to `app:latest` keeps `IfNotPresent`.)
    ///
    /// ## How to fix it
    ///
    /// Pin a version tag (`nginx:1.27.3`) or a digest.
    ///
    /// `pullcheck fix --pins FILE` pins the image to a digest (`IMAGE@DIGEST`), from a file of
    /// `IMAGE: DIGEST` lines such as `pullcheck images --online --format plain` prints;
    /// `pullcheck fix --online` pins it to the digest the registry resolves the tag to now.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:latest"}
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
    ///     - {name: web, image: "nginx:1.27.3"}
    /// ```
    pub struct LatestTag {
        name: "latest-tag",
        severity: Warning,
        enabled_by_default: true,
        summary: "the image uses the moving `latest` tag",
    }
}

impl Rule for LatestTag {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        if reference.tag() != Some("latest") || reference.digest().is_some() {
            return;
        }
        let policy = c.policy.describe();
        report.push(
            Finding::new(
                image.span,
                format!("image `{reference}` uses the `latest` tag"),
            )
            .help(format!(
                "`latest` moves, so pods started at different times run different builds; \
                 {policy}. Pin a version tag or digest."
            ))
            .label("`latest` moves"),
        );
    }
}
