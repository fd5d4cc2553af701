/**
 * `ongage-studio send-test <id>` and `ongage-studio send <id-or-file>`: test and transactional sends from a terminal
 * or CI, with the editor's guard rails (src/core/send/): every address checked before any request, the workspace's
 * allowlist, a confirmation above the threshold (refused without a terminal unless --yes), a repeat of a send that
 * may have gone out refused unless --yes, `--dry-run` printing the request and each recipient's subject and sending
 * nothing. A send is never retried after an ambiguous failure: it exits 3 saying it may have gone out.
 *
 * Each send is appended to `.ongage/sends.jsonl` of the working folder when that folder has a `.ongage` folder.
 *
 * Exit codes: 0 sent (or the dry run is fine) · 1 sent, but Ongage turned some recipients away · 2 not sent (usage,
 * file, address, allowlist, network or credential problem) · 3 may have been sent (do not repeat blindly; check).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { OngageClient } from '../core/api';
import { readTextFile } from '../core/files';
import { isOngageError, OngageError } from '../core/api';
import { sendOptionsToWire, testMailingBody } from '../core/api/sends';
import type { DynamicFields, Email, SendResult } from '../core/api/types';
import { toLanguageField } from '../core/fields/catalog';
import type { ListField } from '../core/language/fields';
import { parseSettings, PART_SUFFIX } from '../core/library/parts';
import { renderEmail, type RenderValue } from '../core/render';
import {
  appendSendLog,
  checkFields,
  checkGuards,
  checkPerRecipient,
  connectionKey,
  fromProblem,
  isAmbiguous,
  lastRecordFor,
  loadSendConfig,
  mailingStatusText,
  parseRecipients,
  repeatWarning,
  SEND_LOG_PATH,
  sendEmbed,
  sendFingerprint,
  sendOutcome,
  sendTest,
  sendTransactionalStored,
  DEFAULT_CONFIRM_ABOVE,
  type PerRecipientFields,
  type SendFrom,
  type SendGuards,
  type SendRecord,
} from '../core/send';
import { connect, CREDENTIAL_VARIABLES, toCliError, type ConnectionOptions } from './connection';
import { displayPath } from './files';
import { canAsk, CliError, confirm as ask, EXIT_OK, line, style, terminalJson, terminalSafe, wantsColor, type CliIO } from './io';

export const EXIT_SENT = 0;
export const EXIT_SOME_REJECTED = 1;
export const EXIT_MAY_HAVE_SENT = 3;

export interface SendCommonOptions extends ConnectionOptions {
  /** --to, repeatable; each may hold several addresses. */
  to?: string[];
  /** --connection: the ESP connection (test) or sending connection (transactional). */
  connection?: number;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  color?: boolean;
}

export interface SendTestCommandOptions extends SendCommonOptions {
  /** False with --no-prefix. */
  prefix?: boolean;
}

export interface SendCommandOptions extends SendCommonOptions {
  fields?: string;
  perRecipient?: string;
  campaign?: number;
  subject?: string;
  from?: string;
  replyTo?: string;
  checkStatus?: boolean;
  checkSuppression?: boolean;
}

interface RecipientPreview {
  recipient: string;
  subject: string;
  /** Whether the address is a contact of the list (undefined when not looked up). */
  contact?: boolean;
}

interface Plan {
  kind: 'test' | 'transactional';
  recipients: string[];
  duplicates: string[];
  guards: SendGuards;
  guardSource?: string;
  needsConfirmation: boolean;
  notes: string[];
}

// ------------------------------------------------------------------------------------------- commands

