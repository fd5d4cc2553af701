import * as path from 'path';
import * as vscode from 'vscode';
import type { OngageClient } from '../../core/api/client';
import type { ConnectionProfile } from '../../core/accounts/connections';
import { partsOf, serializeSettings, type EmailParts, type PartKind } from '../../core/library/parts';
import {
  applyMerged,
  computeStatus,
  executePush,
  mergeParts,
  planPush,
  pullToFolder,
  readManifest,
  safeName,
  scanLocal,
  stateLabel,
  statusFrom,
  type SyncEntry,
  type SyncStatus,
} from '../../core/sync';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';
import { registerCommand } from '../commands/boundary';
import type { LibraryNode } from '../tree/nodes';

/**
 * The workspace side of sync, thin over src/core/sync:
 * - "Ongage: Pull to Folder…" (Library view: a list or a folder; palette: a list of the active connection);
 * - one Source Control provider per pulled folder in the workspace (a folder holding `.ongage/manifest.json`), with
 *   the groups Conflicts, Changed locally, Changed in Ongage, Added and Deleted; each resource opens a diff
 *   "<file> (Ongage) ↔ (workspace)"; Push and Pull act on the selection or on everything; a conflict is resolved
 *   with Keep Mine, Keep Theirs, or Merge when node-diff3 merges it cleanly (the merge is shown before it is applied).
 * Local edits refresh the view without a request (the last reading of Ongage is reused); Ongage is read again on
 * Refresh, after a pull or push, and when the folder is first shown.
 */

export const REMOTE_SCHEME = 'ongage-sync';

interface Deps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  connections: ConnectionManager;
  pool: ClientPool;
}

type GroupId = 'conflicts' | 'local' | 'remote' | 'added' | 'deleted';

const GROUPS: Array<{ id: GroupId; label: string; states: SyncEntry['state'][] }> = [
  { id: 'conflicts', label: 'Conflicts', states: ['conflict', 'invalid'] },
  { id: 'local', label: 'Changed locally', states: ['modified'] },
  { id: 'remote', label: 'Changed in Ongage', states: ['remoteModified', 'remoteAdded', 'remoteDeleted'] },
  { id: 'added', label: 'Added', states: ['added'] },
  { id: 'deleted', label: 'Deleted', states: ['deleted'] },
];

const PART_OF_FILE: Array<{ kind: PartKind; key: 'html' | 'text' | 'settings' }> = [
  { kind: 'html', key: 'html' },
  { kind: 'text', key: 'text' },
  { kind: 'settings', key: 'settings' },
];

function partText(parts: EmailParts, kind: PartKind): string {
  return kind === 'html' ? parts.html : kind === 'text' ? parts.text : serializeSettings(parts.settings);
}

