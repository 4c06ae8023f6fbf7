//! The server's state and its answers to each message.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileChangeType, Hover, HoverContents, HoverParams, MarkupContent, MarkupKind,
    PublishDiagnosticsParams,
};

use super::linting::{self, Input, Linted};
use super::position::{Encoding, Lines};
use super::uri;
use super::workspace::{self, Configured, Doc};
use crate::definitions::Definitions;

/// How long edits to a shared definition may come in a row before the workspace is re-linted:
/// one run for a burst of keystrokes.
const SETTLE: Duration = Duration::from_millis(150);

/// What a worker thread hands back.
enum Done {
    /// The workspace's files, read from disk.
    Read(BTreeMap<PathBuf, Doc>),
    /// A whole-workspace run that failed (a bug of pullcheck's).
    Failed,
    /// A whole-workspace run, and the definitions it read.
    Linted(BTreeMap<PathBuf, Linted>, Definitions),
}

pub struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    root: Option<PathBuf>,
    configured: Configured,
    docs: BTreeMap<PathBuf, Doc>,
    results: BTreeMap<PathBuf, Linted>,
    /// The ServiceAccounts, Secrets and DaemonSets of the workspace, as the last whole run
    /// read them: what a file typed in is linted against.
    definitions: Arc<Definitions>,
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// When a whole-workspace run is due, and whether one is running.
    full_due: Option<Instant>,
    running: bool,
    done: (Sender<Done>, Receiver<Done>),
    next_id: i32,
    /// Whether the client shows progress (`window/workDoneProgress`), and the token of the
    /// workspace run it is being shown for.
    progress: bool,
    reporting: Option<String>,
    /// A folder read arrived: the next whole run is the workspace's first look (progress).
    fresh: bool,
}

impl<'a> Server<'a> {
    pub fn new(connection: &'a Connection, encoding: Encoding, root: Option<PathBuf>) -> Self {
        let root = root.map(|r| std::path::absolute(&r).unwrap_or(r));
        Server {
            connection,
            encoding,
            configured: Configured::load(root.as_deref()),
            root,
            docs: BTreeMap::new(),
            results: BTreeMap::new(),
            definitions: Arc::default(),
            published: HashMap::new(),
            full_due: None,
            running: false,
            done: crossbeam_channel::unbounded(),
            next_id: 0,
            progress: false,
            reporting: None,
            fresh: false,
        }
    }

    pub fn run(mut self, watch: bool, progress: bool) -> Result<(), String> {
        self.progress = progress;
        if watch {
            self.watch_files();
        }
        self.publish_config();
        self.read_folder();
        loop {
            let timer = match self.full_due {
                Some(due) if !self.running => crossbeam_channel::at(due),
                _ => crossbeam_channel::never(),
            };
            crossbeam_channel::select! {
                recv(self.connection.receiver) -> message => {
                    let Ok(message) = message else {
                        return Ok(());
                    };
                    match message {
                        Message::Request(request) => {
                            let shutdown = self.connection.handle_shutdown(&request);
                            if shutdown.map_err(|e| format!("shutdown: {e}"))? {
                                return Ok(());
                            }
                            self.request(request);
                        }
                        Message::Notification(notification) => self.notification(notification),
                        Message::Response(_) => {}
                    }
                }
                recv(self.done.1) -> done => {
                    if let Ok(done) = done {
                        self.finished(done);
                    }
                }
                recv(timer) -> _ => self.start_full(),
            }
        }
    }

    fn send(&self, message: Message) {
        // A closed connection ends the loop at the next receive.
        let _ = self.connection.sender.send(message);
    }

