use super::{Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// A YAML document that does not parse, or a file that is not UTF-8 text. The position is
    /// where the parser stopped.
    ///
    /// ## Why it matters
    ///
    /// `kubectl apply` rejects the whole file, and pullcheck cannot see the objects in the broken
    /// document. Other documents of the same file, and other files, are still linted.
    ///
    /// ## How to fix it
    ///
    /// Fix the syntax at the position shown. Unrendered templates (`{{ … }}`) are a common cause:
    /// lint the output of `helm template` rather than the chart's templates.
    pub struct ParseError {
        name: "parse-error",
        severity: Error,
        enabled_by_default: true,
        summary: "a YAML document does not parse",
    }
}

impl Rule for ParseError {
}
