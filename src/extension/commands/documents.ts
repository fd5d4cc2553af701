import * as vscode from 'vscode';
import { DOCUMENT_SCHEME, itemUri, parseItemUri, type ItemFileSystem } from '../documents/itemDocuments';
import { registerCommand } from './boundary';
import { textOfHtml } from '../documents/plainText';

interface Deps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  documents: ItemFileSystem;
}

/** Commands on `ongage:` documents: resolving a save conflict, generating the plain-text part. */
export function registerDocumentCommands({ context, log, documents }: Deps): void {
  const reg = (id: string, what: string, fn: (...args: any[]) => unknown) => registerCommand(context, log, id, what, fn);
  const target = (uri?: unknown): vscode.Uri => {
    const u = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!u || u.scheme !== DOCUMENT_SCHEME) throw new Error('Use this in the compare that a save conflict opened (Ongage’s version ↔ yours).');
    return u;
  };

  reg('ongage.conflict.overwrite', 'Overwriting Ongage’s version', async (uri?: unknown) => {
    const u = target(uri);
    if (!documents.hasConflict(u)) throw new Error('There is no conflict for this document any more; save it normally (Ctrl+S).');
    await documents.overwriteAfterCompare(u);
  });

  reg('ongage.conflict.takeTheirs', 'Using Ongage’s version', async (uri?: unknown) => {
    const u = target(uri);
    const sure = await vscode.window.showWarningMessage(
      'Replace your text with Ongage’s version?',
      { modal: true, detail: 'Your unsaved changes to this part are dropped (Undo in the editor brings them back until it is closed).' },
      'Use Ongage’s Version',
    );
    if (sure) await documents.takeTheirs(u);
  });

  reg('ongage.generateText', 'Generating the plain text', async (uri?: unknown) => {
    const u = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!u) throw new Error('Open an email (from the Ongage Library view, or an HTML file) first.');
    const ref = u.scheme === DOCUMENT_SCHEME ? parseItemUri(u) : undefined;
    if (ref) {
      const html = await documents.htmlOf(ref);
      const text = await textOfHtml(html);
      const name = decodeURIComponent(u.path.split('/').pop() ?? '').replace(/(\.ongage\.txt|\.ongage\.json|\.html?)$/i, '');
      const doc = documents.openDocument(ref.profileId, ref.listId, ref.itemId, 'text') ?? (await vscode.workspace.openTextDocument(itemUri(ref.profileId, ref.listId, { id: ref.itemId, name }, 'text')));
      if (doc.getText() !== text) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
        await vscode.workspace.applyEdit(edit);
      }
      await vscode.window.showTextDocument(doc, { preview: false });
      vscode.window.setStatusBarMessage('$(check) Plain text generated from the HTML: review it, then save (Ctrl+S) to store it on Ongage', 6000);
      return;
    }
    const source = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ?? (await vscode.workspace.openTextDocument(u));
    if (source.languageId !== 'html' && !/\.html?$/i.test(u.path)) throw new Error('Generate the plain text from an email’s HTML: open the HTML first.');
    const text = await textOfHtml(source.getText());
    if (u.scheme === 'file' || u.scheme === 'vscode-remote') {
      const sibling = u.with({ path: u.path.replace(/\.html?$/i, '') + '.ongage.txt' });
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(sibling, { ignoreIfExists: true });
      await vscode.workspace.applyEdit(edit);
      const doc = await vscode.workspace.openTextDocument(sibling);
      const replace = new vscode.WorkspaceEdit();
      replace.replace(sibling, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      await vscode.workspace.applyEdit(replace);
      await vscode.window.showTextDocument(doc, { preview: false });
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'ongage-text', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
  });
}