    /// Asks the client to report changes to manifests and the configuration on disk.
    fn watch_files(&mut self) {
        let watchers: Vec<serde_json::Value> = ["**/*.{yaml,yml,json}", "**/Kustomization"]
            .iter()
            .map(|glob| serde_json::json!({ "globPattern": glob }))
            .collect();
        let params = serde_json::json!({ "registrations": [{
            "id": "pullcheck-watched-files",
            "method": note::DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]});
        self.next_id += 1;
        let id = RequestId::from(format!("pullcheck-{}", self.next_id));
        self.send(Message::Request(Request::new(
            id,
            req::RegisterCapability::METHOD.to_string(),
            params,
        )));
    }

    /// Reads the workspace's files on a worker; open buffers keep their text when it arrives.
    fn read_folder(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        let exclude = self.configured.exclude.clone();
        let sender = self.done.0.clone();
        std::thread::spawn(move || {
            let _ = sender.send(Done::Read(workspace::read_folder(&root, &exclude)));
        });
    }

    fn finished(&mut self, done: Done) {
        match done {
            Done::Read(read) => {
                self.docs
                    .retain(|path, doc| doc.version.is_some() || read.contains_key(path));
                for (path, doc) in read {
                    self.docs.entry(path).or_insert(doc);
                }
                self.full_due = Some(Instant::now());
                self.fresh = true;
            }
            Done::Failed => {
                self.ended();
                self.show_message(
                    lsp_types::MessageType::ERROR,
                    "pullcheck: linting the workspace failed (a bug in pullcheck); the files \
                     typed in are still linted"
                        .into(),
                );
            }
            Done::Linted(results, definitions) => {
                self.ended();
                self.definitions = Arc::new(definitions);
                self.accept(results);
                let gone: Vec<PathBuf> = (self.published.keys())
                    .filter(|p| !self.docs.contains_key(*p) && !self.is_config(p))
                    .cloned()
                    .collect();
                for path in gone {
                    self.results.remove(&path);
                    self.publish(&path);
                }
            }
        }
    }

    /// A workspace run ended: another may start, and its progress is over.
    fn ended(&mut self) {
        self.running = false;
        if let Some(token) = self.reporting.take() {
            self.report(&token, serde_json::json!({"kind": "end"}));
        }
    }

    /// Every manifest of the workspace, each reported on: a workspace run's inputs.
    fn all_inputs(&self) -> Vec<Input> {
        (self.docs.iter())
            .filter(|(path, _)| !self.is_config(path))
            .map(|(path, doc)| Input {
                path: path.clone(),
                text: doc.text.clone(),
                reported: true,
            })
            .collect()
    }

    /// Whether a kustomization of the workspace may include `path`.
    fn in_kustomize_tree(&self, path: &Path) -> bool {
        let kustomizations: Vec<PathBuf> = (self.docs.keys())
            .filter(|p| workspace::is_kustomization(p))
            .cloned()
            .collect();
        workspace::in_kustomize_tree(path, self.root.as_deref(), &kustomizations)
    }

    fn start_full(&mut self) {
        self.full_due = None;
        self.running = true;
        if std::mem::take(&mut self.fresh) && self.progress {
            self.next_id += 1;
            let token = format!("pullcheck-workspace-{}", self.next_id);
            self.send(Message::Request(Request::new(
                RequestId::from(token.clone()),
                req::WorkDoneProgressCreate::METHOD.to_string(),
                serde_json::json!({ "token": token }),
            )));
            let message = format!("linting {} files", self.docs.len());
            let begin =
                serde_json::json!({"kind": "begin", "title": "pullcheck", "message": message});
            self.report(&token, begin);
            self.reporting = Some(token);
        }
        let inputs = self.all_inputs();
        let settings = self.configured.settings.clone();
        let (root, encoding, sender) = (self.root.clone(), self.encoding, self.done.0.clone());
        std::thread::spawn(move || {
            // A failure must not leave the server waiting for a run that never ends: it says
            // so, and the next edit starts another.
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let collected = linting::collect(&inputs, None, &settings, root.as_deref());
                let definitions = Definitions::of(&collected);
                let run = crate::lint::lint_collected(collected, &settings);
                let results = linting::findings(&inputs, &run, encoding, &|_| None);
                Done::Linted(results, definitions)
            }));
            let _ = sender.send(done.unwrap_or(Done::Failed));
        });
    }

    fn report(&self, token: &str, value: serde_json::Value) {
        let params = serde_json::json!({ "token": token, "value": value });
        self.send(Message::Notification(Notification::new(
            note::Progress::METHOD.to_string(),
            params,
        )));
    }

    fn schedule_full(&mut self, after: Duration) {
        let due = Instant::now() + after;
        self.full_due = Some(self.full_due.map_or(due, |d| d.max(due)));
    }

    /// Keeps the results whose text is still the document's, and publishes them.
    fn accept(&mut self, results: BTreeMap<PathBuf, Linted>) {
        for (path, linted) in results {
            let current =
                (self.docs.get(&path)).is_some_and(|d| Arc::ptr_eq(&d.text, &linted.text));
            if current {
                self.results.insert(path.clone(), linted);
                self.publish(&path);
            }
        }
    }

    /// Sends a file's diagnostics when they differ from what the client has.
    fn publish(&mut self, path: &Path) {
        let diagnostics: Vec<lsp_types::Diagnostic> = (self.results.get(path))
            .map(|l| l.findings.iter().map(|f| f.shown.clone()).collect())
            .unwrap_or_default();
        self.send_diagnostics(path, diagnostics);
    }

    fn send_diagnostics(&mut self, path: &Path, diagnostics: Vec<lsp_types::Diagnostic>) {
        if self
            .published
            .get(path)
            .map_or(diagnostics.is_empty(), |p| *p == diagnostics)
        {
            return;
        }
        let Some(uri) = uri::from_path(path) else {
            return;
        };
        let version = self.docs.get(path).and_then(|d| d.version);
        let params = PublishDiagnosticsParams::new(uri, diagnostics.clone(), version);
        self.send(Message::Notification(Notification::new(
            note::PublishDiagnostics::METHOD.to_string(),
            params,
        )));
        if diagnostics.is_empty() {
            self.published.remove(path);
        } else {
            self.published.insert(path.to_path_buf(), diagnostics);
        }
    }

    fn is_config(&self, path: &Path) -> bool {
        self.configured.file.as_deref() == Some(path)
            || path
                .file_name()
                .is_some_and(|n| n == crate::config::FILE_NAME)
    }

    /// Re-lints a document after its text changed. Unless a kustomize build may include it,
    /// it is linted at once against the workspace's definitions (ServiceAccounts, Secrets,
    /// DaemonSets, as the last whole run read them) — what a whole run would find in it. The whole workspace is
    /// re-linted a moment later when the change may matter to other files.
    fn changed(&mut self, path: &Path, was_shared: bool) {
        if self.is_config(path) {
            return;
        }
        let Some(doc) = self.docs.get(path) else {
            return;
        };
        let text = doc.text.clone();
        let tree = self.in_kustomize_tree(path);
        if !tree {
            let inputs = self.inputs_for(path);
            let docs = &self.docs;
            let results = linting::lint(
                &inputs,
                Some(&self.definitions),
                &self.configured.settings,
                self.root.as_deref(),
                self.encoding,
                &|p| docs.get(p).map(|d| d.text.clone()),
            );
            self.accept(results);
        }
        if tree || was_shared || workspace::is_shared(path, &text) {
            self.schedule_full(SETTLE);
        }
    }

    /// A document to lint alone, against the workspace's definitions.
    fn inputs_for(&self, path: &Path) -> Vec<Input> {
        (self.docs.get(path).into_iter())
            .map(|doc| Input {
                path: path.to_path_buf(),
                text: doc.text.clone(),
                reported: true,
            })
            .collect()
    }

    fn was_shared(&self, path: &Path) -> bool {
        (self.docs.get(path)).is_some_and(|d| workspace::is_shared(path, &d.text))
    }
}

mod configuration;
mod messages;
