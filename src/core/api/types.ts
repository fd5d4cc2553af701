/**
 * Types of the Ongage API as this project uses it. `Raw*` types are what arrives on the wire (numbers
 * and flags often as strings, snake_case); the others are what the client hands out (numbers, booleans,
 * Dates, camelCase). Every parsed object keeps the fields it does not know in `extra`, untouched.
 */

// ---------------------------------------------------------------------------------------------- wire

/** A number that may arrive as a number or as its decimal text. */
export type WireNumber = number | string;
/** A flag that may arrive as a boolean, 0/1, or "0"/"1". */
export type WireFlag = boolean | number | string;

export interface RawEnvelope<P = unknown> {
  metadata?: { error?: WireFlag; total?: WireNumber; [k: string]: unknown };
  payload?: P;
}

export interface RawErrorPayload {
  code?: WireNumber;
  message?: string;
  errors?: unknown;
}

export interface RawAddress {
  from_name?: string;
  from_address?: string;
  reply_address?: string;
  esp_connection_id?: WireNumber | null;
  [k: string]: unknown;
}

export interface RawEmail {
  id: WireNumber;
  type?: string;
  account_id?: WireNumber;
  list_id?: WireNumber | null;
  parent_id?: WireNumber | null;
  name?: string;
  description?: string;
  subject?: string;
  preheader?: string | null;
  content_html?: string;
  content_text?: string;
  unsubscribe_default_link?: WireFlag;
  unsubscribe_success_html?: string;
  unsubscribe_confirmation_html?: string;
  unsubscribe_confirmation_button?: string;
  created?: WireNumber;
  modified?: WireNumber;
  deleted?: WireFlag;
  mailing_id?: WireNumber | null;
  favorite?: WireFlag;
  addresses?: RawAddress[];
  tag_ids?: WireNumber[];
  header_template_id?: WireNumber | null;
  footer_template_id?: WireNumber | null;
  language_iso?: string | null;
  link_query_params?: Record<string, string> | null;
  warning?: string;
  [k: string]: unknown;
}

export interface RawMailing {
  id: WireNumber;
  name?: string;
  description?: string;
  status?: WireNumber;
  status_desc?: string;
  is_test?: WireFlag;
  email_message?: unknown;
  schedule_date?: WireNumber | string | null;
  created?: WireNumber;
  modified?: WireNumber;
  [k: string]: unknown;
}

export interface RawTransactionalCampaign {
  id: WireNumber;
  name?: string;
  description?: string;
  list_id?: WireNumber;
  esp_connection_id?: WireNumber | null;
  is_default?: WireFlag;
  created?: WireNumber;
  modified?: WireNumber;
  [k: string]: unknown;
}

export interface RawList {
  id: WireNumber;
  name?: string;
  type?: string;
  default_transactional_id?: WireNumber | null;
  welcome_email_id?: WireNumber | null;
  unsubscribe_default_link?: WireFlag;
  header_template_id?: WireNumber | null;
  footer_template_id?: WireNumber | null;
  tracking_domain?: string | null;
  image_host_base?: string | null;
  created?: WireNumber;
  modified?: WireNumber;
  [k: string]: unknown;
}

export interface RawListField {
  id: WireNumber;
  list_id?: WireNumber;
  name: string;
  title?: string;
  type?: string;
  format?: string | null;
  default?: string | null;
  mandatory?: WireFlag;
  position?: WireNumber;
  created?: WireNumber;
  modified?: WireNumber;
  deleted?: WireFlag;
  is_sms?: WireFlag;
  [k: string]: unknown;
}

export interface RawEspConnection {
  id: WireNumber;
  esp_id?: WireNumber;
  esp_name?: string;
  name?: string;
  support_transactional?: WireFlag;
  [k: string]: unknown;
}

export type RawContact = Record<string, unknown>;

// -------------------------------------------------------------------------------------------- parsed

export type LibraryItemType = 'email_message' | 'template' | 'folder';

export interface SenderAddress {
  fromName?: string;
  fromAddress?: string;
  replyAddress?: string;
  espConnectionId?: number;
  extra: Record<string, unknown>;
}

