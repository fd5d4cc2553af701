/**
 * The sandbox's state: typed records, the indexes that keep library paging fast, and the conversion of
 * records to the shapes Ongage sends (ids, flags and timestamps as strings on emails, connections,
 * campaigns and segments; real numbers and booleans on lists and list fields).
 */
export type ItemType = 'email_message' | 'template' | 'folder';
export const ITEM_TYPES: readonly ItemType[] = ['email_message', 'template', 'folder'];

export interface Address {
  from_name: string;
  from_address: string;
  reply_address: string;
  esp_connection_id: number | null;
}

export interface EmailRec {
  id: number;
  type: ItemType;
  account_id: number;
  list_id: number;
  parent_id: number;
  name: string;
  description: string;
  subject: string;
  preheader: string;
  content_html: string;
  content_text: string;
  unsubscribe_default_link: boolean;
  unsubscribe_success_html: string;
  unsubscribe_confirmation_html: string;
  unsubscribe_confirmation_button: string;
  created: number;
  modified: number;
  deleted: boolean;
  mailing_id: number | null;
  favorite: boolean;
  addresses: Address[];
  tag_ids: number[];
  header_template_id: number | null;
  footer_template_id: number | null;
  language_iso: string;
  link_query_params: Record<string, string> | null;
  frequency_active: boolean;
  frequency_html: string;
  frequencies: unknown[];
  no_wysiwyg: boolean;
  created_by: number;
}

/**
 * A library record with Ongage's defaults for every field, as a fresh item has them; `fields` override.
 * Used both for the seed and for items created through the API, so the two cannot drift apart.
 */
export function emailRecord(
  base: Pick<EmailRec, 'id' | 'type' | 'account_id' | 'list_id' | 'created'> & Partial<EmailRec>,
): EmailRec {
  return {
    parent_id: 0,
    name: '',
    description: '',
    subject: '',
    preheader: '',
    content_html: '',
    content_text: '',
    unsubscribe_default_link: base.type !== 'folder',
    unsubscribe_success_html: 'You have been successfully unsubscribed',
    unsubscribe_confirmation_html: '',
    unsubscribe_confirmation_button: '',
    modified: base.created,
    deleted: false,
    mailing_id: null,
    favorite: false,
    addresses: [],
    tag_ids: [],
    header_template_id: null,
    footer_template_id: null,
    language_iso: 'en',
    link_query_params: null,
    frequency_active: false,
    frequency_html: '',
    frequencies: [],
    no_wysiwyg: false,
    created_by: 501,
    ...base,
  };
}

export interface ListRec {
  id: number;
  account_id: number;
  name: string;
  description: string;
  type: string;
  default: boolean;
  default_transactional_id: number | null;
  welcome_email_id: number | null;
  unsubscribe_default_link: boolean;
  header_template_id: number | null;
  footer_template_id: number | null;
  tracking_domain: string;
  image_host_base: string;
  created: number;
  modified: number;
}

export type FieldType = 'email' | 'string' | 'numeric' | 'date';

export interface FieldRec {
  id: number;
  list_id: number;
  name: string;
  title: string;
  type: FieldType;
  format: string | null;
  default: string | null;
  mandatory: boolean;
  position: number;
  created: number;
  modified: number;
  deleted: boolean;
  is_sms: boolean;
}

export type ContactStatus = 'Active' | 'Unsubscribed' | 'Bounced' | 'Complaint';

export interface ContactRec {
  id: string;
  list_id: number;
  email: string;
  fields: Record<string, string | number | null>;
  ocx_status: ContactStatus;
  ocx_created_date: number;
  ocx_unsubscribe_date: number | null;
  ocx_resubscribe_date: number | null;
  ocx_bounce_date: number | null;
  ocx_complaint_date: number | null;
  ocx_import_id: number | null;
}

export interface ConnectionRec {
  id: number;
  esp_id: number;
  esp_name: string;
  name: string;
  support_transactional: boolean;
  active: boolean;
}

export interface TransactionalRec {
  id: number;
  account_id: number;
  list_id: number;
  name: string;
  description: string;
  is_default: boolean;
  esp_connection_id: number | null;
  created: number;
  modified: number;
  deleted: boolean;
}