export async function runSendTest(idArg: string, opts: SendTestCommandOptions, io: CliIO): Promise<number> {
  const emailId = libraryId(idArg, 'send-test');
  const plan = await planRecipients('test', opts.to, undefined, io);
  const client = connect(opts, io);
  try {
    const listId = opts.list ?? client.listId;
    const email = await call(() => client.getEmail(emailId, { listId }));
    if (email.type !== 'email_message') throw new CliError(`${emailId} is a ${email.type === 'folder' ? 'folder' : 'template'}, not an email; test sends are of emails. Find one with \`ongage-studio ls\`.`);
    const esp = await chooseEspConnection(client, email, opts.connection, listId);
    const prefix = opts.prefix !== false;
    const body = testMailingBody({ emailIds: [emailId], recipients: plan.recipients, espConnectionId: esp.id, prependTestToSubject: prefix });
    const request = { method: 'POST', path: `${listId !== undefined ? `/${listId}` : ''}/api/mailings`, body };
    // Subjects are shown by a dry run (with one contact look-up per recipient); a real test send skips the look-ups.
    const previews = opts.dryRun ? await previewSubjects(client, listId, plan.recipients, email.subject ?? '', await listFields(client, listId), {}, undefined, prefix ? '[TEST] ' : '', true) : [];
    const identity = { kind: 'test' as const, connection: connectionKey(client), emailId, recipients: plan.recipients, espConnectionId: esp.id, listId };
    const fingerprint = sendFingerprint(identity);
    const logFile = sendLogFile(io.cwd);
    const repeat = logFile ? repeatWarning(await lastRecordFor(logFile, fingerprint)) : undefined;
    const summary = { kind: 'test' as const, email: { id: emailId, name: email.name }, connection: `${esp.name} (#${esp.id})` };
    if (opts.dryRun) return dryRun(io, opts, plan, request, previews, summary, repeat);
    await confirm(io, opts, plan, repeat);
    const base: Omit<SendRecord, 'result' | 'at'> = {
      kind: 'test',
      email: { id: emailId, name: email.name },
      connection: client.baseUrl,
      ...(listId !== undefined ? { listId } : {}),
      espConnectionId: esp.id,
      recipients: plan.recipients,
      fingerprint,
    };
    let mailing;
    try {
      ({ mailing } = await sendTest(client, { emailId, recipients: plan.recipients, espConnectionId: esp.id, prependTestToSubject: prefix, ...(listId !== undefined ? { listId } : {}), guards: plan.guards, confirmed: true }));
    } catch (e) {
      throw await failed(io, logFile, base, e);
    }
    await log(io, logFile, { ...base, mailingId: mailing.id, result: 'sent', at: new Date().toISOString() });
    const status = mailingStatusText(mailing);
    if (opts.json) {
      line(io.out, terminalJson({ sent: true, kind: 'test', emailId, mailingId: mailing.id, status: mailing.statusName, statusText: status, espConnectionId: esp.id, recipients: plan.recipients }));
    } else {
      const s = style(wantsColor(io.out, io.env, opts.color));
      line(io.out, `${s.green('Sent')} a test of email ${emailId} "${terminalSafe(email.name)}" to ${count(plan.recipients.length, 'recipient')} through ${terminalSafe(esp.name)} (#${esp.id}).`);
      line(io.out, `Test campaign ${mailing.id}: ${terminalSafe(status)}. Recipients: ${plan.recipients.join(', ')}.`);
    }
    printNotes(io, plan.notes, opts);
    return EXIT_SENT;
  } catch (e) {
    throw toCliError(e);
  } finally {
    client.dispose();
  }
}