/** Names for a confirmation: one line per item. */
function named(xs: SyncEntry[]): string {
  return xs.map((e) => `• ${e.files?.html ?? e.name}${e.id !== undefined ? ` (#${e.id})` : ''}${e.name && !e.files?.html.endsWith(`${e.name}.html`) ? ` "${e.name}"` : ''}`).join('\n');
}

class SyncFolder implements vscode.Disposable {
  readonly scm: vscode.SourceControl;
  private readonly groups = new Map<GroupId, vscode.SourceControlResourceGroup>();
  private readonly disposables: vscode.Disposable[] = [];
  status: SyncStatus | undefined;
  private readonly byUri = new Map<string, SyncEntry>();
  private localTimer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly owner: SyncController,
  ) {
    this.scm = vscode.scm.createSourceControl('ongage', `Ongage: ${path.basename(dir)}`, vscode.Uri.file(dir));
    this.scm.inputBox.visible = false;
    this.scm.acceptInputCommand = undefined;
    for (const g of GROUPS) {
      const group = this.scm.createResourceGroup(g.id, g.label);
      group.hideWhenEmpty = true;
      this.groups.set(g.id, group);
    }
    this.scm.statusBarCommands = [{ command: 'ongage.sync.refresh', title: '$(sync) Ongage', tooltip: 'Read Ongage again and compare', arguments: [this.scm] }];
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*'));
    const onLocal = (uri: vscode.Uri) => {
      if (uri.fsPath.includes(`${path.sep}.ongage${path.sep}`)) return;
      this.scheduleLocal();
    };
    this.disposables.push(watcher, watcher.onDidChange(onLocal), watcher.onDidCreate(onLocal), watcher.onDidDelete(onLocal), vscode.workspace.onDidSaveTextDocument((d) => onLocal(d.uri)));
  }

  entryOf(state: vscode.SourceControlResourceState): SyncEntry | undefined {
    return this.byUri.get(state.resourceUri.toString());
  }

  /** Runs one operation at a time on this folder. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** Reads Ongage and the files, and shows the result. */
  async refresh(): Promise<SyncStatus> {
    return this.serial(async () => {
      const manifest = await readManifest(this.dir);
      if (!manifest) throw new Error(`${this.dir} no longer holds .ongage/manifest.json.`);
      const client = await this.owner.clientFor(this, manifest.connection);
      this.scm.count = undefined;
      const status = await computeStatus(client, this.dir, manifest);
      this.show(status);
      return status;
    });
  }

  private scheduleLocal(): void {
    if (this.localTimer) clearTimeout(this.localTimer);
    this.localTimer = setTimeout(() => void this.refreshLocal().catch((e) => this.owner.log.warn(`Ongage sync: reading ${this.dir} failed: ${(e as Error).message}`)), 400);
  }

  /** Re-reads the files only, with the last reading of Ongage (no request). */
  private async refreshLocal(): Promise<void> {
    const last = this.status;
    if (!last) return;
    await this.serial(async () => {
      const manifest = (await readManifest(this.dir)) ?? last.manifest;
      const scan = await scanLocal(this.dir, manifest);
      this.show(await statusFrom(this.dir, manifest, last.remote, scan.added, scan.paths));
    });
  }

  show(status: SyncStatus): void {
    this.status = status;
    this.byUri.clear();
    const conn = status.manifest.connection;
    for (const g of GROUPS) {
      const entries = status.entries.filter((e) => g.states.includes(e.state));
      this.groups.get(g.id)!.resourceStates = entries.map((e) => this.resource(e, conn));
    }
    this.scm.count = status.entries.filter((e) => e.state !== 'unchanged' && e.state !== 'gone').length;
  }

  private resource(e: SyncEntry, connection: string): vscode.SourceControlResourceState {
    const uri = e.files ? vscode.Uri.file(path.join(this.dir, ...e.files.html.split('/'))) : remoteUri(this.dir, e.id ?? 0, 'html', `${safeName(e.name)}.html`);
    this.byUri.set(uri.toString(), e);
    const label = stateLabel(e);
    const problems = e.problems?.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n');
    return {
      resourceUri: uri,
      contextValue: e.state,
      command: { command: 'ongage.sync.openChanges', title: 'Open Changes', arguments: [uri] },
      decorations: {
        tooltip: `${label}${e.id !== undefined ? ` · #${e.id}` : ''} · ${connection}${problems ? `\n${problems}` : ''}`,
        strikeThrough: e.state === 'deleted' || e.state === 'remoteDeleted',
        faded: e.state === 'remoteAdded',
        iconPath: new vscode.ThemeIcon(
          e.state === 'conflict' ? 'warning' : e.state === 'invalid' ? 'error' : e.state === 'added' ? 'diff-added' : e.state === 'deleted' || e.state === 'remoteDeleted' ? 'diff-removed' : e.state.startsWith('remote') ? 'cloud-download' : 'diff-modified',
        ),
      },
    };
  }

  dispose(): void {
    if (this.localTimer) clearTimeout(this.localTimer);
    for (const d of this.disposables) d.dispose();
    this.scm.dispose();
  }
}

function remoteUri(dir: string, id: number, part: PartKind, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REMOTE_SCHEME, path: `/${id}/${part}/${name}`, query: new URLSearchParams({ dir }).toString() });
}

