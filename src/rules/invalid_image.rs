use super::{ContainerContext, Finding, Rule, RuleMeta, declare_rule};
use crate::image::ImageErrorKind;

declare_rule! {
    /// ## What it finds
    ///
    /// An image reference that the container runtime cannot parse, with the reason: uppercase
    /// letters in the repository, white space, an empty path component, a bad tag or digest
    /// (a `sha256` digest has exactly 64 lowercase hex digits), a registry port that is not a
    /// number, a repository path longer than 255 characters. References are parsed with the
    /// distribution/reference grammar that Kubernetes and the runtimes use.
    ///
    /// Helm (`{{ .Values.image }}`) or envsubst (`${IMAGE}`, `$IMAGE`) templating left in a
    /// manifest gets its own message: the file is an unrendered template, and it is the output
    /// of `helm template` that should be linted.
    ///
    /// A Pod whose container has no image at all is reported too: the API server rejects it
    /// (`spec.containers[0].image: Required value`). Pod templates of workloads may leave the
    /// image empty for a controller to fill in, so they are not.
    ///
    /// ## Why it matters
    ///
    /// The kubelet cannot pull what it cannot parse: the container stays in `InvalidImageName`.
    ///
    /// ## How to fix it
    ///
    /// Write the reference as `[registry[:port]/]repository[:tag][@digest]`, repository in
    /// lowercase, e.g. `registry.corp:5000/team/app:1.4.2`.
    pub struct InvalidImage {
        name: "invalid-image",
        severity: Error,
        enabled_by_default: true,
        summary: "the image reference does not parse",
    }
}

impl Rule for InvalidImage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let (Some(image), Some(Err(error))) = (c.image, c.reference) else {
            if c.image.is_none() && c.pod.is_pod {
                report.push(Finding {
                    span: c.container.span,
                    message: "the container has no image".into(),
                    help: Some(
                        "The API server rejects a Pod whose container names no image \
                         (`image: Required value`). Add `image:` with a pinned reference."
                            .into(),
                    ),
                    label: Some("no image".into()),
                    related: Vec::new(),
                });
            }
            return;
        };
        let (message, help) = match &error.kind {
            ImageErrorKind::Unrendered => (
                format!("image `{}`: {}", image.value, error.kind),
                "The kubelet would get this text verbatim and fail with InvalidImageName."
                    .to_string(),
            ),
            kind => (
                format!("invalid image reference `{}`: {kind}", image.value),
                "The kubelet cannot parse this reference and the container fails with \
                 InvalidImageName. Write it as `[registry[:port]/]repository[:tag][@digest]`, \
                 repository in lowercase."
                    .to_string(),
            ),
        };
        report.push(Finding {
            span: image.span,
            message,
            help: Some(help),
            label: Some(short_reason(&error.kind).into()),
            related: Vec::new(),
        });
    }
}

fn short_reason(kind: &ImageErrorKind) -> &'static str {
    use ImageErrorKind::*;
    match kind {
        Empty => "empty",
        Unrendered => "unrendered template",
        WhiteSpace => "white space",
        HexIdentifier => "an image ID",
        UppercaseRepository => "uppercase repository",
        EmptyPathComponent => "empty path component",
        InvalidPathCharacter(_) => "invalid character",
        BadSeparator => "misplaced separator",
        InvalidDomain => "invalid registry",
        TagTooLong => "tag too long",
        InvalidTag => "invalid tag",
        InvalidDigest | DigestLength { .. } => "invalid digest",
        UnsupportedDigestAlgorithm(_) => "unsupported digest algorithm",
        NameTooLong(_) => "name too long",
    }
}
