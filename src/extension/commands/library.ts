import * as vscode from 'vscode';
import { PREVIEW_VIEW_TYPE } from '../preview/previewPanel';
import { OngageError, isOngageError } from '../../core/api/errors';
import { webAppUrl } from '../../core/accounts/connections';
import type { ConnectionProfile } from '../../core/accounts/connections';
import { LibraryFilter, LibraryItem, LibraryItemType, ROOT } from '../../core/library/model';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { itemUri, parseItemUri, type ItemFileSystem } from '../documents/itemDocuments';
import type { PartKind } from '../../core/library/parts';
import type { ItemNode, LibraryNode } from '../tree/nodes';
import { LibraryTreeProvider, VIEW_ID } from '../tree/libraryTree';
import { registerCommand, reportError } from './boundary';

const STARTER_HTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ocx_subject}}</title>
</head>
<body>
<p>Hi {{first_name:there}},</p>
<p></p>
</body>
</html>
`;

interface Deps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  tree: LibraryTreeProvider;
  view: vscode.TreeView<LibraryNode>;
  connections: ConnectionManager;
  pool: ClientPool;
  documents: ItemFileSystem;
  /** Called on Refresh of the whole library (e.g. fetches that failed try again at once). */
  onRefresh?: () => void;
}

/**
 * The nodes a command applies to: the clicked one, together with the rest of the selection only when the
 * clicked one is part of it (an inline action on an unselected row acts on that row alone, as in the Explorer).
 * From the palette or a key binding (no node): the selection.
 */
export function targets(view: vscode.TreeView<LibraryNode>, node: LibraryNode | undefined, all?: readonly LibraryNode[]): LibraryNode[] {
  if (node) return all && all.some((n) => n.key === node.key) ? [...all] : [node];
  return [...view.selection];
}

function itemsOf(nodes: LibraryNode[]): ItemNode[] {
  return nodes.filter((n): n is ItemNode => n.kind === 'item');
}

export function registerLibraryCommands(d: Deps): void {
  const { context, log, tree, view, connections, pool, documents } = d;
  const reg = (id: string, what: string, fn: (...args: any[]) => unknown) => registerCommand(context, log, id, what, fn);

  /** The items a multi-item command acts on; a clear message (and a log line saying what arrived) when none. */
  const selectedItems = (node: LibraryNode | undefined, all: LibraryNode[] | undefined, message: string): ItemNode[] => {
    const nodes = itemsOf(targets(view, node, all));
    if (nodes.length === 0) {
      log.warn(`No library items to act on: clicked ${node?.kind ?? 'nothing'}, ${all?.length ?? 0} passed, ${view.selection.length} selected (${view.selection.map((n) => n.key).join(', ') || 'none'})`);
      throw new Error(message);
    }
    return nodes;
  };

  const requireItem = (node: LibraryNode | undefined): ItemNode => {
    const n = node ?? view.selection[0];
    if (!n || n.kind !== 'item') throw new Error('Select an email, template or folder in the Ongage Library view first.');
    return n;
  };
  const itemOf = (n: ItemNode): LibraryItem => {
    const item = tree.item(n);
    if (!item) throw new Error(`Item ${n.itemId} is no longer in the library; refresh the view.`);
    return item;
  };

  reg('ongage.refresh', 'Refreshing the library', () => {
    d.onRefresh?.();
    return tree.refreshNode(undefined);
  });
  reg('ongage.refreshNode', 'Refreshing', (node?: LibraryNode) => tree.refreshNode(node ?? view.selection[0]));

  reg('ongage.filter', 'Filtering the library', async () => {
    const filter = await pickFilter(tree.getFilter());
    if (filter !== undefined) tree.setFilter(filter);
  });
  reg('ongage.clearFilter', 'Clearing the filter', () => tree.setFilter(undefined));

  // -------------------------------------------------------------------------------- create

  const create = async (type: LibraryItemType, node?: LibraryNode) => {
    const where = await resolveContainer(node);
    if (!where) return;
    const noun = type === 'folder' ? 'folder' : type === 'template' ? 'template' : 'email';
    const name = await vscode.window.showInputBox({
      title: `New ${noun}`,
      prompt: `Name of the new ${noun}${where.label ? ` in ${where.label}` : ''}`,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? (v.length > 255 ? 'Keep the name under 256 characters' : undefined) : `Give the ${noun} a name`),
    });
    if (name === undefined) return;
    let subject: string | undefined;
    if (type === 'email_message') {
      subject = await vscode.window.showInputBox({
        title: `New ${noun}: subject`,
        prompt: 'Subject line (personalization tags such as {{first_name}} work here too)',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'An email needs a subject'),
      });
      if (subject === undefined) return;
    }
    const lib = await tree.library(where.profile, where.listId);
    const item = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
      lib.create({
        type,
        name: name.trim(),
        parentId: where.parentId,
        subject: subject?.trim(),
        description: '',
        contentHtml: type === 'folder' ? undefined : STARTER_HTML,
      }),
    );
    log.info(`Created ${noun} ${item.id} "${item.name}" in list ${where.listId}`);
    const created = tree.itemNode(where.profile, where.listId, item.id);
    await view.reveal(tree.shown(created), { select: true, focus: true, expand: type === 'folder' }).then(undefined, () => undefined);
    if (type !== 'folder') await vscode.commands.executeCommand('ongage.openItem', created, { focus: true });
  };

  /** The folder/list a new item goes in: the selected node, else the active connection's list root. */
  const resolveContainer = async (
    node?: LibraryNode,
  ): Promise<{ profile: ConnectionProfile; listId: number; parentId: number; label?: string } | undefined> => {
    const n = node ?? view.selection[0];
    if (n && (n.kind === 'list' || n.kind === 'item')) {
      const t = tree.dropTarget(n);
      if (t) {
        const label = t.parentId === ROOT ? (n.kind === 'list' ? `list "${n.list.name}"` : 'the list root') : `"${tree.item(tree.itemNode(t.profile, t.listId, t.parentId))?.name ?? t.parentId}"`;
        return { ...t, label };
      }
    }
    const profile = connections.active();
    if (!profile) {
      void vscode.window.showWarningMessage('Sign in to Ongage first ("Ongage: Sign In…" or "Use the Local Sandbox").');
      return undefined;
    }
    const lists = await pool.listsOf(profile);
    const listId = profile.listId ?? lists[0]?.id;
    if (listId === undefined) throw new Error(`The account "${profile.name}" has no lists; create one in Ongage first.`);
    return { profile, listId, parentId: ROOT, label: 'the list root' };
  };

  reg('ongage.newFolder', 'Creating the folder', (node?: LibraryNode) => create('folder', node));
  reg('ongage.newEmail', 'Creating the email', (node?: LibraryNode) => create('email_message', node));
  reg('ongage.newTemplate', 'Creating the template', (node?: LibraryNode) => create('template', node));

  // --------------------------------------------------------------------------- rename, move

  reg('ongage.rename', 'Renaming', async (node?: LibraryNode) => {
    const n = requireItem(node);
    const item = itemOf(n);
    const name = await vscode.window.showInputBox({
      title: `Rename "${item.name}"`,
      value: item.name,
      valueSelection: [0, item.name.length],
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The name cannot be empty'),
    });
    if (name === undefined || name.trim() === item.name) return;
    const lib = await tree.library(n.profile, n.listId);
    await lib.rename(item.id, name.trim());
    tree.repaint(n);
    // Its open settings (and the preview's name) follow, unless they hold unsaved changes of their own.
    void documents.refresh(n.profile.id, n.listId, item.id).catch((e) => log.warn(`Re-reading item ${item.id} after the rename: ${String(e)}`));
  });

  /** Moves items (from drag and drop or the Move command) into a folder of the same list. */
  reg('ongage.moveTo', 'Moving', async (nodes: ItemNode[], dest: { profile: ConnectionProfile; listId: number; parentId: number }) => {
    const movable = nodes.filter((n) => n.profile.id === dest.profile.id && n.listId === dest.listId);
    if (movable.length < nodes.length) {
      void vscode.window.showWarningMessage('Items can only move within their own list. To put an item in another list, use "Copy to Lists…".');
    }
    const lib = await tree.library(dest.profile, dest.listId);
    const failures: string[] = [];
    await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, async () => {
      for (const n of movable) {
        const item = tree.item(n);
        if (!item || item.parentId === dest.parentId) continue;
        try {
          await lib.move(item.id, dest.parentId);
          log.info(`Moved ${item.type} ${item.id} "${item.name}" to folder ${dest.parentId}`);
        } catch (e) {
          failures.push(`"${item.name}": ${isOngageError(e) || e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
    if (failures.length) {
      await reportError(log, `Moving ${failures.length} of ${movable.length} items`, new Error(failures.join('; ')));
    }
  });

  reg('ongage.move', 'Moving', async (node?: LibraryNode, all?: LibraryNode[]) => {
    const nodes = selectedItems(node, all, 'Select the items to move in the Ongage Library view first.');
    const first = nodes[0];
    const lib = await tree.library(first.profile, first.listId);
    await lib.loadAll().catch(() => undefined);
    const moving = new Set(nodes.map((n) => n.itemId));
    const picks: (vscode.QuickPickItem & { parentId: number })[] = [
      { label: '$(root-folder) List root', parentId: ROOT },
      ...lib.model
        .folders()
        .filter((f) => ![...moving].some((id) => lib.model.isInSubtree(f.item.id, id)))
        .map((f) => ({ label: `$(folder) ${f.item.name}`, description: f.path, parentId: f.item.id })),
    ];
    const pick = await vscode.window.showQuickPick(picks, {
      title: nodes.length === 1 ? `Move "${tree.item(first)?.name}" to…` : `Move ${nodes.length} items to…`,
      placeHolder: 'Choose a folder',
      matchOnDescription: true,
    });
    if (!pick) return;
    await vscode.commands.executeCommand('ongage.moveTo', nodes, { profile: first.profile, listId: first.listId, parentId: pick.parentId });
  });

  // ---------------------------------------------------------------------------- copy to lists

  reg('ongage.copyToLists', 'Copying to lists', async (node?: LibraryNode) => {
    const n = requireItem(node);
    const item = itemOf(n);
    const lists = (await pool.listsOf(n.profile)).filter((l) => l.id !== n.listId);
    if (lists.length === 0) {
      void vscode.window.showInformationMessage(`The account has no other list to copy "${item.name}" to.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      lists.map((l) => ({ label: l.name, description: String(l.id), id: l.id })),
      { title: `Copy "${item.name}" to lists`, canPickMany: true, placeHolder: 'Choose one or more lists' },
    );
    if (!picked || picked.length === 0) return;
    const lib = await tree.library(n.profile, n.listId);
    await lib.copyToLists(item.id, picked.map((p) => p.id));
    for (const p of picked) {
      const other = pool.peekLibrary(n.profile.id, p.id);
      if (other) await other.refreshFolder(ROOT).catch(() => undefined);
    }
    void vscode.window.showInformationMessage(`Copied "${item.name}" to ${picked.map((p) => p.label).join(', ')}.`);
  });

  // ---------------------------------------------------------------------------- favourite

  reg('ongage.toggleFavorite', 'Changing the favourite', async (node?: LibraryNode, all?: LibraryNode[]) => {
    const nodes = selectedItems(node, all, 'Select an email or template in the Ongage Library view first.');
    // Several items: make them all favourites, unless all already are.
    const allFav = nodes.every((n) => tree.item(n)?.favorite);
    for (const n of nodes) {
      const lib = await tree.library(n.profile, n.listId);
      if (nodes.length === 1) await lib.toggleFavorite(n.itemId);
      else await lib.setFavorite([n.itemId], !allFav);
      tree.repaint(n);
    }
  });

  // ---------------------------------------------------------------------------------- delete

  reg('ongage.delete', 'Deleting', async (node?: LibraryNode, all?: LibraryNode[]) => {
    const nodes = selectedItems(node, all, 'Select the items to delete in the Ongage Library view first.');
    const items = nodes.map((n) => ({ n, item: itemOf(n) }));
    const folders = items.filter((x) => x.item.type === 'folder').length;
    const what =
      items.length === 1
        ? `${items[0].item.type === 'folder' ? 'folder' : items[0].item.type === 'template' ? 'template' : 'email'} "${items[0].item.name}" (id ${items[0].item.id})`
        : `${items.length} items (${items.map((x) => `"${x.item.name}"`).join(', ')})`;
    const choice = await vscode.window.showWarningMessage(
      `Delete ${what} from Ongage?`,
      { modal: true, detail: `${folders ? 'Everything inside a deleted folder goes with it. ' : ''}This cannot be undone from VS Code.` },
      'Delete',
    );
    if (choice !== 'Delete') return;
    const failures: string[] = [];
    for (const { n, item } of items) {
      const lib = await tree.library(n.profile, n.listId);
      try {
        await lib.delete(item.id);
        log.info(`Deleted ${item.type} ${item.id} "${item.name}"`);
      } catch (e) {
        const detail = e instanceof OngageError && e.kind === 'dependency' && e.ongageMessage && !e.message.includes(e.ongageMessage) ? ` (Ongage: ${e.ongageMessage})` : '';
        failures.push(`"${item.name}": ${e instanceof Error ? e.message : String(e)}${detail}`);
      }
    }
    if (failures.length) {
      log.error(`Delete failed: ${failures.join('; ')}`);
      const pick = await vscode.window.showErrorMessage(`Could not delete ${failures.join('; ')}`, 'Show Log');
      if (pick) log.show(true);
    }
  });

  // ------------------------------------------------------------------------- copy id, web app

  reg('ongage.copyId', 'Copying the id', async (node?: LibraryNode) => {
    const n = node ?? view.selection[0];
    const id = n?.kind === 'item' ? n.itemId : n?.kind === 'list' ? n.list.id : undefined;
    if (id === undefined) throw new Error('Select an item or a list in the Ongage Library view first.');
    await vscode.env.clipboard.writeText(String(id));
    vscode.window.setStatusBarMessage(`Copied id ${id}`, 3000);
  });

  reg('ongage.openInWebApp', 'Opening in Ongage', async (node?: LibraryNode) => {
    const n = node ?? view.selection[0];
    if (!n || (n.kind !== 'item' && n.kind !== 'list')) throw new Error('Select an item or a list in the Ongage Library view first.');
    const url = webAppUrl(n.profile, n.kind === 'item' ? n.listId : n.list.id, n.kind === 'item' ? n.itemId : undefined);
    if (!url) {
      void vscode.window.showInformationMessage(`"${n.profile.name}" is not an Ongage account (it points at ${n.profile.baseUrl}); there is no web app to open.`);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  });

  reg('ongage.openItem', 'Opening', async (node?: LibraryNode, opts?: { focus?: boolean; fromTree?: boolean; part?: PartKind }) => {
    const n = requireItem(node);
    const item = itemOf(n);
    if (item.type === 'folder') {
      await view.reveal(tree.shown(n), { expand: true, select: true });
      return;
    }
    const part = opts?.part ?? 'html';
    // The item's part may be open already under the name it had then: use that document, not a second one.
    const doc = documents.openDocument(n.profile.id, n.listId, item.id, part) ?? (await vscode.workspace.openTextDocument(itemUri(n.profile.id, n.listId, item, part)));
    // Like the Explorer: a click in the tree opens a preview and leaves the focus in the tree (so F2, Delete and
    // the arrow keys keep working there); from the palette or after creating an item, the editor takes the focus.
    // The row's own click says so in its arguments: the selection may reach the extension host after the command.
    const fromTree = !!opts?.fromTree && !opts.focus;
    // Never over the live preview: when it is the active editor, open the item in the first group (the preview
    // then follows the new editor).
    const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const overPreview = active instanceof vscode.TabInputWebview && active.viewType.endsWith(PREVIEW_VIEW_TYPE);
    await vscode.window.showTextDocument(doc, { preview: part === 'html' && fromTree, preserveFocus: fromTree, viewColumn: overPreview ? vscode.ViewColumn.One : undefined });
  });

  /** Another part of the item a tree row or an `ongage:` editor shows. */
  const openPart = async (part: PartKind, target?: unknown): Promise<void> => {
    const uri = target instanceof vscode.Uri ? target : target === undefined && !view.selection.length ? vscode.window.activeTextEditor?.document.uri : undefined;
    if (uri) {
      const ref = uri.scheme === 'ongage' ? parseItemUri(uri) : undefined;
      if (!ref) throw new Error('Open a library email from the Ongage Library view first.');
      const existing = documents.openDocument(ref.profileId, ref.listId, ref.itemId, part);
      const name = decodeURIComponent(uri.path.split('/').pop() ?? '').replace(/(\.ongage\.txt|\.ongage\.json|\.html?)$/i, '');
      const doc = existing ?? (await vscode.workspace.openTextDocument(itemUri(ref.profileId, ref.listId, { id: ref.itemId, name }, part)));
      await vscode.window.showTextDocument(doc, { preview: false });
      return;
    }
    await vscode.commands.executeCommand('ongage.openItem', target as LibraryNode | undefined, { focus: true, part });
  };
  reg('ongage.openHtml', 'Opening the HTML', (target?: unknown) => openPart('html', target));
  reg('ongage.openText', 'Opening the plain text', (target?: unknown) => openPart('text', target));
  reg('ongage.openSettings', 'Opening the settings', (target?: unknown) => openPart('settings', target));

}

interface FilterPick extends vscode.QuickPickItem {
  key: 'favorites' | 'email_message' | 'template' | 'clear';
}

/** One quick pick: type text to match names and subjects, tick favourites and types. Undefined = cancelled. */
function pickFilter(current: LibraryFilter | undefined): Promise<LibraryFilter | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<FilterPick>();
    qp.title = 'Filter the Ongage library';
    qp.placeholder = 'Type to match names and subjects; tick to narrow further; Enter to apply';
    qp.canSelectMany = true;
    qp.matchOnDescription = false;
    qp.value = current?.text ?? '';
    const items: FilterPick[] = [
      { key: 'favorites', label: '$(star-full) Favourites only', alwaysShow: true },
      { key: 'email_message', label: '$(mail) Email messages', alwaysShow: true },
      { key: 'template', label: '$(layout) Templates', alwaysShow: true },
    ];
    qp.items = items;
    qp.selectedItems = items.filter(
      (i) => (i.key === 'favorites' && current?.favoritesOnly) || current?.types?.includes(i.key as LibraryItemType),
    );
    let accepted = false;
    qp.onDidAccept(() => {
      accepted = true;
      const sel = qp.selectedItems.map((i) => i.key);
      const types = sel.filter((k): k is 'email_message' | 'template' => k === 'email_message' || k === 'template');
      resolve({ text: qp.value.trim() || undefined, favoritesOnly: sel.includes('favorites') || undefined, types: types.length ? types : undefined });
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!accepted) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
