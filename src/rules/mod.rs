//! The rule registry. Each rule lives in its own file; its user documentation is the doc comment
//! on its type, from which `rules/<name>.md` is generated (see `tests/docs.rs`).

use globset::GlobSet;

use crate::glob::Patterns;
use crate::image::{ImageError, ImageRef};
use crate::index::{Index, PodCredentials, Reference};
use crate::k8s::KubernetesVersion;
pub use crate::k8s::PolicyFacts;
use crate::k8s::{Container, Located, PodSpec, ServiceAccount};
use crate::kustomize::build::{Build, EntryUse};
use crate::online::Verdict;
use crate::registry_class::RegistryClasses;
use crate::source::Span;

/// Declares the rule modules, re-exports their types and lists them in [`ALL`], in one place:
/// adding a rule is its file plus one line here.
macro_rules! rules {
    ($($module:ident::$rule:ident),+ $(,)?) => {
        $(mod $module;)+
        $(pub use $module::$rule;)+

        /// Every rule, in the order they are listed to users.
        pub static ALL: &[&dyn Rule] = &[$(&$rule),+];
    };
}

mod config_error;
mod internal_error;
pub use crate::diagnostic::RuleMeta;
pub use config_error::ConfigError;
pub use internal_error::InternalError;

rules![
    parse_error::ParseError,
    duplicate_key::DuplicateKey,
    missing_containers::MissingContainers,
    invalid_image::InvalidImage,
    invalid_pull_policy::InvalidPullPolicy,
    ephemeral_container_in_manifest::EphemeralContainerInManifest,
    missing_tag::MissingTag,
    latest_tag::LatestTag,
    mutable_tag_if_not_present::MutableTagIfNotPresent,
    never_without_preload::NeverWithoutPreload,
    missing_pull_secret::MissingPullSecret,
    pull_secret_registry_mismatch::PullSecretRegistryMismatch,
    pull_secret_wrong_type::PullSecretWrongType,
    invalid_pull_secret_entry::InvalidPullSecretEntry,
    pull_secret_wrong_namespace::PullSecretWrongNamespace,
    pull_secret_not_found::PullSecretNotFound,
    disallowed_registry::DisallowedRegistry,
    implicit_pull_policy::ImplicitPullPolicy,
    digest_not_pinned::DigestNotPinned,
    unknown_rule_in_suppression::UnknownRuleInSuppression,
    suppression_missing_reason::SuppressionMissingReason,
    kustomize_build_error::KustomizeBuildError,
    kustomize_image_unused::KustomizeImageUnused,
    kustomize_image_not_normalised::KustomizeImageNotNormalised,
    kustomize_image_name_pattern::KustomizeImageNamePattern,
    kustomize_image_not_rewritten::KustomizeImageNotRewritten,
    kustomize_tag_drops_digest::KustomizeTagDropsDigest,
    image_not_found::ImageNotFound,
    pull_unauthorized::PullUnauthorized,
    platform_missing::PlatformMissing,
    registry_unreachable::RegistryUnreachable,
    tag_moved::TagMoved,
];

/// What pullcheck reports that no rule finds: its own failures and the configuration's. They
/// are documented like rules (`pullcheck explain`, SARIF `ruleIndex`) but cannot be turned off.
pub static REPORTS: &[&RuleMeta] = &[&InternalError::META, &ConfigError::META];

/// Everything a diagnostic can be about: the rules, then [`REPORTS`].
pub fn documented() -> impl Iterator<Item = &'static RuleMeta> {
    ALL.iter().map(|r| r.meta()).chain(REPORTS.iter().copied())
}

/// Looks up the documentation of a rule or report by its name.
pub fn documentation(name: &str) -> Option<&'static RuleMeta> {
    documented().find(|meta| meta.name == name)
}

/// Looks a rule up by its name.
pub fn by_name(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.meta().name == name)
}

