//! The workspace's configuration as the editor sees it: its own problems shown on its file, and
//! a workspace re-read and re-linted when it changes.

use super::*;

impl Server<'_> {
    pub(super) fn show_message(&self, typ: lsp_types::MessageType, message: String) {
        let params = lsp_types::ShowMessageParams { typ, message };
        self.send(Message::Notification(Notification::new(
            note::ShowMessage::METHOD.to_string(),
            params,
        )));
    }

    /// The configuration's own problems, on its file; an unreadable one as a message.
    pub(super) fn publish_config(&mut self) {
        let Some(path) = self.configured.file.clone() else {
            return;
        };
        if let Some(why) = &self.configured.unreadable {
            let message = format!("pullcheck: {why}; linting with the defaults");
            self.show_message(lsp_types::MessageType::WARNING, message);
        }
        let shown = match &self.configured.problem_text {
            Some(text) => {
                let lines = Lines::new(text, self.encoding);
                (self.configured.problems.iter())
                    .map(|d| linting::to_lsp(d, &lines, |_, _| None))
                    .collect()
            }
            None => Vec::new(),
        };
        self.send_diagnostics(&path, shown);
    }

    pub(super) fn reload_config(&mut self) {
        self.configured = Configured::load(self.root.as_deref());
        self.publish_config();
        // Its excludes may have changed which files are the workspace's.
        self.read_folder();
    }
}
