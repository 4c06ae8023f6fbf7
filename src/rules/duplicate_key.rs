use super::{Finding, PodContext, Rule, declare_rule};

declare_rule! {
    /// ## What it finds
    ///
    /// A key written twice in a pod spec or in a container — two `image:` keys, two
    /// `imagePullPolicy:` keys, two `imagePullSecrets:` lists. The finding points at the repeat
    /// and at the first occurrence.
    ///
    /// ## Why it matters
    ///
    /// The YAML spec forbids duplicate keys and decoders disagree about them: some keep the
    /// last value silently, some the first, and `kubectl apply` with strict field validation
    /// (the default since Kubernetes 1.27) rejects the object. Which image runs depends on the
    /// tool that applies the manifest. pullcheck itself reads the last value, as go-yaml does.
    ///
    /// ## How to fix it
    ///
    /// Keep one of the two keys. A merge (`<<: *defaults`) is the way to override inherited keys.
    ///
    /// `pullcheck fix` has no fix: which of the two values is meant cannot be known.
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
    ///       image: nginx:1.26
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
    ///     - {name: web, image: "nginx:1.27"}
    /// ```
    pub struct DuplicateKey {
        name: "duplicate-key",
        severity: Error,
        enabled_by_default: true,
        summary: "a key is written twice in a pod spec or container",
    }
}

impl Rule for DuplicateKey {
    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        for duplicate in &c.pod.duplicate_keys {
            report.push(
                Finding::new(
                    duplicate.second,
                    format!("duplicate key `{}` in {}", duplicate.key, duplicate.place),
                )
                .help(
                    "Decoders disagree on duplicate keys (first wins, last wins, or an error: \
                     kubectl's strict field validation rejects the object). Keep one.",
                )
                .label("written again here")
                .related(duplicate.first, "first written here"),
            );
        }
    }
}
