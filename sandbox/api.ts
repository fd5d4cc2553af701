/**
 * The Ongage API methods the sandbox serves. Each handler reads the request, changes the store and returns a
 * payload (and `total` for collections); failures throw ApiError, which the server wraps in Ongage's error
 * envelope. Ids are account-wide, so reads and writes by id work whatever list the path names; collections and
 * new items use the list the request resolves to (body list_id, ?list_id=, /<list_id>/api/…, else the default).
 */
import { composeEmail, deliver, MessageParts } from './deliver';
import {
  Address,
  CAMPAIGN_STATUS,
  connectionOut,
  contactOut,
  EmailRec,
  emailOut,
  fieldOut,
  ITEM_TYPES,
  ItemType,
  LaunchRec,
  listOut,
  MailingRec,
  mailingOut,
  segmentOut,
  Store,
  tagOut,
  TransactionalRec,
  transactionalOut,
  emailRecord,
} from './model';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: unknown = [],
  ) {
    super(message);
  }
}

export interface ApiRequest {
  method: string;
  /** Path segments after `/api/`, URL-decoded. */
  parts: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The list id named in the path prefix, if any. */
  prefixListId: number | null;
  baseUrl: string;
  now: number;
}

export interface ApiResult {
  status?: number;
  payload: unknown;
  total?: number;
  mutated?: boolean;
  /** Set on a non-test campaign launch. */
  launch?: LaunchRec;
  /** Number of messages put in the outbox. */
  delivered?: number;
  sendKind?: 'test' | 'transactional';
}

// ---------- input helpers ----------

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toInt(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return null;
}

function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'true');
}

function has(body: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;
}

function idParam(raw: string | undefined, what: string): number {
  const id = toInt(raw);
  if (id === null || id <= 0) throw new ApiError(404, `${what} not found: "${raw ?? ''}" is not a valid id`);
  return id;
}

function validation(problems: Record<string, string>): never {
  const keys = Object.keys(problems);
  const missing = keys.filter((k) => /is required/.test(problems[k]));
  const message = missing.length === keys.length
    ? `Missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`
    : `Validation errors: ${keys.map((k) => problems[k]).join('; ')}`;
  throw new ApiError(412, message, problems);
}

function requireFields(body: Record<string, unknown>, names: string[], prefix = ''): void {
  const problems: Record<string, string> = {};
  for (const n of names) if (!has(body, n) || body[n] === null) problems[prefix + n] = `${prefix + n} is required`;
  if (Object.keys(problems).length) validation(problems);
}

function paging(q: URLSearchParams, defaultLimit = 50): { offset: number; limit: number } {
  const offset = q.has('offset') ? toInt(q.get('offset')) : 0;
  const limit = q.has('limit') ? toInt(q.get('limit')) : defaultLimit;
  if (offset === null || offset < 0) validation({ offset: 'offset must be a number of 0 or more' });
  if (limit === null || limit < 1) validation({ limit: 'limit must be a number of 1 or more' });
  return { offset, limit: Math.min(limit, 1000) };
}

function sortRows<T extends Record<string, unknown>>(rows: T[], q: URLSearchParams, allowed: string[], fallback: string): T[] {
  const sort = q.get('sort') ?? fallback;
  if (!allowed.includes(sort)) validation({ sort: `sort must be one of ${allowed.join(', ')}` });
  const order = (q.get('order') ?? 'ASC').toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') validation({ order: 'order must be ASC or DESC' });
  const dir = order === 'DESC' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[sort];
    const y = b[sort];
    const nx = typeof x === 'number' ? x : Number(x);
    const ny = typeof y === 'number' ? y : Number(y);
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return (nx - ny) * dir;
    return String(x).localeCompare(String(y)) * dir;
  });
}

// ---------- the router ----------

export function resolveListId(store: Store, req: ApiRequest): number {
  const fromBody = has(req.body, 'list_id') ? toInt(req.body.list_id) : null;
  const fromQuery = req.query.has('list_id') ? toInt(req.query.get('list_id')) : null;
  const id = fromBody ?? fromQuery ?? req.prefixListId ?? store.defaultList().id;
  if (!store.list(id)) throw new ApiError(404, `List ${id} not found. Use one of the account's lists (GET /api/lists).`);
  return id;
}

