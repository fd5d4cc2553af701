/**
 * The three-way state of a pulled workspace folder, item by item: the base (the manifest: what was last pulled or
 * pushed), the workspace's files, and Ongage's library now. Editor-free; the CLI's `status`, the Source Control
 * view and push and pull plans all read it.
 *
 * | workspace \ Ongage | unchanged       | changed            | deleted                    |
 * |--------------------|-----------------|--------------------|----------------------------|
 * | unchanged          | unchanged       | remoteModified     | remoteDeleted              |
 * | changed            | modified (push) | conflict ¹         | conflict (deleted there)   |
 * | deleted            | deleted (push)  | conflict (deleted here) | gone (manifest cleaned) |
 *
 * ¹ Unless both sides now hold the same content, which is unchanged. New local `.html` files are `added`; items in
 * Ongage under the pulled folder that the manifest does not know are `remoteAdded`. A local item that cannot be read
 * (a part file missing, broken settings JSON) is `invalid`, with what to fix.
 *
 * Ongage changed = its content hash differs from the base (when the content is known), else its `modified` moved.
 */
import type { OngageClient } from '../api/client';
import type { Email } from '../api/types';
import { partsHash, partsOf, type EmailParts, type SettingsProblem } from '../library/parts';
import { inSlices, readNew, readTracked, scanLocal, type LocalRead, type NewLocalItem } from './local';
import { readBases, type Manifest, type ManifestItem, type PartPaths, type SyncItemType } from './manifest';

export type SyncState =
  | 'unchanged'
  | 'modified'
  | 'remoteModified'
  | 'conflict'
  | 'added'
  | 'deleted'
  | 'remoteAdded'
  | 'remoteDeleted'
  | 'gone'
  | 'invalid';

export type ConflictKind = 'bothChanged' | 'deletedHere' | 'deletedThere';

export interface SideView {
  /** The side is gone (files deleted / item deleted in Ongage). */
  missing: boolean;
  /** Content hash, when known. */
  hash?: string;
}

/** The decision for one tracked item. Pure. */
export function decide(base: { hash: string; modified: string | null }, local: SideView & { invalid?: boolean }, remote: SideView & { modified?: string | null }): { state: SyncState; conflict?: ConflictKind } {
  if (local.missing && remote.missing) return { state: 'gone' };
  if (local.invalid) return { state: 'invalid' };
  const localChanged = local.missing || local.hash !== base.hash;
  const remoteChanged = remote.missing || (remote.hash !== undefined ? remote.hash !== base.hash : (remote.modified ?? null) !== base.modified);
  if (local.missing) return remoteChanged ? { state: 'conflict', conflict: 'deletedHere' } : { state: 'deleted' };
  if (remote.missing) return localChanged ? { state: 'conflict', conflict: 'deletedThere' } : { state: 'remoteDeleted' };
  if (!localChanged && !remoteChanged) return { state: 'unchanged' };
  if (localChanged && !remoteChanged) return { state: 'modified' };
  if (!localChanged && remoteChanged) return { state: 'remoteModified' };
  if (remote.hash !== undefined && remote.hash === local.hash) return { state: 'unchanged' };
  return { state: 'conflict', conflict: 'bothChanged' };
}

export interface SyncEntry {
  state: SyncState;
  conflict?: ConflictKind;
  /** Ongage's id; absent for `added`. */
  id?: number;
  type: SyncItemType;
  /** The item's name (Ongage's, or the new item's). */
  name: string;
  /** Where its files are (or, for remoteAdded, will be once pulled: decided at pull time, so absent). */
  files?: PartPaths;
  base?: ManifestItem;
  /** The workspace's parts, when they could be read. */
  local?: EmailParts;
  localHash?: string;
  /** Ongage's item now (with content when the listing or a read gave it). */
  remote?: Email;
  remoteHash?: string;
  /** For added items: where in the workspace, and which files exist. */
  added?: NewLocalItem;
  problems?: Array<SettingsProblem & { file: string }>;
}

export interface SyncStatus {
  manifest: Manifest;
  entries: SyncEntry[];
  /** Ongage's whole list as read for this status (for pulls that follow). */
  remote: RemoteSnapshot;
  /** Every path in the workspace (names a pull must not take). */
  paths: string[];
  /** The parts as last pulled or pushed, per id, where the local base file has them. */
  bases: Map<number, EmailParts>;
}

