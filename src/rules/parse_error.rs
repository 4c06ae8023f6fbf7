use super::{Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};

declare_rule! {
    /// ## What it finds
    ///
    /// A YAML document that Kubernetes' YAML decoder would refuse, or a file that is not UTF-8
    /// text. The position is where parsing stopped. pullcheck follows the decoder kubectl and
    /// the API server use (go-yaml v2 via `sigs.k8s.io/yaml`, documents split at lines that
    /// start with `---`), including what it refuses that other YAML parsers accept: control
    /// characters, content after `---` on a separator line, a mapping or sequence as a key, a
    /// tag its value does not match (`!!bool Never`), a tab after `-`, `.inf` and `.nan`. Only
    /// the first document between two separators is read, as kubectl reads it: what follows a
    /// `...` is ignored.
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
    ///
    /// `pullcheck fix` has no fix, and fixes nothing else in a file that does not parse.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: nginx:1.27
    ///      imagePullPolicy: IfNotPresent
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
    ///     - {name: web, image: "nginx:1.27", imagePullPolicy: IfNotPresent}
    /// ```
    pub struct ParseError {
        name: "parse-error",
        severity: Error,
        enabled_by_default: true,
        summary: "a YAML document does not parse",
    }
}

impl Rule for ParseError {}

impl ParseError {
    /// The diagnostic for a document (or a whole file) that does not parse, at byte `offset`.
    pub fn diagnostic(
        file: usize,
        source: &SourceFile,
        offset: usize,
        message: String,
    ) -> Diagnostic {
        let width = source.text[offset.min(source.text.len())..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        let meta = &Self::META;
        let mut diagnostic = Diagnostic::new(
            meta,
            meta.severity,
            file,
            Span::new(offset, offset + width),
            message,
        );
        diagnostic.help = Some(
            "The objects of this document are not linted until it parses; the other documents of \
             the file are."
                .into(),
        );
        diagnostic.label = Some("parsing stopped here".into());
        diagnostic
    }
}
