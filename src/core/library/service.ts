/**
 * One list's library, kept in a LibraryModel and loaded from Ongage: the top level first (so the tree shows
 * something at once), then the whole library streamed in the background with concurrent pages, so opening a
 * folder is instant afterwards. Every change (create, rename, move, favourite, delete, copy) is sent first
 * and applied to the model only as the server confirms it, so a failed change leaves the model as the
 * server has it. Editor-free.
 */
import type { OngageClient } from '../api/client';
import type { Email, EmailCreateInput } from '../api/types';
import { LibraryItem, LibraryItemType, LibraryModel, ROOT } from './model';
import { htmlToText } from './text';

export type LibraryEvent =
  /** Children of these folders changed (ROOT = the top level). */
  | { type: 'children'; parentIds: number[] }
  | { type: 'loading'; loading: boolean }
  | { type: 'error'; error: unknown };

export function toLibraryItem(e: Email): LibraryItem | undefined {
  if (e.deleted) return undefined;
  const type = e.type === 'folder' || e.type === 'template' || e.type === 'email_message' ? (e.type as LibraryItemType) : undefined;
  if (!type) return undefined;
  return {
    id: e.id,
    type,
    name: e.name || `(unnamed ${type === 'email_message' ? 'email' : type} ${e.id})`,
    parentId: e.parentId || ROOT,
    subject: e.subject || undefined,
    favorite: e.favorite,
    modified: e.modified,
    created: e.created,
    tagIds: e.tagIds,
    listId: e.listId,
  };
}

const items = (emails: readonly Email[]): LibraryItem[] =>
  emails.map(toLibraryItem).filter((x): x is LibraryItem => x !== undefined);

export class LibraryService {
  readonly model = new LibraryModel();
  private listeners: ((e: LibraryEvent) => void)[] = [];
  private fullLoad: Promise<void> | undefined;
  private rootLoad: Promise<void> | undefined;
  private folderLoads = new Map<number, Promise<void>>();
  private abort = new AbortController();
  /** Whether the whole library has been loaded at least once. */
  fullyLoaded = false;
  /** When the last full load started (for incremental refresh). */
  private loadedSince: Date | undefined;
  lastError: unknown;

  constructor(
    private readonly client: OngageClient,
    readonly listId: number | undefined,
    private readonly pageSize = 100,
  ) {}