export interface RemoteSnapshot {
  byId: Map<number, Email>;
  /** Items (folders, emails, templates) under the pulled root, by id. */
  under: Set<number>;
  /** Requests made for it: listing pages are not counted here; content reads are. */
  contentReads: number;
}

/** The items under `rootId` (0 = the whole list): walks parents, so an item whose chain does not reach it is outside. */
export function subtreeIds(byId: Map<number, Email>, rootId: number): Set<number> {
  const memo = new Map<number, boolean>();
  const inside = (id: number): boolean => {
    const seen: number[] = [];
    let cur: number | undefined = id;
    let ans = false;
    while (cur !== undefined) {
      const m = memo.get(cur);
      if (m !== undefined) {
        ans = m;
        break;
      }
      seen.push(cur);
      const e = byId.get(cur);
      if (!e) break;
      const p = e.parentId || 0;
      if (p === rootId) {
        ans = true;
        break;
      }
      if (p === 0 || seen.includes(p)) break;
      cur = p;
    }
    for (const s of seen) memo.set(s, ans);
    return ans;
  };
  const out = new Set<number>();
  for (const id of byId.keys()) if (id !== rootId && inside(id)) out.add(id);
  return out;
}

export function isSyncable(e: Email): e is Email & { type: SyncItemType } {
  return !e.deleted && (e.type === 'email_message' || e.type === 'template');
}

/** Runs `fn` over `xs` with at most `n` at a time. */
export async function pool<T>(xs: readonly T[], n: number, fn: (x: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < xs.length) {
      const i = next++;
      await fn(xs[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, xs.length) }, worker));
}

/**
 * Ongage's side: one whole-library listing of the list (concurrent pages, within the limiter), plus a read of
 * each item whose content the listing left out and that `needContent` asks for.
 */
export async function readRemote(
  client: OngageClient,
  listId: number,
  rootId: number,
  needContent: (e: Email) => boolean,
  opts: {
    signal?: AbortSignal;
    onProgress?: (loaded: number, total?: number) => void;
    /** Each page's items in page order (pages arrive in any order; later ones wait for earlier ones). */
    onItems?: (items: Email[]) => void;
  } = {},
): Promise<RemoteSnapshot> {
  let loaded = 0;
  const early = new Map<number, Email[]>();
  let nextPage = 1;
  const all = await client.listAllEmails(
    { listId },
    {
      listId,
      signal: opts.signal,
      onPage: (p) => {
        loaded += p.items.length;
        opts.onProgress?.(loaded, p.total);
        if (!opts.onItems) return;
        early.set(p.page, p.items);
        while (early.has(nextPage)) {
          const items = early.get(nextPage) as Email[];
          early.delete(nextPage++);
          opts.onItems(items);
        }
      },
    },
  );
  const byId = new Map<number, Email>();
  for (const e of all) if (!e.deleted) byId.set(e.id, e);
  if (rootId !== 0 && !byId.has(rootId)) {
    throw Object.assign(new Error(`Folder ${rootId} is not in list ${listId} any more (deleted or moved to another list).`), { code: 'ROOT_GONE' });
  }
  const under = subtreeIds(byId, rootId);
  const missing = [...under].map((id) => byId.get(id) as Email).filter((e) => isSyncable(e) && e.contentHtml === undefined && needContent(e));
  let contentReads = 0;
  await pool(missing, 10, async (e) => {
    const full = await client.getEmail(e.id, { listId, signal: opts.signal });
    contentReads++;
    byId.set(e.id, full);
  });
  return { byId, under, contentReads };
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);
export { iso as isoOf };

/** The three-way state of every item of a pulled folder. */
export async function computeStatus(client: OngageClient, dir: string, manifest: Manifest, opts: { signal?: AbortSignal } = {}): Promise<SyncStatus> {
  const tracked = new Map(manifest.items.map((i) => [i.id, i]));
  const remote = await readRemote(client, manifest.list, manifest.root.folderId, (e) => {
    const b = tracked.get(e.id);
    return !b || iso(e.modified) !== b.modified;
  }, opts);
  const scan = await scanLocal(dir, manifest);
  return statusFrom(dir, manifest, remote, scan.added, scan.paths);
}

