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
 *
 * Where things live: transport.ts (HTTP, limiter, retries, envelope, errors), this file (account, lists, fields,
 * library items, contacts), sends.ts (test mailings, transactional campaigns and sends).
 */
import { OngageError } from './errors';
import { LimiterStats } from './limiter';
import { collectAll, paginate, PageResult } from './paginate';
import {
  emailInputToWire,
  parseArray,
  parseContact,
  parseEmail,
  parseEspConnection,
  parseList,
  parseListField,
  toNumber,
  toUnixSeconds,
} from './parse';
import * as sends from './sends';
import { CallOptions, id, ListAllOptions, OngageClientOptions, Transport, WHOLE_LIBRARY_PAGE_SIZE } from './transport';
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
} from './types';

export type { CallOptions, ListAllOptions, OngageClientOptions, OngageCredentials, RetryOptions } from './transport';
export { retryAfterMs, WHOLE_LIBRARY_PAGE_SIZE } from './transport';

export class OngageClient {
  // ES private field: invisible to JSON.stringify and util.inspect, so logging the client leaks nothing.
  readonly #t: Transport;

  constructor(opts: OngageClientOptions) {
    this.#t = new Transport(opts);
  }

  get baseUrl(): string {
    return this.#t.baseUrl;
  }

  get listId(): number | undefined {
    return this.#t.listId;
  }

  get accountCode(): string {
    return this.#t.accountCode;
  }

  /** Frees the client's sockets. The shared limiter stays for other clients of the account. */
  dispose(): void {
    this.#t.dispose();
  }

  /** The shared limiter's state (for status displays and tests). */
  limiterStats(): LimiterStats {
    return this.#t.limiterStats();
  }

  // ------------------------------------------------------------------------------------- account

