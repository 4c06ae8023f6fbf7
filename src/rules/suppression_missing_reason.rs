use super::{Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// A suppression without a reason (`# pullcheck-ignore: latest-tag` rather than
    /// `# pullcheck-ignore: latest-tag -- pinned by the operator`), when the configuration asks
    /// for reasons:
    ///
    /// ```yaml
    /// # .pullcheck.yaml
    /// suppressions:
    ///   require-reason: true
    /// ```
    ///
    /// ## Why it matters
    ///
    /// A suppression is a decision; its reason is what a reviewer, or the next engineer, needs
    /// to judge whether it still holds. Reasons are carried into the JSON output and into SARIF
    /// `suppressions[].justification`.
    ///
    /// ## How to fix it
    ///
    /// Write the reason after `--`.
    ///
    /// `pullcheck fix` has no fix: the reason is yours to write.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # settings: {suppressions: {require-reason: true}}
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:latest"}  # pullcheck-ignore: latest-tag
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # settings: {suppressions: {require-reason: true}}
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:latest"}  # pullcheck-ignore: latest-tag -- a demo image
    /// ```
    pub struct SuppressionMissingReason {
        name: "suppression-missing-reason",
        severity: Warning,
        enabled_by_default: true,
        summary: "a suppression gives no reason while `suppressions.require-reason` is set",
    }
}

impl Rule for SuppressionMissingReason {}

impl SuppressionMissingReason {
    /// The message and help for a suppression without a reason.
    pub fn describe() -> (String, &'static str) {
        (
            "the suppression gives no reason".into(),
            "This repository requires a reason: write `-- why` after the rule names.",
        )
    }
}
