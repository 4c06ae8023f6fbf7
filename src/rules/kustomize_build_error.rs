use super::{Rule, declare_rule};
use crate::diagnostic::Diagnostic;
use crate::kustomize::build::BuildError;

declare_rule! {
    /// ## What it finds
    ///
    /// A kustomization root that `kubectl kustomize` cannot build: a `resources`, `bases` or
    /// `components` entry that is neither a file nor a folder with a kustomization, a
    /// kustomization or resource that does not parse, kustomizations that include each other,
    /// or an `images:` entry whose `name` is not a valid regular expression (kustomize v5.5
    /// crashes on it with a nil pointer dereference).
    ///
    /// ## Why it matters
    ///
    /// Nothing of the root is deployed: `kubectl apply -k` and Argo CD stop at the build. pullcheck
    /// cannot tell what the root would deploy either, so its files are linted as written.
    ///
    /// ## How to fix it
    ///
    /// Fix the entry shown; `kubectl kustomize DIR` shows the same failure.
    ///
    /// `pullcheck fix` has no fix: what the missing or refused entry should be is yours to say.
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// # file: kustomization.yaml
    /// resources: [deployment.yaml, servce.yaml]
    /// # file: deployment.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// # file: kustomization.yaml
    /// resources: [deployment.yaml]
    /// # file: deployment.yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web}
    /// spec:
    ///   containers: [{name: web, image: "nginx:1.27"}]
    /// ```
    pub struct KustomizeBuildError {
        name: "kustomize-build-error",
        severity: Error,
        enabled_by_default: true,
        summary: "a kustomization root does not build",
    }
}

impl Rule for KustomizeBuildError {}

impl KustomizeBuildError {
    /// The diagnostic for the root in folder `root`, which fails to build with `error`.
    pub fn diagnostic(error: &BuildError, root: &str) -> Diagnostic {
        let meta = &Self::META;
        let mut d = Diagnostic::new(
            meta,
            meta.severity,
            error.at.file,
            error.at.span,
            format!(
                "kustomization root `{root}` does not build: {}",
                error.message
            ),
        );
        d.help = Some(format!(
            "`kubectl kustomize {root}` fails the same way, so nothing of it deploys. Its files \
             are linted as written until it builds."
        ));
        d.label = Some("the build stops here".into());
        d.roots = vec![root.to_string()];
        d
    }
}
