import { strict as assert } from 'assert';
import { SEED_IDS } from '../seed';
import { startSandbox } from '../server';
import { Client, control, expectError, useSandbox } from './helpers';

const ids = SEED_IDS;

describe('sandbox contacts, lists, fields, connections, segments, tags', () => {
  const ctx = useSandbox();

  it('reads a contact by email with its list fields and ocx_ system fields', async () => {
    const a = await ctx.api.get('/api/contacts/by_email/jane.doe%40example.com');
    assert.equal(a.status, 200);
    const c = a.body.payload;
    assert.equal(c.email, 'jane.doe@example.com');
    assert.equal(c.first_name, 'Jane');
    assert.equal(c.birthday, '14/03/1988');
    assert.equal(c.vip, 1);
    assert.equal(c.ocx_status, 'Active');
    assert.equal(typeof c.ocx_created_date, 'number');
    assert.match(c.id, /^[0-9a-f]{24}$/);
    const t = await ctx.api.get('/10543/api/contacts/by_email/jane.doe@example.com');
    assert.equal(t.body.payload.customer_id, 'C-10021');
    assert.equal(t.body.payload.first_name, 'Jane');
    assert.equal(t.body.payload.vip, undefined, 'fields differ per list');
  });

  it('reads a contact by id; 404 for unknown ones', async () => {
    const byEmail = await ctx.api.get('/api/contacts/by_email/no.name@example.com');
    assert.equal(byEmail.body.payload.first_name, null);
    const byId = await ctx.api.get(`/api/contacts/by_id/${byEmail.body.payload.id}`);
    assert.equal(byId.body.payload.email, 'no.name@example.com');
    assert.match(expectError(await ctx.api.get('/api/contacts/by_email/nobody@example.com'), 404).message, /Email not found/);
    assert.match(expectError(await ctx.api.get('/api/contacts/by_id/ffffffffffffffffffffffff'), 404).message, /Contact not found/);
    expectError(await ctx.api.get(`/10543/api/contacts/by_id/${byEmail.body.payload.id}`), 404);
  });

  it('lists the account lists with real numbers and booleans', async () => {
    const a = await ctx.api.get('/api/lists');
    assert.equal(a.body.metadata.total, '2');
    const [news, tx] = a.body.payload;
    assert.equal(news.id, 10542);
    assert.equal(news.name, 'Newsletter');
    assert.equal(news.default, true);
    assert.equal(news.default_transactional_id, ids.transactional.newsletterDefault);
    assert.equal(news.welcome_email_id, ids.emails.welcome);
    assert.equal(typeof news.last_count, 'number');
    assert.equal(tx.id, 10543);
    assert.equal(tx.header_template_id, ids.templates.transactionalHeader);
    assert.equal((await ctx.api.get('/api/lists/10543')).body.payload.name, 'Transactional');
    expectError(await ctx.api.get('/api/lists/1'), 404);
    const sorted = await ctx.api.get('/api/lists?sort=name&order=DESC&limit=1');
    assert.equal(sorted.body.payload[0].name, 'Transactional');
    expectError(await ctx.api.get('/api/lists?sort=nope'), 412);
  });

  it('gives each list its own fields with type, format and default', async () => {
    const a = await ctx.api.get('/api/list_fields');
    const names = a.body.payload.map((f: any) => f.name);
    for (const n of ['email', 'first_name', 'last_name', 'company', 'city', 'country', 'birthday', 'plan', 'vip', 'signup_date']) assert.ok(names.includes(n), n);
    const by = (n: string) => a.body.payload.find((f: any) => f.name === n);
    assert.equal(by('birthday').type, 'date');
    assert.equal(by('birthday').format, 'dd/mm/yyyy');
    assert.equal(by('signup_date').format, 'yyyy-mm-dd');
    assert.equal(by('vip').type, 'numeric');
    assert.equal(by('plan').type, 'string');
    assert.equal(by('plan').default, 'free');
    assert.equal(by('email').type, 'email');
    assert.equal(by('email').mandatory, true);
    assert.equal(typeof by('vip').id, 'number');
    assert.equal(by('vip').list_id, 10542);
    const t = await ctx.api.get('/api/list_fields?list_id=10543');
    const tf = t.body.payload.find((f: any) => f.name === 'last_order_date');
    assert.equal(tf.format, 'mm/dd/yyyy hh24:mi');
    assert.ok(!t.body.payload.some((f: any) => f.name === 'vip'));
    assert.equal((await ctx.api.get('/10543/api/list_fields')).body.metadata.total, t.body.metadata.total);
  });

  it('lists ESP connections as strings, one supporting transactional and one not', async () => {
    const a = await ctx.api.get('/api/esp_connections/options');
    assert.equal(a.body.payload.length, 3);
    const tx = a.body.payload.find((c: any) => c.id === String(ids.connections.transactional));
    const mk = a.body.payload.find((c: any) => c.id === String(ids.connections.marketing));
    assert.equal(tx.support_transactional, '1');
    assert.equal(mk.support_transactional, '0');
    assert.equal(typeof tx.esp_id, 'string');
    const active = await ctx.api.get('/api/esp_connections/options?active_only=true');
    assert.equal(active.body.payload.length, 2);
  });

  it('lists segments and email tags', async () => {
    const s = await ctx.api.get('/api/segments');
    assert.deepEqual(s.body.payload.map((x: any) => x.name), ['All active', 'VIP customers']);
    assert.equal((await ctx.api.get(`/api/segments/${ids.segments.recentBuyers}`)).body.payload.list_id, '10543');
    expectError(await ctx.api.get('/api/segments/1'), 404);
    const t = await ctx.api.get('/10543/api/email_tag');
    assert.deepEqual(t.body.payload.map((x: any) => x.title), ['newsletter', 'receipt']);
    assert.equal(t.body.payload[0].list_id, null);
  });

  it('lists tags of emails on request (get_tags)', async () => {
    const a = await ctx.api.get(`/api/emails?parent_id=${ids.folders.promotions}&type=email_message&get_tags=1`);
    assert.ok(a.body.payload.every((e: any) => Array.isArray(e.tag_ids) && e.tag_ids.includes('1002')));
    const b = await ctx.api.get(`/api/emails?parent_id=${ids.folders.promotions}&type=email_message`);
    assert.ok(b.body.payload.every((e: any) => e.tag_ids === undefined));
  });

  it('resets to the seed on POST /__sandbox/reset', async () => {
    const c = await ctx.api.post('/api/emails', { type: 'folder', name: 'Temp', description: '', subject: '', content_html: '', content_text: '' });
    assert.equal((await control(ctx.sb, 'POST', '/__sandbox/reset')).json.reset, true);
    expectError(await ctx.api.get(`/api/emails/${c.body.payload.id}`), 404);
    assert.equal(ctx.sb.stats().requests, 1);
  });
});

