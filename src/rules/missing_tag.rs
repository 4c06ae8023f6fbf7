use super::{ContainerContext, Finding, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// An image with neither a tag nor a digest, such as `nginx` or `registry.corp:5000/app`.
    /// (In `registry.corp:5000/app` the colon belongs to the registry's port: there is no tag.)
    ///
    /// ## Why it matters
    ///
    /// The container runtime pulls `:latest` for such an image, and when `imagePullPolicy` is
    /// not written Kubernetes sets it to `Always` when the object is created. Which build runs depends on when each node pulled:
    /// a rollout, a rescheduled pod or a new node can silently run a different version, and every
    /// pod start needs the registry to be reachable.
    ///
    /// ## How to fix it
    ///
    /// Pin a version tag (`nginx:1.27.3`) or a digest (`nginx@sha256:…`).
    ///
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:1.27.3   # not: nginx
    /// ```
    ///
    /// `pullcheck fix --pins FILE` pins the image to a digest (`IMAGE@DIGEST`), from a file of
    /// `IMAGE: DIGEST` lines such as `pullcheck images --online --format plain` prints;
    /// `pullcheck fix --online` pins it to the digest the registry resolves it to now.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: nginx}
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
    pub struct MissingTag {
        name: "missing-tag",
        severity: Warning,
        enabled_by_default: true,
        summary: "the image has neither tag nor digest, so it runs whatever `latest` is",
    }
}

impl Rule for MissingTag {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        if !reference.is_untagged() {
            return;
        }
        let policy = c.policy.describe();
        report.push(
            Finding::new(
                image.span,
                format!("image `{reference}` has no tag: it runs `:latest`"),
            )
            .help(format!(
                "The runtime pulls `{}:latest` and {policy}, so nodes can run different builds. \
                 Pin a version tag or digest.",
                reference.written_name()
            ))
            .label("no tag or digest"),
        );
    }
}
