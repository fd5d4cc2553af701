/**
 * Sends through the core send module (src/core/send/) and the real client against the sandbox: each send lands in
 * the outbox exactly once per recipient with the right subject and fields; bad recipients, the allowlist and the
 * threshold are refused before any request; an ambiguous failure (the sandbox applies the send, then drops the
 * connection or answers 200 with a broken body) gives one delivery, a message saying it may have gone out, no
 * automatic resend, and a log record that makes the next attempt of the same send ask first.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OngageClient, OngageError } from '../../src/core/api';
import {
  appendSendLog,
  connectionKey,
  isAmbiguous,
  lastRecordFor,
  loadSendConfig,
  mailingStatusText,
  repeatWarning,
  sendEmbed,
  sendFingerprint,
  sendOutcome,
  sendTest,
  sendTransactionalStored,
} from '../../src/core/send';
import { SEED_IDS } from '../../sandbox/seed';
import { assertNoCredentials, client, control, Control, failureCollector, recordingLogger, Sandbox, sandbox, TRANSACTIONAL_LIST } from './client-helpers';

const ids = SEED_IDS;
type Entry = { recipient: string; subject: string; kind: string; html: string; from_name: string; from_address: string; reply_address: string; dynamic_fields: Record<string, unknown>; esp_connection_id: number; mailing_id: number };

describe('sends (core send module ↔ client ↔ sandbox)', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ctl: Control;
  let c: OngageClient;
  let log: ReturnType<typeof recordingLogger>;
  const { errors, failure } = failureCollector();
  const outbox = async (q: Record<string, string | number> = {}): Promise<Entry[]> => (await ctl.outbox(q)).items as unknown as Entry[];
  const requests = async (): Promise<number> => (await ctl.stats()).requests;
  const route = async (r: string): Promise<number> => (await ctl.stats()).byRoute[r] ?? 0;

  before(async () => {
    sb = await sandbox();
    ctl = control(sb.url);
    log = recordingLogger();
    c = client(sb, log.logger, { timeoutMs: 3000 });
  });
  beforeEach(() => ctl.reset());
  after(async () => {
    assertNoCredentials([...log.lines, ...errors.flatMap((e) => [e.message, JSON.stringify(e)])]);
    assert.strictEqual((await ctl.stats()).realCampaignLaunches, 0);
    c.dispose();
    await sb.close();
  });

  it('a test send to two recipients: one outbox entry each, subject prefixed and personalized, status in words', async () => {
    const { mailing, recipients } = await sendTest(c, {
      emailId: ids.emails.firstNewsletter,
      recipients: 'Jane Doe <jane.doe@example.com>, stranger@example.org; JANE.DOE@example.com',
      espConnectionId: ids.connections.marketing,
    });
    assert.deepStrictEqual(recipients, ['jane.doe@example.com', 'stranger@example.org']);
    assert.strictEqual(mailing.isTest, true);
    assert.strictEqual(mailingStatusText(await c.getMailing(mailing.id)), 'Completed');
    const items = await outbox({ kind: 'test' });
    assert.deepStrictEqual(items.map((x) => x.recipient).sort(), ['jane.doe@example.com', 'stranger@example.org']);
    const jane = items.find((x) => x.recipient === 'jane.doe@example.com')!;
    const stranger = items.find((x) => x.recipient === 'stranger@example.org')!;
    assert.strictEqual(jane.subject, '[TEST] VIP: Fresh snow, fresh trails | January news');
    assert.strictEqual(stranger.subject, '[TEST] Fresh snow, fresh trails | January news');
    assert.strictEqual(jane.esp_connection_id, ids.connections.marketing);
    assert.strictEqual(jane.mailing_id, mailing.id);
    assert.strictEqual((await ctl.stats()).realCampaignLaunches, 0);
  });

  it('a test send without the prefix keeps the subject as written', async () => {
    await sendTest(c, { emailId: ids.emails.firstNewsletter, recipients: ['stranger@example.org'], espConnectionId: ids.connections.marketing, prependTestToSubject: false });
    assert.strictEqual((await outbox())[0].subject, 'Fresh snow, fresh trails | January news');
  });

  it('a stored transactional send with fields for all and per recipient: right subject and fields for each', async () => {
    const { result } = await sendTransactionalStored(c, {
      listId: TRANSACTIONAL_LIST,
      messageId: ids.emails.orderReceipt,
      recipients: ['order.customer@example.com', 'New.Buyer@example.org'],
      fields: { receipt_id: 'R-ALL', order_total: '$10.00' },
      perRecipient: [{ recipient: 'new.buyer@example.org', key_value_collection: { receipt_id: 'R-2002', first_name: 'Nina' } }],
    });
    assert.strictEqual(result.campaignId, ids.transactional.transactionalDefault, "the list's default campaign");
    const items = await outbox({ kind: 'transactional' });
    assert.strictEqual(items.length, 2);
    const order = items.find((x) => x.recipient === 'order.customer@example.com')!;
    const nina = items.find((x) => x.recipient.toLowerCase() === 'new.buyer@example.org')!;
    assert.strictEqual(order.subject, 'Your receipt R-ALL');
    assert.strictEqual(nina.subject, 'Your receipt R-2002');
    assert.deepStrictEqual(order.dynamic_fields, { receipt_id: 'R-ALL', order_total: '$10.00' });
    assert.deepStrictEqual(nina.dynamic_fields, { receipt_id: 'R-2002', order_total: '$10.00', first_name: 'Nina' });
    assert.match(nina.html, /Nina/);
  });

  it('embedded content (unsaved or a workspace file) through send_embed_content', async () => {
    await sendEmbed(c, {
      listId: TRANSACTIONAL_LIST,
      subject: 'Hello {{first_name:there}} — {{code}}',
      html: '<html><body><p>Code {{code}} for {{first_name:you}}</p></body></html>',
      from: { fromName: 'Harbor & Pine', fromAddress: 'shop@example.com', replyAddress: 'help@example.com' },
      recipients: 'jane.doe@example.com',
      fields: { code: 'XYZ' },
    });
    const [e] = await outbox();
    assert.strictEqual(e.subject, 'Hello Jane — XYZ');
    assert.match(e.html, /Code XYZ for Jane/);
    assert.deepStrictEqual([e.from_name, e.from_address, e.reply_address], ['Harbor & Pine', 'shop@example.com', 'help@example.com']);
  });

  it('invalid recipients are refused before any request, naming each', async () => {
    const before = await requests();
    for (const [recipients, re] of [
      ['jane.doe@example.com, bob@', /"bob@" is not an email address: the domain is missing/],
      ['ann@localhost', /the domain "localhost" has no dot/],
      ['', /add at least one recipient/],
      ['<script>@x.com', /is not an email address/],
    ] as const) {
      const e = await failure(sendTest(c, { emailId: ids.emails.firstNewsletter, recipients, espConnectionId: ids.connections.marketing }));
      assert.strictEqual(e.kind, 'invalidRequest');
      assert.match(e.message, re);
      const t = await failure(sendTransactionalStored(c, { listId: TRANSACTIONAL_LIST, messageId: ids.emails.orderReceipt, recipients }));
      assert.match(t.message, re);
    }
    // The client itself refuses a bad address too (whatever calls it).
    const raw = await failure(c.sendTestMailing({ emailIds: [ids.emails.firstNewsletter], recipients: ['nobody'], espConnectionId: ids.connections.marketing }));
    assert.match(raw.message, /"nobody" is not an email address: the "@" is missing/);
    assert.strictEqual(await requests(), before, 'no request reached the sandbox');
    assert.strictEqual((await outbox()).length, 0);
  });

  it('the allowlist and the threshold, from the workspace file, are enforced before any request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sends-it-'));
    try {
      fs.mkdirSync(path.join(dir, '.ongage'));
      fs.writeFileSync(path.join(dir, '.ongage', 'lint.json'), JSON.stringify({ rules: {}, sends: { allowlist: ['@example.com'], confirmAbove: 2 } }));
      const { guards, errors: problems } = await loadSendConfig(dir);
      assert.deepStrictEqual(problems, []);
      const before = await requests();
      const out = await failure(sendTest(c, { emailId: ids.emails.firstNewsletter, recipients: 'jane.doe@example.com, stranger@example.org', espConnectionId: ids.connections.marketing, guards }));
      assert.match(out.message, /outside the sends allowlist \(.*lint\.json "sends"\): stranger@example\.org/);
      const three = ['jane.doe@example.com', 'john.smith@example.com', 'ana.garcia@example.com'];
      const many = await failure(sendTest(c, { emailId: ids.emails.firstNewsletter, recipients: three, espConnectionId: ids.connections.marketing, guards }));
      assert.match(many.message, /3 recipients is more than 2, and the send was not confirmed/);
      assert.strictEqual(await requests(), before);
      await sendTest(c, { emailId: ids.emails.firstNewsletter, recipients: three, espConnectionId: ids.connections.marketing, guards, confirmed: true });
      assert.strictEqual((await outbox()).length, 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const ambiguousCases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['applied, then the connection dropped', { applyThenDrop: 1 }, /may have gone out \((ECONNRESET|socket hang up|ERR_NETWORK)/],
    ['applied, then 200 with a cut envelope', { applyThenGarble: 1 }, /may have gone out \(HTTP 200 with an answer that is not a readable Ongage answer\)/],
    ['applied, then 200 with an HTML page', { applyThenGarble: 1, garbleAs: 'html' }, /may have gone out \(HTTP 200 with an answer that is not a readable Ongage answer\)/],
    ['applied, then 200 with no body', { applyThenGarble: 1, garbleAs: 'empty' }, /may have gone out \(HTTP 200/],
  ];
  for (const [name, fault, re] of ambiguousCases) {
    it(`a test send ${name}: one delivery, "may have gone out", no resend; the next attempt asks first`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sends-log-'));
      const file = path.join(dir, '.ongage', 'sends.jsonl');
      try {
        await ctl.faults({ ...fault, method: 'POST', path: '/api/mailings' });
        const input = { emailId: ids.emails.firstNewsletter, recipients: ['stranger@example.org'], espConnectionId: ids.connections.marketing };
        const e = await failure(sendTest(c, input));
        assert.strictEqual(e.kind, 'ambiguousSend');
        assert.strictEqual(e.sendMayHaveHappened, true);
        assert.ok(isAmbiguous(e));
        assert.match(e.message, re);
        assert.match(e.message, /It was not repeated, to avoid sending twice\. Before sending again, check the sandbox outbox \(GET http:\/\/127\.0\.0\.1:\d+\/__sandbox\/outbox\)/);
        assert.strictEqual(await route('POST /api/mailings'), 1, 'sent once, never repeated');
        assert.strictEqual((await outbox()).length, 1, 'exactly one delivery');
        // The log says it may have gone out, and the same send next time asks first.
        const fingerprint = sendFingerprint({ kind: 'test', connection: connectionKey(c), emailId: input.emailId, recipients: input.recipients, espConnectionId: input.espConnectionId });
        await appendSendLog(file, { at: new Date().toISOString(), kind: 'test', email: { id: input.emailId }, connection: c.baseUrl, recipients: input.recipients, ...sendOutcome(e), fingerprint });
        const last = await lastRecordFor(file, fingerprint);
        assert.strictEqual(last?.result, 'maybe-sent');
        assert.match(repeatWarning(last)!, /may have gone out/);
        assert.ok(!fs.readFileSync(file, 'utf8').includes('it-pass'), 'no credential in the log');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('a transactional send applied then answered with a broken body: one delivery per recipient, ambiguous, not repeated', async () => {
    await ctl.faults({ applyThenGarble: 1, path: '/transactional/send' });
    const e: OngageError = await failure(
      sendTransactionalStored(c, { listId: TRANSACTIONAL_LIST, messageId: ids.emails.orderReceipt, recipients: ['order.customer@example.com', 'jane.doe@example.com'], fields: { receipt_id: 'R-5' } }),
    );
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.match(e.message, /The transactional send of email \d+ may have gone out/);
    assert.strictEqual(await route('POST /api/transactional/send'), 1);
    const items = await outbox();
    assert.deepStrictEqual(items.map((x) => x.recipient).sort(), ['jane.doe@example.com', 'order.customer@example.com']);
    assert.ok(items.every((x) => x.subject === 'Your receipt R-5'));
  });

  it('an embedded send applied then dropped: ambiguous, one delivery', async () => {
    await ctl.faults({ applyThenDrop: 1, path: '/send_embed_content' });
    const e = await failure(
      sendEmbed(c, { subject: 'S', html: '<p>x</p>', from: { fromName: 'A', fromAddress: 'a@example.com', replyAddress: 'a@example.com' }, recipients: 'jane.doe@example.com' }),
    );
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.strictEqual((await outbox()).length, 1);
  });

  it('a 5xx on a send is not repeated either (the sandbox did not apply it: no delivery)', async () => {
    await ctl.faults({ next5xx: 1, method: 'POST', path: '/api/mailings' });
    const e = await failure(sendTest(c, { emailId: ids.emails.firstNewsletter, recipients: ['stranger@example.org'], espConnectionId: ids.connections.marketing }));
    assert.strictEqual(e.kind, 'ambiguousSend');
    assert.strictEqual(await route('POST /api/mailings'), 1);
    assert.strictEqual((await outbox()).length, 0);
  });
});