export function handleApi(store: Store, req: ApiRequest): ApiResult {
  const [resource, a, b, c] = req.parts;
  const m = req.method;
  const route = `${m} ${resource ?? ''}`;
  switch (resource) {
    case 'emails':
      if (a === undefined) {
        if (m === 'GET') return listEmails(store, req);
        if (m === 'POST') return createEmail(store, req);
      } else if (b === undefined) {
        if (m === 'GET') return getEmail(store, req, idParam(a, 'Email'));
        if (m === 'PUT') return updateEmail(store, req, idParam(a, 'Email'));
        if (m === 'DELETE') return deleteEmail(store, req, idParam(a, 'Email'));
      } else if (c === undefined && m === 'PUT') {
        if (b === 'copy') return copyEmail(store, req, idParam(a, 'Email'));
        if (b === 'favourite' || b === 'favorite') return toggleFavourite(store, req, idParam(a, 'Email'));
        if (b === 'move') return moveEmail(store, req, idParam(a, 'Email'));
      }
      break;
    case 'mailings':
      if (a === undefined) {
        if (m === 'GET') return listMailings(store, req);
        if (m === 'POST') return createMailing(store, req);
      } else if (b === undefined && m === 'GET') return getMailing(store, idParam(a, 'Campaign'));
      else if (c === undefined && m === 'PUT' && b === 'cancel') return cancelMailing(store, req, idParam(a, 'Campaign'));
      break;
    case 'transactional':
      if (a === undefined) {
        if (m === 'GET') return listTransactional(store, req);
        if (m === 'POST') return createTransactional(store, req);
      } else if (b === undefined) {
        if (a === 'send' && m === 'POST') return sendTransactional(store, req, false);
        if (a === 'send_embed_content' && m === 'POST') return sendTransactional(store, req, true);
        if (m === 'GET') return { payload: transactionalOut(transactionalOrThrow(store, idParam(a, 'Transactional campaign'))) };
        if (m === 'PUT') return updateTransactional(store, req, idParam(a, 'Transactional campaign'));
        if (m === 'DELETE') return deleteTransactional(store, req, idParam(a, 'Transactional campaign'));
      }
      break;
    case 'contacts':
      if (m === 'GET' && a === 'by_email' && b !== undefined && c === undefined) return contactByEmail(store, req, b);
      if (m === 'GET' && a === 'by_id' && b !== undefined && c === undefined) return contactById(store, req, b);
      break;
    case 'lists':
      if (m === 'GET' && a === undefined) return listLists(store, req);
      if (m === 'GET' && b === undefined) {
        const l = store.list(idParam(a, 'List'));
        if (!l) throw new ApiError(404, `List ${a} not found`);
        return { payload: listOut(l, store) };
      }
      break;
    case 'list_fields':
      if (m === 'GET' && a === undefined) {
        const rows = store.fields(resolveListId(store, req)).map(fieldOut);
        return { payload: rows, total: rows.length };
      }
      break;
    case 'esp_connections':
      if (m === 'GET' && (a === undefined || (a === 'options' && b === undefined))) {
        const activeOnly = toBool(req.query.get('active_only'));
        const rows = store.data.connections.filter((x) => !activeOnly || x.active).map(connectionOut);
        return { payload: rows, total: rows.length };
      }
      break;
    case 'segments':
      if (m === 'GET' && a === undefined) {
        const listId = resolveListId(store, req);
        const { offset, limit } = paging(req.query);
        const all = sortRows(store.data.segments.filter((g) => g.list_id === listId).map(segmentOut), req.query, ['id', 'name', 'last_count', 'created', 'modified'], 'id');
        return { payload: all.slice(offset, offset + limit), total: all.length };
      }
      if (m === 'GET' && b === undefined) {
        const id = idParam(a, 'Segment');
        const g = store.data.segments.find((x) => x.id === id);
        if (!g) throw new ApiError(404, `Segment ${id} not found`);
        return { payload: segmentOut(g) };
      }
      break;
    case 'email_tag':
      if (m === 'GET' && a === undefined) return listTags(store, req);
      break;
  }
  throw new ApiError(404, `Unknown API method: ${route}${a !== undefined ? '/' + req.parts.slice(1).join('/') : ''}. See the sandbox README for the methods it serves.`);
}

// ---------- emails ----------

function emailOrThrow(store: Store, id: number): EmailRec {
  const e = store.email(id);
  if (!e) throw new ApiError(404, `Email ${id} not found or deleted`);
  return e;
}

function listEmails(store: Store, req: ApiRequest): ApiResult {
  const q = req.query;
  const listId = resolveListId(store, req);
  const problems: Record<string, string> = {};
  const num = (k: string): number | null => {
    if (!q.has(k) || q.get(k) === '') return null;
    const v = toInt(q.get(k));
    if (v === null) problems[k] = `${k} must be a number`;
    return v;
  };
  const page = num('page') ?? 1;
  const pageSize = num('page_size') ?? 50;
  const parentId = num('parent_id');
  const from = num('modified_from');
  const to = num('modified_to');
  const createdBy = num('created_by');
  const type = q.get('type') || null;
  if (type && !ITEM_TYPES.includes(type as ItemType)) problems.type = `type must be one of ${ITEM_TYPES.join(', ')}`;
  if (page < 1) problems.page = 'page must be 1 or more';
  if (pageSize < 1 || pageSize > 1000) problems.page_size = 'page_size must be between 1 and 1000';
  const fav = q.has('favorite') && q.get('favorite') !== '' ? toBool(q.get('favorite')) : null;
  if (Object.keys(problems).length) validation(problems);
  const subject = (q.get('subject') ?? '').toLowerCase();
  const withTags = toBool(q.get('get_tags'));
  const ids = store.emailIds(listId, parentId ?? undefined);
  const rows: EmailRec[] = [];
  for (const id of ids) {
    const e = store.email(id)!;
    if (type && e.type !== type) continue;
    if (fav !== null && e.favorite !== fav) continue;
    if (subject && !e.subject.toLowerCase().includes(subject)) continue;
    if (from !== null && e.modified < from) continue;
    if (to !== null && e.modified > to) continue;
    if (createdBy !== null && e.created_by !== createdBy) continue;
    rows.push(e);
  }
  const start = (page - 1) * pageSize;
  return { payload: rows.slice(start, start + pageSize).map((e) => emailOut(e, withTags)), total: rows.length };
}

