//! The fix of `missing-pull-secret` and `pull-secret-registry-mismatch`: the one Secret of the
//! pod's namespace that covers the image's registry, added to the pod's `imagePullSecrets` —
//! only where that hides nothing from the kubelet.

use super::{ContainerContext, Finding};
use crate::diagnostic::FixKind;
use crate::image::ImageRef;
use crate::index::CredentialSource;

/// Adds the fix to `finding` when it is safe: exactly one Secret in the input, in the pod's
/// namespace, covers the registry, and either the pod lists pull secrets already (the entry
/// joins them) or the pod lists none and runs as a ServiceAccount of the input that reaches
/// none either. A pod whose ServiceAccount lists secrets, or is not in the input, is left
/// alone: a list of its own would keep the ServiceAccount's secrets from being copied into it.
/// A pod of a kustomize build is left alone too: its namespace and names are the overlay's.
pub fn offer(c: &ContainerContext<'_>, reference: &ImageRef, finding: Finding) -> Finding {
    if c.pod.built.is_some() {
        return finding;
    }
    let covering = c
        .index
        .secrets_covering(&c.pod.object.namespace, &reference.name());
    let [secret] = covering.as_slice() else {
        return finding;
    };
    let title = format!("add pull secret {secret} to the pod");
    let list = &c.pod.pull_secrets;
    if list.listed {
        let last = list.named.iter().max_by_key(|n| n.span.start);
        return match last {
            Some(last) if list.unusable.iter().all(|u| u.span.start < last.span.start) => {
                finding.fix_of(FixKind::AddListItem, last.span, *secret, title)
            }
            _ => finding,
        };
    }
    let account_lists_none = matches!(
        c.credentials.source,
        CredentialSource::ServiceAccount { in_input: true, .. }
    ) && c.credentials.reaching.is_empty();
    if account_lists_none {
        let value = format!("[{{name: {secret}}}]");
        finding.fix_of(
            FixKind::AddFirstKey("imagePullSecrets"),
            c.pod.span,
            value,
            title,
        )
    } else {
        finding
    }
}