export interface MailingRec {
  id: number;
  account_id: number;
  list_id: number;
  name: string;
  description: string;
  type: string;
  is_test: boolean;
  status: number;
  email_message: number[];
  segments: number[];
  recipients: string[];
  distribution: unknown[];
  esp_connection_id: number | null;
  prepend_test_to_subject: boolean;
  schedule_date: number | null;
  created: number;
  modified: number;
}

export interface SegmentRec {
  id: number;
  list_id: number;
  name: string;
  type: string;
  favorite: boolean;
  last_count: number;
  created: number;
  modified: number;
}

export interface TagRec {
  id: number;
  list_id: number | null;
  title: string;
  created: number;
}

export interface SuppressionRec {
  email: string;
  scope: 'global' | 'list';
  list_id: number | null;
}

export type SendKind = 'test' | 'transactional';

/** One message as it would be delivered to one recipient. */
export interface OutboxEntry {
  id: number;
  kind: SendKind;
  /** Test campaign id for test sends, transactional campaign id for transactional sends. */
  mailing_id: number;
  list_id: number;
  /** Stored email id, or null for send_embed_content. */
  message_id: number | null;
  recipient: string;
  contact_id: string | null;
  esp_connection_id: number | null;
  from_name: string;
  from_address: string;
  reply_address: string;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** The send's own values for this recipient: message_dynamic_fields with the recipient's key_value_collection laid over ({} for tests). */
  dynamic_fields: Record<string, unknown>;
  /** Unix seconds when it was accepted. */
  sent_at: number;
  /** Unix seconds it was scheduled for (schedule_date / delay_send), else null. */
  scheduled_for: number | null;
}

export interface LaunchRec {
  mailing_id: number;
  list_id: number;
  name: string;
  email_message: number[];
  segments: number[];
  scheduled: boolean;
  at: number;
}

export interface StateData {
  version: 1;
  account: { id: number; code: string };
  nextId: { email: number; mailing: number; transactional: number; outbox: number; tag: number; field: number };
  lists: ListRec[];
  fields: FieldRec[];
  emails: EmailRec[];
  contacts: ContactRec[];
  connections: ConnectionRec[];
  transactional: TransactionalRec[];
  mailings: MailingRec[];
  segments: SegmentRec[];
  tags: TagRec[];
  suppression: SuppressionRec[];
  outbox: OutboxEntry[];
  /** Non-test campaigns created through the API (the extension must never create one). */
  launches: LaunchRec[];
}

export const CAMPAIGN_STATUS = {
  NEW: 60001,
  SCHEDULED: 60002,
  IN_PROGRESS: 60003,
  COMPLETED: 60004,
  ERROR: 60005,
  CANCELLED: 60006,
  DELETED: 60007,
  COMPLETED_WITH_ERRORS: 60008,
  ON_HOLD: 60009,
  STOPPED: 60010,
} as const;

const STATUS_NAMES: Record<number, string> = {
  60001: 'New',
  60002: 'Scheduled',
  60003: 'In Progress',
  60004: 'Completed',
  60005: 'Error',
  60006: 'Cancelled',
  60007: 'Deleted',
  60008: 'Completed With Errors',
  60009: 'On Hold',
  60010: 'Stopped',
};

// ---------- the store with its indexes ----------

export class Store {
  data: StateData;
  private emailsById = new Map<number, EmailRec>();
  /** list id -> parent id -> ids of live (not deleted) items. */
  private children = new Map<number, Map<number, Set<number>>>();
  private liveByList = new Map<number, Set<number>>();

  constructor(data: StateData) {
    this.data = data;
    this.reindex();
  }

  reindex(): void {
    this.emailsById.clear();
    this.children.clear();
    this.liveByList.clear();
    for (const e of this.data.emails) {
      this.emailsById.set(e.id, e);
      if (!e.deleted) this.link(e);
    }
  }

  private link(e: EmailRec): void {
    let byParent = this.children.get(e.list_id);
    if (!byParent) this.children.set(e.list_id, (byParent = new Map()));
    let set = byParent.get(e.parent_id);
    if (!set) byParent.set(e.parent_id, (set = new Set()));
    set.add(e.id);
    let live = this.liveByList.get(e.list_id);
    if (!live) this.liveByList.set(e.list_id, (live = new Set()));
    live.add(e.id);
  }

