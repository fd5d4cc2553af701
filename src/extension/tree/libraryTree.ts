import * as vscode from 'vscode';
import { isOngageError } from '../../core/api/errors';
import type { OngageList } from '../../core/api/types';
import type { ConnectionProfile } from '../../core/accounts/connections';
import { LibraryFilter, LibraryItem, ROOT, describeFilter, isFilterActive } from '../../core/library/model';
import type { LibraryService } from '../../core/library/service';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { CONTEXT, ItemNode, LibraryNode, ListNode, MessageNode, keys } from './nodes';

export const VIEW_ID = 'ongage.library';
export const ITEM_SCHEME = 'ongage-item';
const DND_MIME = 'application/vnd.code.tree.ongage.library';

/** The elements standing for nodes in a filtered tree (LibraryTreeProvider.shown). */
const FILTER_ROWS = new WeakSet<object>();

/** Whether an element is a row of a filtered tree (of the current filter or an earlier one). */
export function isFilterRow(node: LibraryNode): boolean {
  return FILTER_ROWS.has(node);
}

/**
 * The Library view: connections → lists → folders → emails and templates. Reads everything from the
 * LibraryService models; refreshes only the folders whose children changed.
 */
export class LibraryTreeProvider
  implements vscode.TreeDataProvider<LibraryNode>, vscode.TreeDragAndDropController<LibraryNode>, vscode.FileDecorationProvider, vscode.Disposable
{
  readonly dragMimeTypes = [DND_MIME];
  readonly dropMimeTypes = [DND_MIME];
  private readonly changed = new vscode.EventEmitter<LibraryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private readonly nodes = new Map<string, LibraryNode>();
  private readonly subscribed = new Set<LibraryService>();
  private readonly pending = new Map<string, { node: LibraryNode; seq: number }>();
  private flushTimer: NodeJS.Timeout | undefined;
  private filter: LibraryFilter | undefined;
  /** Bumped on every filter change; part of tree item ids while filtering, so matches show expanded. */
  private filterGeneration = 0;
  private loads = 0;
  private progressDone: (() => void) | undefined;
  private view: vscode.TreeView<LibraryNode> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.decorationsChanged];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(connections.onDidChange(() => this.refreshAll()));
  }

  attach(view: vscode.TreeView<LibraryNode>): void {
    this.view = view;
    // Remember what the user opened outside a filter, so clearing a filter brings the tree back as it was.
    this.viewSubscriptions.push(
      // A report names the element of the row it came from: the rows of a filtered tree are elements of their
      // own (filterRow), so their expand and collapse reports — also the ones VS Code sends while the filtered rows
      // go away after the filter is cleared — never touch what the user opened in the unfiltered tree.
      view.onDidExpandElement((e) => {
        if (!this.filter && !isFilterRow(e.element)) this.expanded.add(e.element.key);
      }),
      view.onDidCollapseElement((e) => {
        if (!this.filter && !isFilterRow(e.element)) this.expanded.delete(e.element.key);
      }),
    );
  }

  /** Lists and folders the user has open (outside a filter), by node key. */
  private readonly expanded = new Set<string>();
  /** The elements of the rows shown under the current filter, by node key (see filterRow). */
  private filterRows = new Map<string, LibraryNode>();
  private readonly viewSubscriptions: vscode.Disposable[] = [];
  /** Counts model changes; `served` records the count each container's children were last handed to the view at. */
  private changeSeq = 0;
  private readonly served = new Map<string, number>();

  /** Open while filtering (so matches show); otherwise as the user left it. */
  private containerState(key: string): vscode.TreeItemCollapsibleState {
    return this.filter || this.expanded.has(key) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  }

  // ------------------------------------------------------------------------- TreeDataProvider

  getTreeItem(node: LibraryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const t = new vscode.TreeItem(node.profile.name, vscode.TreeItemCollapsibleState.Expanded);
        t.id = node.key;
        t.iconPath = new vscode.ThemeIcon(node.profile.sandbox ? 'beaker' : 'account');
        t.description = node.profile.id === this.connections.active()?.id && this.connections.list().length > 1 ? `${hostOf(node.profile)} · active` : hostOf(node.profile);
        t.tooltip = `${node.profile.name}\n${node.profile.baseUrl}`;
        t.contextValue = CONTEXT.connection;
        return t;
      }
      case 'list': {
        const isDefault = node.profile.listId === node.list.id;
        const t = new vscode.TreeItem(node.list.name, this.containerState(node.key));
        t.id = this.treeId(node.key);
        t.iconPath = new vscode.ThemeIcon('list-tree');
        t.description = `${node.list.id}${isDefault ? ' · active list' : ''}`;
        t.tooltip = `List ${node.list.id}: ${node.list.name}`;
        t.contextValue = CONTEXT.list;
        return t;
      }
      case 'item':
        return this.itemTreeItem(node);
      case 'message': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        t.id = this.treeId(node.key);
        t.iconPath = new vscode.ThemeIcon(node.icon, node.icon === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
        t.tooltip = node.detail ?? node.label;
        t.description = node.detail && node.detail !== node.label ? node.detail : undefined;
        t.contextValue = CONTEXT.message;
        if (node.retry) t.command = { command: 'ongage.refreshNode', title: 'Retry', arguments: [node.retry] };
        return t;
      }
    }
  }

  private itemTreeItem(node: ItemNode): vscode.TreeItem {
    const item = this.item(node);
    if (!item) return new vscode.TreeItem('(gone)');
    const folder = item.type === 'folder';
    const t = new vscode.TreeItem(item.name, folder ? this.containerState(node.key) : vscode.TreeItemCollapsibleState.None);
    t.id = this.treeId(node.key);
    t.iconPath = new vscode.ThemeIcon(folder ? 'folder' : item.type === 'template' ? 'layout' : 'mail');
    t.description = item.subject;
    t.resourceUri = vscode.Uri.from({ scheme: ITEM_SCHEME, path: `/${node.profile.id}/${node.listId}/${item.id}`, query: item.favorite ? 'favorite' : '' });
    t.contextValue = folder ? CONTEXT.folder : item.type === 'template' ? CONTEXT.template : CONTEXT.email;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(item.name)}**${item.favorite ? ' $(star-full)' : ''}\n\n`);
    md.appendMarkdown(`${folder ? 'Folder' : item.type === 'template' ? 'Template' : 'Email message'} · id \`${item.id}\`\n\n`);
    if (item.subject) md.appendMarkdown(`Subject: ${escapeMd(item.subject)}\n\n`);
    if (item.modified) md.appendMarkdown(`Modified: ${item.modified.toLocaleString()}\n\n`);
    if (item.tagIds && item.tagIds.length) md.appendMarkdown(`Tags: ${item.tagIds.join(', ')}\n\n`);
    if (item.favorite) md.appendMarkdown('Favourite');
    t.tooltip = md;
    if (!folder) t.command = { command: 'ongage.openItem', title: 'Open', arguments: [node, { fromTree: true }] };
    return t;
  }

  async getChildren(node?: LibraryNode): Promise<LibraryNode[]> {
    const children = await this.childrenOf(node);
    return this.filter ? children.map((c) => this.shown(c)) : children;
  }

  /**
   * The element the view shows for a node: the node itself, or while filtering its filter row — an object of its
   * own whose properties are the node's (it reads them through its prototype, so it follows the node's updates).
   */
  shown<T extends LibraryNode>(node: T): T {
    if (node.kind !== 'list' && node.kind !== 'item') return node;
    // The node itself, also when given a filter row (of this filter or an earlier one).
    const base = (this.nodes.get(node.key) as T | undefined) ?? (isFilterRow(node) ? (Object.getPrototypeOf(node) as T) : node);
    if (!this.filter) return base;
    let row = this.filterRows.get(node.key) as T | undefined;
    if (!row) {
      row = Object.create(base) as T;
      FILTER_ROWS.add(row);
      this.filterRows.set(node.key, row);
    }
    return row;
  }

  private async childrenOf(node?: LibraryNode): Promise<LibraryNode[]> {
    if (!node) {
      return this.connections.list().map((profile) => this.node({ kind: 'connection', key: keys.connection(profile.id), profile }));
    }
    try {
      switch (node.kind) {
        case 'connection': {
          const lists = await this.track(this.pool.listsOf(node.profile));
          if (lists.length === 0) return [this.message(node, 'This account has no lists yet', 'info')];
          return lists.map((list) => this.node({ kind: 'list', key: keys.list(node.profile.id, list.id), profile: node.profile, list }));
        }
        case 'list':
        case 'item': {
          const listId = node.kind === 'list' ? node.list.id : node.listId;
          const parentId = node.kind === 'list' ? ROOT : node.itemId;
          const lib = await this.library(node.profile, listId);
          await this.track(lib.loadChildren(parentId));
          this.served.set(node.key, this.changeSeq);
          const children = lib.model.childrenOf(parentId).map((i) => this.itemNode(node.profile, listId, i.id));
          if (children.length === 0) {
            const text = isFilterActive(this.filter) ? 'No items match the filter' : parentId === ROOT ? 'The library is empty' : 'Empty folder';
            return [this.message(node, text, 'info')];
          }
          return children;
        }
        default:
          return [];
      }
    } catch (e) {
      const msg = isOngageError(e) ? e.message : e instanceof Error ? e.message : String(e);
      this.log.error(`Loading ${describeNode(node)} failed: ${msg}`);
      return [{ ...this.message(node, 'Could not load — click to retry', 'error', node), detail: msg }];
    }
  }

  getParent(node: LibraryNode): LibraryNode | undefined {
    const parent = this.parentOf(node);
    return parent && this.shown(parent);
  }

  private parentOf(node: LibraryNode): LibraryNode | undefined {
    if (node.kind === 'list') return this.nodes.get(keys.connection(node.profile.id));
    if (node.kind === 'item') {
      const item = this.item(node);
      if (!item) return undefined;
      return item.parentId === ROOT
        ? this.nodes.get(keys.list(node.profile.id, node.listId))
        : this.itemNode(node.profile, node.listId, item.parentId);
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------ decorations

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== ITEM_SCHEME || uri.query !== 'favorite') return undefined;
    return new vscode.FileDecoration('★', 'Favourite');
  }

  // ---------------------------------------------------------------------------- drag and drop

  handleDrag(source: readonly LibraryNode[], data: vscode.DataTransfer): void {
    const items = source.filter((n): n is ItemNode => n.kind === 'item');
    if (items.length) data.set(DND_MIME, new vscode.DataTransferItem(items));
  }

  async handleDrop(target: LibraryNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const dragged = data.get(DND_MIME)?.value as ItemNode[] | undefined;
    if (!dragged || dragged.length === 0 || !target) return;
    const dest = this.dropTarget(target);
    if (!dest) return;
    await vscode.commands.executeCommand('ongage.moveTo', dragged, dest);
  }

  /** Where a drop on `target` lands: a folder, or the list's root. Undefined when it cannot take items. */
  dropTarget(target: LibraryNode): { profile: ConnectionProfile; listId: number; parentId: number } | undefined {
    if (target.kind === 'list') return { profile: target.profile, listId: target.list.id, parentId: ROOT };
    if (target.kind === 'item') {
      const item = this.item(target);
      if (!item) return undefined;
      // Dropping on an email puts the items next to it.
      return { profile: target.profile, listId: target.listId, parentId: item.type === 'folder' ? item.id : item.parentId };
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------- API

  async library(profile: ConnectionProfile, listId: number): Promise<LibraryService> {
    const lib = await this.pool.library(profile, listId);
    if (!this.subscribed.has(lib)) {
      this.subscribed.add(lib);
      lib.model.setFilter(this.filter);
      lib.onEvent((e) => {
        if (e.type === 'children') {
          for (const parentId of e.parentIds) {
            const key = parentId === ROOT ? keys.list(profile.id, listId) : keys.item(profile.id, listId, parentId);
            this.queueRefresh(key);
          }
          this.decorationsChanged.fire([]);
          if (this.filter) this.updateFilterMessage();
        } else if (e.type === 'loading') {
          if (e.loading) {
            void this.track(
              new Promise<void>((resolve) => {
                const off = lib.onEvent((x) => {
                  if (x.type === 'loading' && !x.loading) {
                    off();
                    resolve();
                  }
                });
              }),
            );
          }
        } else if (e.type === 'error') {
          this.log.warn(`Loading the library of list ${listId} stopped: ${isOngageError(e.error) ? e.error.message : String(e.error)}`);
        }
      });
    }
    return lib;
  }

  item(node: ItemNode): LibraryItem | undefined {
    return this.pool.peekLibrary(node.profile.id, node.listId)?.model.get(node.itemId);
  }

  itemNode(profile: ConnectionProfile, listId: number, itemId: number): ItemNode {
    return this.node({ kind: 'item', key: keys.item(profile.id, listId, itemId), profile, listId, itemId });
  }

  listNode(profile: ConnectionProfile, listId: number): ListNode | undefined {
    return this.nodes.get(keys.list(profile.id, listId)) as ListNode | undefined;
  }

  getFilter(): LibraryFilter | undefined {
    return this.filter;
  }

  setFilter(filter: LibraryFilter | undefined): void {
    this.filter = isFilterActive(filter) ? filter : undefined;
    this.filterRows = new Map();
    this.filterGeneration++;
    for (const lib of this.subscribed) lib.model.setFilter(this.filter);
    void vscode.commands.executeCommand('setContext', 'ongage.filtered', !!this.filter);
    this.updateFilterMessage();
    this.changed.fire(undefined);
  }

  /** The filter, shown above the tree (and as the view's description) with how many items match. */
  private updateFilterMessage(): void {
    if (!this.view) return;
    if (!this.filter) {
      this.view.description = undefined;
      this.view.message = undefined;
      return;
    }
    const described = describeFilter(this.filter);
    let matches = 0;
    let loading = false;
    for (const lib of this.subscribed) {
      matches += lib.model.matchCount();
      if (!lib.fullyLoaded) loading = true;
    }
    this.view.description = `Filter: ${described}`;
    this.view.message = `Filter: ${described} · ${matches} ${matches === 1 ? 'match' : 'matches'}${loading ? ' so far' : ''}. Clear it with the button in the title bar.`;
  }

  /** Reloads one node from the server (connection: its lists; list or folder: its children). */
  async refreshNode(node: LibraryNode | undefined): Promise<void> {
    if (!node) return this.refreshAll(true);
    if (node.kind === 'message') return this.refreshNode(node.retry);
    if (node.kind === 'connection') {
      this.pool.forget(node.profile.id);
      for (const lib of [...this.subscribed]) if (!this.pool.peekLibrary(node.profile.id, lib.listId ?? -1)) this.subscribed.delete(lib);
      this.fire(node);
      return;
    }
    const listId = node.kind === 'list' ? node.list.id : node.listId;
    const lib = await this.library(node.profile, listId);
    if (node.kind === 'list') {
      await this.track(lib.refresh({ full: true }));
    } else {
      await this.track(lib.refreshFolder(node.itemId));
    }
    this.fire(node);
  }

  refreshAll(hard = false): void {
    if (hard) {
      for (const p of this.connections.list()) this.pool.forget(p.id);
      this.subscribed.clear();
    }
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  /** Repaints nodes whose item changed (favourite, rename) without reloading. */
  repaint(node: LibraryNode): void {
    this.fire(node);
    this.decorationsChanged.fire([]);
  }

  // --------------------------------------------------------------------------------- helpers

  /** Tells the view a node changed (its filter row while filtering). */
  private fire(node: LibraryNode): void {
    this.changed.fire(this.shown(node));
  }

  private treeId(key: string): string {
    return this.filter ? `${key}#filter${this.filterGeneration}` : key;
  }

  private node<T extends LibraryNode>(n: T): T {
    const existing = this.nodes.get(n.key) as T | undefined;
    if (existing) {
      Object.assign(existing, n);
      return existing;
    }
    this.nodes.set(n.key, n);
    return n;
  }

  private message(parent: LibraryNode, label: string, icon: MessageNode['icon'], retry?: LibraryNode): MessageNode {
    return { kind: 'message', key: `m:${parent.key}:${icon}`, label, icon, retry, detail: label };
  }

  /** Coalesces refreshes of the same node fired while pages stream in (one repaint per ~50 ms). */
  private queueRefresh(key: string): void {
    const node = this.nodes.get(key);
    // A folder the view has not shown yet has nothing to repaint.
    if (!node) return;
    this.pending.set(key, { node, seq: ++this.changeSeq });
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const due = [...this.pending.values()];
      this.pending.clear();
      // A folder whose children the view fetched after the change (it was expanded meanwhile) already shows it:
      // refreshing it again would only make VS Code drop and re-fetch its rows, during which an inline action on
      // one of them reaches the command without its row.
      for (const { node: n, seq } of due) if ((this.served.get(n.key) ?? -1) < seq) this.fire(n);
    }, 50);
  }

  /** Shows the view's progress bar while any load is running. */
  private track<T>(p: Promise<T>): Promise<T> {
    if (this.loads++ === 0) {
      void vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => new Promise<void>((resolve) => (this.progressDone = resolve)));
    }
    const done = () => {
      if (--this.loads === 0) this.progressDone?.();
    };
    p.then(done, done);
    return p;
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const d of [...this.disposables, ...this.viewSubscriptions]) d.dispose();
  }
}

function hostOf(p: ConnectionProfile): string {
  try {
    return new URL(p.baseUrl).host;
  } catch {
    return p.baseUrl;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export function describeNode(node: LibraryNode): string {
  switch (node.kind) {
    case 'connection':
      return `connection "${node.profile.name}"`;
    case 'list':
      return `list "${node.list.name}"`;
    case 'item':
      return `item ${node.itemId}`;
    default:
      return node.label;
  }
}

export type { OngageList };
