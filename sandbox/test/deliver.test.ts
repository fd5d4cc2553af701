/**
 * How a send's values reach the personalization (deliver.ts), where the sandbox takes the editor preview's readings
 * so a delivered message is what the preview showed (test/integration/delivery-agreement.test.ts compares them).
 */
import { strict as assert } from 'assert';
import { control, useSandbox } from './helpers';

const FROM = { from_name: 'Harbor & Pine', from_address: 'news@harborpine.example', reply_address: 'help@harborpine.example' };

describe('sandbox delivery: values as the preview reads them', () => {
  const ctx = useSandbox();
  beforeEach(async () => {
    await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
  });

  const embed = async (content_html: string, recipients: string[], extra: Record<string, unknown> = {}, subject = 'Hi', content_text?: string) => {
    await control(ctx.sb, 'DELETE', '/__sandbox/outbox');
    const a = await ctx.api.post('/api/transactional/send_embed_content', {
      message: { subject, content_html, ...(content_text !== undefined ? { content_text } : {}), addresses: FROM },
      recipients,
      disable_unsubscribe: true,
      ...extra,
    });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const { json } = await control(ctx.sb, 'GET', '/__sandbox/outbox');
    return (r: string) => json.items.find((x: { recipient: string }) => x.recipient === r);
  };

  it('fills {{ocx_now}} with the send time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const got = await embed('<p>{{ocx_now[format=Y]}}|{{ocx_now[format=U]}}</p>', ['jane.doe@example.com'], {}, '{{ocx_now[format=Y]}} news');
    const m = got('jane.doe@example.com');
    const [year, unix] = /<p>(\d{4})\|(\d+)<\/p>/.exec(m.html)!.slice(1).map(Number);
    assert.ok(unix >= before && unix <= Math.floor(Date.now() / 1000) + 1, `${unix} is the send time`);
    assert.equal(unix, m.sent_at);
    assert.equal(year, new Date(unix * 1000).getUTCFullYear());
    assert.equal(m.subject, `${year} news`);
  });

  it("gives a contact's field it has no value for the list default; a value stored empty keeps its fallback; a non-contact gets neither", async () => {
    // A contact added with only an email (create_contact stores no fields): country and plan have list defaults.
    await embed('<p>x</p>', ['fresh@example.org'], { create_contact: true });
    ctx.sb.store.data.contacts.find((c) => c.email === 'fresh@example.org')!.fields = { city: '' };
    const html = '<p>{{country:none}}|{{plan:none}}|{{city:no city}}|{{first_name:there}}</p>{{ocx_if plan = free}}<p>free</p>{{ocx_endif}}';
    const got = await embed(html, ['fresh@example.org', 'stranger@example.org']);
    assert.equal(got('fresh@example.org').html, '<p>US|free|no city|there</p><p>free</p>');
    assert.equal(got('stranger@example.org').html, '<p>none|none|no city|there</p>');
    // A dynamic field still overrides the default for this send.
    const over = await embed(html, ['fresh@example.org'], { message_dynamic_fields: { plan: 'pro' } });
    assert.equal(over('fresh@example.org').html, '<p>US|pro|no city|there</p>');
  });

  it('escapes values in the HTML, not in the subject or the text part', async () => {
    const got = await embed(
      '<p>{{company}}</p><a href="https://x.example/?c={{company}}">x</a>',
      ['jane.doe@example.com'],
      { message_dynamic_fields: { company: 'Smith & Sons <Ltd>' } },
      '{{company}} news',
      'From {{company}}: https://x.example/?c={{company}}',
    );
    const m = got('jane.doe@example.com');
    assert.equal(m.html, '<p>Smith &amp; Sons &lt;Ltd&gt;</p><a href="https://x.example/?c=Smith%20%26%20Sons%20%3CLtd%3E">x</a>');
    assert.equal(m.subject, 'Smith & Sons <Ltd> news');
    assert.equal(m.text, 'From Smith & Sons <Ltd>: https://x.example/?c=Smith & Sons <Ltd>');
  });

  it('writes the unsubscribe link HTML-escaped in an href, and its encoded form as rawurlencode does', async () => {
    const got = await embed('<a href="{{ocx_unsubscribe_link}}">u</a> <a href="https://me.example/?u={{ocx_unsubscribe_link_encoded}}">v</a>', ['jane.doe@example.com']);
    const link = `${ctx.sb.url}/__sandbox/unsubscribe?list=10542&m=4501&e=jane.doe%40example.com`;
    assert.equal(got('jane.doe@example.com').html, `<a href="${link.replace(/&/g, '&amp;')}">u</a> <a href="https://me.example/?u=${encodeURIComponent(link)}">v</a>`);
  });
});
