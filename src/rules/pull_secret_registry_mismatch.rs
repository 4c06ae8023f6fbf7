use super::{ContainerContext, Finding, Rule, declare_rule};
use crate::index::CredentialSource;
use crate::k8s::PullPolicy;
use crate::registry_class::RegistryClass;

declare_rule! {
    /// ## What it finds
    ///
    /// A container whose image comes from a registry that needs credentials, in a pod whose
    /// pull secrets are all in the input and valid, and none of which has an entry the kubelet
    /// would use for the image's registry. The message says which registries the secrets do
    /// cover. It also says when the pod's own `imagePullSecrets` replace a ServiceAccount's
    /// whose secrets would have matched: the two lists are never merged.
    ///
    /// Entries are matched as the kubelet's keyring matches them: scheme and a leading `/v1/` or
    /// `/v2/` path ignored, `*` wildcards per host label (`*.azurecr.io`), ports equal, a path in
    /// the entry a prefix of the repository (`quay.io/team`), and `index.docker.io` (or
    /// `https://index.docker.io/v1/`) standing for Docker Hub as `docker.io` does.
    ///
    /// Registries pullcheck takes for public, loopback or node-credential registries (see
    /// `missing-pull-secret`; a guess that `registries` in `.pullcheck.yaml` overrides) are not
    /// reported.
    ///
    /// ## Why it matters
    ///
    /// The kubelet finds no credentials for the image and pulls anonymously: the registry
    /// answers `Unauthorized`, and the pod sits in `ImagePullBackOff` although it "has" a pull
    /// secret.
    ///
    /// ## How to fix it
    ///
    /// Add an `auths` entry for the image's registry (with its port, if any) to one of the
    /// secrets, or reference a secret that has one.
    ///
    /// `pullcheck fix` adds the entry to the pod's own `imagePullSecrets` list when exactly one
    /// Secret in the input, in the pod's namespace, covers the registry (two would be a guess).
    /// It does not when the secrets come from the ServiceAccount: a list of the pod's own would
    /// keep them out (add the Secret to the ServiceAccount instead).
    ///
    /// ## Example
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: ghcr, namespace: default}
    /// type: kubernetes.io/dockerconfigjson
    /// stringData:
    ///   .dockerconfigjson: '{"auths": {"ghcr.io": {}}}'
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: default}
    /// spec:
    ///   imagePullSecrets: [{name: ghcr}]
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    ///
    /// Use instead:
    ///
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata: {name: harbor, namespace: default}
    /// type: kubernetes.io/dockerconfigjson
    /// stringData:
    ///   .dockerconfigjson: '{"auths": {"harbor.corp": {}}}'
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: web, namespace: default}
    /// spec:
    ///   imagePullSecrets: [{name: harbor}]
    ///   containers:
    ///     - {name: web, image: "harbor.corp/team/web:1.4"}
    /// ```
    pub struct PullSecretRegistryMismatch {
        name: "pull-secret-registry-mismatch",
        severity: Error,
        enabled_by_default: true,
        summary: "the pod's pull secrets do not cover the image's registry",
    }
}

/// How many covered registries a message names.
const LISTED: usize = 8;

impl Rule for PullSecretRegistryMismatch {
    fn check_container(&self, c: &ContainerContext<'_>, report: &mut Vec<Finding>) {
        let Some((image, reference)) = c.parsed_image() else {
            return;
        };
        let credentials = c.credentials;
        if c.policy.effective == PullPolicy::Never
            || credentials.reaching.is_empty()
            || !credentials.all_usable()
        {
            return;
        }
        let domain = reference.domain();
        if c.options.registries.classify(reference) != RegistryClass::Private {
            return;
        }
        let name = reference.name();
        if credentials.covering(&name).is_some() {
            return;
        }
        let secrets: Vec<String> = credentials
            .reaching
            .iter()
            .map(|r| format!("`{}`", r.name))
            .collect();
        let registries = credentials.covered_registries();
        // A Secret may list thousands of registries: name a few, count the rest.
        let mut covered: Vec<String> = registries
            .iter()
            .take(LISTED)
            .map(|k| format!("`{k}`"))
            .collect();
        if registries.len() > LISTED {
            covered.push(format!("{} more", registries.len() - LISTED));
        }
        let whose = match credentials.source {
            CredentialSource::Pod => "The pod's imagePullSecrets".to_string(),
            CredentialSource::ServiceAccount { name, .. } => {
                format!("The imagePullSecrets of ServiceAccount `{name}`")
            }
        };
        let covers = if covered.is_empty() {
            "no registry".to_string()
        } else {
            covered.join(", ")
        };
        let mut help = format!(
            "{whose} ({}) cover {covers}; the kubelet finds no entry for `{domain}`, pulls \
             anonymously and gets Unauthorized. Add an `auths` entry for `{domain}` to one of \
             them.",
            secrets.join(", ")
        );
        if let (CredentialSource::Pod, Some((secret, key))) =
            (credentials.source, credentials.shadowed_covering(&name))
        {
            help.push_str(&format!(
                " The pod's own list replaces the pull secrets of ServiceAccount `{}`, whose \
                 secret `{secret}` would have matched (`{key}`): list `{secret}` in the pod too.",
                c.pod.service_account_name()
            ));
        }
        let finding = Finding::new(
            image.span,
            format!("no pull secret of the pod covers `{domain}`, the registry of `{reference}`"),
        )
        .help(help)
        .label(format!("no credentials for `{domain}`"));
        report.push(super::missing_pull_secret::offer_pull_secret(
            c, reference, finding,
        ));
    }
}
