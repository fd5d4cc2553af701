/**
 * The transport under OngageClient: one request through the account's shared limiter, with the three auth headers,
 * retries (429 always; 5xx, timeouts and resets only for idempotent calls; a send never after an ambiguous failure),
 * the envelope parsed and every failure turned into an OngageError whose message says what to do. The resource
 * calls (client.ts, sends.ts) describe requests; only this file talks HTTP. Credentials stay in ES private fields
 * and never reach errors or logs. Editor-free.
 */
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import * as http from 'http';
import * as https from 'https';
import { Logger, redact, silentLogger } from '../log';
import { OngageError, OngageErrorKind, parseFieldErrors } from './errors';
import { LimiterOptions, LimiterStats, RateLimiter, Release, sharedLimiter } from './limiter';
import { PaginateOptions } from './paginate';
import { parseArray, toBool, toNumber } from './parse';
import { OffsetQuery, Page } from './types';

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
  /** Largest answer read, in bytes (a larger one fails with kind 'badResponse'). Default 64 MiB. */
  maxResponseBytes?: number;
  /** Largest request body sent, in bytes (a larger one is refused before it goes out). Default 32 MiB. */
  maxRequestBytes?: number;
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

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestSpec {
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
  /** For a send: where in Ongage to see whether it went out (e.g. "the test campaign's status in Ongage (Campaigns)"). */
  checkHint?: string;
  signal?: AbortSignal;
}

export interface Reply {
  status: number;
  payload: unknown;
  metadata: Record<string, unknown>;
  retries: number;
  /** The path asked for (list prefix and query included). */
  path: string;
}

type Attempt =
  | { type: 'response'; res: AxiosResponse<string> }
  | { type: 'network'; code: string; delivered: 'no' | 'maybe' }
  | { type: 'timeout' }
  | { type: 'cancelled'; dispatched: boolean }
  /** The answer was larger than the client's limit (`maxResponseBytes`), or the request body than `maxRequestBytes`. */
  | { type: 'tooLarge'; what: 'answer' | 'request' };

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
const NOT_WORTH_RETRYING = new Set(['ENOTFOUND', 'ERR_INVALID_URL']);

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** Page size when a whole library (or folder) is listed. */
export const WHOLE_LIBRARY_PAGE_SIZE = 100;

