//! Which pull the kubelet makes for a container: the credentials it tries, in order, and the
//! platforms its nodes need.

use super::*;

/// The credentials the kubelet would try for an image, in order: the matching keys of the
/// pod's pull secrets, then the node's (`UnionDockerKeyring`), each keyring's keys longest
/// first (`BasicDockerKeyring` sorts its index in reverse).
pub(super) fn pull_for(
    pod: &PodSpec,
    credentials: &PodCredentials<'_>,
    index: &Index<'_>,
    node: &[(RegistryKey, Credential)],
    image: ImageRef,
    settings: &OnlineSettings,
    registries: &crate::registry_class::RegistryClasses,
) -> Pull {
    let name = image.name();
    let mut secret_entries: Vec<(String, &RegistryKey, &Credential)> = Vec::new();
    for reference in &credentials.reaching {
        if !matches!(reference.state, ReferenceState::Usable(_)) {
            continue;
        }
        if let Some(secret) = index.secret(&pod.object.namespace, reference.name) {
            for (key, credential) in &secret.credentials {
                secret_entries.push((
                    format!("Secret {}/{} ({key})", pod.object.namespace, reference.name),
                    key,
                    credential,
                ));
            }
        }
    }
    let node_entries: Vec<(String, &RegistryKey, &Credential)> = node
        .iter()
        .map(|(key, credential)| (format!("Docker config ({key})"), key, credential))
        .collect();
    let mut sources = Vec::new();
    for entries in [secret_entries, node_entries] {
        let keys: Vec<&RegistryKey> = entries.iter().map(|(_, k, _)| *k).collect();
        let mut matching: Vec<&(String, &RegistryKey, &Credential)> = entries
            .iter()
            .filter(|(_, key, _)| key.matches(&name))
            .collect();
        if matching.is_empty()
            && let Some(fallback) = crate::credentials::keyring::lookup(keys.iter().copied(), &name)
        {
            matching = entries.iter().filter(|(_, k, _)| *k == fallback).collect();
        }
        matching.sort_by(|a, b| b.1.as_str().cmp(a.1.as_str()));
        sources.extend(matching.into_iter().map(|(label, _, credential)| Source {
            label: label.clone(),
            credential: Some((*credential).clone()),
        }));
    }
    let class = registries.classify(&image);
    let unverifiable = (sources.is_empty() && class == RegistryClass::NodeCredentials).then(|| {
        "nodes pull from this registry with their own credentials (a cloud registry), and no \
         credential for it is at hand here"
            .to_string()
    });
    if sources.is_empty() {
        sources.push(Source {
            label: "anonymous".into(),
            credential: None,
        });
    }
    Pull {
        image,
        sources,
        platforms: platforms_of(pod, settings),
        unverifiable,
    }
}

/// The platforms a pod's nodes have: its `nodeSelector` on `kubernetes.io/arch` (and `os`),
/// else the architectures its required node affinity admits (`kubernetes.io/arch In […]`, in
/// any term), else the configured ones.
pub(super) fn platforms_of(pod: &PodSpec, settings: &OnlineSettings) -> Vec<String> {
    use crate::k8s::placement::Operator;
    let selected = |label: &str| {
        pod.placement
            .node_selector
            .iter()
            .find(|(k, _)| k == label)
            .map(|(_, v)| v.clone())
    };
    let os = selected("kubernetes.io/os").unwrap_or_else(|| "linux".into());
    if let Some(arch) = selected("kubernetes.io/arch") {
        return vec![format!("{os}/{arch}")];
    }
    let mut archs: Vec<String> = (pod.placement.affinity_terms.iter().flatten().flatten())
        .filter(|r| r.key == "kubernetes.io/arch" && r.operator == Operator::In)
        .flat_map(|r| r.values.iter().map(|arch| format!("{os}/{arch}")))
        .collect();
    archs.sort();
    archs.dedup();
    if archs.is_empty() {
        settings.platforms.clone()
    } else {
        archs
    }
}
