/**
 * The Ongage API client. Editor-free (used by the extension and the command line).
 *
 * - Every call is typed; answers are parsed (see parse.ts) and unknown fields kept.
 * - Every call passes through the account's shared limiter (10 in flight, 300 per rolling minute by default).
 * - 429 is always retried (it means "not processed"), honouring Retry-After; 5xx, timeouts and resets are
 *   retried only for idempotent calls. A send is never repeated after an ambiguous failure.
 * - There is no way to start a real campaign: the only POST to /api/mailings is the test send, and the
 *   transport refuses any such POST whose body does not say `is_test: true`.
 * - Failures are OngageError (see errors.ts); credentials never reach errors or logs.
 */
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import * as http from 'http';
import * as https from 'https';
import { Logger, redact, silentLogger } from '../log';
import { OngageError, OngageErrorKind, parseFieldErrors } from './errors';
import { LimiterOptions, LimiterStats, RateLimiter, sharedLimiter } from './limiter';
import { collectAll, paginate, PageResult, PaginateOptions } from './paginate';
import {
  emailInputToWire,
  parseArray,
  parseContact,
  parseEmail,
  parseEspConnection,
  parseList,
  parseListField,
  parseMailing,
  parseSendResult,
  parseTransactionalCampaign,
  toBool,
  toNumber,
  toUnixSeconds,
} from './parse';
import {
  Contact,
  Email,
  EmailCreateInput,
  EmailFilter,
  EmailInput,
  EmailUpdateResult,
  EspConnection,
  ListField,
  ListQuery,
  Mailing,
  OffsetQuery,
  OngageList,
  Page,
  SendResult,
  TestMailingInput,
  TransactionalCampaign,
  TransactionalCampaignInput,
  TransactionalEmbedInput,
  TransactionalSendInput,
  TransactionalSendOptions,
} from './types';

export interface OngageCredentials {
  username: string;
  password: string;
  /** The alphanumeric code on the account's Profile page (not the numeric account id). */
  accountCode: string;
}

export interface RetryOptions {
  /** Retries after 5xx, timeouts and resets (idempotent calls only). Default 3. */
  maxRetries?: number;
  /** Retries after 429 (any call). Default 8. */
  maxRateLimitRetries?: number;
  /** First back-off step. Default 500 ms; doubles each time, with jitter. */
  baseDelayMs?: number;
  /** Largest back-off step. Default 8 000 ms. */
  maxDelayMs?: number;
  /** Largest Retry-After honoured. Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

export interface OngageClientOptions {
  /** e.g. https://api.ongage.net or http://127.0.0.1:<port> for the sandbox. */
  baseUrl: string;
  /** The list calls are scoped to (URL prefix); the account's default list when absent. */
  listId?: number;
  credentials: OngageCredentials;
  logger?: Logger;
  /** Limits of the account; shared by every client of the same base URL and account code. */
  limits?: LimiterOptions;
  /** Per attempt. Default 30 000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Where to look when a send's outcome is unknown; shown in the error. Default: Ongage's reports, or the sandbox outbox for a loopback base URL. */
  sendCheckHint?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the connection's list for this call. */
  listId?: number;
}

export interface ListAllOptions<T> extends CallOptions {
  pageSize?: number;
  concurrency?: number;
  onPage?: (page: Page<T>) => void;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface RequestSpec {
  method: Method;
  /** Path from /api on, e.g. /api/emails/2025. */
  path: string;
  /** 'list' prefixes /<listId>; 'account' never does. */
  scope: 'list' | 'account';
  listId?: number;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** A call that delivers mail: never repeated after an ambiguous failure. */
  send?: boolean;
  /** Overrides the method's default (GET/PUT/DELETE are idempotent). */
  idempotent?: boolean;
  /** What the call is about, e.g. "Email 2025" (for messages). */
  what: string;
  /** What the call does, as a gerund phrase, e.g. "deleting email 2025". */
  action: string;
  /** The message for a 404, when the default does not fit. */
  notFound?: string;
  /** How to read a 400 (Ongage uses it for dependency errors on deletes). */
  on400?: 'dependency' | 'validation';
  /** The message for a dependency error, given Ongage's own message. */
  dependencyMessage?: (ongageMessage: string) => string;
  signal?: AbortSignal;
}

interface Reply {
  status: number;
  payload: unknown;
  metadata: Record<string, unknown>;
  retries: number;
}

type Attempt =
  | { type: 'response'; res: AxiosResponse<string> }
  | { type: 'network'; code: string; delivered: 'no' | 'maybe' }
  | { type: 'timeout' }
  | { type: 'cancelled'; dispatched: boolean };

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const NOT_WORTH_RETRYING = new Set(['ENOTFOUND', 'ERR_INVALID_URL']);

/** Page size when a whole library (or folder) is listed. */
export const WHOLE_LIBRARY_PAGE_SIZE = 100;

export class OngageClient {
  readonly baseUrl: string;
  readonly listId?: number;
  readonly accountCode: string;
  // ES private fields: invisible to JSON.stringify and util.inspect, so logging the client leaks nothing.
  readonly #credentials: OngageCredentials;
  private readonly logger: Logger;
  private readonly limiter: RateLimiter;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  readonly #http: AxiosInstance;
  readonly #keepAlive: { http: http.Agent; https: https.Agent };
  readonly #fresh: { http: http.Agent; https: https.Agent };
  readonly #secrets: string[];
  private readonly sendCheckHint: string;

