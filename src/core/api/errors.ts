/**
 * The one error type every Ongage call rejects with. Callers switch on `kind`; people read `message`,
 * which says what happened and what to do next. Nothing in here carries credentials: the client builds
 * these from status codes and response bodies only, never from an HTTP library's error object
 * (whose config holds the auth headers).
 */

export type OngageErrorKind =
  /** 401: the user name, password or account code was refused. */
  | 'auth'
  /** 403: the account or user may not do this (often: no API access). */
  | 'forbidden'
  /** 404: the item does not exist (any more), or this account cannot see it. */
  | 'notFound'
  /** 400 / 412: the request was refused for invalid data; see `fieldErrors`. */
  | 'validation'
  /** 400 on a delete: the item is still used (e.g. by a campaign). */
  | 'dependency'
  /** 406: the account must be set up in Ongage first. */
  | 'setupRequired'
  /** 429 that kept coming after every retry. */
  | 'rateLimited'
  /** 5xx after every retry (or at once for calls that are not safe to repeat). */
  | 'server'
  /** No usable answer: refused connection, reset, DNS failure (after retries where allowed). */
  | 'network'
  /** The call took longer than the configured timeout (after retries where allowed). */
  | 'timeout'
  /** A send failed in a way that leaves open whether mail went out. Never retried. */
  | 'ambiguousSend'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** The answer was not an Ongage envelope (a proxy page, a truncated body, …). */
  | 'badResponse'
  /** The client refused the call before sending it (missing recipients, unsafe request, …). */
  | 'invalidRequest';

export interface OngageFieldError {
  /** The field the message is about, when Ongage names one. */
  field?: string;
  message: string;
}

export interface OngageErrorInit {
  kind: OngageErrorKind;
  message: string;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  /** Ongage's own `payload.code`, when the body carried one. */
  code?: number;
  /** Ongage's own `payload.message`, verbatim (credentials masked). */
  ongageMessage?: string;
  fieldErrors?: OngageFieldError[];
  method?: string;
  /** The request path without host, e.g. `/10542/api/emails/2025`. */
  path?: string;
  /** How many times the call was repeated before giving up. */
  retries?: number;
  /** For sends: true when the mail may or may not have gone out. */
  sendMayHaveHappened?: boolean;
  /** A short technical reason (e.g. `ECONNRESET`), safe to show. */
  reason?: string;
}

export class OngageError extends Error {
  override readonly name = 'OngageError';
  readonly kind: OngageErrorKind;
  readonly status?: number;
  readonly code?: number;
  readonly ongageMessage?: string;
  readonly fieldErrors: OngageFieldError[];
  readonly method?: string;
  readonly path?: string;
  readonly retries: number;
  readonly sendMayHaveHappened: boolean;
  readonly reason?: string;

  constructor(init: OngageErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.ongageMessage = init.ongageMessage;
    this.fieldErrors = init.fieldErrors ?? [];
    this.method = init.method;
    this.path = init.path;
    this.retries = init.retries ?? 0;
    this.sendMayHaveHappened = init.sendMayHaveHappened ?? false;
    this.reason = init.reason;
  }

  /** True when repeating the same call later may succeed without changing anything. */
  get transient(): boolean {
    return this.kind === 'rateLimited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout';
  }

  /** A plain object for logs and JSON output (no stack, no credentials). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      status: this.status,
      code: this.code,
      ongageMessage: this.ongageMessage,
      fieldErrors: this.fieldErrors,
      method: this.method,
      path: this.path,
      retries: this.retries,
      sendMayHaveHappened: this.sendMayHaveHappened,
      reason: this.reason,
    };
  }
}

export function isOngageError(e: unknown): e is OngageError {
  return e instanceof OngageError;
}

/** True for an OngageError of kind `cancelled` (user cancellation is not a failure to report). */
export function isCancellation(e: unknown): boolean {
  return e instanceof OngageError && e.kind === 'cancelled';
}

/**
 * Ongage's `payload.errors` is usually `[]`, sometimes an object (`{ error_message: "Email already exists" }`),
 * sometimes a list of strings or of `{ field, message }`. All become a flat list.
 */
export function parseFieldErrors(raw: unknown): OngageFieldError[] {
  const out: OngageFieldError[] = [];
  const push = (field: string | undefined, v: unknown): void => {
    if (v === null || v === undefined || v === '') return;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out.push(field ? { field, message: String(v) } : { message: String(v) });
    } else if (Array.isArray(v)) {
      for (const x of v) push(field, x);
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.message === 'string') {
        const f = typeof o.field === 'string' ? o.field : field;
        out.push(f ? { field: f, message: o.message } : { message: o.message });
      } else {
        for (const [k, x] of Object.entries(o)) push(k === 'error_message' ? field : k, x);
      }
    }
  };
  push(undefined, raw);
  return out;
}