  private unlink(e: EmailRec): void {
    this.children.get(e.list_id)?.get(e.parent_id)?.delete(e.id);
    this.liveByList.get(e.list_id)?.delete(e.id);
  }

  list(id: number): ListRec | undefined {
    return this.data.lists.find((l) => l.id === id);
  }

  defaultList(): ListRec {
    return this.data.lists.find((l) => l.default) ?? this.data.lists[0];
  }

  /** A live (not deleted) library item. */
  email(id: number): EmailRec | undefined {
    const e = this.emailsById.get(id);
    return e && !e.deleted ? e : undefined;
  }

  /** Live item ids of a list, optionally only those directly under one parent, in id order. */
  emailIds(listId: number, parentId?: number): number[] {
    const set = parentId === undefined ? this.liveByList.get(listId) : this.children.get(listId)?.get(parentId);
    if (!set) return [];
    return Array.from(set).sort((a, b) => a - b);
  }

  childCount(listId: number, parentId: number): number {
    return this.children.get(listId)?.get(parentId)?.size ?? 0;
  }

  addEmail(e: EmailRec): EmailRec {
    this.data.emails.push(e);
    this.emailsById.set(e.id, e);
    if (!e.deleted) this.link(e);
    return e;
  }

  /** Applies `change` to an item, keeping the indexes right when its folder or list changes. */
  updateEmail(e: EmailRec, change: Partial<EmailRec>): EmailRec {
    this.unlink(e);
    Object.assign(e, change);
    if (!e.deleted) this.link(e);
    return e;
  }

  nextEmailId(): number {
    return this.data.nextId.email++;
  }

  fields(listId: number): FieldRec[] {
    return this.data.fields.filter((f) => f.list_id === listId && !f.deleted).sort((a, b) => a.position - b.position);
  }

  contactByEmail(listId: number, email: string): ContactRec | undefined {
    const k = email.trim().toLowerCase();
    return this.data.contacts.find((c) => c.list_id === listId && c.email.toLowerCase() === k);
  }

  contactById(listId: number, id: string): ContactRec | undefined {
    return this.data.contacts.find((c) => c.list_id === listId && c.id === id);
  }

  connection(id: number): ConnectionRec | undefined {
    return this.data.connections.find((c) => c.id === id);
  }

  transactional(id: number): TransactionalRec | undefined {
    return this.data.transactional.find((t) => t.id === id && !t.deleted);
  }

  mailing(id: number): MailingRec | undefined {
    return this.data.mailings.find((m) => m.id === id);
  }

  /** True when the email is used by a campaign that has launched (not a test, not new/scheduled/cancelled). */
  launchedCampaignOf(e: EmailRec): MailingRec | undefined {
    if (e.mailing_id === null) return undefined;
    const m = this.mailing(e.mailing_id);
    if (!m || m.is_test) return undefined;
    const launched: number[] = [
      CAMPAIGN_STATUS.IN_PROGRESS,
      CAMPAIGN_STATUS.COMPLETED,
      CAMPAIGN_STATUS.COMPLETED_WITH_ERRORS,
      CAMPAIGN_STATUS.ON_HOLD,
      CAMPAIGN_STATUS.STOPPED,
      CAMPAIGN_STATUS.ERROR,
    ];
    return launched.includes(m.status) ? m : undefined;
  }
}

// ---------- Ongage shapes ----------

const s = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const flag = (b: boolean): string => (b ? '1' : '0');

export function emailOut(e: EmailRec, withTags = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: String(e.id),
    type: e.type,
    account_id: String(e.account_id),
    list_id: String(e.list_id),
    parent_id: String(e.parent_id),
    name: e.name,
    description: e.description,
    subject: e.subject,
    preheader: e.preheader,
    content_html: e.content_html,
    content_text: e.content_text,
    unsubscribe_default_link: flag(e.unsubscribe_default_link),
    unsubscribe_success_html: e.unsubscribe_success_html,
    unsubscribe_confirmation_html: e.unsubscribe_confirmation_html,
    unsubscribe_confirmation_button: e.unsubscribe_confirmation_button,
    created: String(e.created),
    modified: String(e.modified),
    deleted: flag(e.deleted),
    mailing_id: s(e.mailing_id),
    favorite: flag(e.favorite),
    created_by: String(e.created_by),
    addresses: e.addresses.map((a) => ({
      from_name: a.from_name,
      from_address: a.from_address,
      reply_address: a.reply_address,
      esp_connection_id: s(a.esp_connection_id),
    })),
    header_template_id: s(e.header_template_id),
    footer_template_id: s(e.footer_template_id),
    language_iso: e.language_iso,
    link_query_params: e.link_query_params,
    no_wysiwyg: flag(e.no_wysiwyg),
    frequency_active: flag(e.frequency_active),
    frequency_html: e.frequency_html,
    frequencies: e.frequencies,
  };
  if (withTags) out.tag_ids = e.tag_ids.map(String);
  return out;
}

