// The pullcheck extension: starts `pullcheck lsp` for YAML and JSON files and lets VS Code's
// language client do the rest. Everything pullcheck knows lives in the server; this file only
// says where to find it and which documents to send it.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("pullcheck.restart", async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("pullcheck.path")) {
        await stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("pullcheck").get<string>("path", "pullcheck");
  const server: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const options: LanguageClientOptions = {
    // Files on disk only: an untitled buffer has no folder, so no configuration or neighbours.
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
    ],
    // The server registers its own file watchers; these cover clients that cannot.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.yaml,*.yml,*.json,Kustomization}"),
    },
  };
  client = new LanguageClient("pullcheck", "pullcheck", server, options);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    void vscode.window.showErrorMessage(
      `pullcheck: could not start \`${command} lsp\` (${String(error)}). ` +
        "Install pullcheck (cargo install --git https://github.com/pullcheck/pullcheck) " +
        "or set pullcheck.path.",
    );
  }
  context.subscriptions.push({ dispose: () => void stop() });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}
