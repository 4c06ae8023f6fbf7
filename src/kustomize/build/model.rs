//! What a build produces: the objects, with the values pulls depend on and where they were
//! set, what the model did not follow, and why a root does not build.

use super::Generated;
use super::entries::EntryUse;
use crate::kustomize::images::Placement;
use crate::source::Span;

/// A place in a file of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub file: usize,
    pub span: Span,
}

/// A container of a built object: its list, name and image, where the image sits, and the
/// `images:` entries that rewrote it, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltContainer {
    pub list: String,
    /// Its position in the list as written: what a JSON 6902 path names.
    pub index: usize,
    pub name: String,
    /// Empty when the container names no image.
    pub image: String,
    pub placement: Placement,
    /// The patches and `images:` entries that set the image, in order.
    pub set_by: Vec<Place>,
    pub pull_policy: Option<String>,
    /// The patch that set the pull policy.
    pub policy_set_by: Option<Place>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltObject {
    /// The file it is written in.
    pub file: usize,
    /// The API group (`apps`; empty for the core group).
    pub group: String,
    pub kind: String,
    /// Name and namespace as written.
    pub written_name: String,
    pub written_namespace: Option<String>,
    pub name: String,
    pub namespace: Option<String>,
    pub containers: Vec<BuiltContainer>,
    /// The pod spec's `serviceAccountName` and `imagePullSecrets` names, as the name-reference
    /// transformer leaves them.
    pub service_account: Option<String>,
    pub pull_secrets: Vec<String>,
    /// The patch that set the ServiceAccount.
    pub service_account_set_by: Option<Place>,
    /// Per pull secret, the patch that added it (`None`: written in the resource).
    pub pull_secrets_set_by: Vec<Option<Place>>,
    /// Set for a Secret a `secretGenerator` makes (`file` is then the kustomization).
    pub generated: Option<Box<Generated>>,
}

/// Something in a kustomization the model does not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFollowed {
    pub at: Place,
    /// `patches that touch containers, images or namespaces`, `replacements`, …
    pub what: String,
}

#[derive(Debug, Default)]
pub struct Build {
    /// The root's kustomization file.
    pub root: usize,
    pub objects: Vec<BuiltObject>,
    pub not_followed: Vec<NotFollowed>,
    pub entries: Vec<EntryUse>,
    /// Every file the build read.
    pub files: Vec<usize>,
}

/// Why a root does not build (as `kubectl kustomize` would fail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    pub at: Place,
    pub message: String,
}

impl BuiltObject {
    /// What kustomize tells objects apart by: group, kind, name and namespace.
    pub fn id(&self) -> (&str, &str, &str, Option<&str>) {
        (
            &self.group,
            &self.kind,
            &self.name,
            self.namespace.as_deref(),
        )
    }
}
