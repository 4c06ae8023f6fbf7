use super::{Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// A suppression — a `# pullcheck-ignore: …` comment or a `pullcheck.dev/ignore`
    /// annotation — that names a rule pullcheck does not have, usually a typo. The finding points
    /// at the name.
    ///
    /// ## Why it matters
    ///
    /// A misspelt name suppresses nothing, and the finding it was meant to silence keeps
    /// failing the build — or, worse, a rule renamed later is silently no longer suppressed.
    ///
    /// ## How to fix it
    ///
    /// Use a name from `pullcheck rules`, e.g. `# pullcheck-ignore: latest-tag -- reason`.
    ///
    /// `pullcheck fix` has no fix: which rule was meant is yours to say (the message suggests one).
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:latest"}  # pullcheck-ignore: latest-tags
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
    ///     - {name: web, image: "nginx:latest"}  # pullcheck-ignore: latest-tag -- a demo image
    /// ```
    pub struct UnknownRuleInSuppression {
        name: "unknown-rule-in-suppression",
        severity: Warning,
        enabled_by_default: true,
        summary: "a suppression names a rule that does not exist",
    }
}

impl Rule for UnknownRuleInSuppression {}

impl UnknownRuleInSuppression {
    /// The message and help for a suppression naming `name`, which is no rule.
    pub fn describe(name: &str) -> (String, &'static str) {
        (
            format!("the suppression names `{name}`, which is not a pullcheck rule"),
            "`pullcheck rules` lists the rule names; a misspelt name suppresses nothing.",
        )
    }
}
