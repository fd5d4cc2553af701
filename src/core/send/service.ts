/**
 * Sends as the editor and the command line make them: recipients checked (parseRecipients) and guard rails
 * applied before any request, then one call of the client, never repeated. A failure that leaves open whether mail
 * went out (`isAmbiguous`) is reported as such; `sendFingerprint` names "the same send" so the next attempt of it
 * can ask first (see log.ts, `lastRecordFor`). Editor-free.
 */
import { createHash } from 'crypto';
import { OngageError, isOngageError } from '../api/errors';
import type { OngageClient } from '../api/client';
import type { CampaignStatusName, DynamicFields, Mailing, SendResult } from '../api/types';
import { checkGuards, type SendGuards } from './guards';
import { describeRecipientProblems, parseRecipients } from './recipients';

/** What the send functions need of OngageClient (tests may pass a stand-in). */
export type SendClient = Pick<OngageClient, 'sendTestMailing' | 'sendTransactional' | 'sendTransactionalContent'>;

/** Guard rails the send functions apply themselves when given. */
export interface GuardOptions {
  /** Refuse addresses outside `guards.allowlist`; refuse more than `confirmAbove` recipients unless `confirmed`. */
  guards?: SendGuards;
  /** The sender was asked (more recipients than the threshold, or a repeat after an ambiguous failure). */
  confirmed?: boolean;
  signal?: AbortSignal;
}

export interface SendTestInput extends GuardOptions {
  emailId: number;
  listId?: number;
  /** Addresses as typed: one string with separators, or a list. */
  recipients: string | string[];
  espConnectionId: number;
  /** Put "[TEST]" before the subject. Default true. */
  prependTestToSubject?: boolean;
  /** The test campaign's name in Ongage; default "Test: email <id>". */
  name?: string;
  description?: string;
}

export type PerRecipientFields = Array<{ recipient: string; key_value_collection: DynamicFields }>;

export interface TransactionalOptions extends GuardOptions {
  recipients: string | string[];
  /** The transactional campaign; the list's default one when absent. */
  campaignId?: number;
  sendingConnectionId?: number;
  /** Values for `{{key}}` placeholders, the same for everyone (message_dynamic_fields). */
  fields?: DynamicFields;
  /** Values per recipient, in Ongage's own form (message_dynamic_fields_per_recipient). */
  perRecipient?: PerRecipientFields;
  /** Honour the contact's status (unsubscribed, bounced…). Off by default, as in Ongage. */
  checkStatus?: boolean;
  /** Honour the global and list suppression lists. Off by default, as in Ongage. */
  checkSuppression?: boolean;
  listId?: number;
}

export interface TransactionalStoredInput extends TransactionalOptions {
  /** The library email to send. */
  messageId: number;
}

export interface SendFrom {
  fromName: string;
  fromAddress: string;
  replyAddress: string;
}

export interface TransactionalEmbedInput extends TransactionalOptions {
  subject: string;
  html: string;
  from: SendFrom;
}

export interface PreparedRecipients {
  addresses: string[];
  /** Entries dropped as repeats. */
  duplicates: string[];
}

/**
 * Recipients checked and guard rails applied, before any request. Throws an OngageError (kind `invalidRequest`)
 * whose message names every bad entry, or the addresses outside the allowlist, or asks for confirmation.
 */
export function prepareRecipients(recipients: string | string[] | undefined, opts: GuardOptions = {}): PreparedRecipients {
  const parsed = parseRecipients(recipients ?? []);
  const problems = describeRecipientProblems(parsed);
  if (problems) throw new OngageError({ kind: 'invalidRequest', message: `Not sent. ${problems}` });
  if (parsed.addresses.length === 0) throw new OngageError({ kind: 'invalidRequest', message: 'Not sent: add at least one recipient.' });
  if (opts.guards) {
    const v = checkGuards(parsed.addresses, opts.guards);
    if (v.refused) throw new OngageError({ kind: 'invalidRequest', message: v.refused });
    if (v.needsConfirmation && !opts.confirmed) {
      throw new OngageError({
        kind: 'invalidRequest',
        message: `Not sent: ${parsed.addresses.length} recipients is more than ${opts.guards.confirmAbove ?? 5}, and the send was not confirmed.`,
      });
    }
  }
  return { addresses: parsed.addresses, duplicates: parsed.duplicates };
}

