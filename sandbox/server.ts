/**
 * An Ongage-compatible HTTP server for trying the extension without an account and for every test.
 * Built on Node's own http module. Serves the Ongage API under /api/… and /<list_id>/api/…, enforces
 * Ongage's rate limits, injects faults on request, records every accepted send in an outbox, and offers a
 * control API under /__sandbox/ (no auth). See sandbox/README.md.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo, Socket } from 'net';
import { ApiError, ApiRequest, ApiResult, handleApi } from './api';
import { LaunchRec, OutboxEntry, StateData, Store } from './model';
import { buildSeed, SEED_IDS, SeedIds } from './seed';
import { recordLaunch, recordStart } from './ledger';

export interface SandboxCredentials {
  username: string;
  password: string;
  accountCode: string;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Persist state to this JSON file (written to a temp file, then renamed) and load it on start. */
  dataFile?: string;
  /** Added to every API answer. */
  latencyMs?: number;
  /** 0..1: share of API requests answered with a 500 (not applied). */
  errorRate?: number;
  /** Calls per rolling 60 s per account (default 300). */
  rateLimit?: number;
  /** Calls in flight at once per account (default 10). */
  maxInFlight?: number;
  /** Generate this many extra library items in list 10542 (for benchmarks). */
  large?: number;
  credentials?: SandboxCredentials;
  /**
   * Real (non-test) campaign launches are what this sandbox is for (the sandbox's own tests of launch recording).
   * Everywhere else a launch is a failure of the whole test run (sandbox/ledger.ts).
   */
  expectRealLaunches?: boolean;
}

/** Faults to inject; counted ones apply to the next N API requests matching `method`/`path` (when given). */
export interface FaultSettings {
  latencyMs?: number;
  errorRate?: number;
  rateLimit?: number;
  maxInFlight?: number;
  /** Answer the next N with 429 "Calls per minute exceeded" (not applied). */
  next429?: number;
  /** Answer the next N with 500 (not applied). */
  next5xx?: number;
  /** Destroy the socket of the next N without an answer, before applying them. */
  dropNext?: number;
  /** Apply the next N (a send IS recorded), then destroy the socket without an answer. */
  applyThenDrop?: number;
  /** Apply the next N, then answer only after slowMs. */
  applyThenSlow?: number;
  /** Apply the next N (a send IS recorded), then answer 200 with a body that is not an Ongage answer. */
  applyThenGarble?: number;
  /** The broken body of applyThenGarble: the envelope cut in half (default), an HTML page, or nothing. */
  garbleAs?: 'truncated' | 'html' | 'empty';
  /** Delay for applyThenSlow (default 5000 ms). */
  slowMs?: number;
  /** Restrict this call's counted faults to one HTTP method. */
  method?: string;
  /** Restrict this call's counted faults to paths containing this text (e.g. "/transactional/send"). */
  path?: string;
  /** Remove every counted fault first. */
  clear?: boolean;
}

type FaultKind = 'next429' | 'next5xx' | 'dropNext' | 'applyThenDrop' | 'applyThenSlow' | 'applyThenGarble';

interface CountedFault {
  kind: FaultKind;
  remaining: number;
  method: string | null;
  path: string | null;
  slowMs: number;
  garbleAs: 'truncated' | 'html' | 'empty';
}

export interface SandboxStats {
  /** API requests received (control requests excluded). */
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  authFailures: number;
  /** 429 answers: total, and by cause. */
  rateLimited: number;
  rateLimitedPerMinute: number;
  rateLimitedInFlight: number;
  rateLimitedInjected: number;
  injected5xx: number;
  droppedConnections: number;
  /** Answers replaced by a broken body (applyThenGarble). */
  garbledAnswers: number;
  /** Requests refused for a Host that is not the sandbox's loopback address or an Origin of another site. */
  foreignRefused: number;
  /** API requests open right now, and the most ever open at once (counting any that were refused with 429). */
  inFlight: number;
  maxInFlightSeen: number;
  /** Non-test campaigns created through POST /api/mailings (the extension must never create one). */
  realCampaignLaunches: number;
  /** The same, since the sandbox started: reset() does not clear it (see also sandbox/ledger.ts). */
  realCampaignLaunchesSinceStart: number;
  launches: LaunchRec[];
  testSends: number;
  transactionalSends: number;
  outboxEntries: number;
}

