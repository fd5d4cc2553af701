import { strict as assert } from 'assert';
import { SEED_IDS } from '../seed';
import { expectError, useSandbox } from './helpers';

const ids = SEED_IDS;

describe('sandbox /api/emails', () => {
  const ctx = useSandbox();

  describe('list', () => {
    it('returns an Ongage envelope with string ids, flags and timestamps and a string total', async () => {
      const a = await ctx.api.get('/api/emails?page_size=5');
      assert.equal(a.status, 200);
      assert.equal(a.body.metadata.error, false);
      assert.equal(typeof a.body.metadata.total, 'string');
      assert.ok(Number(a.body.metadata.total) >= 45, `total ${a.body.metadata.total}`);
      assert.equal(a.body.payload.length, 5);
      const e = a.body.payload[0];
      for (const k of ['id', 'account_id', 'list_id', 'parent_id', 'created', 'modified', 'deleted', 'favorite', 'unsubscribe_default_link']) {
        assert.equal(typeof e[k], 'string', `${k} should be a string`);
      }
      assert.equal(e.list_id, '10542');
      assert.equal(e.deleted, '0');
    });

    it('pages with page/page_size and the total stays the full count', async () => {
      const p1 = await ctx.api.get('/api/emails?page=1&page_size=10');
      const p2 = await ctx.api.get('/api/emails?page=2&page_size=10');
      assert.equal(p1.body.metadata.total, p2.body.metadata.total);
      const ids1 = p1.body.payload.map((x: any) => x.id);
      const ids2 = p2.body.payload.map((x: any) => x.id);
      assert.equal(ids1.length, 10);
      assert.equal(ids2.length, 10);
      assert.equal(ids1.filter((x: string) => ids2.includes(x)).length, 0);
      const last = await ctx.api.get(`/api/emails?page=${Math.ceil(Number(p1.body.metadata.total) / 10) + 1}&page_size=10`);
      assert.deepEqual(last.body.payload, []);
    });

    it('filters by type, parent_id, subject and favorite', async () => {
      const folders = await ctx.api.get('/api/emails?type=folder&page_size=100');
      assert.ok(folders.body.payload.every((x: any) => x.type === 'folder'));
      assert.equal(folders.body.payload.length, Number(folders.body.metadata.total));
      assert.ok(folders.body.payload.length >= 12);

      const root = await ctx.api.get('/api/emails?parent_id=0');
      assert.ok(root.body.payload.every((x: any) => x.parent_id === '0'));
      assert.deepEqual(root.body.payload.map((x: any) => x.name).sort(), ['Archive', 'Birthday greeting', 'Lifecycle', 'Marketing', 'Templates']);

      const nested = await ctx.api.get(`/api/emails?parent_id=${ids.folders.newsletters2024}`);
      assert.equal(nested.body.metadata.total, '12');

      const subj = await ctx.api.get('/api/emails?subject=free%20shipping');
      assert.deepEqual(subj.body.payload.map((x: any) => x.name), ['Free shipping weekend']);

      const fav = await ctx.api.get('/api/emails?favorite=1&page_size=100');
      assert.ok(fav.body.payload.length >= 3);
      assert.ok(fav.body.payload.every((x: any) => x.favorite === '1'));
    });

    it('filters by modified_from / modified_to', async () => {
      const all = await ctx.api.get('/api/emails?page_size=1000');
      const times = all.body.payload.map((x: any) => Number(x.modified)).sort((a: number, b: number) => a - b);
      const mid = times[Math.floor(times.length / 2)];
      const from = await ctx.api.get(`/api/emails?page_size=1000&modified_from=${mid}`);
      const to = await ctx.api.get(`/api/emails?page_size=1000&modified_to=${mid - 1}`);
      assert.ok(from.body.payload.every((x: any) => Number(x.modified) >= mid));
      assert.ok(to.body.payload.every((x: any) => Number(x.modified) < mid));
      assert.equal(from.body.payload.length + to.body.payload.length, times.length);
    });

    it('is scoped to the list in the path, or ?list_id=', async () => {
      const scoped = await ctx.api.get('/10543/api/emails?page_size=100');
      assert.ok(scoped.body.payload.length >= 10);
      assert.ok(scoped.body.payload.every((x: any) => x.list_id === '10543'));
      const byQuery = await ctx.api.get('/api/emails?list_id=10543&page_size=100');
      assert.equal(byQuery.body.metadata.total, scoped.body.metadata.total);
      expectError(await ctx.api.get('/999/api/emails'), 404);
    });

    it('rejects a bad page or type with 412 naming the parameter', async () => {
      const e = expectError(await ctx.api.get('/api/emails?page=0'), 412);
      assert.match(e.message, /page/);
      const t = expectError(await ctx.api.get('/api/emails?type=newsletter'), 412);
      assert.match(t.message, /type/);
    });
  });

  describe('get', () => {
    it('returns one item with its content', async () => {
      const a = await ctx.api.get(`/api/emails/${ids.emails.welcome}`);
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.id, String(ids.emails.welcome));
      assert.match(a.body.payload.content_html, /<table/);
      assert.match(a.body.payload.content_html, /@media only screen/);
      assert.match(a.body.payload.content_html, /\{\{first_name:Friend\}\}/);
      assert.equal(a.body.metadata.total, undefined);
    });

    it('answers 404 for a missing id', async () => {
      const e = expectError(await ctx.api.get('/api/emails/999999'), 404);
      assert.match(e.message, /999999/);
      expectError(await ctx.api.get('/api/emails/abc'), 404);
    });

    it('carries header and footer template ids where an email uses them', async () => {
      const a = await ctx.api.get(`/api/emails/${ids.emails.withHeaderFooter}`);
      assert.equal(a.body.payload.header_template_id, String(ids.templates.header));
      assert.equal(a.body.payload.footer_template_id, String(ids.templates.footer));
    });
  });

  describe('create', () => {
    const valid = { type: 'email_message', name: 'Created by a test', description: '', subject: 'Hi {{first_name}}', content_html: '<p>Hello</p>', content_text: 'Hello' };

    it('creates an item in the list of the path, under a folder', async () => {
      const a = await ctx.api.post('/api/emails', { ...valid, parent_id: ids.folders.archive });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.parent_id, String(ids.folders.archive));
      assert.equal(a.body.payload.list_id, '10542');
      const back = await ctx.api.get(`/api/emails/${a.body.payload.id}`);
      assert.equal(back.body.payload.subject, 'Hi {{first_name}}');
      const t = await ctx.api.post('/10543/api/emails', { ...valid, type: 'template' });
      assert.equal(t.body.payload.list_id, '10543');
      assert.equal(t.body.payload.type, 'template');
    });

    it('answers 412 naming each missing required field', async () => {
      const { subject: _s, content_text: _t, ...rest } = valid;
      const e = expectError(await ctx.api.post('/api/emails', rest), 412);
      assert.match(e.message, /subject/);
      assert.match(e.message, /content_text/);
      assert.ok(e.errors && typeof e.errors === 'object' && 'subject' in (e.errors as object));
    });

    it('answers 412 for a bad type, an empty name or a parent that is not a folder', async () => {
      assert.match(expectError(await ctx.api.post('/api/emails', { ...valid, type: 'newsletter' }), 412).message, /type/);
      assert.match(expectError(await ctx.api.post('/api/emails', { ...valid, name: '  ' }), 412).message, /name/);
      assert.match(expectError(await ctx.api.post('/api/emails', { ...valid, parent_id: ids.emails.welcome }), 412).message, /parent_id/);
      assert.match(expectError(await ctx.api.post('/api/emails', { ...valid, header_template_id: ids.emails.welcome }), 412).message, /header_template_id/);
    });

    it('answers 400 for a body that is not JSON', async () => {
      expectError(await ctx.api.call('POST', '/api/emails', '{not json'), 400);
    });
  });

  describe('update', () => {
    it('updates in place and returns the item', async () => {
      const created = await ctx.api.post('/api/emails', { type: 'email_message', name: 'To update', description: 'd', subject: 's', content_html: '<p>a</p>', content_text: 'a' });
      const id = created.body.payload.id;
      const a = await ctx.api.put(`/api/emails/${id}`, { type: 'email_message', content_html: '<p>b</p>', content_text: 'b' });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.id, id);
      assert.equal(a.body.payload.content_html, '<p>b</p>');
      assert.equal(a.body.payload.name, 'To update');
      assert.equal(a.body.payload.warning, undefined);
    });

    it('copies an email used by a launched campaign to a new id, unless overwrite is true', async () => {
      const id = ids.emails.launched;
      const before = await ctx.api.get(`/api/emails/${id}`);
      assert.equal(before.body.payload.mailing_id, String(ids.mailings.launched));

      const a = await ctx.api.put(`/api/emails/${id}`, { content_html: '<p>changed</p>' });
      assert.equal(a.status, 200);
      assert.notEqual(a.body.payload.id, String(id));
      assert.match(a.body.payload.warning, /copy/);
      assert.equal(a.body.payload.content_html, '<p>changed</p>');
      assert.equal(a.body.payload.mailing_id, null);
      const original = await ctx.api.get(`/api/emails/${id}`);
      assert.equal(original.body.payload.content_html, before.body.payload.content_html);

      const o = await ctx.api.put(`/api/emails/${id}`, { content_html: '<p>overwritten</p>', overwrite: true });
      assert.equal(o.body.payload.id, String(id));
      assert.equal(o.body.payload.warning, undefined);
      assert.equal((await ctx.api.get(`/api/emails/${id}`)).body.payload.content_html, '<p>overwritten</p>');
    });

    it('does not copy an email whose campaign is only scheduled', async () => {
      const a = await ctx.api.put(`/api/emails/${ids.emails.scheduled}`, { preheader: 'new preheader' });
      assert.equal(a.body.payload.id, String(ids.emails.scheduled));
    });

    it('answers 404 for a missing email and 412 for bad fields', async () => {
      expectError(await ctx.api.put('/api/emails/999999', { name: 'x' }), 404);
      expectError(await ctx.api.put(`/api/emails/${ids.emails.welcome}`, { favorite: 'yes' }), 412);
      expectError(await ctx.api.put(`/api/emails/${ids.folders.archive}`, { type: 'email_message' }), 412);
    });
  });

  describe('delete', () => {
    it('deletes an unused email; it is then gone (404)', async () => {
      const c = await ctx.api.post('/api/emails', { type: 'email_message', name: 'Doomed', description: '', subject: 's', content_html: 'h', content_text: 't' });
      const id = c.body.payload.id;
      const d = await ctx.api.del(`/api/emails/${id}`);
      assert.equal(d.status, 200);
      assert.equal(d.body.payload.deleted, '1');
      expectError(await ctx.api.get(`/api/emails/${id}`), 404);
      expectError(await ctx.api.del(`/api/emails/${id}`), 404);
    });

    it('answers 400 (dependency) for an email used by a campaign, a used template or a non-empty folder', async () => {
      assert.match(expectError(await ctx.api.del(`/api/emails/${ids.emails.launched}`), 400).message, /campaign/);
      assert.match(expectError(await ctx.api.del(`/api/emails/${ids.templates.header}`), 400).message, /header or footer/);
      assert.match(expectError(await ctx.api.del(`/api/emails/${ids.folders.marketing}`), 400).message, /not empty/);
      assert.match(expectError(await ctx.api.del(`/api/emails/${ids.emails.welcome}`), 400).message, /welcome/);
    });
  });

  describe('copy, favourite, move', () => {
    it('copies an email to another list (one or several)', async () => {
      const a = await ctx.api.put(`/api/emails/${ids.emails.birthday}/copy`, { target_list_id: '10543' });
      assert.equal(a.status, 200);
      assert.equal(a.body.payload.list_id, '10543');
      assert.notEqual(a.body.payload.id, String(ids.emails.birthday));
      assert.equal(a.body.payload.parent_id, '0');
      const many = await ctx.api.put(`/api/emails/${ids.emails.birthday}/copy`, { target_list_ids: [10542, 10543] });
      assert.equal(many.body.payload.length, 2);
      assert.deepEqual(many.body.payload.map((x: any) => x.list_id), ['10542', '10543']);
    });

    it('rejects a copy without a target (412) or to an unknown list (404)', async () => {
      assert.match(expectError(await ctx.api.put(`/api/emails/${ids.emails.birthday}/copy`, {}), 412).message, /target_list_id/);
      expectError(await ctx.api.put(`/api/emails/${ids.emails.birthday}/copy`, { target_list_id: 424242 }), 404);
    });

    it('toggles the favourite flag', async () => {
      const before = (await ctx.api.get(`/api/emails/${ids.emails.orderReceipt}`)).body.payload.favorite;
      const a = await ctx.api.put(`/api/emails/${ids.emails.orderReceipt}/favourite`, {});
      assert.notEqual(a.body.payload.favorite, before);
      const b = await ctx.api.put(`/api/emails/${ids.emails.orderReceipt}/favourite`, {});
      assert.equal(b.body.payload.favorite, before);
      expectError(await ctx.api.put('/api/emails/999999/favourite', {}), 404);
    });

    it('moves and renames; both parent_id and name are required', async () => {
      const c = await ctx.api.post('/api/emails', { type: 'email_message', name: 'Mover', description: '', subject: 's', content_html: 'h', content_text: 't' });
      const id = c.body.payload.id;
      const a = await ctx.api.put(`/api/emails/${id}/move`, { parent_id: ids.folders.seasonal, name: 'Moved' });
      assert.equal(a.body.payload.parent_id, String(ids.folders.seasonal));
      assert.equal(a.body.payload.name, 'Moved');
      const inFolder = await ctx.api.get(`/api/emails?parent_id=${ids.folders.seasonal}`);
      assert.ok(inFolder.body.payload.some((x: any) => x.id === id));
      const root = await ctx.api.get('/api/emails?parent_id=0&page_size=100');
      assert.ok(!root.body.payload.some((x: any) => x.id === id));
      assert.match(expectError(await ctx.api.put(`/api/emails/${id}/move`, { parent_id: 0 }), 412).message, /name/);
      assert.match(expectError(await ctx.api.put(`/api/emails/${ids.folders.marketing}/move`, { parent_id: ids.folders.newsletters2024, name: 'Marketing' }), 412).message, /itself/);
    });
  });
});
