use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::k8s::PullPolicy;

declare_rule! {
    /// ## What it finds
    ///
    /// An `imagePullPolicy` (or an image volume's `pullPolicy`) that is written but not exactly
    /// `Always`, `IfNotPresent` or `Never`: `always`, `IfNotPresnt`, `if-not-present`. An empty
    /// or null value is not one of these: Kubernetes defaults it like a missing key (see
    /// `implicit-pull-policy`).
    ///
    /// ## Why it matters
    ///
    /// The values are case-sensitive. The API server rejects the object
    /// (`Unsupported value: "always"`), so the whole apply fails.
    ///
    /// ## How to fix it
    ///
    /// Use one of the three exact spellings; the help line suggests the closest one.
    /// `pullcheck fix` writes it when the value has the same letters in another case or with
    /// separators (`always`, `if-not-present`), keeping the value's quotes; a misspelling
    /// (`Nevr`) is left to you, and so is a fix that would bring another finding (`NEVER` →
    /// `Never` on an image not known to be preloaded).
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - {name: web, image: "nginx:1.27", imagePullPolicy: always}
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
    ///     - {name: web, image: "nginx:1.27", imagePullPolicy: Always}
    /// ```
    pub struct InvalidPullPolicy {
        name: "invalid-pull-policy",
        severity: Error,
        enabled_by_default: true,
        summary: "`imagePullPolicy` is not exactly `Always`, `IfNotPresent` or `Never`",
    }
}

const VALID: [PullPolicy; 3] = [
    PullPolicy::Always,
    PullPolicy::IfNotPresent,
    PullPolicy::Never,
];

impl Rule for InvalidPullPolicy {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some(written) = c.policy.written else {
            return;
        };
        if c.policy.explicit.is_some() {
            return;
        }
        let help = match closest(&written.value) {
            Some(policy) => format!(
                "The API server rejects the object: the values are case-sensitive. Did you mean \
                 `{policy}`?"
            ),
            None => "The API server rejects the object. Use `Always`, `IfNotPresent` or `Never`."
                .to_string(),
        };
        report.push(
            Finding::new(
                written.span,
                format!(
                    "invalid imagePullPolicy `{}`: must be Always, IfNotPresent or Never",
                    written.value
                ),
            )
            .help(help)
            .label("not a pull policy"),
        );
        // Only a value that differs in case or separators is fixed: its intent is plain.
        if let Some(policy) = same_letters(&written.value)
            && let Some(finding) = report.last_mut()
        {
            *finding = finding.clone().fix(
                written.span,
                policy.as_str(),
                format!("set imagePullPolicy to {policy}"),
            );
        }
    }
}

/// The valid policy written with the same letters in another case or with separators
/// (`always`, `if-not-present`).
fn same_letters(value: &str) -> Option<PullPolicy> {
    let squashed = squash(value);
    VALID
        .iter()
        .find(|p| p.as_str().to_lowercase() == squashed)
        .copied()
}

fn squash(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The valid policy the value most likely means: the same letters in another case or with
/// separators, else the nearest by edit distance (at most a third of the word wrong).
fn closest(value: &str) -> Option<PullPolicy> {
    let squashed = squash(value);
    if let Some(policy) = same_letters(value) {
        return Some(policy);
    }
    VALID
        .iter()
        .map(|p| {
            (
                strsim::levenshtein(&squashed, &p.as_str().to_lowercase()),
                *p,
            )
        })
        .filter(|(distance, p)| *distance <= p.as_str().len() / 3)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("always"), Some(PullPolicy::Always));
        assert_eq!(closest("ALWAYS"), Some(PullPolicy::Always));
        assert_eq!(closest("if-not-present"), Some(PullPolicy::IfNotPresent));
        assert_eq!(closest("IfNotPresnt"), Some(PullPolicy::IfNotPresent));
        assert_eq!(closest("nevr"), Some(PullPolicy::Never));
        assert_eq!(closest("Sometimes"), None);
        assert_eq!(closest(""), None);
    }
}