function getEmail(store: Store, _req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  const mailings = store.data.mailings
    .filter((x) => x.email_message.includes(id) && !x.is_test)
    .map((x) => ({ id: String(x.id), name: x.name, status: String(x.status) }));
  return { payload: { ...emailOut(e), mailings } };
}

/** Validates the given email fields; `partial` for updates (nothing required). Returns the changes to apply. */
function readEmailFields(store: Store, body: Record<string, unknown>, listId: number, partial: boolean, self?: EmailRec): Partial<EmailRec> {
  if (!partial) requireFields(body, ['type', 'name', 'description', 'subject', 'content_html', 'content_text']);
  const problems: Record<string, string> = {};
  const out: Partial<EmailRec> = {};
  const str = (k: keyof EmailRec & string, nonEmpty = false): void => {
    if (!has(body, k)) return;
    const v = body[k];
    if (typeof v !== 'string' && typeof v !== 'number') problems[k] = `${k} must be a string`;
    else if (nonEmpty && String(v).trim() === '') problems[k] = `${k} must not be empty`;
    else (out as Record<string, unknown>)[k] = String(v);
  };
  if (has(body, 'type')) {
    if (!ITEM_TYPES.includes(body.type as ItemType)) problems.type = `type must be one of ${ITEM_TYPES.join(', ')}`;
    else if (self && (self.type === 'folder') !== (body.type === 'folder')) problems.type = `type cannot change from ${self.type} to ${String(body.type)}`;
    else out.type = body.type as ItemType;
  }
  str('name', true);
  for (const k of ['description', 'subject', 'content_html', 'content_text', 'preheader', 'language_iso', 'unsubscribe_success_html', 'unsubscribe_confirmation_html', 'unsubscribe_confirmation_button', 'frequency_html'] as const) str(k);
  if (has(body, 'parent_id')) {
    const p = toInt(body.parent_id);
    if (p === null || p < 0) problems.parent_id = 'parent_id must be a folder id, or 0 for the root';
    else if (p > 0) {
      const parent = store.email(p);
      if (!parent || parent.type !== 'folder' || parent.list_id !== listId) problems.parent_id = `parent_id ${p} is not a folder of list ${listId}`;
      else if (self && isSelfOrDescendant(store, self.id, p)) problems.parent_id = `a folder cannot be moved into itself or one of its subfolders`;
      else out.parent_id = p;
    } else out.parent_id = 0;
  }
  for (const k of ['header_template_id', 'footer_template_id'] as const) {
    if (!has(body, k)) continue;
    const v = body[k];
    if (v === null || v === '' || v === 0 || v === '0') {
      out[k] = null;
      continue;
    }
    const id = toInt(v);
    const t = id !== null ? store.email(id) : undefined;
    if (!t || t.type !== 'template' || t.list_id !== listId) problems[k] = `${k} ${String(v)} is not a template of list ${listId}`;
    else out[k] = id;
  }
  for (const k of ['favorite', 'unsubscribe_default_link', 'frequency_active', 'no_wysiwyg'] as const) {
    if (!has(body, k)) continue;
    const v = body[k];
    if (![true, false, 0, 1, '0', '1', 'true', 'false'].includes(v as never)) problems[k] = `${k} must be 1 or 0`;
    else out[k] = toBool(v);
  }
  if (has(body, 'addresses')) {
    const v = body.addresses;
    if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object')) problems.addresses = 'addresses must be an array of { from_name, from_address, reply_address, esp_connection_id }';
    else {
      out.addresses = (v as Record<string, unknown>[]).map((x): Address => ({
        from_name: String(x.from_name ?? ''),
        from_address: String(x.from_address ?? ''),
        reply_address: String(x.reply_address ?? ''),
        esp_connection_id: toInt(x.esp_connection_id),
      }));
      const bad = out.addresses.find((x) => x.from_address && !EMAIL_RE.test(x.from_address));
      if (bad) problems.addresses = `from_address "${bad.from_address}" is not an email address`;
    }
  }
  if (has(body, 'tag_ids')) {
    const v = body.tag_ids;
    const ids = Array.isArray(v) ? v.map(toInt) : null;
    if (!ids || ids.some((x) => x === null)) problems.tag_ids = 'tag_ids must be an array of tag ids';
    else {
      const unknown = ids.filter((id) => !store.data.tags.some((t) => t.id === id));
      if (unknown.length) problems.tag_ids = `unknown tag id(s): ${unknown.join(', ')}`;
      else out.tag_ids = ids as number[];
    }
  }
  if (has(body, 'link_query_params')) {
    const v = body.link_query_params;
    if (v !== null && (typeof v !== 'object' || Array.isArray(v))) problems.link_query_params = 'link_query_params must be an object';
    else out.link_query_params = v as Record<string, string> | null;
  }
  if (has(body, 'frequencies')) {
    if (!Array.isArray(body.frequencies)) problems.frequencies = 'frequencies must be an array';
    else out.frequencies = body.frequencies as unknown[];
  }
  if (Object.keys(problems).length) validation(problems);
  return out;
}

