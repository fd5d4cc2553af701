import { strict as assert } from 'assert';
import { startSandbox } from '../server';
import { SEED_IDS } from '../seed';
import { Client, control, expectError, useSandbox } from './helpers';

const ids = SEED_IDS;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

describe('sandbox auth', () => {
  const ctx = useSandbox();

  it('answers 401 with an error envelope and no data when the headers are missing', async () => {
    const a = await new Client(ctx.sb, {}).get('/api/emails');
    const e = expectError(a, 401);
    assert.match(e.message, /X_USERNAME/);
    assert.match(e.message, /X_PASSWORD/);
    assert.match(e.message, /X_ACCOUNT_CODE/);
    assert.deepEqual(Object.keys(a.body.payload).sort(), ['code', 'errors', 'message']);
  });

  it('answers 401 for a wrong password without echoing it', async () => {
    const a = await new Client(ctx.sb, { ...ctx.sb.authHeaders, X_PASSWORD: 'hunter2-wrong' }).get(`/api/emails/${ids.emails.welcome}`);
    const e = expectError(a, 401);
    assert.doesNotMatch(JSON.stringify(a.body), /hunter2/);
    assert.doesNotMatch(e.message, /sandbox@example\.com/);
    expectError(await new Client(ctx.sb, { ...ctx.sb.authHeaders, X_ACCOUNT_CODE: 'other' }).get('/api/lists'), 401);
    expectError(await new Client(ctx.sb, { ...ctx.sb.authHeaders, X_USERNAME: 'someone@example.com' }).post('/api/transactional/send', {}), 401);
    assert.ok(ctx.sb.stats().authFailures >= 4);
  });

  it('accepts the dash spelling and any header case', async () => {
    const c = ctx.sb.credentials;
    const dash = new Client(ctx.sb, { 'X-Username': c.username, 'X-Password': c.password, 'X-Account-Code': c.accountCode });
    assert.equal((await dash.get('/api/lists')).status, 200);
    const lower = new Client(ctx.sb, { x_username: c.username, x_password: c.password, x_account_code: c.accountCode });
    assert.equal((await lower.get('/api/lists')).status, 200);
  });

  it('accepts custom credentials', async () => {
    const sb = await startSandbox({ credentials: { username: 'me@example.org', password: 'pw', accountCode: 'acme1' } });
    try {
      assert.equal((await new Client(sb).get('/api/lists')).status, 200);
      expectError(await new Client(sb, ctx.sb.authHeaders).get('/api/lists'), 401);
    } finally {
      await sb.close();
    }
  });

  it('answers unknown methods and paths with a 404 envelope', async () => {
    assert.match(expectError(await ctx.api.get('/api/nothing_here'), 404).message, /Unknown API method/);
    expectError(await ctx.api.call('PATCH', `/api/emails/${ids.emails.welcome}`, {}), 404);
    expectError(await ctx.api.get('/not-api'), 404);
  });
});

