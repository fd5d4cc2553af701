/**
 * Turns `lint`'s arguments (files, folders, globs) into a sorted list of files. Globs use fast-glob; an argument
 * that names an existing file is taken as it is, even when its name has glob characters.
 */
import * as fs from 'fs';
import * as path from 'path';
import fg from 'fast-glob';
import { isSameFile } from '../core/files';
import { CliError } from './io';
import { LINTABLE_EXTENSIONS, isLintable } from './kinds';

export interface FoundFile {
  /** As shown in output: relative to the working folder when inside it, forward slashes. */
  display: string;
  absolute: string;
  /** Named on the command line (not found by a glob or in a folder). */
  explicit: boolean;
}

const IGNORE = ['**/node_modules/**', '**/.git/**'];
const EXT_GLOB = `**/*.{${LINTABLE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;

export function displayPath(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
  return shown.split(path.sep).join('/');
}

/**
 * Expands the arguments. A folder means every lintable file under it; a glob keeps only lintable files
 * (unless `anyExtension`, when --kind says what they are). Throws a CliError for an argument that matches nothing.
 */
export async function findFiles(args: readonly string[], cwd: string, anyExtension = false): Promise<FoundFile[]> {
  if (args.length === 0) throw new CliError('Name the templates to check, e.g. `ongage-studio lint "templates/**/*.html"`.');
  const byPath = new Map<string, FoundFile>();
  const add = (absolute: string, explicit: boolean): void => {
    const prev = byPath.get(absolute);
    if (!prev || (explicit && !prev.explicit)) byPath.set(absolute, { absolute, display: displayPath(absolute, cwd), explicit });
  };
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.stat(absolute);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new CliError(`${arg}: cannot be read (${code ?? String(e)}); check its permissions.`);
    }
    if (stat?.isFile()) {
      add(absolute, true);
      continue;
    }
    let pattern: string;
    let what: string;
    if (stat?.isDirectory()) {
      pattern = `${fg.convertPathToPattern(absolute)}/${anyExtension ? '**/*' : EXT_GLOB}`;
      what = `folder ${arg}`;
    } else if (fg.isDynamicPattern(arg)) {
      pattern = path.isAbsolute(arg) ? arg : `${fg.convertPathToPattern(cwd)}/${arg.replace(/^\.\//, '')}`;
      what = `"${arg}"`;
    } else {
      throw new CliError(`${arg}: no such file or folder. Check the path (quote globs, e.g. "templates/**/*.html", so the shell leaves them to lint).`);
    }
    let matches: string[];
    try {
      matches = await fg(pattern, { onlyFiles: true, dot: false, absolute: true, ignore: IGNORE, suppressErrors: false, followSymbolicLinks: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`${what}: cannot be searched (${code ?? (e instanceof Error ? e.message : String(e))}); check the pattern and the folders' permissions.`);
    }
    const kept = matches.map((m) => path.normalize(m)).filter((m) => anyExtension || isLintable(m));
    if (kept.length === 0) {
      throw new CliError(
        `${what} matches no template files (${LINTABLE_EXTENSIONS.join(', ')}${matches.length ? `; it matched ${matches.length} other file${matches.length === 1 ? '' : 's'}` : ''}). Check the pattern.`,
      );
    }
    for (const m of kept) add(m, false);
  }
  return [...byPath.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
}

/** Refuses an output that is one of the inputs (however it is named: a relative path, a symbolic link, a hard link). */
export async function refuseOverwritingInput(option: string, output: string, inputs: ReadonlyArray<{ what: string; file: string }>, cwd: string): Promise<void> {
  const out = path.resolve(cwd, output);
  for (const input of inputs) {
    if (await isSameFile(out, path.resolve(cwd, input.file))) {
      throw new CliError(`${option} ${output} is ${input.what} (${input.file}); writing there would overwrite it. Name another output file.`);
    }
  }
}