function isSelfOrDescendant(store: Store, folderId: number, candidate: number): boolean {
  let cur: number = candidate;
  for (let guard = 0; cur > 0 && guard < 1000; guard++) {
    if (cur === folderId) return true;
    cur = store.email(cur)?.parent_id ?? 0;
  }
  return false;
}

function newEmail(store: Store, listId: number, fields: Partial<EmailRec>, now: number): EmailRec {
  const list = store.list(listId)!;
  const type = fields.type ?? 'email_message';
  return emailRecord({
    id: store.nextEmailId(),
    type,
    account_id: store.data.account.id,
    list_id: listId,
    created: now,
    unsubscribe_default_link: type === 'folder' ? false : list.unsubscribe_default_link,
    ...fields,
  });
}

function createEmail(store: Store, req: ApiRequest): ApiResult {
  const listId = resolveListId(store, req);
  const fields = readEmailFields(store, req.body, listId, false);
  const e = store.addEmail(newEmail(store, listId, fields, req.now));
  return { payload: emailOut(e), mutated: true };
}

function updateEmail(store: Store, req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  const changes = readEmailFields(store, req.body, e.list_id, true, e);
  const campaign = store.launchedCampaignOf(e);
  if (campaign && !toBool(req.body.overwrite)) {
    const { id: _old, created: _c, modified: _m, mailing_id: _mid, ...rest } = e;
    const copy = store.addEmail({ ...rest, ...changes, id: store.nextEmailId(), created: req.now, modified: req.now, mailing_id: null, deleted: false });
    return {
      payload: {
        ...emailOut(copy),
        warning: `Email ${id} is used by campaign ${campaign.id}, which has already launched, so a copy was created with id ${copy.id} and the original was left unchanged. Send "overwrite": true to update the original instead.`,
      },
      mutated: true,
    };
  }
  store.updateEmail(e, { ...changes, modified: Math.max(req.now, e.modified) });
  return { payload: emailOut(e), mutated: true };
}

function deleteEmail(store: Store, req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  const deps: string[] = [];
  if (e.type === 'folder' && store.childCount(e.list_id, e.id) > 0) deps.push(`folder ${id} is not empty (${store.childCount(e.list_id, e.id)} items)`);
  if (e.mailing_id !== null) deps.push(`used by campaign ${e.mailing_id}`);
  for (const m of store.data.mailings) if (m.id !== e.mailing_id && !m.is_test && m.email_message.includes(id) && m.status !== CAMPAIGN_STATUS.DELETED && m.status !== CAMPAIGN_STATUS.CANCELLED) deps.push(`used by campaign ${m.id}`);
  if (e.type === 'template') {
    const users = store.emailIds(e.list_id).map((x) => store.email(x)!).filter((x) => x.header_template_id === id || x.footer_template_id === id);
    if (users.length) deps.push(`used as header or footer by email(s) ${users.slice(0, 5).map((x) => x.id).join(', ')}${users.length > 5 ? '…' : ''}`);
  }
  for (const l of store.data.lists) {
    if (l.welcome_email_id === id) deps.push(`welcome email of list ${l.id}`);
    if (l.header_template_id === id || l.footer_template_id === id) deps.push(`default header or footer of list ${l.id}`);
  }
  if (deps.length) throw new ApiError(400, `Dependency error: email ${id} cannot be deleted: ${Array.from(new Set(deps)).join('; ')}`, Array.from(new Set(deps)));
  store.updateEmail(e, { deleted: true, modified: Math.max(req.now, e.modified) });
  return { payload: emailOut(e), mutated: true };
}

function copyEmail(store: Store, req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  const body = req.body;
  let targets: number[];
  let many = false;
  if (has(body, 'target_list_ids')) {
    many = true;
    const raw = body.target_list_ids;
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
    targets = list.map(toInt).filter((x): x is number => x !== null);
    if (!targets.length || targets.length !== list.length) validation({ target_list_ids: 'target_list_ids must be an array of list ids' });
  } else if (has(body, 'target_list_id')) {
    const t = toInt(body.target_list_id);
    if (t === null) validation({ target_list_id: 'target_list_id must be a list id' });
    targets = [t];
  } else {
    return validation({ target_list_id: 'target_list_id is required (or target_list_ids)' });
  }
  if (e.type === 'folder') throw new ApiError(400, `Email ${id} is a folder; only emails and templates can be copied`);
  for (const t of targets) if (!store.list(t)) throw new ApiError(404, `List ${t} not found`);
  const copies = targets.map((t) => {
    const { id: _i, created: _c, modified: _m, mailing_id: _mid, ...rest } = e;
    const sameList = t === e.list_id;
    return store.addEmail({
      ...rest,
      id: store.nextEmailId(),
      list_id: t,
      parent_id: sameList ? e.parent_id : 0,
      header_template_id: sameList ? e.header_template_id : null,
      footer_template_id: sameList ? e.footer_template_id : null,
      tag_ids: e.tag_ids.filter((tag) => store.data.tags.some((x) => x.id === tag && (x.list_id === null || x.list_id === t))),
      created: req.now,
      modified: req.now,
      mailing_id: null,
      deleted: false,
    });
  });
  return { payload: many ? copies.map((x) => emailOut(x)) : emailOut(copies[0]), total: many ? copies.length : undefined, mutated: true };
}

