//! What a rule reports, and the severities that decide the exit code.

use std::fmt;

use crate::k8s::{ObjectRef, PolicySummary};
use crate::source::Span;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub enabled_by_default: bool,
    /// Not a rule but a report that cannot be turned off or suppressed ([`crate::rules::REPORTS`]).
    pub always_reported: bool,
    /// One line, for listings.
    pub summary: &'static str,
    /// The rule's doc comment, as written (each line keeps rustdoc's leading space).
    pub doc: &'static str,
}

/// Names are unique in the registry (`names_are_unique`), so a name identifies a rule.
impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for RuleMeta {}

impl RuleMeta {
    /// The user documentation, `rules/<name>.md`.
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.name);
        out.push_str(&format!(
            "Default severity: **{}**. {}\n\n",
            self.severity,
            if self.always_reported {
                "Always reported: it cannot be turned off or suppressed."
            } else if self.enabled_by_default {
                "Enabled by default."
            } else {
                "Off by default: enable it with `--enable`."
            }
        ));
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// Where the documentation is published: `rules/<name>.md` in the repository.
    pub fn url(&self) -> String {
        format!(
            "https://github.com/pullcheck/pullcheck/blob/main/rules/{}.md",
            self.name
        )
    }

    /// `rules/<name>.md`: the documentation, and a note for contributors that it is generated
    /// (kept out of `pullcheck explain` and SARIF help, which users read).
    pub fn markdown_file(&self) -> String {
        format!(
            "{}\n<!-- Generated from the doc comment in src/rules/; edit it there, then run \
             `PULLCHECK_BLESS=1 cargo test` (see CONTRIBUTING.md). -->\n",
            self.markdown()
        )
    }
}

/// One finding, located in a file of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What reported it: a rule, or one of [`crate::rules::REPORTS`].
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    /// What Kubernetes will do and how to fix it.
    pub help: Option<String>,
    /// A short text under the underlined value.
    pub label: Option<String>,
    /// Index of the file in the run's sorted file list.
    pub file: usize,
    pub span: Span,
    pub object: Option<ObjectRef>,
    pub container: Option<String>,
    /// The image volume (`volumes[].image`) the finding is about, instead of a container.
    pub volume: Option<String>,
    pub image: Option<String>,
    pub pull_policy: Option<PolicySummary>,
    /// Set when a comment or annotation suppresses the finding.
    pub suppression: Option<Suppression>,
    /// The Helm template (`# Source:`) the flagged document was rendered from.
    pub helm_source: Option<String>,
    /// Other places that belong to the finding, each with a label: in the same file (the
    /// first of two duplicate keys), or another (the base a kustomize overlay rewrote).
    pub related: Vec<Related>,
    /// The kustomization roots whose build the finding is about (their folders); empty for a
    /// manifest linted as written.
    pub roots: Vec<String>,
    /// An edit that removes the finding (`pullcheck fix`).
    pub fix: Option<Fix>,
}

/// A format-preserving edit at `span` ([`FixKind`] says which). Nothing else of the file
/// changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub value: String,
    pub kind: FixKind,
    /// What it does, for listings and the editor (`set imagePullPolicy to Always`).
    pub title: String,
}

/// What a fix writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    /// The scalar at `span` gets `value`, in the quotes it is written with.
    Replace,
    /// `key: value` goes after the entry whose value is the scalar at `span`, in its mapping's
    /// style and indentation.
    AddKey(&'static str),
    /// `name: value` goes into a new item of the list whose last item's `name` is the scalar at
    /// `span` (`imagePullSecrets`), in the list's style and indentation.
    AddListItem,
    /// `key: value` goes first into the mapping whose first character is at `span`, at its
    /// indentation (or after its `{`).
    AddFirstKey(&'static str),
}

/// A place that belongs to a finding besides its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: usize,
    pub span: Span,
    pub label: String,
}

/// How a finding was suppressed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuppressionKind {
    /// `# pullcheck-ignore: RULE` in the manifest.
    Comment,
    /// The `pullcheck.dev/ignore` annotation on the object.
    Annotation,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Comment => "comment",
            SuppressionKind::Annotation => "annotation",
        }
    }
}

impl Diagnostic {
    /// A diagnostic with no object, container, image or extra places; set those after.
    pub fn new(
        rule: &'static RuleMeta,
        severity: Severity,
        file: usize,
        span: Span,
        message: String,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message,
            help: None,
            label: None,
            file,
            span,
            object: None,
            container: None,
            volume: None,
            image: None,
            pull_policy: None,
            suppression: None,
            helm_source: None,
            related: Vec::new(),
            roots: Vec::new(),
            fix: None,
        }
    }

    /// The message, marked `[suppressed: reason]` when a suppression applies: for the
    /// one-line formats.
    pub fn message_with_suppression(&self) -> String {
        match &self.suppression {
            None => self.message.clone(),
            Some(s) => match &s.justification {
                Some(reason) => format!("[suppressed: {reason}] {}", self.message),
                None => format!("[suppressed] {}", self.message),
            },
        }
    }

    /// Sort key: file, then position, then rule, so output is the same whatever the thread count.
    pub fn sort_key(&self) -> (usize, usize, usize, &'static str, &str, Option<&str>) {
        (
            self.file,
            self.span.start,
            self.span.end,
            self.rule.name,
            &self.message,
            self.container.as_deref().or(self.volume.as_deref()),
        )
    }
}