export interface RunningSandbox {
  url: string;
  port: number;
  host: string;
  credentials: SandboxCredentials;
  /** The three auth headers, ready for fetch. */
  authHeaders: Record<string, string>;
  /** Named seed ids (lists, emails, templates, connections, contacts…). */
  ids: SeedIds;
  /** Live state (mutable; tests may read or adjust it). */
  readonly store: Store;
  outbox(): OutboxEntry[];
  stats(): SandboxStats;
  setFaults(f: FaultSettings): void;
  /** Back to the seed: state, outbox, stats, faults and rate windows. */
  reset(): void;
  /** Write the data file now (no-op without dataFile). */
  flush(): void;
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: SandboxCredentials = {
  username: 'sandbox@example.com',
  password: 'sandbox',
  accountCode: 'sandbox',
};


function emptyStats(): SandboxStats {
  return {
    requests: 0,
    byRoute: {},
    byStatus: {},
    authFailures: 0,
    rateLimited: 0,
    rateLimitedPerMinute: 0,
    rateLimitedInFlight: 0,
    rateLimitedInjected: 0,
    injected5xx: 0,
    droppedConnections: 0,
    garbledAnswers: 0,
    foreignRefused: 0,
    inFlight: 0,
    maxInFlightSeen: 0,
    realCampaignLaunches: 0,
    realCampaignLaunchesSinceStart: 0,
    launches: [],
    testSends: 0,
    transactionalSends: 0,
    outboxEntries: 0,
  };
}

function loadData(file: string): StateData | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`Cannot read the sandbox data file ${file}: ${(e as Error).message}. Check its permissions, or start without --data.`);
  }
  try {
    const data = JSON.parse(text) as StateData;
    if (data.version !== 1 || !Array.isArray(data.emails) || !Array.isArray(data.lists)) throw new Error('not a sandbox state file (version 1)');
    return data;
  } catch (e) {
    throw new Error(`The sandbox data file ${file} is not valid sandbox state (${(e as Error).message}). Delete it to start from the seed, or pass another --data file.`);
  }
}

function writeData(file: string, data: StateData): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data));
  fs.renameSync(tmp, file);
}

