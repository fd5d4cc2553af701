/**
 * Push: what a workspace folder changed, sent to Ongage. Editor-free.
 *
 * `planPush()` sorts the three-way status into what push would do: update (changed here only), create (new local
 * items), delete (files deleted here), and what it will not do by itself: conflicts, unreadable items, and Ongage's
 * own changes (a pull brings those). `executePush()` does exactly the parts of a plan the caller confirmed:
 *
 * - updates go through `saveItem` (src/core/library/save.ts), which reads Ongage's version first and stops with a
 *   conflict when its `modified` or content hash moved since the base, then sends only the changed fields;
 * - "keep mine" for a conflict saves against the version of Ongage just read, so everything that differs is sent,
 *   and a change made in Ongage after that read is still caught;
 * - creates and deletes happen only for the items named in the call (the caller confirmed each by name).
 *
 * The manifest is written after every create (a retried push must not create twice) and at the end.
 */
import type { OngageClient } from '../api/client';
import { writeFileAtomic } from '../files';
import type { Email } from '../api/types';
import { saveItem } from '../library/save';
import { inputOfParts, partsHash, partsOf, serializeSettings, type EmailParts } from '../library/parts';
import { absPath } from './local';
import { writeBases, writeManifest, type Manifest, type ManifestItem } from './manifest';
import { manifestItemOf } from './pull';
import { type SyncEntry, type SyncStatus } from './state';

/** `saveItem`'s shape (src/core/library/save.ts); tests may hand in a double with the same contract. */
export type SaveItemFn = typeof saveItem;

/** A stable key for an entry: `#<id>` for tracked items, the HTML path for new ones. */
export function entryKey(e: SyncEntry): string {
  return e.id !== undefined ? `#${e.id}` : `+${e.files?.html ?? e.name}`;
}

export interface PushPlan {
  updates: SyncEntry[];
  creates: SyncEntry[];
  deletes: SyncEntry[];
  conflicts: SyncEntry[];
  invalid: SyncEntry[];
  /** Changed in Ongage only (pull gets them); push leaves them alone. */
  remoteOnly: SyncEntry[];
  unchanged: SyncEntry[];
}

/** What push would do with a status, for all entries or the ones whose key (`entryKey`) or HTML path is selected. */
export function planPush(status: SyncStatus, select?: Iterable<string>): PushPlan {
  const only = select ? new Set(select) : undefined;
  const plan: PushPlan = { updates: [], creates: [], deletes: [], conflicts: [], invalid: [], remoteOnly: [], unchanged: [] };
  for (const e of status.entries) {
    if (only && !only.has(entryKey(e)) && !(e.files && only.has(e.files.html))) continue;
    switch (e.state) {
      case 'modified':
        plan.updates.push(e);
        break;
      case 'added':
        plan.creates.push(e);
        break;
      case 'deleted':
        plan.deletes.push(e);
        break;
      case 'conflict':
        plan.conflicts.push(e);
        break;
      case 'invalid':
        plan.invalid.push(e);
        break;
      case 'remoteModified':
      case 'remoteAdded':
      case 'remoteDeleted':
        plan.remoteOnly.push(e);
        break;
      case 'unchanged':
        plan.unchanged.push(e);
        break;
      default:
        break;
    }
  }
  return plan;
}

/** True when the plan changes something in Ongage. */
export function planHasWork(p: PushPlan): boolean {
  return p.updates.length + p.creates.length + p.deletes.length > 0;
}

