/**
 * `.ongage/manifest.json`: what a pulled workspace folder holds and the base of each item's three-way comparison.
 * Per item: id, type, list, connection name (never a credential), the remote `modified` and the content hash
 * (`partsHash`) at the last pull or push, and the relative paths of its three part files. Folders are kept with
 * their paths so new local files land in the right Ongage folder. Keys in a fixed order, items sorted by path, so
 * the file diffs well in git.
 *
 * `.ongage/base.json` keeps each item's parts as last pulled or pushed (for three-way text merges and the settings
 * keys a file leaves out); it is local (`.ongage/.gitignore` leaves it out of git) and optional: everything but
 * merging works without it. One file, not one per item: a 5,000-item pull writes 15,000 files already.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { parseJsonText, writeFileAtomic } from '../files';
import type { EmailParts } from '../library/parts';

export const MANIFEST_DIR = '.ongage';
export const MANIFEST_PATH = '.ongage/manifest.json';
export const BASE_PATH = '.ongage/base.json';
export const MANIFEST_VERSION = 1;

export type SyncItemType = 'email_message' | 'template';

export interface PartPaths {
  html: string;
  text: string;
  settings: string;
}

export interface ManifestItem {
  id: number;
  type: SyncItemType;
  list: number;
  /** The connection's name as the user knows it (e.g. "Harbor & Pine"), never a credential. */
  connection: string;
  /** The name in Ongage at the last pull or push (the file names stay as first pulled). */
  name: string;
  /** The Ongage folder (0 = the list's root). */
  parentId: number;
  /** Ongage's `modified` at the last pull or push (ISO 8601), null when Ongage gave none. */
  modified: string | null;
  /** `partsHash` of the parts at the last pull or push: the base of the three-way comparison. */
  hash: string;
  /** Relative POSIX paths from the workspace folder. */
  files: PartPaths;
}

export interface ManifestFolder {
  id: number;
  name: string;
  parentId: number;
  /** Relative POSIX path of the directory ('' never: the pulled root itself is `root`). */
  path: string;
}