export class SyncController implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly folders = new Map<string, SyncFolder>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly d: Deps,
    readonly log = d.log,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.ongage/manifest.json', false, true, false);
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidCreate((u) => void this.add(path.dirname(path.dirname(u.fsPath))).catch(() => undefined)),
      watcher.onDidDelete((u) => this.remove(path.dirname(path.dirname(u.fsPath)))),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover()),
    );
  }

  async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles('**/.ongage/manifest.json', '**/node_modules/**', 50);
    for (const u of found) await this.add(path.dirname(path.dirname(u.fsPath))).catch((e) => this.log.warn(`Ongage sync: ${u.fsPath}: ${(e as Error).message}`));
  }

  async add(dir: string, refresh = true): Promise<SyncFolder> {
    let f = this.folders.get(dir);
    if (!f) {
      f = new SyncFolder(dir, this);
      this.folders.set(dir, f);
      this.log.info(`Ongage sync: watching ${dir}`);
    }
    if (refresh) await f.refresh().catch((e) => this.log.warn(`Ongage sync: reading ${dir} failed: ${(e as Error).message}`));
    return f;
  }

  remove(dir: string): void {
    this.folders.get(dir)?.dispose();
    this.folders.delete(dir);
  }

  folderOf(x: unknown): SyncFolder | undefined {
    if (x && typeof x === 'object' && 'rootUri' in x) {
      const root = (x as vscode.SourceControl).rootUri?.fsPath;
      return root ? this.folders.get(root) : undefined;
    }
    if (x instanceof vscode.Uri) {
      if (x.scheme === REMOTE_SCHEME) return this.folders.get(new URLSearchParams(x.query).get('dir') ?? '');
      return [...this.folders.values()].find((f) => x.fsPath === f.dir || x.fsPath.startsWith(f.dir + path.sep));
    }
    if (x && typeof x === 'object' && 'resourceUri' in x) return this.folderOf((x as vscode.SourceControlResourceState).resourceUri);
    if (x && typeof x === 'object' && 'resourceStates' in x) {
      const first = (x as vscode.SourceControlResourceGroup).resourceStates[0];
      if (first) return this.folderOf(first.resourceUri);
    }
    return this.folders.size === 1 ? [...this.folders.values()][0] : undefined;
  }

  /** The client for a folder's connection (by the name its manifest records); asks when no connection has that name. */
  async clientFor(folder: SyncFolder, name: string): Promise<OngageClient> {
    const profiles = this.d.connections.list();
    let profile: ConnectionProfile | undefined = profiles.find((p) => p.name === name);
    const remembered = this.d.context.workspaceState.get<string>(`ongage.sync.connection:${folder.dir}`);
    if (!profile && remembered) profile = this.d.connections.get(remembered);
    if (!profile) {
      if (profiles.length === 0) throw new Error(`"${path.basename(folder.dir)}" was pulled from the connection "${name}". Sign in to it first ("Ongage: Sign In…").`);
      const pick = await vscode.window.showQuickPick(
        profiles.map((p) => ({ label: p.name, description: p.baseUrl, profile: p })),
        { title: `"${path.basename(folder.dir)}" was pulled from "${name}": which connection is that?`, ignoreFocusOut: true },
      );
      if (!pick) throw new vscode.CancellationError();
      profile = pick.profile;
      await this.d.context.workspaceState.update(`ongage.sync.connection:${folder.dir}`, profile.id);
    }
    return this.d.pool.client(profile);
  }

  private readonly merged = new Map<string, string>();

  private async closeTabsOf(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => (t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === key) || (t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  /** Ongage's version of one part (the left side of a diff), or a merge being shown. */
  provideTextDocumentContent(uri: vscode.Uri): string {
    const merged = this.merged.get(uri.toString());
    if (merged !== undefined) return merged;
    const folder = this.folderOf(uri);
    const [, id, part] = uri.path.split('/');
    const e = folder?.status?.entries.find((x) => x.id === Number(id));
    if (!e?.remote || e.remote.contentHtml === undefined) return '';
    return partText(partsOf(e.remote), part as PartKind);
  }

  /** The diff of the part that differs (HTML first), titled so the sides are clear. */
  async openChanges(uri: vscode.Uri): Promise<void> {
    const folder = this.folderOf(uri);
    const e = folder?.status ? folder.entryOf({ resourceUri: uri }) : undefined;
    if (!folder || !e) return void vscode.window.showTextDocument(uri);
    if (!e.files || e.state === 'remoteAdded') {
      return void vscode.window.showTextDocument(remoteUri(folder.dir, e.id ?? 0, 'html', `${safeName(e.name)}.html`), { preview: true });
    }
    const local = (k: PartKind) => vscode.Uri.file(path.join(folder.dir, ...e.files![k === 'html' ? 'html' : k === 'text' ? 'text' : 'settings'].split('/')));
    if (e.state === 'added' || !e.remote || e.remote.contentHtml === undefined) return void vscode.window.showTextDocument(local('html'));
    const theirs = partsOf(e.remote);
    const kind = e.local ? (PART_OF_FILE.find((p) => partText(theirs, p.kind) !== partText(e.local!, p.kind))?.kind ?? 'html') : 'html';
    const file = path.basename(e.files[kind === 'html' ? 'html' : kind === 'text' ? 'text' : 'settings']);
    if (e.state === 'deleted' || (e.state === 'conflict' && e.conflict === 'deletedHere')) {
      return void vscode.window.showTextDocument(remoteUri(folder.dir, e.id!, kind, file), { preview: true });
    }
    this.changed.fire(remoteUri(folder.dir, e.id!, kind, file));
    await vscode.commands.executeCommand('vscode.diff', remoteUri(folder.dir, e.id!, kind, file), local(kind), `${file} (Ongage) ↔ (workspace)`);
  }

  /** Entries a command acts on: the resources passed (clicked + selection), else every entry of the folder. */
  private picked(folder: SyncFolder, args: unknown[]): SyncEntry[] | undefined {
    const flat = args.flat().flatMap((a) => (a && typeof a === 'object' && 'resourceStates' in a ? (a as vscode.SourceControlResourceGroup).resourceStates : [a]));
    const states = flat.filter((a): a is vscode.SourceControlResourceState => !!a && typeof a === 'object' && 'resourceUri' in a);
    if (!states.length) return undefined;
    return states.map((s) => folder.entryOf(s)).filter((e): e is SyncEntry => !!e);
  }

  async push(args: unknown[]): Promise<void> {
    const folder = this.folderOf(args[0]);
    if (!folder) return void vscode.window.showInformationMessage('No pulled folder to push: pull one first ("Ongage: Pull to Folder…").');
    const status = await folder.refresh();
    const chosen = this.picked(folder, args);
    const keys = chosen ? new Set(chosen.map((e) => (e.id !== undefined ? `#${e.id}` : `+${e.files?.html}`))) : undefined;
    const plan = planPush(status, keys);
    if (plan.invalid.length) {
      void vscode.window.showErrorMessage(`${plan.invalid.length} item(s) cannot be read and were not pushed: ${plan.invalid.map((e) => `${e.files?.html}: ${e.problems?.[0]?.message}`).join('; ')}`);
    }
    let { creates, deletes } = plan;
    if (creates.length) {
      const ok = await vscode.window.showWarningMessage(`Create ${creates.length} new item${creates.length === 1 ? '' : 's'} in Ongage (list ${status.manifest.list} on ${status.manifest.connection})?`, { modal: true, detail: named(creates) }, 'Create');
      if (ok !== 'Create') creates = [];
    }
    if (deletes.length) {
      const ok = await vscode.window.showWarningMessage(`Delete ${deletes.length} item${deletes.length === 1 ? '' : 's'} in Ongage? This cannot be undone.`, { modal: true, detail: named(deletes) }, 'Delete in Ongage');
      if (ok !== 'Delete in Ongage') deletes = [];
    }
    const total = plan.updates.length + creates.length + deletes.length;
    if (total === 0) {
      const why = plan.conflicts.length ? ` ${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? '' : 's'} left: resolve with Keep Mine, Keep Theirs or Merge.` : '';
      return void vscode.window.showInformationMessage(`Nothing to push.${why}`);
    }
    const client = await this.clientFor(folder, status.manifest.connection);
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.SourceControl, title: 'Pushing to Ongage' }, () =>
      folder.serial(() => executePush({ client, dir: folder.dir, status, updates: plan.updates, creates, deletes, keepMine: [] })),
    );
    await this.after(folder, r, plan.conflicts.length);
  }

  private async after(folder: SyncFolder, r: Awaited<ReturnType<typeof executePush>>, leftConflicts = 0): Promise<void> {
    for (const f of r.failed) this.log.error(`Ongage sync: ${f.entry.files?.html ?? f.entry.name}: ${f.error.message}`);
    await folder.refresh().catch(() => undefined);
    const done = [r.updated.length && `${r.updated.length} saved`, r.created.length && `${r.created.length} created`, r.deleted.length && `${r.deleted.length} deleted`].filter(Boolean).join(', ');
    for (const c of r.copied) {
      void vscode.window.showWarningMessage(`"${c.entry.name}" is used by a launched campaign, so Ongage stored your version as a copy (#${c.email.id}); the original #${c.entry.id} is unchanged. This folder now tracks the copy.`);
    }
    const problems = [
      r.conflicts.length && `${r.conflicts.length} changed in Ongage meanwhile (now under Conflicts)`,
      r.failed.length && `${r.failed.length} failed: ${r.failed.map((f) => `${f.entry.files?.html ?? f.entry.name}: ${f.error.message}`).join('; ')}`,
      leftConflicts && `${leftConflicts} conflict${leftConflicts === 1 ? '' : 's'} left`,
    ].filter(Boolean);
    if (problems.length) void vscode.window.showWarningMessage(`Pushed to Ongage: ${done || 'nothing'}. ${problems.join('; ')}.`, 'Show Log').then((c) => c && this.log.show(true));
    else void vscode.window.showInformationMessage(`Pushed to Ongage: ${done}.`);
  }

  async pull(args: unknown[]): Promise<void> {
    const folder = this.folderOf(args[0]);
    if (!folder) return void vscode.window.showInformationMessage('No pulled folder here: use "Ongage: Pull to Folder…" first.');
    const status = folder.status ?? (await folder.refresh());
    const chosen = this.picked(folder, args);
    await this.pullInto(folder.dir, status.manifest.list, status.manifest.root.folderId, status.manifest.connection, chosen?.map((e) => e.id).filter((x): x is number => x !== undefined), await this.clientFor(folder, status.manifest.connection));
  }

  /** A pull into `dir`; conflicts asked once, by name. */
  async pullInto(dir: string, listId: number, folderId: number, connectionName: string, only: number[] | undefined, client: OngageClient, take?: 'theirs'): Promise<void> {
    const folder = this.folders.get(dir);
    const run = () =>
      pullToFolder({
        client,
        dir,
        listId,
        folderId,
        connectionName,
        only,
        overwrite: async (conflicts) => {
          if (take === 'theirs') return conflicts.map((c) => c.id as number);
          const ok = await vscode.window.showWarningMessage(
            `${conflicts.length} item${conflicts.length === 1 ? '' : 's'} changed both here and in Ongage. Replace your files with Ongage's version?`,
            { modal: true, detail: `${named(conflicts)}\n\nKeep My Files leaves them as they are (they show under Conflicts).` },
            "Take Ongage's Version",
            'Keep My Files',
          );
          return ok === "Take Ongage's Version" ? conflicts.map((c) => c.id as number) : [];
        },
      });
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling from Ongage into ${path.basename(dir)}`, cancellable: false }, (p) =>
      (folder ? folder.serial(run) : run()).then((x) => (p.report({ increment: 100 }), x)),
    );
    const f = await this.add(dir, false);
    await f.refresh().catch((e) => this.log.warn(`Ongage sync: ${(e as Error).message}`));
    const parts = [`${r.added.length} new`, `${r.updated.length} updated`, r.removed.length && `${r.removed.length} removed (deleted in Ongage)`, r.kept.length && `${r.kept.length} conflict${r.kept.length === 1 ? '' : 's'} kept`].filter(Boolean).join(', ');
    void vscode.window.showInformationMessage(`Pulled into ${path.basename(dir)}: ${parts}; ${r.manifest.items.length} items tracked.`);
  }

  async resolve(how: 'mine' | 'theirs' | 'merge', args: unknown[]): Promise<void> {
    const folder = this.folderOf(args[0]);
    if (!folder) return;
    const entries = (this.picked(folder, args) ?? []).filter((e) => e.state === 'conflict');
    if (!entries.length) return void vscode.window.showInformationMessage('Choose a conflict in the Ongage source control view.');
    const status = folder.status!;
    const client = await this.clientFor(folder, status.manifest.connection);
    if (how === 'mine') {
      const ok = await vscode.window.showWarningMessage(
        `Replace Ongage's version with yours for ${entries.length === 1 ? `"${entries[0].name}"` : `${entries.length} items`}?`,
        { modal: true, detail: `${named(entries)}\n\nThe changes made in Ongage since your pull are replaced.` },
        'Keep Mine',
      );
      if (ok !== 'Keep Mine') return;
      const r = await folder.serial(() => executePush({ client, dir: folder.dir, status, updates: [], creates: [], deletes: [], keepMine: entries }));
      return this.after(folder, r);
    }
    if (how === 'theirs') {
      const ok = await vscode.window.showWarningMessage(
        `Replace your files with Ongage's version for ${entries.length === 1 ? `"${entries[0].name}"` : `${entries.length} items`}?`,
        { modal: true, detail: `${named(entries)}\n\nYour changes to these files are replaced.` },
        'Keep Theirs',
      );
      if (ok !== 'Keep Theirs') return;
      return this.pullInto(folder.dir, status.manifest.list, status.manifest.root.folderId, status.manifest.connection, entries.map((e) => e.id as number), client, 'theirs');
    }
    const e = entries[0];
    const base = e.id !== undefined ? status.bases.get(e.id) : undefined;
    if (!base || !e.local || !e.remote || e.remote.contentHtml === undefined || e.conflict !== 'bothChanged') {
      return void vscode.window.showInformationMessage(`"${e.name}" cannot be merged here (the version last pulled is not kept in this folder, or one side was deleted). Use Keep Mine or Keep Theirs.`);
    }
    const m = mergeParts(base, e.local, partsOf(e.remote));
    if (!m.clean) return void vscode.window.showInformationMessage(`"${e.name}" does not merge cleanly: ${m.clashes.join(', ')} changed on both sides. Use Keep Mine or Keep Theirs (or edit your file and Keep Mine).`);
    const kind = PART_OF_FILE.find((p) => partText(m.parts, p.kind) !== partText(e.local!, p.kind))?.kind ?? 'html';
    const fileKey = kind === 'html' ? 'html' : kind === 'text' ? 'text' : 'settings';
    const file = path.basename(e.files![fileKey]);
    // The merged text as a read-only document of this provider (nothing to save or discard afterwards).
    const mergedUri = vscode.Uri.from({ scheme: REMOTE_SCHEME, path: `/merged/${e.id}/${kind}/${file}`, query: new URLSearchParams({ dir: folder.dir }).toString() });
    this.merged.set(mergedUri.toString(), partText(m.parts, kind));
    this.changed.fire(mergedUri);
    await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(path.join(folder.dir, ...e.files![fileKey].split('/'))), mergedUri, `${file} (workspace) ↔ (merged with Ongage)`);
    const ok = await vscode.window.showInformationMessage(`"${e.name}" merges cleanly. Apply the merge to your files? (Push then sends it.)`, { modal: true, detail: 'The diff shows your file and the merged result.' }, 'Apply Merge');
    await this.closeTabsOf(mergedUri);
    this.merged.delete(mergedUri.toString());
    if (ok !== 'Apply Merge') return;
    await folder.serial(() => applyMerged(folder.dir, status, e, m.parts));
    await folder.refresh().catch(() => undefined);
  }

  /** Pull to Folder… from the Library view (a list or a folder) or the palette (a list of the active connection). */
  async pullToFolder(node?: LibraryNode): Promise<void> {
    let profile: ConnectionProfile | undefined;
    let listId: number | undefined;
    let folderId = 0;
    let name = '';
    if (node?.kind === 'list') {
      profile = node.profile;
      listId = node.list.id;
      name = node.list.name;
    } else if (node?.kind === 'item') {
      const item = this.d.pool.peekLibrary(node.profile.id, node.listId)?.model.get(node.itemId);
      if (item && item.type !== 'folder') throw new Error(`"${item.name}" is not a folder: pull its folder or its list.`);
      profile = node.profile;
      listId = node.listId;
      folderId = node.itemId;
      name = item?.name ?? `folder ${node.itemId}`;
    } else {
      profile = this.d.connections.active() ?? this.d.connections.list()[0];
      if (!profile) throw new Error('Sign in to Ongage first ("Ongage: Sign In…").');
      const lists = await this.d.pool.listsOf(profile);
      const pick = await vscode.window.showQuickPick(
        lists.map((l) => ({ label: l.name, description: `#${l.id}`, list: l })),
        { title: `Pull to Folder: which list of "${profile.name}"?`, ignoreFocusOut: true },
      );
      if (!pick) return;
      listId = pick.list.id;
      name = pick.list.name;
    }
    const ws = vscode.workspace.workspaceFolders?.[0];
    const suggestion = ws ? path.join(ws.uri.fsPath, 'ongage', safeName(name)) : undefined;
    let dir: string | undefined;
    const choices: Array<vscode.QuickPickItem & { dir?: string }> = [];
    if (suggestion) choices.push({ label: `$(folder) ${path.relative(ws!.uri.fsPath, suggestion)}`, description: 'in the workspace', dir: suggestion });
    choices.push({ label: '$(folder-opened) Choose a Folder…' });
    const pick = await vscode.window.showQuickPick(choices, { title: `Pull "${name}" to which folder?`, ignoreFocusOut: true });
    if (!pick) return;
    if (pick.dir) dir = pick.dir;
    else {
      const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Pull Here', defaultUri: ws?.uri });
      if (!chosen?.[0]) return;
      dir = chosen[0].fsPath;
    }
    const client = await this.d.pool.client(profile);
    const existing = await readManifest(dir);
    await this.pullInto(dir, listId, folderId, existing?.connection ?? profile.name, undefined, client);
    if (ws && !dir.startsWith(ws.uri.fsPath)) {
      const c = await vscode.window.showInformationMessage(`${dir} is outside the workspace.`, 'Add to Workspace');
      if (c) vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: vscode.Uri.file(dir) });
    }
    void vscode.commands.executeCommand('workbench.view.scm');
  }

  dispose(): void {
    for (const f of this.folders.values()) f.dispose();
    this.folders.clear();
    for (const d of this.disposables) d.dispose();
  }
}

