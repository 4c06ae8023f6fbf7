//! What files define for other files' findings — ServiceAccounts, Secrets and the DaemonSets
//! that pre-pull images — extracted once and kept without the files' text, so that one file can
//! be linted against a whole workspace's definitions without reading them again: the editor
//! re-lints the file being typed in this way.

use std::path::{Path, PathBuf};

use crate::k8s::{PodSpec, Secret, ServiceAccount};
use crate::run::Collected;
use crate::source::SourceFile;

/// The definitions of some files, each with the file it is written in.
#[derive(Default)]
pub struct Definitions {
    /// Name and path of each file; the items' `file` indexes this list.
    files: Vec<(String, Option<PathBuf>)>,
    service_accounts: Vec<ServiceAccount>,
    secrets: Vec<Secret>,
    daemon_sets: Vec<PodSpec>,
}

impl Definitions {
    /// The definitions of what was collected, as written or as a kustomize build made them.
    pub fn of(collected: &Collected) -> Definitions {
        let extracted = &collected.extracted;
        let mut definitions = Definitions {
            files: (collected.files.iter())
                .map(|f| (f.name.clone(), f.path.clone()))
                .collect(),
            service_accounts: extracted.service_accounts.clone(),
            secrets: extracted.secrets.clone(),
            daemon_sets: (extracted.pods.iter())
                .filter(|p| p.object.kind == "DaemonSet")
                .cloned()
                .collect(),
        };
        // Builds belong to the roots of the run that made them; here each item only says what
        // it defines.
        for account in &mut definitions.service_accounts {
            account.built = None;
        }
        for pod in &mut definitions.daemon_sets {
            pod.built = None;
        }
        definitions
    }

    /// Adds the definitions to a collection as files read for context, but those written in
    /// `except` (the file being linted: what it defines now is in the collection already).
    /// The added files carry no text: nothing is reported in them.
    pub fn add_to(&self, collected: &mut Collected, except: &[&Path]) {
        let offset = collected.files.len();
        let kept = |file: usize| {
            let path = self.files[file].1.as_deref();
            !path.is_some_and(|p| except.contains(&p))
        };
        for (name, path) in &self.files {
            collected
                .files
                .push(SourceFile::new(name.clone(), path.clone(), String::new()));
            collected.context.push(true);
        }
        let extracted = &mut collected.extracted;
        for account in self.service_accounts.iter().filter(|a| kept(a.file)) {
            let mut account = account.clone();
            account.file += offset;
            extracted.service_accounts.push(account);
        }
        for secret in self.secrets.iter().filter(|s| kept(s.file)) {
            let mut secret = secret.clone();
            secret.file += offset;
            extracted.secrets.push(secret);
        }
        for pod in self.daemon_sets.iter().filter(|p| kept(p.file)) {
            let mut pod = pod.clone();
            pod.file += offset;
            extracted.pods.push(pod);
        }
    }
}
