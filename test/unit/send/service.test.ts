import * as assert from 'assert';
import { OngageError } from '../../../src/core/api/errors';
import type { Mailing, SendResult, TestMailingInput, TransactionalEmbedInput, TransactionalSendInput } from '../../../src/core/api/types';
import {
  checkFields,
  checkPerRecipient,
  connectionKey,
  isAmbiguous,
  mailingStatusText,
  sendEmbed,
  sendFingerprint,
  sendOutcome,
  sendTest,
  sendTransactionalStored,
  type SendClient,
} from '../../../src/core/send/service';
import { CAMPAIGN_STATUS } from '../../../src/core/api/types';
import { statusName } from '../../../src/core/api/parse';

/** A stand-in client that records what it was asked. */
function recorder() {
  const calls: Array<{ method: string; input: unknown }> = [];
  const mailing: Mailing = { id: 111700, name: 'Test', description: '', status: 60004, statusName: 'COMPLETED', isTest: true, emailIds: [2019], extra: {} };
  const client: SendClient = {
    sendTestMailing: async (input: TestMailingInput) => (calls.push({ method: 'test', input }), mailing),
    sendTransactional: async (input: TransactionalSendInput) => (calls.push({ method: 'stored', input }), { recipients: input.recipients, extra: {} } as SendResult),
    sendTransactionalContent: async (input: TransactionalEmbedInput) => (calls.push({ method: 'embed', input }), { recipients: input.recipients, extra: {} } as SendResult),
  };
  return { client, calls };
}

