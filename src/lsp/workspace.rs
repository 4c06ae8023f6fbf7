//! What the server knows of the workspace: every manifest's text (the editor's buffer for an
//! open file, else the file on disk), the configuration, and which files other files' findings
//! depend on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::input::{self, InputSource};
use crate::settings::Settings;

/// A file's text, and the editor's version of it while it is open.
#[derive(Clone)]
pub struct Doc {
    pub text: Arc<str>,
    pub version: Option<i32>,
}

/// The settings a workspace lints with, from its `.pullcheck.yaml`.
pub struct Configured {
    pub settings: Arc<Settings>,
    pub exclude: Vec<String>,
    /// The configuration file, and what is wrong with it when it cannot be used (the
    /// defaults are used then).
    pub file: Option<PathBuf>,
    pub problems: Vec<Diagnostic>,
    pub problem_text: Option<Arc<str>>,
    pub unreadable: Option<String>,
}

impl Configured {
    /// The configuration that applies in `root`, found as the command line finds it. Online
    /// checks run only when the file turns them on (`online: {enabled: true}`): they are never
    /// a flag's default in the editor.
    pub fn load(root: Option<&Path>) -> Configured {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let file = root.and_then(|dir| crate::config::discover(dir, home.as_deref()).0);
        let mut configured = Configured {
            settings: Arc::new(Settings::default()),
            exclude: Vec::new(),
            file: file.clone(),
            problems: Vec::new(),
            problem_text: None,
            unreadable: None,
        };
        let Some(path) = file else {
            return configured;
        };
        let config = match Config::load(&path) {
            Ok(config) => config,
            Err(crate::config::ConfigError::Invalid { file, diagnostics }) => {
                configured.problem_text = Some(file.text.as_str().into());
                configured.problems = diagnostics;
                return configured;
            }
            Err(crate::config::ConfigError::Unreadable(why)) => {
                configured.unreadable = Some(why);
                return configured;
            }
        };
        let mut settings = Settings::default();
        if let Err(e) = config.apply(&mut settings) {
            configured.unreadable = Some(format!("{}: {}", path.display(), e.0));
            return configured;
        }
        configured.settings = Arc::new(settings);
        configured.exclude = config.exclude;
        configured
    }
}

/// Every manifest under `root` as the command line would find it (`pullcheck ROOT`): YAML and
/// JSON files, excludes and ignore files honoured, Helm chart templates left out.
pub fn read_folder(root: &Path, exclude: &[String]) -> BTreeMap<PathBuf, Doc> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let root_arg = [root.display().to_string()];
    let Ok(found) = input::discover(&root_arg, exclude, false, "-", threads) else {
        return BTreeMap::new();
    };
    let mut docs = BTreeMap::new();
    for source in found.inputs {
        let InputSource::File { path, .. } = &source else {
            continue;
        };
        if input::helm_chart_of(path).is_some() {
            continue;
        }
        let Ok(loaded) = input::load(&source, input::DEFAULT_MAX_INPUT_BYTES) else {
            continue;
        };
        if loaded.binary || loaded.not_text.is_some() {
            continue;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        docs.insert(
            absolute,
            Doc {
                text: loaded.source.text.as_str().into(),
                version: None,
            },
        );
    }
    docs
}

/// Whether a file's findings are left to the command line: Go template text (`{{`) is not a
/// manifest until Helm renders it.
pub fn is_template(path: &Path, text: &str) -> bool {
    text.contains("{{") || input::helm_chart_of(path).is_some()
}

/// Whether a file may define what other files' findings depend on: ServiceAccounts, Secrets
/// and pre-pulling DaemonSets (the index), or a kustomization. A cheap test that may say yes
/// too often (a RoleBinding's `kind: ServiceAccount` subject), never too rarely.
pub fn is_shared(path: &Path, text: &str) -> bool {
    is_kustomization(path)
        || ["ServiceAccount", "Secret", "DaemonSet"]
            .iter()
            .any(|kind| memchr::memmem::find(text.as_bytes(), kind.as_bytes()).is_some())
}

pub fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::kustomize::KUSTOMIZATION_FILES.contains(&n))
}

/// Whether a kustomization may include the file: one is in its folder or a folder above it
/// within the workspace, or it is one. Such a file is linted as part of a build, which only a
/// run over the whole workspace sees.
pub fn in_kustomize_tree(path: &Path, root: Option<&Path>, kustomizations: &[PathBuf]) -> bool {
    is_kustomization(path)
        || path.ancestors().skip(1).any(|dir| {
            root.is_none_or(|root| dir.starts_with(root))
                && kustomizations.iter().any(|k| k.parent() == Some(dir))
        })
}
