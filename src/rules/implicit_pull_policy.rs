use super::{ContainerContext, Finding, Rule, RuleMeta, declare_rule};
use crate::k8s::PullPolicy;

declare_rule! {
    /// ## What it finds
    ///
    /// A container without `imagePullPolicy`. The message states the policy Kubernetes will
    /// apply and why: `Always` when the tag is `latest` or the image has neither tag nor digest,
    /// otherwise `IfNotPresent` (an image pinned by digest alone gets `IfNotPresent`).
    ///
    /// ## Why it matters
    ///
    /// The default depends on the tag, so changing `app:1.2` to `app:latest` silently changes
    /// when nodes pull. Writing the policy makes the manifest say what the cluster does.
    ///
    /// ## How to fix it
    ///
    /// Set `imagePullPolicy` explicitly, usually `IfNotPresent` with a pinned tag or digest.
    pub struct ImplicitPullPolicy {
        name: "implicit-pull-policy",
        severity: Info,
        enabled_by_default: true,
        summary: "`imagePullPolicy` is omitted, so Kubernetes derives it from the tag",
    }
}

impl Rule for ImplicitPullPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some(image) = c.image else {
            return;
        };
        if c.policy.written.is_some() {
            return;
        }
        let policy = c.policy.default;
        let why = match c.parsed_image() {
            None => "the reference does not parse".to_string(),
            Some((_, r)) if r.tag() == Some("latest") => "the tag is `latest`".to_string(),
            Some((_, r)) if r.is_untagged() => "the image has neither tag nor digest".to_string(),
            Some((_, r)) => match r.tag() {
                Some(tag) => format!("the tag `{tag}` is not `latest`"),
                None => "the image is pinned by digest".to_string(),
            },
        };
        let consequence = match policy {
            PullPolicy::Always => "every container start asks the registry for the image",
            _ => "nodes pull the image once and reuse their copy",
        };
        report.push(Finding {
            span: image.span,
            message: format!("imagePullPolicy is omitted: Kubernetes sets {policy} because {why}"),
            help: Some(format!(
                "With {policy}, {consequence}. Set imagePullPolicy explicitly so the manifest \
                 says what the cluster does."
            )),
            label: Some(format!("pull policy defaults to {policy}")),
            related: Vec::new(),
        });
    }
}