/// Declares a rule type whose doc comment is its user documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub struct $type:ident {
            name: $name:literal,
            severity: $severity:ident,
            enabled_by_default: $enabled:literal,
            $(always_reported: $always:literal,)?
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub struct $type;

        impl $type {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                name: $name,
                severity: $crate::diagnostic::Severity::$severity,
                enabled_by_default: $enabled,
                always_reported: false $(|| $always)?,
                summary: $summary,
                doc: concat!($($doc, "\n"),+),
            };
        }

        impl $crate::rules::Declared for $type {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }
        }
    };
}

/// What [`declare_rule!`] implements for a rule: its metadata. A rule file writes only the
/// checks (`impl Rule`).
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}
pub(crate) use declare_rule;

pub trait Rule: Declared + Sync {
    /// Looks at one container.
    fn check_container(&self, _container: &ContainerContext<'_>, _report: &mut Vec<Finding>) {}

    /// Looks at one pod spec as a whole (its pull-secret references, its ServiceAccount).
    fn check_pod(&self, _pod: &PodContext<'_>, _report: &mut Vec<Finding>) {}

    /// Looks at one ServiceAccount of the input.
    fn check_service_account(&self, _account: &AccountContext<'_>, _report: &mut Vec<Finding>) {}

    /// Looks at one pull-secret reference, written in a pod spec or in a ServiceAccount.
    fn check_reference(&self, _reference: &ReferenceContext<'_>, _report: &mut Vec<Finding>) {}

    /// Looks at the `images:` entries of one kustomization file, as one root's build ran them.
    fn check_kustomization(
        &self,
        _kustomization: &KustomizationContext<'_>,
        _report: &mut Vec<Finding>,
    ) {
    }
}

/// A kustomization file of a root's build, when the rules look at it.
pub struct KustomizationContext<'a> {
    /// The root's folder.
    pub root: &'a str,
    pub build: &'a Build,
    /// The file's `images:` entries, in order, with what each did in the build.
    pub entries: Vec<&'a EntryUse>,
}

/// A pull-secret reference (`imagePullSecrets[].name`) and its owner, when the rules look at
/// it: each reference is checked once, where it is written.
pub struct ReferenceContext<'a> {
    /// The name as written.
    pub written: &'a Located,
    /// What the kubelet finds for it in the owner's namespace.
    pub reference: Reference<'a>,
    /// The pod spec's or ServiceAccount's namespace.
    pub namespace: &'a str,
}

/// Everything known about one pod spec when the rules look at it.
pub struct PodContext<'a> {
    pub pod: &'a PodSpec,
    pub credentials: &'a PodCredentials<'a>,
    pub options: &'a RuleOptions,
    pub index: &'a Index<'a>,
}

impl<'a> PodContext<'a> {
    /// The pod's own pull-secret references, each with what the kubelet finds for it.
    pub fn own_references(&self) -> impl Iterator<Item = (&'a Located, Reference<'a>)> + '_ {
        references(
            self.index,
            &self.pod.object.namespace,
            &self.pod.pull_secrets.named,
        )
    }
}

/// A ServiceAccount of the input, when the rules look at it.
pub struct AccountContext<'a> {
    pub account: &'a ServiceAccount,
    pub options: &'a RuleOptions,
    pub index: &'a Index<'a>,
}

/// What a rule says about one place; the linter adds the rule, file and object.
///
/// ```ignore
/// report.push(
///     Finding::new(image.span, format!("image `{reference}` has no tag"))
///         .label("no tag")
///         .help("Pin a version tag or a digest.")
///         .related(policy.span, "pulled once per node"),
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    pub message: String,
    /// What Kubernetes will do and how to fix it.
    pub help: Option<String>,
    /// A short text under the underlined value.
    pub label: Option<String>,
    /// Other places that belong to the finding, each with a label.
    pub related: Vec<(Span, String)>,
    /// An edit that removes it, when the intent is unambiguous.
    pub fix: Option<Box<crate::diagnostic::Fix>>,
}