describe('send/service', () => {
  it('sendTest: parsed recipients, is a test, subject prefixed by default', async () => {
    const { client, calls } = recorder();
    const r = await sendTest(client, { emailId: 2019, recipients: 'Ann <ann@example.com>, bob@example.com ann@EXAMPLE.com', espConnectionId: 7101, listId: 10542 });
    assert.strictEqual(r.mailing.id, 111700);
    assert.deepStrictEqual(r.recipients, ['ann@example.com', 'bob@example.com']);
    assert.deepStrictEqual(calls, [
      { method: 'test', input: { emailIds: [2019], recipients: ['ann@example.com', 'bob@example.com'], espConnectionId: 7101, prependTestToSubject: true, listId: 10542 } },
    ]);
  });

  it('invalid recipients, the allowlist and the threshold are refused before any request', async () => {
    const { client, calls } = recorder();
    await assert.rejects(sendTest(client, { emailId: 1, recipients: 'ann@example.com, bob@', espConnectionId: 1 }), (e: OngageError) => {
      assert.strictEqual(e.kind, 'invalidRequest');
      assert.strictEqual(e.message, 'Not sent. "bob@" is not an email address: the domain is missing. Correct it and try again.');
      return true;
    });
    await assert.rejects(sendTest(client, { emailId: 1, recipients: ' , ', espConnectionId: 1 }), /add at least one recipient/);
    await assert.rejects(
      sendTransactionalStored(client, { messageId: 1, recipients: 'a@example.com, b@evil.com', guards: { allowlist: ['@example.com'] } }),
      /outside the sends allowlist: b@evil\.com/,
    );
    const six = Array.from({ length: 6 }, (_, i) => `u${i}@example.com`);
    await assert.rejects(sendTest(client, { emailId: 1, recipients: six, espConnectionId: 1, guards: {} }), /6 recipients is more than 5, and the send was not confirmed/);
    assert.strictEqual(calls.length, 0);
    await sendTest(client, { emailId: 1, recipients: six, espConnectionId: 1, guards: {}, confirmed: true });
    assert.strictEqual(calls.length, 1);
  });

  it('sendTransactionalStored: fields for all and per recipient in Ongage form, matched without regard to case', async () => {
    const { client, calls } = recorder();
    await sendTransactionalStored(client, {
      messageId: 2056,
      recipients: ['Jane.Doe@example.com', 'john@example.com'],
      campaignId: 4502,
      sendingConnectionId: 7101,
      fields: { receipt_id: 'R-1' },
      perRecipient: [{ recipient: 'jane.doe@example.com', key_value_collection: { first_name: 'Jane' } }],
      checkStatus: true,
      checkSuppression: false,
      listId: 10543,
    });
    assert.deepStrictEqual(calls[0].input, {
      messageId: 2056,
      recipients: ['Jane.Doe@example.com', 'john@example.com'],
      campaignId: 4502,
      sendingConnectionId: 7101,
      dynamicFields: { receipt_id: 'R-1' },
      dynamicFieldsPerRecipient: [{ recipient: 'Jane.Doe@example.com', keyValueCollection: { first_name: 'Jane' } }],
      checkStatus: true,
      checkGlobalAndListSuppression: false,
      listId: 10543,
    });
    await assert.rejects(
      sendTransactionalStored(client, { messageId: 1, recipients: 'a@example.com', perRecipient: [{ recipient: 'b@example.com', key_value_collection: {} }] }),
      /values were given for b@example\.com, who is not among the recipients/,
    );
  });

  it('sendEmbed: subject, HTML and From checked before the request', async () => {
    const { client, calls } = recorder();
    const from = { fromName: 'Shop', fromAddress: 'shop@example.com', replyAddress: 'help@example.com' };
    await sendEmbed(client, { subject: 'Hi {{first_name}}', html: '<p>x</p>', from, recipients: 'a@example.com' });
    assert.deepStrictEqual(calls[0].input, {
      message: { subject: 'Hi {{first_name}}', contentHtml: '<p>x</p>', addresses: { fromName: 'Shop', fromAddress: 'shop@example.com', replyAddress: 'help@example.com' } },
      recipients: ['a@example.com'],
    });
    await assert.rejects(sendEmbed(client, { subject: 'S', html: 'x', from: { ...from, fromName: '' }, recipients: 'a@example.com' }), /sender name \(From\) is missing/);
    await assert.rejects(sendEmbed(client, { subject: 'S', html: 'x', from: { ...from, fromAddress: 'shop@' }, recipients: 'a@example.com' }), /From address: "shop@" is not an email address: the domain is missing/);
    await assert.rejects(sendEmbed(client, { subject: ' ', html: 'x', from, recipients: 'a@example.com' }), /subject is empty/);
    assert.strictEqual(calls.length, 1);
  });

  it('checkFields / checkPerRecipient: what a JSON file may hold, with messages', () => {
    assert.deepStrictEqual(checkFields({ a: 'x', n: 2, b: true, z: null }), { fields: { a: 'x', n: 2, b: true, z: null }, problems: [] });
    assert.match(checkFields([1]).problems[0], /one JSON object/);
    assert.match(checkFields({ a: { deep: 1 } }, 'fields.json').problems[0], /fields\.json: "a" holds an object/);
    const ok = checkPerRecipient([{ recipient: 'Ann <ann@example.com>', key_value_collection: { first_name: 'Ann' } }]);
    assert.deepStrictEqual(ok, { entries: [{ recipient: 'ann@example.com', key_value_collection: { first_name: 'Ann' } }], problems: [] });
    const bad = checkPerRecipient([{ recipient: 'bob@' }, { recipient: 'a@x.com', kv: 1 }, 7, { recipient: 'c@x.com' }, { recipient: 'C@x.com' }], 'per.json');
    assert.match(bad.problems[0], /per\.json, item 1: "bob@" is not an email address: the domain is missing/);
    assert.match(bad.problems[1], /item 2: unknown key "kv"/);
    assert.match(bad.problems[2], /item 3 is not an object/);
    assert.match(bad.problems[3], /item 5: C@x\.com has values twice/);
    assert.match(checkPerRecipient({}).problems[0], /must be a JSON list like/);
  });

  it('mailingStatusText: every code of the API in words', () => {
    const words = Object.keys(CAMPAIGN_STATUS).map((c) => mailingStatusText({ status: Number(c), statusName: statusName(Number(c)) }));
    assert.deepStrictEqual(words, [
      'New (not started yet)',
      'Scheduled',
      'In progress',
      'Completed',
      'Failed with an error',
      'Cancelled',
      'Deleted',
      'Completed with errors',
      'On hold',
      'Stopped',
    ]);
    assert.strictEqual(mailingStatusText({ status: 61234, statusName: 'UNKNOWN' }), 'Unknown status (code 61234)');
    assert.strictEqual(mailingStatusText(undefined), 'Unknown status');
  });

  it('sendFingerprint: stable over order and case of recipients, different for another email, content, connection or ESP', () => {
    const base = { kind: 'test' as const, connection: 'http://127.0.0.1:4780#abc', emailId: 2019, recipients: ['a@x.com', 'B@y.com'], espConnectionId: 7101 };
    const f = sendFingerprint(base);
    assert.match(f, /^[0-9a-f]{16}$/);
    assert.strictEqual(sendFingerprint({ ...base, recipients: ['b@Y.com', 'a@x.com', 'A@X.COM'] }), f);
    for (const other of [
      { ...base, emailId: 2020 },
      { ...base, recipients: ['a@x.com'] },
      { ...base, connection: 'https://api.ongage.net#abc' },
      { ...base, espConnectionId: 7102 },
      { ...base, kind: 'transactional' as const },
    ]) assert.notStrictEqual(sendFingerprint(other), f, JSON.stringify(other));
    const c = { kind: 'transactional' as const, connection: 'c', subject: 'S', html: '<p>1</p>', recipients: ['a@x.com'] };
    assert.strictEqual(sendFingerprint(c), sendFingerprint({ ...c }));
    assert.notStrictEqual(sendFingerprint(c), sendFingerprint({ ...c, html: '<p>2</p>' }));
    assert.notStrictEqual(sendFingerprint(c), sendFingerprint({ ...c, subject: 'T' }));
  });

  it('connectionKey names no credential', () => {
    const k = connectionKey({ baseUrl: 'https://api.ongage.net', accountCode: 'acctK4' });
    assert.match(k, /^https:\/\/api\.ongage\.net#[0-9a-f]{8}$/);
    assert.ok(!k.includes('acctK4'));
  });

  it('isAmbiguous and sendOutcome', () => {
    const amb = new OngageError({ kind: 'ambiguousSend', message: 'may have gone out', sendMayHaveHappened: true });
    const cancelledMid = new OngageError({ kind: 'cancelled', message: 'c', sendMayHaveHappened: true });
    const refused = new OngageError({ kind: 'validation', message: 'bad' });
    assert.strictEqual(isAmbiguous(amb), true);
    assert.strictEqual(isAmbiguous(cancelledMid), true);
    assert.strictEqual(isAmbiguous(refused), false);
    assert.strictEqual(isAmbiguous(new Error('x')), false);
    assert.deepStrictEqual(sendOutcome(), { result: 'sent' });
    assert.deepStrictEqual(sendOutcome(amb), { result: 'maybe-sent', message: 'may have gone out' });
    assert.deepStrictEqual(sendOutcome(refused), { result: 'failed', message: 'bad' });
  });
});
