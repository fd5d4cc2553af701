/**
 * The client's rate limiting against the sandbox's real limits. The sandbox counts calls per rolling
 * 60 s, so the two scenarios that must cross a window boundary (the 1,000-call burst at a 600/min
 * ceiling, and recovery from a real per-minute 429) run side by side on two sandboxes, started in
 * `before`: the suite takes about one minute.
 */
import * as assert from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { assertNoCredentials, client, control, recordingLogger, Sandbox, sandbox } from './client-helpers';
import { SEED_IDS } from '../../sandbox/seed';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Outcome<T>> => p.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error }));
const unwrap = <T>(o: Outcome<T>): T => {
  if (!o.ok) throw o.error;
  return o.value;
};

describe('api client ↔ sandbox: rate limits', function () {
  this.timeout(150_000);
  const sandboxes: Sandbox[] = [];
  const clients: OngageClient[] = [];
  const log = recordingLogger();
  const errors: unknown[] = [];
  const start = async (opts: Parameters<typeof sandbox>[0]): Promise<Sandbox> => {
    const sb = await sandbox(opts);
    sandboxes.push(sb);
    return sb;
  };
  const make = (sb: Sandbox, opts: Parameters<typeof client>[2] = {}): OngageClient => {
    const c = client(sb, log.logger, opts);
    clients.push(c);
    return c;
  };

  let burst: Promise<Outcome<{ results: number; stats: Awaited<ReturnType<ReturnType<typeof control>['stats']>>; clientMax: number }>>;
  let perMinute: Promise<Outcome<{ results: number; stats: Awaited<ReturnType<ReturnType<typeof control>['stats']>> }>>;

  before(async () => {
    // 1,000 calls at a 600/min ceiling, the client alone: the client must wait out the window itself.
    const a = await start({ rateLimit: 600, latencyMs: 5 });
    const ca = make(a, { limits: { perWindow: 600 } });
    burst = settle(
      (async () => {
        const calls = Array.from({ length: 1000 }, (_, i) =>
          i % 2 ? ca.getEmail(SEED_IDS.emails.welcome) : ca.listEmails({}, { page: 1 + (i % 5), pageSize: 5 }),
        );
        const results = (await Promise.all(calls)).length;
        return { results, stats: await control(a.url).stats(), clientMax: ca.limiterStats().maxInFlightSeen };
      })(),
    );
    // The account's real ceiling is lower than the client believes (another program uses it): the
    // per-minute 429s, with their Retry-After, are waited out.
    const b = await start({ rateLimit: 5 });
    const cb = make(b, { retry: { baseDelayMs: 20, maxDelayMs: 200, maxRateLimitRetries: 3 } });
    perMinute = settle(
      (async () => {
        const results = (await Promise.all(Array.from({ length: 8 }, () => cb.getEmail(SEED_IDS.emails.welcome)))).length;
        return { results, stats: await control(b.url).stats() };
      })(),
    );
  });

  after(async () => {
    await Promise.all([burst, perMinute]);
    assertNoCredentials([...log.lines, ...errors.map((e) => (e instanceof OngageError ? `${e.message}\n${e.stack}\n${JSON.stringify(e)}` : String(e)))]);
    clients.forEach((c) => c.dispose());
    await Promise.all(sandboxes.map((s) => s.close()));
  });

  it('recovers from 429s at the in-flight limit (the server allows fewer than the client thinks)', async () => {
    const sb = await start({ maxInFlight: 3, latencyMs: 30 });
    const c = make(sb, { limits: { maxInFlight: 10 } });
    const got = await Promise.all(Array.from({ length: 15 }, () => c.getEmail(SEED_IDS.emails.welcome)));
    assert.strictEqual(got.length, 15);
    const s = await control(sb.url).stats();
    assert.ok((s.rateLimitedInFlight as number) > 0, 'the server did refuse some calls');
    assert.strictEqual(s.byStatus['200'], 15, 'every call succeeded in the end');
  });

  it('retries injected 429s on PUT and POST (not processed, so safe), honouring Retry-After', async () => {
    const sb = await start({});
    const ctl = control(sb.url);
    const c = make(sb);
    await ctl.faults({ next429: 1, method: 'PUT' });
    await c.updateEmail(SEED_IDS.emails.welcome, { preheader: 'after 429' });
    await ctl.faults({ next429: 1, method: 'POST' });
    await c.createEmail({ type: 'folder', name: 'after 429' });
    const s = await ctl.stats();
    assert.strictEqual(s.rateLimitedInjected, 2);
    assert.strictEqual(s.byRoute['POST /api/emails'], 2);
    assert.strictEqual((await c.listAllEmails({ type: 'folder' })).filter((e) => e.name === 'after 429').length, 1, 'created once');
  });

  it('gives up with kind rateLimited when 429s do not stop, and says what to do', async () => {
    const sb = await start({});
    const ctl = control(sb.url);
    const c = make(sb, { retry: { baseDelayMs: 10, maxDelayMs: 20, maxRateLimitRetries: 1, maxRetryAfterMs: 50 } });
    await ctl.faults({ next429: 5 });
    try {
      await c.getEmail(SEED_IDS.emails.welcome);
      assert.fail('expected rateLimited');
    } catch (e) {
      errors.push(e);
      assert.ok(e instanceof OngageError);
      assert.strictEqual(e.kind, 'rateLimited');
      assert.match(e.message, /wait a minute and try again/);
    }
  });

  it('clients of one account share the limits: two clients, 400 calls, never more than 10 in flight', async () => {
    const sb = await start({ rateLimit: 1000, latencyMs: 5 });
    const c1 = make(sb, { limits: { perWindow: 1000 } });
    const c2 = make(sb, { limits: { perWindow: 1000 } });
    await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 ? c1 : c2).getEmail(SEED_IDS.emails.welcome)));
    const s = await control(sb.url).stats();
    assert.strictEqual(s.rateLimited, 0);
    assert.ok(s.maxInFlightSeen <= 10, `max in flight ${s.maxInFlightSeen}`);
    assert.ok(c1.limiterStats().maxInFlightSeen <= 10);
  });

  it('a burst of 1,000 calls completes with zero 429s and never more than 10 in flight (across a window boundary)', async () => {
    const { results, stats, clientMax } = unwrap(await burst);
    assert.strictEqual(results, 1000);
    assert.strictEqual(stats.requests, 1000);
    assert.strictEqual(stats.rateLimited, 0);
    assert.ok(stats.maxInFlightSeen <= 10, `max in flight ${stats.maxInFlightSeen}`);
    // The server may see one connection still opening while another closes, so the full allowance is
    // checked where it is spent: in the client's limiter.
    assert.strictEqual(clientMax, 10, 'the client used its whole in-flight allowance');
  });

  it('recovers from real per-minute 429s by waiting for the window (Retry-After)', async () => {
    const { results, stats } = unwrap(await perMinute);
    assert.strictEqual(results, 8);
    assert.ok((stats.rateLimitedPerMinute as number) >= 3, `per-minute 429s: ${stats.rateLimitedPerMinute}`);
    assert.strictEqual(stats.byStatus['200'], 8);
  });
});