/** A test send of a library email: POST /api/mailings with is_test: true. Never repeated. */
export async function sendTest(client: SendClient, input: SendTestInput): Promise<{ mailing: Mailing; recipients: string[] }> {
  const { addresses } = prepareRecipients(input.recipients, input);
  const mailing = await client.sendTestMailing(
    {
      emailIds: [input.emailId],
      recipients: addresses,
      espConnectionId: input.espConnectionId,
      prependTestToSubject: input.prependTestToSubject ?? true,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.listId !== undefined ? { listId: input.listId } : {}),
    },
    { signal: input.signal },
  );
  return { mailing, recipients: addresses };
}

/** A stored library email as a transactional message (/api/transactional/send). Never repeated. */
export async function sendTransactionalStored(client: SendClient, input: TransactionalStoredInput): Promise<{ result: SendResult; recipients: string[] }> {
  const { addresses } = prepareRecipients(input.recipients, input);
  const result = await client.sendTransactional({ messageId: input.messageId, ...transactionalOptions(input, addresses) }, { signal: input.signal });
  return { result, recipients: addresses };
}

/** Content that is not stored (an unsaved editor, a workspace file) through send_embed_content. Never repeated. */
export async function sendEmbed(client: SendClient, input: TransactionalEmbedInput): Promise<{ result: SendResult; recipients: string[] }> {
  const { addresses } = prepareRecipients(input.recipients, input);
  const problem = fromProblem(input.from) ?? (input.subject?.trim() ? undefined : 'the subject is empty; give the email a subject');
  if (problem) throw new OngageError({ kind: 'invalidRequest', message: `Not sent: ${problem}.` });
  const result = await client.sendTransactionalContent(
    {
      message: {
        subject: input.subject,
        contentHtml: input.html,
        addresses: { fromName: input.from.fromName, fromAddress: input.from.fromAddress, replyAddress: input.from.replyAddress },
      },
      ...transactionalOptions(input, addresses),
    },
    { signal: input.signal },
  );
  return { result, recipients: addresses };
}

/** What is wrong with a From block, or undefined. */
export function fromProblem(from: Partial<SendFrom> | undefined): string | undefined {
  if (!from || !from.fromName?.trim()) return 'the sender name (From) is missing';
  for (const [key, label] of [
    ['fromAddress', 'From address'],
    ['replyAddress', 'reply-to address'],
  ] as const) {
    const v = from[key]?.trim();
    if (!v) return `the ${label} is missing`;
    const p = parseRecipients(v);
    if (p.problems.length || p.addresses.length !== 1) return `the ${label}: ${p.problems[0]?.message.replace(/\.$/, '') ?? `"${v}" is not one address`}`;
  }
  return undefined;
}

function transactionalOptions(input: TransactionalOptions, addresses: string[]) {
  const per = input.perRecipient !== undefined ? matchPerRecipient(input.perRecipient, addresses) : undefined;
  return {
    recipients: addresses,
    ...(input.campaignId !== undefined ? { campaignId: input.campaignId } : {}),
    ...(input.sendingConnectionId !== undefined ? { sendingConnectionId: input.sendingConnectionId } : {}),
    ...(input.fields !== undefined ? { dynamicFields: input.fields } : {}),
    ...(per !== undefined ? { dynamicFieldsPerRecipient: per } : {}),
    ...(input.checkStatus !== undefined ? { checkStatus: input.checkStatus } : {}),
    ...(input.checkSuppression !== undefined ? { checkGlobalAndListSuppression: input.checkSuppression } : {}),
    ...(input.listId !== undefined ? { listId: input.listId } : {}),
  };
}

