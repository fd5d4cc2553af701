/**
 * The send log: one JSON line per send in `.ongage/sends.jsonl` of the workspace (when, which email, connection,
 * recipients, mailing id, result). Only the fields of SendRecord are written — never credentials — and a line that
 * cannot be read (a hand edit, a half-written line) is skipped, never fatal. `lastRecordFor` finds the last attempt
 * of the same send, so one that may have gone out is not repeated without asking. Editor-free.
 */
import * as fs from 'fs';
import { appendLine } from '../files';

/** Where the log lives, relative to the workspace folder. */
export const SEND_LOG_PATH = '.ongage/sends.jsonl';

export type SendOutcome = 'sent' | 'failed' | 'maybe-sent';

export interface SendRecord {
  /** ISO time of the attempt. */
  at: string;
  kind: 'test' | 'transactional';
  email: { id?: number; name?: string; file?: string };
  /** The connection's name (or base URL); never a credential. */
  connection: string;
  listId?: number;
  espConnectionId?: number;
  campaignId?: number;
  recipients: string[];
  mailingId?: number;
  result: SendOutcome;
  message?: string;
  fingerprint: string;
}

/**
 * Appends one record (creating the folder when needed). An append, not an atomic rewrite: a rewrite would lose a
 * record another window or terminal appended meanwhile, while one line in one O_APPEND write stays whole; after a
 * line cut short by a crash the record starts on a new line (appendLine), so it is never lost with it.
 */
export async function appendSendLog(file: string, record: SendRecord): Promise<void> {
  await appendLine(file, JSON.stringify(cleanRecord(record)));
}

/** Every readable record of the log, oldest first (none when the file is missing). */
export async function readSendLog(file: string): Promise<SendRecord[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
  const out: SendRecord[] = [];
  for (const line of text.split('\n')) {
    const r = parseRecord(line);
    if (r) out.push(r);
  }
  return out;
}

/** The last record of this send (same fingerprint), or undefined. */
export async function lastRecordFor(file: string, fingerprint: string): Promise<SendRecord | undefined> {
  const all = await readSendLog(file);
  for (let i = all.length - 1; i >= 0; i--) if (all[i].fingerprint === fingerprint) return all[i];
  return undefined;
}

/** When the last attempt of this send may have gone out: what to ask before sending it again. */
export function repeatWarning(last: SendRecord | undefined): string | undefined {
  if (!last || last.result !== 'maybe-sent') return undefined;
  const when = last.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  return `The same send to ${last.recipients.join(', ')} at ${when} may have gone out (it failed without a clear answer). Check whether it arrived before sending it again.`;
}

/** The record with only its known fields, each of the right type. */
function cleanRecord(r: SendRecord): SendRecord {
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const email: SendRecord['email'] = {};
  if (num(r.email?.id) !== undefined) email.id = r.email.id;
  if (typeof r.email?.name === 'string') email.name = r.email.name;
  if (typeof r.email?.file === 'string') email.file = r.email.file;
  const out: SendRecord = {
    at: String(r.at),
    kind: r.kind === 'transactional' ? 'transactional' : 'test',
    email,
    connection: String(r.connection ?? ''),
    recipients: (r.recipients ?? []).map(String),
    result: r.result === 'sent' || r.result === 'failed' ? r.result : 'maybe-sent',
    fingerprint: String(r.fingerprint ?? ''),
  };
  for (const k of ['listId', 'espConnectionId', 'campaignId', 'mailingId'] as const) {
    const v = num(r[k]);
    if (v !== undefined) out[k] = v;
  }
  if (typeof r.message === 'string' && r.message) out.message = r.message;
  // Key order as in the interface, for a readable file.
  return {
    at: out.at,
    kind: out.kind,
    email: out.email,
    connection: out.connection,
    ...(out.listId !== undefined ? { listId: out.listId } : {}),
    ...(out.espConnectionId !== undefined ? { espConnectionId: out.espConnectionId } : {}),
    ...(out.campaignId !== undefined ? { campaignId: out.campaignId } : {}),
    recipients: out.recipients,
    ...(out.mailingId !== undefined ? { mailingId: out.mailingId } : {}),
    result: out.result,
    ...(out.message !== undefined ? { message: out.message } : {}),
    fingerprint: out.fingerprint,
  };
}

function parseRecord(line: string): SendRecord | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.fingerprint !== 'string' || typeof o.at !== 'string' || !Array.isArray(o.recipients)) return undefined;
  if (o.result !== 'sent' && o.result !== 'failed' && o.result !== 'maybe-sent') return undefined;
  return cleanRecord({ ...(o as unknown as SendRecord), email: o.email && typeof o.email === 'object' ? (o.email as SendRecord['email']) : {} });
}
