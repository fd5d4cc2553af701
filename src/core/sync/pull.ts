/**
 * Pull: a list's library (or one folder of it) written as files into a workspace folder that mirrors Ongage's
 * folders, and `.ongage/manifest.json` recording the base of each item. Editor-free.
 *
 * One whole-library listing gives the structure and, where Ongage includes it, the content; items whose content
 * the listing left out are read one by one within the limiter. A pull into a folder pulled before is a three-way
 * update: items changed only in Ongage are rewritten, items changed here are left alone, and an item changed on
 * both sides is replaced only when the caller's `overwrite` says so for that item (the default keeps the file).
 */
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { OngageClient } from '../api/client';
import type { Email } from '../api/types';
import { partsHash, partsOf, serializeSettings, type EmailParts } from '../library/parts';
import { absPath, inSlices, scanLocal } from './local';
import { writeFileAtomicSync } from '../files';
import { FileWriter, type FileBatch } from './writer';
import { readManifest, writeBases, writeManifest, MANIFEST_VERSION, type Manifest, type ManifestFolder, type ManifestItem, type PartPaths } from './manifest';
import { NameRegistry, joinRel, partFiles } from './naming';
import { isoOf, isSyncable, readRemote, statusFrom, type SyncEntry, type SyncStatus } from './state';

export class SyncError extends Error {
  override readonly name = 'SyncError';
}