function routeKey(method: string, parts: string[]): string {
  return `${method} /api/${parts.map((p) => (/^\d+$/.test(p) ? ':id' : p)).join('/')}`.replace(/\/by_email\/[^/]+$/, '/by_email/:email').replace(/\/by_id\/[^/]+$/, '/by_id/:id');
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const MAX_BODY = 20 * 1024 * 1024;
const TOO_LARGE = `Request body is larger than ${MAX_BODY / 1024 / 1024} MB`;

/**
 * The body as text, or an ApiError 413 as soon as it passes MAX_BODY (declared or counted). The rest of an oversized
 * body is read and thrown away, never buffered and never cut with a reset: the client gets to read the 413, where
 * a reset would leave it guessing whether a send was applied.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(header(req, 'content-length') ?? 0) > MAX_BODY) {
      req.resume();
      return reject(new ApiError(413, TOO_LARGE));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > MAX_BODY) {
        over = true;
        chunks.length = 0;
        reject(new ApiError(413, TOO_LARGE));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Whether a Content-Type header says JSON (`application/json`, any parameters). */
function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test((contentType ?? '').trim());
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const credentials = { ...DEFAULT_CREDENTIALS, ...(opts.credentials ?? {}) };
  const large = Math.max(0, Math.floor(opts.large ?? 0));
  const settings = {
    latencyMs: Math.max(0, opts.latencyMs ?? 0),
    errorRate: Math.min(1, Math.max(0, opts.errorRate ?? 0)),
    rateLimit: Math.max(1, opts.rateLimit ?? 300),
    maxInFlight: Math.max(1, opts.maxInFlight ?? 10),
  };
  const initial = { ...settings };
  const dataFile = opts.dataFile;

  const fresh = (): StateData => buildSeed(credentials.accountCode, large).data;
  const loaded = dataFile ? loadData(dataFile) : null;
  const store = new Store(loaded ?? fresh());
  store.data.account.code = credentials.accountCode;

  let stats = emptyStats();
  let launchesSinceStart = 0;
  const expectRealLaunches = opts.expectRealLaunches === true;
  let faults: CountedFault[] = [];
  let callTimes: number[] = []; // accepted API calls in the rolling window (one account)
  let inFlight = 0;
  /** Answers being held back (latency, applyThenSlow): a latency change re-times them; clearing faults releases them. */
  const held = new Set<{ started: number; ms: number; kind: 'latency' | 'slow'; timer?: NodeJS.Timeout; release: () => void }>();
  const sockets = new Set<Socket>();
  let dirty = false;
  let saveTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const flush = (): void => {
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveTimer = null;
    }
    if (!dataFile || !dirty) return;
    dirty = false;
    writeData(dataFile, store.data);
  };
  const markDirty = (): void => {
    if (!dataFile) return;
    dirty = true;
    if (!saveTimer) {
      saveTimer = setTimeout(() => {
        saveTimer = null;
        try {
          flush();
        } catch (e) {
          process.stderr.write(`sandbox: could not save ${dataFile}: ${(e as Error).message}\n`);
        }
      }, 100);
    }
  };
  if (dataFile && !loaded) {
    dirty = true;
    flush();
  }

  const arm = (h: typeof held extends Set<infer H> ? H : never): void => {
    if (h.timer) clearTimeout(h.timer);
    const left = h.started + h.ms - Date.now();
    if (left <= 0) h.release();
    else h.timer = setTimeout(h.release, left);
  };
  const wait = (ms: number, kind: 'latency' | 'slow'): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve();
      const h = {
        started: Date.now(),
        ms,
        kind,
        timer: undefined as NodeJS.Timeout | undefined,
        release: (): void => {
          if (h.timer) clearTimeout(h.timer);
          held.delete(h);
          resolve();
        },
      };
      held.add(h);
      arm(h);
    });
  /** The latency applies to calls already held too: a lower one answers them sooner (at once when their time is up). */
  const retimeLatency = (): void => {
    for (const h of [...held]) {
      if (h.kind !== 'latency') continue;
      h.ms = settings.latencyMs;
      arm(h);
    }
  };

  const takeFault = (method: string, pathname: string, kinds: FaultKind[]): CountedFault | null => {
    const f = faults.find((x) => kinds.includes(x.kind) && x.remaining > 0 && (!x.method || x.method === method) && (!x.path || pathname.includes(x.path)));
    if (!f) return null;
    f.remaining--;
    faults = faults.filter((x) => x.remaining > 0);
    return { ...f };
  };

  const setFaults = (f: FaultSettings): void => {
    const num = (v: unknown, name: string, min: number, max = Infinity): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) throw new ApiError(400, `${name} must be a number from ${min}${max !== Infinity ? ` to ${max}` : ''}`);
      return n;
    };
    if (f.clear) faults = [];
    if (f.latencyMs !== undefined) {
      settings.latencyMs = num(f.latencyMs, 'latencyMs', 0);
      retimeLatency();
    }
    if (f.errorRate !== undefined) settings.errorRate = num(f.errorRate, 'errorRate', 0, 1);
    if (f.rateLimit !== undefined) settings.rateLimit = num(f.rateLimit, 'rateLimit', 1);
    if (f.maxInFlight !== undefined) settings.maxInFlight = num(f.maxInFlight, 'maxInFlight', 1);
    const slowMs = f.slowMs !== undefined ? num(f.slowMs, 'slowMs', 0) : 5000;
    const garbleAs = f.garbleAs ?? 'truncated';
    if (garbleAs !== 'truncated' && garbleAs !== 'html' && garbleAs !== 'empty') throw new ApiError(400, 'garbleAs must be "truncated", "html" or "empty"');
    for (const kind of ['next429', 'next5xx', 'dropNext', 'applyThenDrop', 'applyThenSlow', 'applyThenGarble'] as FaultKind[]) {
      const v = f[kind];
      if (v === undefined) continue;
      const n = Math.floor(num(v, kind, 0));
      if (n > 0) faults.push({ kind, remaining: n, method: f.method ? f.method.toUpperCase() : null, path: f.path ?? null, slowMs, garbleAs });
    }
  };

  const reset = (): void => {
    store.data = fresh();
    store.reindex();
    stats = emptyStats();
    faults = [];
    callTimes = [];
    Object.assign(settings, initial);
    markDirty();
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };
  const errorEnvelope = (status: number, message: string, errors: unknown = []): unknown => ({
    metadata: { error: true },
    payload: { code: status, message, errors },
  });

  const currentStats = (): SandboxStats => ({
    ...stats,
    realCampaignLaunchesSinceStart: launchesSinceStart,
    inFlight,
    launches: [...store.data.launches],
    outboxEntries: store.data.outbox.length,
  });

  // ---------- control API ----------
  const handleControl = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const route = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    // A POST a web page can make without asking first (a "simple" request: text/plain, a form) is not JSON; requiring
    // JSON means a browser must ask first (a preflight), and the sandbox never allows one.
    if ((method === 'POST' || method === 'PUT') && !isJson(header(req, 'content-type'))) {
      return send(res, 415, { error: `${method} ${route} takes a JSON body: send Content-Type: application/json (an empty body may be {}).` });
    }
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      return send(res, e instanceof ApiError ? e.status : 400, { error: (e as Error).message });
    }
    let body: Record<string, unknown> = {};
    if (raw.trim()) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: 'The body is not valid JSON' });
      }
    }
    if (route === '/__sandbox/outbox' && method === 'GET') {
      const q = url.searchParams;
      let rows = store.data.outbox;
      const eq = (k: keyof OutboxEntry, v: string | null): void => {
        if (v !== null) rows = rows.filter((r) => String(r[k]).toLowerCase() === v.toLowerCase());
      };
      eq('recipient', q.get('recipient'));
      eq('kind', q.get('kind'));
      eq('mailing_id', q.get('mailing_id'));
      eq('message_id', q.get('message_id'));
      eq('list_id', q.get('list_id'));
      if (q.get('since_id')) rows = rows.filter((r) => r.id > Number(q.get('since_id')));
      return send(res, 200, { total: rows.length, items: rows });
    }
    if (route === '/__sandbox/outbox' && method === 'DELETE') {
      const n = store.data.outbox.length;
      store.data.outbox = [];
      markDirty();
      return send(res, 200, { deleted: n });
    }
    if (route === '/__sandbox/stats' && method === 'GET') return send(res, 200, currentStats());
    if (route === '/__sandbox/reset' && method === 'POST') {
      reset();
      return send(res, 200, { reset: true });
    }
    if (route === '/__sandbox/faults' && (method === 'POST' || method === 'PUT')) {
      try {
        setFaults(body as FaultSettings);
      } catch (e) {
        return send(res, 400, { error: (e as Error).message });
      }
      return send(res, 200, { settings, faults });
    }
    if (route === '/__sandbox/faults' && method === 'GET') return send(res, 200, { settings, faults });
    if (route === '/__sandbox/faults' && method === 'DELETE') {
      faults = [];
      Object.assign(settings, initial);
      retimeLatency();
      for (const h of [...held]) if (h.kind === 'slow') h.release();
      return send(res, 200, { settings, faults });
    }
    if (route === '/__sandbox/unsubscribe' && method === 'GET') {
      const listId = Number(url.searchParams.get('list'));
      const email = url.searchParams.get('e') ?? '';
      const c = store.contactByEmail(listId, email);
      if (c && c.ocx_status === 'Active') {
        c.ocx_status = 'Unsubscribed';
        c.ocx_unsubscribe_date = Math.floor(Date.now() / 1000);
        markDirty();
      }
      const page = '<!DOCTYPE html><html><body><p>You have been successfully unsubscribed</p></body></html>';
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end(page);
    }
    if (route === '/__sandbox' || route === '/__sandbox/info') {
      return send(res, 200, { url: baseUrl(), ids: SEED_IDS, settings, lists: store.data.lists.map((l) => ({ id: l.id, name: l.name })) });
    }
    return send(res, 404, { error: `Unknown control endpoint ${method} ${route}. See sandbox/README.md.` });
  };

  // ---------- Ongage API ----------
  const handleApiRequest = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, prefixListId: number | null, parts: string[]): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    stats.requests++;
    const key = routeKey(method, parts);
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      send(res, status, body, headers);
    };

    if (takeFault(method, url.pathname, ['dropNext'])) {
      stats.droppedConnections++;
      req.socket.destroy();
      return;
    }

    const user = header(req, 'x_username') ?? header(req, 'x-username');
    const pass = header(req, 'x_password') ?? header(req, 'x-password');
    const code = header(req, 'x_account_code') ?? header(req, 'x-account-code');
    if (user !== credentials.username || pass !== credentials.password || code !== credentials.accountCode) {
      stats.authFailures++;
      const missing = [!user && 'X_USERNAME', !pass && 'X_PASSWORD', !code && 'X_ACCOUNT_CODE'].filter(Boolean);
      const message = missing.length
        ? `Unauthorized: missing ${missing.join(', ')} header${missing.length > 1 ? 's' : ''}. Send X_USERNAME, X_PASSWORD and X_ACCOUNT_CODE on every call.`
        : 'Unauthorized: the X_USERNAME, X_PASSWORD and X_ACCOUNT_CODE headers do not match an account with API access. Check the three values (the account code is on the account profile page).';
      return reply(401, errorEnvelope(401, message));
    }

    // Authenticated: only now is the body read (a refused call never costs a buffered body).
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (e) {
      if (e instanceof ApiError) return reply(e.status, errorEnvelope(e.status, e.message));
      return;
    }

    // Rate limits, per account: concurrent calls, then calls per rolling 60 s.
    inFlight++;
    stats.maxInFlightSeen = Math.max(stats.maxInFlightSeen, inFlight);
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        inFlight--;
      }
    };
    res.on('close', release);
    try {
      if (inFlight > settings.maxInFlight) {
        stats.rateLimited++;
        stats.rateLimitedInFlight++;
        // Ongage's pages show one 429 body for both limits; the detail goes to `errors` and a header.
        const detail = `Too many concurrent calls: no more than ${settings.maxInFlight} API calls may run in parallel. Wait for a call to finish, then retry.`;
        return reply(429, errorEnvelope(429, 'Calls per minute exceeded', { in_flight: detail }), { 'Retry-After': '1', 'X-Sandbox-Limit': 'in-flight' });
      }
      const now = Date.now();
      callTimes = callTimes.filter((t) => t > now - 60_000);
      if (callTimes.length >= settings.rateLimit) {
        stats.rateLimited++;
        stats.rateLimitedPerMinute++;
        const retry = Math.max(1, Math.ceil((callTimes[0] + 60_000 - now) / 1000));
        return reply(429, errorEnvelope(429, 'Calls per minute exceeded'), { 'Retry-After': String(retry), 'X-Sandbox-Limit': 'per-minute' });
      }
      callTimes.push(now);
      if (takeFault(method, url.pathname, ['next429'])) {
        stats.rateLimited++;
        stats.rateLimitedInjected++;
        return reply(429, errorEnvelope(429, 'Calls per minute exceeded'), { 'Retry-After': '1' });
      }

      await wait(settings.latencyMs, 'latency');
      if (closed) return;

      if (takeFault(method, url.pathname, ['next5xx']) || (settings.errorRate > 0 && Math.random() < settings.errorRate)) {
        stats.injected5xx++;
        return reply(500, errorEnvelope(500, 'General error'));
      }

      let body: Record<string, unknown> = {};
      if (raw.trim()) {
        try {
          const parsed = JSON.parse(raw) as unknown;
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          return reply(400, errorEnvelope(400, 'Invalid data in request: the body must be a JSON object'));
        }
      }

      const apiReq: ApiRequest = { method, parts, query: url.searchParams, body, prefixListId, baseUrl: baseUrl(), now: Math.floor(Date.now() / 1000) };
      let result: ApiResult;
      try {
        result = handleApi(store, apiReq);
      } catch (e) {
        if (e instanceof ApiError) return reply(e.status, errorEnvelope(e.status, e.message, e.errors));
        process.stderr.write(`sandbox: ${method} ${url.pathname} failed: ${(e as Error).stack ?? e}\n`);
        return reply(500, errorEnvelope(500, `General error: ${(e as Error).message}`));
      }
      if (result.mutated) markDirty();
      if (result.launch) {
        stats.realCampaignLaunches++;
        launchesSinceStart++;
        recordLaunch(baseUrl(), expectRealLaunches, result.launch);
      }
      if (result.sendKind === 'test') stats.testSends++;
      if (result.sendKind === 'transactional') stats.transactionalSends++;

      const metadata: Record<string, unknown> = { error: false };
      if (result.total !== undefined) metadata.total = String(result.total);
      const envelope = { metadata, payload: result.payload };

      const after = takeFault(method, url.pathname, ['applyThenDrop', 'applyThenSlow', 'applyThenGarble']);
      if (after?.kind === 'applyThenDrop') {
        stats.droppedConnections++;
        req.socket.destroy();
        return;
      }
      if (after?.kind === 'applyThenGarble') {
        stats.garbledAnswers++;
        const whole = JSON.stringify(envelope);
        const text =
          after.garbleAs === 'html'
            ? '<html><head><title>502 Bad Gateway</title></head><body>upstream sent an invalid response</body></html>'
            : after.garbleAs === 'empty'
              ? ''
              : whole.slice(0, Math.max(1, Math.floor(whole.length / 2)));
        stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
        res.writeHead(200, { 'Content-Type': after.garbleAs === 'html' ? 'text/html' : 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      if (after?.kind === 'applyThenSlow') {
        await wait(after.slowMs, 'slow');
        if (closed) return;
      }
      return reply(result.status ?? 200, envelope);
    } finally {
      if (res.writableEnded || res.destroyed) release();
    }
  };

  let refuseForeign: (req: http.IncomingMessage) => string | undefined = () => 'The sandbox is starting.';
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.local');
    } catch {
      return send(res, 400, errorEnvelope(400, 'Invalid request URL'));
    }
    const control = url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/');
    const refusal = refuseForeign(req);
    if (refusal) {
      stats.foreignRefused++;
      return send(res, 403, control ? { error: refusal } : errorEnvelope(403, refusal));
    }
    const work = async (): Promise<void> => {
      if (control) return handleControl(req, res, url);
      const m = url.pathname.match(/^\/(?:(\d+)\/)?api(?:\/(.*))?$/);
      if (!m) return send(res, 404, errorEnvelope(404, `Not an API path: ${url.pathname}. Ongage paths look like /api/emails or /<list_id>/api/emails.`));
      const parts = (m[2] ?? '').split('/').filter(Boolean).map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      });
      return handleApiRequest(req, res, url, m[1] ? Number(m[1]) : null, parts);
    };
    work().catch((e: unknown) => {
      process.stderr.write(`sandbox: unexpected error: ${(e as Error).stack ?? e}\n`);
      send(res, 500, errorEnvelope(500, 'General error'));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = (): string => `http://${host}:${port}`;
  // The names this server answers to: a loopback name with its own port. Anything else in Host is another site's
  // name resolving to 127.0.0.1 (DNS rebinding), and an Origin other than these is another site's page.
  const ownHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const ownOrigins = new Set([...ownHosts].map((h) => `http://${h}`));
  refuseForeign = (req) => {
    const h = (header(req, 'host') ?? '').trim().toLowerCase();
    if (!ownHosts.has(h)) {
      return `Refused: the sandbox answers only to ${[...ownHosts].join(', ')} (Host header ${h ? `"${h.slice(0, 100)}"` : 'missing'}). Use ${baseUrl()}.`;
    }
    const origin = header(req, 'origin');
    if (origin !== undefined && !ownOrigins.has(origin.trim().toLowerCase())) {
      return `Refused: a request from another origin (${origin.slice(0, 100)}); the sandbox serves only its own user's tools, never web pages of other sites.`;
    }
    return undefined;
  };
  recordStart(baseUrl(), expectRealLaunches);

  return {
    url: baseUrl(),
    port,
    host,
    credentials,
    authHeaders: { X_USERNAME: credentials.username, X_PASSWORD: credentials.password, X_ACCOUNT_CODE: credentials.accountCode },
    ids: SEED_IDS,
    get store() {
      return store;
    },
    outbox: () => [...store.data.outbox],
    stats: currentStats,
    setFaults,
    reset,
    flush: () => {
      if (dataFile) {
        dirty = true;
        flush();
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const h of held) if (h.timer) clearTimeout(h.timer);
      held.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await done;
      flush();
    },
  };
}
