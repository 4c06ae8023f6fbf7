#!/usr/bin/env python3
"""`pullcheck lsp` on a real workspace: start-up over the corpus (3,800 files), how fast the
server answers while it indexes, and how soon a 2,000-line file's diagnostics follow an edit.

Usage: cargo build --release && python3 bench/lsp.py [--bin target/release/pullcheck]
       [--corpus ../shared/corpus] [--edits 40]

Latencies are measured by the client, from the moment a message is written to the moment the
answer is read, so they include the JSON-RPC framing both ways. Each figure is reported with a
reference timed in the same invocation: the command line on the same input (`pullcheck FILE`,
`pullcheck CORPUS`, whole process), since absolute times on a shared 2-core machine are noise.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import queue
import time


class Client:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     cwd=root)
        self.inbox = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put((time.perf_counter(), json.loads(out.read(length))))

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, wanted, timeout=120):
        deadline = time.perf_counter() + timeout
        while True:
            at, message = self.inbox.get(timeout=max(0.0, deadline - time.perf_counter()))
            if "id" in message and "method" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            if wanted(message):
                return at, message

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=30)


def manifest(lines):
    """Deployments of 50 lines each, up to `lines` lines: a large, realistic file."""
    out = []
    i = 0
    while len(out) + 50 <= lines:
        block = [
            "---", "apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: app-{i}",
            "  namespace: shop", "  labels:", f"    app: app-{i}", "    tier: backend", "spec:",
            "  replicas: 2", "  selector:", "    matchLabels:", f"      app: app-{i}", "  template:",
            "    metadata:", "      labels:", f"        app: app-{i}", "    spec:",
            "      serviceAccountName: shop", "      containers:", f"        - name: app-{i}",
            f"          image: harbor.corp/shop/app-{i}:1.{i}", "          imagePullPolicy: IfNotPresent",
            "          ports:", "            - containerPort: 8080", "          env:",
        ]
        block += [f"            - {{name: VAR_{j}, value: \"v{j}\"}}" for j in range(50 - len(block) - 4)]
        block += ["          resources:", "            limits: {cpu: 500m, memory: 256Mi}",
                  "        - name: sidecar", f"          image: nginx:latest"]
        out += block
        i += 1
    return "\n".join(out) + "\n"


def uri(path):
    return "file://" + path


def timed_cli(binary, args, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([binary, *args, "--format", "json"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/release/pullcheck")
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    corpus = os.path.abspath(args.corpus)
    count = sum(1 for _, _, names in os.walk(corpus) for n in names
                if n.endswith((".yaml", ".yml", ".json")))

    # Start-up: initialize → the end of the workspace run's progress; a hover asked at once.
    client = Client(binary, corpus)
    start = time.perf_counter()
    client.request("initialize", {"processId": None, "rootUri": uri(corpus),
                                  "capabilities": {"window": {"workDoneProgress": True}}})
    client.wait(lambda m: m.get("id") == 1)
    client.notify("initialized", {})
    small = os.path.join(corpus, "bench-small.yaml")
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - {name: a, image: nginx}\n"
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri(small), "languageId": "yaml",
                                                            "version": 1, "text": text}})
    asked = time.perf_counter()
    hover_id = client.request("textDocument/hover", {"textDocument": {"uri": uri(small)},
                                                     "position": {"line": 5, "character": 30}})
    hovered, _ = client.wait(lambda m: m.get("id") == hover_id)
    indexed, _ = client.wait(lambda m: m.get("method") == "$/progress"
                             and m["params"]["value"].get("kind") == "end")
    startup = indexed - start

    # Edits of a 2,000-line file: didChange → its diagnostics for that version.
    big = os.path.join(corpus, "bench-2000-lines.yaml")
    text = manifest(2000)
    lines = text.count("\n")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri(big), "languageId": "yaml",
                                                            "version": 1, "text": text}})
    client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri(big))
    latencies = []
    for version in range(2, args.edits + 2):
        edited = text.replace("app-7:1.7", f"app-7:1.{version}")
        sent = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri(big), "version": version},
                                                 "contentChanges": [{"text": edited}]})
        got, _ = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri(big) and m["params"].get("version") == version,
                             timeout=30)
        latencies.append(got - sent)
    client.close()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.yaml")
        with open(path, "w") as f:
            f.write(text)
        cli_file = timed_cli(binary, [path], 7)
    cli_corpus = timed_cli(binary, [corpus], 3)

    latencies.sort()
    median = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"workspace: {count} files ({corpus})")
    print(f"start-up, initialize to the end of the workspace run: {startup * 1000:.0f} ms "
          f"(`pullcheck CORPUS`, whole process: {cli_corpus * 1000:.0f} ms; ratio {startup / cli_corpus:.2f})")
    print(f"hover asked right after initialize, answered in {(hovered - asked) * 1000:.1f} ms "
          f"({'before' if hovered < indexed else 'after'} the workspace run ended)")
    print(f"edit of a {lines}-line file to its diagnostics, {len(latencies)} edits: median "
          f"{median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms "
          f"(`pullcheck FILE`, whole process: {cli_file * 1000:.1f} ms; ratio {median / cli_file:.2f})")


if __name__ == "__main__":
    sys.exit(main())