export async function runSend(target: string, opts: SendCommandOptions, io: CliIO): Promise<number> {
  const filePath = path.resolve(io.cwd, target);
  const isFile = !/^\d+$/.test(target.trim()) || fs.existsSync(filePath);
  const fieldsAll = opts.fields ? await readFieldsOption(opts.fields, io.cwd) : undefined;
  const perRecipient = opts.perRecipient ? await readPerRecipientOption(opts.perRecipient, io.cwd) : undefined;
  const plan = await planRecipients('transactional', opts.to, perRecipient, io);
  // The message: a library email, or a local file with its pulled settings.
  let local: { html: string; subject: string; from: SendFrom; file: string } | undefined;
  if (isFile) local = await readLocalMessage(filePath, target, opts, io);
  const emailId = isFile ? undefined : libraryId(target, 'send');
  const offline = !!opts.dryRun && !!local && !opts.sandbox && !opts.baseUrl && CREDENTIAL_VARIABLES.some((v) => !io.env[v]);
  const client = offline ? undefined : connect(opts, io);
  try {
    const listId = opts.list ?? client?.listId;
    let email: Email | undefined;
    if (client && emailId !== undefined) {
      email = await call(() => client.getEmail(emailId, { listId }));
      if (email.type === 'folder') throw new CliError(`${emailId} is a folder, not an email. Find the email's id with \`ongage-studio ls\`.`);
    }
    const subject = local ? local.subject : (email?.subject ?? '');
    const perMap = new Map((perRecipient ?? []).map((p) => [p.recipient.toLowerCase(), p.key_value_collection]));
    const sendOpts = {
      recipients: plan.recipients,
      ...(opts.campaign !== undefined ? { campaignId: opts.campaign } : {}),
      ...(opts.connection !== undefined ? { sendingConnectionId: opts.connection } : {}),
      ...(fieldsAll !== undefined ? { dynamicFields: fieldsAll } : {}),
      ...(perRecipient !== undefined ? { dynamicFieldsPerRecipient: perRecipient.map((p) => ({ recipient: p.recipient, keyValueCollection: p.key_value_collection })) } : {}),
      ...(opts.checkStatus ? { checkStatus: true } : {}),
      ...(opts.checkSuppression ? { checkGlobalAndListSuppression: true } : {}),
    };
    let wire: Record<string, unknown>;
    try {
      wire = sendOptionsToWire(sendOpts);
    } catch (e) {
      throw new CliError(isOngageError(e) ? e.message : String(e));
    }
    const prefixPath = listId !== undefined ? `/${listId}` : '';
    const request = local
      ? {
          method: 'POST',
          path: `${prefixPath}/api/transactional/send_embed_content`,
          body: { message: { subject: local.subject, content_html: local.html, addresses: { from_name: local.from.fromName, from_address: local.from.fromAddress, reply_address: local.from.replyAddress } }, ...wire },
        }
      : { method: 'POST', path: `${prefixPath}/api/transactional/send`, body: { message_id: emailId, ...wire } };
    const fields = client ? await listFields(client, listId) : [];
    if (!client) plan.notes.push('No connection (dry run of a local file without credentials): subjects use only --fields and --per-recipient values, not the contacts or the list defaults.');
    const previews = await previewSubjects(client, listId, plan.recipients, subject, fields, fieldsAll ?? {}, perMap, '', true);
    const strangers = previews.filter((p) => p.contact === false).map((p) => p.recipient);
    if (strangers.length) {
      plan.notes.push(`${strangers.join(', ')} ${strangers.length > 1 ? 'are' : 'is'} not ${strangers.length > 1 ? 'contacts' : 'a contact'} of the list: the list's field defaults do not apply to ${strangers.length > 1 ? 'them' : 'it'}, only the values of this send.`);
    }
    const identity = {
      kind: 'transactional' as const,
      connection: client ? connectionKey(client) : 'offline',
      ...(emailId !== undefined ? { emailId } : { subject: local!.subject, html: local!.html }),
      recipients: plan.recipients,
      ...(opts.connection !== undefined ? { espConnectionId: opts.connection } : {}),
      ...(opts.campaign !== undefined ? { campaignId: opts.campaign } : {}),
      ...(listId !== undefined ? { listId } : {}),
    };
    const fingerprint = sendFingerprint(identity);
    const logFile = sendLogFile(io.cwd);
    const repeat = logFile && client ? repeatWarning(await lastRecordFor(logFile, fingerprint)) : undefined;
    const what = local ? { file: displayPath(filePath, io.cwd), name: path.basename(filePath) } : { id: emailId, name: email?.name };
    const summary = { kind: 'transactional' as const, email: what, connection: opts.connection !== undefined ? `sending connection #${opts.connection}` : "the campaign's sending connection" };
    if (opts.dryRun) return dryRun(io, opts, plan, request, previews, summary, repeat);
    await confirm(io, opts, plan, repeat);
    const c = client!;
    const base: Omit<SendRecord, 'result' | 'at'> = {
      kind: 'transactional',
      email: what,
      connection: c.baseUrl,
      ...(listId !== undefined ? { listId } : {}),
      ...(opts.connection !== undefined ? { espConnectionId: opts.connection } : {}),
      ...(opts.campaign !== undefined ? { campaignId: opts.campaign } : {}),
      recipients: plan.recipients,
      fingerprint,
    };
    const common = {
      recipients: plan.recipients,
      ...(opts.campaign !== undefined ? { campaignId: opts.campaign } : {}),
      ...(opts.connection !== undefined ? { sendingConnectionId: opts.connection } : {}),
      ...(fieldsAll !== undefined ? { fields: fieldsAll } : {}),
      ...(perRecipient !== undefined ? { perRecipient } : {}),
      ...(opts.checkStatus ? { checkStatus: true } : {}),
      ...(opts.checkSuppression ? { checkSuppression: true } : {}),
      ...(listId !== undefined ? { listId } : {}),
      guards: plan.guards,
      confirmed: true,
    };
    let result: SendResult;
    try {
      ({ result } = local ? await sendEmbed(c, { ...common, subject: local.subject, html: local.html, from: local.from }) : await sendTransactionalStored(c, { ...common, messageId: emailId! }));
    } catch (e) {
      throw await failed(io, logFile, base, e);
    }
    const rejected = result.rejected ?? [];
    await log(io, logFile, {
      ...base,
      ...(result.campaignId !== undefined ? { campaignId: result.campaignId } : {}),
      result: 'sent',
      ...(rejected.length ? { message: `turned away: ${rejected.map((r) => `${r.recipient} (${r.reason})`).join(', ')}` } : {}),
      at: new Date().toISOString(),
    });
    const accepted = result.accepted ?? plan.recipients.filter((r) => !rejected.some((x) => x.recipient.toLowerCase() === r.toLowerCase()));
    if (opts.json) {
      line(io.out, terminalJson({ sent: true, kind: 'transactional', ...(emailId !== undefined ? { emailId } : { file: what.file }), campaignId: result.campaignId, accepted, rejected, subjects: previews }));
    } else {
      const s = style(wantsColor(io.out, io.env, opts.color));
      const name = local ? what.file : `email ${emailId}${email?.name ? ` "${terminalSafe(email.name)}"` : ''}`;
      line(io.out, `${s.green('Sent')} ${name} as a transactional message to ${count(accepted.length, 'recipient')}${result.campaignId !== undefined ? ` (transactional campaign ${result.campaignId})` : ''}.`);
      for (const p of previews) {
        const r = rejected.find((x) => x.recipient.toLowerCase() === p.recipient.toLowerCase());
        line(io.out, `  ${p.recipient}  ${r ? s.red(`turned away: ${terminalSafe(r.reason)}`) : s.dim(terminalSafe(p.subject))}`);
      }
    }
    printNotes(io, plan.notes, opts);
    if (rejected.length) {
      line(io.err, `${rejected.length} of ${plan.recipients.length} recipients were turned away by Ongage (status or suppression checks); the others were sent.`);
      return EXIT_SOME_REJECTED;
    }
    return EXIT_SENT;
  } catch (e) {
    throw toCliError(e);
  } finally {
    client?.dispose();
  }
}

