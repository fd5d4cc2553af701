/**
 * The calls that send mail: test mailings (POST /api/mailings, always `is_test: true`) and transactional sends
 * (stored message or embedded content), and the transactional campaigns they go through. A send is marked `send: true`
 * so the transport never repeats it after an ambiguous failure and uses a fresh connection. OngageClient exposes
 * these as methods. Editor-free.
 */
import { describeRecipientProblems, parseRecipients } from '../send/recipients';
import { OngageError } from './errors';
import { parseMailing, parseSendResult, parseTransactionalCampaign, toNumber, toUnixSeconds } from './parse';
import { CallOptions, id, RequestSpec, Transport } from './transport';
import {
  Mailing,
  OffsetQuery,
  Page,
  SendResult,
  TestMailingInput,
  TransactionalCampaign,
  TransactionalCampaignInput,
  TransactionalEmbedInput,
  TransactionalSendInput,
  TransactionalSendOptions,
} from './types';

// ------------------------------------------------------------------------------------- mailings

/**
 * Sends a TEST mailing (POST /api/mailings with is_test: true). There is deliberately no way to send
 * a real campaign through this client. Never repeated after an ambiguous failure.
 */
export async function sendTestMailing(t: Transport, input: TestMailingInput, opts: { signal?: AbortSignal } = {}): Promise<Mailing> {
  const body = testMailingBody(input);
  const emailIds = body.email_message;
  const spec: RequestSpec = {
    method: 'POST',
    path: '/api/mailings',
    scope: 'list',
    listId: input.listId,
    body,
    send: true,
    what: `The test send of email ${emailIds.join(', ')}`,
    action: `test-sending email ${emailIds.join(', ')}`,
    checkHint: `the test campaign's status in Ongage (Campaigns, "${body.name}")`,
    signal: opts.signal,
  };
  const r = await t.request(spec);
  try {
    return parseMailing(r.payload);
  } catch (e) {
    // A 2xx whose payload is not a campaign: Ongage took the send, so it may well have gone out.
    const why = e instanceof Error ? e.message : String(e);
    throw t.ambiguous(spec, r.path, r.retries, `HTTP ${r.status}, but the answer is not a readable campaign: ${why}`, r.status);
  }
}

/** The body of a test send's POST /api/mailings (always `is_test: true`), checked; also what a dry run shows. */
export function testMailingBody(input: TestMailingInput) {
  const emailIds = (input.emailIds ?? []).map((x) => id(x, 'email id'));
  const recipients = checkRecipients(input.recipients);
  if (emailIds.length === 0) throw new OngageError({ kind: 'invalidRequest', message: 'Choose the email to test-send.' });
  const esp = toNumber(input.espConnectionId);
  if (esp === undefined) {
    throw new OngageError({ kind: 'invalidRequest', message: 'Choose the sending connection (ESP) for the test send.' });
  }
  return {
    name: input.name ?? `Test: email ${emailIds.join(', ')}`,
    description: input.description ?? 'Test send from Ongage Studio',
    email_message: emailIds,
    recipients,
    esp_connection_id: esp,
    prepend_test_to_subject: input.prependTestToSubject ?? true,
    is_test: true as const,
  };
}

/** One campaign with its status (`statusName`: NEW, IN_PROGRESS, COMPLETED, …). */
export async function getMailing(t: Transport, mailingId: number, opts: CallOptions = {}): Promise<Mailing> {
  const r = await t.request({
    method: 'GET',
    path: `/api/mailings/${id(mailingId, 'campaign id')}`,
    scope: 'list',
    listId: opts.listId,
    what: `Campaign ${mailingId}`,
    action: `reading campaign ${mailingId}`,
    signal: opts.signal,
  });
  return t.parse(r, parseMailing, `campaign ${mailingId}`);
}

// -------------------------------------------------------------------------------- transactional

export async function listTransactionalCampaigns(t: Transport, query: OffsetQuery & CallOptions = {}): Promise<Page<TransactionalCampaign>> {
  const r = await t.request({
    method: 'GET',
    path: '/api/transactional',
    scope: 'list',
    listId: query.listId,
    query: { sort: query.sort, order: query.order, offset: query.offset, limit: query.limit },
    what: 'The transactional campaigns',
    action: 'listing the transactional campaigns',
    signal: query.signal,
  });
  return t.offsetPage(r, parseTransactionalCampaign, 'transactional campaigns', query);
}