  constructor(opts: OngageClientOptions) {
    const { username, password, accountCode } = opts.credentials ?? ({} as OngageCredentials);
    if (!username || !password || !accountCode) {
      throw new OngageError({
        kind: 'invalidRequest',
        message: 'An Ongage connection needs a user name, a password and an account code. Sign in again and fill in all three.',
      });
    }
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new OngageError({
        kind: 'invalidRequest',
        message: `"${opts.baseUrl}" is not a usable API address. Use https://api.ongage.net, or http://127.0.0.1:<port> for the local sandbox.`,
      });
    }
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.listId = opts.listId;
    this.accountCode = accountCode;
    this.#credentials = { username, password, accountCode };
    this.#secrets = [username, password];
    this.logger = opts.logger ?? silentLogger;
    this.limiter = sharedLimiter(this.baseUrl, accountCode, opts.limits);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = {
      maxRetries: opts.retry?.maxRetries ?? 3,
      maxRateLimitRetries: opts.retry?.maxRateLimitRetries ?? 8,
      baseDelayMs: opts.retry?.baseDelayMs ?? 500,
      maxDelayMs: opts.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: opts.retry?.maxRetryAfterMs ?? 60_000,
    };
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    this.sendCheckHint =
      opts.sendCheckHint ??
      (loopback
        ? `the sandbox outbox (GET ${this.baseUrl}/__sandbox/outbox)`
        : "the campaign's report in Ongage (Reports → Campaigns / Transactional)");
    this.#keepAlive = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    // Sends go over a fresh connection: a reused keep-alive socket that the server already closed would
    // fail in a way that cannot tell "not sent" from "sent".
    this.#fresh = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };
    this.#http = axios.create({
      baseURL: this.baseUrl,
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      headers: { Accept: 'application/json' },
    });
  }

  /** Frees the client's sockets. The shared limiter stays for other clients of the account. */
  dispose(): void {
    this.#keepAlive.http.destroy();
    this.#keepAlive.https.destroy();
    this.#fresh.http.destroy();
    this.#fresh.https.destroy();
  }

  /** The shared limiter's state (for status displays and tests). */
  limiterStats(): LimiterStats {
    return this.limiter.stats();
  }

  // ------------------------------------------------------------------------------------- account

  /**
   * A cheap real call (GET /api/lists?limit=1) that proves the credentials work.
   * Rejects with kind 'auth' (401) or 'forbidden' (403, e.g. no API access) when they do not.
   */
  async checkCredentials(opts: { signal?: AbortSignal } = {}): Promise<{ accountCode: string; listCount?: number }> {
    const r = await this.request({
      method: 'GET',
      path: '/api/lists',
      scope: 'account',
      query: { limit: 1 },
      what: 'The list collection',
      action: 'checking the credentials',
      signal: opts.signal,
    });
    return { accountCode: this.accountCode, listCount: toNumber(r.metadata.total) };
  }

  async listLists(query: ListQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<Page<OngageList>> {
    const r = await this.request({
      method: 'GET',
      path: '/api/lists',
      scope: 'account',
      query: { name: query.name, type: query.type, sort: query.sort, order: query.order, offset: query.offset, limit: query.limit },
      what: 'The list collection',
      action: 'listing the lists',
      signal: opts.signal,
    });
    return this.offsetPage(r, parseList, 'lists', query);
  }

  async listAllLists(opts: ListAllOptions<OngageList> = {}): Promise<OngageList[]> {
    return collectAll(
      async (index, size, signal) => {
        const p = await this.listLists({ offset: index * size, limit: size, sort: 'id', order: 'ASC' }, { signal });
        return { items: p.items, total: p.total };
      },
      this.pageOpts(opts, 100, 'offset', (l: OngageList) => l.id),
    );
  }

  async getList(listId: number, opts: { signal?: AbortSignal } = {}): Promise<OngageList> {
    const r = await this.request({
      method: 'GET',
      path: `/api/lists/${id(listId, 'list id')}`,
      scope: 'account',
      what: `List ${listId}`,
      action: `reading list ${listId}`,
      signal: opts.signal,
    });
    return this.parse(r, parseList, `list ${listId}`);
  }

  /** The list's personalization fields (email, first_name, …). */
  async listFields(opts: CallOptions = {}): Promise<ListField[]> {
    const r = await this.request({
      method: 'GET',
      path: '/api/list_fields',
      scope: 'list',
      listId: opts.listId,
      what: 'The list fields',
      action: 'reading the list fields',
      signal: opts.signal,
    });
    return this.parse(r, (p) => parseArray(p, parseListField, 'list fields'), 'list fields');
  }

  /** The sending (ESP) connections, for choosing where test and transactional sends go. */
  async listEspConnections(opts: CallOptions & { activeOnly?: boolean } = {}): Promise<EspConnection[]> {
    const r = await this.request({
      method: 'GET',
      path: '/api/esp_connections/options',
      scope: 'list',
      listId: opts.listId,
      query: { active_only: opts.activeOnly ? 'true' : undefined },
      what: 'The sending connections',
      action: 'listing the sending connections',
      signal: opts.signal,
    });
    return this.parse(r, (p) => parseArray(p, parseEspConnection, 'ESP connections'), 'ESP connections');
  }

  // --------------------------------------------------------------------------------------- emails

  /** One page of the library (page counts from 1; page size 50 by default, as Ongage's). */
  async listEmails(
    filter: EmailFilter = {},
    opts: { page?: number; pageSize?: number; signal?: AbortSignal } = {},
  ): Promise<Page<Email>> {
    const page = opts.page ?? 1;
    const pageSize = opts.pageSize ?? 50;
    const r = await this.request({
      method: 'GET',
      path: '/api/emails',
      scope: 'list',
      listId: filter.listId,
      query: {
        type: filter.type,
        parent_id: filter.parentId,
        subject: filter.subject,
        modified_from: filter.modifiedFrom === undefined ? undefined : toUnixSeconds(filter.modifiedFrom),
        modified_to: filter.modifiedTo === undefined ? undefined : toUnixSeconds(filter.modifiedTo),
        created_by: filter.createdBy,
        favorite: filter.favorite === undefined ? undefined : filter.favorite ? 1 : 0,
        get_tags: filter.getTags ? 1 : undefined,
        page,
        page_size: pageSize,
      },
      what: 'The email library',
      action: 'listing the email library',
      signal: opts.signal,
    });
    const items = this.parse(r, (p) => parseArray(p, parseEmail, 'emails'), 'emails');
    return { items, total: toNumber(r.metadata.total), page, pageSize };
  }

  /**
   * The whole library (or the part the filter selects), page by page as pages arrive. After the first
   * page the rest are fetched concurrently within the account's limits. Breaking out of the loop
   * cancels what is still in flight. Pages of 100 by default: half the calls of Ongage's default 50, which
   * matters against the 300-calls-a-minute budget (a server that caps the size is followed).
   */
  iterateEmails(filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): AsyncGenerator<Page<Email>> {
    return paginate<Email>(this.emailFetcher(filter), this.pageOpts(opts, WHOLE_LIBRARY_PAGE_SIZE, 'page'));
  }

  /** Every item the filter selects, in library order (items seen twice while the library changes are kept once). */
  listAllEmails(filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): Promise<Email[]> {
    return collectAll(this.emailFetcher(filter), this.pageOpts(opts, WHOLE_LIBRARY_PAGE_SIZE, 'page', (e: Email) => e.id));
  }

  /** Items changed since `since` (for incremental refresh of a large library). */
  listEmailsModifiedSince(since: Date, filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): Promise<Email[]> {
    return this.listAllEmails({ ...filter, modifiedFrom: since }, opts);
  }

  async getEmail(emailId: number, opts: CallOptions = {}): Promise<Email> {
    const r = await this.request({
      method: 'GET',
      path: `/api/emails/${id(emailId, 'email id')}`,
      scope: 'list',
      listId: opts.listId,
      what: `Email ${emailId}`,
      action: `reading email ${emailId}`,
      signal: opts.signal,
    });
    return this.parse(r, parseEmail, `email ${emailId}`);
  }

  async createEmail(input: EmailCreateInput, opts: CallOptions = {}): Promise<Email> {
    if (!input.type || !input.name) {
      throw new OngageError({ kind: 'invalidRequest', message: 'A new library item needs a type and a name.' });
    }
    // Ongage requires these even when empty.
    const body = {
      description: '',
      subject: '',
      content_html: '',
      content_text: '',
      ...emailInputToWire(input),
    };
    const r = await this.request({
      method: 'POST',
      path: '/api/emails',
      scope: 'list',
      listId: opts.listId,
      body,
      what: `The new ${input.type === 'folder' ? 'folder' : 'item'} "${input.name}"`,
      action: `creating "${input.name}"`,
      signal: opts.signal,
    });
    return this.parse(r, parseEmail, 'the created email');
  }

  /**
   * Saves changes. When the email belongs to a campaign that already launched, Ongage stores a copy with
   * a new id instead (`copied: true`), unless `overwrite` is set.
   */
  async updateEmail(
    emailId: number,
    input: EmailInput,
    opts: CallOptions & { overwrite?: boolean } = {},
  ): Promise<EmailUpdateResult> {
    const body = emailInputToWire(input);
    if (opts.overwrite) body.overwrite = true;
    const r = await this.request({
      method: 'PUT',
      path: `/api/emails/${id(emailId, 'email id')}`,
      scope: 'list',
      listId: opts.listId,
      body,
      what: `Email ${emailId}`,
      action: `saving email ${emailId}`,
      signal: opts.signal,
    });
    const email = this.parse(r, parseEmail, `email ${emailId}`);
    const warning = email.warning ?? (typeof r.metadata.warning === 'string' ? r.metadata.warning : undefined);
    return { email, copied: email.id !== emailId, requestedId: emailId, warning };
  }

  /** Deletes an item. Kind 'dependency' when it is still used (e.g. by a campaign). */
  async deleteEmail(emailId: number, opts: CallOptions = {}): Promise<Email | undefined> {
    try {
      const r = await this.request({
        method: 'DELETE',
        path: `/api/emails/${id(emailId, 'email id')}`,
        scope: 'list',
        listId: opts.listId,
        what: `Email ${emailId}`,
        action: `deleting email ${emailId}`,
        on400: 'dependency',
        dependencyMessage: (said) =>
          /campaign/i.test(said)
            ? `The email is used by a campaign; deleting it is not allowed. Email ${emailId} was kept; remove it from its campaigns in Ongage first.`
            : /not empty/i.test(said)
              ? `The folder is not empty; deleting it is not allowed. Move or delete its items first.`
              : `Email ${emailId} is still in use (as a header, footer or welcome email, for example); deleting it is not allowed.`,
        signal: opts.signal,
      });
      return r.payload && typeof r.payload === 'object' && !Array.isArray(r.payload) && 'id' in r.payload
        ? this.parse(r, parseEmail, `email ${emailId}`)
        : undefined;
    } catch (e) {
      // A repeated delete whose first attempt went through finds nothing: that is the wanted outcome.
      if (e instanceof OngageError && e.kind === 'notFound' && e.retries > 0) return undefined;
      throw e;
    }
  }

  /** Copies an item to other lists; returns the copies Ongage reports. Not repeated after an unclear failure (it would copy twice). */
  async copyEmailToLists(emailId: number, targetListIds: number[], opts: CallOptions = {}): Promise<Email[]> {
    if (targetListIds.length === 0) {
      throw new OngageError({ kind: 'invalidRequest', message: 'Choose at least one list to copy the email to.' });
    }
    const body = targetListIds.length === 1 ? { target_list_id: targetListIds[0] } : { target_list_ids: targetListIds };
    const r = await this.request({
      method: 'PUT',
      path: `/api/emails/${id(emailId, 'email id')}/copy`,
      scope: 'list',
      listId: opts.listId,
      body,
      idempotent: false,
      what: `Email ${emailId}`,
      action: `copying email ${emailId} to list ${targetListIds.join(', ')}`,
      signal: opts.signal,
    });
    return this.parse(
      r,
      (p) => (Array.isArray(p) ? p.map(parseEmail) : p && typeof p === 'object' && 'id' in p ? [parseEmail(p)] : parseArray(p, parseEmail, 'copies')),
      'copied emails',
    );
  }

  /** Flips the favourite mark; returns the item with its new state. Not repeated after an unclear failure (a toggle is not idempotent). */
  async toggleFavorite(emailId: number, opts: CallOptions = {}): Promise<Email> {
    const r = await this.request({
      method: 'PUT',
      path: `/api/emails/${id(emailId, 'email id')}/favourite`,
      scope: 'list',
      listId: opts.listId,
      body: {},
      idempotent: false,
      what: `Email ${emailId}`,
      action: `marking email ${emailId} as favourite`,
      signal: opts.signal,
    });
    return this.parse(r, parseEmail, `email ${emailId}`);
  }

  /** Moves and/or renames an item (Ongage needs both the folder, 0 = root, and the name). */
  async moveEmail(emailId: number, to: { parentId: number; name: string }, opts: CallOptions = {}): Promise<Email> {
    if (!to.name || !Number.isInteger(to.parentId) || to.parentId < 0) {
      throw new OngageError({ kind: 'invalidRequest', message: 'Moving or renaming needs a folder id (0 = root) and a non-empty name.' });
    }
    const r = await this.request({
      method: 'PUT',
      path: `/api/emails/${id(emailId, 'email id')}/move`,
      scope: 'list',
      listId: opts.listId,
      body: { parent_id: to.parentId, name: to.name },
      what: `Email ${emailId}`,
      action: `moving email ${emailId}`,
      signal: opts.signal,
    });
    return this.parse(r, parseEmail, `email ${emailId}`);
  }

  // ------------------------------------------------------------------------------------- mailings

  /**
   * Sends a TEST mailing (POST /api/mailings with is_test: true). There is deliberately no way to send
   * a real campaign through this client. Never repeated after an ambiguous failure.
   */
  async sendTestMailing(input: TestMailingInput, opts: { signal?: AbortSignal } = {}): Promise<Mailing> {
    const emailIds = (input.emailIds ?? []).map((x) => id(x, 'email id'));
    const recipients = checkRecipients(input.recipients);
    if (emailIds.length === 0) throw new OngageError({ kind: 'invalidRequest', message: 'Choose the email to test-send.' });
    const esp = toNumber(input.espConnectionId);
    if (esp === undefined) {
      throw new OngageError({ kind: 'invalidRequest', message: 'Choose the sending connection (ESP) for the test send.' });
    }
    const body = {
      name: input.name ?? `Test: email ${emailIds.join(', ')}`,
      description: input.description ?? 'Test send from Ongage Studio',
      email_message: emailIds,
      recipients,
      esp_connection_id: esp,
      prepend_test_to_subject: input.prependTestToSubject ?? true,
      is_test: true as const,
    };
    const r = await this.request({
      method: 'POST',
      path: '/api/mailings',
      scope: 'list',
      listId: input.listId,
      body,
      send: true,
      what: `The test send of email ${emailIds.join(', ')}`,
      action: `test-sending email ${emailIds.join(', ')}`,
      signal: opts.signal,
    });
    return this.parse(r, parseMailing, 'the test mailing');
  }

  /** One campaign with its status (`statusName`: NEW, IN_PROGRESS, COMPLETED, …). */
  async getMailing(mailingId: number, opts: CallOptions = {}): Promise<Mailing> {
    const r = await this.request({
      method: 'GET',
      path: `/api/mailings/${id(mailingId, 'campaign id')}`,
      scope: 'list',
      listId: opts.listId,
      what: `Campaign ${mailingId}`,
      action: `reading campaign ${mailingId}`,
      signal: opts.signal,
    });
    return this.parse(r, parseMailing, `campaign ${mailingId}`);
  }

  // -------------------------------------------------------------------------------- transactional

  async listTransactionalCampaigns(query: OffsetQuery & CallOptions = {}): Promise<Page<TransactionalCampaign>> {
    const r = await this.request({
      method: 'GET',
      path: '/api/transactional',
      scope: 'list',
      listId: query.listId,
      query: { sort: query.sort, order: query.order, offset: query.offset, limit: query.limit },
      what: 'The transactional campaigns',
      action: 'listing the transactional campaigns',
      signal: query.signal,
    });
    return this.offsetPage(r, parseTransactionalCampaign, 'transactional campaigns', query);
  }

  async createTransactionalCampaign(input: TransactionalCampaignInput, opts: CallOptions = {}): Promise<TransactionalCampaign> {
    if (!input.name) throw new OngageError({ kind: 'invalidRequest', message: 'A transactional campaign needs a name.' });
    const r = await this.request({
      method: 'POST',
      path: '/api/transactional',
      scope: 'list',
      listId: opts.listId,
      body: transactionalCampaignToWire(input),
      what: `The transactional campaign "${input.name}"`,
      action: `creating the transactional campaign "${input.name}"`,
      signal: opts.signal,
    });
    return this.parse(r, parseTransactionalCampaign, 'the transactional campaign');
  }

  async updateTransactionalCampaign(
    campaignId: number,
    input: Partial<TransactionalCampaignInput>,
    opts: CallOptions = {},
  ): Promise<TransactionalCampaign> {
    const r = await this.request({
      method: 'PUT',
      path: `/api/transactional/${id(campaignId, 'campaign id')}`,
      scope: 'list',
      listId: opts.listId,
      body: transactionalCampaignToWire(input),
      what: `Transactional campaign ${campaignId}`,
      action: `saving transactional campaign ${campaignId}`,
      signal: opts.signal,
    });
    return this.parse(r, parseTransactionalCampaign, `transactional campaign ${campaignId}`);
  }

  async deleteTransactionalCampaign(campaignId: number, opts: CallOptions = {}): Promise<void> {
    try {
      await this.request({
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
  async sendTransactional(input: TransactionalSendInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    const messageId = id(input.messageId, 'message id');
    const body = { message_id: messageId, ...sendOptionsToWire(input) };
    const r = await this.request({
      method: 'POST',
      path: '/api/transactional/send',
      scope: 'list',
      listId: input.listId,
      body,
      send: true,
      what: `The transactional send of email ${messageId}`,
      action: `sending email ${messageId} as a transactional message`,
      notFound: `Email ${messageId} or the transactional campaign no longer exists. Refresh the library and choose again.`,
      signal: opts.signal,
    });
    return parseSendResult(r.payload, body.recipients);
  }

  /** Sends content that is not stored in the library (send_embed_content). Never repeated after an ambiguous failure. */
  async sendTransactionalContent(input: TransactionalEmbedInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
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
    const r = await this.request({
      method: 'POST',
      path: '/api/transactional/send_embed_content',
      scope: 'list',
      listId: input.listId,
      body,
      send: true,
      what: `The transactional send "${m.subject}"`,
      action: `sending "${m.subject}" as a transactional message`,
      signal: opts.signal,
    });
    return parseSendResult(r.payload, body.recipients);
  }

  // ------------------------------------------------------------------------------------- contacts

  async getContactByEmail(email: string, opts: CallOptions = {}): Promise<Contact> {
    if (!email || !email.includes('@')) {
      throw new OngageError({ kind: 'invalidRequest', message: `"${email}" is not an email address.` });
    }
    const r = await this.request({
      method: 'GET',
      path: `/api/contacts/by_email/${encodeURIComponent(email)}`,
      scope: 'list',
      listId: opts.listId,
      what: `Contact ${email}`,
      action: `reading contact ${email}`,
      notFound: `Contact ${email} is not in ${opts.listId ?? this.listId ? `list ${opts.listId ?? this.listId}` : "the account's default list"}. Choose another contact, or type preview values by hand.`,
      signal: opts.signal,
    });
    return this.parse(r, parseContact, `contact ${email}`);
  }

  async getContactById(contactId: string, opts: CallOptions = {}): Promise<Contact> {
    if (!contactId) throw new OngageError({ kind: 'invalidRequest', message: 'A contact id is needed.' });
    const r = await this.request({
      method: 'GET',
      path: `/api/contacts/by_id/${encodeURIComponent(contactId)}`,
      scope: 'list',
      listId: opts.listId,
      what: `Contact ${contactId}`,
      action: `reading contact ${contactId}`,
      notFound: `Contact ${contactId} is not in this list. Choose another contact.`,
      signal: opts.signal,
    });
    return this.parse(r, parseContact, `contact ${contactId}`);
  }

  // ------------------------------------------------------------------------------------ internals

  private emailFetcher(filter: EmailFilter) {
    return async (index: number, size: number, signal: AbortSignal): Promise<PageResult<Email>> => {
      const p = await this.listEmails(filter, { page: index + 1, pageSize: size, signal });
      return { items: p.items, total: p.total };
    };
  }

  private pageOpts<T>(
    opts: ListAllOptions<T>,
    defaultSize: number,
    numbering: 'page' | 'offset',
    key?: (item: T) => unknown,
  ): PaginateOptions<T> & { key?: (item: T) => unknown } {
    return {
      pageSize: opts.pageSize ?? defaultSize,
      concurrency: opts.concurrency ?? this.limiter.limits.maxInFlight,
      signal: opts.signal,
      onPage: opts.onPage,
      numbering,
      key,
    };
  }

  private offsetPage<T>(r: Reply, parse: (x: unknown) => T, what: string, q: OffsetQuery): Page<T> {
    const items = this.parse(r, (p) => parseArray(p, parse, what), what);
    return { items, total: toNumber(r.metadata.total), page: q.offset ?? 0, pageSize: q.limit ?? items.length };
  }

  /** Applies a parser; a shape Ongage should not send becomes a badResponse error. */
  private parse<T>(r: Reply, parse: (payload: unknown) => T, what: string): T {
    try {
      return parse(r.payload);
    } catch (e) {
      throw new OngageError({
        kind: 'badResponse',
        status: r.status,
        retries: r.retries,
        message: `Ongage's answer for ${what} could not be read (${e instanceof Error ? e.message : String(e)}). Check the API address; if it is right, report this with the log.`,
      });
    }
  }

  private buildPath(spec: RequestSpec): string {
    const listId = spec.scope === 'list' ? (spec.listId ?? this.listId) : undefined;
    const prefix = listId !== undefined ? `/${id(listId, 'list id')}` : '';
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined && v !== '') qs.set(k, String(v));
    }
    const q = qs.toString();
    return `${prefix}${spec.path}${q ? `?${q}` : ''}`;
  }

  /** The transport: limiter, retries, envelope, errors, logging. */
  private async request(spec: RequestSpec): Promise<Reply> {
    const path = this.buildPath(spec);
    if (spec.method === 'POST' && /\/api\/mailings\/?(\?|$)/.test(path)) {
      const b = spec.body as Record<string, unknown> | undefined;
      if (!b || b.is_test !== true) {
        throw new OngageError({
          kind: 'invalidRequest',
          method: spec.method,
          path,
          message: 'Refused to create a campaign that is not a test: it would launch to whole segments at once. Only test sends are possible from here.',
        });
      }
    }
    const idempotent = !spec.send && (spec.idempotent ?? spec.method !== 'POST');
    const signal = spec.signal;
    let retries = 0;
    let rateRetries = 0;
    let failures = 0;
    for (;;) {
      if (signal?.aborted) throw this.cancelled(spec, path, retries, false);
      let release: () => void;
      try {
        release = await this.limiter.acquire(signal);
      } catch {
        throw this.cancelled(spec, path, retries, false);
      }
      const started = performance.now();
      let attempt: Attempt;
      try {
        attempt = await this.attempt(spec, path, signal);
      } finally {
        release();
      }
      const ms = Math.round(performance.now() - started);
      const shown = attempt.type === 'response' ? String(attempt.res.status) : attempt.type === 'network' ? attempt.code : attempt.type;
      this.log(`${spec.method} ${path} ${shown} ${ms} ms${retries ? ` (retry ${retries})` : ''}`);

      if (attempt.type === 'cancelled') throw this.cancelled(spec, path, retries, attempt.dispatched);

      if (attempt.type === 'response') {
        const res = attempt.res;
        const env = parseEnvelope(res.data);
        const isError = res.status >= 400 || (env !== undefined && toBool(env.metadata.error) === true);
        if (!isError) {
          if (res.status >= 300 || env === undefined) {
            throw new OngageError({
              kind: 'badResponse',
              status: res.status,
              method: spec.method,
              path,
              retries,
              message: `${cap(spec.action)} got an answer that is not from the Ongage API (HTTP ${res.status}${res.status >= 300 && res.status < 400 ? ', a redirect' : ''}). Check the API address (expected https://api.ongage.net); a proxy may be in the way.`,
            });
          }
          return { status: res.status, payload: env.payload, metadata: env.metadata, retries };
        }
        const payload = (env?.payload ?? {}) as Record<string, unknown>;
        const code = toNumber(payload.code);
        const status = res.status >= 400 ? res.status : (code ?? 500);
        if (status === 429) {
          if (rateRetries < this.retry.maxRateLimitRetries) {
            const wait = retryAfterMs(res.headers['retry-after'], this.retry.maxRetryAfterMs) ?? this.backoff(rateRetries);
            rateRetries++;
            retries++;
            this.logger.debug(`${spec.method} ${path}: rate limited by Ongage; holding every call of this account for ${Math.round(wait)} ms`);
            this.limiter.pause(wait);
            continue;
          }
          throw this.httpError(spec, path, status, payload, retries);
        }
        if (status >= 500) {
          if (idempotent && failures < this.retry.maxRetries) {
            const wait = retryAfterMs(res.headers['retry-after'], this.retry.maxRetryAfterMs) ?? this.backoff(failures);
            failures++;
            retries++;
            await sleep(wait, signal).catch(() => undefined);
            continue;
          }
          if (spec.send) throw this.ambiguous(spec, path, retries, `Ongage answered HTTP ${status}`, status);
          throw this.httpError(spec, path, status, payload, retries, idempotent);
        }
        throw this.httpError(spec, path, status, payload, retries);
      }

      // No answer: a reset, a refused connection, or a timeout.
      const delivered = attempt.type === 'timeout' ? 'maybe' : attempt.delivered;
      const reason = attempt.type === 'timeout' ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : attempt.code;
      const retryable =
        (idempotent || delivered === 'no') &&
        !(attempt.type === 'network' && NOT_WORTH_RETRYING.has(attempt.code)) &&
        failures < this.retry.maxRetries;
      if (retryable) {
        const wait = this.backoff(failures);
        failures++;
        retries++;
        await sleep(wait, signal).catch(() => undefined);
        continue;
      }
      if (spec.send && delivered === 'maybe') throw this.ambiguous(spec, path, retries, reason);
      throw this.noAnswerError(spec, path, attempt.type === 'timeout' ? 'timeout' : 'network', reason, retries, idempotent || delivered === 'no');
    }
  }

  private async attempt(spec: RequestSpec, path: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const ctl = new AbortController();
    let timedOut = false;
    let dispatched = false;
    const onAbort = (): void => ctl.abort();
    if (signal?.aborted) return { type: 'cancelled', dispatched: false };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, this.timeoutMs);
    const agents = spec.send ? this.#fresh : this.#keepAlive;
    try {
      const headers: Record<string, string> = {
        X_USERNAME: this.#credentials.username,
        X_PASSWORD: this.#credentials.password,
        X_ACCOUNT_CODE: this.#credentials.accountCode,
      };
      if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
      dispatched = true;
      const res = await this.#http.request<string>({
        method: spec.method,
        url: path,
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        headers,
        signal: ctl.signal,
        httpAgent: agents.http,
        httpsAgent: agents.https,
      });
      return { type: 'response', res };
    } catch (e) {
      // Only the code is read from the library's error: its config holds the credentials.
      if (timedOut) return { type: 'timeout' };
      if (signal?.aborted) return { type: 'cancelled', dispatched };
      const code = errorCode(e);
      return { type: 'network', code, delivered: NOT_DELIVERED.has(code) ? 'no' : 'maybe' };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Jittered exponential back-off: base·2ⁿ capped, times a random factor in [0.5, 1]. */
  private backoff(n: number): number {
    const step = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** n);
    return step * (0.5 + Math.random() * 0.5);
  }

  private log(line: string): void {
    this.logger.debug(redact(line, this.#secrets));
  }

  private clean(s: string | undefined): string | undefined {
    return s === undefined ? undefined : redact(s, this.#secrets);
  }

  private cancelled(spec: RequestSpec, path: string, retries: number, dispatched: boolean): OngageError {
    const mayHaveSent = !!spec.send && dispatched;
    return new OngageError({
      kind: 'cancelled',
      method: spec.method,
      path,
      retries,
      sendMayHaveHappened: mayHaveSent,
      message: mayHaveSent
        ? `Cancelled while ${spec.action} was under way: it may or may not have been sent. Check ${this.sendCheckHint} before sending again.`
        : `Cancelled ${spec.action}.`,
    });
  }

  private ambiguous(spec: RequestSpec, path: string, retries: number, reason: string, status?: number): OngageError {
    return new OngageError({
      kind: 'ambiguousSend',
      status,
      method: spec.method,
      path,
      retries,
      reason,
      sendMayHaveHappened: true,
      message: `${spec.what} may or may not have happened (${reason}). It was not repeated, to avoid sending twice. Check ${this.sendCheckHint} before sending again.`,
    });
  }

  private noAnswerError(
    spec: RequestSpec,
    path: string,
    kind: OngageErrorKind,
    reason: string,
    retries: number,
    safe: boolean,
  ): OngageError {
    const host = new URL(this.baseUrl).host;
    const tail = safe
      ? retries
        ? ` (tried ${retries + 1} times)`
        : ''
      : '; it may or may not have been done. Refresh before trying again';
    return new OngageError({
      kind,
      method: spec.method,
      path,
      retries,
      reason,
      message:
        kind === 'timeout'
          ? `Ongage did not answer ${spec.action} in time (${reason})${tail}. Try again later.`
          : `Could not reach Ongage at ${host} while ${spec.action} (${reason})${tail}. Check the network connection and the API address.`,
    });
  }

  private httpError(
    spec: RequestSpec,
    path: string,
    status: number,
    payload: Record<string, unknown>,
    retries: number,
    safe = true,
  ): OngageError {
    const code = toNumber(payload.code);
    const ongageMessage = this.clean(typeof payload.message === 'string' ? payload.message : undefined);
    const fieldErrors = parseFieldErrors(payload.errors).map((f) => ({ ...f, message: this.clean(f.message)! }));
    const said = ongageMessage ? ` Ongage said: "${ongageMessage}".` : '';
    const details = fieldErrors.length
      ? ` ${fieldErrors.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')}.`
      : '';
    let kind: OngageErrorKind;
    let message: string;
    switch (true) {
      case status === 401:
        kind = 'auth';
        message = `Ongage refused the credentials for account "${this.accountCode}" (HTTP 401). Check the user name, the password and the account code (the code on the account's Profile page, not the numeric account id), then sign in again.`;
        break;
      case status === 403:
        kind = 'forbidden';
        message = `Ongage does not allow ${spec.action} for account "${this.accountCode}" (HTTP 403).${said} The account may lack API access or this user the permission; ask the account's administrator.`;
        break;
      case status === 404:
        kind = 'notFound';
        message = spec.notFound ?? `${spec.what} no longer exists (or this account cannot see it). Refresh and try again.`;
        break;
      case status === 406:
        kind = 'setupRequired';
        message = `Account "${this.accountCode}" must finish its setup in Ongage before ${spec.action} is possible (HTTP 406).${said} Complete the setup in Ongage's web interface.`;
        break;
      case status === 400 && spec.on400 === 'dependency':
        kind = 'dependency';
        message = `${spec.dependencyMessage?.(ongageMessage ?? '') ?? `${spec.what} is still in use.`}${said}`;
        break;
      case status === 400 || status === 412 || status === 422:
        kind = 'validation';
        message = `Ongage refused ${spec.action} as invalid (HTTP ${status}).${said}${details} Correct it and try again.`;
        break;
      case status === 429:
        kind = 'rateLimited';
        message = `Ongage kept refusing ${spec.action} with "Calls per minute exceeded" after ${retries} retries. Something else may be using this account's API allowance; wait a minute and try again.`;
        break;
      case status >= 500:
        kind = 'server';
        message = `Ongage failed while ${spec.action} (HTTP ${status}).${said}${safe ? (retries ? ` Tried ${retries + 1} times.` : '') : ' It may or may not have been done; refresh before trying again.'} Try again later.`;
        break;
      default:
        kind = 'validation';
        message = `Ongage refused ${spec.action} (HTTP ${status}).${said}${details}`;
    }
    return new OngageError({ kind, status, code, ongageMessage, fieldErrors, method: spec.method, path, retries, message });
  }
}

// ---------------------------------------------------------------------------------------- helpers

function id(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new OngageError({ kind: 'invalidRequest', message: `${cap(what)} must be a whole number, got ${JSON.stringify(v)}.` });
  }
  return v;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function checkRecipients(list: string[] | undefined): string[] {
  const r = (list ?? []).map((x) => String(x).trim()).filter((x) => x !== '');
  if (r.length === 0) throw new OngageError({ kind: 'invalidRequest', message: 'Add at least one recipient.' });
  const bad = r.filter((x) => !/^[^@\s]+@[^@\s]+$/.test(x));
  if (bad.length) {
    throw new OngageError({ kind: 'invalidRequest', message: `Not an email address: ${bad.join(', ')}. Correct the recipients.` });
  }
  return r;
}

function transactionalCampaignToWire(input: Partial<TransactionalCampaignInput>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(input.extra ?? {}) };
  if (input.name !== undefined) out.name = input.name;
  if (input.description !== undefined) out.description = input.description;
  if (input.espConnectionId !== undefined) out.esp_connection_id = input.espConnectionId;
  return out;
}

function sendOptionsToWire(o: TransactionalSendOptions): Record<string, unknown> & { recipients: string[] } {
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
    const stray = per.filter((p) => !recipients.includes(p.recipient)).map((p) => p.recipient);
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

interface Envelope {
  metadata: Record<string, unknown>;
  payload: unknown;
}

/** The envelope of an answer, or undefined when the body is not one. */
function parseEnvelope(body: unknown): Envelope | undefined {
  let v: unknown = body;
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      v = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!('payload' in o) && !('metadata' in o)) return undefined;
  const metadata = o.metadata && typeof o.metadata === 'object' ? (o.metadata as Record<string, unknown>) : {};
  return { metadata, payload: o.payload };
}

/** Retry-After as ms (seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, capMs: number): number | undefined {
  if (header === undefined || header === null || header === '') return undefined;
  const s = String(header).trim();
  let ms: number;
  const n = toNumber(s);
  if (n !== undefined) ms = n * 1000;
  else {
    const t = Date.parse(s);
    if (Number.isNaN(t)) return undefined;
    ms = t - Date.now();
  }
  // A little jitter so the callers it held back do not all return in the same millisecond.
  return Math.min(capMs, Math.max(0, ms)) + Math.random() * 100;
}

function errorCode(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; cause?: { code?: unknown } };
    if (typeof o.code === 'string' && o.code) return o.code;
    if (o.cause && typeof o.cause.code === 'string') return o.cause.code;
  }
  return 'ERR_NETWORK';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