/** Per-recipient values with each recipient spelled as in `addresses` (matched without regard to case). */
function matchPerRecipient(per: PerRecipientFields, addresses: string[]): Array<{ recipient: string; keyValueCollection: DynamicFields }> {
  const checked = checkPerRecipient(per);
  if (checked.problems.length) throw new OngageError({ kind: 'invalidRequest', message: `Not sent: ${checked.problems.join(' ')}` });
  const byLower = new Map(addresses.map((a) => [a.toLowerCase(), a]));
  const stray: string[] = [];
  const out = checked.entries.map((e) => {
    const a = byLower.get(e.recipient.trim().toLowerCase());
    if (!a) stray.push(e.recipient);
    return { recipient: a ?? e.recipient, keyValueCollection: e.key_value_collection };
  });
  if (stray.length) {
    throw new OngageError({
      kind: 'invalidRequest',
      message: `Not sent: values were given for ${stray.join(', ')}, who ${stray.length > 1 ? 'are' : 'is'} not among the recipients. Add them to the recipients or remove their values.`,
    });
  }
  return out;
}

/** Validates values for everyone (`--fields`): an object of text, number, true/false or null values. */
export function checkFields(value: unknown, source = 'the fields'): { fields?: DynamicFields; problems: string[] } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [`${source} must be one JSON object of field → value, e.g. {"first_name": "Ann", "order_total": "49.90"}.`] };
  }
  const problems: string[] = [];
  const fields: DynamicFields = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
    else problems.push(`${source}: "${k}" holds ${Array.isArray(v) ? 'a list' : 'an object'}; a field value is text, a number, true/false or null.`);
  }
  return problems.length ? { problems } : { fields, problems };
}