export interface PushRequest {
  client: OngageClient;
  dir: string;
  status: SyncStatus;
  /** Defaults to `saveItem`. */
  save?: SaveItemFn;
  updates: SyncEntry[];
  /** New local items to create (each confirmed by name). */
  creates: SyncEntry[];
  /** Items deleted here to delete in Ongage (each confirmed by name). */
  deletes: SyncEntry[];
  /** Conflicts resolved "keep mine": the workspace's version replaces Ongage's. */
  keepMine: SyncEntry[];
  /** Send again with `overwrite: true` when Ongage would store a copy (the email belongs to a launched campaign). */
  overwriteLaunched?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface PushResult {
  updated: SyncEntry[];
  created: Array<{ entry: SyncEntry; email: Email }>;
  deleted: SyncEntry[];
  /** Ongage stored a copy under a new id; the workspace now tracks the copy. */
  copied: Array<{ entry: SyncEntry; email: Email; warning?: string }>;
  /** Ongage changed after the status was read: nothing was written for these. */
  conflicts: SyncEntry[];
  failed: Array<{ entry: SyncEntry; error: Error }>;
  manifest: Manifest;
}

export async function executePush(r: PushRequest): Promise<PushResult> {
  const { dir, client } = r;
  const m: Manifest = { ...r.status.manifest, items: [...r.status.manifest.items], folders: [...r.status.manifest.folders] };
  const byId = new Map(m.items.map((i) => [i.id, i]));
  const bases = new Map(r.status.bases);
  const flush = async (): Promise<void> => {
    m.items = [...byId.values()];
    m.synced = new Date().toISOString();
    await writeManifest(dir, m);
    await writeBases(dir, bases);
  };
  const res: PushResult = { updated: [], created: [], deleted: [], copied: [], conflicts: [], failed: [], manifest: m };

  const track = async (entry: SyncEntry, email: Email, parts: EmailParts, replacesId?: number): Promise<void> => {
    if (!entry.files || (email.type !== 'email_message' && email.type !== 'template')) return;
    const item: ManifestItem = manifestItemOf(email as Email & { type: ManifestItem['type'] }, m, entry.files, parts);
    if (replacesId !== undefined && replacesId !== email.id) {
      byId.delete(replacesId);
      bases.delete(replacesId);
    }
    byId.set(email.id, item);
    bases.set(email.id, parts);
  };

  const save = async (e: SyncEntry, mine: boolean): Promise<void> => {
    if (e.id === undefined || !e.local || !e.base) return;
    // Keep mine: against Ongage's version as just read (so everything that differs is sent); else the base.
    const remoteParts = e.remote && e.remote.contentHtml !== undefined ? partsOf(e.remote) : undefined;
    let base: { id: number; listId?: number; modified?: Date; hash: string; parts: EmailParts };
    if (mine) {
      if (!e.remote || !remoteParts) throw new Error(`Ongage's version of "${e.name}" was not read; check the status again.`);
      base = { id: e.id, listId: m.list, modified: e.remote.modified, hash: partsHash(remoteParts), parts: remoteParts };
    } else {
      const parts = bases.get(e.id) ?? (remoteParts && e.remoteHash === e.base.hash ? remoteParts : undefined);
      if (!parts) throw new Error(`The version last pulled of "${e.name}" is not known here; pull again, then push.`);
      base = { id: e.id, listId: m.list, modified: e.base.modified ? new Date(e.base.modified) : undefined, hash: e.base.hash, parts };
    }
    r.onProgress?.(`Saving "${e.name}"…`);
    const out = await (r.save ?? saveItem)(client, base, e.local, { overwriteLaunched: r.overwriteLaunched, signal: r.signal });
    if (out.kind === 'conflict') {
      res.conflicts.push({ ...e, state: 'conflict', conflict: 'bothChanged', remote: out.remote, remoteHash: partsHash(out.remoteParts) });
      return;
    }
    await track(e, out.email, out.parts, e.id);
    if (out.kind === 'copied') res.copied.push({ entry: e, email: out.email, warning: out.warning });
    else res.updated.push(e);
  };

  for (const e of r.updates) {
    try {
      await save(e, false);
    } catch (err) {
      res.failed.push({ entry: e, error: err as Error });
    }
  }
  for (const e of r.keepMine) {
    try {
      if (e.conflict === 'deletedHere') {
        await client.deleteEmail(e.id as number, { listId: m.list, signal: r.signal });
        byId.delete(e.id as number);
        bases.delete(e.id as number);
        res.deleted.push(e);
      } else if (e.conflict === 'deletedThere') {
        await create(e);
      } else await save(e, true);
    } catch (err) {
      res.failed.push({ entry: e, error: err as Error });
    }
  }

  async function folderFor(relDir: string): Promise<number> {
    if (relDir === '') return m.root.folderId;
    const known = m.folders.find((f) => f.path === relDir);
    if (known) return known.id;
    const i = relDir.lastIndexOf('/');
    const parentId = await folderFor(i < 0 ? '' : relDir.slice(0, i));
    const name = relDir.slice(i + 1);
    r.onProgress?.(`Creating the folder "${name}"…`);
    const f = await client.createEmail({ type: 'folder', name, parentId }, { listId: m.list, signal: r.signal });
    m.folders.push({ id: f.id, name: f.name, parentId, path: relDir });
    return f.id;
  }

  async function create(e: SyncEntry): Promise<void> {
    if (!e.local || !e.files) return;
    const relDir = e.files.html.includes('/') ? e.files.html.slice(0, e.files.html.lastIndexOf('/')) : '';
    const parentId = await folderFor(relDir);
    r.onProgress?.(`Creating "${e.local.settings.name}"…`);
    const email = await client.createEmail({ ...inputOfParts(e.local), type: e.type, name: e.local.settings.name, parentId }, { listId: m.list, signal: r.signal });
    const parts = email.contentHtml !== undefined ? partsOf(email) : e.local;
    // The item is whole from now on: its text and settings files are written when they were not there.
    if (e.added && !e.added.present.text) await writeFileAtomic(absPath(dir, e.files.text), parts.text);
    if (e.added && !e.added.present.settings) await writeFileAtomic(absPath(dir, e.files.settings), serializeSettings(parts.settings));
    await track(e, email, parts, e.id);
    res.created.push({ entry: e, email });
    await flush();
  }

  for (const e of r.creates) {
    try {
      await create(e);
    } catch (err) {
      res.failed.push({ entry: e, error: err as Error });
    }
  }
  for (const e of r.deletes) {
    if (e.id === undefined) continue;
    try {
      r.onProgress?.(`Deleting "${e.name}"…`);
      await client.deleteEmail(e.id, { listId: m.list, signal: r.signal });
      byId.delete(e.id);
      bases.delete(e.id);
      res.deleted.push(e);
    } catch (err) {
      res.failed.push({ entry: e, error: err as Error });
    }
  }
  await flush();
  return res;
}