function toggleFavourite(store: Store, req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  store.updateEmail(e, { favorite: !e.favorite, modified: Math.max(req.now, e.modified) });
  return { payload: emailOut(e), mutated: true };
}

function moveEmail(store: Store, req: ApiRequest, id: number): ApiResult {
  const e = emailOrThrow(store, id);
  requireFields(req.body, ['parent_id', 'name']);
  const changes = readEmailFields(store, { parent_id: req.body.parent_id, name: req.body.name }, e.list_id, true, e);
  store.updateEmail(e, { ...changes, modified: Math.max(req.now, e.modified) });
  return { payload: emailOut(e), mutated: true };
}

// ---------- mailings ----------

function mailingOrThrow(store: Store, id: number): MailingRec {
  const m = store.mailing(id);
  if (!m) throw new ApiError(404, `Campaign ${id} not found`);
  return m;
}

function getMailing(store: Store, id: number): ApiResult {
  return { payload: mailingOut(mailingOrThrow(store, id)) };
}

function listMailings(store: Store, req: ApiRequest): ApiResult {
  const listId = resolveListId(store, req);
  const { offset, limit } = paging(req.query);
  const rows = sortRows(store.data.mailings.filter((m) => m.list_id === listId).map(mailingOut), req.query, ['id', 'name', 'status', 'created', 'modified'], 'id');
  return { payload: rows.slice(offset, offset + limit), total: rows.length };
}

function emailIdsFrom(v: unknown): number[] | null {
  const arr = Array.isArray(v) ? v : v !== undefined && v !== null ? [v] : [];
  const ids = arr.map(toInt);
  if (!ids.length || ids.some((x) => x === null)) return null;
  return ids as number[];
}

function recipientsFrom(v: unknown, key = 'recipients'): string[] {
  if (!Array.isArray(v) || v.length === 0) validation({ [key]: `${key} is required: a non-empty array of email addresses` });
  const bad = v.filter((x) => typeof x !== 'string' || !EMAIL_RE.test(x.trim()));
  if (bad.length) validation({ [key]: `not an email address: ${bad.map((x) => JSON.stringify(x)).join(', ')}` });
  return Array.from(new Set((v as string[]).map((x) => x.trim())));
}

function createMailing(store: Store, req: ApiRequest): ApiResult {
  const body = req.body;
  const listId = resolveListId(store, req);
  const isTest = toBool(body.is_test);
  requireFields(body, isTest ? ['name', 'email_message', 'recipients', 'esp_connection_id'] : ['name', 'email_message', 'segments']);
  const emailIds = emailIdsFrom(body.email_message);
  if (!emailIds) validation({ email_message: 'email_message must be an array of email ids' });
  const emails = emailIds.map((id) => {
    const e = store.email(id);
    if (!e || e.list_id !== listId) throw new ApiError(404, `Email ${id} not found in list ${listId}`);
    if (e.type !== 'email_message') validation({ email_message: `item ${id} is a ${e.type}, not an email_message` });
    return e;
  });
  const id = store.data.nextId.mailing++;
  const base: MailingRec = {
    id,
    account_id: store.data.account.id,
    list_id: listId,
    name: String(body.name),
    description: String(body.description ?? ''),
    type: String(body.type ?? 'campaign'),
    is_test: isTest,
    status: CAMPAIGN_STATUS.NEW,
    email_message: emailIds,
    segments: [],
    recipients: [],
    distribution: Array.isArray(body.distribution) ? body.distribution : [],
    esp_connection_id: null,
    prepend_test_to_subject: toBool(body.prepend_test_to_subject),
    schedule_date: null,
    created: req.now,
    modified: req.now,
  };
  if (isTest) {
    const recipients = recipientsFrom(body.recipients);
    const connId = toInt(body.esp_connection_id);
    const conn = connId !== null ? store.connection(connId) : undefined;
    if (!conn) validation({ esp_connection_id: `esp_connection_id ${String(body.esp_connection_id)} is not a connection of this account (GET /api/esp_connections/options)` });
    if (!conn.active) throw new ApiError(400, `ESP connection ${conn.id} (${conn.name}) is not active; choose an active connection`);
    const mailing: MailingRec = { ...base, recipients, esp_connection_id: conn.id, status: CAMPAIGN_STATUS.COMPLETED };
    store.data.mailings.push(mailing);
    let delivered = 0;
    for (const e of emails) {
      const addr = e.addresses.find((x) => x.esp_connection_id === conn.id) ?? e.addresses[0];
      delivered += deliver(store, {
        kind: 'test',
        mailingId: id,
        campaignName: mailing.name,
        listId,
        messageId: e.id,
        parts: composeEmail(store, e),
        defaultUnsubscribe: e.unsubscribe_default_link,
        recipients,
        connection: { id: conn.id, esp_id: conn.esp_id },
        from: { from_name: addr?.from_name ?? '', from_address: addr?.from_address ?? '', reply_address: addr?.reply_address ?? '' },
        prependTest: mailing.prepend_test_to_subject,
        globalFields: {},
        perRecipient: new Map(),
        scheduledFor: null,
        baseUrl: req.baseUrl,
        now: req.now,
      }).length;
    }
    return { payload: mailingOut(mailing), mutated: true, delivered, sendKind: 'test' };
  }
  // A real campaign: accepted and recorded, never delivered (it would go to whole segments).
  const segments = emailIdsFrom(body.segments);
  if (!segments) validation({ segments: 'segments must be an array of segment ids' });
  for (const s of segments) if (!store.data.segments.some((g) => g.id === s && g.list_id === listId)) throw new ApiError(404, `Segment ${s} not found in list ${listId}`);
  const schedule = has(body, 'schedule_date') && body.schedule_date !== null ? toInt(body.schedule_date) ?? Math.floor(Date.parse(String(body.schedule_date)) / 1000) : null;
  const mailing: MailingRec = {
    ...base,
    segments,
    schedule_date: schedule !== null && !Number.isNaN(schedule) ? schedule : null,
    status: schedule !== null ? CAMPAIGN_STATUS.SCHEDULED : CAMPAIGN_STATUS.IN_PROGRESS,
  };
  store.data.mailings.push(mailing);
  for (const e of emails) store.updateEmail(e, { mailing_id: id });
  const launch: LaunchRec = { mailing_id: id, list_id: listId, name: mailing.name, email_message: emailIds, segments, scheduled: schedule !== null, at: req.now };
  store.data.launches.push(launch);
  return { payload: mailingOut(mailing), mutated: true, launch };
}