/** Validates Ongage's per-recipient form: `[{ "recipient": "a@x.com", "key_value_collection": { … } }]`. */
export function checkPerRecipient(value: unknown, source = 'the per-recipient values'): { entries: PerRecipientFields; problems: string[] } {
  const example = '[{"recipient": "ann@example.com", "key_value_collection": {"first_name": "Ann"}}]';
  if (!Array.isArray(value)) return { entries: [], problems: [`${source} must be a JSON list like ${example}.`] };
  const problems: string[] = [];
  const entries: PerRecipientFields = [];
  const seen = new Set<string>();
  value.forEach((item, i) => {
    const where = `${source}, item ${i + 1}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) return problems.push(`${where} is not an object like ${example}.`);
    const o = item as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'recipient' && k !== 'key_value_collection');
    if (extra.length) problems.push(`${where}: unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} (expected "recipient" and "key_value_collection").`);
    if (typeof o.recipient !== 'string' || !o.recipient.trim()) return problems.push(`${where}: "recipient" must be an email address.`);
    const p = parseRecipients(o.recipient);
    if (p.problems.length || p.addresses.length !== 1) return problems.push(`${where}: ${p.problems[0]?.message ?? `"recipient" must be one address.`}`);
    const recipient = p.addresses[0];
    if (seen.has(recipient.toLowerCase())) return problems.push(`${where}: ${recipient} has values twice; keep one entry per recipient.`);
    seen.add(recipient.toLowerCase());
    const f = checkFields(o.key_value_collection ?? {}, `${where} "key_value_collection"`);
    if (f.problems.length) return problems.push(...f.problems);
    entries.push({ recipient, key_value_collection: f.fields ?? {} });
  });
  return { entries, problems };
}

// -------------------------------------------------------------------------------- status and identity

const STATUS_WORDS: Record<CampaignStatusName, string> = {
  NEW: 'New (not started yet)',
  SCHEDULED: 'Scheduled',
  IN_PROGRESS: 'In progress',
  COMPLETED: 'Completed',
  ERROR: 'Failed with an error',
  CANCELLED: 'Cancelled',
  DELETED: 'Deleted',
  COMPLETED_WITH_ERRORS: 'Completed with errors',
  ON_HOLD: 'On hold',
  STOPPED: 'Stopped',
  UNKNOWN: 'Unknown status',
};

/** A campaign's status in words ("Completed", "In progress", …); an unknown code is shown with its number. */
export function mailingStatusText(mailing: Pick<Mailing, 'status' | 'statusName'> | undefined): string {
  if (!mailing) return STATUS_WORDS.UNKNOWN;
  const words = STATUS_WORDS[mailing.statusName] ?? STATUS_WORDS.UNKNOWN;
  if (mailing.statusName === 'UNKNOWN' || !STATUS_WORDS[mailing.statusName]) {
    return mailing.status !== undefined ? `${STATUS_WORDS.UNKNOWN} (code ${mailing.status})` : STATUS_WORDS.UNKNOWN;
  }
  return words;
}

/** Is the campaign still on its way (worth a "Check again")? */
export function mailingInProgress(mailing: Pick<Mailing, 'statusName'>): boolean {
  return mailing.statusName === 'NEW' || mailing.statusName === 'SCHEDULED' || mailing.statusName === 'IN_PROGRESS' || mailing.statusName === 'ON_HOLD';
}

export interface SendIdentity {
  kind: 'test' | 'transactional';
  /** The connection: anything stable that names the account (e.g. base URL + account, or a connection id). */
  connection: string;
  /** A library email. */
  emailId?: number;
  /** Content that is not stored: its hash (e.g. partsHash) … */
  contentHash?: string;
  /** … or the content itself (subject and HTML), hashed here. */
  subject?: string;
  html?: string;
  recipients: string[];
  /** The ESP connection of a test, or the sending connection of a transactional send. */
  espConnectionId?: number;
  campaignId?: number;
  listId?: number;
}

/**
 * A stable id of "the same send": what is sent (email id or content hash), to whom (the addresses without regard
 * to case or order), through which connection. Two attempts with the same fingerprint would deliver the same
 * thing to the same people. 16 hex characters; holds nothing readable.
 */
export function sendFingerprint(what: SendIdentity): string {
  const content =
    what.emailId !== undefined
      ? `email:${what.emailId}`
      : what.contentHash !== undefined
        ? `hash:${what.contentHash}`
        : `content:${sha256(`${what.subject ?? ''}\u0000${what.html ?? ''}`)}`;
  const recipients = [...new Set(what.recipients.map((r) => r.trim().toLowerCase()))].sort();
  const key = JSON.stringify([
    what.kind,
    what.connection,
    content,
    recipients,
    what.espConnectionId ?? null,
    what.campaignId ?? null,
    what.listId ?? null,
  ]);
  return sha256(key).slice(0, 16);
}

/** A connection key for fingerprints and logs that names no credential: the base URL and the hashed account code. */
export function connectionKey(client: Pick<OngageClient, 'baseUrl' | 'accountCode'>): string {
  return `${client.baseUrl}#${sha256(client.accountCode).slice(0, 8)}`;
}

/** Did this failure leave open whether mail went out? (Timeout, reset, 5xx or an unreadable 2xx on a send, or a cancel mid-send.) */
export function isAmbiguous(error: unknown): boolean {
  return isOngageError(error) && (error.kind === 'ambiguousSend' || error.sendMayHaveHappened);
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** The log's reading of an attempt: sent (no error), maybe-sent (ambiguous) or failed, with the message. */
export function sendOutcome(error?: unknown): { result: 'sent' | 'failed' | 'maybe-sent'; message?: string } {
  if (error === undefined) return { result: 'sent' };
  const message = error instanceof Error ? error.message : String(error);
  return { result: isAmbiguous(error) ? 'maybe-sent' : 'failed', message };
}
