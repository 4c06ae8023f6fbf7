//! The server's answers: document notifications, watched files, code actions and hovers.

use super::*;

impl Server<'_> {
    pub(super) fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidOpenTextDocumentParams>(note::DidOpenTextDocument::METHOD)
                {
                    let document = params.text_document;
                    if let Some(path) = uri::to_path(&document.uri) {
                        let was_shared = self.was_shared(&path);
                        let doc = Doc {
                            text: document.text.into(),
                            version: Some(document.version),
                        };
                        self.docs.insert(path.clone(), doc);
                        self.changed(&path, was_shared);
                    }
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidChangeTextDocumentParams>(note::DidChangeTextDocument::METHOD)
                {
                    self.edited(params);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidSaveTextDocumentParams>(note::DidSaveTextDocument::METHOD)
                    && let Some(path) = uri::to_path(&params.text_document.uri)
                    && self.is_config(&path)
                {
                    self.reload_config();
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidCloseTextDocumentParams>(note::DidCloseTextDocument::METHOD)
                    && let Some(path) = uri::to_path(&params.text_document.uri)
                {
                    self.closed(&path);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(params) = notification
                    .extract::<DidChangeWatchedFilesParams>(note::DidChangeWatchedFiles::METHOD)
                {
                    self.on_disk(params);
                }
            }
            _ => {}
        }
    }

    fn edited(&mut self, params: DidChangeTextDocumentParams) {
        let Some(path) = uri::to_path(&params.text_document.uri) else {
            return;
        };
        let was_shared = self.was_shared(&path);
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        let mut text = doc.text.to_string();
        for change in params.content_changes {
            match change.range {
                Some(range) => {
                    let lines = Lines::new(&text, self.encoding);
                    let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                    text.replace_range(start..end.max(start), &change.text);
                }
                None => text = change.text,
            }
        }
        doc.text = text.into();
        doc.version = Some(params.text_document.version);
        self.changed(&path, was_shared);
    }

    /// A closed document is what is on disk again, or not part of the workspace.
    fn closed(&mut self, path: &Path) {
        let was_shared = self.was_shared(path);
        let in_root = (self.root.as_deref()).is_some_and(|root| path.starts_with(root));
        match std::fs::read_to_string(path) {
            Ok(text) if in_root => {
                let doc = Doc {
                    text: text.into(),
                    version: None,
                };
                self.docs.insert(path.to_path_buf(), doc);
                self.changed(path, was_shared);
            }
            _ => {
                self.docs.remove(path);
                self.results.remove(path);
                self.publish(path);
                if was_shared {
                    self.schedule_full(SETTLE);
                }
            }
        }
    }

    /// Files changed on disk (another tool, a `git checkout`): open buffers keep their text.
    fn on_disk(&mut self, params: DidChangeWatchedFilesParams) {
        let mut any = false;
        for event in params.changes {
            let Some(path) = uri::to_path(&event.uri) else {
                continue;
            };
            if self.is_config(&path) {
                self.reload_config();
                continue;
            }
            if self.docs.get(&path).is_some_and(|d| d.version.is_some()) {
                continue;
            }
            if event.typ == FileChangeType::DELETED {
                any |= self.docs.remove(&path).is_some();
                continue;
            }
            let manifest = (path.extension().and_then(|e| e.to_str())).is_some_and(|e| {
                ["yaml", "yml", "json"].contains(&e.to_ascii_lowercase().as_str())
            }) || workspace::is_kustomization(&path);
            let in_root = (self.root.as_deref()).is_some_and(|root| path.starts_with(root));
            if manifest
                && in_root
                && crate::input::helm_chart_of(&path).is_none()
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                let doc = Doc {
                    text: text.into(),
                    version: None,
                };
                self.docs.insert(path, doc);
                any = true;
            }
        }
        if any {
            self.schedule_full(Duration::ZERO);
        }
    }

    pub(super) fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            req::CodeActionRequest::METHOD => request
                .extract::<CodeActionParams>(req::CodeActionRequest::METHOD)
                .map(|(_, params)| serde_json::to_value(self.code_actions(params))),
            req::HoverRequest::METHOD => request
                .extract::<HoverParams>(req::HoverRequest::METHOD)
                .map(|(_, params)| serde_json::to_value(self.hover(params))),
            _ => {
                let message = format!("pullcheck lsp does not answer {}", request.method);
                let code = lsp_server::ErrorCode::MethodNotFound as i32;
                self.send(Message::Response(Response::new_err(id, code, message)));
                return;
            }
        };
        let response = match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                e.to_string(),
            ),
            Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        };
        self.send(Message::Response(response));
    }

    /// The findings of a document as linted from its current text, if they are (a
    /// whole-workspace run for it may still be on its way).
    fn current(&self, path: &Path) -> Option<&Linted> {
        let doc = self.docs.get(path)?;
        (self.results.get(path)).filter(|l| Arc::ptr_eq(&l.text, &doc.text))
    }

    fn code_actions(&self, params: CodeActionParams) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(path) = uri::to_path(uri) else {
            return Vec::new();
        };
        let Some(linted) = self.current(&path) else {
            return Vec::new();
        };
        let lines = Lines::new(&linted.text, self.encoding);
        super::super::actions::code_actions(
            uri,
            &path,
            linted,
            params.range,
            &lines,
            super::super::actions::Against {
                settings: &self.configured.settings,
                definitions: Some(&self.definitions),
            },
            params.context.only.as_deref(),
        )
    }

    fn hover(&self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let path = uri::to_path(&at.text_document.uri)?;
        let doc = self.docs.get(&path)?;
        if self.is_config(&path) {
            return None;
        }
        let offset = Lines::new(&doc.text, self.encoding).offset(at.position);
        // A file a kustomize build may include is shown as built: that needs every file.
        let tree = self.in_kustomize_tree(&path);
        let inputs = if tree {
            self.all_inputs()
        } else {
            self.inputs_for(&path)
        };
        let asked = super::super::hover::Asked {
            inputs: &inputs,
            definitions: (!tree).then_some(&*self.definitions),
            settings: &self.configured.settings,
            root: self.root.as_deref(),
            path: &path,
            offset,
        };
        let text = super::super::hover::hover(&asked, self.current(&path))?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: None,
        })
    }
}
