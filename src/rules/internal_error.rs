use super::declare_rule;

declare_rule! {
    /// ## What it finds
    ///
    /// A failure inside pullcheck itself: a rule or the parser stopped on an input it did not
    /// expect. It is not a finding about the manifest. The rule (or the document) that failed is
    /// named in the message; every other rule still ran on that object, and every other
    /// document and file was still read.
    ///
    /// ## Why it matters
    ///
    /// The findings of the failed rule for that object are missing, so the run cannot be
    /// trusted to be complete: it exits with status 2 whatever `--fail-on` says, and the report
    /// cannot be suppressed or turned off.
    ///
    /// ## How to fix it
    ///
    /// Report it, with the input that triggers it if you can share it (or a reduced copy).
    /// Until it is fixed, `--disable` the rule named in the message to get a complete run of the
    /// others.
    /// There is nothing for `pullcheck fix` to edit: the failure is pullcheck's.
    ///
    pub struct InternalError {
        name: "internal-error",
        severity: Error,
        enabled_by_default: true,
        always_reported: true,
        summary: "pullcheck failed on an input (a bug in pullcheck, not in the manifest)",
    }
}
