/**
 * The API client against the sandbox's injected faults: 5xx and dropped connections are retried for
 * GET/PUT/DELETE and never for sends (the outbox proves exactly one delivery), 429 is always retried,
 * cancellation frees slots at once, and no credential reaches a log line or an error.
 */
import * as assert from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { assertNoCredentials, failureCollector, client, control, Control, recordingLogger, Sandbox, sandbox, TRANSACTIONAL_LIST } from './client-helpers';
import { SEED_IDS } from '../../sandbox/seed';

describe('api client ↔ sandbox: faults, retries, sends, cancellation', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ctl: Control;
  let c: OngageClient;
  let log: ReturnType<typeof recordingLogger>;
  const { errors, failure } = failureCollector();
  const routeCount = async (route: string): Promise<number> => (await ctl.stats()).byRoute[route] ?? 0;
  const transactionalSend = (recipient: string) =>
    c.sendTransactional({ listId: TRANSACTIONAL_LIST, messageId: SEED_IDS.emails.orderReceipt, recipients: [recipient] });

  before(async () => {
    sb = await sandbox();
    ctl = control(sb.url);
    log = recordingLogger();
    c = client(sb, log.logger, { timeoutMs: 2000 });
  });
  beforeEach(() => ctl.reset());
  after(async () => {
    assertNoCredentials([...log.lines, ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e), e.ongageMessage ?? ''])]);
    c.dispose();
    await sb.close();
  });

  it('retries a GET after 5xx answers', async () => {
    await ctl.faults({ next5xx: 2, method: 'GET', path: '/api/emails/' });
    const e = await c.getEmail(SEED_IDS.emails.welcome);
    assert.strictEqual(e.id, SEED_IDS.emails.welcome);
    assert.strictEqual(await routeCount('GET /api/emails/:id'), 3);
    assert.strictEqual((await ctl.stats()).injected5xx, 2);
    assert.ok(log.lines.some((l) => /GET \/10542\/api\/emails\/\d+ 500 \d+ ms/.test(l)));
  });

  it('retries a PUT after a dropped connection, and after apply-then-drop (PUT is idempotent)', async () => {
    await ctl.faults({ dropNext: 1, method: 'PUT' });
    const a = await c.updateEmail(SEED_IDS.emails.welcome, { preheader: 'One' });
    assert.strictEqual(a.email.preheader, 'One');
    assert.strictEqual(await routeCount('PUT /api/emails/:id'), 2);
    await ctl.faults({ applyThenDrop: 1, method: 'PUT' });
    const b = await c.updateEmail(SEED_IDS.emails.welcome, { preheader: 'Two' });
    assert.strictEqual(b.copied, false);
    assert.strictEqual((await c.getEmail(SEED_IDS.emails.welcome)).preheader, 'Two');
    assert.strictEqual(await routeCount('PUT /api/emails/:id'), 4);
  });

  it('retries a DELETE after a 5xx', async () => {
    const e = await c.createEmail({ type: 'email_message', name: 'To delete' });
    await ctl.faults({ next5xx: 1, method: 'DELETE' });
    await c.deleteEmail(e.id);
    assert.strictEqual((await failure(c.getEmail(e.id))).kind, 'notFound');
  });

  it('a DELETE applied but whose answer was lost, retried, ends well', async () => {
    const e = await c.createEmail({ type: 'email_message', name: 'To delete' });
    await ctl.faults({ applyThenDrop: 1, method: 'DELETE' });
    await c.deleteEmail(e.id);
    assert.strictEqual(await routeCount('DELETE /api/emails/:id'), 2);
  });

  it('a transactional send applied then dropped is not repeated: one delivery, ambiguousSend', async () => {
    await ctl.faults({ applyThenDrop: 1, path: '/transactional/send' });
    const e = await failure(transactionalSend('once@example.com'));
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.strictEqual(e.sendMayHaveHappened, true);
    assert.match(e.message, /may have gone out/);
    assert.match(e.message, /__sandbox\/outbox/);
    assert.strictEqual((await ctl.outbox({ recipient: 'once@example.com' })).total, 1, 'exactly one delivery');
    assert.strictEqual(await routeCount('POST /api/transactional/send'), 1, 'exactly one request');
  });

  it('a send answered too slowly times out and is not repeated: one delivery', async () => {
    const quick = client(sb, log.logger, { timeoutMs: 300 });
    try {
      await ctl.faults({ applyThenSlow: 1, slowMs: 3000, path: '/transactional/send_embed_content' });
      const e = await failure(
        quick.sendTransactionalContent({
          recipients: ['slow@example.com'],
          message: { subject: 'S', contentText: 'T', addresses: { fromName: 'F' } },
        }),
      );
      assert.strictEqual(e.kind, 'ambiguousSend');
      assert.match(e.reason ?? '', /no answer within/);
      assert.strictEqual((await ctl.outbox({ recipient: 'slow@example.com' })).total, 1);
      assert.strictEqual(await routeCount('POST /api/transactional/send_embed_content'), 1);
    } finally {
      quick.dispose();
    }
  });

  it('a test send answered with 500 is not repeated (not applied: the outbox stays empty)', async () => {
    await ctl.faults({ next5xx: 1, method: 'POST', path: '/api/mailings' });
    const e = await failure(
      c.sendTestMailing({ emailIds: [SEED_IDS.emails.welcome], recipients: ['t500@example.com'], espConnectionId: SEED_IDS.connections.marketing }),
    );
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.strictEqual(e.status, 500);
    assert.strictEqual((await ctl.outbox({ recipient: 't500@example.com' })).total, 0);
    assert.strictEqual(await routeCount('POST /api/mailings'), 1);
    assert.strictEqual((await ctl.stats()).realCampaignLaunches, 0);
  });

  it('a send whose connection is dropped is not repeated', async () => {
    await ctl.faults({ dropNext: 1, path: '/transactional/send' });
    const e = await failure(transactionalSend('dropped@example.com'));
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.strictEqual(await routeCount('POST /api/transactional/send'), 1);
    assert.strictEqual((await ctl.outbox({ recipient: 'dropped@example.com' })).total, 0);
  });

  it('a send refused with 429 is repeated (429 means not processed): exactly one delivery', async () => {
    await ctl.faults({ next429: 2, path: '/transactional/send' });
    const r = await transactionalSend('after429@example.com');
    assert.deepStrictEqual(r.accepted, ['after429@example.com']);
    assert.strictEqual((await ctl.outbox({ recipient: 'after429@example.com' })).total, 1);
    assert.strictEqual(await routeCount('POST /api/transactional/send'), 3);
  });

  it('a send that succeeds delivers once per recipient, with a fresh connection each time', async () => {
    await transactionalSend('plain@example.com');
    await transactionalSend('plain@example.com');
    assert.strictEqual((await ctl.outbox({ recipient: 'plain@example.com' })).total, 2, 'two sends asked, two delivered');
  });

  it('cancels a slow call at once and frees its slot; a call waiting for a slot is never sent', async () => {
    const one = client(sb, log.logger, { limits: { maxInFlight: 1 } });
    try {
      // Held by the sandbox far longer than the test runs (the faults are cleared after each test).
      await ctl.faults({ latencyMs: 600_000 });
      const ac = new AbortController();
      const slow = one.getEmail(SEED_IDS.emails.welcome, { signal: ac.signal });
      const ac2 = new AbortController();
      const waiting = one.getEmail(SEED_IDS.emails.birthday, { signal: ac2.signal });
      // The first call is held at the sandbox, the second waits for the client's only slot.
      for (const deadline = Date.now() + 10000; one.limiterStats().waiting !== 1 || (await ctl.stats()).inFlight !== 1; ) {
        assert.ok(Date.now() < deadline, 'the first call never reached the sandbox, or the second never waited for the slot');
        await new Promise((r) => setTimeout(r, 5));
      }
      ac2.abort();
      assert.strictEqual((await failure(waiting)).kind, 'cancelled');
      ac.abort();
      const e = await failure(slow);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(one.limiterStats().inFlight, 0, 'the slot is free before the server answers');
      assert.strictEqual(await routeCount('GET /api/emails/:id'), 1, 'the waiting call never reached the server');
    } finally {
      one.dispose();
    }
  });

  it('cancels a listing of the whole library part-way', async () => {
    await ctl.faults({ latencyMs: 200 });
    const ac = new AbortController();
    const pages: number[] = [];
    const p = c.listAllEmails({}, { pageSize: 2, signal: ac.signal, onPage: (pg) => (pages.push(pg.page), ac.abort()) });
    const e = await failure(p);
    assert.strictEqual(e.kind, 'cancelled');
    assert.deepStrictEqual(pages, [1]);
    assert.strictEqual(c.limiterStats().inFlight, 0);
  });
});
