import * as vscode from 'vscode';
import { isOngageError } from '../../core/api/errors';
import type { Email } from '../../core/api/types';
import type { LibraryItem } from '../../core/library/model';
import { EmailParts, PartKind, PART_SUFFIX, parseSettings, partOfName, partsHash, partsOf, serializeSettings } from '../../core/library/parts';
import { saveItem, SaveBase, SaveOptions, SaveOutcome } from '../../core/library/save';
import type { ClientPool } from '../accounts/clients';
import type { ConnectionManager } from '../accounts/connectionManager';

export const DOCUMENT_SCHEME = 'ongage';
/** Ongage's side of a compare after a conflict (read-only, served from memory). */
export const REMOTE_SCHEME = 'ongage-remote';
export const PARTS: readonly PartKind[] = ['html', 'text', 'settings'];

const PART_LABEL: Record<PartKind, string> = { html: 'HTML', text: 'plain text', settings: 'settings' };

export interface ItemRef {
  profileId: string;
  listId: number;
  itemId: number;
  part: PartKind;
}

export function safeItemName(name: string, id: number): string {
  return name.replace(/[\\/:*?"<>|#%\u0000-\u001f]+/g, '-').trim().slice(0, 120) || `item-${id}`;
}

/** `ongage:/<connection>/<list>/<id>/<name>.html | .ongage.txt | .ongage.json`: one part of a library item. */
export function itemUri(profileId: string, listId: number, item: Pick<LibraryItem, 'id' | 'name'>, part: PartKind = 'html'): vscode.Uri {
  return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${profileId}/${listId}/${item.id}/${safeItemName(item.name, item.id)}${PART_SUFFIX[part]}` });
}

export function parseItemUri(uri: vscode.Uri): ItemRef | undefined {
  const m = /^\/([^/]+)\/(\d+)\/(\d+)\/([^/]+)$/.exec(uri.path);
  if (!m) return undefined;
  return { profileId: m[1], listId: Number(m[2]), itemId: Number(m[3]), part: partOfName(m[4]) ?? 'html' };
}

const itemKey = (r: Pick<ItemRef, 'profileId' | 'listId' | 'itemId'>): string => `${r.profileId}/${r.listId}/${r.itemId}`;

/** What the last read or save of a library item said about it beyond its parts' text (for checks and the preview). */
export interface ItemMeta {
  unsubscribeDefaultLink?: boolean;
  subject: string;
  preheader: string;
  name: string;
  headerTemplateId?: number | null;
  footerTemplateId?: number | null;
}

export interface TemplatePart {
  id: number;
  name: string;
  html: string;
}

export interface ComposedTemplates {
  header?: TemplatePart;
  footer?: TemplatePart;
  errors: Array<{ which: 'header' | 'footer'; id: number; message: string }>;
}

/** One library item as the editor holds it. */
interface Entry {
  key: string;
  profileId: string;
  listId: number;
  itemId: number;
  /** The latest state of the item known from Ongage. */
  remote: Email;
  parts: EmailParts;
  /** What each part's document was last read with (its base for a save), and the `modified` then. */
  loaded: EmailParts;
  loadedModified: Partial<Record<PartKind, number>>;
  fetchedAt: number;
  /** Parts whose base came from before a restart (see PendingBase). */
  restored: Set<PartKind>;
}

/** The base of an unsaved document, kept in globalState until it is saved or closed. */
interface PendingBase {
  text: string;
  modified: number;
  session: string;
}

const SESSION = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** A conflict waiting for the user: Ongage's version of one part, for the compare. */
interface Conflict {
  text: string;
  modified?: Date;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const FRESH_MS = 2000;

function partText(parts: EmailParts, part: PartKind): string {
  return part === 'settings' ? serializeSettings(parts.settings) : parts[part];
}

function time(d: Date | undefined): string {
  return d ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
}

export function describeSaveError(e: unknown): string {
  const fields = isOngageError(e) && e.fieldErrors.length ? ` (${e.fieldErrors.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')})` : '';
  const msg = e instanceof Error ? e.message : String(e);
  const what =
    isOngageError(e) && (e.kind === 'auth' || e.kind === 'forbidden')
      ? ' Check the connection’s credentials and the user’s permissions in Ongage.'
      : isOngageError(e) && e.kind === 'notFound'
        ? ' The item may have been deleted on Ongage; copy your text elsewhere before closing the editor.'
        : '';
  return `Not saved to Ongage: ${msg}${fields}${what} Your changes are kept in the editor; save again (Ctrl+S) to retry.`;
}

/**
 * The `ongage:` file system: each library item is a folder of three parts (HTML, plain text, settings JSON).
 * Reading fetches the item; writing saves one part through `saveItem` (src/core/library/save.ts), which reads the
 * remote first and refuses to overwrite a change made on Ongage; the user then chooses Compare, Overwrite or
 * Cancel here. A failed write throws, so VS Code keeps the document dirty with the user's text.
 */
export class ItemFileSystem implements vscode.FileSystemProvider, vscode.TextDocumentContentProvider {
  private readonly fileChanged = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.fileChanged.event;
  private readonly remoteChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.remoteChanged.event;
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly conflicts = new Map<string, Conflict>();
  /** Documents whose next save overwrites Ongage's newer version (chosen after the compare). */
  private readonly forced = new Set<string>();
  private readonly templates = new Map<string, Promise<TemplatePart>>();
  private readonly loaded = new Map<string, TemplatePart>();
  private readonly templatesLoaded = new vscode.EventEmitter<void>();
  /** Fires when a header or footer template has been fetched, or a save changed what the preview shows. */
  readonly onDidLoadTemplates = this.templatesLoaded.event;
  private readonly saved = new vscode.EventEmitter<{ profileId: string; listId: number; email: Email; replacedId?: number; removedId?: number }>();
  /** Fires after Ongage confirmed a save (the tree follows the item's new name). */
  readonly onDidSave = this.saved.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('ongage-settings');
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly connections: ConnectionManager,
    private readonly pool: ClientPool,
    private readonly log?: vscode.LogOutputChannel,
    /** Keeps the base of each unsaved document across restarts (hot exit), so a later save still sees a remote change. */
    private readonly memento?: vscode.Memento,
  ) {
    this.disposables.push(
      connections.onDidChange(() => this.forgetTemplates()),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
      vscode.workspace.onDidChangeTextDocument((ev) => {
        if (ev.document.uri.scheme !== DOCUMENT_SCHEME || !ev.contentChanges.length) return;
        // A settings problem shown at a refused save goes as soon as the text changes (the next save checks again).
        this.diagnostics.delete(ev.document.uri);
        this.trackBase(ev.document);
      }),
    );
  }

  // ------------------------------------------------------------------------------------ reading

  private async entry(ref: ItemRef, fresh: boolean): Promise<Entry> {
    const key = itemKey(ref);
    const have = this.entries.get(key);
    if (have && (!fresh || Date.now() - have.fetchedAt < FRESH_MS || this.hasDirty(key))) return have;
    let p = this.loading.get(key);
    if (!p) {
      p = (async () => {
        const client = await this.clientFor(ref.profileId);
        const email = await client.getEmail(ref.itemId, { listId: ref.listId });
        const parts = partsOf(email);
        const prev = this.entries.get(key);
        const e: Entry = prev ?? { key, profileId: ref.profileId, listId: ref.listId, itemId: ref.itemId, remote: email, parts, loaded: parts, loadedModified: {}, fetchedAt: 0, restored: new Set() };
        e.remote = email;
        e.parts = parts;
        e.fetchedAt = Date.now();
        this.entries.set(key, e);
        return e;
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async clientFor(profileId: string) {
    const profile = this.connections.get(profileId);
    if (!profile) throw vscode.FileSystemError.Unavailable('The connection of this document was signed out. Sign in again and reopen the item from the Library view.');
    return this.pool.client(profile);
  }

  private ref(uri: vscode.Uri): ItemRef {
    const ref = parseItemUri(uri);
    if (!ref) throw vscode.FileSystemError.FileNotFound(uri);
    return ref;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const ref = parseItemUri(uri);
    if (!ref) {
      if (/^\/[^/]+(\/\d+){0,2}\/?$/.test(uri.path) || uri.path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
      throw vscode.FileSystemError.FileNotFound(uri);
    }
    const e = await this.entry(ref, false).catch((err) => {
      throw this.readError(uri, err);
    });
    this.restoreBase(uri, e, ref);
    // An unsaved document: what it was read with, so VS Code's own "newer on disk" check never fires (saves check
    // Ongage themselves). Otherwise Ongage's latest known version, so a clean document re-reads when it changed.
    const dirty = vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === uri.toString());
    const held = dirty && e.loadedModified[ref.part] !== undefined;
    const text = partText(held ? e.loaded : e.parts, ref.part);
    return {
      type: vscode.FileType.File,
      ctime: e.remote.created?.getTime() ?? 0,
      mtime: (held ? e.loadedModified[ref.part] : undefined) ?? e.remote.modified?.getTime() ?? 0,
      size: encoder.encode(text).byteLength,
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = this.ref(uri);
    const e = await this.entry(ref, true).catch((err) => {
      throw this.readError(uri, err);
    });
    if (!this.restoreBase(uri, e, ref)) this.setLoaded(e, ref.part, e.parts, e.remote.modified);
    return encoder.encode(partText(e.parts, ref.part));
  }

  /**
   * A document restored unsaved (hot exit) is not read again: VS Code takes its text from the backup. Its base is
   * what it was read with before the restart, not Ongage's version now, so a change made on Ongage while VS Code
   * was closed is still a conflict at the next save (and `stat` does not report a newer file either).
   */
  private restoreBase(uri: vscode.Uri, e: Entry, ref: ItemRef): boolean {
    if (e.loadedModified[ref.part] !== undefined) return false;
    const pending = this.pendingBase(uri);
    const restored = pending && this.partsWith(e.parts, ref.part, pending.text);
    if (!pending || !restored) return false;
    e.restored.add(ref.part);
    this.setLoaded(e, ref.part, restored, new Date(pending.modified));
    return true;
  }

  private partsWith(parts: EmailParts, part: PartKind, text: string): EmailParts | undefined {
    if (part !== 'settings') return { ...parts, [part]: text };
    const s = parseSettings(text, parts.settings);
    return s.ok ? { ...parts, settings: s.settings } : undefined;
  }

  // ------------------------------------------------------------------------------------ bases across restarts

  private static readonly BASES = 'ongage.unsavedBases';

  private bases(): Record<string, PendingBase> {
    return this.memento?.get<Record<string, PendingBase>>(ItemFileSystem.BASES) ?? {};
  }

  private pendingBase(uri: vscode.Uri): PendingBase | undefined {
    return this.bases()[uri.toString()];
  }

  private setBase(uri: vscode.Uri, base: PendingBase | undefined): void {
    if (!this.memento) return;
    const all = this.bases();
    const k = uri.toString();
    if (base === undefined && !(k in all)) return;
    if (base === undefined) delete all[k];
    else all[k] = base;
    void this.memento.update(ItemFileSystem.BASES, all);
  }

  /** Records the base of a document when it turns unsaved, forgets it once it is clean again. */
  private trackBase(doc: vscode.TextDocument): void {
    const ref = parseItemUri(doc.uri);
    const e = ref && this.entries.get(itemKey(ref));
    if (!ref || !e) return;
    if (!doc.isDirty) return this.setBase(doc.uri, undefined);
    // Kept from an earlier session (the document came back unsaved) or already recorded in this one.
    const have = this.pendingBase(doc.uri);
    if (have && (have.session === SESSION || e.restored.has(ref.part))) return;
    this.setBase(doc.uri, { text: partText(e.loaded, ref.part), modified: e.loadedModified[ref.part] ?? e.remote.modified?.getTime() ?? 0, session: SESSION });
  }

  private setLoaded(e: Entry, part: PartKind, from: EmailParts, modified: Date | undefined): void {
    e.loaded = {
      html: part === 'html' ? from.html : e.loaded.html,
      text: part === 'text' ? from.text : e.loaded.text,
      settings: part === 'settings' ? from.settings : e.loaded.settings,
    };
    e.loadedModified[part] = modified?.getTime() ?? 0;
  }

  private readError(uri: vscode.Uri, err: unknown): Error {
    if (err instanceof vscode.FileSystemError) return err;
    if (isOngageError(err) && err.kind === 'notFound') return vscode.FileSystemError.FileNotFound(`${uri.path.split('/').pop()} is not in the Ongage library any more (deleted, or moved to another list).`);
    return new Error(err instanceof Error ? err.message : String(err));
  }

  // ------------------------------------------------------------------------------------ saving

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const ref = parseItemUri(uri);
    if (!ref) throw vscode.FileSystemError.NoPermissions('New files cannot be created in the Ongage library this way: use "New Email" in the Library view.');
    void options;
    const key = itemKey(ref);
    const e = this.entries.get(key) ?? (await this.entry(ref, true));
    this.restoreBase(uri, e, ref);
    const text = decoder.decode(content);
    const mine: EmailParts = { ...e.loaded };
    if (ref.part === 'settings') {
      const parsed = parseSettings(text, e.loaded.settings);
      if (!parsed.ok) {
        this.diagnostics.set(
          uri,
          parsed.problems.map((p) => {
            const line = Math.max(0, (p.line ?? 1) - 1);
            const col = Math.max(0, (p.column ?? 1) - 1);
            const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), p.message, vscode.DiagnosticSeverity.Error);
            d.source = 'Ongage settings';
            return d;
          }),
        );
        const first = parsed.problems[0];
        const where = first.line ? `line ${first.line}${first.column ? `, column ${first.column}` : ''}: ` : '';
        throw new Error(`Not saved: the settings have ${parsed.problems.length === 1 ? 'a problem' : `${parsed.problems.length} problems`}. ${where}${first.message} Fix ${parsed.problems.length === 1 ? 'it' : 'them (see Problems)'} and save again.`);
      }
      this.diagnostics.delete(uri);
      mine.settings = parsed.settings;
    } else {
      mine[ref.part] = text;
    }
    const force = this.forced.delete(uri.toString());
    const outcome = await this.save(e, ref, mine, { force, only: [ref.part] });
    await this.settle(uri, e, ref, mine, outcome);
  }

  private async save(e: Entry, ref: ItemRef, mine: EmailParts, opts: SaveOptions): Promise<SaveOutcome> {
    const base: SaveBase = {
      id: e.itemId,
      listId: e.listId,
      modified: e.loadedModified[ref.part] !== undefined ? new Date(e.loadedModified[ref.part]!) : e.remote.modified,
      hash: partsHash(e.loaded),
      parts: e.loaded,
    };
    try {
      const client = await this.clientFor(e.profileId);
      const t0 = Date.now();
      const out = await saveItem(client, base, mine, opts);
      this.log?.info(`Saved ${PART_LABEL[ref.part]} of item ${e.itemId}: ${out.kind} (${Date.now() - t0} ms)`);
      return out;
    } catch (err) {
      this.log?.warn(`Saving item ${e.itemId} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw new Error(describeSaveError(err));
    }
  }

  /** Acts on an outcome: done, or ask the user (conflict, copy). Throws to keep the document dirty. */
  private async settle(uri: vscode.Uri, e: Entry, ref: ItemRef, mine: EmailParts, outcome: SaveOutcome): Promise<void> {
    const name = e.remote.name || `item ${e.itemId}`;
    const file = `${safeItemName(name, e.itemId)}${PART_SUFFIX[ref.part]}`;
    switch (outcome.kind) {
      case 'saved':
      case 'unchanged':
        this.accept(uri, e, ref, outcome.email, outcome.parts);
        if (outcome.kind === 'saved' && outcome.discarded && !outcome.discarded.deleted) {
          void vscode.window.showWarningMessage(`The original was overwritten, but the copy ${outcome.discarded.id} could not be deleted: ${outcome.discarded.message} Delete it from the Library view.`);
        }
        return;
      case 'conflict': {
        e.remote = outcome.remote;
        e.parts = outcome.remoteParts;
        e.fetchedAt = Date.now();
        const theirs = partText(outcome.remoteParts, ref.part);
        this.conflicts.set(uri.toString(), { text: theirs, modified: outcome.remote.modified });
        const when = outcome.remote.modified ? ` (changed ${outcome.remote.modified.toLocaleString()})` : '';
        const choice = await vscode.window.showWarningMessage(
          `“${file}” was changed on Ongage since you opened it${when}.`,
          {
            modal: true,
            detail: `Saving now would replace that change with yours. Compare the two versions first, overwrite Ongage’s version with yours, or cancel: your text stays in the editor, unsaved.`,
          },
          'Compare',
          'Overwrite',
        );
        if (choice === 'Overwrite') {
          const forced = await this.save(e, ref, mine, { force: true, only: [ref.part] });
          return this.settle(uri, e, ref, mine, forced);
        }
        if (choice === 'Compare') {
          void this.showCompare(uri, file, outcome.remote.modified);
          throw new Error(`Not saved: Ongage has a newer version of “${file}”. The compare is open: choose “Overwrite Ongage’s Version” or “Use Ongage’s Version” in its title bar, or edit and save again.`);
        }
        throw new Error(`Not saved: Ongage has a newer version of “${file}”. Your text is kept in the editor; save again to compare or overwrite.`);
      }
      case 'copied': {
        const copy = outcome.email;
        if (outcome.warning) this.log?.info(`Ongage: ${outcome.warning}`);
        const choice = await vscode.window.showWarningMessage(
          `Ongage stored your changes as a copy: “${copy.name}”, id ${copy.id}. The original (id ${outcome.requestedId}) is used by a campaign that has already launched and was left unchanged.`,
          {
            modal: true,
            detail: `${outcome.earlier ? 'An earlier attempt of this save had already stored it; no second copy was made.\n\n' : ''}Keep the copy (closing this dialog keeps it too): the editor then shows the copy and later saves go to it. Or overwrite the original instead: the launched campaign's email changes, and the copy is deleted.`,
          },
          'Keep the Copy',
          'Overwrite the Original…',
        );
        if (choice === 'Overwrite the Original…') {
          const sure = await vscode.window.showWarningMessage(
            `Overwrite email ${outcome.requestedId}, which a launched campaign uses?`,
            { modal: true, detail: `Its recipients already have the earlier version; Ongage's reports for that campaign will show your version from now on. The copy ${copy.id} is deleted afterwards.` },
            'Overwrite',
          );
          if (sure === 'Overwrite') {
            const over = await this.save(e, ref, mine, { overwriteLaunched: true, discardCopyId: copy.id, only: [ref.part] });
            if (over.kind === 'saved' && over.discarded?.deleted) this.saved.fire({ profileId: e.profileId, listId: e.listId, email: over.email, removedId: copy.id });
            return this.settle(uri, e, ref, mine, over);
          }
        }
        // Keep the copy: the item's documents move to the copy, text and unsaved changes included.
        const copyEntry: Entry = {
          key: itemKey({ profileId: e.profileId, listId: e.listId, itemId: copy.id }),
          profileId: e.profileId,
          listId: e.listId,
          itemId: copy.id,
          remote: copy,
          parts: outcome.parts,
          loaded: outcome.parts,
          loadedModified: Object.fromEntries(PARTS.map((p) => [p, copy.modified?.getTime() ?? 0])),
          fetchedAt: Date.now(),
          restored: new Set(),
        };
        this.entries.set(copyEntry.key, copyEntry);
        this.saved.fire({ profileId: e.profileId, listId: e.listId, email: copy, replacedId: e.itemId });
        // Move once VS Code has finished this save (the document being saved must not be closed mid-save).
        let moved = false;
        const move = (): void => {
          if (moved) return;
          moved = true;
          sub.dispose();
          clearTimeout(timer);
          void this.moveDocuments(e, copy).catch((err) => this.log?.error(`Moving the editors to the copy failed: ${String(err)}`));
        };
        const sub = vscode.workspace.onDidSaveTextDocument((d) => d.uri.toString() === uri.toString() && setTimeout(move, 0));
        const timer = setTimeout(move, 3000);
        return;
      }
    }
  }

  /** Ongage confirmed: the part's new base is what Ongage holds now; clean sibling documents follow. */
  private accept(uri: vscode.Uri, e: Entry, ref: ItemRef, email: Email, parts: EmailParts): void {
    e.remote = email;
    e.parts = parts;
    e.fetchedAt = Date.now();
    this.setLoaded(e, ref.part, parts, email.modified);
    e.restored.delete(ref.part);
    this.conflicts.delete(uri.toString());
    this.setBase(uri, undefined);
    const events: vscode.FileChangeEvent[] = [];
    for (const d of vscode.workspace.textDocuments) {
      const r = d.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(d.uri) : undefined;
      if (!r || itemKey(r) !== e.key || r.part === ref.part || d.isDirty) continue;
      if (partText(e.loaded, r.part) !== partText(parts, r.part)) events.push({ type: vscode.FileChangeType.Changed, uri: d.uri });
    }
    if (events.length) this.fileChanged.fire(events);
    this.saved.fire({ profileId: e.profileId, listId: e.listId, email });
    this.templatesLoaded.fire();
    void this.updateConflictContext();
  }

  private async moveDocuments(from: Entry, copy: Email): Promise<void> {
    const docs = vscode.workspace.textDocuments.filter((d) => {
      const r = d.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(d.uri) : undefined;
      return r && itemKey(r) === from.key;
    });
    for (const old of docs) {
      const r = parseItemUri(old.uri)!;
      const target = itemUri(from.profileId, from.listId, copy, r.part);
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === old.uri.toString());
      const column = tab?.group.viewColumn;
      const text = old.getText();
      const doc = await vscode.workspace.openTextDocument(target);
      if (doc.getText() !== text) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(target, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
        await vscode.workspace.applyEdit(edit);
      }
      if (tab) {
        await vscode.window.showTextDocument(old, { viewColumn: column, preview: false });
        if (old.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false });
      }
    }
  }

  // ------------------------------------------------------------------------------------ conflicts

  /** Ongage's side of the compare. */
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.conflicts.get(uri.with({ scheme: DOCUMENT_SCHEME, query: '' }).toString())?.text ?? '';
  }

  private async showCompare(uri: vscode.Uri, file: string, modified: Date | undefined): Promise<void> {
    const left = uri.with({ scheme: REMOTE_SCHEME, query: `t=${modified?.getTime() ?? Date.now()}` });
    this.remoteChanged.fire(left);
    await vscode.commands.executeCommand('vscode.diff', left, uri, `${file} (Ongage${modified ? `, changed ${time(modified)}` : ''}) ↔ yours`, { preview: false });
    await this.updateConflictContext();
  }

  hasConflict(uri: vscode.Uri): boolean {
    return this.conflicts.has(uri.with({ query: '' }).toString());
  }

  /** After the compare: the next save of this document overwrites Ongage's version. */
  async overwriteAfterCompare(uri: vscode.Uri): Promise<void> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) throw new Error('Open the document first.');
    this.forced.add(uri.toString());
    const ok = await doc.save();
    this.forced.delete(uri.toString());
    if (ok) {
      await this.closeCompare(uri);
      vscode.window.setStatusBarMessage(`$(check) Saved your version of ${uri.path.split('/').pop()} over Ongage's`, 4000);
    }
  }

  /** After the compare: the document takes Ongage's version (the user's edits are dropped). */
  async takeTheirs(uri: vscode.Uri): Promise<void> {
    const c = this.conflicts.get(uri.toString());
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!c || !doc) throw new Error('There is no conflict to resolve for this document; save it to check Ongage again.');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), c.text);
    await vscode.workspace.applyEdit(edit);
    // Saving equal text writes nothing: it only makes Ongage's version the document's base.
    const ok = await doc.save();
    if (ok) {
      await this.closeCompare(uri);
      vscode.window.setStatusBarMessage(`$(discard) ${uri.path.split('/').pop()} now shows Ongage's version`, 4000);
    }
  }

  private async closeCompare(uri: vscode.Uri): Promise<void> {
    this.conflicts.delete(uri.toString());
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === REMOTE_SCHEME && t.input.modified.toString() === uri.toString());
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    await this.updateConflictContext();
  }

  private async updateConflictContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'ongage.inConflict', this.conflicts.size > 0);
  }

  // ------------------------------------------------------------------------------------ the rest of a file system

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const m = /^\/([^/]+)\/(\d+)\/(\d+)\/?$/.exec(uri.path);
    const e = m ? this.entries.get(`${m[1]}/${m[2]}/${m[3]}`) : undefined;
    if (!e) return [];
    return PARTS.map((p) => [`${safeItemName(e.remote.name, e.itemId)}${PART_SUFFIX[p]}`, vscode.FileType.File]);
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Create folders in the Library view (New Folder).');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Delete library items in the Library view (Delete), where Ongage’s dependency checks are shown.');
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('Rename library items in the Library view (F2), or change "name" in the item’s settings.');
  }

  // ------------------------------------------------------------------------------------ what others ask

  private hasDirty(key: string): boolean {
    return vscode.workspace.textDocuments.some((d) => {
      if (!d.isDirty || d.uri.scheme !== DOCUMENT_SCHEME) return false;
      const r = parseItemUri(d.uri);
      return !!r && itemKey(r) === key;
    });
  }

  private closed(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== DOCUMENT_SCHEME) return;
    this.diagnostics.delete(doc.uri);
    // Closed (saved, or changes dropped): no base to keep. Shutting down closes nothing, so hot exit keeps it.
    this.setBase(doc.uri, undefined);
    const r = parseItemUri(doc.uri);
    if (!r) return;
    const key = itemKey(r);
    const open = vscode.workspace.textDocuments.some((d) => d !== doc && d.uri.scheme === DOCUMENT_SCHEME && parseItemUri(d.uri) && itemKey(parseItemUri(d.uri)!) === key);
    if (!open) this.entries.delete(key);
  }

  /**
   * Re-reads an item changed outside its editors (renamed in the tree): clean documents of it are re-read, and
   * the preview follows; an unsaved document keeps its text and base, so its save still sees the change.
   */
  async refresh(profileId: string, listId: number, itemId: number): Promise<void> {
    const key = itemKey({ profileId, listId, itemId });
    const e = this.entries.get(key);
    if (!e) return;
    e.fetchedAt = 0;
    const clean = vscode.workspace.textDocuments.filter((d) => {
      const r = d.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(d.uri) : undefined;
      return !!r && itemKey(r) === key && !d.isDirty;
    });
    if (this.hasDirty(key)) {
      const client = await this.clientFor(profileId);
      e.remote = await client.getEmail(itemId, { listId });
      e.parts = partsOf(e.remote);
      e.fetchedAt = Date.now();
    }
    if (clean.length) this.fileChanged.fire(clean.map((d) => ({ type: vscode.FileChangeType.Changed, uri: d.uri })));
    this.templatesLoaded.fire();
  }

  /** The document of a part of this item already open (under whatever name it was opened), if any. */
  openDocument(profileId: string, listId: number, itemId: number, part: PartKind): vscode.TextDocument | undefined {
    const key = itemKey({ profileId, listId, itemId });
    return vscode.workspace.textDocuments.find((d) => {
      const r = d.uri.scheme === DOCUMENT_SCHEME ? parseItemUri(d.uri) : undefined;
      return !!r && itemKey(r) === key && r.part === part;
    });
  }

  meta(uri: string): ItemMeta | undefined {
    const ref = parseItemUri(vscode.Uri.parse(uri));
    const e = ref && this.entries.get(itemKey(ref));
    if (!e) return undefined;
    const email = e.remote;
    return {
      unsubscribeDefaultLink: email.unsubscribeDefaultLink,
      subject: email.subject,
      preheader: email.preheader,
      name: email.name,
      headerTemplateId: email.headerTemplateId,
      footerTemplateId: email.footerTemplateId,
    };
  }

  /** The HTML part as the editor has it (the open document's text, else Ongage's). */
  async htmlOf(ref: ItemRef): Promise<string> {
    const doc = this.openDocument(ref.profileId, ref.listId, ref.itemId, 'html');
    if (doc) return doc.getText();
    return (await this.entry(ref, true)).parts.html;
  }

  /**
   * The header and footer templates Ongage composes around a library email, fetched once per connection.
   * Errors are reported per template, so the rest still composes.
   */
  async composed(uri: string): Promise<ComposedTemplates> {
    const meta = this.meta(uri);
    const ref = parseItemUri(vscode.Uri.parse(uri));
    const out: ComposedTemplates = { errors: [] };
    if (!meta || !ref) return out;
    for (const which of ['header', 'footer'] as const) {
      const id = which === 'header' ? meta.headerTemplateId : meta.footerTemplateId;
      if (id === null || id === undefined) continue;
      try {
        out[which] = await this.template(ref.profileId, ref.listId, id);
      } catch (e) {
        out.errors.push({ which, id, message: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /** The templates' HTML when already fetched (starting the fetch otherwise; onDidLoadTemplates fires then). */
  composedNow(uri: string): string[] | undefined {
    const meta = this.meta(uri);
    const ref = parseItemUri(vscode.Uri.parse(uri));
    if (!meta || !ref) return undefined;
    const ids = [meta.headerTemplateId, meta.footerTemplateId].filter((id): id is number => id !== null && id !== undefined);
    const done = ids.map((id) => this.loaded.get(`${ref.profileId}/${ref.listId}/${id}`));
    if (done.every((t) => t !== undefined)) return done.map((t) => t!.html);
    void this.composed(uri).catch(() => undefined);
    return undefined;
  }

  private template(profileId: string, listId: number, id: number): Promise<TemplatePart> {
    const key = `${profileId}/${listId}/${id}`;
    let p = this.templates.get(key);
    if (!p) {
      p = (async () => {
        const t = await (await this.clientFor(profileId)).getEmail(id, { listId });
        const part = { id, name: t.name, html: t.contentHtml ?? '' };
        this.loaded.set(key, part);
        this.templatesLoaded.fire();
        return part;
      })();
      p.catch(() => this.templates.delete(key));
      this.templates.set(key, p);
    }
    return p;
  }

  /** Forgets fetched templates (after a sign-out, or to see edits made elsewhere). */
  forgetTemplates(): void {
    this.templates.clear();
    this.loaded.clear();
  }

  dispose(): void {
    this.fileChanged.dispose();
    this.remoteChanged.dispose();
    this.templatesLoaded.dispose();
    this.saved.dispose();
    this.diagnostics.dispose();
    for (const d of this.disposables) d.dispose();
  }
}


/** The earlier name of the `ongage:` documents' provider (kept for code that names the type). */
export type ItemDocumentProvider = ItemFileSystem;