export function listOut(l: ListRec, store: Store): Record<string, unknown> {
  return {
    id: l.id,
    account_id: l.account_id,
    name: l.name,
    description: l.description,
    type: l.type,
    default: l.default,
    default_transactional_id: l.default_transactional_id,
    welcome_email_id: l.welcome_email_id,
    unsubscribe_default_link: l.unsubscribe_default_link,
    header_template_id: l.header_template_id,
    footer_template_id: l.footer_template_id,
    tracking_domain: l.tracking_domain,
    image_host_base: l.image_host_base,
    last_count: store.data.contacts.filter((c) => c.list_id === l.id && c.ocx_status === 'Active').length,
    created: l.created,
    modified: l.modified,
  };
}

export function fieldOut(f: FieldRec): Record<string, unknown> {
  return { ...f };
}

export function contactOut(c: ContactRec, fields: FieldRec[]): Record<string, unknown> {
  const out: Record<string, unknown> = { email: c.email };
  for (const f of fields) {
    if (f.name === 'email') continue;
    out[f.name] = Object.prototype.hasOwnProperty.call(c.fields, f.name) ? c.fields[f.name] : null;
  }
  return {
    ...out,
    id: c.id,
    ocx_status: c.ocx_status,
    ocx_created_date: c.ocx_created_date,
    ocx_unsubscribe_date: c.ocx_unsubscribe_date,
    ocx_resubscribe_date: c.ocx_resubscribe_date,
    ocx_bounce_date: c.ocx_bounce_date,
    ocx_complaint_date: c.ocx_complaint_date,
    ocx_import_id: c.ocx_import_id,
  };
}

export function connectionOut(c: ConnectionRec): Record<string, unknown> {
  return {
    id: String(c.id),
    esp_id: String(c.esp_id),
    esp_name: c.esp_name,
    name: c.name,
    support_transactional: flag(c.support_transactional),
    active: flag(c.active),
  };
}

export function transactionalOut(t: TransactionalRec): Record<string, unknown> {
  return {
    id: String(t.id),
    account_id: String(t.account_id),
    list_id: String(t.list_id),
    name: t.name,
    description: t.description,
    is_default: flag(t.is_default),
    esp_connection_id: s(t.esp_connection_id),
    created: String(t.created),
    modified: String(t.modified),
    deleted: flag(t.deleted),
  };
}

export function mailingOut(m: MailingRec): Record<string, unknown> {
  return {
    id: String(m.id),
    account_id: String(m.account_id),
    list_id: String(m.list_id),
    name: m.name,
    description: m.description,
    type: m.type,
    is_test: flag(m.is_test),
    status: String(m.status),
    status_desc: STATUS_NAMES[m.status] ?? 'Unknown',
    email_message: m.email_message.map(String),
    segments: m.segments.map(String),
    recipients: m.recipients,
    distribution: m.distribution,
    esp_connection_id: s(m.esp_connection_id),
    prepend_test_to_subject: flag(m.prepend_test_to_subject),
    schedule_date: s(m.schedule_date),
    created: String(m.created),
    modified: String(m.modified),
  };
}

export function segmentOut(g: SegmentRec): Record<string, unknown> {
  return {
    id: String(g.id),
    list_id: String(g.list_id),
    name: g.name,
    type: g.type,
    favorite: flag(g.favorite),
    last_count: String(g.last_count),
    created: String(g.created),
    modified: String(g.modified),
  };
}

export function tagOut(t: TagRec): Record<string, unknown> {
  return { id: String(t.id), list_id: s(t.list_id), title: t.title, created: String(t.created) };
}