export interface Manifest {
  version: number;
  connection: string;
  list: number;
  /** What was pulled: a whole list (folderId 0) or one folder and what is under it. */
  root: { folderId: number; name: string };
  /** When the folder was last pulled or pushed (ISO 8601). */
  synced: string;
  folders: ManifestFolder[];
  items: ManifestItem[];
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function manifestPath(dir: string): string {
  return path.join(dir, ...MANIFEST_PATH.split('/'));
}

/** The workspace folder holding a manifest: `start` or the nearest folder above it, or undefined. */
export async function findSyncRoot(start: string): Promise<string | undefined> {
  let cur = path.resolve(start);
  for (;;) {
    try {
      await fsp.access(manifestPath(cur));
      return cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return undefined;
      cur = up;
    }
  }
}

/** Reads the manifest; undefined when the folder has none. Throws ManifestError saying what to fix. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(manifestPath(dir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ManifestError(`Cannot read ${MANIFEST_PATH}: ${(e as Error).message}.`);
  }
  return parseManifest(text);
}

export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = parseJsonText(text);
  } catch (e) {
    throw new ManifestError(`${MANIFEST_PATH} is not valid JSON (${(e as Error).message}). Restore it from git, or pull again into an empty folder.`);
  }
  const bad = (what: string): never => {
    throw new ManifestError(`${MANIFEST_PATH}: ${what}. Restore it from git, or pull again into an empty folder.`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) bad('it must be one JSON object');
  const o = raw as Record<string, unknown>;
  if (o.version !== MANIFEST_VERSION) bad(`version ${JSON.stringify(o.version)} is not known (this version of Ongage Studio reads version ${MANIFEST_VERSION})`);
  const int = (v: unknown, what: string, min = 0): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : bad(`${what} must be a whole number`));
  const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : bad(`${what} must be text`));
  const rel = (v: unknown, what: string): string => {
    const s = str(v, what);
    if (!s || s.startsWith('/') || s.includes('\\') || s.split('/').some((seg) => seg === '..' || seg === '' || seg === '.')) bad(`${what} must be a relative path inside the folder, not ${JSON.stringify(s)}`);
    return s;
  };
  const rootRaw = o.root as Record<string, unknown> | undefined;
  if (!rootRaw || typeof rootRaw !== 'object') bad('"root" is missing');
  const root = { folderId: int(rootRaw!.folderId, 'root.folderId'), name: str(rootRaw!.name ?? '', 'root.name') };
  if (!Array.isArray(o.items)) bad('"items" must be a list');
  if (!Array.isArray(o.folders)) bad('"folders" must be a list');
  const items = (o.items as unknown[]).map((x, i): ManifestItem => {
    const it = (x ?? {}) as Record<string, unknown>;
    const w = `items[${i}]`;
    const type = it.type === 'email_message' || it.type === 'template' ? it.type : bad(`${w}.type must be "email_message" or "template"`);
    const files = (it.files ?? {}) as Record<string, unknown>;
    return {
      id: int(it.id, `${w}.id`, 1),
      type,
      list: int(it.list, `${w}.list`, 1),
      connection: str(it.connection, `${w}.connection`),
      name: str(it.name, `${w}.name`),
      parentId: int(it.parentId, `${w}.parentId`),
      modified: it.modified === null ? null : str(it.modified, `${w}.modified`),
      hash: str(it.hash, `${w}.hash`),
      files: { html: rel(files.html, `${w}.files.html`), text: rel(files.text, `${w}.files.text`), settings: rel(files.settings, `${w}.files.settings`) },
    };
  });
  const folders = (o.folders as unknown[]).map((x, i): ManifestFolder => {
    const f = (x ?? {}) as Record<string, unknown>;
    const w = `folders[${i}]`;
    return { id: int(f.id, `${w}.id`, 1), name: str(f.name, `${w}.name`), parentId: int(f.parentId, `${w}.parentId`), path: rel(f.path, `${w}.path`) };
  });
  const seen = new Set<number>();
  for (const it of items) {
    if (seen.has(it.id)) bad(`item ${it.id} is listed twice`);
    seen.add(it.id);
  }
  return {
    version: MANIFEST_VERSION,
    connection: str(o.connection, 'connection'),
    list: int(o.list, 'list', 1),
    root,
    synced: str(o.synced ?? '', 'synced'),
    folders,
    items,
  };
}

/** The manifest as its file holds it (fixed key order, items and folders sorted by path, final newline). */
export function serializeManifest(m: Manifest): string {
  const items = [...m.items]
    .sort((a, b) => (a.files.html < b.files.html ? -1 : a.files.html > b.files.html ? 1 : a.id - b.id))
    .map((i) => ({ id: i.id, type: i.type, list: i.list, connection: i.connection, name: i.name, parentId: i.parentId, modified: i.modified, hash: i.hash, files: { html: i.files.html, text: i.files.text, settings: i.files.settings } }));
  const folders = [...m.folders].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ id: f.id, name: f.name, parentId: f.parentId, path: f.path }));
  return `${JSON.stringify({ version: MANIFEST_VERSION, connection: m.connection, list: m.list, root: { folderId: m.root.folderId, name: m.root.name }, synced: m.synced, folders, items }, null, 2)}\n`;
}

export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await writeFileAtomic(manifestPath(dir), serializeManifest(m));
  const ignore = path.join(dir, MANIFEST_DIR, '.gitignore');
  try {
    // Made once and then the user's: created only where there is none.
    await writeFileAtomic(ignore, '# What was last pulled, kept for three-way merges; not needed in git.\nbase.json\n', { exclusive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export function basePath(dir: string): string {
  return path.join(dir, ...BASE_PATH.split('/'));
}

/** The parts of each item as last pulled or pushed (empty when the local base file is absent or unreadable). */
export async function readBases(dir: string): Promise<Map<number, EmailParts>> {
  const out = new Map<number, EmailParts>();
  let raw: unknown;
  try {
    raw = parseJsonText(await fsp.readFile(basePath(dir), 'utf8'));
  } catch {
    return out;
  }
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const o = v as EmailParts;
    if (o && typeof o.html === 'string' && typeof o.text === 'string' && o.settings && typeof o.settings === 'object') out.set(Number(k), o);
  }
  return out;
}

/** Writes the bases (one file, whole or not at all). */
export async function writeBases(dir: string, bases: Map<number, EmailParts>): Promise<void> {
  const o: Record<string, EmailParts> = {};
  for (const [id, p] of [...bases].sort((a, b) => a[0] - b[0])) o[id] = p;
  await writeFileAtomic(basePath(dir), JSON.stringify(o));
}
