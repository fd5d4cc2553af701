/**
 * The library of one Ongage list as a tree: folders, email messages and templates nested by `parent_id`.
 * Editor-free; the tree view and the command line render it, the loader fills it page by page.
 *
 * Items may arrive in any order (a child before its folder): an item whose parent is not known yet is kept
 * and shows up under that folder as soon as the folder arrives. Until the whole library is loaded such
 * items are simply not reachable from the root, which is what Ongage's own nesting says.
 */

export type LibraryItemType = 'email_message' | 'template' | 'folder';

export interface LibraryItem {
  id: number;
  type: LibraryItemType;
  name: string;
  /** 0 = the list's root. */
  parentId: number;
  subject?: string;
  favorite: boolean;
  modified?: Date;
  created?: Date;
  tagIds?: number[];
  listId?: number;
}

export interface LibraryFilter {
  /** Case-insensitive text matched against name and subject. */
  text?: string;
  favoritesOnly?: boolean;
  /** Show only these item types (folders that lead to a match are always shown). */
  types?: readonly LibraryItemType[];
}

export const ROOT = 0;

const TYPE_ORDER: Record<LibraryItemType, number> = { folder: 0, template: 1, email_message: 2 };

/** Folders first, then templates, then emails; each by name, numbers in names compared as numbers. */
export function compareItems(a: LibraryItem, b: LibraryItem): number {
  return (
    TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
    a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }) ||
    a.id - b.id
  );
}

export function isFilterActive(filter: LibraryFilter | undefined): boolean {
  return !!filter && (!!filter.text?.trim() || !!filter.favoritesOnly || (filter.types !== undefined && filter.types.length > 0));
}

/** A short description of a filter for the view's title bar, e.g. `"promo" · favourites · templates`. */
export function describeFilter(filter: LibraryFilter | undefined): string {
  if (!filter || !isFilterActive(filter)) return '';
  const parts: string[] = [];
  if (filter.text?.trim()) parts.push(`"${filter.text.trim()}"`);
  if (filter.favoritesOnly) parts.push('favourites');
  if (filter.types && filter.types.length > 0) {
    parts.push(filter.types.map((t) => (t === 'email_message' ? 'emails' : `${t}s`)).join(', '));
  }
  return parts.join(' · ');
}

/** Options of a write that comes from a load (a listing begun at `loadedSince`, a `revision`). */
export interface LoadWrite {
  /**
   * The revision the load began at. Items changed since by anything else (created, moved, renamed, deleted while
   * the listing ran) keep that change: the load's page may predate it. A load's own writes are not changes.
   */
  loadedSince: number;
}

export class LibraryModel {
  private readonly items = new Map<number, LibraryItem>();
  /** Revision counter: bumped by every change that is not a load's (see LoadWrite). */
  private rev = 0;
  /** Per id (removed ones too): the revision of its last change. */
  private readonly changedAt = new Map<number, number>();
  private readonly children = new Map<number, Set<number>>();
  /** Folders whose direct children are known to be complete (loaded from the server). */
  private readonly completeFolders = new Set<number>();
  private filterMatches: Set<number> | undefined;
  private filter: LibraryFilter | undefined;

  get size(): number {
    return this.items.size;
  }

  get(id: number): LibraryItem | undefined {
    return this.items.get(id);
  }

  has(id: number): boolean {
    return this.items.has(id);
  }

  all(): IterableIterator<LibraryItem> {
    return this.items.values();
  }

  /** The current revision: a load notes it when it starts and passes it back as `loadedSince`. */
  get revision(): number {
    return this.rev;
  }

  /** Whether the item was changed (or removed) by something other than a load after `revision`. */
  changedSince(id: number, revision: number): boolean {
    return (this.changedAt.get(id) ?? 0) > revision;
  }

  private mark(id: number, load: LoadWrite | undefined): void {
    if (!load) this.changedAt.set(id, ++this.rev);
  }

  /**
   * Adds or replaces items (a page from the server, or one changed item). Returns the parent ids touched.
   * From a load, items changed since the load began are left as they are.
   */
  upsert(items: Iterable<LibraryItem>, load?: LoadWrite): Set<number> {
    const touched = new Set<number>();
    for (const item of items) {
      if (load && this.changedSince(item.id, load.loadedSince)) continue;
      this.mark(item.id, load);
      const old = this.items.get(item.id);
      // Listed again as it is (a background listing, a refresh): nothing to show anew.
      if (old && sameItem(old, item) && this.children.get(item.parentId)?.has(item.id)) continue;
      if (old && old.parentId !== item.parentId) {
        this.children.get(old.parentId)?.delete(item.id);
        touched.add(old.parentId);
      }
      this.items.set(item.id, item);
      let set = this.children.get(item.parentId);
      if (!set) {
        set = new Set();
        this.children.set(item.parentId, set);
      }
      set.add(item.id);
      touched.add(item.parentId);
    }
    if (touched.size > 0) this.filterMatches = undefined;
    return touched;
  }

  /** Removes an item and, for a folder, everything under it. Returns the removed ids. */
  remove(id: number, load?: LoadWrite): number[] {
    const item = this.items.get(id);
    if (!item) {
      this.mark(id, load); // a removal is a change even of an item the model never held (a load must not bring it back)
      return [];
    }
    const removed: number[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const cur = stack.pop() as number;
      const kids = this.children.get(cur);
      if (kids) stack.push(...kids);
      this.children.delete(cur);
      this.completeFolders.delete(cur);
      if (this.items.delete(cur)) {
        removed.push(cur);
        this.mark(cur, load);
      }
    }
    this.children.get(item.parentId)?.delete(id);
    this.filterMatches = undefined;
    return removed;
  }