/** An item of the email library: an email, a template or a folder. */
export interface Email {
  id: number;
  /** `email_message`, `template` or `folder` (kept as given when Ongage adds a type). */
  type: LibraryItemType | string;
  accountId?: number;
  listId?: number;
  /** The folder the item is in; 0 = root. */
  parentId: number;
  name: string;
  description: string;
  subject: string;
  preheader: string;
  /** Absent in listings that leave content out. */
  contentHtml?: string;
  contentText?: string;
  unsubscribeDefaultLink?: boolean;
  unsubscribeSuccessHtml?: string;
  unsubscribeConfirmationHtml?: string;
  unsubscribeConfirmationButton?: string;
  created?: Date;
  modified?: Date;
  deleted: boolean;
  /** The campaign the email belongs to, if any. */
  mailingId?: number;
  favorite: boolean;
  addresses: SenderAddress[];
  tagIds: number[];
  headerTemplateId?: number;
  footerTemplateId?: number;
  languageIso?: string;
  linkQueryParams?: Record<string, string>;
  /** A warning Ongage attached to the answer (e.g. "a copy was created"). */
  warning?: string;
  /** Fields this client does not know, as they arrived. */
  extra: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  /** Size of the whole collection, when the server said (metadata.total). */
  total?: number;
  /** 1-based page number (for page/page_size collections) or the offset (offset/limit collections). */
  page: number;
  pageSize: number;
}

export interface EmailFilter {
  type?: LibraryItemType;
  parentId?: number;
  subject?: string;
  /** Only items modified at or after this time (for incremental refresh). */
  modifiedFrom?: Date | number;
  modifiedTo?: Date | number;
  createdBy?: number;
  favorite?: boolean;
  /** Overrides the connection's list for this call. */
  listId?: number;
  getTags?: boolean;
}

/** Fields for creating or updating a library item. */
export interface EmailInput {
  type?: LibraryItemType;
  name?: string;
  description?: string;
  subject?: string;
  preheader?: string;
  contentHtml?: string;
  contentText?: string;
  parentId?: number;
  favorite?: boolean;
  addresses?: Array<Omit<SenderAddress, 'extra'>>;
  tagIds?: number[];
  headerTemplateId?: number | null;
  footerTemplateId?: number | null;
  languageIso?: string;
  linkQueryParams?: Record<string, string>;
  unsubscribeDefaultLink?: boolean;
  unsubscribeSuccessHtml?: string;
  unsubscribeConfirmationHtml?: string;
  unsubscribeConfirmationButton?: string;
  /** Further wire fields, sent as given (snake_case). */
  extra?: Record<string, unknown>;
}

export interface EmailCreateInput extends EmailInput {
  type: LibraryItemType;
  name: string;
}

export interface EmailUpdateResult {
  /** The item as stored: the same id, or a new one when Ongage made a copy. */
  email: Email;
  /** True when Ongage created a copy with a new id instead of changing the original (the email belongs to a launched campaign). */
  copied: boolean;
  /** The id that was asked to be updated. */
  requestedId: number;
  warning?: string;
  /** The copy is one an earlier, lost attempt stored (found by `findCopy`), not the answer to this one. */
  earlier?: boolean;
}

export type CampaignStatusName =
  | 'NEW'
  | 'SCHEDULED'
  | 'IN_PROGRESS'
  | 'COMPLETED'
  | 'ERROR'
  | 'CANCELLED'
  | 'DELETED'
  | 'COMPLETED_WITH_ERRORS'
  | 'ON_HOLD'
  | 'STOPPED'
  | 'UNKNOWN';

export const CAMPAIGN_STATUS: Readonly<Record<number, CampaignStatusName>> = Object.freeze({
  60001: 'NEW',
  60002: 'SCHEDULED',
  60003: 'IN_PROGRESS',
  60004: 'COMPLETED',
  60005: 'ERROR',
  60006: 'CANCELLED',
  60007: 'DELETED',
  60008: 'COMPLETED_WITH_ERRORS',
  60009: 'ON_HOLD',
  60010: 'STOPPED',
});

export interface Mailing {
  id: number;
  name: string;
  description: string;
  status?: number;
  statusName: CampaignStatusName;
  isTest: boolean;
  emailIds: number[];
  scheduleDate?: Date;
  created?: Date;
  modified?: Date;
  extra: Record<string, unknown>;
}

/** A test send. There is deliberately no way to ask for a non-test campaign. */
export interface TestMailingInput {
  /** The emails to send (Ongage sends each to every recipient). */
  emailIds: number[];
  recipients: string[];
  espConnectionId: number;
  /** Defaults to "Test: <first email id>". */
  name?: string;
  description?: string;
  /** Prefix the subject with "TEST". Default true. */
  prependTestToSubject?: boolean;
  listId?: number;
}

