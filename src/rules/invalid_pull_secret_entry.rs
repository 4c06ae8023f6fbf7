use super::{AccountContext, Finding, PodContext, Rule, declare_rule};
use crate::k8s::{PullSecretList, SecretEntryProblem};

declare_rule! {
    /// ## What it finds
    ///
    /// An `imagePullSecrets` entry, in a pod spec or a ServiceAccount, that names no Secret:
    ///
    /// - an entry without a name (`- {}`, `- name: ""`, `- name:`). API validation allows it;
    ///   the kubelet skips it (`getPullSecretsForPod`). In a pod spec it still makes the list
    ///   non-empty, and the ServiceAccount admission plugin copies the ServiceAccount's
    ///   `imagePullSecrets` only into a pod whose list is empty: the pod pulls anonymously,
    ///   even when its ServiceAccount has the right Secret.
    /// - an entry that is not an object (`- harbor-pull` instead of `- name: harbor-pull`). The
    ///   manifest does not decode (`cannot unmarshal string into Go struct field …
    ///   LocalObjectReference`), so the apply fails.
    ///
    /// ## Why it matters
    ///
    /// The first pulls anonymously where credentials were meant (`ImagePullBackOff` from a
    /// private registry); the second never deploys.
    ///
    /// ## How to fix it
    ///
    /// Write each entry as `- name: SECRET`, and drop entries with nothing to name (a Helm
    /// chart's `imagePullSecrets: [{name: ""}]` default is the usual source).
    ///
    /// ```yaml,fires
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: p}
    /// spec:
    ///   imagePullSecrets:
    ///     - harbor-pull
    ///   containers:
    ///     - {name: app, image: "harbor.corp/team/app:1.4.2"}
    /// ```
    ///
    /// `pullcheck fix` has no fix: the Secret an entry meant cannot be known.
    ///
    pub struct InvalidPullSecretEntry {
        name: "invalid-pull-secret-entry",
        severity: Error,
        enabled_by_default: true,
        summary: "an `imagePullSecrets` entry names no Secret",
    }
}

impl Rule for InvalidPullSecretEntry {
    fn check_pod(&self, c: &PodContext<'_>, report: &mut Vec<Finding>) {
        let blocked = format!(
            " Because the list is not empty, the imagePullSecrets of ServiceAccount `{}` are \
             not copied into the pod either.",
            c.pod.service_account_name()
        );
        findings(&c.pod.pull_secrets, &c.pod.object.kind, &blocked, report);
    }

    fn check_service_account(&self, c: &AccountContext<'_>, report: &mut Vec<Finding>) {
        findings(&c.account.pull_secrets, "ServiceAccount", "", report);
    }
}

fn findings(list: &PullSecretList, kind: &str, blocked: &str, report: &mut Vec<Finding>) {
    for entry in &list.unusable {
        let (message, help, label) = match &entry.problem {
            SecretEntryProblem::NoName => (
                "this imagePullSecrets entry names no Secret".to_string(),
                format!(
                    "The kubelet skips entries without a name, so it adds no credentials.\
                     {blocked} Name the Secret (`- name: SECRET`) or remove the entry."
                ),
                "no `name`",
            ),
            SecretEntryProblem::NotAnObject(text) => (
                format!("imagePullSecrets entry `{text}` is not an object"),
                format!(
                    "Entries are objects, `- name: SECRET`: this one does not decode and the API \
                     server rejects the {kind}. Write `- name: {text}`."
                ),
                "not `name: …`",
            ),
        };
        report.push(Finding::new(entry.span, message).help(help).label(label));
    }
}
