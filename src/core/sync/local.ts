/**
 * The workspace side of a sync: reading an item's three part files, and finding new local items (an `.html`
 * file the manifest does not know, with its optional `.ongage.txt` and `.ongage.json` beside it). Editor-free.
 */
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { emptySettings, parseSettings, partsHash, PART_SUFFIX, type EmailParts, type EmailSettings, type SettingsProblem } from '../library/parts';
import { htmlToText } from '../library/text';
import { MANIFEST_DIR, type Manifest, type PartPaths } from './manifest';

export type LocalRead =
  | { kind: 'missing' }
  | { kind: 'ok'; parts: EmailParts; hash: string }
  | { kind: 'invalid'; problems: Array<SettingsProblem & { file: string }> };

export function absPath(dir: string, rel: string): string {
  return path.join(dir, ...rel.split('/'));
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Runs `fn` over `xs` synchronously in slices, yielding to the event loop between them. Many small files are read
 * and written several times faster this way than through the 4-thread pool of fs.promises, and the host stays
 * responsive.
 */
export async function inSlices<T>(xs: readonly T[], fn: (x: T, i: number) => void, slice = 250): Promise<void> {
  for (let i = 0; i < xs.length; i++) {
    fn(xs[i], i);
    if (i % slice === slice - 1) await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Reads a tracked item's files (synchronously: see inSlices). All three gone: `missing` (deleted here). One or two
 * gone, or settings that do not parse: `invalid`, with what to fix (nothing is pushed from half an item).
 */
export function readTracked(dir: string, files: PartPaths, baseSettings?: EmailSettings): LocalRead {
  const html = readText(absPath(dir, files.html));
  const text = readText(absPath(dir, files.text));
  const settings = readText(absPath(dir, files.settings));
  if (html === undefined && text === undefined && settings === undefined) return { kind: 'missing' };
  const problems: Array<SettingsProblem & { file: string }> = [];
  for (const [f, v] of [[files.html, html], [files.text, text], [files.settings, settings]] as const) {
    if (v === undefined) problems.push({ file: f, message: `${f} is missing. Restore it (e.g. from git), or delete the item's other files too to delete the item.` });
  }
  if (problems.length) return { kind: 'invalid', problems };
  const parsed = parseSettings(settings as string, baseSettings);
  if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems.map((p) => ({ ...p, file: files.settings })) };
  const parts: EmailParts = { html: html as string, text: text as string, settings: parsed.settings };
  return { kind: 'ok', parts, hash: partsHash(parts) };
}

export interface NewLocalItem {
  /** The directory it is in, relative ('' = the workspace folder). */
  dir: string;
  stem: string;
  files: PartPaths;
  /** Which of the files exist (the HTML always does). */
  present: { text: boolean; settings: boolean };
}

export interface LocalScan {
  /** Every file and directory path under the folder (relative, POSIX), outside `.ongage` and hidden folders. */
  paths: string[];
  added: NewLocalItem[];
}

const SKIP_DIRS = new Set(['node_modules', MANIFEST_DIR]);

/** Walks the folder for files; the `.html` files the manifest does not track are new items. */
export async function scanLocal(dir: string, manifest: Manifest | undefined): Promise<LocalScan> {
  const tracked = new Set<string>();
  for (const it of manifest?.items ?? []) for (const f of Object.values(it.files)) tracked.add(f);
  const paths: string[] = [];
  const files = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    let entries: import('fs').Dirent[];
    try {
      entries = await fsp.readdir(rel ? absPath(dir, rel) : dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const subs: Promise<void>[] = [];
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
        paths.push(r);
        subs.push(walk(r));
      } else if (e.isFile()) {
        paths.push(r);
        files.add(r);
      }
    }
    await Promise.all(subs);
  };
  await walk('');
  const added: NewLocalItem[] = [];
  for (const f of files) {
    if (tracked.has(f) || !f.toLowerCase().endsWith(PART_SUFFIX.html)) continue;
    const i = f.lastIndexOf('/');
    const d = i < 0 ? '' : f.slice(0, i);
    const stem = f.slice(i + 1, f.length - PART_SUFFIX.html.length);
    const text = f.slice(0, f.length - PART_SUFFIX.html.length) + PART_SUFFIX.text;
    const settings = f.slice(0, f.length - PART_SUFFIX.html.length) + PART_SUFFIX.settings;
    added.push({ dir: d, stem, files: { html: f, text, settings }, present: { text: files.has(text) && !tracked.has(text), settings: files.has(settings) && !tracked.has(settings) } });
  }
  added.sort((a, b) => (a.files.html < b.files.html ? -1 : 1));
  paths.sort();
  return { paths, added };
}

/**
 * The parts of a new local item: its HTML; its text file, or text made from the HTML; its settings file, or a
 * name from the file name.
 */
export function readNew(dir: string, item: NewLocalItem): LocalRead {
  const html = readText(absPath(dir, item.files.html)) ?? '';
  const text = item.present.text ? readText(absPath(dir, item.files.text)) : undefined;
  let settings = emptySettings(item.stem);
  if (item.present.settings) {
    const raw = readText(absPath(dir, item.files.settings)) ?? '';
    const parsed = parseSettings(raw, emptySettings(item.stem));
    if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems.map((p) => ({ ...p, file: item.files.settings })) };
    settings = parsed.settings;
  }
  const parts: EmailParts = { html, text: text ?? htmlToText(html), settings };
  return { kind: 'ok', parts, hash: partsHash(parts) };
}