export interface TransactionalCampaign {
  id: number;
  name: string;
  description: string;
  listId?: number;
  espConnectionId?: number;
  isDefault?: boolean;
  created?: Date;
  modified?: Date;
  extra: Record<string, unknown>;
}

export interface TransactionalCampaignInput {
  name: string;
  description?: string;
  espConnectionId?: number;
  extra?: Record<string, unknown>;
}

export type DynamicFields = Record<string, string | number | boolean | null>;

/** Options shared by both forms of transactional send. */
export interface TransactionalSendOptions {
  recipients: string[];
  /** The transactional campaign; the list's default one when absent. */
  campaignId?: number;
  sendingConnectionId?: number;
  /** Honour the contact's status (unsubscribed, bounced…). Default false (Ongage's default). */
  checkStatus?: boolean;
  /** Honour global and list suppression lists. Default false. */
  checkGlobalAndListSuppression?: boolean;
  /** Values for `{{key}}` placeholders, the same for every recipient. */
  dynamicFields?: DynamicFields;
  /** Values per recipient: `{ "a@x.com": { first_name: "Ann" } }` or Ongage's own array form. */
  dynamicFieldsPerRecipient?:
    | Record<string, DynamicFields>
    | Array<{ recipient: string; keyValueCollection: DynamicFields }>;
  /** A time to deliver at (Date, Unix seconds, or Ongage's date text). */
  scheduleDate?: Date | number | string;
  /** "HH:MM" or seconds. */
  delaySend?: string | number;
  disableUnsubscribe?: boolean;
  createContact?: boolean;
  listId?: number;
  extra?: Record<string, unknown>;
}

export interface TransactionalSendInput extends TransactionalSendOptions {
  /** A stored email of the library. */
  messageId: number;
}

export interface EmbeddedMessage {
  subject: string;
  /** For email. */
  contentHtml?: string;
  /** For SMS / plain text. */
  contentText?: string;
  addresses: { fromName: string; fromAddress?: string; replyAddress?: string };
}

export interface TransactionalEmbedInput extends TransactionalSendOptions {
  message: EmbeddedMessage;
}

/** What Ongage answered to a send; the payload's shape is not documented, so all of it is kept. */
export interface SendResult {
  /** An id Ongage returned for the send, when it returned one. */
  id?: number;
  /** The transactional campaign the send was counted under, when the answer says. */
  campaignId?: number;
  /** The recipients asked for. */
  recipients: string[];
  /** Recipients the server says it accepted / turned away (status or suppression checks), when it says. */
  accepted?: string[];
  rejected?: Array<{ recipient: string; reason: string }>;
  extra: Record<string, unknown>;
}

export interface Contact {
  /** Ongage's contact id (a hex string). */
  id: string;
  email: string;
  /** ocx_status: Active, Unsubscribed, Bounced, … */
  status?: string;
  createdDate?: Date;
  /** Every field of the contact as it arrived (list fields and ocx_ system fields), for preview data. */
  fields: Record<string, unknown>;
}

export interface OngageList {
  id: number;
  name: string;
  type?: string;
  defaultTransactionalId?: number;
  welcomeEmailId?: number;
  unsubscribeDefaultLink?: boolean;
  headerTemplateId?: number;
  footerTemplateId?: number;
  trackingDomain?: string;
  imageHostBase?: string;
  created?: Date;
  modified?: Date;
  extra: Record<string, unknown>;
}

export interface ListQuery {
  name?: string;
  type?: string;
  sort?: string;
  order?: 'ASC' | 'DESC';
  offset?: number;
  limit?: number;
}

export type ListFieldType = 'email' | 'string' | 'numeric' | 'date';

export interface ListField {
  id: number;
  listId?: number;
  name: string;
  title: string;
  type: ListFieldType | string;
  /** For date fields: dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd, optionally with " hh24:mi[:ss]". */
  format?: string;
  default?: string;
  mandatory: boolean;
  position?: number;
  created?: Date;
  modified?: Date;
  deleted: boolean;
  isSms: boolean;
  extra: Record<string, unknown>;
}

export interface EspConnection {
  id: number;
  espId?: number;
  espName?: string;
  name: string;
  supportTransactional: boolean;
  extra: Record<string, unknown>;
}

export interface OffsetQuery {
  sort?: string;
  order?: 'ASC' | 'DESC';
  offset?: number;
  limit?: number;
}
