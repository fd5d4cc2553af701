/**
 * Wire ⇄ typed conversions. Ongage sends ids, flags and timestamps as strings on some resources and as
 * numbers/booleans on others, so every reader accepts both. Unknown fields survive in `extra`.
 */
import {
  CAMPAIGN_STATUS,
  CampaignStatusName,
  Contact,
  Email,
  EmailInput,
  EspConnection,
  ListField,
  Mailing,
  OngageList,
  RawAddress,
  RawEmail,
  RawEspConnection,
  RawList,
  RawListField,
  RawMailing,
  RawTransactionalCampaign,
  SendResult,
  SenderAddress,
  TransactionalCampaign,
} from './types';

/** A finite number from a number or numeric text; undefined for null, "", or anything else. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** true/false from booleans, 0/1, "0"/"1", "true"/"false", "yes"/"no"; undefined otherwise. */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === '1' || t === 'true' || t === 'yes' || t === 'on') return true;
    if (t === '0' || t === 'false' || t === 'no' || t === 'off' || t === '') return false;
  }
  return undefined;
}

/**
 * A Date from Unix seconds (number or text), Unix milliseconds (13 digits), an ISO string or
 * "YYYY-MM-DD hh:mm[:ss]" (read as UTC). 0, null and unreadable values give undefined.
 */
export function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  const n = toNumber(v);
  if (n !== undefined) {
    if (n <= 0) return undefined;
    return new Date(n >= 1e12 ? n : n * 1000);
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const t = v.trim();
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
    const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0))) : new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Unix seconds for the wire. */
