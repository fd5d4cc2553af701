import * as assert from 'assert';
import { OngageClient, OngageClientOptions, OngageError } from '../../../src/core/api';
import { fail, FakeServer, ok, recordingLogger, Seen, startFakeServer } from './fake-server';
import { Transport } from '../../../src/core/api/transport';

const CREDS = { username: 'user.uniq7Q@example.com', password: 'pw-Secret-93xZ', accountCode: 'acctK4' };
const FAST = { baseDelayMs: 2, maxDelayMs: 10 };

/** Polls `check` (every 5 ms) until it holds; fails naming `what` after `ms`. */
async function until(what: string, check: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const email = (id: number, extra: Record<string, unknown> = {}) => ({
  id: String(id),
  type: 'email_message',
  list_id: '10542',
  name: `E${id}`,
  subject: 'S',
  created: '1416399606',
  modified: '1416399614',
  deleted: '0',
  favorite: '0',
  ...extra,
});

describe('api/client (unit, against an in-test server)', function () {
  let srv: FakeServer;
  let log: ReturnType<typeof recordingLogger>;
  const clients: OngageClient[] = [];
  const make = (o: Partial<OngageClientOptions> = {}): OngageClient => {
    const c = new OngageClient({ baseUrl: srv.url, listId: 10542, credentials: CREDS, logger: log.logger, retry: FAST, ...o });
    clients.push(c);
    return c;
  };
  const errorOf = async (p: Promise<unknown>): Promise<OngageError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof OngageError, `expected an OngageError, got ${String(e)}`);
      return e;
    }
    assert.fail('expected the call to fail');
  };
  const errors: OngageError[] = [];
  const expectError = async (p: Promise<unknown>): Promise<OngageError> => {
    const e = await errorOf(p);
    errors.push(e);
    return e;
  };

  beforeEach(async () => {
    srv = await startFakeServer();
    log = recordingLogger();
  });
  afterEach(async () => {
    // Credentials are never in a log line, an error message, a stack or the error's JSON.
    const texts = [
      ...log.lines,
      ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e), e.ongageMessage ?? '']),
    ];
    for (const t of texts) {
      for (const secret of [CREDS.username, CREDS.password]) {
        assert.ok(!t.includes(secret), `a credential leaked into: ${t}`);
      }
    }
    errors.length = 0;
    clients.splice(0).forEach((c) => c.dispose());
    await srv.close();
  });

  describe('transport', () => {
    it('sends the three auth headers, JSON, and list-scoped URLs', async () => {
      srv.handle = (r) => (r.path.endsWith('/api/lists') ? ok([{ id: 10542, name: 'Newsletter' }], { total: '1' }) : ok(email(2025)));
      const c = make();
      await c.getEmail(2025);
      await c.getEmail(2025, { listId: 77 });
      const check = await c.checkCredentials();
      const [a, b, d] = srv.seen;
      assert.strictEqual(a.path, '/10542/api/emails/2025');
      assert.strictEqual(b.path, '/77/api/emails/2025');
      assert.strictEqual(d.path, '/api/lists', 'account-wide calls have no list prefix');
      assert.strictEqual(d.query.get('limit'), '1');
      assert.strictEqual(a.headers['x_username'], CREDS.username);
      assert.strictEqual(a.headers['x_password'], CREDS.password);
      assert.strictEqual(a.headers['x_account_code'], CREDS.accountCode);
      assert.deepStrictEqual(check, { accountCode: 'acctK4', listCount: 1 });
    });

    it('without a list id, uses the account default list (no prefix)', async () => {
      srv.handle = () => ok([]);
      const c = make({ listId: undefined });
      await c.listFields();
      assert.strictEqual(srv.seen[0].path, '/api/list_fields');
    });

    it('logs one debug line per request with method, path, status, time and retries', async () => {
      let n = 0;
      srv.handle = () => (++n === 1 ? fail(500, 'General error') : ok(email(1)));
      await make().getEmail(1);
      const lines = log.lines.filter((l) => l.includes('/10542/api/emails/1'));
      assert.strictEqual(lines.length, 2);
      assert.match(lines[0], /^debug GET \/10542\/api\/emails\/1 500 \d+ ms/);
      assert.match(lines[1], /^debug GET \/10542\/api\/emails\/1 200 \d+ ms \(retry 1\)/);
    });

    it('a logged or serialized client shows no credentials, also after calls', async () => {
      srv.handle = () => ok(email(1));
      const c = make();
      await c.getEmail(1);
      const inspect = require('util').inspect as (o: unknown, opts: object) => string;
      for (const text of [JSON.stringify(c), inspect(c, { depth: 10, showHidden: true })]) {
        assert.ok(!text.includes(CREDS.password) && !text.includes(CREDS.username), text.slice(0, 200));
      }
    });

    it('refuses bad configuration with a message saying what to do', () => {
      assert.throws(() => new OngageClient({ baseUrl: 'ftp://x', credentials: CREDS }), /not a usable API address/);
      assert.throws(
        () => new OngageClient({ baseUrl: 'https://api.ongage.net', credentials: { ...CREDS, password: '' } }),
        /user name, a password and an account code/,
      );
    });
  });

  describe('emails', () => {
    it('lists a page with filters turned into Ongage query parameters', async () => {
      srv.handle = () => ok([email(1), email(2, { mailing_id: null, unknown_field: 'kept' })], { total: '120' });
      const p = await make().listEmails(
        { type: 'template', parentId: 4, modifiedFrom: new Date(1_700_000_000_000), favorite: true, getTags: true },
        { page: 2, pageSize: 50 },
      );
      const q = srv.seen[0].query;
      assert.strictEqual(q.get('type'), 'template');
      assert.strictEqual(q.get('parent_id'), '4');
      assert.strictEqual(q.get('modified_from'), '1700000000');
      assert.strictEqual(q.get('favorite'), '1');
      assert.strictEqual(q.get('get_tags'), '1');
      assert.strictEqual(q.get('page'), '2');
      assert.strictEqual(q.get('page_size'), '50');
      assert.strictEqual(p.total, 120);
      assert.deepStrictEqual(p.items.map((e) => e.id), [1, 2]);
      assert.strictEqual(p.items[1].extra.unknown_field, 'kept');
    });

    it('lists the whole library concurrently and in order, showing pages as they arrive', async () => {
      const all = Array.from({ length: 230 }, (_, i) => email(i + 1));
      srv.handle = (r) => {
        const page = Number(r.query.get('page'));
        const size = Number(r.query.get('page_size'));
        return { ...(ok(all.slice((page - 1) * size, page * size), { total: String(all.length) }) as object), delayMs: page === 1 ? 0 : 20 };
      };
      const c = make();
      const pagesSeen: number[] = [];
      const items = await c.listAllEmails({}, { pageSize: 50, onPage: (p) => pagesSeen.push(p.page) });
      assert.deepStrictEqual(items.map((e) => e.id), all.map((e) => Number(e.id)));
      assert.strictEqual(pagesSeen[0], 1);
      assert.strictEqual(pagesSeen.length, 5);
      assert.ok(srv.maxInFlight > 1, 'pages after the first went out together');
      assert.ok(srv.maxInFlight <= 10);
    });

    it('a server that ignores the page number and sends no total ends the listing with a clear error', async () => {
      srv.handle = () => (srv.seen.length > 20 ? fail(500, 'looping') : ok(Array.from({ length: 100 }, (_, i) => email(i + 1))));
      const e = await expectError(make().listAllEmails());
      assert.strictEqual(e.kind, 'badResponse');
      assert.match(e.message, /page 2 came back with the same items as page 1, so the server seems to ignore the page number/);
      assert.strictEqual(srv.seen.length, 2);
    });

    it('lists a whole library in pages of 100 unless told otherwise (half the calls of the budget)', async () => {
      const all = Array.from({ length: 230 }, (_, i) => email(i + 1));
      srv.handle = (r) => {
        const page = Number(r.query.get('page'));
        const size = Number(r.query.get('page_size'));
        return ok(all.slice((page - 1) * size, page * size), { total: String(all.length) });
      };
      const items = await make().listAllEmails();
      assert.strictEqual(items.length, 230);
      assert.deepStrictEqual(srv.seen.map((r) => r.query.get('page_size')), ['100', '100', '100']);
    });

    it('creates with the required fields filled in', async () => {
      srv.handle = (r) => ok({ ...email(3000), name: (r.body as { name: string }).name });
      const e = await make().createEmail({ type: 'folder', name: 'Promos', parentId: 0 });
      assert.deepStrictEqual(srv.seen[0].body, {
        description: '',
        subject: '',
        content_html: '',
        content_text: '',
        type: 'folder',
        name: 'Promos',
        parent_id: 0,
      });
      assert.strictEqual(srv.seen[0].method, 'POST');
      assert.strictEqual(e.id, 3000);
    });

    it('updates in place, or reports the copy Ongage made, and sends overwrite when asked', async () => {
      srv.handle = (r) => (r.path.endsWith('/2025') && !(r.body as { overwrite?: boolean }).overwrite
        ? ok(email(2031, { warning: 'Email is used in a launched campaign; a copy was created' }))
        : ok(email(2025)));
      const c = make();
      const copied = await c.updateEmail(2025, { contentHtml: '<p>new</p>' });
      assert.strictEqual(copied.copied, true);
      assert.strictEqual(copied.email.id, 2031);
      assert.strictEqual(copied.requestedId, 2025);
      assert.match(copied.warning!, /copy/);
      const same = await c.updateEmail(2025, { contentHtml: '<p>new</p>' }, { overwrite: true });
      assert.strictEqual(same.copied, false);
      assert.deepStrictEqual(srv.seen[1].body, { content_html: '<p>new</p>', overwrite: true });
      assert.strictEqual(srv.seen[0].method, 'PUT');
    });

    it('copies, toggles the favourite, moves', async () => {
      srv.handle = (r) => {
        if (r.path.endsWith('/copy')) return ok([email(5001, { list_id: '10543' })]);
        if (r.path.endsWith('/favourite')) return ok(email(5, { favorite: '1' }));
        if (r.path.endsWith('/move')) return ok(email(5, { parent_id: '9', name: 'Renamed' }));
        return fail(404, 'no');
      };
      const c = make();
      const copies = await c.copyEmailToLists(5, [10543]);
      const copies2 = await c.copyEmailToLists(5, [10543, 10544]);
      const fav = await c.toggleFavorite(5);
      const moved = await c.moveEmail(5, { parentId: 9, name: 'Renamed' });
      assert.deepStrictEqual(srv.seen[0].body, { target_list_id: 10543 });
      assert.deepStrictEqual(srv.seen[1].body, { target_list_ids: [10543, 10544] });
      assert.strictEqual(srv.seen[2].path, '/10542/api/emails/5/favourite');
      assert.deepStrictEqual(srv.seen[3].body, { parent_id: 9, name: 'Renamed' });
      assert.strictEqual(copies[0].listId, 10543);
      assert.strictEqual(copies2.length, 1);
      assert.strictEqual(fav.favorite, true);
      assert.deepStrictEqual([moved.parentId, moved.name], [9, 'Renamed']);
      await assert.rejects(c.moveEmail(5, { parentId: 1, name: '' }), /non-empty name/);
      await assert.rejects(c.copyEmailToLists(5, []), /at least one list/);
    });

    it('deletes, and says why when the email is still used', async () => {
      srv.handle = (r) =>
        r.path.endsWith('/7')
          ? ok(email(7, { deleted: '1' }))
          : r.path.endsWith('/9')
            ? fail(400, 'Dependency error: email 9 cannot be deleted: folder 9 is not empty (3 items)')
            : fail(400, 'Dependency error: email 8 cannot be deleted: used by campaign 111670');
      const c = make();
      const gone = await c.deleteEmail(7);
      assert.strictEqual(gone!.deleted, true);
      const e = await expectError(c.deleteEmail(8));
      assert.strictEqual(e.kind, 'dependency');
      assert.strictEqual(e.status, 400);
      assert.match(e.message, /^The email is used by a campaign; deleting it is not allowed/);
      assert.match(e.message, /Dependency error/);
      assert.strictEqual(srv.seen.length, 2, 'a 400 is not retried');
      const folder = await expectError(c.deleteEmail(9));
      assert.strictEqual(folder.kind, 'dependency');
      assert.match(folder.message, /^The folder is not empty/);
    });
  });

  describe('errors', () => {
    const cases: Array<[number, unknown, string, RegExp]> = [
      [401, [], 'auth', /Ongage refused the credentials for account "acctK4"/],
      [403, [], 'forbidden', /does not allow reading email 2025.*API access/],
      [404, [], 'notFound', /^Email 2025 no longer exists/],
      [406, [], 'setupRequired', /must finish its setup/],
      [412, { error_message: 'Email already exists' }, 'validation', /invalid \(HTTP 412\).*Email already exists/],
      [400, { subject: 'is required' }, 'validation', /subject: is required/],
    ];
    for (const [status, errs, kind, re] of cases) {
      it(`maps HTTP ${status} to kind "${kind}" with an actionable message`, async () => {
        srv.handle = () => fail(status, `Ongage says ${status}`, errs);
        const e = await expectError(make().getEmail(2025));
        assert.strictEqual(e.kind, kind);
        assert.strictEqual(e.status, status);
        assert.strictEqual(e.code, status);
        assert.match(e.message, re);
        assert.strictEqual(srv.seen.length, 1, 'not retried');
      });
    }

    it('keeps field errors on the error object', async () => {
      srv.handle = () => fail(412, 'Validation errors', { name: ['is required'], error_message: 'Email already exists' });
      const e = await expectError(make().createEmail({ type: 'email_message', name: 'x' }));
      assert.deepStrictEqual(e.fieldErrors, [{ field: 'name', message: 'is required' }, { message: 'Email already exists' }]);
    });

    it('treats metadata.error: true on HTTP 200 as an error', async () => {
      srv.handle = () => ({ status: 200, json: { metadata: { error: true }, payload: { code: 404, message: 'Email not found', errors: [] } } });
      const e = await expectError(make().getEmail(99));
      assert.strictEqual(e.kind, 'notFound');
      assert.strictEqual(e.status, 404);
    });

    it('reports a non-Ongage answer (an HTML page, a redirect) as badResponse', async () => {
      srv.handle = () => ({ status: 200, raw: '<html>captive portal</html>' });
      const e = await expectError(make().getEmail(1));
      assert.strictEqual(e.kind, 'badResponse');
      assert.match(e.message, /not from the Ongage API/);
      srv.handle = () => ({ status: 302, raw: '', headers: { Location: 'http://elsewhere.example/' } });
      const r = await expectError(make().getEmail(1));
      assert.strictEqual(r.kind, 'badResponse');
      assert.strictEqual(srv.seen.length, 2, 'redirects are not followed (they would carry the credentials elsewhere)');
    });

    it('drops an answer larger than the size limit with a clear error, and does not ask again', async () => {
      srv.handle = () => ok([email(1, { content_html: 'x'.repeat(5_000) })]);
      const e = await expectError(make({ maxResponseBytes: 2_000 }).listEmails());
      assert.strictEqual(e.kind, 'badResponse');
      assert.match(e.message, /larger than 2000 bytes, the most this client reads/);
      assert.strictEqual(srv.seen.length, 1);
    });

    it('refuses to send a request body over the size limit (nothing goes out)', async () => {
      const e = await expectError(make({ maxRequestBytes: 1_000 }).updateEmail(1, { contentHtml: 'x'.repeat(5_000) }, { mayCopy: false }));
      assert.strictEqual(e.kind, 'invalidRequest');
      assert.match(e.message, /not sent: the request is larger than 1000 bytes/);
      assert.strictEqual(srv.seen.length, 0);
    });

    it('reports an envelope of the wrong shape as badResponse', async () => {
      srv.handle = () => ok({ no: 'id' });
      const e = await expectError(make().getEmail(1));
      assert.strictEqual(e.kind, 'badResponse');
    });

    it('masks credentials that a server echoes back in its message', async () => {
      srv.handle = () => fail(401, `Wrong X_PASSWORD ${CREDS.password} for ${CREDS.username}`);
      const e = await expectError(make().getEmail(1));
      assert.ok(e.ongageMessage!.includes('***'));
    });
  });

  describe('retries', () => {
    it('retries a 429 (any call, even a send), honouring Retry-After, and pauses the whole account meanwhile', async () => {
      let n = 0;
      srv.handle = (r) =>
        r.path.endsWith('/transactional/send') && ++n <= 2
          ? fail(429, 'Calls per minute exceeded', [], { 'Retry-After': '0.05' })
          : ok({ id: '77' });
      const c = make();
      const t0 = Date.now();
      const res = await c.sendTransactional({ messageId: 5, recipients: ['a@x.com'] });
      assert.ok(Date.now() - t0 >= 90, 'waited about Retry-After twice');
      assert.strictEqual(res.id, 77);
      assert.strictEqual(srv.seen.length, 3, '429 means not processed: repeated until accepted');
    });

    it('a 429 pauses the account before its slot goes to the next waiting call (no extra call slips out)', async () => {
      srv.handle = () => fail(429, 'Calls per minute exceeded', [], { 'Retry-After': '30' });
      const c = make({ limits: { maxInFlight: 1 } });
      const ac = new AbortController();
      const a = c.getEmail(1, { signal: ac.signal });
      const b = c.getEmail(2, { signal: ac.signal });
      const deadline = Date.now() + 5_000;
      while (c.limiterStats().pausedForMs === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      assert.ok(c.limiterStats().pausedForMs > 0, 'the 429 paused the account');
      assert.strictEqual(c.limiterStats().admitted, 1, 'the waiting call was not admitted into the refusal');
      ac.abort();
      assert.strictEqual((await errorOf(a)).kind, 'cancelled');
      assert.strictEqual((await errorOf(b)).kind, 'cancelled');
      assert.strictEqual(srv.seen.length, 1);
    });

    it('gives up on 429 after the configured number of retries, with kind rateLimited', async () => {
      srv.handle = () => fail(429, 'Calls per minute exceeded');
      const e = await expectError(make({ retry: { ...FAST, maxRateLimitRetries: 2 } }).getEmail(1));
      assert.strictEqual(e.kind, 'rateLimited');
      assert.strictEqual(srv.seen.length, 3);
      assert.strictEqual(e.retries, 2);
    });

    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      it(`retries 5xx and resets for ${method}`, async () => {
        let n = 0;
        srv.handle = () => {
          n++;
          if (n === 1) return fail(503, 'Service unavailable');
          if (n === 2) return 'reset';
          return ok(email(1));
        };
        const c = make();
        if (method === 'GET') await c.getEmail(1);
        else if (method === 'PUT') await c.updateEmail(1, { name: 'x' }, { mayCopy: false });
        else await c.deleteEmail(1);
        assert.strictEqual(srv.seen.length, 3);
        assert.ok(srv.seen.every((s) => s.method === method));
      });
    }

    it('gives up on 5xx after maxRetries, saying how often it tried', async () => {
      srv.handle = () => fail(500, 'General error');
      const e = await expectError(make({ retry: { ...FAST, maxRetries: 2 } }).getEmail(1));
      assert.strictEqual(e.kind, 'server');
      assert.strictEqual(srv.seen.length, 3);
      assert.match(e.message, /Tried 3 times/);
    });

    it('a delete whose first attempt went through but whose answer was lost ends well, once a read confirms it is gone', async () => {
      let n = 0;
      srv.handle = () => (++n === 1 ? 'reset' : fail(404, 'Email not found'));
      assert.strictEqual(await make().deleteEmail(1), undefined);
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['DELETE', 'DELETE', 'GET']);
    });

    it('a repeated delete answered 404 while the email is still there is an error, not done', async () => {
      srv.handle = (r) => (r.method === 'GET' ? ok(email(1)) : r.n === 1 ? 'reset' : fail(404, 'Not found'));
      const e = await expectError(make().deleteEmail(1));
      assert.strictEqual(e.kind, 'server');
      assert.match(e.message, /repeated delete of email 1, but the email is still there: it was not deleted/);
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['DELETE', 'DELETE', 'GET']);
    });

    it('a first delete answered 404 is notFound, without a read', async () => {
      srv.handle = () => fail(404, 'Not found');
      assert.strictEqual((await expectError(make().deleteEmail(1))).kind, 'notFound');
      assert.strictEqual(srv.seen.length, 1);
    });

    it('an update whose answer was lost is read again before it is repeated: in no campaign, repeated', async () => {
      srv.handle = (r) => (r.method === 'PUT' && r.n === 1 ? 'reset' : ok(email(1, { name: 'x' })));
      const res = await make().updateEmail(1, { name: 'x' });
      assert.strictEqual(res.copied, false);
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['PUT', 'GET', 'PUT']);
    });

    it('an update whose answer was lost, of an email in a campaign: not repeated blindly (each attempt could store a copy)', async () => {
      srv.handle = (r) => (r.method === 'PUT' ? 'reset' : ok(email(1, { mailing_id: '900' })));
      const e = await expectError(make().updateEmail(1, { contentHtml: '<p>x</p>' }));
      assert.strictEqual(e.kind, 'network');
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['PUT', 'GET']);
    });

    it('an update whose answer was lost, of an email in a campaign: the copy that attempt stored is the answer', async () => {
      srv.handle = (r) => (r.method === 'PUT' ? 'reset' : ok(email(1, { mailing_id: '900' })));
      let looked = 0;
      const copy = { ...(await make().getEmail(1)), id: 3001, mailingId: undefined };
      srv.seen.length = 0;
      const res = await make().updateEmail(1, { contentHtml: '<p>x</p>' }, { findCopy: async () => (looked++, copy) });
      assert.deepStrictEqual([res.copied, res.earlier, res.email.id, looked], [true, true, 3001, 1]);
      assert.match(res.warning ?? '', /had stored a copy \(id 3001\)/);
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['PUT', 'GET']);
    });

    it('an update of an email in a campaign whose lost attempt stored no copy is repeated once the search finds none', async () => {
      srv.handle = (r) => (r.method === 'PUT' && r.n === 1 ? 'reset' : r.method === 'PUT' ? ok(email(3002)) : ok(email(1, { mailing_id: '900' })));
      const res = await make().updateEmail(1, { contentHtml: '<p>x</p>' }, { mayCopy: true, findCopy: async () => undefined });
      assert.deepStrictEqual([res.copied, res.earlier, res.email.id], [true, undefined, 3002]);
      assert.deepStrictEqual(srv.seen.map((r) => r.method), ['PUT', 'GET', 'PUT']);
    });

    const sends: Array<[string, (c: OngageClient) => Promise<unknown>]> = [
      ['a test mailing', (c) => c.sendTestMailing({ emailIds: [1], recipients: ['a@x.com'], espConnectionId: 3 })],
      ['a transactional send', (c) => c.sendTransactional({ messageId: 1, recipients: ['a@x.com'] })],
      [
        'a transactional content send',
        (c) =>
          c.sendTransactionalContent({
            recipients: ['a@x.com'],
            message: { subject: 'Hi', contentHtml: '<p>x</p>', addresses: { fromName: 'A', fromAddress: 'a@a.com', replyAddress: 'a@a.com' } },
          }),
      ],
    ];
    for (const [name, send] of sends) {
      for (const failure of ['reset', '500', 'timeout'] as const) {
        it(`never repeats ${name} after ${failure === 'reset' ? 'a reset' : failure === '500' ? 'a 500' : 'a timeout'}: ambiguousSend`, async () => {
          srv.handle = () => (failure === 'reset' ? 'reset' : failure === '500' ? fail(500, 'General error') : 'hang');
          const c = make({ timeoutMs: 150 });
          const e = await expectError(send(c));
          assert.strictEqual(e.kind, 'ambiguousSend');
          assert.strictEqual(e.sendMayHaveHappened, true);
          assert.match(e.message, /may have gone out/);
          assert.match(e.message, /not repeated/);
          assert.match(e.message, /sandbox outbox/, 'says where to check (a loopback address is the sandbox)');
          assert.strictEqual(srv.seen.length, 1, 'exactly one request reached the server');
        });
      }
      it(`${name} answered 2xx with a body that is not an Ongage answer: ambiguousSend, not repeated`, async () => {
        for (const raw of ['<html>captive portal</html>', '', '{"payload": ', '[1,2]']) {
          srv.seen.length = 0;
          srv.handle = () => ({ status: 200, raw });
          const e = await expectError(send(make()));
          assert.strictEqual(e.kind, 'ambiguousSend', JSON.stringify(raw));
          assert.strictEqual(e.sendMayHaveHappened, true);
          assert.strictEqual(e.status, 200);
          assert.match(e.message, /may have gone out \(HTTP 200 with an answer that is not a readable Ongage answer\)\. It was not repeated, to avoid sending twice\. Before sending again, check the sandbox outbox/);
          assert.strictEqual(srv.seen.length, 1);
        }
      });
    }

    it('a test mailing answered 2xx with an envelope that holds no campaign: ambiguousSend', async () => {
      srv.handle = () => ok({ nothing: 'here' });
      const e = await expectError(make().sendTestMailing({ emailIds: [1], recipients: ['a@x.com'], espConnectionId: 3 }));
      assert.strictEqual(e.kind, 'ambiguousSend');
      assert.strictEqual(e.sendMayHaveHappened, true);
      assert.match(e.message, /The test send of email 1 may have gone out \(HTTP 200, but the answer is not a readable campaign/);
      assert.strictEqual(srv.seen.length, 1);
    });

    it('a 2xx that is not an Ongage answer stays badResponse for calls that send nothing', async () => {
      srv.handle = () => ({ status: 200, raw: '<html>captive portal</html>' });
      const e = await expectError(make().getMailing(5));
      assert.strictEqual(e.kind, 'badResponse');
      assert.strictEqual(e.sendMayHaveHappened, false);
    });

    it('does repeat a send whose connection was refused (it cannot have been delivered)', async () => {
      const dead = await startFakeServer();
      const url = dead.url;
      await dead.close();
      const c = new OngageClient({ baseUrl: url, credentials: CREDS, logger: log.logger, retry: { ...FAST, maxRetries: 2 } });
      clients.push(c);
      const e = await expectError(c.sendTransactional({ messageId: 1, recipients: ['a@x.com'] }));
      assert.strictEqual(e.kind, 'network');
      assert.strictEqual(e.reason, 'ECONNREFUSED');
      assert.strictEqual(e.retries, 2);
      assert.strictEqual(e.sendMayHaveHappened, false);
    });

    it('does not repeat non-idempotent calls (create, copy, favourite toggle) after a 5xx or reset', async () => {
      srv.handle = () => 'reset';
      const c = make();
      const create = await expectError(c.createEmail({ type: 'email_message', name: 'x' }));
      const copy = await expectError(c.copyEmailToLists(1, [2]));
      const fav = await expectError(c.toggleFavorite(1));
      srv.handle = () => fail(502, 'Bad gateway');
      const create2 = await expectError(c.createEmail({ type: 'email_message', name: 'x' }));
      assert.strictEqual(srv.seen.length, 4);
      for (const e of [create, copy, fav]) {
        assert.strictEqual(e.kind, 'network');
        assert.match(e.message, /may or may not have been done/);
      }
      assert.strictEqual(create2.kind, 'server');
      assert.match(create2.message, /may or may not have been done/);
    });

    it('times out an idempotent call, retries, and reports kind timeout', async () => {
      srv.handle = () => 'hang';
      const e = await expectError(make({ timeoutMs: 60, retry: { ...FAST, maxRetries: 1 } }).getEmail(1));
      assert.strictEqual(e.kind, 'timeout');
      // The attempts are counted where they are made. The time limit runs from dispatch, so on a loaded machine an
      // attempt can time out before its request reaches the server: the server's count is at most the attempts.
      assert.strictEqual(e.retries, 1);
      assert.match(e.message, /did not answer .* in time .*\(tried 2 times\)/);
      assert.strictEqual(log.lines.filter((l) => / GET \/10542\/api\/emails\/1 timeout \d+ ms/.test(l)).length, 2, log.lines.join('\n'));
      assert.ok(srv.seen.length <= 2, `the server saw ${srv.seen.length} requests`);
    });
  });

  describe('sends', () => {
    it('a test mailing always carries is_test: true, whatever the caller slips in', async () => {
      srv.handle = () => ok({ id: '900', status: '60001', is_test: '1', email_message: ['1'] });
      const c = make();
      const sneaky = { emailIds: [1], recipients: ['a@x.com'], espConnectionId: 3, is_test: false, segments: [1429] };
      const m = await c.sendTestMailing(sneaky as unknown as Parameters<OngageClient['sendTestMailing']>[0]);
      const body = srv.seen[0].body as Record<string, unknown>;
      assert.strictEqual(body.is_test, true);
      assert.strictEqual(body.segments, undefined);
      assert.deepStrictEqual(body.email_message, [1]);
      assert.deepStrictEqual(body.recipients, ['a@x.com']);
      assert.strictEqual(body.esp_connection_id, 3);
      assert.strictEqual(body.prepend_test_to_subject, true);
      assert.strictEqual(srv.seen[0].path, '/10542/api/mailings');
      assert.strictEqual(m.statusName, 'NEW');
      assert.strictEqual(m.isTest, true);
    });

    it('the transport refuses any POST /api/mailings without is_test: true', async () => {
      // The transport itself, as a careless new resource call might use it.
      const t = new Transport({ baseUrl: srv.url, listId: 10542, credentials: CREDS, logger: log.logger, retry: FAST });
      const e = await expectError(
        t.request({ method: 'POST', path: '/api/mailings', scope: 'list', body: { name: 'x', segments: [1] }, what: 'x', action: 'x' }),
      );
      assert.strictEqual(e.kind, 'invalidRequest');
      assert.match(e.message, /not a test/);
      assert.strictEqual(srv.seen.length, 0, 'nothing was sent');
      t.dispose();
    });

    it('checks recipients and inputs before sending', async () => {
      const c = make();
      await assert.rejects(c.sendTestMailing({ emailIds: [1], recipients: [], espConnectionId: 3 }), /at least one recipient/);
      await assert.rejects(c.sendTestMailing({ emailIds: [1], recipients: ['nope'], espConnectionId: 3 }), /"nope" is not an email address: the "@" is missing/);
      await assert.rejects(c.sendTestMailing({ emailIds: [1], recipients: ['a@x.com', 'bob@'], espConnectionId: 3 }), /"bob@" is not an email address: the domain is missing/);
      await assert.rejects(c.sendTransactional({ messageId: 1, recipients: ['a@localhost'] }), /the domain "localhost" has no dot/);
      await assert.rejects(c.sendTestMailing({ emailIds: [], recipients: ['a@x.com'], espConnectionId: 3 }), /Choose the email/);
      await assert.rejects(
        c.sendTransactional({ messageId: 1, recipients: ['a@x.com'], dynamicFieldsPerRecipient: { 'b@x.com': { n: 1 } } }),
        /b@x.com, who is not among the recipients/,
      );
      await assert.rejects(
        c.sendTransactionalContent({ recipients: ['a@x.com'], message: { subject: 'x', contentHtml: 'y', addresses: { fromName: 'A' } } }),
        /from address and a reply-to address/,
      );
      assert.strictEqual(srv.seen.length, 0);
    });

    it('transactional sends carry dynamic fields in both forms and the options in Ongage names', async () => {
      srv.handle = () => ok({ id: '12' });
      const c = make();
      await c.sendTransactional({
        messageId: 4567,
        recipients: ['john@email.com', 'jane@email.com'],
        campaignId: 213,
        sendingConnectionId: 1234,
        checkStatus: true,
        checkGlobalAndListSuppression: true,
        dynamicFields: { receipt_id: 12345 },
        dynamicFieldsPerRecipient: { 'john@email.com': { first_name: 'John', age: 34 } },
        scheduleDate: new Date(1_700_000_000_000),
        createContact: false,
      });
      assert.deepStrictEqual(srv.seen[0].body, {
        message_id: 4567,
        recipients: ['john@email.com', 'jane@email.com'],
        campaign_id: 213,
        sending_connection_id: 1234,
        check_status: true,
        check_global_and_list_suppression: true,
        message_dynamic_fields: { receipt_id: 12345 },
        message_dynamic_fields_per_recipient: [{ recipient: 'john@email.com', key_value_collection: { first_name: 'John', age: 34 } }],
        schedule_date: 1700000000,
        create_contact: false,
      });
      const r = await c.sendTransactionalContent({
        recipients: ['jane@email.com'],
        message: { subject: 'Hello!', contentText: 'SMS {{x}}', addresses: { fromName: 'John Doe' } },
        dynamicFieldsPerRecipient: [{ recipient: 'jane@email.com', keyValueCollection: { x: 1 } }],
        disableUnsubscribe: true,
      });
      assert.strictEqual(srv.seen[1].path, '/10542/api/transactional/send_embed_content');
      assert.deepStrictEqual(srv.seen[1].body, {
        message: { subject: 'Hello!', addresses: { from_name: 'John Doe' }, content_text: 'SMS {{x}}' },
        recipients: ['jane@email.com'],
        message_dynamic_fields_per_recipient: [{ recipient: 'jane@email.com', key_value_collection: { x: 1 } }],
        disable_unsubscribe: true,
      });
      assert.deepStrictEqual(r.recipients, ['jane@email.com']);
      assert.strictEqual(r.id, 12);
      // Per-recipient values match the recipients without regard to case, spelled as among the recipients.
      await c.sendTransactional({ messageId: 1, recipients: ['Jane <Jane@Email.com>'], dynamicFieldsPerRecipient: { 'jane@email.com': { x: 2 } } });
      assert.deepStrictEqual(srv.seen[2].body, {
        message_id: 1,
        recipients: ['Jane@Email.com'],
        message_dynamic_fields_per_recipient: [{ recipient: 'Jane@Email.com', key_value_collection: { x: 2 } }],
      });
    });
  });

  describe('cancellation', () => {
    it('cancels a call in flight and frees its slot at once', async () => {
      srv.handle = (r) => (r.path.endsWith('/1') ? 'hang' : ok(email(2)));
      const c = make({ limits: { maxInFlight: 1 } });
      const ac = new AbortController();
      const hung = c.getEmail(1, { signal: ac.signal });
      await until('the first call to reach the server', () => srv.seen.length === 1);
      const next = c.getEmail(2);
      assert.strictEqual(c.limiterStats().waiting, 1);
      ac.abort();
      const e = await expectError(hung);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual((await next).id, 2, 'the waiting call got the freed slot');
    });

    it('cancels a call waiting for a slot without ever sending it', async () => {
      // The first call holds the only slot until the test lets the server answer.
      let answer!: () => void;
      const answered = new Promise<void>((r) => (answer = r));
      srv.handle = async () => {
        await answered;
        return ok(email(1));
      };
      const c = make({ limits: { maxInFlight: 1 } });
      const first = c.getEmail(1);
      const ac = new AbortController();
      const waiting = c.getEmail(1, { signal: ac.signal });
      await until('the second call to wait for the slot', () => srv.seen.length === 1 && c.limiterStats().waiting === 1);
      ac.abort();
      const e = await expectError(waiting);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(c.limiterStats().waiting, 0);
      answer();
      await first;
      assert.strictEqual(srv.seen.length, 1);
    });

    it('cancels during a back-off wait', async () => {
      srv.handle = () => fail(503, 'busy');
      const c = make({ retry: { baseDelayMs: 5000, maxDelayMs: 5000 } });
      const ac = new AbortController();
      const p = c.getEmail(1, { signal: ac.signal });
      // The 503 is answered and its slot released: the call now sits in its 5 s back-off.
      await until('the first answer', () => srv.seen.length === 1 && c.limiterStats().inFlight === 0 && log.lines.some((l) => / 503 \d+ ms/.test(l)));
      ac.abort();
      const e = await expectError(p);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(srv.seen.length, 1);
    });

    it('a send cancelled in flight says it may have gone out', async () => {
      srv.handle = () => 'hang';
      const c = make();
      const ac = new AbortController();
      const p = c.sendTransactional({ messageId: 1, recipients: ['a@x.com'] }, { signal: ac.signal });
      await until('the send to reach the server', () => srv.seen.length === 1);
      ac.abort();
      const e = await expectError(p);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.sendMayHaveHappened, true);
      assert.match(e.message, /may have gone out\. Before sending again, check the sandbox outbox/);
    });

    it('an already aborted signal sends nothing', async () => {
      const e = await expectError(make().getEmail(1, { signal: AbortSignal.abort() }));
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(srv.seen.length, 0);
    });
  });

  describe('other resources', () => {
    it('mailing status, lists, list fields, ESP connections, contacts, transactional campaigns', async () => {
      srv.handle = (r: Seen) => {
        const p = r.path;
        if (p.endsWith('/api/mailings/900')) return ok({ id: '900', status: '60003' });
        if (p === '/api/lists') return ok([{ id: 10542, name: 'Newsletter' }, { id: 10543, name: 'B' }], { total: 2 });
        if (p === '/api/lists/10543') return ok({ id: 10543, name: 'B', default_transactional_id: 5 });
        if (p.endsWith('/api/list_fields')) return ok([{ id: 1, name: 'email', type: 'email', mandatory: true }]);
        if (p.endsWith('/api/esp_connections/options')) return ok([{ id: '3', name: 'Main', support_transactional: '1' }]);
        if (p.includes('/api/contacts/by_email/a')) return ok({ id: 'abc', email: 'a+b@x.com', ocx_status: 'Active' });
        if (p.includes('/api/contacts/by_id/')) return ok({ id: 'abc', email: 'a@x.com' });
        if (p.endsWith('/api/transactional') && r.method === 'GET') return ok([{ id: '5', name: 'Default' }], { total: '1' });
        if (p.endsWith('/api/transactional') && r.method === 'POST') return ok({ id: '6', ...(r.body as object) });
        if (p.endsWith('/api/transactional/6') && r.method === 'PUT') return ok({ id: '6', ...(r.body as object) });
        if (p.endsWith('/api/transactional/6') && r.method === 'DELETE') return ok({ id: '6' });
        return fail(404, 'not found');
      };
      const c = make();
      assert.strictEqual((await c.getMailing(900)).statusName, 'IN_PROGRESS');
      const lists = await c.listLists({ limit: 10 });
      assert.strictEqual(lists.total, 2);
      assert.deepStrictEqual((await c.listAllLists()).map((l) => l.id), [10542, 10543]);
      assert.strictEqual((await c.getList(10543)).defaultTransactionalId, 5);
      assert.strictEqual((await c.listFields())[0].mandatory, true);
      const esp = await c.listEspConnections({ activeOnly: true });
      assert.strictEqual(esp[0].supportTransactional, true);
      assert.ok(srv.seen.some((s) => s.query.get('active_only') === 'true'));
      const contact = await c.getContactByEmail('a+b@x.com');
      assert.strictEqual(contact.status, 'Active');
      assert.ok(srv.seen.some((s) => s.url.includes('/api/contacts/by_email/a%2Bb%40x.com')));
      assert.strictEqual((await c.getContactById('abc')).email, 'a@x.com');
      assert.strictEqual((await c.listTransactionalCampaigns()).items[0].name, 'Default');
      assert.strictEqual((await c.createTransactionalCampaign({ name: 'Receipts', description: 'd' })).name, 'Receipts');
      assert.strictEqual((await c.updateTransactionalCampaign(6, { name: 'Receipts 2' })).name, 'Receipts 2');
      await c.deleteTransactionalCampaign(6);
      const e = await expectError(c.getContactByEmail('nobody@x.com'));
      assert.strictEqual(e.kind, 'notFound');
      assert.match(e.message, /Contact nobody@x.com is not in list 10542/);
    });
  });
});