function cancelMailing(store: Store, req: ApiRequest, id: number): ApiResult {
  const m = mailingOrThrow(store, id);
  if (m.status !== CAMPAIGN_STATUS.NEW && m.status !== CAMPAIGN_STATUS.SCHEDULED) {
    throw new ApiError(400, `Campaign ${id} cannot be cancelled in status ${m.status}; only new or scheduled campaigns can`);
  }
  m.status = CAMPAIGN_STATUS.CANCELLED;
  m.modified = req.now;
  return { payload: mailingOut(m), mutated: true };
}

// ---------- transactional ----------

function transactionalOrThrow(store: Store, id: number): TransactionalRec {
  const t = store.transactional(id);
  if (!t) throw new ApiError(404, `Transactional campaign ${id} not found`);
  return t;
}

function listTransactional(store: Store, req: ApiRequest): ApiResult {
  const listId = resolveListId(store, req);
  const { offset, limit } = paging(req.query);
  const rows = sortRows(store.data.transactional.filter((t) => t.list_id === listId && !t.deleted).map(transactionalOut), req.query, ['id', 'name', 'created', 'modified'], 'id');
  return { payload: rows.slice(offset, offset + limit), total: rows.length };
}

function transactionalConnection(store: Store, v: unknown, key: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  const id = toInt(v);
  const conn = id !== null ? store.connection(id) : undefined;
  if (!conn) validation({ [key]: `${key} ${String(v)} is not a connection of this account` });
  if (!conn.support_transactional) throw new ApiError(400, `ESP connection ${conn.id} (${conn.name}) does not support transactional sends; use a connection whose support_transactional is "1"`);
  if (!conn.active) throw new ApiError(400, `ESP connection ${conn.id} (${conn.name}) is not active`);
  return conn.id;
}

function createTransactional(store: Store, req: ApiRequest): ApiResult {
  requireFields(req.body, ['name']);
  const listId = resolveListId(store, req);
  if (String(req.body.name).trim() === '') validation({ name: 'name must not be empty' });
  const list = store.list(listId)!;
  const fallback = list.default_transactional_id !== null ? store.transactional(list.default_transactional_id)?.esp_connection_id ?? null : null;
  const t: TransactionalRec = {
    id: store.data.nextId.transactional++,
    account_id: store.data.account.id,
    list_id: listId,
    name: String(req.body.name),
    description: String(req.body.description ?? ''),
    is_default: false,
    esp_connection_id: transactionalConnection(store, req.body.esp_connection_id, 'esp_connection_id') ?? fallback,
    created: req.now,
    modified: req.now,
    deleted: false,
  };
  store.data.transactional.push(t);
  return { payload: transactionalOut(t), mutated: true };
}

function updateTransactional(store: Store, req: ApiRequest, id: number): ApiResult {
  const t = transactionalOrThrow(store, id);
  const b = req.body;
  if (has(b, 'name')) {
    if (typeof b.name !== 'string' || !b.name.trim()) validation({ name: 'name must not be empty' });
    t.name = b.name;
  }
  if (has(b, 'description')) t.description = String(b.description ?? '');
  if (has(b, 'esp_connection_id')) t.esp_connection_id = transactionalConnection(store, b.esp_connection_id, 'esp_connection_id');
  t.modified = Math.max(req.now, t.modified);
  return { payload: transactionalOut(t), mutated: true };
}

