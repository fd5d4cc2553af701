/** Runs the command line in-process with captured output (no terminal, no colour unless asked). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CliIO } from '../../../src/cli/io';
import { run } from '../../../src/cli/program';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/lint');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: { write: (s) => void (stdout += s), isTTY: opts.tty === true },
    err: { write: (s) => void (stderr += s), isTTY: opts.tty === true },
    env: opts.env ?? {},
    cwd: opts.cwd ?? FIXTURES,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix = 'ongage-cli-'): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Writes files (relative path → content) under a folder. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