export async function createTransactionalCampaign(t: Transport, input: TransactionalCampaignInput, opts: CallOptions = {}): Promise<TransactionalCampaign> {
  if (!input.name) throw new OngageError({ kind: 'invalidRequest', message: 'A transactional campaign needs a name.' });
  const r = await t.request({
    method: 'POST',
    path: '/api/transactional',
    scope: 'list',
    listId: opts.listId,
    body: transactionalCampaignToWire(input),
    what: `The transactional campaign "${input.name}"`,
    action: `creating the transactional campaign "${input.name}"`,
    signal: opts.signal,
  });
  return t.parse(r, parseTransactionalCampaign, 'the transactional campaign');
}

export async function updateTransactionalCampaign(
  t: Transport,
  campaignId: number,
  input: Partial<TransactionalCampaignInput>,
  opts: CallOptions = {},
): Promise<TransactionalCampaign> {
  const r = await t.request({
    method: 'PUT',
    path: `/api/transactional/${id(campaignId, 'campaign id')}`,
    scope: 'list',
    listId: opts.listId,
    body: transactionalCampaignToWire(input),
    what: `Transactional campaign ${campaignId}`,
    action: `saving transactional campaign ${campaignId}`,
    signal: opts.signal,
  });
  return t.parse(r, parseTransactionalCampaign, `transactional campaign ${campaignId}`);
}

export async function deleteTransactionalCampaign(t: Transport, campaignId: number, opts: CallOptions = {}): Promise<void> {
  try {
    await t.request({
      method: 'DELETE',
      path: `/api/transactional/${id(campaignId, 'campaign id')}`,
      scope: 'list',
      listId: opts.listId,
      what: `Transactional campaign ${campaignId}`,
      action: `deleting transactional campaign ${campaignId}`,
      on400: 'dependency',
      dependencyMessage: () => `Transactional campaign ${campaignId} is still in use (it may be the list's default); it was kept.`,
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof OngageError && e.kind === 'notFound' && e.retries > 0) return;
    throw e;
  }
}

/** Sends a stored email as a transactional message. Never repeated after an ambiguous failure. */
export async function sendTransactional(t: Transport, input: TransactionalSendInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
  const messageId = id(input.messageId, 'message id');
  const body = { message_id: messageId, ...sendOptionsToWire(input) };
  const r = await t.request({
    method: 'POST',
    path: '/api/transactional/send',
    scope: 'list',
    listId: input.listId,
    body,
    send: true,
    what: `The transactional send of email ${messageId}`,
    action: `sending email ${messageId} as a transactional message`,
    checkHint: 'Reports → Transactional in Ongage',
    notFound: `Email ${messageId} or the transactional campaign no longer exists. Refresh the library and choose again.`,
    signal: opts.signal,
  });
  return parseSendResult(r.payload, body.recipients);
}

/** Sends content that is not stored in the library (send_embed_content). Never repeated after an ambiguous failure. */
export async function sendTransactionalContent(t: Transport, input: TransactionalEmbedInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
  const m = input.message;
  if (!m || !m.subject || (m.contentHtml === undefined && m.contentText === undefined)) {
    throw new OngageError({ kind: 'invalidRequest', message: 'The message needs a subject and HTML (or text) content.' });
  }
  if (!m.addresses?.fromName) {
    throw new OngageError({ kind: 'invalidRequest', message: 'The message needs a sender name (and, for email, a from and reply-to address).' });
  }
  if (m.contentHtml !== undefined && (!m.addresses.fromAddress || !m.addresses.replyAddress)) {
    throw new OngageError({ kind: 'invalidRequest', message: 'An email needs a from address and a reply-to address.' });
  }
  const message: Record<string, unknown> = {
    subject: m.subject,
    addresses: {
      from_name: m.addresses.fromName,
      ...(m.addresses.fromAddress !== undefined ? { from_address: m.addresses.fromAddress } : {}),
      ...(m.addresses.replyAddress !== undefined ? { reply_address: m.addresses.replyAddress } : {}),
    },
  };
  if (m.contentHtml !== undefined) message.content_html = m.contentHtml;
  if (m.contentText !== undefined) message.content_text = m.contentText;
  const body = { message, ...sendOptionsToWire(input) };
  const r = await t.request({
    method: 'POST',
    path: '/api/transactional/send_embed_content',
    scope: 'list',
    listId: input.listId,
    body,
    send: true,
    what: `The transactional send "${m.subject}"`,
    action: `sending "${m.subject}" as a transactional message`,
    checkHint: 'Reports → Transactional in Ongage',
    signal: opts.signal,
  });
  return parseSendResult(r.payload, body.recipients);
}

// ---------------------------------------------------------------------------------------- helpers

/**
 * The recipients as Ongage gets them: each checked with the RFC 5322 parser (src/core/send/recipients.ts), display
 * names dropped, repeats removed. Any bad entry refuses the whole send before a request, naming it.
 */
export function checkRecipients(list: string[] | undefined): string[] {
  const parsed = parseRecipients((list ?? []).map((x) => String(x)));
  const problems = describeRecipientProblems(parsed);
  if (problems) throw new OngageError({ kind: 'invalidRequest', message: problems });
  if (parsed.addresses.length === 0) throw new OngageError({ kind: 'invalidRequest', message: 'Add at least one recipient.' });
  return parsed.addresses;
}

function transactionalCampaignToWire(input: Partial<TransactionalCampaignInput>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(input.extra ?? {}) };
  if (input.name !== undefined) out.name = input.name;
  if (input.description !== undefined) out.description = input.description;
  if (input.espConnectionId !== undefined) out.esp_connection_id = input.espConnectionId;
  return out;
}