export class Transport {
  readonly baseUrl: string;
  readonly listId?: number;
  readonly accountCode: string;
  // ES private fields: invisible to JSON.stringify and util.inspect, so logging the client leaks nothing.
  readonly #credentials: OngageCredentials;
  private readonly logger: Logger;
  readonly limiter: RateLimiter;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxRequestBytes: number;
  private readonly retry: Required<RetryOptions>;
  readonly #http: AxiosInstance;
  readonly #keepAlive: { http: http.Agent; https: https.Agent };
  readonly #fresh: { http: http.Agent; https: https.Agent };
  readonly #secrets: string[];
  private readonly sendCheckHint?: string;
  private readonly loopback: boolean;

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
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.retry = {
      maxRetries: opts.retry?.maxRetries ?? 3,
      maxRateLimitRetries: opts.retry?.maxRateLimitRetries ?? 8,
      baseDelayMs: opts.retry?.baseDelayMs ?? 500,
      maxDelayMs: opts.retry?.maxDelayMs ?? 8_000,
      maxRetryAfterMs: opts.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    this.sendCheckHint = opts.sendCheckHint;
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

  /** Retries allowed after 5xx, timeouts and resets. */
  get maxRetries(): number {
    return this.retry.maxRetries;
  }

  
  pageOpts<T>(
    opts: ListAllOptions<T>,
    defaultSize: number,
    numbering: 'page' | 'offset',
    key: (item: T) => unknown,
    what: string,
  ): PaginateOptions<T> {
    return {
      pageSize: opts.pageSize ?? defaultSize,
      concurrency: opts.concurrency ?? this.limiter.limits.maxInFlight,
      signal: opts.signal,
      onPage: opts.onPage,
      numbering,
      key,
      what,
    };
  }

  offsetPage<T>(r: Reply, parse: (x: unknown) => T, what: string, q: OffsetQuery): Page<T> {
    const items = this.parse(r, (p) => parseArray(p, parse, what), what);
    return { items, total: toNumber(r.metadata.total), page: q.offset ?? 0, pageSize: q.limit ?? items.length };
  }

  /** Applies a parser; a shape Ongage should not send becomes a badResponse error. */
  parse<T>(r: Reply, parse: (payload: unknown) => T, what: string): T {
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
  async request(spec: RequestSpec): Promise<Reply> {
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
      let release: Release;
      try {
        release = await this.limiter.acquire(signal);
      } catch {
        throw this.cancelled(spec, path, retries, false);
      }
      const started = performance.now();
      let attempt: Attempt;
      let env: Envelope | undefined;
      let pauseMs: number | undefined;
      try {
        attempt = await this.attempt(spec, path, signal);
        if (attempt.type === 'response') {
          env = parseEnvelope(attempt.res.data);
          // A 429 holds the account back before this slot is handed on: released first, the next waiter would
          // go out at once into the same refusal.
          if (rateRetries < this.retry.maxRateLimitRetries && statusOf(attempt.res, env) === 429) {
            pauseMs = retryAfterMs(attempt.res.headers['retry-after'], this.retry.maxRetryAfterMs) ?? this.backoff(rateRetries);
          }
        }
      } finally {
        release(pauseMs);
      }
      const ms = Math.round(performance.now() - started);
      const shown = attempt.type === 'response' ? String(attempt.res.status) : attempt.type === 'network' ? attempt.code : attempt.type;
      this.log(`${spec.method} ${path} ${shown} ${ms} ms${retries ? ` (retry ${retries})` : ''}`);

      if (attempt.type === 'cancelled') throw this.cancelled(spec, path, retries, attempt.dispatched);
      if (attempt.type === 'tooLarge') throw this.tooLarge(spec, path, retries, attempt.what);

      if (attempt.type === 'response') {
        const res = attempt.res;
        const isError = res.status >= 400 || (env !== undefined && toBool(env.metadata.error) === true);
        if (!isError) {
          if (spec.send && res.status < 300 && env === undefined) {
            // Ongage (or something in front of it) took the send and answered 2xx with a body that cannot be read:
            // the mail may well have gone out.
            throw this.ambiguous(spec, path, retries, `HTTP ${res.status} with an answer that is not a readable Ongage answer`, res.status);
          }
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
          return { status: res.status, payload: env.payload, metadata: env.metadata, retries, path };
        }
        const payload = (env?.payload ?? {}) as Record<string, unknown>;
        const status = statusOf(res, env);
        if (status === 429) {
          if (pauseMs !== undefined) {
            rateRetries++;
            retries++;
            this.logger.debug(`${spec.method} ${path}: rate limited by Ongage; holding every call of this account for ${Math.round(pauseMs)} ms`);
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
        maxContentLength: this.maxResponseBytes,
        maxBodyLength: this.maxRequestBytes,
      });
      return { type: 'response', res };
    } catch (e) {
      // Only the code is read from the library's error: its config holds the credentials.
      if (timedOut) return { type: 'timeout' };
      if (signal?.aborted) return { type: 'cancelled', dispatched };
      const code = errorCode(e);
      const said = e instanceof Error ? e.message : '';
      if (code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(said)) return { type: 'tooLarge', what: 'answer' };
      if (code === 'ERR_BAD_REQUEST' && /maxBodyLength/.test(said)) return { type: 'tooLarge', what: 'request' };
      return { type: 'network', code, delivered: NOT_DELIVERED.has(code) ? 'no' : 'maybe' };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private tooLarge(spec: RequestSpec, path: string, retries: number, what: 'answer' | 'request' = 'answer'): OngageError {
    const mb = (n: number): string => (n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${n} bytes`);
    return new OngageError({
      kind: what === 'answer' ? 'badResponse' : 'invalidRequest',
      method: spec.method,
      path,
      retries,
      message:
        what === 'answer'
          ? `Ongage's answer to ${spec.action} was larger than ${mb(this.maxResponseBytes)}, the most this client reads; it was dropped. Check the API address (a proxy may be answering); for a very large library, list a folder at a time.`
          : `${cap(spec.action)} was not sent: the request is larger than ${mb(this.maxRequestBytes)}, the most this client sends. Make the content smaller.`,
    });
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
        ? `Cancelled while ${spec.action} was under way: it may have gone out. Before sending again, check ${this.whereToCheck(spec)}.`
        : `Cancelled ${spec.action}.`,
    });
  }

  /** Where to look whether a send went out: the sandbox's outbox, or Ongage's view of it and the ESP's log. */
  private whereToCheck(spec: RequestSpec): string {
    if (this.sendCheckHint) return this.sendCheckHint;
    if (this.loopback) return `the sandbox outbox (GET ${this.baseUrl}/__sandbox/outbox)`;
    return `${spec.checkHint ?? "the campaign's status in Ongage (Campaigns, or Reports → Transactional)"}, then the log of the sending connection (the ESP)`;
  }

  /** A send that may or may not have gone out: never repeated; the message says how to find out. */
  ambiguous(spec: RequestSpec, path: string, retries: number, reason: string, status?: number): OngageError {
    return new OngageError({
      kind: 'ambiguousSend',
      status,
      method: spec.method,
      path,
      retries,
      reason,
      sendMayHaveHappened: true,
      message: `${spec.what} may have gone out (${reason}). It was not repeated, to avoid sending twice. Before sending again, check ${this.whereToCheck(spec)}.`,
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

export function id(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new OngageError({ kind: 'invalidRequest', message: `${cap(what)} must be a whole number, got ${JSON.stringify(v)}.` });
  }
  return v;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

interface Envelope {
  metadata: Record<string, unknown>;
  payload: unknown;
}

/** The HTTP status an answer stands for: its own, or for a 2xx error envelope the envelope's code. */
function statusOf(res: AxiosResponse<string>, env: Envelope | undefined): number {
  if (res.status >= 400) return res.status;
  if (env === undefined || toBool(env.metadata.error) !== true) return res.status;
  return toNumber((env.payload as Record<string, unknown> | undefined)?.code) ?? 500;
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
