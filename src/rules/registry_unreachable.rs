use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::online::Status;

declare_rule! {
    /// ## What it finds
    ///
    /// With `--online`: an image whose registry gave no answer about it — no answer at all (DNS,
    /// connection, TLS, timeout), a server error, a rate limit (429), an answer pullcheck does
    /// not understand — or that cannot be verified from here (a cloud registry whose nodes
    /// carry their own credentials, with none in the Docker config).
    ///
    /// ## Why it matters
    ///
    /// Such an answer may be transient, so it is reported as info: with the default
    /// `--fail-on warning`, an outage of a registry in CI does not fail every build (raise it
    /// with `rules: {registry-unreachable: error}`). The kubelet would show `ErrImagePull` with
    /// a connection error if the registry stays unreachable.
    ///
    /// ## How to fix it
    ///
    /// Check the registry's address, and retry; behind a proxy set `HTTPS_PROXY`; for a private
    /// CA set `registries.ca`.
    ///
    /// `pullcheck fix` has no fix: nothing in the manifest is wrong.
    ///
    /// ## Example
    ///
    /// Checked by `tests/online.rs` against a port where no registry listens:
    ///
    /// ```yaml,online
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "UNREACHABLE/team/app:1.0"}
    /// ```
    pub struct RegistryUnreachable {
        name: "registry-unreachable",
        severity: Info,
        enabled_by_default: true,
        summary: "the registry gave no answer about the image (`--online`)",
    }
}

impl Rule for RegistryUnreachable {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(verdict), Some(image)) = (c.online, c.image) else {
            return;
        };
        let what = match verdict.status {
            Status::RegistryUnavailable => "the registry is unreachable",
            Status::RateLimited => "the registry limits requests",
            Status::Unverifiable => "the image cannot be verified from here",
            Status::Unknown => "the registry's answer is not understood",
            _ => return,
        };
        report.push(
            Finding::new(
                image.span,
                format!("{what}: `{}`: {}", image.value, verdict.detail),
            )
            .label("no answer about this image")
            .help(
                "Possibly transient. If it lasts, the kubelet shows ErrImagePull with the \
                     same cause.",
            ),
        );
    }
}