export interface PullOptions {
  client: OngageClient;
  /** The workspace folder to write into (created when missing). */
  dir: string;
  listId: number;
  /** Pull one folder and what is under it instead of the whole list (0 or absent = the whole list). */
  folderId?: number;
  /** The connection's name, recorded in the manifest (never a credential). */
  connectionName: string;
  /**
   * Asked once with every item changed on both sides (and items deleted on one side and changed on the other):
   * the ids whose local files may be replaced by Ongage's version. Absent: keep every local change.
   */
  overwrite?: (conflicts: SyncEntry[]) => Promise<Iterable<number>> | Iterable<number>;
  /** Pull only these items (ids); the rest of the folder stays as it is. */
  only?: Iterable<number>;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface PullResult {
  dir: string;
  manifest: Manifest;
  /** Items written for the first time. */
  added: SyncEntry[];
  /** Items rewritten with Ongage's newer version. */
  updated: SyncEntry[];
  /** Items deleted in Ongage whose (unchanged) local files were removed. */
  removed: SyncEntry[];
  /** Conflicts left as they are (the local files kept). */
  kept: SyncEntry[];
  /** Local changes not yet pushed, left alone. */
  localChanges: SyncEntry[];
  /** Items read one by one because the listing left their content out. */
  contentReads: number;
  status: SyncStatus;
}

/** Writes an item's three part files (synchronously: run many through inSlices). */
export function writeParts(dir: string, files: PartPaths, parts: EmailParts): void {
  writeFileAtomicSync(absPath(dir, files.html), parts.html);
  writeFileAtomicSync(absPath(dir, files.text), parts.text);
  writeFileAtomicSync(absPath(dir, files.settings), serializeSettings(parts.settings));
}

export function removeParts(dir: string, files: PartPaths): void {
  for (const f of Object.values(files)) fs.rmSync(absPath(dir, f), { force: true });
}

export function manifestItemOf(e: Email & { type: ManifestItem['type'] }, m: Pick<Manifest, 'list' | 'connection'>, files: PartPaths, parts: EmailParts, hash = partsHash(parts)): ManifestItem {
  return { id: e.id, type: e.type, list: e.listId ?? m.list, connection: m.connection, name: e.name, parentId: e.parentId || 0, modified: isoOf(e.modified), hash, files };
}

export async function pullToFolder(o: PullOptions): Promise<PullResult> {
  const dir = path.resolve(o.dir);
  const rootId = o.folderId ?? 0;
  const existing = await readManifest(dir);
  if (existing && (existing.list !== o.listId || existing.root.folderId !== rootId)) {
    const was = existing.root.folderId ? `folder ${existing.root.folderId} ("${existing.root.name}") of list ${existing.list}` : `list ${existing.list}`;
    throw new SyncError(`${dir} already holds ${was} (its .ongage/manifest.json says so). Pull that again, or choose an empty folder for ${rootId ? `folder ${rootId}` : `list ${o.listId}`}.`);
  }
  await fsp.mkdir(dir, { recursive: true });
  const tracked = new Map((existing?.items ?? []).map((i) => [i.id, i]));
  const scan = await scanLocal(dir, existing);

  // Names: everything on disk and in the manifest is taken. New items take names in the order Ongage lists them
  // (the first keeps the plain name); an item keeps its names once pulled.
  const names = new NameRegistry();
  for (const p of scan.paths) names.reservePath(p);
  for (const it of existing?.items ?? []) for (const f of Object.values(it.files)) names.reservePath(f);
  for (const f of existing?.folders ?? []) names.reservePath(f.path);
  const folderPath = new Map<number, string>([[rootId, '']]);
  for (const f of existing?.folders ?? []) folderPath.set(f.id, f.path);
  let lookup: (id: number) => Email | undefined;
  const seen = new Map<number, Email>();
  lookup = (id) => seen.get(id);
  /** The folder's path, claiming names for folders met for the first time; undefined when not (yet) under the root. */
  const pathOf = (id: number, guard = 0): string | undefined => {
    const known = folderPath.get(id);
    if (known !== undefined) return known;
    const f = lookup(id);
    if (!f || f.type !== 'folder' || f.deleted || guard > 64 || id === 0) return undefined;
    const parent = pathOf(f.parentId || 0, guard + 1);
    if (parent === undefined) return undefined;
    const p = joinRel(parent, names.claimFolder(parent, f.name, f.id));
    folderPath.set(id, p);
    return p;
  };

  // New items are written while the rest of the listing is still arriving, on a worker thread.
  const writer = new FileWriter();
  const streamed = new Map<number, { files: PartPaths; parts: EmailParts; remote: Email & { type: ManifestItem['type'] } }>();
  const batchOf = (files: PartPaths, parts: EmailParts): FileBatch => [
    [absPath(dir, files.html), parts.html],
    [absPath(dir, files.text), parts.text],
    [absPath(dir, files.settings), serializeSettings(parts.settings)],
  ];
  const stream = !o.only;
  const onItems = (items: Email[]): void => {
    const batch: FileBatch = [];
    for (const e of items) {
      if (seen.has(e.id)) continue;
      seen.set(e.id, e);
      if (!stream || !isSyncable(e) || tracked.has(e.id) || e.contentHtml === undefined) continue;
      const d = pathOf(e.parentId || 0);
      if (d === undefined) continue;
      const files = partFiles(d, names.claimItem(d, e.name, e.id));
      const parts = partsOf(e);
      streamed.set(e.id, { files, parts, remote: e });
      batch.push(...batchOf(files, parts));
    }
    writer.write(batch);
  };

  try {
    o.onProgress?.('Reading the library…');
    let remote;
    try {
      remote = await readRemote(o.client, o.listId, rootId, (e) => !tracked.has(e.id) || isoOf(e.modified) !== tracked.get(e.id)?.modified, {
        signal: o.signal,
        onProgress: (n, total) => o.onProgress?.(`Reading the library… ${n}${total !== undefined ? ` of ${total}` : ''} items`),
        onItems,
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'ROOT_GONE') throw new SyncError((e as Error).message);
      throw e;
    }
    const rootEmail = rootId ? remote.byId.get(rootId) : undefined;
    if (rootId && rootEmail?.type !== 'folder') throw new SyncError(`Item ${rootId} of list ${o.listId} is not a folder. Pull its folder, or the whole list.`);
    const byRemote = remote.byId;
    lookup = (id) => byRemote.get(id);

    const manifest: Manifest = existing
      ? { ...existing, items: [...existing.items], folders: [...existing.folders] }
      : { version: MANIFEST_VERSION, connection: o.connectionName, list: o.listId, root: { folderId: rootId, name: rootEmail?.name ?? '' }, synced: '', folders: [], items: [] };
    manifest.connection = o.connectionName;
    if (rootEmail) manifest.root = { folderId: rootId, name: rootEmail.name };

    const status = await statusFrom(dir, manifest, remote, scan.added, scan.paths);

    // Folders: known ones keep their path; new ones get a safe, unique name under their parent's.
    for (const f of manifest.folders) if (!remote.under.has(f.id)) folderPath.delete(f.id);
    const remoteFolders = [...remote.under].map((id) => remote.byId.get(id) as Email).filter((e) => e.type === 'folder');
    for (const f of remoteFolders.sort((a, b) => a.id - b.id)) pathOf(f.id);
    manifest.folders = remoteFolders.map((f): ManifestFolder => ({ id: f.id, name: f.name, parentId: f.parentId || 0, path: folderPath.get(f.id) as string }));

    const only = o.only ? new Set(o.only) : undefined;
    const wanted = (e: SyncEntry): boolean => !only || (e.id !== undefined && only.has(e.id));
    const conflicts = status.entries.filter((e) => e.state === 'conflict' && wanted(e));
    const overwrite = new Set(conflicts.length && o.overwrite ? await o.overwrite(conflicts) : []);

    const result: PullResult = { dir, manifest, added: [], updated: [], removed: [], kept: [], localChanges: [], contentReads: remote.contentReads, status };
    const byId = new Map(manifest.items.map((i) => [i.id, i]));
    const writes: Array<{ files: PartPaths; parts: EmailParts; remote: Email & { type: ManifestItem['type'] }; done?: boolean; hash?: string }> = [];
    const removals: SyncEntry[] = [];
    const fresh: Array<{ e: SyncEntry; r: Email & { type: ManifestItem['type'] } }> = [];
    for (const e of status.entries) {
      if (!wanted(e)) continue;
      const r = e.remote && isSyncable(e.remote) ? e.remote : undefined;
      switch (e.state) {
        case 'remoteAdded':
          if (r) fresh.push({ e, r });
          break;
        case 'remoteModified':
          if (r && e.files) {
            writes.push({ files: e.files, parts: partsOf(r), remote: r });
            result.updated.push(e);
          }
          break;
        case 'remoteDeleted':
        case 'gone':
          removals.push(e);
          if (e.state === 'remoteDeleted') result.removed.push(e);
          break;
        case 'unchanged':
          // Same content on both sides: the base follows (Ongage's modified may have moved without a change).
          if (r && e.id !== undefined && e.remoteHash !== undefined) {
            const b = byId.get(e.id);
            if (b) byId.set(e.id, { ...b, name: r.name, parentId: r.parentId || 0, modified: isoOf(r.modified), hash: e.remoteHash });
          }
          break;
        case 'conflict':
          if (e.id !== undefined && overwrite.has(e.id)) {
            if (e.conflict === 'deletedThere') {
              removals.push(e);
              result.removed.push(e);
            } else if (r && e.files) {
              writes.push({ files: e.files, parts: partsOf(r), remote: r });
              result.updated.push(e);
            }
          } else result.kept.push(e);
          break;
        default:
          result.localChanges.push(e);
      }
    }
    // New items not written during the listing (content read separately, folder listed after them), in listing order.
    const order = new Map([...seen.keys()].map((id, i) => [id, i]));
    fresh.sort((a, b) => (order.get(a.r.id) ?? a.r.id) - (order.get(b.r.id) ?? b.r.id));
    for (const { e, r } of fresh) {
      const s = streamed.get(r.id);
      if (s && s.remote === r) {
        writes.push({ ...s, done: true, hash: e.remoteHash });
        result.added.push({ ...e, files: s.files });
        continue;
      }
      const d = pathOf(r.parentId || 0) ?? '';
      const files = s?.files ?? partFiles(d, names.claimItem(d, r.name, r.id));
      writes.push({ files, parts: partsOf(r), remote: r, hash: e.remoteHash });
      result.added.push({ ...e, files });
    }

    o.onProgress?.(`Writing ${writes.length} item${writes.length === 1 ? '' : 's'}…`);
    for (const f of manifest.folders) fs.mkdirSync(absPath(dir, f.path), { recursive: true });
    const bases = status.bases;
    for (let i = 0; i < writes.length; i += 100) {
      const batch: FileBatch = [];
      for (const w of writes.slice(i, i + 100)) {
        if (!w.done) batch.push(...batchOf(w.files, w.parts));
        bases.set(w.remote.id, w.parts);
        byId.set(w.remote.id, manifestItemOf(w.remote, manifest, w.files, w.parts, w.hash));
      }
      writer.write(batch);
    }
    await writer.flush();
    await inSlices(removals, (e) => {
      if (e.files) removeParts(dir, e.files);
      if (e.id !== undefined) {
        bases.delete(e.id);
        byId.delete(e.id);
      }
    });
    for (const id of [...bases.keys()]) if (!byId.has(id)) bases.delete(id);
    await writeBases(dir, bases);
    manifest.items = [...byId.values()];
    manifest.synced = new Date().toISOString();
    await writeManifest(dir, manifest);
    return result;
  } catch (e) {
    // Files written for new items of a pull that did not finish would look like new local items: take them away.
    await writer.flush().catch(() => undefined);
    for (const s of streamed.values()) removeParts(dir, s.files);
    throw e;
  } finally {
    await writer.close();
  }
}

/**
 * Applies a merge the user accepted: the merged parts go into the item's files, and Ongage's version (the other
 * parent of the merge) becomes the base, so the item reads "modified" and a push sends the merge.
 */
export async function applyMerged(dir: string, status: SyncStatus, entry: SyncEntry, merged: EmailParts): Promise<Manifest> {
  const r = entry.remote;
  if (!r || !isSyncable(r) || !entry.files || entry.id === undefined || r.contentHtml === undefined) throw new SyncError(`Ongage's version of "${entry.name}" is not known; refresh and try again.`);
  writeParts(dir, entry.files, merged);
  const m: Manifest = { ...status.manifest, items: status.manifest.items.filter((i) => i.id !== entry.id) };
  m.items.push(manifestItemOf(r, m, entry.files, partsOf(r)));
  status.bases.set(entry.id, partsOf(r));
  m.synced = new Date().toISOString();
  await writeManifest(dir, m);
  await writeBases(dir, status.bases);
  return m;
}
