//! A session the fuzzer drives (`fuzz/fuzz_targets/lsp.rs`): a document opened and edited at
//! positions that may lie anywhere, in any encoding, with code actions and hovers asked in
//! between. The server must answer every request and end cleanly.

use lsp_server::{Connection, Message, Notification, Request};
use serde_json::json;

/// `bytes`: the document's text up to the first NUL, then groups of 6 bytes, each an edit
/// (start and end line and character, a length of text from the document) or a request.
pub fn session(bytes: &[u8]) {
    let (text, script) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (&bytes[..at], &bytes[at + 1..]),
        None => (bytes, &[][..]),
    };
    let text = String::from_utf8_lossy(text).into_owned();
    let encodings = match script.first().copied().unwrap_or(0) % 3 {
        0 => json!(["utf-16"]),
        1 => json!(["utf-8"]),
        _ => json!(["utf-32"]),
    };
    let (server, client) = Connection::memory();
    let serving = std::thread::spawn(move || super::serve(&server));
    let mut id = 0;
    let mut request = |method: &str, params: serde_json::Value| {
        id += 1;
        let sent = client.sender.send(Message::Request(Request::new(
            id.into(),
            method.into(),
            params,
        )));
        sent.expect("the server listens");
        loop {
            match client.receiver.recv().expect("the server answers") {
                Message::Response(r) if r.id == id.into() => return r,
                _ => {}
            }
        }
    };
    let notify = |method: &str, params: serde_json::Value| {
        let message = Message::Notification(Notification::new(method.into(), params));
        client.sender.send(message).expect("the server listens");
    };
    let capabilities = json!({"general": {"positionEncodings": encodings}});
    request(
        "initialize",
        json!({"processId": null, "capabilities": capabilities}),
    );
    notify("initialized", json!({}));
    let uri = "file:///fuzz/manifest.yaml";
    notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let position = |line: u8, character: u8| json!({"line": line % 16, "character": character});
    for (version, step) in script.chunks_exact(6).enumerate() {
        let range = json!({"start": position(step[0], step[1]), "end": position(step[2], step[3])});
        match step[4] % 4 {
            0 | 1 => {
                let from = usize::from(step[5]) % (text.len() + 1);
                let insert: String = text
                    .chars()
                    .skip(from)
                    .take(usize::from(step[4] / 4))
                    .collect();
                notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version + 2},
                           "contentChanges": [{"range": range, "text": insert}]}),
                );
            }
            2 => {
                let answer = request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
                );
                assert!(answer.response_result.is_ok(), "{answer:?}");
            }
            _ => {
                let answer = request(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": uri}, "position": position(step[0], step[1])}),
                );
                assert!(answer.response_result.is_ok(), "{answer:?}");
            }
        }
    }
    request("shutdown", serde_json::Value::Null);
    notify("exit", serde_json::Value::Null);
    drop(client);
    let ended = serving.join().expect("the server does not panic");
    ended.expect("the session ends cleanly");
}