  /** Applies a move and/or rename as the server confirmed it. */
  move(id: number, parentId: number, name?: string): LibraryItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const next: LibraryItem = { ...item, parentId, name: name ?? item.name };
    this.upsert([next]);
    return next;
  }

  patch(id: number, changes: Partial<Omit<LibraryItem, 'id' | 'parentId'>>): LibraryItem | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    const next = { ...item, ...changes };
    this.items.set(id, next);
    this.mark(id, undefined);
    this.filterMatches = undefined;
    return next;
  }

  /**
   * Replaces a folder's direct children with what the server says they are (others are dropped). From a load,
   * children changed since it began stay as they are.
   */
  setChildren(parentId: number, items: readonly LibraryItem[], load?: LoadWrite): void {
    const keep = new Set(items.map((i) => i.id));
    for (const id of [...(this.children.get(parentId) ?? [])]) {
      if (!keep.has(id) && !(load && this.changedSince(id, load.loadedSince))) this.remove(id, load);
    }
    this.upsert(items, load);
    this.completeFolders.add(parentId);
  }

  markComplete(parentId: number): void {
    this.completeFolders.add(parentId);
  }

  isComplete(parentId: number): boolean {
    return this.completeFolders.has(parentId);
  }

  /** Direct children of a folder (ROOT for the top level), sorted, with the active filter applied. */
  childrenOf(parentId: number): LibraryItem[] {
    const ids = this.children.get(parentId);
    if (!ids) return [];
    const matches = this.matches();
    const out: LibraryItem[] = [];
    for (const id of ids) {
      const item = this.items.get(id);
      if (item && (!matches || matches.has(id))) out.push(item);
    }
    return out.sort(compareItems);
  }

  /** The chain of folders from the root down to (not including) the item. */
  ancestors(id: number): LibraryItem[] {
    const chain: LibraryItem[] = [];
    const seen = new Set<number>();
    let cur = this.items.get(id);
    while (cur && cur.parentId !== ROOT && !seen.has(cur.parentId)) {
      seen.add(cur.parentId);
      const parent = this.items.get(cur.parentId);
      if (!parent) break;
      chain.unshift(parent);
      cur = parent;
    }
    return chain;
  }

  /** Whether `folderId` is `id` itself or lies under it (a folder cannot move into its own subtree). */
  isInSubtree(folderId: number, id: number): boolean {
    if (folderId === id) return true;
    return this.ancestors(folderId).some((a) => a.id === id);
  }

  /** Every folder, with its path, for pickers ("Move to…"). */
  folders(): { item: LibraryItem; path: string }[] {
    const out: { item: LibraryItem; path: string }[] = [];
    for (const item of this.items.values()) {
      if (item.type !== 'folder') continue;
      const path = [...this.ancestors(item.id), item].map((a) => a.name).join(' / ');
      out.push({ item, path });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true, sensitivity: 'base' }));
  }

  setFilter(filter: LibraryFilter | undefined): void {
    this.filter = isFilterActive(filter) ? filter : undefined;
    this.filterMatches = undefined;
  }

  getFilter(): LibraryFilter | undefined {
    return this.filter;
  }

  /** Items that match the filter themselves (not just folders shown because they lead to a match). */
  matchCount(): number {
    const f = this.filter;
    if (!f) return this.items.size;
    let n = 0;
    for (const item of this.items.values()) if (matchesFilter(item, f)) n++;
    return n;
  }

  /** Forgets every item (the revision counter goes on, so a load begun before still sees the change). */
  clear(): void {
    this.changedAt.clear();
    this.rev++;
    this.items.clear();
    this.children.clear();
    this.completeFolders.clear();
    this.filterMatches = undefined;
  }

  /** Ids visible under the filter: matching items plus every folder on the way to one. */
  private matches(): Set<number> | undefined {
    const f = this.filter;
    if (!f) return undefined;
    if (this.filterMatches) return this.filterMatches;
    const visible = new Set<number>();
    for (const item of this.items.values()) {
      if (!matchesFilter(item, f)) continue;
      visible.add(item.id);
      let parent = this.items.get(item.parentId);
      while (parent && !visible.has(parent.id)) {
        visible.add(parent.id);
        parent = this.items.get(parent.parentId);
      }
    }
    this.filterMatches = visible;
    return visible;
  }
}

export function matchesFilter(item: LibraryItem, f: LibraryFilter): boolean {
  if (f.favoritesOnly && !item.favorite) return false;
  if (f.types && f.types.length > 0 && !f.types.includes(item.type)) return false;
  const text = f.text?.trim().toLowerCase();
  if (text) {
    const hay = `${item.name}\n${item.subject ?? ''}`.toLowerCase();
    if (!hay.includes(text)) return false;
  }
  // A folder matches a type filter only when folders are asked for; it is still shown on the way to a match.
  return true;
}

/** Whether two versions of an item are alike in every field (dates by their time, tag ids in order). */
function sameItem(a: LibraryItem, b: LibraryItem): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof LibraryItem>);
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x instanceof Date || y instanceof Date) {
      if (!(x instanceof Date && y instanceof Date && x.getTime() === y.getTime())) return false;
    } else if (Array.isArray(x) || Array.isArray(y)) {
      if (JSON.stringify(x) !== JSON.stringify(y)) return false;
    } else if (x !== y) return false;
  }
  return true;
}
