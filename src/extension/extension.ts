import * as vscode from 'vscode';
import { ClientPool } from './accounts/clients';
import { ConnectionManager } from './accounts/connectionManager';
import { connectSandbox, registerAccountCommands } from './commands/accounts';
import { registerCommand } from './commands/boundary';
import { registerLibraryCommands } from './commands/library';
import { DOCUMENT_SCHEME, ItemFileSystem, REMOTE_SCHEME } from './documents/itemDocuments';
import { registerDocumentCommands } from './commands/documents';
import { CheckClient } from '../check-worker/client';
import { FieldCatalog } from '../core/fields/catalog';
import { ExtensionFieldSource, globalStorageFiles } from './fields/fieldSource';
import { registerLanguageFeatures } from './language';
import { PREVIEW_VIEW_TYPE, PreviewManager } from './preview/previewPanel';
import { SendCommands } from './send/sendCommands';
import { trackOpenedEmails } from './send/walkthrough';
import { ConnectionStatus } from './statusBar';
import { registerSync } from './sync/syncView';
import { LibraryTreeProvider, VIEW_ID } from './tree/libraryTree';
import type { LibraryNode } from './tree/nodes';

/**
 * Activation: builds the pieces and registers every disposable on the context. Nothing here touches the
 * network except the opt-in sandbox auto-connect; the tree loads when the view is shown.
 */
/** What activation returns (`vscode.extensions.getExtension(…).exports`): read by the extension-host tests. */
export interface OngageStudioApi {
  /** The Library view (whether it is shown). */
  readonly libraryView: Pick<vscode.TreeView<LibraryNode>, 'visible' | 'onDidChangeVisibility'>;
}

export function activate(context: vscode.ExtensionContext): OngageStudioApi {
  const log = vscode.window.createOutputChannel('Ongage', { log: true });
  context.subscriptions.push(log);

  const connections = new ConnectionManager(context.globalState, context.secrets);
  const pool = new ClientPool(connections, log);
  const tree = new LibraryTreeProvider(connections, pool, log);
  const view = vscode.window.createTreeView<LibraryNode>(VIEW_ID, {
    treeDataProvider: tree,
    dragAndDropController: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  tree.attach(view);
  const documents = new ItemFileSystem(connections, pool, log, context.globalState);
  context.subscriptions.push(
    connections,
    pool,
    tree,
    view,
    documents,
    vscode.window.registerFileDecorationProvider(tree),
    vscode.workspace.registerFileSystemProvider(DOCUMENT_SCHEME, documents, { isCaseSensitive: true }),
    vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, documents),
    // After a save Ongage confirmed, the tree shows the item as Ongage has it (a new name, a copy).
    documents.onDidSave((s) => {
      const lib = pool.peekLibrary(s.profileId, s.listId);
      if (!lib) return;
      lib.upsertFromServer(s.email);
      if (s.removedId !== undefined) lib.forget(s.removedId);
    }),
    new ConnectionStatus(connections, pool),
  );

  const fields = new ExtensionFieldSource(new FieldCatalog(globalStorageFiles(context.globalStorageUri)), connections, pool, documents, log, context.globalState);
  context.subscriptions.push(fields);
  // The checks run in a worker thread, started by the first document checked.
  const checker = new CheckClient({ script: vscode.Uri.joinPath(context.extensionUri, 'dist', 'check-worker.js').fsPath });
  context.subscriptions.push(checker);
  registerLanguageFeatures(context, { log, fields, checker });

  const preview = new PreviewManager({ context, log, fields, documents, connections, checker });
  context.subscriptions.push(
    preview,
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => preview.restore(panel),
    }),
  );
  registerCommand(context, log, 'ongage.showPreview', 'Opening the preview', async (target?: unknown) => {
    if (target instanceof vscode.Uri) return preview.show(target);
    if (target && typeof target === 'object' && (target as LibraryNode).kind === 'item') {
      // From the Library view: open the item, then preview it beside.
      await vscode.commands.executeCommand('ongage.openItem', target, { focus: true });
    }
    return preview.show();
  });

  registerCommand(context, log, 'ongage.showLog', 'Showing the log', () => log.show());
  registerCommand(context, log, 'ongage.refreshFields', 'Refreshing the list fields', () => fields.refresh());
  registerAccountCommands({ context, log, connections, pool });
  registerLibraryCommands({ context, log, tree, view, connections, pool, documents, onRefresh: () => fields.retryFailed() });
  registerDocumentCommands({ context, log, documents });
  const sends = new SendCommands({ context, log, connections, pool, documents, tree });
  context.subscriptions.push(sends);
  sends.register();
  trackOpenedEmails(context);
  registerSync({ context, log, connections, pool });

  log.info(`Ongage Studio ${context.extension.packageJSON.version} activated`);

  if (connections.list().length === 0 && vscode.workspace.getConfiguration('ongage').get<boolean>('sandbox.autoConnect')) {
    void connectSandbox({ context, log, connections, pool }, true);
  }
  return { libraryView: view };
}

export function deactivate(): void {}
