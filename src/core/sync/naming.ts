/**
 * File and folder names for library items in a pulled workspace folder: safe on Windows, macOS and Linux, unique
 * within their folder (also when the file system ignores case), and stable (an item keeps its name once pulled;
 * the manifest remembers it). Editor-free.
 *
 * - `/ \ : * ? " < > |` and control characters become `-`; emoji and other letters are kept (NFC-normalized).
 * - Leading spaces, trailing dots and spaces are removed (Windows drops them silently).
 * - Windows' reserved device names (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, also with an extension) get a `_`.
 * - Long names are shortened to at most {@link MAX_NAME_BYTES} UTF-8 bytes, cut between characters, ending in `…`.
 * - A name already taken in the folder gets the item's id: `Welcome (2031)`.
 */
import { PART_SUFFIX } from '../library/parts';

/** The longest base name, in UTF-8 bytes; leaves room for ` (<id>)` and `.ongage.json` within 255. */
export const MAX_NAME_BYTES = 120;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** The name, made safe as one path segment (never empty, never `.` or `..`). */
export function safeName(name: string, fallback = 'untitled'): string {
  let s = name.normalize('NFC');
  s = s.replace(/[\t\n\r\v\f]+/g, ' ');
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '-');
  s = s.replace(/^\s+/, '').replace(/[\s.]+$/, '');
  if (s === '' || /^\.+$/.test(s)) s = fallback;
  if (RESERVED.test(s)) s = `${s}_`;
  if (Buffer.byteLength(s, 'utf8') > MAX_NAME_BYTES) s = shorten(s, MAX_NAME_BYTES);
  return s;
}

/** Cuts to at most `maxBytes` UTF-8 bytes between whole characters (never half an emoji), ending in `…`. */
export function shorten(s: string, maxBytes: number): string {
  const ell = '…';
  const budget = maxBytes - Buffer.byteLength(ell, 'utf8');
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > budget) break;
    out += ch;
    bytes += b;
  }
  // A zero-width joiner or variation selector left dangling would break the last emoji.
  out = out.replace(/[\u200d\ufe0f]+$/, '').replace(/[\s.]+$/, '');
  return `${out}${ell}`;
}

/** Case- and normalization-insensitive key, as Windows and macOS compare names. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * The names taken in each folder of a workspace: item stems (each stands for its three part files) and folder
 * names. `claimItem`/`claimFolder` give a free name, adding the item's id when the plain name is taken.
 */
export class NameRegistry {
  private readonly taken = new Map<string, Set<string>>();

  private set(dir: string): Set<string> {
    let s = this.taken.get(dir);
    if (!s) {
      s = new Set();
      this.taken.set(dir, s);
    }
    return s;
  }

  /** Marks a relative path (POSIX, e.g. `Promos/summer.html`) as used. */
  reservePath(relPath: string): void {
    const i = relPath.lastIndexOf('/');
    this.set(i < 0 ? '' : relPath.slice(0, i)).add(nameKey(i < 0 ? relPath : relPath.slice(i + 1)));
  }

  isFree(dir: string, fileName: string): boolean {
    return !this.set(dir).has(nameKey(fileName));
  }

  private stemFree(dir: string, stem: string): boolean {
    return Object.values(PART_SUFFIX).every((suf) => this.isFree(dir, stem + suf));
  }

  /** A stem for an item in `dir` (`''` = the workspace root), free for all three part files; reserves them. */
  claimItem(dir: string, name: string, id: number | string): string {
    const base = safeName(name);
    let stem = base;
    if (!this.stemFree(dir, stem)) {
      stem = `${base} (${id})`;
      for (let n = 2; !this.stemFree(dir, stem); n++) stem = `${base} (${id}-${n})`;
    }
    for (const suf of Object.values(PART_SUFFIX)) this.set(dir).add(nameKey(stem + suf));
    return stem;
  }

  /** A folder name in `dir`, free of other folders and files; reserves it. */
  claimFolder(dir: string, name: string, id: number | string): string {
    const base = safeName(name);
    let out = base;
    if (!this.isFree(dir, out)) {
      out = `${base} (${id})`;
      for (let n = 2; !this.isFree(dir, out); n++) out = `${base} (${id}-${n})`;
    }
    this.set(dir).add(nameKey(out));
    return out;
  }
}

/** `a/b` joined POSIX-style, `''` meaning the root. */
export function joinRel(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** The three part files of an item stem in `dir`. */
export function partFiles(dir: string, stem: string): { html: string; text: string; settings: string } {
  return { html: joinRel(dir, stem + PART_SUFFIX.html), text: joinRel(dir, stem + PART_SUFFIX.text), settings: joinRel(dir, stem + PART_SUFFIX.settings) };
}
