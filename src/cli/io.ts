/**
 * Where the command line writes and what it knows about its surroundings. Commands never touch `process`
 * directly, so tests run them in-process with captured output, and the real entry point hands in the
 * process's own streams.
 *
 * Conventions: results go to `out` (stdout), progress, notes and errors to `err` (stderr); colour only when the
 * stream is a terminal and `NO_COLOR` is not set (https://no-color.org), or when `FORCE_COLOR` asks for it.
 */

export interface Output {
  write(text: string): void;
  /** True when the stream is a terminal. */
  isTTY?: boolean;
}

/** The terminal's keyboard, for questions (absent or not a terminal in CI: nothing is asked there). */
export interface Input {
  isTTY?: boolean;
  /** Writes the question on stderr and resolves with the answer line (undefined at end of input). */
  ask(question: string): Promise<string | undefined>;
}

export interface CliIO {
  out: Output;
  err: Output;
  in?: Input;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The usage or I/O problem exit code (bad options, missing files, network or credential trouble). */
export const EXIT_OK = 0;
export const EXIT_LINT_ERRORS = 1;
export const EXIT_USAGE = 2;

/** A problem the user can fix; its message says how. Ends the command with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** Whether to colour a stream: never with NO_COLOR (any non-empty value), always with FORCE_COLOR≠0, else on a TTY. */
export function wantsColor(stream: Output, env: CliIO['env'], flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

export interface Style {
  readonly enabled: boolean;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function style(enabled: boolean): Style {
  const id = (s: string) => s;
  return {
    enabled,
    red: enabled ? sgr(31, 39) : id,
    yellow: enabled ? sgr(33, 39) : id,
    green: enabled ? sgr(32, 39) : id,
    blue: enabled ? sgr(34, 39) : id,
    cyan: enabled ? sgr(36, 39) : id,
    dim: enabled ? sgr(2, 22) : id,
    bold: enabled ? sgr(1, 22) : id,
    underline: enabled ? sgr(4, 24) : id,
  };
}

/** Writes one line to a stream. */
export function line(o: Output, text = ''): void {
  o.write(`${text}\n`);
}

/** Whether the user can be asked (a terminal on both ends). */
export function canAsk(io: CliIO): boolean {
  return io.in?.isTTY === true && io.err.isTTY === true;
}

/** Asks a yes/no question; anything but y/yes is no. */
export async function confirm(io: CliIO, question: string): Promise<boolean> {
  const a = await io.in?.ask(`${question} [y/N] `);
  return /^\s*y(es)?\s*$/i.test(a ?? '');
}

// Escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ESC \`, other `ESC x`), then any control character left:
// C0 (tab and newline aside where allowed), DEL, C1, and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*[\u0007\u009c]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that came from elsewhere (Ongage's names, titles, subjects and messages, file contents) made safe to print:
 * escape sequences and control characters are removed, so a name cannot move the cursor, recolour or hide text,
 * retitle the window or write to the clipboard. One line unless `multiline` (tabs and newlines become spaces).
 */
export function terminalSafe(text: string, multiline = false): string {
  const s = String(text).replace(ESCAPES, '').replace(CONTROLS, '');
  return multiline ? s : s.replace(/[\t\n]/g, ' ');
}

/** JSON for a terminal: JSON.stringify escapes C0 controls; this also writes DEL, C1 and bidi overrides as \u escapes (same value). */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
