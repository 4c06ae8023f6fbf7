//! A language client for the tests: starts `pullcheck lsp`, speaks JSON-RPC with
//! `Content-Length` framing over its stdin and stdout, and keeps what the server publishes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Long enough for a whole-workspace run on a loaded CI machine; the tests wait for what they
/// expect, never for a fixed time.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// The latest diagnostics per URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Requests from the server (`client/registerCapability`).
    pub server_requests: Vec<Value>,
}

pub fn uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for &b in path.to_str().unwrap().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

impl Client {
    /// Starts the server in `root` and completes the handshake with the given client
    /// capabilities; returns the server's `initialize` result too.
    pub fn start(root: &Path, capabilities: Value) -> (Client, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pullcheck"))
            .arg("lsp")
            .current_dir(root)
            .env("HOME", root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pullcheck lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                let value: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            diagnostics: HashMap::new(),
            server_requests: Vec::new(),
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{"uri": uri(root), "name": "test"}],
                "capabilities": capabilities,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response; its `result` (an error fails the test).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Reads messages until one satisfies `wanted` (keeping diagnostics on the way).
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no awaited message within {PATIENCE:?}; diagnostics: {:#?}",
                    self.diagnostics
                ),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            };
            self.keep(&message);
            if wanted(&message) {
                return message;
            }
        }
    }

    fn keep(&mut self, message: &Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            let uri = message["params"]["uri"].as_str().unwrap().to_string();
            let list = message["params"]["diagnostics"].as_array().unwrap().clone();
            self.diagnostics.insert(uri, list);
        } else if message.get("method").is_some() && message.get("id").is_some() {
            // A request from the server: answered with success, as editors do.
            self.server_requests.push(message.clone());
            let id = message["id"].clone();
            self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
    }

    /// Waits until the diagnostics of `uri` satisfy `check`, and returns them.
    pub fn diagnostics_until(&mut self, uri: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        if let Some(list) = self.diagnostics.get(uri)
            && check(list)
        {
            return list.clone();
        }
        let uri = uri.to_string();
        let found = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && check(m["params"]["diagnostics"].as_array().unwrap())
        });
        found["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// The whole text of an open document replaced, as version `version`.
    pub fn change(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// Ends the session as an editor does: `shutdown`, `exit`; the server must exit with 0.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "pullcheck lsp exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "pullcheck lsp did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The rule names of a diagnostics list.
pub fn codes(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A text with the edits of a `WorkspaceEdit` for `uri` applied: positions in UTF-16 units
/// unless `utf8`.
pub fn apply(text: &str, edit: &Value, uri: &str, utf8: bool) -> String {
    let mut edits: Vec<&Value> = edit["changes"][uri].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| {
        let start = &e["range"]["start"];
        (start["line"].as_u64(), start["character"].as_u64())
    });
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        let start = offset(&out, &e["range"]["start"], utf8);
        let end = offset(&out, &e["range"]["end"], utf8);
        out.replace_range(start..end, e["newText"].as_str().unwrap());
    }
    out
}

/// The byte offset of an LSP position (lines end at `\n`).
pub fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    if utf8 {
        return start + character;
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}