export function registerSync(d: Deps): SyncController {
  const { context, log } = d;
  const sync = new SyncController(d);
  context.subscriptions.push(sync, vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, sync));
  const reg = (id: string, what: string, fn: (...args: any[]) => unknown) => registerCommand(context, log, id, what, fn);
  reg('ongage.pullToFolder', 'Pulling to a folder', (node?: LibraryNode) => sync.pullToFolder(node));
  reg('ongage.sync.refresh', 'Comparing with Ongage', async (x?: unknown) => {
    const f = sync.folderOf(x);
    if (f) await f.refresh();
    else await sync.discover();
  });
  reg('ongage.sync.push', 'Pushing to Ongage', (...args: unknown[]) => sync.push(args));
  reg('ongage.sync.pull', 'Pulling from Ongage', (...args: unknown[]) => sync.pull(args));
  reg('ongage.sync.keepMine', 'Keeping your version', (...args: unknown[]) => sync.resolve('mine', args));
  reg('ongage.sync.keepTheirs', "Keeping Ongage's version", (...args: unknown[]) => sync.resolve('theirs', args));
  reg('ongage.sync.merge', 'Merging', (...args: unknown[]) => sync.resolve('merge', args));
  reg('ongage.sync.openChanges', 'Opening the changes', (x: unknown) => {
    const uri = x instanceof vscode.Uri ? x : (x as vscode.SourceControlResourceState | undefined)?.resourceUri;
    if (uri) return sync.openChanges(uri);
    return undefined;
  });
  void sync.discover();
  return sync;
}
