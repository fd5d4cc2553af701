/**
 * The guard rails every send passes before any request: an allowlist sends refuse to leave (addresses or
 * `@domain`), and a number of recipients above which the sender is asked again. The workspace keeps them in the
 * `sends` section of `.ongage/lint.json` or in `.ongage/sends.json` beside it:
 *
 *   { "sends": { "allowlist": ["@example.com", "qa@agency.io"], "confirmAbove": 5 } }   (.ongage/lint.json)
 *   { "allowlist": ["@example.com"], "confirmAbove": 5 }                                 (.ongage/sends.json)
 *
 * Editor-free: the extension lays its per-connection settings over the same SendGuards.
 */
import { parseJsonText } from '../files';
import * as fs from 'fs';
import * as path from 'path';
import { LINT_CONFIG_PATH } from '../language/config';
import { allowlistViolations, checkAllowlistEntry } from './recipients';

export interface SendGuards {
  /** Addresses or `@domain`s sends may go to; empty or absent allows all. */
  allowlist?: string[];
  /** Ask again when a send has more recipients than this. Default 5. */
  confirmAbove?: number;
  /** Where the allowlist comes from, named in a refusal (e.g. `.ongage/sends.json`). */
  allowlistSource?: string;
}

export const DEFAULT_CONFIRM_ABOVE = 5;

export interface GuardVerdict {
  /** Set when the send must not go: says which addresses are outside the allowlist and what to do. */
  refused?: string;
  /** The addresses outside the allowlist (empty when none). */
  outside: string[];
  /** More recipients than `confirmAbove`: ask before sending. */
  needsConfirmation: boolean;
}

export function checkGuards(addresses: string[], guards: SendGuards | undefined): GuardVerdict {
  const outside = allowlistViolations(addresses, guards?.allowlist);
  const limit = guards?.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  const verdict: GuardVerdict = { outside, needsConfirmation: addresses.length > limit };
  if (outside.length) {
    const from = guards?.allowlistSource ? ` (${guards.allowlistSource})` : '';
    const shown = outside.length > 10 ? `${outside.slice(0, 10).join(', ')} and ${outside.length - 10} more` : outside.join(', ');
    verdict.refused =
      `Not sent: ${outside.length === 1 ? 'this address is' : `${outside.length} addresses are`} outside the sends allowlist${from}: ${shown}. ` +
      `Send to allowed addresses only, or add ${outside.length === 1 ? 'it' : 'them'} (or the @domain) to the allowlist. Allowed: ${guards!.allowlist!.join(', ')}.`;
  }
  return verdict;
}

/** Where the sends settings live, relative to the workspace folder. */
export const SENDS_CONFIG_PATH = '.ongage/sends.json';

export interface SendConfigResult {
  guards: SendGuards;
  /** What is wrong with the file(s), one sentence each, saying what to change. Sends should not go while set. */
  errors: string[];
  /** The file the settings came from, when one had them. */
  source?: string;
  /** The folder holding `.ongage/` (undefined when none was found). */
  root?: string;
}

/** Validates a `sends` object (`{ allowlist, confirmAbove }`). */
export function parseSendConfig(value: unknown, source: string): { guards: SendGuards; errors: string[] } {
  const errors: string[] = [];
  const guards: SendGuards = {};
  if (value === undefined || value === null) return { guards, errors };
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`${source}: the sends settings must be an object like {"allowlist": ["@example.com"], "confirmAbove": 5}.`);
    return { guards, errors };
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'allowlist' && k !== 'confirmAbove' && k !== '$schema') {
      errors.push(`${source}: unknown sends setting "${k}" (expected "allowlist" and "confirmAbove").`);
    }
  }
  if (o.allowlist !== undefined) {
    if (!Array.isArray(o.allowlist)) {
      errors.push(`${source}: "allowlist" must be a list of addresses or @domains, e.g. ["@example.com", "qa@agency.io"].`);
    } else {
      const bad = o.allowlist.map((e) => [e, checkAllowlistEntry(e)] as const).filter(([, p]) => p !== undefined);
      for (const [, p] of bad) errors.push(`${source}: allowlist entry ${p}; write an address (qa@example.com) or a domain (@example.com).`);
      if (!bad.length) guards.allowlist = (o.allowlist as string[]).map((e) => e.trim());
    }
  }
  if (o.confirmAbove !== undefined) {
    if (typeof o.confirmAbove !== 'number' || !Number.isInteger(o.confirmAbove) || o.confirmAbove < 0) {
      errors.push(`${source}: "confirmAbove" must be a whole number of recipients (0 or more), got ${JSON.stringify(o.confirmAbove)}.`);
    } else {
      guards.confirmAbove = o.confirmAbove;
    }
  }
  if (guards.allowlist) guards.allowlistSource = source;
  return { guards, errors };
}

/**
 * The sends settings for a folder: the nearest folder at or above `startDir` holding `.ongage/lint.json` or
 * `.ongage/sends.json` (stopping at a repository root, as the command line finds lint.json), then its `sends`
 * section of lint.json or its sends.json. Both at once is an error (one place decides). A missing file gives
 * no guards beyond the defaults and no errors.
 */
export async function loadSendConfig(startDir: string): Promise<SendConfigResult> {
  const root = findSendsRoot(startDir);
  if (!root) return { guards: {}, errors: [] };
  const lintFile = path.join(root, ...LINT_CONFIG_PATH.split('/'));
  const sendsFile = path.join(root, ...SENDS_CONFIG_PATH.split('/'));
  const errors: string[] = [];
  const read = async (file: string): Promise<{ found: boolean; value?: unknown }> => {
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { found: false };
      errors.push(`${file}: cannot be read (${code ?? String(e)}); check its permissions.`);
      return { found: true };
    }
    try {
      return { found: true, value: parseJsonText(text) };
    } catch (e) {
      errors.push(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}); fix the file.`);
      return { found: true };
    }
  };
  const lint = await read(lintFile);
  const sends = await read(sendsFile);
  let lintSends: unknown;
  if (lint.value !== undefined) {
    if (lint.value && typeof lint.value === 'object' && !Array.isArray(lint.value)) lintSends = (lint.value as Record<string, unknown>).sends;
  }
  if (lintSends !== undefined && sends.value !== undefined) {
    errors.push(`Sends settings are in both ${lintFile} ("sends") and ${sendsFile}; keep them in one of the two.`);
    return { guards: {}, errors, root };
  }
  if (sends.value !== undefined) {
    const r = parseSendConfig(sends.value, sendsFile);
    return { guards: r.guards, errors: [...errors, ...r.errors], source: sendsFile, root };
  }
  if (lintSends !== undefined) {
    const r = parseSendConfig(lintSends, `${lintFile} "sends"`);
    return { guards: r.guards, errors: [...errors, ...r.errors], source: lintFile, root };
  }
  return { guards: {}, errors, root };
}

function findSendsRoot(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    if (fs.existsSync(path.join(dir, ...LINT_CONFIG_PATH.split('/'))) || fs.existsSync(path.join(dir, ...SENDS_CONFIG_PATH.split('/')))) return dir;
    if (fs.existsSync(path.join(dir, '.git'))) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
