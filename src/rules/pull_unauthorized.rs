use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::online::Status;

declare_rule! {
    /// ## What it finds
    ///
    /// With `--online`: an image the registry refuses to serve with the credentials the kubelet
    /// would use — the pod's pull secrets (its own, else its ServiceAccount's) whose keys match
    /// the image, then the CI's Docker config as the node's — or refuses anonymously when none
    /// match. The kubelet tries every matching credential and never falls back to anonymous,
    /// so a Secret with stale credentials breaks even a public image.
    ///
    /// ## Why it matters
    ///
    /// The pod shows `ErrImagePull` with `unauthorized` or `denied`, then `ImagePullBackOff`.
    /// Docker Hub answers `denied` both for a private repository and for one that does not
    /// exist: the message says "does not exist or is not authorised" then.
    ///
    /// ## How to fix it
    ///
    /// Fix the Secret named in the message (its username, password or token, or its registry
    /// key), or add a pull secret for the registry. The message names the Secret and key,
    /// never a value.
    ///
    /// `pullcheck fix` has no fix: credentials are not pullcheck's to change.
    ///
    /// ## Example
    ///
    /// Checked against a registry the tests start with password authentication
    /// (`tests/online.rs`), with no pull secret for it:
    ///
    /// ```yaml,online
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "REGISTRY/team/app:1.0"}
    /// ```
    pub struct PullUnauthorized {
        name: "pull-unauthorized",
        severity: Error,
        enabled_by_default: true,
        summary: "the registry refuses the pull with the credentials the kubelet would use (`--online`)",
    }
}

impl Rule for PullUnauthorized {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(verdict), Some(image)) = (c.online, c.image) else {
            return;
        };
        let denied = match verdict.status {
            Status::AuthenticationFailure => "unauthorized",
            Status::AuthorizationFailure => "denied",
            _ => return,
        };
        let with = if verdict.credential == "anonymous" {
            "anonymously (no pull secret or Docker config entry matches the registry)".to_string()
        } else {
            format!("with {}", verdict.credential)
        };
        report.push(
            Finding::new(
                image.span,
                format!(
                    "the registry refuses `{}` {with}: {}",
                    image.value, verdict.detail
                ),
            )
            .label(denied)
            .help(format!(
                "The pod would show ErrImagePull ({denied}), then ImagePullBackOff. Fix the \
                 credentials named, or add a pull secret for the registry."
            )),
        );
    }
}