  onEvent(listener: (e: LibraryEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private emit(e: LibraryEvent): void {
    for (const l of this.listeners) l(e);
  }

  private get call() {
    return { listId: this.listId, signal: this.abort.signal };
  }

  /**
   * Loads the top level (resolves as soon as it is in), and starts streaming the rest of the library in the
   * background. Calling it again while loading returns the same promise.
   */
  loadTop(): Promise<void> {
    if (this.model.isComplete(ROOT)) return Promise.resolve();
    if (!this.rootLoad) {
      this.rootLoad = this.loadFolderFromServer(ROOT).finally(() => (this.rootLoad = undefined));
      void this.loadAll().catch(() => undefined);
    }
    return this.rootLoad;
  }

  /** Resolves when a folder's direct children are known. */
  loadChildren(parentId: number): Promise<void> {
    if (parentId === ROOT) return this.loadTop();
    if (this.model.isComplete(parentId)) return Promise.resolve();
    let p = this.folderLoads.get(parentId);
    if (!p) {
      p = this.loadFolderFromServer(parentId).finally(() => this.folderLoads.delete(parentId));
      this.folderLoads.set(parentId, p);
    }
    return p;
  }

  private async loadFolderFromServer(parentId: number): Promise<void> {
    const all: LibraryItem[] = [];
    const signal = this.abort.signal;
    // Changes made while the pages arrive (a create, a move, a delete) are kept: a page may predate them.
    const load = { loadedSince: this.model.revision };
    for await (const page of this.client.iterateEmails(
      { parentId, listId: this.listId },
      { pageSize: this.pageSize, signal, listId: this.listId },
    )) {
      const got = items(page.items);
      all.push(...got);
      if (this.model.isComplete(parentId)) continue;
      this.model.upsert(got, load);
      this.emit({ type: 'children', parentIds: [parentId] });
    }
    if (!this.model.isComplete(parentId)) {
      this.model.setChildren(parentId, all, load);
      this.emit({ type: 'children', parentIds: [parentId] });
    }
  }

  /** Streams the whole library into the model (pages fetched concurrently). */
  loadAll(): Promise<void> {
    if (!this.fullLoad) {
      const started = new Date();
      this.emit({ type: 'loading', loading: true });
      this.fullLoad = (async () => {
        const seen = new Set<number>();
        const signal = this.abort.signal;
        // Items created, moved, renamed or deleted while the listing runs keep that change: a page may predate it.
        const load = { loadedSince: this.model.revision };
        for await (const page of this.client.iterateEmails({ listId: this.listId }, { pageSize: this.pageSize, signal, listId: this.listId })) {
          const got = items(page.items);
          for (const i of got) seen.add(i.id);
          const touched = this.model.upsert(got, load);
          this.emit({ type: 'children', parentIds: [...touched] });
        }
        // Everything the server did not list any more is gone, unless it changed here since the listing began.
        const gone = [...this.model.all()].filter((i) => !seen.has(i.id) && !this.model.changedSince(i.id, load.loadedSince)).map((i) => i.id);
        const touched = new Set<number>();
        for (const id of gone) {
          const parent = this.model.get(id)?.parentId;
          if (parent !== undefined) touched.add(parent);
          this.model.remove(id, load);
        }
        this.model.markComplete(ROOT);
        for (const i of this.model.all()) if (i.type === 'folder') this.model.markComplete(i.id);
        this.fullyLoaded = true;
        this.loadedSince = started;
        this.lastError = undefined;
        if (touched.size) this.emit({ type: 'children', parentIds: [...touched] });
      })()
        .catch((e) => {
          this.lastError = e;
          this.emit({ type: 'error', error: e });
          throw e;
        })
        .finally(() => {
          this.fullLoad = undefined;
          this.emit({ type: 'loading', loading: false });
        });
    }
    return this.fullLoad;
  }

  /**
   * Refreshes the list. After a full load, only items modified since are asked for (cheap on a large
   * library); items Ongage reports as deleted are dropped. `full` (or no earlier full load) reloads everything,
   * which also notices items deleted without a trace.
   */
  async refresh(opts: { full?: boolean } = {}): Promise<void> {
    if (!opts.full && this.fullyLoaded && this.loadedSince) {
      const since = this.loadedSince;
      const now = new Date();
      const changed = await this.client.listEmailsModifiedSince(since, { listId: this.listId }, { listId: this.listId, signal: this.abort.signal });
      this.loadedSince = now;
      const touched = this.model.upsert(items(changed));
      for (const e of changed) {
        const gone = e.deleted ? this.model.get(e.id) : undefined;
        if (gone) {
          touched.add(gone.parentId);
          this.model.remove(e.id);
        }
      }
      this.emit({ type: 'children', parentIds: [...touched] });
      return;
    }
    this.reset();
    await this.loadTop();
  }

  /** Reloads one folder's direct children from the server. */
  async refreshFolder(parentId: number): Promise<void> {
    const fresh = await this.client.listAllEmails({ parentId, listId: this.listId }, { ...this.call, pageSize: this.pageSize });
    this.model.setChildren(parentId, items(fresh));
    this.emit({ type: 'children', parentIds: [parentId] });
  }

  /** Forgets everything and cancels loads in flight. */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.model.clear();
    this.fullLoad = undefined;
    this.rootLoad = undefined;
    this.folderLoads.clear();
    this.fullyLoaded = false;
    this.loadedSince = undefined;
    this.emit({ type: 'children', parentIds: [ROOT] });
  }

  dispose(): void {
    this.abort.abort();
    this.listeners = [];
  }

  // ------------------------------------------------------------------------------------ changes

  async create(input: { type: LibraryItemType; name: string; parentId: number; subject?: string; description?: string; contentHtml?: string }): Promise<LibraryItem> {
    const html = input.contentHtml ?? '';
    const req: EmailCreateInput = {
      type: input.type,
      name: input.name,
      parentId: input.parentId,
      description: input.description ?? '',
      subject: input.subject ?? '',
      contentHtml: html,
      contentText: html ? htmlToText(html) : '',
    };
    const created = await this.client.createEmail(req, { listId: this.listId });
    const item = toLibraryItem(created) ?? { id: created.id, type: input.type, name: input.name, parentId: input.parentId, favorite: false };
    this.apply([item]);
    if (item.type === 'folder') this.model.markComplete(item.id);
    return item;
  }

  /**
   * Moves and/or renames; the model changes only after the server confirms. Ongage's move needs both the folder
   * and the name, so the item is read first and the part not being changed is sent as Ongage has it now (never
   * the model's possibly stale copy, which would undo someone else's rename or move).
   */
  async move(id: number, parentId: number, name?: string): Promise<LibraryItem> {
    const item = this.model.get(id);
    if (item && item.type === 'folder' && parentId !== ROOT && this.model.isInSubtree(parentId, id)) {
      throw new Error(`"${item.name}" cannot move into itself or one of its own subfolders; choose another folder.`);
    }
    const current = await this.client.getEmail(id, this.call);
    return this.sendMove(id, parentId, name ?? current.name, item, current);
  }

  /** Renames, keeping the folder the item is in on Ongage now. */
  async rename(id: number, name: string): Promise<LibraryItem> {
    const item = this.model.get(id);
    const current = await this.client.getEmail(id, this.call);
    return this.sendMove(id, current.parentId || ROOT, name, item, current);
  }

  private async sendMove(id: number, parentId: number, name: string, item: LibraryItem | undefined, current: Email): Promise<LibraryItem> {
    if (!name) throw new Error(`Item ${id} has no name on Ongage; give it one.`);
    const moved = await this.client.moveEmail(id, { parentId, name }, { listId: this.listId });
    const fallback = toLibraryItem(current) ?? (item as LibraryItem);
    const next = toLibraryItem(moved);
    const result = next ? { ...item, ...next } : { ...fallback, parentId, name };
    this.apply([result], item?.parentId);
    return result;
  }

  /** Puts what Ongage says about an item into the model (after a save changed its name, say); the tree follows. */
  upsertFromServer(e: Email): void {
    const prev = this.model.get(e.id);
    const next = toLibraryItem(e);
    if (!next) return;
    this.apply([{ ...prev, ...next }], prev?.parentId);
  }

  /** Drops an item Ongage no longer has from the model (e.g. a copy deleted after its original was overwritten). */
  forget(id: number): void {
    const parent = this.model.get(id)?.parentId;
    if (parent === undefined) return;
    this.model.remove(id);
    this.emit({ type: 'children', parentIds: [parent] });
  }

  async toggleFavorite(id: number): Promise<LibraryItem> {
    const updated = await this.client.toggleFavorite(id, { listId: this.listId });
    const prev = this.model.get(id);
    const next = toLibraryItem(updated);
    const result = next ? { ...prev, ...next } : { ...(prev as LibraryItem), favorite: !prev?.favorite };
    this.apply([result]);
    return result;
  }

  /** Sets favourites on several items to one state (toggling only those that differ). */
  async setFavorite(ids: readonly number[], favorite: boolean): Promise<void> {
    await Promise.all(ids.filter((id) => this.model.get(id)?.favorite !== favorite).map((id) => this.toggleFavorite(id)));
  }

  async delete(id: number): Promise<void> {
    await this.client.deleteEmail(id, { listId: this.listId });
    const parent = this.model.get(id)?.parentId ?? ROOT;
    this.model.remove(id);
    this.emit({ type: 'children', parentIds: [parent] });
  }

  async copyToLists(id: number, targetListIds: number[]): Promise<void> {
    await this.client.copyEmailToLists(id, targetListIds, { listId: this.listId });
  }

  private apply(changed: LibraryItem[], oldParent?: number): void {
    const touched = this.model.upsert(changed);
    if (oldParent !== undefined) touched.add(oldParent);
    this.emit({ type: 'children', parentIds: [...touched] });
  }
}
