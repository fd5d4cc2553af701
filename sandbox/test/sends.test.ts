import { strict as assert } from 'assert';
import { SEED_IDS } from '../seed';
import { control, expectError, useSandbox } from './helpers';

const ids = SEED_IDS;

describe('sandbox sends: /api/mailings and /api/transactional', () => {
  // These tests launch real campaigns on purpose (to prove the sandbox records them); nothing else may.
  const ctx = useSandbox({ expectRealLaunches: true });
  beforeEach(async () => {
    await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
  });

  describe('test campaigns', () => {
    const testSend = (o: Record<string, unknown> = {}) => ({
      is_test: true,
      name: 'Test of March newsletter',
      description: 'From the editor',
      email_message: [ids.emails.withHeaderFooter],
      recipients: ['jane.doe@example.com', 'stranger@example.org'],
      esp_connection_id: ids.connections.marketing,
      prepend_test_to_subject: true,
      ...o,
    });

    it('delivers one message per recipient to the outbox, composed and personalised', async () => {
      const a = await ctx.api.post('/api/mailings', testSend());
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.is_test, '1');
      assert.equal(a.body.payload.status, '60004');
      const mailingId = Number(a.body.payload.id);

      const { json } = await control(ctx.sb, 'GET', `/__sandbox/outbox?mailing_id=${mailingId}`);
      assert.equal(json.total, 2);
      const jane = json.items.find((x: any) => x.recipient === 'jane.doe@example.com');
      const stranger = json.items.find((x: any) => x.recipient === 'stranger@example.org');
      assert.equal(jane.kind, 'test');
      assert.equal(jane.subject, '[TEST] VIP: Spring cleaning for your gear | March news');
      assert.equal(stranger.subject, '[TEST] Spring cleaning for your gear | March news');
      // Header and footer templates composed around the body, in order.
      const h = jane.html.indexOf('utm_content=header');
      const body = jane.html.indexOf('March 2024 newsletter</p>');
      const f = jane.html.indexOf('41 Quay Street');
      assert.ok(h > 0 && body > h && f > body, 'header, body, footer in order');
      assert.ok(jane.html.indexOf('class="preheader"') < h, 'the hidden preheader stays first in the body');
      const { json: one } = await control(ctx.sb, 'GET', `/__sandbox/outbox?recipient=JANE.DOE@example.com&since_id=${jane.id - 1}`);
      assert.deepEqual(one.items.map((x: any) => x.id), [jane.id]);
      assert.match(jane.html, /Hi Jane,/);
      assert.match(jane.html, /around Lisbon/);
      assert.match(jane.html, /As a VIP member/);
      assert.doesNotMatch(jane.html, /Join the VIP club/);
      assert.match(jane.html, /Sent to jane\.doe@example\.com/);
      assert.match(jane.html, /__sandbox\/unsubscribe\?list=10542/);
      assert.doesNotMatch(jane.html, /\{\{/);
      // Not a contact of the list: fallbacks do not apply in a test send.
      assert.match(stranger.html, /<p class="p">Hi ,<\/p>/);
      assert.match(stranger.html, /Join the VIP club/);
    });

    it('appends the default unsubscribe link when the email asks for it', async () => {
      await ctx.api.post('/api/mailings', testSend({ email_message: [ids.emails.firstNewsletter], recipients: ['john.smith@example.com'], prepend_test_to_subject: false }));
      const [m] = ctx.sb.outbox();
      assert.equal(m.subject, 'Fresh snow, fresh trails | January news');
      assert.match(m.html, /unsubscribe here<\/a>\.<\/p>\n<\/body>/);
      assert.match(m.html, /Hi John,/);
      assert.match(m.html, /Join the VIP club/);
    });

    it('validates: missing fields 412, unknown email 404, template 412, bad recipients 412, inactive connection 400', async () => {
      assert.match(expectError(await ctx.api.post('/api/mailings', testSend({ recipients: undefined })), 412).message, /recipients/);
      assert.match(expectError(await ctx.api.post('/api/mailings', testSend({ esp_connection_id: undefined })), 412).message, /esp_connection_id/);
      expectError(await ctx.api.post('/api/mailings', testSend({ email_message: [999999] })), 404);
      expectError(await ctx.api.post('/api/mailings', testSend({ email_message: [ids.templates.header] })), 412);
      assert.match(expectError(await ctx.api.post('/api/mailings', testSend({ recipients: ['not-an-address'] })), 412).message, /not-an-address/);
      expectError(await ctx.api.post('/api/mailings', testSend({ recipients: [] })), 412);
      expectError(await ctx.api.post('/api/mailings', testSend({ esp_connection_id: 5 })), 412);
      expectError(await ctx.api.post('/api/mailings', testSend({ esp_connection_id: ids.connections.inactive })), 400);
      assert.equal(ctx.sb.outbox().length, 0);
      assert.equal(ctx.sb.stats().realCampaignLaunches, 0);
    });

    it('reads a campaign back with its status code; 404 when missing', async () => {
      const a = await ctx.api.post('/api/mailings', testSend());
      const g = await ctx.api.get(`/api/mailings/${a.body.payload.id}`);
      assert.equal(g.body.payload.status, '60004');
      assert.equal(g.body.payload.status_desc, 'Completed');
      assert.equal((await ctx.api.get(`/api/mailings/${ids.mailings.scheduled}`)).body.payload.status, '60002');
      expectError(await ctx.api.get('/api/mailings/424242'), 404);
      const list = await ctx.api.get('/api/mailings');
      assert.ok(Number(list.body.metadata.total) >= 3);
    });

    it('delivers once per address, however often the request repeats it', async () => {
      const a = await ctx.api.post('/api/mailings', { ...testSend(), recipients: ['jane.doe@example.com', 'Jane.Doe@example.com', 'jane.doe@example.com'] });
      assert.equal(a.status, 200);
      assert.equal(ctx.sb.outbox().length, 1);
      assert.deepEqual(ctx.sb.outbox()[0].dynamic_fields, {});
    });

    it('records a non-test POST as a real campaign launch, delivers nothing, and marks its emails launched', async () => {
      const before = ctx.sb.stats().realCampaignLaunches;
      const created = await ctx.api.post('/api/emails', { type: 'email_message', name: 'Launch me', description: '', subject: 's', content_html: '<p>x</p>', content_text: 'x' });
      const a = await ctx.api.post('/api/mailings', { name: 'Real', description: 'd', email_message: [Number(created.body.payload.id)], segments: [ids.segments.allActive], distribution: [{ esp_connection_id: ids.connections.marketing, percent: 100 }] });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.status, '60003');
      assert.equal(a.body.payload.is_test, '0');
      assert.equal(ctx.sb.outbox().length, 0);
      const { json } = await control(ctx.sb, 'GET', '/__sandbox/stats');
      assert.equal(json.realCampaignLaunches, before + 1);
      assert.equal(json.launches[json.launches.length - 1].mailing_id, Number(a.body.payload.id));
      // Its email is now used by a launched campaign: an update makes a copy.
      const u = await ctx.api.put(`/api/emails/${created.body.payload.id}`, { subject: 'changed' });
      assert.notEqual(u.body.payload.id, created.body.payload.id);
    });

    it('cancels a scheduled campaign; a completed one cannot be cancelled', async () => {
      const s = await ctx.api.post('/api/mailings', { name: 'Later', email_message: [ids.emails.birthday], segments: [ids.segments.vip], schedule_date: 1893456000 });
      assert.equal(s.body.payload.status, '60002');
      const c = await ctx.api.put(`/api/mailings/${s.body.payload.id}/cancel`, {});
      assert.equal(c.body.payload.status, '60006');
      expectError(await ctx.api.put(`/api/mailings/${ids.mailings.launched}/cancel`, {}), 400);
    });
  });

  describe('transactional campaigns', () => {
    it('lists the campaigns of a list; each list has a default one', async () => {
      const a = await ctx.api.get('/api/transactional');
      assert.equal(a.body.metadata.total, '1');
      assert.equal(a.body.payload[0].is_default, '1');
      const b = await ctx.api.get('/10543/api/transactional?sort=name&order=ASC');
      assert.deepEqual(b.body.payload.map((x: any) => x.name), ['Order receipts', 'Transactional default']);
      const paged = await ctx.api.get('/10543/api/transactional?offset=1&limit=1');
      assert.equal(paged.body.payload.length, 1);
      assert.equal(paged.body.metadata.total, '2');
    });

    it('creates, reads, updates and deletes a campaign', async () => {
      const c = await ctx.api.post('/10543/api/transactional', { name: 'My Transactional', description: 'My first transactional campaign' });
      assert.equal(c.status, 200);
      assert.equal(c.body.payload.list_id, '10543');
      assert.equal(c.body.payload.is_default, '0');
      const id = c.body.payload.id;
      assert.equal((await ctx.api.get(`/api/transactional/${id}`)).body.payload.name, 'My Transactional');
      const u = await ctx.api.put(`/api/transactional/${id}`, { name: 'Renamed' });
      assert.equal(u.body.payload.name, 'Renamed');
      const d = await ctx.api.del(`/api/transactional/${id}`);
      assert.equal(d.status, 200);
      expectError(await ctx.api.get(`/api/transactional/${id}`), 404);
    });

    it('refuses to delete a default campaign, a nameless one, or a connection without transactional support', async () => {
      assert.match(expectError(await ctx.api.del(`/api/transactional/${ids.transactional.newsletterDefault}`), 400).message, /default/);
      assert.match(expectError(await ctx.api.post('/api/transactional', { description: 'x' }), 412).message, /name/);
      assert.match(expectError(await ctx.api.post('/api/transactional', { name: 'x', esp_connection_id: ids.connections.marketing }), 400).message, /transactional/);
      expectError(await ctx.api.put('/api/transactional/424242', { name: 'x' }), 404);
    });
  });

  describe('transactional send', () => {
    it('delivers a stored message with per-recipient fields overriding global ones overriding contact fields', async () => {
      const a = await ctx.api.post('/10543/api/transactional/send', {
        message_id: ids.emails.orderReceipt,
        recipients: ['jane.doe@example.com', 'new.buyer@example.org'],
        campaign_id: ids.transactional.receipts,
        message_dynamic_fields: { receipt_id: 'R-GLOBAL', order_total: '$0.00', item_1_description: 'Gift card', item_1_amount: '$25.00', first_name: 'Global' },
        message_dynamic_fields_per_recipient: [
          { recipient: 'jane.doe@example.com', key_value_collection: { receipt_id: 'R-1001', order_total: '$129.00', item_2_description: 'Cedar Camp Mug', item_2_amount: '$24.00' } },
          { recipient: 'new.buyer@example.org', key_value_collection: { receipt_id: 'R-1002', first_name: 'Nina' } },
        ],
      });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.campaign_id, String(ids.transactional.receipts));
      assert.deepEqual(a.body.payload.accepted, ['jane.doe@example.com', 'new.buyer@example.org']);
      const { json } = await control(ctx.sb, 'GET', '/__sandbox/outbox?kind=transactional');
      assert.equal(json.total, 2);
      const jane = json.items.find((x: any) => x.recipient === 'jane.doe@example.com');
      const nina = json.items.find((x: any) => x.recipient === 'new.buyer@example.org');
      assert.equal(jane.subject, 'Your receipt R-1001');
      assert.equal(nina.subject, 'Your receipt R-1002');
      assert.equal(jane.mailing_id, ids.transactional.receipts);
      assert.equal(jane.message_id, ids.emails.orderReceipt);
      assert.equal(jane.esp_connection_id, ids.connections.transactional);
      // Global first_name overrides the contact's "Jane"; Nina's own value overrides the global one.
      assert.match(jane.html, /Thanks for your order, Global/);
      assert.match(nina.html, /Thanks for your order, Nina/);
      // The outbox keeps the values the send carried for each recipient.
      assert.deepEqual(nina.dynamic_fields, { receipt_id: 'R-1002', order_total: '$0.00', item_1_description: 'Gift card', item_1_amount: '$25.00', first_name: 'Nina' });
      assert.equal(jane.dynamic_fields.receipt_id, 'R-1001');
      assert.match(jane.html, /<strong>\$129\.00<\/strong>/);
      assert.match(jane.html, /Cedar Camp Mug/);
      assert.doesNotMatch(nina.html, /Cedar Camp Mug/);
      assert.match(nina.html, /<strong>\$0\.00<\/strong>/);
      assert.match(jane.html, /orders\?receipt=R-1001/);
      // Transactional header and footer templates composed in; no default unsubscribe link on this list.
      assert.match(jane.html, /support@harborandpine\.example/);
      assert.doesNotMatch(jane.html, /unsubscribe here/);
      assert.equal(jane.text, 'Harbor & Pine\n\nThanks for your order, Global. Receipt R-1001, total $129.00.\n\nQuestions? Write to support@harborandpine.example.');
    });

    it('uses contact fields when no dynamic field overrides them, on the default campaign', async () => {
      const a = await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['jane.doe@example.com'] });
      assert.equal(a.body.payload.campaign_id, String(ids.transactional.newsletterDefault));
      const [m] = ctx.sb.outbox();
      assert.equal(m.subject, 'Happy birthday, Jane!');
      assert.match(m.html, /Your birthday is Monday, 14 March/);
      assert.match(m.html, /Visit our Lisbon store/);
      assert.match(m.html, /unsubscribe here/);
    });

    it('omits the unsubscribe link with disable_unsubscribe, and records schedule_date / delay_send', async () => {
      await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['john.smith@example.com'], disable_unsubscribe: true, delay_send: '01:30' });
      const [m] = ctx.sb.outbox();
      assert.doesNotMatch(m.html, /unsubscribe here/);
      assert.equal(m.scheduled_for! - m.sent_at, 5400);
      await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['john.smith@example.com'], schedule_date: 1893456000 });
      assert.equal(ctx.sb.outbox()[1].scheduled_for, 1893456000);
    });

    it('honours check_status and check_global_and_list_suppression only when asked', async () => {
      const all = [ids.contacts.unsubscribed, ids.contacts.bounced, ids.contacts.suppressedGlobal, ids.contacts.suppressedList, ids.contacts.jane];
      const plain = await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: all });
      assert.equal(plain.body.payload.accepted.length, 5);
      await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
      const status = await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: all, check_status: true });
      assert.deepEqual(status.body.payload.accepted, [ids.contacts.suppressedGlobal, ids.contacts.suppressedList, ids.contacts.jane]);
      assert.equal(status.body.payload.rejected.length, 2);
      const both = await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: all, check_status: true, check_global_and_list_suppression: true });
      assert.deepEqual(both.body.payload.accepted, [ids.contacts.jane]);
      assert.match(JSON.stringify(both.body.payload.rejected), /global suppression/);
      assert.equal(ctx.sb.outbox().length, 3 + 1);
    });

    it('creates contacts with create_contact', async () => {
      await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['brand.new@example.org'], create_contact: true });
      const c = await ctx.api.get('/api/contacts/by_email/brand.new@example.org');
      assert.equal(c.status, 200);
      assert.equal(c.body.payload.ocx_status, 'Active');
    });

    it('validates: message_id / recipients 412, unknown email or campaign 404, connection without transactional 400', async () => {
      assert.match(expectError(await ctx.api.post('/api/transactional/send', { recipients: ['a@b.co'] }), 412).message, /message_id/);
      assert.match(expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday }), 412).message, /recipients/);
      expectError(await ctx.api.post('/api/transactional/send', { message_id: 999999, recipients: ['a@b.co'] }), 404);
      expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['a@b.co'], campaign_id: 424242 }), 404);
      assert.match(
        expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['a@b.co'], sending_connection_id: ids.connections.marketing }), 400).message,
        /does not support transactional/,
      );
      expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['a@b.co'], message_dynamic_fields: [1, 2] }), 412);
      expectError(await ctx.api.post('/api/transactional/send', { message_id: ids.emails.birthday, recipients: ['a@b.co'], message_dynamic_fields_per_recipient: [{ key_value_collection: {} }] }), 412);
      assert.equal(ctx.sb.outbox().length, 0);
    });

    it('send_embed_content delivers inline content with dynamic fields', async () => {
      const a = await ctx.api.post('/api/transactional/send_embed_content', {
        message: {
          subject: 'Hello {{first_name:there}}!',
          content_html: '<html><body><p>You have special discount of {{special_discount}}% until {{expiration_date}}</p>{{ocx_if vip = 1}}<p>VIP</p>{{ocx_endif}}</body></html>',
          addresses: { from_name: 'John Doe', from_address: 'john@doe.example', reply_address: 'john@doe.example' },
        },
        recipients: ['jane.doe@example.com'],
        message_dynamic_fields: { special_discount: '50', expiration_date: '01/01/2026' },
        disable_unsubscribe: true,
      });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.message_id, null);
      const [m] = ctx.sb.outbox();
      assert.equal(m.subject, 'Hello Jane!');
      assert.equal(m.html, '<html><body><p>You have special discount of 50% until 01/01/2026</p><p>VIP</p></body></html>');
      assert.equal(m.from_address, 'john@doe.example');
      assert.equal(m.message_id, null);
    });

    it('send_embed_content names the missing message field', async () => {
      const base = { subject: 's', content_html: '<p>x</p>', addresses: { from_name: 'a', from_address: 'a@b.co', reply_address: 'a@b.co' } };
      assert.match(expectError(await ctx.api.post('/api/transactional/send_embed_content', { recipients: ['a@b.co'] }), 412).message, /message/);
      assert.match(expectError(await ctx.api.post('/api/transactional/send_embed_content', { message: { ...base, subject: undefined }, recipients: ['a@b.co'] }), 412).message, /message\.subject/);
      assert.match(
        expectError(await ctx.api.post('/api/transactional/send_embed_content', { message: { ...base, addresses: { from_name: 'a' } }, recipients: ['a@b.co'] }), 412).message,
        /message\.addresses\.from_address/,
      );
      assert.match(expectError(await ctx.api.post('/api/transactional/send_embed_content', { message: { subject: 's', addresses: base.addresses }, recipients: ['a@b.co'] }), 412).message, /content_html/);
    });
  });
});