// -------------------------------------------------------------------------------------------- steps

function libraryId(arg: string, verb: string): number {
  const t = arg.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`${verb}: "${arg}" is not a library email id (a whole number, e.g. 2019; \`ongage-studio ls\` shows them).`);
  }
  return n;
}

/** Recipients and guard rails, before any request: bad addresses, the allowlist and the threshold. */
async function planRecipients(kind: Plan['kind'], to: string[] | undefined, per: PerRecipientFields | undefined, io: CliIO): Promise<Plan> {
  const given = to ?? [];
  if (given.length === 0 && !per?.length) {
    throw new CliError(`Pass the recipients with --to, e.g. --to ann@example.com,bob@example.com${kind === 'transactional' ? ' (or give them in --per-recipient)' : ''}.`);
  }
  const parsed = parseRecipients(given.length ? given : (per ?? []).map((p) => p.recipient));
  if (parsed.problems.length) {
    const list = parsed.problems.map((p) => `  ${p.message}`).join('\n');
    throw new CliError(`Nothing was sent: ${parsed.problems.length === 1 ? 'a recipient is' : `${parsed.problems.length} recipients are`} not usable.\n${list}\nCorrect --to and run again.`);
  }
  if (parsed.addresses.length === 0) throw new CliError('Nothing was sent: --to holds no address. Pass at least one, e.g. --to ann@example.com.');
  if (per?.length && given.length) {
    const to = new Set(parsed.addresses.map((a) => a.toLowerCase()));
    const stray = per.map((p) => p.recipient).filter((r) => !to.has(r.toLowerCase()));
    if (stray.length) {
      throw new CliError(`Nothing was sent: --per-recipient has values for ${stray.join(', ')}, not among --to. Add ${stray.length > 1 ? 'them' : 'the address'} to --to, remove ${stray.length > 1 ? 'their' : 'its'} entry, or leave --to out to send to everyone in --per-recipient.`);
    }
  }
  const config = await loadSendConfig(io.cwd);
  if (config.errors.length) throw new CliError(`Nothing was sent: the sends settings have problems.\n${config.errors.map((e) => `  ${e}`).join('\n')}`);
  const verdict = checkGuards(parsed.addresses, config.guards);
  if (verdict.refused) throw new CliError(verdict.refused);
  const notes: string[] = [];
  if (parsed.duplicates.length) notes.push(`Repeated address${parsed.duplicates.length > 1 ? 'es' : ''} sent once: ${parsed.duplicates.join(', ')}.`);
  return {
    kind,
    recipients: parsed.addresses,
    duplicates: parsed.duplicates,
    guards: config.guards,
    guardSource: config.source,
    needsConfirmation: verdict.needsConfirmation,
    notes,
  };
}