function deleteTransactional(store: Store, req: ApiRequest, id: number): ApiResult {
  const t = transactionalOrThrow(store, id);
  if (t.is_default) throw new ApiError(400, `Dependency error: transactional campaign ${id} is the default of list ${t.list_id} and cannot be deleted`);
  t.deleted = true;
  t.modified = Math.max(req.now, t.modified);
  return { payload: transactionalOut(t), mutated: true };
}

function dynamicFields(v: unknown, key: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) validation({ [key]: `${key} must be an object of key/value pairs` });
  return v as Record<string, unknown>;
}

function sendTransactional(store: Store, req: ApiRequest, embedded: boolean): ApiResult {
  const b = req.body;
  const listId = resolveListId(store, req);
  const list = store.list(listId)!;
  let parts: MessageParts;
  let messageId: number | null = null;
  let defaultUnsubscribe: boolean;
  let from = { from_name: '', from_address: '', reply_address: '' };
  if (embedded) {
    requireFields(b, ['message', 'recipients']);
    const msg = b.message;
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return validation({ message: 'message must be an object { subject, content_html | content_text, addresses }' });
    const mm = msg as Record<string, unknown>;
    requireFields(mm, ['subject', 'addresses'], 'message.');
    if (!has(mm, 'content_html') && !has(mm, 'content_text')) validation({ 'message.content_html': 'message.content_html is required (or message.content_text for SMS / plain text)' });
    const addr = mm.addresses;
    if (!addr || typeof addr !== 'object' || Array.isArray(addr)) return validation({ 'message.addresses': 'message.addresses must be an object { from_name, from_address, reply_address }' });
    const ad = addr as Record<string, unknown>;
    requireFields(ad, has(mm, 'content_html') ? ['from_name', 'from_address', 'reply_address'] : ['from_name'], 'message.addresses.');
    for (const k of ['from_address', 'reply_address']) {
      if (has(ad, k) && !EMAIL_RE.test(String(ad[k]))) validation({ [`message.addresses.${k}`]: `message.addresses.${k} is not an email address` });
    }
    from = { from_name: String(ad.from_name ?? ''), from_address: String(ad.from_address ?? ''), reply_address: String(ad.reply_address ?? '') };
    parts = { subject: String(mm.subject), preheader: '', html: String(mm.content_html ?? ''), text: String(mm.content_text ?? '') };
    defaultUnsubscribe = list.unsubscribe_default_link;
  } else {
    requireFields(b, ['message_id', 'recipients']);
    const id = toInt(b.message_id);
    if (id === null) validation({ message_id: 'message_id must be an email id' });
    const e = store.email(id);
    if (!e) throw new ApiError(404, `Email ${id} not found`);
    if (e.type !== 'email_message') validation({ message_id: `item ${id} is a ${e.type}, not an email_message` });
    messageId = e.id;
    parts = composeEmail(store, e);
    defaultUnsubscribe = e.unsubscribe_default_link;
    const a = e.addresses[0];
    if (a) from = { from_name: a.from_name, from_address: a.from_address, reply_address: a.reply_address };
  }
  const recipients = recipientsFrom(b.recipients);
  const campaignId = has(b, 'campaign_id') && b.campaign_id !== null ? toInt(b.campaign_id) : list.default_transactional_id;
  if (campaignId === null) validation({ campaign_id: 'campaign_id must be a transactional campaign id' });
  const campaign = store.transactional(campaignId);
  if (!campaign) throw new ApiError(404, `Transactional campaign ${String(b.campaign_id ?? campaignId)} not found`);
  const connId = transactionalConnection(store, b.sending_connection_id, 'sending_connection_id') ?? campaign.esp_connection_id;
  if (connId === null) throw new ApiError(400, `Transactional campaign ${campaign.id} has no sending connection; pass sending_connection_id`);
  const conn = store.connection(connId)!;
  if (!conn.support_transactional) throw new ApiError(400, `ESP connection ${conn.id} (${conn.name}) does not support transactional sends`);

  const globalFields = dynamicFields(b.message_dynamic_fields, 'message_dynamic_fields');
  const perRecipient = new Map<string, Record<string, unknown>>();
  if (b.message_dynamic_fields_per_recipient !== undefined && b.message_dynamic_fields_per_recipient !== null) {
    const arr = b.message_dynamic_fields_per_recipient;
    if (!Array.isArray(arr)) validation({ message_dynamic_fields_per_recipient: 'message_dynamic_fields_per_recipient must be an array of { recipient, key_value_collection }' });
    arr.forEach((x, i) => {
      const key = `message_dynamic_fields_per_recipient[${i}]`;
      if (!x || typeof x !== 'object' || typeof (x as Record<string, unknown>).recipient !== 'string') validation({ [key]: `${key}.recipient is required` });
      const kv = dynamicFields((x as Record<string, unknown>).key_value_collection, `${key}.key_value_collection`);
      const r = String((x as Record<string, unknown>).recipient).trim().toLowerCase();
      perRecipient.set(r, { ...(perRecipient.get(r) ?? {}), ...kv });
    });
  }
  let scheduledFor: number | null = null;
  if (has(b, 'schedule_date') && b.schedule_date !== null && b.schedule_date !== '') {
    const v = toInt(b.schedule_date) ?? Math.floor(Date.parse(String(b.schedule_date)) / 1000);
    if (Number.isNaN(v)) validation({ schedule_date: 'schedule_date must be a Unix timestamp or a date' });
    scheduledFor = v;
  } else if (has(b, 'delay_send') && b.delay_send !== null && b.delay_send !== '') {
    const d = b.delay_send;
    const hm = typeof d === 'string' ? d.match(/^(\d{1,2}):(\d{2})$/) : null;
    const secs = hm ? Number(hm[1]) * 3600 + Number(hm[2]) * 60 : toInt(d);
    if (secs === null || secs < 0) validation({ delay_send: 'delay_send must be HH:MM or a number of seconds' });
    scheduledFor = req.now + secs;
  }

  const checkStatus = toBool(b.check_status);
  const checkSuppression = toBool(b.check_global_and_list_suppression);
  const accepted: string[] = [];
  const rejected: { recipient: string; reason: string }[] = [];
  let mutated = false;
  for (const r of recipients) {
    const contact = store.contactByEmail(listId, r);
    if (checkStatus && contact && contact.ocx_status !== 'Active') {
      rejected.push({ recipient: r, reason: `contact status is ${contact.ocx_status}` });
      continue;
    }
    if (checkSuppression) {
      const s = store.data.suppression.find((x) => x.email.toLowerCase() === r.toLowerCase() && (x.scope === 'global' || x.list_id === listId));
      if (s) {
        rejected.push({ recipient: r, reason: s.scope === 'global' ? 'in the global suppression list' : `in the suppression list of list ${listId}` });
        continue;
      }
    }
    if (!contact && toBool(b.create_contact)) {
      store.data.contacts.push({
        id: `${Date.now().toString(16)}${Math.floor(Math.random() * 0xffffffff).toString(16)}`.padEnd(24, '0').slice(0, 24),
        list_id: listId,
        email: r,
        fields: {},
        ocx_status: 'Active',
        ocx_created_date: req.now,
        ocx_unsubscribe_date: null,
        ocx_resubscribe_date: null,
        ocx_bounce_date: null,
        ocx_complaint_date: null,
        ocx_import_id: null,
      });
      mutated = true;
    }
    accepted.push(r);
  }
  const entries = deliver(store, {
    kind: 'transactional',
    mailingId: campaign.id,
    campaignName: campaign.name,
    listId,
    messageId,
    parts,
    defaultUnsubscribe: defaultUnsubscribe && !toBool(b.disable_unsubscribe),
    recipients: accepted,
    connection: { id: conn.id, esp_id: conn.esp_id },
    from,
    prependTest: false,
    globalFields,
    perRecipient,
    scheduledFor,
    baseUrl: req.baseUrl,
    now: req.now,
  });
  return {
    payload: {
      campaign_id: String(campaign.id),
      list_id: String(listId),
      message_id: messageId === null ? null : String(messageId),
      sending_connection_id: String(conn.id),
      recipients,
      accepted,
      rejected,
      schedule_date: scheduledFor === null ? null : String(scheduledFor),
    },
    mutated: mutated || entries.length > 0,
    delivered: entries.length,
    sendKind: 'transactional',
  };
}

