/**
 * Only its own user can drive the sandbox: loopback Host values only (DNS rebinding), no other site's Origin, JSON on
 * control POSTs (no preflight-free form or text/plain POST), and a body too large for it answered with Ongage's
 * envelope instead of a reset.
 */
import { strict as assert } from 'assert';
import * as http from 'http';
import { SEED_IDS } from '../seed';
import { control, expectError, useSandbox } from './helpers';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers (fetch will not let a test set Host); `body` may be written in pieces. */
function raw(port: number, method: string, path: string, headers: Record<string, string | number>, body?: (req: http.ClientRequest) => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) body(req);
    else req.end();
  });
}

/** Resolves with the answer, or rejects when none came before `ms` (the request is then abandoned). */
async function answeredWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('sandbox request rules', () => {
  const ctx = useSandbox();
  const own = () => `127.0.0.1:${ctx.sb.port}`;
  const auth = () => ctx.sb.authHeaders;

  describe('Host', () => {
    it('answers its loopback names with its own port, on control and API routes', async () => {
      for (const host of [own(), `localhost:${ctx.sb.port}`, `[::1]:${ctx.sb.port}`, `LOCALHOST:${ctx.sb.port}`]) {
        assert.equal((await raw(ctx.sb.port, 'GET', '/__sandbox/stats', { Host: host })).status, 200, host);
        assert.equal((await raw(ctx.sb.port, 'GET', '/api/lists', { Host: host, ...auth() })).status, 200, host);
      }
    });

    it('refuses another name (DNS rebinding) before doing anything: outbox, reset and the API', async () => {
      const before = ctx.sb.stats().requests;
      for (const host of ['evil.example:' + ctx.sb.port, 'evil.example', `127.0.0.1:${ctx.sb.port + 1}`, '127.0.0.1', `127.0.0.2:${ctx.sb.port}`, `localhost.evil.example:${ctx.sb.port}`]) {
        const outbox = await raw(ctx.sb.port, 'GET', '/__sandbox/outbox', { Host: host });
        assert.equal(outbox.status, 403, `${host}: ${outbox.body}`);
        assert.match(JSON.parse(outbox.body).error, /answers only to 127\.0\.0\.1:\d+/);
        assert.doesNotMatch(outbox.body, /items/);
        const api = await raw(ctx.sb.port, 'GET', `/api/emails/${SEED_IDS.emails.welcome}`, { Host: host, ...auth() });
        assert.equal(api.status, 403, host);
        const env = JSON.parse(api.body);
        assert.equal(env.metadata.error, true);
        assert.equal(env.payload.code, 403);
        assert.doesNotMatch(api.body, /content_html/);
      }
      ctx.sb.store.data.outbox.push({ id: 999 } as never);
      const reset = await raw(ctx.sb.port, 'POST', '/__sandbox/reset', { Host: `evil.example:${ctx.sb.port}`, 'Content-Type': 'application/json' }, (r) => r.end('{}'));
      assert.equal(reset.status, 403);
      assert.equal(ctx.sb.outbox().length, 1, 'the reset was applied');
      ctx.sb.store.data.outbox = [];
      assert.equal(ctx.sb.stats().requests, before, 'a refused API call reached the API');
      assert.ok(ctx.sb.stats().foreignRefused >= 13);
    });
  });

  describe('Origin', () => {
    it("accepts no Origin and the sandbox's own", async () => {
      assert.equal((await control(ctx.sb, 'GET', '/__sandbox/outbox', undefined, { Origin: `http://${own()}` })).status, 200);
      assert.equal((await control(ctx.sb, 'GET', '/__sandbox/outbox', undefined, { Origin: `http://localhost:${ctx.sb.port}` })).status, 200);
      assert.equal((await control(ctx.sb, 'GET', '/__sandbox/outbox')).status, 200);
    });

    it("refuses another site's page, on control and API routes", async () => {
      for (const origin of ['https://evil.example', 'null', `http://${own()}.evil.example`, `https://${own()}`, `http://127.0.0.1:${ctx.sb.port + 1}`]) {
        const r = await control(ctx.sb, 'POST', '/__sandbox/faults', { errorRate: 1 }, { Origin: origin });
        assert.equal(r.status, 403, origin);
        assert.match(r.json.error, /another origin/);
        const api = await raw(ctx.sb.port, 'GET', '/api/lists', { Host: own(), Origin: origin, ...auth() });
        expectError({ status: api.status, headers: new Headers(), body: JSON.parse(api.body) }, 403);
      }
      assert.equal(ctx.sb.stats().rateLimited + (await control(ctx.sb, 'GET', '/__sandbox/faults')).json.settings.errorRate, 0, 'a fault was set');
    });
  });

  describe('JSON on control POSTs', () => {
    it('refuses the POSTs a page can send without a preflight (text/plain, a form, no type)', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain; charset=application/json', undefined]) {
        const headers: Record<string, string> = { Host: own() };
        if (type) headers['Content-Type'] = type;
        const faults = await raw(ctx.sb.port, 'POST', '/__sandbox/faults', headers, (r) => r.end('{"next5xx": 5}'));
        assert.equal(faults.status, 415, String(type));
        assert.match(JSON.parse(faults.body).error, /Content-Type: application\/json/);
        assert.equal((await raw(ctx.sb.port, 'POST', '/__sandbox/reset', headers, (r) => r.end())).status, 415, String(type));
      }
      assert.deepEqual((await control(ctx.sb, 'GET', '/__sandbox/faults')).json.faults, []);
    });

    it('takes application/json, with parameters and an empty object', async () => {
      const r = await raw(ctx.sb.port, 'POST', '/__sandbox/faults', { Host: own(), 'Content-Type': 'Application/JSON; charset=utf-8' }, (q) => q.end('{"next5xx": 1}'));
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).faults.length, 1);
      assert.equal((await control(ctx.sb, 'POST', '/__sandbox/reset')).json.reset, true);
      assert.deepEqual((await control(ctx.sb, 'GET', '/__sandbox/faults')).json.faults, []);
    });
  });

  describe('a body over 20 MB', () => {
    const big = 20 * 1024 * 1024 + 1;

    it("answers 413 with Ongage's envelope when the body is declared too large, before it is sent", async () => {
      const req = raw(ctx.sb.port, 'POST', '/api/emails', { Host: own(), ...auth(), 'Content-Type': 'application/json', 'Content-Length': big }, (r) => r.write('{"name": "'));
      const a = await answeredWithin(req, 5000, 'a declared 20 MB + 1 body');
      assert.equal(a.status, 413);
      const env = JSON.parse(a.body);
      assert.deepEqual(env.metadata, { error: true });
      assert.equal(env.payload.code, 413);
      assert.match(env.payload.message, /larger than 20 MB/);
    });

    it('answers 413 (not a reset) when a streamed body passes 20 MB, and applies nothing', async () => {
      const emails = ctx.sb.store.data.emails.length;
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const a = await raw(ctx.sb.port, 'POST', '/api/emails', { Host: own(), ...auth(), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, (r) => {
        r.write('{"type": "email_message", "name": "big", "content_html": "');
        for (let i = 0; i < 21; i++) r.write(chunk);
        r.end('"}');
      });
      assert.equal(a.status, 413);
      assert.equal(JSON.parse(a.body).payload.code, 413);
      assert.equal(ctx.sb.store.data.emails.length, emails);
      // The server still answers on a fresh connection afterwards.
      assert.equal((await raw(ctx.sb.port, 'GET', '/api/lists', { Host: own(), ...auth() })).status, 200);
    });

    it('checks the credentials before reading the body', async () => {
      // The body never ends: only a server that answers before reading it can answer at all.
      let open: http.ClientRequest | undefined;
      const req = raw(ctx.sb.port, 'POST', '/api/emails', { Host: own(), ...auth(), X_PASSWORD: 'wrong', 'Content-Type': 'application/json', 'Content-Length': 1000 }, (r) => {
        open = r;
        r.write('{"name": ');
      });
      const a = await answeredWithin(req, 5000, 'wrong credentials with an unfinished body');
      open?.destroy();
      expectError({ status: a.status, headers: new Headers(), body: JSON.parse(a.body) }, 401);
      // And an oversized body with wrong credentials is a 401, not a 413.
      const b = await answeredWithin(
        raw(ctx.sb.port, 'POST', '/api/emails', { Host: own(), 'Content-Type': 'application/json', 'Content-Length': big }, (r) => r.write('{')),
        5000,
        'no credentials and a declared 20 MB body',
      );
      assert.equal(b.status, 401);
    });
  });
});