/** Asks (on a terminal) or refuses (without one, unless --yes) above the threshold or for a possible repeat. */
async function confirm(io: CliIO, opts: SendCommonOptions, plan: Plan, repeat: string | undefined): Promise<void> {
  if (opts.yes) return;
  const limit = plan.guards.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  const from = plan.guardSource ? ` (confirmAbove in ${displayPath(plan.guardSource, io.cwd)})` : ' (the default; set confirmAbove in .ongage/sends.json)';
  const questions: Array<{ ask: string; refuse: string }> = [];
  if (repeat) {
    questions.push({ ask: `${repeat} Send it again?`, refuse: `Nothing was sent. ${repeat} Pass --yes to send it again anyway.` });
  }
  if (plan.needsConfirmation) {
    questions.push({
      ask: `Send to ${plan.recipients.length} recipients (more than ${limit})?`,
      refuse: `Nothing was sent: ${plan.recipients.length} recipients is more than ${limit}${from}, and there is no terminal to ask. Pass --yes to send to all of them.`,
    });
  }
  for (const q of questions) {
    if (!canAsk(io)) throw new CliError(q.refuse);
    if (!(await ask(io, q.ask))) throw new CliError('Nothing was sent (not confirmed).');
  }
}

async function dryRun(
  io: CliIO,
  opts: SendCommonOptions,
  plan: Plan,
  request: { method: string; path: string; body: unknown },
  previews: RecipientPreview[],
  summary: { kind: 'test' | 'transactional'; email: Record<string, unknown>; connection: string },
  repeat: string | undefined,
): Promise<number> {
  const limit = plan.guards.confirmAbove ?? DEFAULT_CONFIRM_ABOVE;
  const notes = [...plan.notes];
  if (plan.needsConfirmation) notes.push(`${plan.recipients.length} recipients is more than ${limit}: a real send asks first (or needs --yes without a terminal).`);
  if (repeat) notes.push(`${repeat} A real send asks first (or needs --yes).`);
  if (opts.json) {
    line(io.out, terminalJson({ dryRun: true, sent: false, kind: summary.kind, email: summary.email, connection: summary.connection, request, recipients: previews, notes }));
    return EXIT_OK;
  }
  const s = style(wantsColor(io.out, io.env, opts.color));
  line(io.out, `${s.bold('Dry run')}: nothing was sent. A ${summary.kind === 'test' ? 'test send' : 'transactional send'} would go through ${terminalSafe(summary.connection)}:`);
  line(io.out, `${request.method} ${request.path}`);
  line(io.out, terminalJson(JSON.parse(JSON.stringify(request.body, (k, v) => (k === 'content_html' && typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}… (${v.length} characters)` : v)))));
  line(io.out, `Subject per recipient (${previews.length}):`);
  for (const p of previews) line(io.out, `  ${p.recipient}  ${terminalSafe(p.subject)}${p.contact === false ? s.dim('  (not a contact of the list)') : ''}`);
  for (const n of notes) line(io.err, `note: ${terminalSafe(n)}`);
  return EXIT_OK;
}

/** The ESP connection of a test send: the one asked for, else the email's own, else the list's only active one. */
async function chooseEspConnection(client: OngageClient, email: Email, asked: number | undefined, listId: number | undefined): Promise<{ id: number; name: string }> {
  const [all, active] = await Promise.all([
    call(() => client.listEspConnections({ listId })),
    call(() => client.listEspConnections({ listId, activeOnly: true })),
  ]);
  const isActive = (id: number): boolean => active.some((c) => c.id === id);
  const show = (cs: typeof all) => cs.map((c) => `${c.id} ${c.name}${isActive(c.id) ? '' : ' (inactive)'}`).join(', ') || 'none';
  if (asked !== undefined) {
    const c = all.find((x) => x.id === asked);
    if (!c) throw new CliError(`--connection ${asked} is not a sending connection of this account. Choose one of: ${show(all)}.`);
    if (!isActive(c.id)) throw new CliError(`--connection ${asked} (${c.name}) is inactive. Choose an active one: ${show(active)}.`);
    return { id: c.id, name: c.name };
  }
  const own = email.addresses?.find((a) => a.espConnectionId !== undefined && isActive(a.espConnectionId));
  if (own) {
    const c = active.find((x) => x.id === own.espConnectionId)!;
    return { id: c.id, name: c.name };
  }
  if (active.length === 1) return { id: active[0].id, name: active[0].name };
  throw new CliError(`Choose the sending connection with --connection <id>: ${active.length ? `the account has ${active.length}: ${show(active)}` : 'the account has no active one'}.`);
}

async function listFields(client: OngageClient, listId: number | undefined): Promise<ListField[]> {
  try {
    return (await client.listFields({ listId })).map(toLanguageField);
  } catch (e) {
    throw toCliError(e);
  }
}

/** Each recipient's subject as it will read: the contact's values (one look-up each), the send's values, the list defaults. */
async function previewSubjects(
  client: OngageClient | undefined,
  listId: number | undefined,
  recipients: string[],
  subject: string,
  fields: ListField[],
  all: DynamicFields,
  per: Map<string, DynamicFields> | undefined,
  prefix: string,
  lookUpContacts: boolean,
): Promise<RecipientPreview[]> {
  return Promise.all(
    recipients.map(async (recipient) => {
      let contact: Record<string, unknown> | undefined;
      let known: boolean | undefined;
      if (client && lookUpContacts) {
        try {
          contact = (await client.getContactByEmail(recipient, { listId })).fields;
          known = true;
        } catch (e) {
          if (!(isOngageError(e) && e.kind === 'notFound')) throw e;
          known = false;
        }
      }
      const values: Record<string, RenderValue> = { email: recipient };
      for (const [k, v] of Object.entries(contact ?? {})) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) values[k] = v as RenderValue;
      Object.assign(values, all, per?.get(recipient.toLowerCase()) ?? {});
      const r = renderEmail({ html: '', subject }, { values, fields, inlineCss: false });
      return { recipient, subject: `${prefix}${r.subject}`, ...(known !== undefined ? { contact: known } : {}) };
    }),
  );
}

async function readJson(file: string, option: string, cwd: string, example: string): Promise<unknown> {
  let text: string;
  try {
    text = await readTextFile(path.resolve(cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${option} ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(e)})`}. Point it at a JSON file like ${example}.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${option} ${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}). Write it as ${example}.`);
  }
}

async function readFieldsOption(file: string, cwd: string): Promise<DynamicFields> {
  const example = '{"first_name": "Ann", "receipt_id": "R-1001"}';
  const r = checkFields(await readJson(file, '--fields', cwd, example), `--fields ${file}`);
  if (r.problems.length) throw new CliError(r.problems.join('\n'));
  return r.fields!;
}

async function readPerRecipientOption(file: string, cwd: string): Promise<PerRecipientFields> {
  const example = '[{"recipient": "ann@example.com", "key_value_collection": {"first_name": "Ann"}}]';
  const r = checkPerRecipient(await readJson(file, '--per-recipient', cwd, example), `--per-recipient ${file}`);
  if (r.problems.length) throw new CliError(r.problems.join('\n'));
  return r.entries;
}

/** A local HTML file with its subject and From: the options, else the pulled settings `<name>.ongage.json` beside it. */
async function readLocalMessage(file: string, shown: string, opts: SendCommandOptions, io: CliIO): Promise<{ html: string; subject: string; from: SendFrom; file: string }> {
  let html: string;
  try {
    html = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${shown}: no such file, and not a library email id. Give an HTML file or an email id (\`ongage-studio ls\`).`);
    if (code === 'EISDIR') throw new CliError(`${shown}: is a folder; name an HTML file.`);
    throw new CliError(`${shown}: cannot be read (${code ?? String(e)}); check its permissions.`);
  }
  if (html.charCodeAt(0) === 0xfeff) html = html.slice(1);
  const settingsFile = file.replace(/\.html?$/i, '') + PART_SUFFIX.settings;
  let settings: { subject: string; fromName: string; fromAddress: string; replyAddress: string } | undefined;
  if (fs.existsSync(settingsFile)) {
    const r = parseSettings(await fs.promises.readFile(settingsFile, 'utf8'));
    if (!r.ok) {
      const p = r.problems[0];
      throw new CliError(`${displayPath(settingsFile, io.cwd)}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.message} (or give --subject and --from and leave the file aside).`);
    }
    const a = r.settings.addresses[0];
    settings = { subject: r.settings.subject, fromName: a?.fromName ?? '', fromAddress: a?.fromAddress ?? '', replyAddress: a?.replyAddress ?? '' };
  }
  const subject = opts.subject ?? settings?.subject ?? '';
  let from: SendFrom = { fromName: settings?.fromName ?? '', fromAddress: settings?.fromAddress ?? '', replyAddress: settings?.replyAddress ?? '' };
  if (opts.from !== undefined) {
    const p = parseRecipients(opts.from);
    const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<[^>]*>\s*$/.exec(opts.from);
    if (p.problems.length || p.addresses.length !== 1) throw new CliError(`--from: ${p.problems[0]?.message ?? 'give one sender, e.g. --from "Harbor & Pine <shop@example.com>"'}`);
    const name = (m?.[1] ?? m?.[2] ?? '').trim();
    from = { fromName: name || from.fromName, fromAddress: p.addresses[0], replyAddress: from.replyAddress || p.addresses[0] };
  }
  if (opts.replyTo !== undefined) {
    const p = parseRecipients(opts.replyTo);
    if (p.problems.length || p.addresses.length !== 1) throw new CliError(`--reply-to: ${p.problems[0]?.message ?? 'give one address'}`);
    from = { ...from, replyAddress: p.addresses[0] };
  }
  if (!from.replyAddress && from.fromAddress) from = { ...from, replyAddress: from.fromAddress };
  const beside = displayPath(settingsFile, io.cwd);
  if (!subject.trim()) throw new CliError(`${shown}: no subject. Pass --subject "…"${settings ? ` or fill "subject" in ${beside}` : ` (or pull the email's settings to ${beside})`}.`);
  const problem = fromProblem(from);
  if (problem) throw new CliError(`${shown}: ${problem}. Pass --from "Name <address>"${settings ? ` or fill "addresses" in ${beside}` : ` (or pull the email's settings to ${beside})`}.`);
  return { html, subject, from, file };
}

/** `.ongage/sends.jsonl` of the working folder, when it has a `.ongage` folder. */
function sendLogFile(cwd: string): string | undefined {
  const dir = path.join(cwd, '.ongage');
  try {
    return fs.statSync(dir).isDirectory() ? path.join(cwd, ...SEND_LOG_PATH.split('/')) : undefined;
  } catch {
    return undefined;
  }
}

async function log(io: CliIO, file: string | undefined, record: SendRecord): Promise<void> {
  if (!file) return;
  try {
    await appendSendLog(file, record);
  } catch (e) {
    line(io.err, `warning: the send was not written to ${displayPath(file, io.cwd)} (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
  }
}

/** A failed send: logged, and turned into the exit (3 when it may have gone out, else 2). */
async function failed(io: CliIO, file: string | undefined, base: Omit<SendRecord, 'result' | 'at'>, e: unknown): Promise<CliError> {
  const outcome = sendOutcome(e);
  // Refused before any request (a bad address, an unsafe request): nothing to log.
  const refusedEarly = isOngageError(e) && e.kind === 'invalidRequest';
  if (!refusedEarly) await log(io, file, { ...base, result: outcome.result, ...(outcome.message ? { message: outcome.message } : {}), at: new Date().toISOString() });
  if (isAmbiguous(e)) {
    const msg = (e as OngageError).message;
    return new CliError(`${msg}\nThe command will not send it again by itself; a second run of the same send asks first${file ? ` (it is recorded in ${displayPath(file, io.cwd)})` : ''}.`, EXIT_MAY_HAVE_SENT);
  }
  return toCliError(e);
}

async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw toCliError(e);
  }
}

function printNotes(io: CliIO, notes: string[], opts: SendCommonOptions): void {
  const s = style(wantsColor(io.err, io.env, opts.color));
  for (const n of notes) line(io.err, `${s.cyan('note:')} ${terminalSafe(n)}`);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