describe('sandbox seed library', () => {
  const ctx = useSandbox();

  it('has folders nested three deep, 30+ emails and templates with responsive HTML', async () => {
    const all = (await ctx.api.get('/api/emails?page_size=1000')).body.payload;
    const byId = new Map<string, any>(all.map((e: any) => [e.id, e]));
    const depth = (e: any): number => (e.parent_id === '0' ? 1 : 1 + depth(byId.get(e.parent_id)));
    assert.ok(all.some((e: any) => e.type === 'folder' && depth(e) === 3));
    const emails = all.filter((e: any) => e.type === 'email_message');
    const templates = all.filter((e: any) => e.type === 'template');
    assert.ok(emails.length + templates.length >= 30, `${emails.length} emails, ${templates.length} templates`);
    for (const e of emails) {
      assert.match(e.content_html, /<table/, e.name);
      assert.match(e.content_html, /@media only screen/, e.name);
      assert.match(e.content_html, /\{\{/, e.name);
      const ownLink = /ocx_unsubscribe_link/.test(e.content_html) || (e.footer_template_id && /ocx_unsubscribe_link/.test(byId.get(e.footer_template_id).content_html));
      assert.ok(e.unsubscribe_default_link === '1' || ownLink, `${e.name} has an unsubscribe link`);
    }
    assert.ok(emails.some((e: any) => /\{\{ocx_if /.test(e.content_html) && /\{\{ocx_elseif /.test(e.content_html) && /\{\{ocx_else\}\}/.test(e.content_html)));
    assert.ok(emails.filter((e: any) => e.header_template_id).length >= 3);
  });

  it('generates a large library on request, indexed by folder', async () => {
    const sb = await startSandbox({ large: 5000 });
    try {
      const api = new Client(sb);
      const plain = (await ctx.api.get('/api/emails?page_size=1')).body.metadata.total;
      const big = await api.get('/api/emails?page_size=100&page=3');
      assert.equal(Number(big.body.metadata.total), Number(plain) + 5000);
      assert.equal(big.body.payload.length, 100);
      const root = (await api.get('/api/emails?parent_id=0')).body.payload.find((e: any) => e.name === 'Generated library');
      const collections = await api.get(`/api/emails?parent_id=${root.id}&page_size=500`);
      assert.ok(collections.body.payload.length >= 10 && collections.body.payload.every((e: any) => e.type === 'folder'));
      // Walk the generated tree through the parent index: every item is reached exactly once.
      let seen = 1;
      const queue = [root.id];
      while (queue.length) {
        const id = queue.shift();
        for (let page = 1; ; page++) {
          const r = await api.get(`/api/emails?parent_id=${id}&page=${page}&page_size=200`);
          seen += r.body.payload.length;
          for (const e of r.body.payload) if (e.type === 'folder') queue.push(e.id);
          if (page * 200 >= Number(r.body.metadata.total)) break;
        }
      }
      assert.equal(seen, 5000);
    } finally {
      await sb.close();
    }
  });
});
