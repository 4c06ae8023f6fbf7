//! Deploying a root's build: the objects of the files it includes, as the build makes them.

use std::collections::HashMap;

use super::super::build::{BuiltObject, Generated};
use super::super::values::Values;
use crate::credentials::secret::{self, Payload};
use crate::k8s::{Built, ContainerList, Extracted, ObjectRef, PodSpec, Secret};
use crate::source::SourceFile;

/// What every object of a root's build is deployed with.
pub(super) struct Deploy<'a> {
    pub root: usize,
    pub written: &'a Extracted,
    pub by_file: &'a ByFile,
    pub files: &'a [SourceFile],
    pub default_namespace: &'a str,
    /// Whether generated Secrets' credentials are read (`--online`).
    pub credentials: bool,
}

/// Where the written pod specs, ServiceAccounts and Secrets of each file are: every object a
/// root deploys looks up those of its own file rather than going through every file's.
pub(super) struct ByFile {
    pods: HashMap<usize, Vec<usize>>,
    service_accounts: HashMap<usize, Vec<usize>>,
    secrets: HashMap<usize, Vec<usize>>,
}

impl ByFile {
    pub fn of(written: &Extracted) -> ByFile {
        fn index(files: impl Iterator<Item = usize>) -> HashMap<usize, Vec<usize>> {
            let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
            for (i, file) in files.enumerate() {
                by_file.entry(file).or_default().push(i);
            }
            by_file
        }
        ByFile {
            pods: index(written.pods.iter().map(|p| p.file)),
            service_accounts: index(written.service_accounts.iter().map(|a| a.file)),
            secrets: index(written.secrets.iter().map(|s| s.file)),
        }
    }
}

/// Adds the objects a built object stands for: copies of what was extracted from where it is
/// written, under its built name and namespace, with its built images, pull policies, pull
/// secrets and ServiceAccount.
pub(super) fn deploy<'a>(context: &Deploy<'a>, object: &BuiltObject, out: &mut Extracted) {
    let Deploy {
        root,
        written,
        by_file,
        files,
        default_namespace,
        credentials,
    } = *context;
    let written_namespace = object
        .written_namespace
        .as_deref()
        .unwrap_or(default_namespace);
    let is_it = |file: usize, of: &ObjectRef| {
        file == object.file
            && of.kind == object.kind
            && of.name.as_deref().unwrap_or("") == object.written_name
            && of.namespace == written_namespace
    };
    let built = ObjectRef {
        kind: object.kind.clone(),
        name: (!object.name.is_empty()).then(|| object.name.clone()),
        namespace: object
            .namespace
            .clone()
            .unwrap_or_else(|| default_namespace.to_string()),
    };
    out.objects.push((object.file, built.clone()));
    if let Some(generated) = &object.generated {
        out.secrets.push(generated_secret(
            object,
            generated,
            built.namespace,
            credentials,
        ));
        return;
    }
    let of_file = |indexes: &'a HashMap<usize, Vec<usize>>| {
        indexes.get(&object.file).map_or(&[][..], Vec::as_slice)
    };
    for account in (of_file(&by_file.service_accounts).iter())
        .map(|&i| &written.service_accounts[i])
        .filter(|a| is_it(a.file, &a.object))
    {
        let mut account = account.clone();
        account.name = object.name.clone();
        account.object = built.clone();
        let mut values = Values::new(files[object.file].text.len());
        values.pull_secrets(&mut account.pull_secrets, object);
        account.built = Some(Box::new(Built {
            root,
            moved: values.moved,
        }));
        out.service_accounts.push(account);
    }
    for secret in (of_file(&by_file.secrets).iter())
        .map(|&i| &written.secrets[i])
        .filter(|s| {
            s.file == object.file
                && object.kind == "Secret"
                && s.name == object.written_name
                && s.namespace == written_namespace
        })
    {
        let mut secret = secret.clone();
        secret.name = object.name.clone();
        secret.namespace = built.namespace.clone();
        out.secrets.push(secret);
    }
    for pod in (of_file(&by_file.pods).iter())
        .map(|&i| &written.pods[i])
        .filter(|p| is_it(p.file, &p.object))
    {
        let text_len = files[pod.file].text.len();
        out.pods
            .push(built_pod(root, pod, object, &built, text_len));
    }
}

/// A Secret a kustomization generates, reduced as extraction reduces a written one: to the
/// registries it holds credentials for.
fn generated_secret(
    object: &BuiltObject,
    generated: &Generated,
    namespace: String,
    credentials: bool,
) -> Secret {
    let payload = |key: &str| {
        let (_, value) = generated.data.iter().find(|(k, _)| k == key)?;
        Some(std::str::from_utf8(value).map_or_else(|_| Payload::Base64(""), Payload::Plain))
    };
    Secret {
        file: object.file,
        namespace,
        name: object.name.clone(),
        registry_keys: secret::registry_keys(&generated.secret_type, payload),
        credentials: if credentials {
            secret::credentials(&generated.secret_type, payload)
        } else {
            Vec::new()
        },
    }
}

fn built_pod(
    root: usize,
    pod: &PodSpec,
    object: &BuiltObject,
    built: &ObjectRef,
    text_len: usize,
) -> PodSpec {
    let mut pod = pod.clone();
    pod.object = built.clone();
    let mut values = Values::new(text_len);
    if let Some(account) = &object.service_account {
        values.set(
            &mut pod.service_account,
            account,
            object.service_account_set_by,
            "ServiceAccount",
        );
    }
    values.pull_secrets(&mut pod.pull_secrets, object);
    for container in &mut pod.containers {
        if container.list == ContainerList::ImageVolumes {
            continue;
        }
        let name = container.name.as_deref().unwrap_or("");
        let Some(result) = object
            .containers
            .iter()
            .find(|c| c.list == container.list.key() && c.name == name)
        else {
            continue;
        };
        if !result.image.is_empty() {
            let by = result.set_by.last().copied();
            values.set(&mut container.image, &result.image, by, "image");
        }
        if let Some(policy) = &result.pull_policy {
            values.set(
                &mut container.pull_policy,
                policy,
                result.policy_set_by,
                "pull policy",
            );
        }
    }
    pod.built = Some(Box::new(Built {
        root,
        moved: values.moved,
    }));
    pod
}