/** The status from what was read (separate from the reading so pulls reuse one listing). */
export async function statusFrom(dir: string, manifest: Manifest, remote: RemoteSnapshot, added: NewLocalItem[], paths: string[]): Promise<SyncStatus> {
  const entries: SyncEntry[] = [];
  const bases = await readBases(dir);
  await inSlices(manifest.items, (b) => {
    const base = bases.get(b.id);
    const local: LocalRead = readTracked(dir, b.files, base?.settings);
    const r = remote.byId.get(b.id);
    const rOk = r && isSyncable(r) && remote.under.has(b.id) ? r : undefined;
    const remoteHash = rOk && rOk.contentHtml !== undefined ? partsHash(partsOf(rOk)) : undefined;
    const d = decide(
      b,
      local.kind === 'ok' ? { missing: false, hash: local.hash } : local.kind === 'missing' ? { missing: true } : { missing: false, invalid: true },
      rOk ? { missing: false, hash: remoteHash, modified: iso(rOk.modified) } : { missing: true },
    );
    entries.push({
      ...d,
      id: b.id,
      type: b.type,
      name: rOk?.name ?? b.name,
      files: b.files,
      base: b,
      local: local.kind === 'ok' ? local.parts : undefined,
      localHash: local.kind === 'ok' ? local.hash : undefined,
      remote: rOk,
      remoteHash,
      problems: local.kind === 'invalid' ? local.problems : undefined,
    });
  });
  await inSlices(added, (a) => {
    const l = readNew(dir, a);
    entries.push({
      state: l.kind === 'ok' ? 'added' : 'invalid',
      type: 'email_message',
      name: l.kind === 'ok' ? l.parts.settings.name : a.stem,
      files: a.files,
      local: l.kind === 'ok' ? l.parts : undefined,
      localHash: l.kind === 'ok' ? l.hash : undefined,
      added: a,
      problems: l.kind === 'invalid' ? l.problems : undefined,
    });
  });
  for (const id of remote.under) {
    const e = remote.byId.get(id) as Email;
    if (!isSyncable(e) || tracked(manifest).has(id)) continue;
    entries.push({ state: 'remoteAdded', id, type: e.type, name: e.name, remote: e, remoteHash: e.contentHtml !== undefined ? partsHash(partsOf(e)) : undefined });
  }
  entries.sort(compareEntries);
  return { manifest, entries, remote, paths, bases };
}

const trackedCache = new WeakMap<Manifest, Set<number>>();
function tracked(m: Manifest): Set<number> {
  let s = trackedCache.get(m);
  if (!s) {
    s = new Set(m.items.map((i) => i.id));
    trackedCache.set(m, s);
  }
  return s;
}

export const STATE_ORDER: Record<SyncState, number> = { conflict: 0, invalid: 1, modified: 2, added: 3, deleted: 4, remoteModified: 5, remoteAdded: 6, remoteDeleted: 7, unchanged: 8, gone: 9 };

export function compareEntries(a: SyncEntry, b: SyncEntry): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || (a.files?.html ?? a.name).localeCompare(b.files?.html ?? b.name) || (a.id ?? 0) - (b.id ?? 0);
}

/** How a state reads in tables and the Source Control view. */
export function stateLabel(e: Pick<SyncEntry, 'state' | 'conflict'>): string {
  switch (e.state) {
    case 'conflict':
      return e.conflict === 'deletedHere' ? 'Conflict (deleted here, changed in Ongage)' : e.conflict === 'deletedThere' ? 'Conflict (changed here, deleted in Ongage)' : 'Conflict (changed on both sides)';
    case 'modified':
      return 'Modified';
    case 'added':
      return 'Added';
    case 'deleted':
      return 'Deleted';
    case 'remoteModified':
      return 'Changed in Ongage';
    case 'remoteAdded':
      return 'New in Ongage';
    case 'remoteDeleted':
      return 'Deleted in Ongage';
    case 'invalid':
      return 'Cannot read';
    case 'gone':
      return 'Deleted on both sides';
    default:
      return 'Unchanged';
  }
}