describe('sandbox rate limits', () => {
  it('answers 429 "Calls per minute exceeded" with Retry-After beyond the per-minute limit', async () => {
    const sb = await startSandbox({ rateLimit: 5 });
    try {
      const api = new Client(sb);
      for (let i = 0; i < 5; i++) assert.equal((await api.get('/api/lists')).status, 200);
      const a = await api.get('/api/lists');
      const e = expectError(a, 429);
      assert.equal(e.message, 'Calls per minute exceeded');
      assert.deepEqual(e.errors, []);
      const retry = Number(a.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      // Refused calls do not count, and control calls are never limited.
      assert.equal((await control(sb, 'GET', '/__sandbox/stats')).status, 200);
      const s = sb.stats();
      assert.equal(s.rateLimitedPerMinute, 1);
      assert.equal(s.rateLimited, 1);
      assert.equal(s.byStatus['429'], 1);
      // Raising the limit at run time lets calls through again.
      await control(sb, 'POST', '/__sandbox/faults', { rateLimit: 100 });
      assert.equal((await api.get('/api/lists')).status, 200);
    } finally {
      await sb.close();
    }
  });

  it('defaults to 300 calls per minute', async () => {
    const sb = await startSandbox();
    try {
      const api = new Client(sb);
      const statuses: number[] = [];
      for (let batch = 0; batch < 31; batch++) {
        const r = await Promise.all(Array.from({ length: 10 }, () => api.get('/api/list_fields')));
        statuses.push(...r.map((x) => x.status));
      }
      assert.equal(statuses.filter((s) => s === 200).length, 300);
      assert.equal(statuses.filter((s) => s === 429).length, 10);
    } finally {
      await sb.close();
    }
  });

  // Calls are held in flight by a latency far longer than any test (the sandbox re-times held calls when the
  // latency changes), so which calls overlap never depends on how fast this machine is.
  const HOLD_MS = 600_000;

  it('answers 429 beyond the calls in flight and reports the highest number seen', async () => {
    const sb = await startSandbox({ maxInFlight: 2, latencyMs: HOLD_MS });
    try {
      const api = new Client(sb);
      const held = [api.get('/api/lists'), api.get('/api/lists')];
      await until(async () => sb.stats().inFlight === 2, 'two calls held in flight');
      const refused = await api.get('/api/lists');
      // The body Ongage's pages show for a 429, whichever limit it is; the detail is in errors and a header.
      const e = expectError(refused, 429);
      assert.equal(e.message, 'Calls per minute exceeded');
      assert.match((e.errors as { in_flight: string }).in_flight, /no more than 2 API calls may run in parallel/);
      assert.equal(refused.headers.get('x-sandbox-limit'), 'in-flight');
      assert.equal(refused.headers.get('retry-after'), '1');
      await control(sb, 'POST', '/__sandbox/faults', { latencyMs: 0 });
      assert.deepEqual((await Promise.all(held)).map((a) => a.status), [200, 200]);
      const s = sb.stats();
      assert.equal(s.maxInFlightSeen, 3);
      assert.equal(s.rateLimitedInFlight, 1);
      assert.equal(s.inFlight, 0);
    } finally {
      await sb.close();
    }
  });

  it('allows 10 in flight by default', async () => {
    const sb = await startSandbox({ latencyMs: HOLD_MS });
    try {
      const api = new Client(sb);
      const ten = Array.from({ length: 10 }, () => api.get('/api/lists'));
      await until(async () => sb.stats().inFlight === 10, 'ten calls held in flight');
      assert.equal(sb.stats().maxInFlightSeen, 10);
      expectError(await api.get('/api/lists'), 429);
      await control(sb, 'POST', '/__sandbox/faults', { latencyMs: 0 });
      assert.ok((await Promise.all(ten)).every((a) => a.status === 200));
      assert.equal(sb.stats().rateLimitedInFlight, 1);
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox fault injection', () => {
  const ctx = useSandbox();
  afterEach(async () => {
    await control(ctx.sb, 'DELETE', '/__sandbox/faults');
  });

  it('adds latency set at run time (the request is held in flight); a lower latency answers held calls', async () => {
    await control(ctx.sb, 'POST', '/__sandbox/faults', { latencyMs: 600_000 });
    let answered = false;
    const pending = ctx.api.get('/api/lists').then((a) => ((answered = true), a));
    await until(async () => (await control(ctx.sb, 'GET', '/__sandbox/stats')).json.inFlight === 1, 'request held');
    assert.equal((await control(ctx.sb, 'GET', '/__sandbox/faults')).json.settings.latencyMs, 600_000);
    assert.equal(answered, false);
    await control(ctx.sb, 'POST', '/__sandbox/faults', { latencyMs: 0 });
    assert.equal((await pending).status, 200);
  });

  it('answers 500 at errorRate 1 without applying the call', async () => {
    await control(ctx.sb, 'POST', '/__sandbox/faults', { errorRate: 1 });
    const before = (await control(ctx.sb, 'GET', '/__sandbox/stats')).json.outboxEntries;
    const e = expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['a@b.co'] }), 500);
    assert.equal(e.message, 'General error');
    assert.equal(ctx.sb.outbox().length, before);
    await control(ctx.sb, 'POST', '/__sandbox/faults', { errorRate: 0 });
    assert.equal((await ctx.api.get('/api/lists')).status, 200);
  });

  it('serves a burst of N 429s, then recovers', async () => {
    await control(ctx.sb, 'POST', '/__sandbox/faults', { next429: 2 });
    const a = await ctx.api.get('/api/lists');
    assert.equal(expectError(a, 429).message, 'Calls per minute exceeded');
    assert.ok(a.headers.get('retry-after'));
    expectError(await ctx.api.get('/api/lists'), 429);
    assert.equal((await ctx.api.get('/api/lists')).status, 200);
  });

  it('answers the next N with 500', async () => {
    await control(ctx.sb, 'POST', '/__sandbox/faults', { next5xx: 1 });
    expectError(await ctx.api.get('/api/lists'), 500);
    assert.equal((await ctx.api.get('/api/lists')).status, 200);
  });

  it('drops the next connection without applying the request', async () => {
    await control(ctx.sb, 'POST', '/__sandbox/faults', { dropNext: 1, method: 'POST', path: '/api/emails' });
    assert.equal((await ctx.api.get('/api/emails?page_size=1')).status, 200, 'a GET does not match the filter');
    const total = Number((await ctx.api.get('/api/emails?page_size=1')).body.metadata.total);
    await assert.rejects(ctx.api.post('/api/emails', { type: 'folder', name: 'Dropped', description: '', subject: '', content_html: '', content_text: '' }));
    assert.equal(Number((await ctx.api.get('/api/emails?page_size=1')).body.metadata.total), total);
    assert.equal(ctx.sb.stats().droppedConnections, 1);
  });

  it('applies a send, then drops the connection (an ambiguous send: it IS in the outbox)', async () => {
    await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
    await control(ctx.sb, 'POST', '/__sandbox/faults', { applyThenDrop: 1, path: '/transactional/send' });
    await assert.rejects(ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['jane.doe@example.com'] }));
    const { json } = await control(ctx.sb, 'GET', '/__sandbox/outbox');
    assert.equal(json.total, 1);
    assert.equal(json.items[0].subject, 'Happy birthday, Jane!');
  });

  it('applies a send, then answers slowly: the outbox has it before the answer arrives', async () => {
    await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
    await control(ctx.sb, 'POST', '/__sandbox/faults', { applyThenSlow: 1, slowMs: 600_000, method: 'POST' });
    let answered = false;
    const pending = ctx.api
      .post('/api/mailings', { is_test: true, name: 't', email_message: [ids.emails.firstNewsletter], recipients: ['jane.doe@example.com'], esp_connection_id: ids.connections.marketing })
      .then((a) => {
        answered = true;
        return a;
      });
    await until(async () => (await control(ctx.sb, 'GET', '/__sandbox/outbox')).json.total === 1, 'send recorded');
    assert.equal(answered, false, 'the answer is still pending while the send is already recorded');
    // Clearing the faults releases the held answer.
    await control(ctx.sb, 'DELETE', '/__sandbox/faults');
    assert.equal((await pending).status, 200);
  });

  it('applies a send, then answers 200 with a broken body (truncated JSON, an HTML page, nothing)', async () => {
    for (const [garbleAs, check] of [
      ['truncated', (t: string) => assert.throws(() => JSON.parse(t))],
      ['html', (t: string) => assert.match(t, /^<html>/)],
      ['empty', (t: string) => assert.equal(t, '')],
    ] as const) {
      await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
      const before = (await control(ctx.sb, 'GET', '/__sandbox/stats')).json.garbledAnswers;
      await control(ctx.sb, 'POST', '/__sandbox/faults', { applyThenGarble: 1, garbleAs, path: '/transactional/send' });
      const res = await fetch(`${ctx.sb.url}/api/transactional/send`, {
        method: 'POST',
        headers: { ...ctx.sb.authHeaders, 'Content-Type': 'application/json' },
        body: JSON.stringify({ message_id: ids.emails.birthday, recipients: ['jane.doe@example.com'] }),
      });
      assert.equal(res.status, 200);
      check(await res.text());
      const { json } = await control(ctx.sb, 'GET', '/__sandbox/outbox');
      assert.equal(json.total, 1, `${garbleAs}: the send was applied`);
      assert.equal((await control(ctx.sb, 'GET', '/__sandbox/stats')).json.garbledAnswers, before + 1);
      // Only the next one: the following send is answered normally.
      assert.equal((await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['john.smith@example.com'] })).status, 200);
    }
  });

  it('rejects a bad fault setting with 400', async () => {
    assert.equal((await control(ctx.sb, 'POST', '/__sandbox/faults', { errorRate: 2 })).status, 400);
    assert.equal((await control(ctx.sb, 'POST', '/__sandbox/faults', { next429: -1 })).status, 400);
    assert.equal((await control(ctx.sb, 'POST', '/__sandbox/faults', { applyThenGarble: 1, garbleAs: 'xml' })).status, 400);
  });
});