export function sendOptionsToWire(o: TransactionalSendOptions): Record<string, unknown> & { recipients: string[] } {
  const recipients = checkRecipients(o.recipients);
  const out: Record<string, unknown> = { ...(o.extra ?? {}) };
  out.recipients = recipients;
  if (o.campaignId !== undefined) out.campaign_id = o.campaignId;
  if (o.sendingConnectionId !== undefined) out.sending_connection_id = o.sendingConnectionId;
  if (o.checkStatus !== undefined) out.check_status = o.checkStatus;
  if (o.checkGlobalAndListSuppression !== undefined) out.check_global_and_list_suppression = o.checkGlobalAndListSuppression;
  if (o.dynamicFields !== undefined) out.message_dynamic_fields = o.dynamicFields;
  if (o.dynamicFieldsPerRecipient !== undefined) {
    const per = Array.isArray(o.dynamicFieldsPerRecipient)
      ? o.dynamicFieldsPerRecipient.map((x) => ({ recipient: x.recipient, key_value_collection: x.keyValueCollection }))
      : Object.entries(o.dynamicFieldsPerRecipient).map(([recipient, kv]) => ({ recipient, key_value_collection: kv }));
    // Matched without regard to case (as Ongage matches addresses), each spelled as among the recipients.
    const byLower = new Map(recipients.map((r) => [r.toLowerCase(), r]));
    for (const p of per) p.recipient = byLower.get(String(p.recipient).trim().toLowerCase()) ?? p.recipient;
    const stray = per.filter((p) => !byLower.has(String(p.recipient).toLowerCase())).map((p) => p.recipient);
    if (stray.length) {
      throw new OngageError({
        kind: 'invalidRequest',
        message: `Dynamic fields were given for ${stray.join(', ')}, who ${stray.length > 1 ? 'are' : 'is'} not among the recipients.`,
      });
    }
    out.message_dynamic_fields_per_recipient = per;
  }
  if (o.scheduleDate !== undefined) {
    out.schedule_date = o.scheduleDate instanceof Date ? toUnixSeconds(o.scheduleDate) : o.scheduleDate;
  }
  if (o.delaySend !== undefined) out.delay_send = o.delaySend;
  if (o.disableUnsubscribe !== undefined) out.disable_unsubscribe = o.disableUnsubscribe;
  if (o.createContact !== undefined) out.create_contact = o.createContact;
  return out as Record<string, unknown> & { recipients: string[] };
}
