/**
 * The one way files are written and JSON files are read, by the command line and the extension alike. Editor-free.
 *
 * - `writeFileAtomic` / `writeFileAtomicSync`: the file is whole or untouched. The text goes to a temporary file in
 *   the same folder (optionally fsynced), which is then renamed over the target, so a crash, a full disk or a
 *   second writer never leaves half a file, and a reader sees the old or the new content. A symbolic link keeps
 *   pointing where it did (its target is replaced) and an existing file keeps its permissions. `exclusive` creates
 *   the file only when it is not there yet (`EEXIST` otherwise), still whole or not at all.
 * - `appendLine`: a log is appended to, never rewritten (a rewrite would drop a line another process appended
 *   meanwhile): one line in one `O_APPEND` write, after a newline when the last line was cut short.
 * - `readJsonFile` / `parseJsonText`: JSON with or without a byte order mark (Notepad writes one; VS Code drops it).
 * - `isSameFile`: whether two paths name one file (symbolic links, `..`, hard links), to refuse writing over an input.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface AtomicWriteOptions {
  /** Flush the data to the disk before the rename (slower; for files that must survive a power cut). */
  fsync?: boolean;
  /** Create the file only if it does not exist; an existing one is left alone and the call fails with EEXIST. */
  exclusive?: boolean;
  /** Create the folder first (default true). */
  mkdir?: boolean;
}

type Data = string | Uint8Array;

/**
 * The synchronous write, written against the `fs` and `path` it is given and nothing else, so that a worker thread
 * started from source (src/core/sync/writer.ts) runs this very function (`ATOMIC_WRITE_SYNC_SOURCE`).
 */
function atomicWriteSync(fsm: typeof fs, pathm: typeof path, file: string, data: Data, opts: AtomicWriteOptions | undefined): void {
  let target = file;
  let mode: number | undefined;
  try {
    target = fsm.realpathSync(file);
    mode = fsm.statSync(target).mode & 0o7777;
    if (opts && opts.exclusive) {
      const e = new Error(`EEXIST: file already exists, open '${file}'`) as NodeJS.ErrnoException;
      e.code = 'EEXIST';
      throw e;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const dir = pathm.dirname(target);
  if (!opts || opts.mkdir !== false) fsm.mkdirSync(dir, { recursive: true });
  const tmp = pathm.join(dir, `.${pathm.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const fd = fsm.openSync(tmp, 'wx', mode === undefined ? 0o666 : mode);
  try {
    try {
      if (mode !== undefined) fsm.fchmodSync(fd, mode);
      fsm.writeFileSync(fd, data);
      if (opts && opts.fsync) fsm.fsyncSync(fd);
    } finally {
      fsm.closeSync(fd);
    }
    if (opts && opts.exclusive) {
      // A hard link fails when the name exists, so the file appears whole and only if no one else made it.
      try {
        fsm.linkSync(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
        // No hard links on this file system: exclusive creation, then the content.
        fsm.writeFileSync(target, data, { flag: 'wx' });
      }
      fsm.rmSync(tmp, { force: true });
    } else {
      fsm.renameSync(tmp, target);
    }
  } catch (e) {
    fsm.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Source of a function `atomicWriteSync(fs, path, file, data, opts)` for threads started from a string. */
export const ATOMIC_WRITE_SYNC_SOURCE: string = atomicWriteSync.toString();

/** Writes `file` whole or not at all (see the module comment). */
export function writeFileAtomicSync(file: string, data: Data, opts?: AtomicWriteOptions): void {
  atomicWriteSync(fs, path, file, data, opts);
}

/** Writes `file` whole or not at all (see the module comment). */
export async function writeFileAtomic(file: string, data: Data, opts?: AtomicWriteOptions): Promise<void> {
  const fsp = fs.promises;
  let target = file;
  let mode: number | undefined;
  try {
    target = await fsp.realpath(file);
    mode = (await fsp.stat(target)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (opts?.exclusive && mode !== undefined) {
    throw Object.assign(new Error(`EEXIST: file already exists, open '${file}'`), { code: 'EEXIST' });
  }
  const dir = path.dirname(target);
  if (opts?.mkdir !== false) await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  const handle = await fsp.open(tmp, 'wx', mode ?? 0o666);
  try {
    try {
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(data);
      if (opts?.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    if (opts?.exclusive) {
      try {
        await fsp.link(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
        await fsp.writeFile(target, data, { flag: 'wx' });
      }
      await fsp.rm(tmp, { force: true });
    } else {
      await fsp.rename(tmp, target);
    }
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Appends one line (a newline is added) in a single write, so lines of concurrent writers never interleave. When
 * the file's last line was cut short (a crash mid-write), the new line starts on a line of its own.
 */
export async function appendLine(file: string, line: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.promises.open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) lead = '\n';
    }
    await handle.write(`${lead}${line}\n`);
  } finally {
    await handle.close();
  }
}

/** The text without a leading byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON.parse for the text of a file: a byte order mark before the JSON is accepted (editors accept it too). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(stripBom(text));
}

/** Reads a UTF-8 text file without its byte order mark. */
export async function readTextFile(file: string): Promise<string> {
  return stripBom(await fs.promises.readFile(file, 'utf8'));
}

/** Reads and parses a JSON file (BOM accepted). File errors keep their `code`; bad JSON throws a SyntaxError. */
export async function readJsonFile(file: string): Promise<unknown> {
  return JSON.parse(await readTextFile(file));
}

/** Whether both paths exist and are one file (through symbolic links, relative paths and hard links). */
export async function isSameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([fs.promises.stat(a), fs.promises.stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
