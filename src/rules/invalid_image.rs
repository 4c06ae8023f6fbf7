use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::image::ImageErrorKind;
use crate::k8s::ContainerList;

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
    /// A container with no image (no `image` key, `image: ""` or `image: ~`) is reported too:
    /// `validateContainerCommon` requires `image` for every container, in Pods and in the pod
    /// templates of Deployments, Jobs and every other workload alike, so the API server rejects
    /// the object (`spec.template.spec.containers[0].image: Required value`). An image volume
    /// (`volumes[].image.reference`) must name its image in a Pod; a template may leave it to a
    /// controller, as the API documents. Custom resources with a pod template (an Argo Rollout,
    /// an operator's CR) are validated by their own schema and their operator may set the
    /// image, so a missing one is not reported there. An OpenShift DeploymentConfig is validated
    /// like a ReplicationController, except for the containers its `ImageChange` triggers name
    /// (`handleEmptyImageReferences`). A kustomize patch (a file a kustomization of the run
    /// lists as a patch) may leave the image out.
    ///
    /// Leading or trailing white space is rejected in a Pod (`validateContainersOnlyForPod`:
    /// `must not have leading or trailing whitespace`). A template with such an image is
    /// accepted, but every Pod its controller creates from it is rejected (the ReplicaSet,
    /// Job or StatefulSet reports `FailedCreate`), unless something replaces the image first
    /// (OpenShift's image triggers use `" "` as a placeholder).
    ///
    /// ## Why it matters
    ///
    /// The kubelet cannot pull what it cannot parse: the container stays in `InvalidImageName`.
    ///
    /// ## How to fix it
    ///
    /// Write the reference as `[registry[:port]/]repository[:tag][@digest]`, repository in
    /// lowercase, e.g. `registry.corp:5000/team/app:1.4.2`.
    ///
    /// `pullcheck fix` has no fix: the intended reference cannot be known from one that does not
    /// parse.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "Nginx:1.27"}
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
    ///     - {name: web, image: "nginx:1.27"}
    /// ```
    pub struct InvalidImage {
        name: "invalid-image",
        severity: Error,
        enabled_by_default: true,
        summary: "the image reference does not parse",
    }
}

impl Rule for InvalidImage {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let list = c.container.list;
        let Some(image) = c.image else {
            // Image volumes may leave `reference` empty in a template, for a controller to set;
            // a kustomize patch leaves the image to the object it patches.
            let filled_by_trigger = list == ContainerList::Containers
                && c.container
                    .name
                    .as_ref()
                    .is_some_and(|n| c.pod.image_trigger_containers.contains(n));
            if (list == ContainerList::ImageVolumes && !c.pod.is_pod)
                || c.pod.partial
                || !c.pod.built_in
                || filled_by_trigger
            {
                return;
            }
            report.push(no_image(c));
            return;
        };
        let Some(Err(error)) = c.reference else {
            return;
        };
        let untrimmed = image.value.trim() != image.value && list != ContainerList::ImageVolumes;
        let (message, help) = match &error.kind {
            ImageErrorKind::Unrendered => (
                format!("image `{}`: {}", image.value, error.kind),
                "The kubelet would get this text verbatim and fail with InvalidImageName."
                    .to_string(),
            ),
            _ if untrimmed && c.pod.is_pod => (
                format!(
                    "image `{}` has leading or trailing white space",
                    image.value
                ),
                "The API server rejects the Pod (`must not have leading or trailing \
                 whitespace`). Remove the white space."
                    .to_string(),
            ),
            _ if untrimmed => (
                format!(
                    "image `{}` has leading or trailing white space",
                    image.value
                ),
                format!(
                    "The API server accepts the {}, but rejects every Pod created from it \
                     (`validateContainersOnlyForPod`), so its controller reports FailedCreate \
                     and no Pod starts, unless a controller replaces the image first. Remove \
                     the white space.",
                    c.pod.object.kind
                ),
            ),
            kind => (
                format!("invalid image reference `{}`: {kind}", image.value),
                "The kubelet cannot parse this reference and the container fails with \
                 InvalidImageName. Write it as `[registry[:port]/]repository[:tag][@digest]`, \
                 repository in lowercase."
                    .to_string(),
            ),
        };
        report.push(
            Finding::new(image.span, message)
                .help(help)
                .label(short_reason(&error.kind)),
        );
    }
}

/// A container (or a Pod's image volume) that names no image.
fn no_image(c: &ContainerContext<'_>) -> Finding {
    let list = c.container.list;
    let key = list.image_key();
    // Point at `image: ""` when the key is written, else at the container's name.
    let span = c
        .container
        .image
        .as_ref()
        .map_or(c.container.span, |i| i.span);
    let field = if list == ContainerList::ImageVolumes {
        "volumes[0].image.reference".to_string()
    } else {
        format!("{}[0].image", list.key())
    };
    let help = if c.pod.is_pod {
        format!(
            "The API server rejects a Pod whose {} names no image (`spec.{field}: Required \
             value`). Add `{key}:` with a pinned reference.",
            list.noun()
        )
    } else {
        format!(
            "Pod templates need an image as Pods do (`validateContainerCommon`): the API server \
             rejects the {} (`spec.template.spec.{field}: Required value`). Add `{key}:` with a \
             pinned reference.",
            c.pod.object.kind
        )
    };
    Finding::new(span, format!("the {} has no image", list.noun()))
        .help(help)
        .label(format!("no `{key}`"))
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