  /**
   * A cheap real call (GET /api/lists?limit=1) that proves the credentials work.
   * Rejects with kind 'auth' (401) or 'forbidden' (403, e.g. no API access) when they do not.
   */
  async checkCredentials(opts: { signal?: AbortSignal } = {}): Promise<{ accountCode: string; listCount?: number }> {
    const r = await this.#t.request({
      method: 'GET',
      path: '/api/lists',
      scope: 'account',
      query: { limit: 1 },
      what: 'The list collection',
      action: 'checking the credentials',
      signal: opts.signal,
    });
    return { accountCode: this.#t.accountCode, listCount: toNumber(r.metadata.total) };
  }

  async listLists(query: ListQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<Page<OngageList>> {
    const r = await this.#t.request({
      method: 'GET',
      path: '/api/lists',
      scope: 'account',
      query: { name: query.name, type: query.type, sort: query.sort, order: query.order, offset: query.offset, limit: query.limit },
      what: 'The list collection',
      action: 'listing the lists',
      signal: opts.signal,
    });
    return this.#t.offsetPage(r, parseList, 'lists', query);
  }

  async listAllLists(opts: ListAllOptions<OngageList> = {}): Promise<OngageList[]> {
    return collectAll(
      async (index, size, signal) => {
        const p = await this.listLists({ offset: index * size, limit: size, sort: 'id', order: 'ASC' }, { signal });
        return { items: p.items, total: p.total };
      },
      this.#t.pageOpts(opts, 100, 'offset', (l: OngageList) => l.id, 'the lists'),
    );
  }

  async getList(listId: number, opts: { signal?: AbortSignal } = {}): Promise<OngageList> {
    const r = await this.#t.request({
      method: 'GET',
      path: `/api/lists/${id(listId, 'list id')}`,
      scope: 'account',
      what: `List ${listId}`,
      action: `reading list ${listId}`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseList, `list ${listId}`);
  }

  /** The list's personalization fields (email, first_name, …). */
  async listFields(opts: CallOptions = {}): Promise<ListField[]> {
    const r = await this.#t.request({
      method: 'GET',
      path: '/api/list_fields',
      scope: 'list',
      listId: opts.listId,
      what: 'The list fields',
      action: 'reading the list fields',
      signal: opts.signal,
    });
    return this.#t.parse(r, (p) => parseArray(p, parseListField, 'list fields'), 'list fields');
  }

  /** The sending (ESP) connections, for choosing where test and transactional sends go. */
  async listEspConnections(opts: CallOptions & { activeOnly?: boolean } = {}): Promise<EspConnection[]> {
    const r = await this.#t.request({
      method: 'GET',
      path: '/api/esp_connections/options',
      scope: 'list',
      listId: opts.listId,
      query: { active_only: opts.activeOnly ? 'true' : undefined },
      what: 'The sending connections',
      action: 'listing the sending connections',
      signal: opts.signal,
    });
    return this.#t.parse(r, (p) => parseArray(p, parseEspConnection, 'ESP connections'), 'ESP connections');
  }

  // --------------------------------------------------------------------------------------- emails

  /** One page of the library (page counts from 1; page size 50 by default, as Ongage's). */
  async listEmails(
    filter: EmailFilter = {},
    opts: { page?: number; pageSize?: number; signal?: AbortSignal } = {},
  ): Promise<Page<Email>> {
    const page = opts.page ?? 1;
    const pageSize = opts.pageSize ?? 50;
    const r = await this.#t.request({
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
    const items = this.#t.parse(r, (p) => parseArray(p, parseEmail, 'emails'), 'emails');
    return { items, total: toNumber(r.metadata.total), page, pageSize };
  }

  /**
   * The whole library (or the part the filter selects), page by page as pages arrive. After the first
   * page the rest are fetched concurrently within the account's limits. Breaking out of the loop
   * cancels what is still in flight. Pages of 100 by default: half the calls of Ongage's default 50, which
   * matters against the 300-calls-a-minute budget (a server that caps the size is followed).
   */
  iterateEmails(filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): AsyncGenerator<Page<Email>> {
    return paginate<Email>(this.emailFetcher(filter), this.#t.pageOpts(opts, WHOLE_LIBRARY_PAGE_SIZE, 'page', (e: Email) => e.id, 'the email library'));
  }

  /** Every item the filter selects, in library order (items seen twice while the library changes are kept once). */
  listAllEmails(filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): Promise<Email[]> {
    return collectAll(this.emailFetcher(filter), this.#t.pageOpts(opts, WHOLE_LIBRARY_PAGE_SIZE, 'page', (e: Email) => e.id, 'the email library'));
  }

  /** Items changed since `since` (for incremental refresh of a large library). */
  listEmailsModifiedSince(since: Date, filter: EmailFilter = {}, opts: ListAllOptions<Email> = {}): Promise<Email[]> {
    return this.listAllEmails({ ...filter, modifiedFrom: since }, opts);
  }

  async getEmail(emailId: number, opts: CallOptions = {}): Promise<Email> {
    const r = await this.#t.request({
      method: 'GET',
      path: `/api/emails/${id(emailId, 'email id')}`,
      scope: 'list',
      listId: opts.listId,
      what: `Email ${emailId}`,
      action: `reading email ${emailId}`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseEmail, `email ${emailId}`);
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
    const r = await this.#t.request({
      method: 'POST',
      path: '/api/emails',
      scope: 'list',
      listId: opts.listId,
      body,
      what: `The new ${input.type === 'folder' ? 'folder' : 'item'} "${input.name}"`,
      action: `creating "${input.name}"`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseEmail, 'the created email');
  }

  /**
   * Saves changes. When the email belongs to a campaign that already launched, Ongage stores a copy with
   * a new id instead (`copied: true`), unless `overwrite` is set; each attempt of such a PUT can store another
   * copy. So unless the caller knows the email is in no campaign (`mayCopy: false`) or sends `overwrite`, the PUT
   * is not repeated blindly after an unclear failure (timeout, reset, 5xx): the email is read again first. In no
   * campaign: the PUT is repeated. In one: `findCopy` (when given) looks for a copy an earlier attempt stored,
   * which is then the answer (`earlier: true`); found none, the PUT is repeated; without `findCopy` the failure
   * stands (its message says to refresh before trying again).
   */
  async updateEmail(
    emailId: number,
    input: EmailInput,
    opts: CallOptions & { overwrite?: boolean; mayCopy?: boolean; findCopy?: () => Promise<Email | undefined> } = {},
  ): Promise<EmailUpdateResult> {
    const body = emailInputToWire(input);
    if (opts.overwrite) body.overwrite = true;
    const copyPossible = !opts.overwrite && opts.mayCopy !== false;
    const put = () =>
      this.#t.request({
        method: 'PUT',
        path: `/api/emails/${id(emailId, 'email id')}`,
        scope: 'list',
        listId: opts.listId,
        body,
        idempotent: !copyPossible,
        what: `Email ${emailId}`,
        action: `saving email ${emailId}`,
        signal: opts.signal,
      });
    let r: Awaited<ReturnType<typeof put>> | undefined;
    for (let attempt = 0; !r; attempt++) {
      try {
        r = await put();
      } catch (e) {
        const unclear = e instanceof OngageError && (e.kind === 'timeout' || e.kind === 'network' || e.kind === 'server');
        if (!copyPossible || !unclear || attempt >= this.#t.maxRetries) throw e;
        // Read before repeating: the lost attempt may have stored a copy.
        const now = await this.getEmail(emailId, opts).catch(() => undefined);
        if (!now) throw e;
        if (now.mailingId !== undefined) {
          if (!opts.findCopy) throw e;
          const copy = await opts.findCopy();
          if (copy) {
            return {
              email: copy,
              copied: true,
              requestedId: emailId,
              earlier: true,
              warning: `Ongage's answer was lost, but it had stored a copy (id ${copy.id}); no second copy was made.`,
            };
          }
        }
      }
    }
    const email = this.#t.parse(r, parseEmail, `email ${emailId}`);
    const warning = email.warning ?? (typeof r.metadata.warning === 'string' ? r.metadata.warning : undefined);
    return { email, copied: email.id !== emailId, requestedId: emailId, warning };
  }

  /**
   * Deletes an item. Kind 'dependency' when it is still used (e.g. by a campaign). A repeated delete answered 404
   * (the first attempt's answer was lost) is checked by reading the item: gone is done, still there is an error.
   */
  async deleteEmail(emailId: number, opts: CallOptions = {}): Promise<Email | undefined> {
    try {
      const r = await this.#t.request({
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
        ? this.#t.parse(r, parseEmail, `email ${emailId}`)
        : undefined;
    } catch (e) {
      if (!(e instanceof OngageError && e.kind === 'notFound' && e.retries > 0)) throw e;
      // A repeated delete that finds nothing: most likely the first attempt went through. Make sure.
      let still: Email;
      try {
        still = await this.getEmail(emailId, opts);
      } catch (g) {
        if (g instanceof OngageError && g.kind === 'notFound') return undefined;
        throw g;
      }
      if (still.deleted) return undefined;
      throw new OngageError({
        kind: 'server',
        status: e.status,
        method: e.method,
        path: e.path,
        retries: e.retries,
        message: `Ongage answered "not found" to the repeated delete of email ${emailId}, but the email is still there: it was not deleted. Refresh and try again.`,
      });
    }
  }

  /** Copies an item to other lists; returns the copies Ongage reports. Not repeated after an unclear failure (it would copy twice). */
  async copyEmailToLists(emailId: number, targetListIds: number[], opts: CallOptions = {}): Promise<Email[]> {
    if (targetListIds.length === 0) {
      throw new OngageError({ kind: 'invalidRequest', message: 'Choose at least one list to copy the email to.' });
    }
    const body = targetListIds.length === 1 ? { target_list_id: targetListIds[0] } : { target_list_ids: targetListIds };
    const r = await this.#t.request({
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
    return this.#t.parse(
      r,
      (p) => (Array.isArray(p) ? p.map(parseEmail) : p && typeof p === 'object' && 'id' in p ? [parseEmail(p)] : parseArray(p, parseEmail, 'copies')),
      'copied emails',
    );
  }

  /** Flips the favourite mark; returns the item with its new state. Not repeated after an unclear failure (a toggle is not idempotent). */
  async toggleFavorite(emailId: number, opts: CallOptions = {}): Promise<Email> {
    const r = await this.#t.request({
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
    return this.#t.parse(r, parseEmail, `email ${emailId}`);
  }

  /** Moves and/or renames an item (Ongage needs both the folder, 0 = root, and the name). */
  async moveEmail(emailId: number, to: { parentId: number; name: string }, opts: CallOptions = {}): Promise<Email> {
    if (!to.name || !Number.isInteger(to.parentId) || to.parentId < 0) {
      throw new OngageError({ kind: 'invalidRequest', message: 'Moving or renaming needs a folder id (0 = root) and a non-empty name.' });
    }
    const r = await this.#t.request({
      method: 'PUT',
      path: `/api/emails/${id(emailId, 'email id')}/move`,
      scope: 'list',
      listId: opts.listId,
      body: { parent_id: to.parentId, name: to.name },
      what: `Email ${emailId}`,
      action: `moving email ${emailId}`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseEmail, `email ${emailId}`);
  }

  // ------------------------------------------------------------------------------------- contacts

  async getContactByEmail(email: string, opts: CallOptions = {}): Promise<Contact> {
    if (!email || !email.includes('@')) {
      throw new OngageError({ kind: 'invalidRequest', message: `"${email}" is not an email address.` });
    }
    const r = await this.#t.request({
      method: 'GET',
      path: `/api/contacts/by_email/${encodeURIComponent(email)}`,
      scope: 'list',
      listId: opts.listId,
      what: `Contact ${email}`,
      action: `reading contact ${email}`,
      notFound: `Contact ${email} is not in ${opts.listId ?? this.listId ? `list ${opts.listId ?? this.listId}` : "the account's default list"}. Choose another contact, or type preview values by hand.`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseContact, `contact ${email}`);
  }

  async getContactById(contactId: string, opts: CallOptions = {}): Promise<Contact> {
    if (!contactId) throw new OngageError({ kind: 'invalidRequest', message: 'A contact id is needed.' });
    const r = await this.#t.request({
      method: 'GET',
      path: `/api/contacts/by_id/${encodeURIComponent(contactId)}`,
      scope: 'list',
      listId: opts.listId,
      what: `Contact ${contactId}`,
      action: `reading contact ${contactId}`,
      notFound: `Contact ${contactId} is not in this list. Choose another contact.`,
      signal: opts.signal,
    });
    return this.#t.parse(r, parseContact, `contact ${contactId}`);
  }

  // ------------------------------------------------------------------------------- sends (sends.ts)

  /**
   * Sends a TEST mailing (POST /api/mailings with is_test: true). There is deliberately no way to send
   * a real campaign through this client. Never repeated after an ambiguous failure.
   */
  sendTestMailing(input: TestMailingInput, opts: { signal?: AbortSignal } = {}): Promise<Mailing> {
    return sends.sendTestMailing(this.#t, input, opts);
  }

  /** One campaign with its status (`statusName`: NEW, IN_PROGRESS, COMPLETED, …). */
  getMailing(mailingId: number, opts: CallOptions = {}): Promise<Mailing> {
    return sends.getMailing(this.#t, mailingId, opts);
  }

  listTransactionalCampaigns(query: OffsetQuery & CallOptions = {}): Promise<Page<TransactionalCampaign>> {
    return sends.listTransactionalCampaigns(this.#t, query);
  }

  createTransactionalCampaign(input: TransactionalCampaignInput, opts: CallOptions = {}): Promise<TransactionalCampaign> {
    return sends.createTransactionalCampaign(this.#t, input, opts);
  }

  updateTransactionalCampaign(campaignId: number, input: Partial<TransactionalCampaignInput>, opts: CallOptions = {}): Promise<TransactionalCampaign> {
    return sends.updateTransactionalCampaign(this.#t, campaignId, input, opts);
  }

  deleteTransactionalCampaign(campaignId: number, opts: CallOptions = {}): Promise<void> {
    return sends.deleteTransactionalCampaign(this.#t, campaignId, opts);
  }

  /** Sends a stored email as a transactional message. Never repeated after an ambiguous failure. */
  sendTransactional(input: TransactionalSendInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return sends.sendTransactional(this.#t, input, opts);
  }

  /** Sends content that is not stored in the library (send_embed_content). Never repeated after an ambiguous failure. */
  sendTransactionalContent(input: TransactionalEmbedInput, opts: { signal?: AbortSignal } = {}): Promise<SendResult> {
    return sends.sendTransactionalContent(this.#t, input, opts);
  }

  // ------------------------------------------------------------------------------------ internals

  private emailFetcher(filter: EmailFilter) {
    return async (index: number, size: number, signal: AbortSignal): Promise<PageResult<Email>> => {
      const p = await this.listEmails(filter, { page: index + 1, pageSize: size, signal });
      return { items: p.items, total: p.total };
    };
  }
}
