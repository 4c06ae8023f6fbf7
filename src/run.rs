//! What a run produces, shared by the stages and the outputs: the parsed inputs and what was
//! extracted from them ([`Collected`]), and the findings ([`Run`]).

use crate::diagnostic::Diagnostic;
use crate::k8s::{Extracted, ObjectRef};
pub use crate::kustomize::{Kustomized, Outcome, Root};
use crate::source::SourceFile;

/// The result of a run.
pub struct Run {
    /// The inputs, sorted by name; diagnostics refer to them by index.
    pub files: Vec<SourceFile>,
    /// Sorted by file, then position; suppressed ones are not here.
    pub diagnostics: Vec<Diagnostic>,
    /// The findings that comments or annotations suppress, sorted likewise.
    pub suppressed: Vec<Diagnostic>,
    /// Every Kubernetes object, with the index of its file, in input order.
    pub objects: Vec<(usize, ObjectRef)>,
    pub summary: Summary,
    /// The configuration file the run used, as shown to the user.
    pub config_file: Option<String>,
    /// Files left out as Go template text that does not parse as YAML (`{{ … }}`).
    pub templates: Vec<usize>,
    /// The kustomization roots of the run, and what became of each.
    pub kustomize: Kustomized,
    /// With `--online`: the digest each image written without one resolved to, by normalised
    /// reference.
    pub resolved: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub containers: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Findings left out of the output by `--min-severity` (still counted above).
    pub not_shown: usize,
    /// Kustomization roots linted as their builds.
    #[serde(skip_serializing_if = "is_zero")]
    pub kustomize_builds: usize,
}

/// Every input parsed and its objects extracted, before any rule runs.
pub struct Collected {
    /// Sorted by name; redacted (Secret values masked).
    pub files: Vec<SourceFile>,
    pub extracted: Extracted,
    /// The parse errors.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of files, documents, objects and containers; no diagnostics counted yet.
    /// Context files are not counted.
    pub summary: Summary,
    /// Per file: read for context only (`--context`), not reported on.
    pub context: Vec<bool>,
    /// Files left out as Go template text that does not parse as YAML (`{{ … }}`).
    pub templates: Vec<usize>,
    /// The kustomization roots of the run: their builds replace the objects of the files they
    /// include.
    pub kustomize: Kustomized,
}

impl Collected {
    /// Whether findings in `file` are reported.
    pub fn reported(&self, file: usize) -> bool {
        !self.context[file]
    }

    /// Whether an object of `file` is linted: `built` is set for an object a kustomization
    /// root's build gave, which is linted when the root is.
    pub fn linted(&self, file: usize, built: Option<&crate::k8s::Built>) -> bool {
        crate::kustomize::stage::linted(&self.context, &self.kustomize, file, built)
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