impl Finding {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Finding {
            span,
            message: message.into(),
            help: None,
            label: None,
            related: Vec::new(),
            fix: None,
        }
    }

    /// Offers a fix: the scalar at `span` gets `value` (in its own quotes).
    pub fn fix(mut self, span: Span, value: impl Into<String>, title: impl Into<String>) -> Self {
        self.fix = Some(Box::new(crate::diagnostic::Fix {
            span,
            value: value.into(),
            kind: crate::diagnostic::FixKind::Replace,
            title: title.into(),
        }));
        self
    }

    /// Offers a fix that adds `key: value` next to the entry whose value is at `span`.
    pub fn fix_by_adding(
        self,
        span: Span,
        key: &'static str,
        value: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.fix_of(crate::diagnostic::FixKind::AddKey(key), span, value, title)
    }

    /// Offers a fix of any kind.
    pub fn fix_of(
        mut self,
        kind: crate::diagnostic::FixKind,
        span: Span,
        value: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.fix = Some(Box::new(crate::diagnostic::Fix {
            span,
            value: value.into(),
            kind,
            title: title.into(),
        }));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds another place that belongs to the finding.
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }
}

/// Everything known about one container when the rules look at it.
pub struct ContainerContext<'a> {
    pub pod: &'a PodSpec,
    pub container: &'a Container,
    /// The image as written; `None` when it is missing, null or empty.
    pub image: Option<&'a Located>,
    /// The parsed image; `None` without an image.
    pub reference: Option<&'a Result<ImageRef, ImageError>>,
    pub policy: &'a PolicyFacts<'a>,
    /// The pull secrets that reach the pod.
    pub credentials: &'a PodCredentials<'a>,
    pub options: &'a RuleOptions,
    pub index: &'a Index<'a>,
    /// What the registry answered for the pull (`--online` only).
    pub online: Option<&'a Verdict>,
}

impl<'a> ContainerContext<'a> {
    /// The image and its parsed reference, when it parses.
    pub fn parsed_image(&self) -> Option<(&'a Located, &'a ImageRef)> {
        match (self.image, self.reference) {
            (Some(image), Some(Ok(reference))) => Some((image, reference)),
            _ => None,
        }
    }
}

impl<'a> AccountContext<'a> {
    /// The ServiceAccount's pull-secret references, each with what the kubelet finds for it.
    pub fn references(&self) -> impl Iterator<Item = (&'a Located, Reference<'a>)> + '_ {
        references(
            self.index,
            &self.account.object.namespace,
            &self.account.pull_secrets.named,
        )
    }
}

/// Pull-secret references of an object in `namespace`, each with what the kubelet finds.
fn references<'a, 'i>(
    index: &'i Index<'a>,
    namespace: &'i str,
    names: &'a [Located],
) -> impl Iterator<Item = (&'a Located, Reference<'a>)> + 'i {
    names
        .iter()
        .map(move |s| (s, index.secret_reference(namespace, &s.value)))
}

/// The part of the configuration that rules read. Rules see this, not the whole run's
/// settings, so a rule cannot depend on how the run is driven (threads, exit threshold, rule
/// selection).
pub struct RuleOptions {
    /// Images known to be on every node (`never-without-preload`).
    pub preloaded: GlobSet,
    /// When set, images must come from these registries (`disallowed-registry`).
    pub allowed_registries: Option<Patterns>,
    /// Registry classes added to the built-in guess.
    pub registries: RegistryClasses,
    /// The Kubernetes release whose behaviour the rules describe.
    pub kubernetes_version: KubernetesVersion,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            preloaded: GlobSet::empty(),
            allowed_registries: None,
            registries: RegistryClasses::default(),
            kubernetes_version: KubernetesVersion::CURRENT,
        }
    }
}

// Each rule's fixtures run in tests/rules.rs (one generated test per fixture); the generated
// docs and the doc examples are checked in tests/docs.rs.
