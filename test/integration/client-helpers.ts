/**
 * Shared pieces of the client's integration tests: a sandbox over loopback, its control API, and a
 * logger whose lines are kept so the tests can scan them for credentials.
 */
import * as assert from 'assert';
import { startSandbox } from '../../sandbox/server';
import { OngageClient, OngageClientOptions, OngageError } from '../../src/core/api';
import { Logger } from '../../src/core/log';

export type SandboxOpts = Parameters<typeof startSandbox>[0];
export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export const NEWSLETTER = 10542;
export const TRANSACTIONAL_LIST = 10543;

/** Distinctive credentials, so a scan for them cannot match anything by accident. */
export const CREDS = { username: 'it-user.Zq81@example.com', password: 'it-pass-W7v2kLm9', accountCode: 'itacct42' };

export async function sandbox(opts: SandboxOpts = {}): Promise<Sandbox> {
  return startSandbox({ credentials: CREDS, ...opts });
}

export interface Control {
  outbox(query?: Record<string, string | number>): Promise<{ total: number; items: Array<Record<string, unknown>> }>;
  clearOutbox(): Promise<void>;
  stats(): Promise<Record<string, unknown> & { requests: number; rateLimited: number; maxInFlightSeen: number; realCampaignLaunches: number; byRoute: Record<string, number>; byStatus: Record<string, number> }>;
  faults(f: Record<string, unknown>): Promise<void>;
  reset(): Promise<void>;
}

/** The sandbox's HTTP control API (GET/DELETE /__sandbox/outbox, GET /__sandbox/stats, POST /__sandbox/faults, POST /__sandbox/reset). */
export function control(url: string): Control {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    // The control API takes JSON on its POSTs (a body-less POST sends {}).
    const json = body !== undefined || method === 'POST';
    const res = await fetch(`${url}${path}`, {
      method,
      headers: json ? { 'Content-Type': 'application/json' } : {},
      body: json ? JSON.stringify(body ?? {}) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    outbox: async (q = {}) => {
      const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
      return (await call('GET', `/__sandbox/outbox${qs ? `?${qs}` : ''}`)) as Awaited<ReturnType<Control['outbox']>>;
    },
    clearOutbox: async () => void (await call('DELETE', '/__sandbox/outbox')),
    stats: async () => (await call('GET', '/__sandbox/stats')) as Awaited<ReturnType<Control['stats']>>,
    faults: async (f) => void (await call('POST', '/__sandbox/faults', f)),
    reset: async () => void (await call('POST', '/__sandbox/reset')),
  };
}

export function recordingLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const rec = (level: string) => (m: unknown, ...args: unknown[]) => {
    lines.push(`${level} ${m instanceof Error ? `${m.message}\n${m.stack}` : String(m)} ${args.map((a) => JSON.stringify(a)).join(' ')}`);
  };
  return { lines, logger: { trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') } };
}

export function client(sb: Sandbox, logger: Logger, opts: Partial<OngageClientOptions> = {}): OngageClient {
  return new OngageClient({
    baseUrl: sb.url,
    listId: NEWSLETTER,
    credentials: CREDS,
    logger,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...opts,
  });
}

/** Fails when a credential (or its base64 form) appears in any of the texts. */
export function assertNoCredentials(texts: string[]): void {
  const secrets = [CREDS.username, CREDS.password, Buffer.from(CREDS.password).toString('base64')];
  for (const t of texts) {
    for (const s of secrets) {
      if (t.includes(s)) throw new Error(`a credential leaked into: ${t.slice(0, 300)}`);
    }
  }
}

/**
 * `failure(p)` resolves to the OngageError `p` rejects with (and fails the test when `p` succeeds or rejects
 * with anything else); every error is kept in `errors` so the suite can scan them for credentials.
 */
export function failureCollector(): { errors: OngageError[]; failure: (p: Promise<unknown>) => Promise<OngageError> } {
  const errors: OngageError[] = [];
  const failure = async (p: Promise<unknown>): Promise<OngageError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof OngageError, `expected an OngageError, got ${String(e)}`);
      errors.push(e);
      return e;
    }
    assert.fail('expected the call to fail');
  };
  return { errors, failure };
}
