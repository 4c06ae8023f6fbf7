//! `pullcheck lsp`: a language server over stdio. The editor gets the same findings as the
//! command line, from the unsaved buffers: diagnostics linked to each rule's documentation,
//! quick fixes from the fix engine ([`crate::fix`]), suppression comments, and hovers that
//! show what Kubernetes makes of an image. Findings that depend on other files (a
//! ServiceAccount's pull secrets, a kustomize overlay) follow edits to those files too.
//!
//! The server is synchronous ([`lsp_server`], rust-analyzer's scaffold): an edit re-lints the
//! edited file with the workspace's shared definitions at once; whole-workspace runs (start-up,
//! an edit to a shared definition or a kustomize tree) run on a worker thread, so the editor is
//! answered meanwhile.

mod actions;
#[cfg(feature = "testing")]
pub mod fuzzing;
mod hover;
mod linting;
mod position;
mod server;
mod uri;
mod workspace;

use lsp_server::Connection;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, HoverProviderCapability,
    InitializeParams, InitializeResult, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

use position::Encoding;

/// Serves on stdin and stdout until the client says `exit`.
pub fn stdio() -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io.join().map_err(|e| format!("stdio: {e}"))
}

/// Serves one client on `connection`: the handshake, then every message until `exit`.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("initialize: {e}"))?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("initialize: {e}"))?;
    let offered =
        (params.capabilities.general.as_ref()).and_then(|g| g.position_encodings.as_deref());
    let encoding = Encoding::negotiate(offered);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "pullcheck".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| format!("initialize: {e}"))?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("initialize: {e}"))?;
    let watch = (params.capabilities.workspace.as_ref())
        .and_then(|w| w.did_change_watched_files)
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let progress = (params.capabilities.window.as_ref())
        .and_then(|w| w.work_done_progress)
        .unwrap_or(false);
    server::Server::new(connection, encoding, root_of(&params)).run(watch, progress)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::SOURCE_FIX_ALL,
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// The workspace's folder: the first workspace folder, else the root URI of older clients.
fn root_of(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let first = params.workspace_folders.as_ref().and_then(|f| f.first());
    #[allow(deprecated)]
    let uri = first.map(|f| &f.uri).or(params.root_uri.as_ref())?;
    uri::to_path(uri)
}