// ---------- contacts, lists, tags ----------

function contactByEmail(store: Store, req: ApiRequest, email: string): ApiResult {
  const listId = resolveListId(store, req);
  const c = store.contactByEmail(listId, email);
  if (!c) throw new ApiError(404, `Email not found: ${email} is not a contact of list ${listId}`);
  return { payload: contactOut(c, store.fields(listId)) };
}

function contactById(store: Store, req: ApiRequest, id: string): ApiResult {
  const listId = resolveListId(store, req);
  const c = store.contactById(listId, id);
  if (!c) throw new ApiError(404, `Contact not found: no contact ${id} in list ${listId}`);
  return { payload: contactOut(c, store.fields(listId)) };
}

function listLists(store: Store, req: ApiRequest): ApiResult {
  const q = req.query;
  const { offset, limit } = paging(q);
  const name = (q.get('name') ?? '').toLowerCase();
  const type = q.get('type');
  const rows = sortRows(
    store.data.lists.filter((l) => (!name || l.name.toLowerCase().includes(name)) && (!type || l.type === type)).map((l) => listOut(l, store)),
    q,
    ['id', 'name', 'created', 'modified', 'last_count'],
    'id',
  );
  return { payload: rows.slice(offset, offset + limit), total: rows.length };
}

function listTags(store: Store, req: ApiRequest): ApiResult {
  const q = req.query;
  const { offset, limit } = paging(q);
  const title = (q.get('title') ?? '').toLowerCase();
  const listId = q.has('list_id') || req.prefixListId !== null ? resolveListId(store, req) : null;
  const rows = sortRows(
    store.data.tags
      .filter((t) => (!title || t.title.toLowerCase().includes(title)) && (listId === null || t.list_id === null || t.list_id === listId))
      .map(tagOut),
    q,
    ['id', 'title', 'created'],
    'id',
  );
  return { payload: rows.slice(offset, offset + limit), total: rows.length };
}