export function toUnixSeconds(v: Date | number): number {
  return v instanceof Date ? Math.floor(v.getTime() / 1000) : Math.floor(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A positive id; 0 / null / "" mean "none". */
function optId(v: unknown): number | undefined {
  const n = toNumber(v);
  return n === undefined || n === 0 ? undefined : n;
}

function reqId(v: unknown, what: string): number {
  const n = toNumber(v);
  if (n === undefined) throw new TypeError(`${what} has no usable id (got ${JSON.stringify(v)})`);
  return n;
}

function numArray(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return v.map(toNumber).filter((x): x is number => x !== undefined);
}

function pickExtra(raw: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!known.includes(k)) extra[k] = v;
  return extra;
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${what}: expected an object`);
  return v as Record<string, unknown>;
}

const ADDRESS_KEYS = ['from_name', 'from_address', 'reply_address', 'esp_connection_id'] as const;

export function parseAddress(raw: RawAddress): SenderAddress {
  return {
    fromName: str(raw.from_name),
    fromAddress: str(raw.from_address),
    replyAddress: str(raw.reply_address),
    espConnectionId: optId(raw.esp_connection_id),
    extra: pickExtra(raw, ADDRESS_KEYS),
  };
}

const EMAIL_KEYS = [
  'id', 'type', 'account_id', 'list_id', 'parent_id', 'name', 'description', 'subject', 'preheader',
  'content_html', 'content_text', 'unsubscribe_default_link', 'unsubscribe_success_html',
  'unsubscribe_confirmation_html', 'unsubscribe_confirmation_button', 'created', 'modified', 'deleted',
  'mailing_id', 'favorite', 'addresses', 'tag_ids', 'header_template_id', 'footer_template_id',
  'language_iso', 'link_query_params', 'warning',
] as const;

export function parseEmail(input: unknown): Email {
  const raw = asObject(input, 'email') as RawEmail;
  const addresses = Array.isArray(raw.addresses)
    ? raw.addresses.filter((a) => a && typeof a === 'object').map((a) => parseAddress(a))
    : [];
  const lqp = raw.link_query_params;
  return {
    id: reqId(raw.id, 'email'),
    type: str(raw.type) ?? 'email_message',
    accountId: optId(raw.account_id),
    listId: optId(raw.list_id),
    parentId: toNumber(raw.parent_id) ?? 0,
    name: str(raw.name) ?? '',
    description: str(raw.description) ?? '',
    subject: str(raw.subject) ?? '',
    preheader: str(raw.preheader) ?? '',
    contentHtml: str(raw.content_html),
    contentText: str(raw.content_text),
    unsubscribeDefaultLink: toBool(raw.unsubscribe_default_link),
    unsubscribeSuccessHtml: str(raw.unsubscribe_success_html),
    unsubscribeConfirmationHtml: str(raw.unsubscribe_confirmation_html),
    unsubscribeConfirmationButton: str(raw.unsubscribe_confirmation_button),
    created: toDate(raw.created),
    modified: toDate(raw.modified),
    deleted: toBool(raw.deleted) ?? false,
    mailingId: optId(raw.mailing_id),
    favorite: toBool(raw.favorite) ?? false,
    addresses,
    tagIds: numArray(raw.tag_ids),
    headerTemplateId: optId(raw.header_template_id),
    footerTemplateId: optId(raw.footer_template_id),
    languageIso: str(raw.language_iso) || undefined,
    linkQueryParams: lqp && typeof lqp === 'object' && !Array.isArray(lqp) ? (lqp as Record<string, string>) : undefined,
    warning: str(raw.warning) || undefined,
    extra: pickExtra(raw, EMAIL_KEYS),
  };
}

/** The wire body for POST/PUT /api/emails from typed input (only fields that were given). */
export function emailInputToWire(input: EmailInput): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(input.extra ?? {}) };
  const set = (k: string, v: unknown): void => {
    if (v !== undefined) out[k] = v;
  };
  set('type', input.type);
  set('name', input.name);
  set('description', input.description);
  set('subject', input.subject);
  set('preheader', input.preheader);
  set('content_html', input.contentHtml);
  set('content_text', input.contentText);
  set('parent_id', input.parentId);
  set('favorite', input.favorite === undefined ? undefined : input.favorite ? 1 : 0);
  set(
    'addresses',
    input.addresses?.map((a) => {
      const w: Record<string, unknown> = {};
      if (a.fromName !== undefined) w.from_name = a.fromName;
      if (a.fromAddress !== undefined) w.from_address = a.fromAddress;
      if (a.replyAddress !== undefined) w.reply_address = a.replyAddress;
      if (a.espConnectionId !== undefined) w.esp_connection_id = a.espConnectionId;
      return w;
    }),
  );
  set('tag_ids', input.tagIds);
  set('header_template_id', input.headerTemplateId);
  set('footer_template_id', input.footerTemplateId);
  set('language_iso', input.languageIso);
  set('link_query_params', input.linkQueryParams);
  set('unsubscribe_default_link', input.unsubscribeDefaultLink);
  set('unsubscribe_success_html', input.unsubscribeSuccessHtml);
  set('unsubscribe_confirmation_html', input.unsubscribeConfirmationHtml);
  set('unsubscribe_confirmation_button', input.unsubscribeConfirmationButton);
  return out;
}

export function statusName(code: number | undefined): CampaignStatusName {
  return (code !== undefined && CAMPAIGN_STATUS[code]) || 'UNKNOWN';
}

const MAILING_KEYS = ['id', 'name', 'description', 'status', 'is_test', 'email_message', 'schedule_date', 'created', 'modified'] as const;

export function parseMailing(input: unknown): Mailing {
  const raw = asObject(input, 'mailing') as RawMailing;
  const status = toNumber(raw.status);
  // email_message is a list of ids, or of email objects, depending on the call.
  const em = raw.email_message;
  const emailIds = Array.isArray(em)
    ? em
        .map((x) => (x && typeof x === 'object' ? toNumber((x as Record<string, unknown>).id) : toNumber(x)))
        .filter((x): x is number => x !== undefined)
    : (toNumber(em) !== undefined ? [toNumber(em)!] : []);
  return {
    id: reqId(raw.id, 'mailing'),
    name: str(raw.name) ?? '',
    description: str(raw.description) ?? '',
    status,
    statusName: statusName(status),
    isTest: toBool(raw.is_test) ?? false,
    emailIds,
    scheduleDate: toDate(raw.schedule_date),
    created: toDate(raw.created),
    modified: toDate(raw.modified),
    extra: pickExtra(raw, MAILING_KEYS),
  };
}

const TRANSACTIONAL_KEYS = ['id', 'name', 'description', 'list_id', 'esp_connection_id', 'is_default', 'created', 'modified'] as const;

export function parseTransactionalCampaign(input: unknown): TransactionalCampaign {
  const raw = asObject(input, 'transactional campaign') as RawTransactionalCampaign;
  return {
    id: reqId(raw.id, 'transactional campaign'),
    name: str(raw.name) ?? '',
    description: str(raw.description) ?? '',
    listId: optId(raw.list_id),
    espConnectionId: optId(raw.esp_connection_id),
    isDefault: toBool(raw.is_default),
    created: toDate(raw.created),
    modified: toDate(raw.modified),
    extra: pickExtra(raw, TRANSACTIONAL_KEYS),
  };
}

const LIST_KEYS = [
  'id', 'name', 'type', 'default_transactional_id', 'welcome_email_id', 'unsubscribe_default_link',
  'header_template_id', 'footer_template_id', 'tracking_domain', 'image_host_base', 'created', 'modified',
] as const;

export function parseList(input: unknown): OngageList {
  const raw = asObject(input, 'list') as RawList;
  return {
    id: reqId(raw.id, 'list'),
    name: str(raw.name) ?? '',
    type: str(raw.type),
    defaultTransactionalId: optId(raw.default_transactional_id),
    welcomeEmailId: optId(raw.welcome_email_id),
    unsubscribeDefaultLink: toBool(raw.unsubscribe_default_link),
    headerTemplateId: optId(raw.header_template_id),
    footerTemplateId: optId(raw.footer_template_id),
    trackingDomain: str(raw.tracking_domain) || undefined,
    imageHostBase: str(raw.image_host_base) || undefined,
    created: toDate(raw.created),
    modified: toDate(raw.modified),
    extra: pickExtra(raw, LIST_KEYS),
  };
}

const LIST_FIELD_KEYS = [
  'id', 'list_id', 'name', 'title', 'type', 'format', 'default', 'mandatory', 'position', 'created',
  'modified', 'deleted', 'is_sms',
] as const;

export function parseListField(input: unknown): ListField {
  const raw = asObject(input, 'list field') as RawListField;
  const name = str(raw.name) ?? '';
  return {
    id: reqId(raw.id, 'list field'),
    listId: optId(raw.list_id),
    name,
    title: str(raw.title) || name,
    type: str(raw.type) ?? 'string',
    format: str(raw.format) || undefined,
    default: raw.default === null || raw.default === undefined ? undefined : str(raw.default),
    mandatory: toBool(raw.mandatory) ?? false,
    position: toNumber(raw.position),
    created: toDate(raw.created),
    modified: toDate(raw.modified),
    deleted: toBool(raw.deleted) ?? false,
    isSms: toBool(raw.is_sms) ?? false,
    extra: pickExtra(raw, LIST_FIELD_KEYS),
  };
}

const ESP_KEYS = ['id', 'esp_id', 'esp_name', 'name', 'support_transactional'] as const;

export function parseEspConnection(input: unknown): EspConnection {
  const raw = asObject(input, 'ESP connection') as RawEspConnection;
  return {
    id: reqId(raw.id, 'ESP connection'),
    espId: optId(raw.esp_id),
    espName: str(raw.esp_name),
    name: str(raw.name) ?? '',
    supportTransactional: toBool(raw.support_transactional) ?? false,
    extra: pickExtra(raw, ESP_KEYS),
  };
}

export function parseContact(input: unknown): Contact {
  const raw = asObject(input, 'contact');
  return {
    id: str(raw.id) ?? '',
    email: str(raw.email) ?? '',
    status: str(raw.ocx_status),
    createdDate: toDate(raw.ocx_created_date),
    fields: { ...raw },
  };
}

export function parseSendResult(input: unknown, recipients: string[]): SendResult {
  const raw = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { value: input };
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
  const rejected = Array.isArray(raw.rejected)
    ? raw.rejected
        .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
        .map((x) => ({ recipient: str(x.recipient) ?? '', reason: str(x.reason) ?? '' }))
    : undefined;
  return {
    id: optId(raw.id),
    campaignId: optId(raw.campaign_id),
    recipients,
    accepted: strings(raw.accepted),
    rejected,
    extra: pickExtra(raw, ['id', 'campaign_id', 'recipients', 'accepted', 'rejected']),
  };
}

/** Parses every element; a malformed element fails the whole call with a TypeError naming it. */
export function parseArray<T>(payload: unknown, parse: (x: unknown) => T, what: string): T[] {
  if (!Array.isArray(payload)) {
    // Some collections come as an object keyed by id.
    if (payload && typeof payload === 'object') return Object.values(payload).map(parse);
    throw new TypeError(`${what}: expected a list`);
  }
  return payload.map(parse);
}
