/**
 * The workspace side of a sync: reading an item's three part files, and finding new local items (an `.html`
 * file the manifest does not know, with its optional `.ongage.txt` and `.ongage.json` beside it). Editor-free.
 */
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

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/**
 * Reads a tracked item's files. All three gone: `missing` (deleted here). One or two gone, or settings that do not
 * parse: `invalid`, with what to fix (nothing is pushed from half an item).
 */
export async function readTracked(dir: string, files: PartPaths, baseSettings?: EmailSettings): Promise<LocalRead> {
  const [html, text, settings] = await Promise.all([readText(absPath(dir, files.html)), readText(absPath(dir, files.text)), readText(absPath(dir, files.settings))]);
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
export async function readNew(dir: string, item: NewLocalItem): Promise<LocalRead> {
  const html = (await readText(absPath(dir, item.files.html))) ?? '';
  const text = item.present.text ? await readText(absPath(dir, item.files.text)) : undefined;
  let settings = emptySettings(item.stem);
  if (item.present.settings) {
    const raw = (await readText(absPath(dir, item.files.settings))) ?? '';
    const parsed = parseSettings(raw, emptySettings(item.stem));
    if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems.map((p) => ({ ...p, file: item.files.settings })) };
    settings = parsed.settings;
  }
  const parts: EmailParts = { html, text: text ?? htmlToText(html), settings };
  return { kind: 'ok', parts, hash: partsHash(parts) };
}
