import { strict as assert } from 'assert';
import { FieldCatalog, FieldStorage, sampleProfile } from '../../../src/core/fields/catalog';
import type { ListField as ApiListField } from '../../../src/core/api/types';
import { SYSTEM_FIELDS } from '../../../src/core/language/catalog';
import { renderEmail } from '../../../src/core/render';

function apiField(name: string, type = 'string', extra: Partial<ApiListField> = {}): ApiListField {
  return { id: 1, name, title: name, type, mandatory: false, deleted: false, isSms: false, extra: {}, ...extra };
}

function memoryStorage(seed: Record<string, string> = {}): FieldStorage & { data: Record<string, string> } {
  const data = { ...seed };
  return { data, read: async (k) => data[k], write: async (k, v) => void (data[k] = v) };
}

describe('FieldCatalog', () => {
  it('fetches once, keeps the answer in memory and on disk', async () => {
    const storage = memoryStorage();
    const cat = new FieldCatalog(storage);
    let calls = 0;
    const fetch = async () => (calls++, [apiField('email', 'email'), apiField('first_name')]);
    await cat.ensure('c1', 10, fetch);
    await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 1);
    assert.deepEqual(cat.peek('c1', 10)?.fields.map((f) => f.name), ['email', 'first_name']);
    assert.ok(storage.data['c1/10'].includes('first_name'));
  });

  it('works offline from the disk cache and reports the failure', async () => {
    const storage = memoryStorage({ 'c1/10': JSON.stringify({ fields: [{ name: 'plan', type: 'string' }], fetchedAt: 1 }) });
    const cat = new FieldCatalog(storage);
    const errors: unknown[] = [];
    let changes = 0;
    cat.onDidChange(() => changes++);
    const entry = await cat.ensure('c1', 10, async () => Promise.reject(new Error('offline')), (e) => errors.push(e));
    assert.equal(entry?.origin, 'disk');
    assert.deepEqual(entry?.fields.map((f) => f.name), ['plan']);
    assert.equal(errors.length, 1);
    assert.ok(changes >= 1);
  });

  it('ignores a damaged cache file', async () => {
    const cat = new FieldCatalog(memoryStorage({ 'c1/10': '{nope' }));
    const entry = await cat.ensure('c1', 10, async () => [apiField('city')]);
    assert.deepEqual(entry?.fields.map((f) => f.name), ['city']);
  });

  it('shares one fetch between concurrent callers and refetches after invalidate', async () => {
    const cat = new FieldCatalog(memoryStorage());
    let calls = 0;
    const fetch = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return [apiField('a')];
    };
    await Promise.all([cat.ensure('c', 1, fetch), cat.ensure('c', 1, fetch)]);
    assert.equal(calls, 1);
    cat.invalidate('c');
    assert.equal(cat.peek('c', 1), undefined);
    await cat.ensure('c', 1, fetch);
    assert.equal(calls, 2);
  });

  it('builds a sample contact from defaults, types and a real contact', () => {
    const s = sampleProfile(
      [
        { name: 'first_name', type: 'string' },
        { name: 'plan', type: 'string', default: 'Basic' },
        { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' },
        { name: 'vip', type: 'numeric' },
      ],
      { email: 'jane@example.com', first_name: 'Janet', nested: { x: 1 } },
    );
    assert.equal(s.label, 'jane@example.com');
    assert.equal(s.values.first_name, 'Janet');
    assert.equal(s.values.plan, 'Basic');
    assert.equal(s.values.birthday, '14/05/2026');
    assert.equal(s.values.vip, 1);
    assert.equal('nested' in s.values, false);
  });
});

describe('the sample contact: system fields', () => {
  it('gives every system field Ongage fills in a value, so rendering notes only the user\'s own fields', () => {
    // Not filled for every recipient: lifecycle dates of an active contact, and the hash ocx_generate_hash sets.
    const lifecycle = /^ocx_((unsubscribe|resubscribe|bounce|complaint)_date|custom_hash)$/;
    const used = SYSTEM_FIELDS.filter((f) => !lifecycle.test(f.name));
    const html = used.map((f) => `<p>{{${f.name}}}</p>`).join('\n') + '<p>{{middle_name}}</p>';
    const r = renderEmail({ html, subject: 'x' }, { values: sampleProfile([{ name: 'email', type: 'email' }]).values, now: new Date(Date.UTC(2026, 0, 1)) });
    assert.deepStrictEqual(
      r.notes.map((n) => n.message.split(' ')[0]),
      ['middle_name'],
      'only the field that is not a system field has no value',
    );
    assert.match(r.html, /<p>200001<\/p>/);
  });
});

describe('FieldCatalog: failed fetches back off', () => {
  const wrongCredentials = Object.assign(new Error('Ongage refused the credentials (HTTP 401). Sign in again.'), { kind: 'auth' });

  it('after a failure, asking again (20 lint passes) makes no request until the back-off has passed; the failure is news once', async () => {
    let t = 1_000_000;
    const cat = new FieldCatalog(memoryStorage(), undefined, { firstMs: 30_000, maxMs: 120_000, now: () => t });
    let calls = 0;
    const fetch = async () => (calls++, Promise.reject(wrongCredentials));
    const reports: Array<{ first: boolean; attempts: number; retryAt: number } | undefined> = [];
    const onError = (_e: unknown, f?: { first: boolean; attempts: number; retryAt: number }) => reports.push(f && { first: f.first, attempts: f.attempts, retryAt: f.retryAt });
    for (let i = 0; i < 20; i++) await cat.ensure('c1', 10, fetch, onError);
    assert.equal(calls, 1, 'one request for 20 passes');
    assert.deepEqual(reports, [{ first: true, attempts: 1, retryAt: 1_030_000 }]);
    assert.equal(cat.failure('c1', 10)?.error, wrongCredentials);

    t += 29_999;
    await cat.ensure('c1', 10, fetch, onError);
    assert.equal(calls, 1, 'still backing off');
    t += 1;
    await cat.ensure('c1', 10, fetch, onError);
    await cat.ensure('c1', 10, fetch, onError);
    assert.equal(calls, 2, 'one retry once the back-off has passed');
    assert.deepEqual(reports[1], { first: false, attempts: 2, retryAt: t + 60_000 }, 'the wait doubles; not news again');
    t += 60_000;
    await cat.ensure('c1', 10, fetch, onError);
    t += 120_000;
    await cat.ensure('c1', 10, fetch, onError);
    assert.equal(reports[3]?.retryAt, t + 120_000, 'capped at maxMs');
    assert.equal(calls, 4);
    // Other lists are not held back by this one.
    await cat.ensure('c1', 11, fetch, onError);
    assert.equal(calls, 5);
  });

  it('Refresh (invalidate) and a connection change (retryFailed) try again at once; a success forgets the failure', async () => {
    let t = 0;
    const cat = new FieldCatalog(memoryStorage(), undefined, { now: () => t });
    let calls = 0;
    let fail = true;
    const fetch = async () => (calls++, fail ? Promise.reject(wrongCredentials) : [apiField('first_name')]);
    await cat.ensure('c1', 10, fetch);
    await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 1);
    cat.invalidate('c1');
    await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 2, 'Refresh retries at once');
    cat.retryFailed('c2');
    await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 2, 'another connection changing does not');
    fail = false;
    cat.retryFailed('c1');
    const entry = await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 3);
    assert.deepEqual(entry?.fields.map((f) => f.name), ['first_name']);
    assert.equal(cat.failure('c1', 10), undefined);
  });

  it('keeps the cached fields while backing off', async () => {
    const t = 0;
    const storage = memoryStorage({ 'c1/10': JSON.stringify({ fields: [{ name: 'plan', type: 'string' }], fetchedAt: 1 }) });
    const cat = new FieldCatalog(storage, undefined, { now: () => t });
    let calls = 0;
    const fetch = async () => (calls++, Promise.reject(new Error('offline')));
    await cat.ensure('c1', 10, fetch);
    const again = await cat.ensure('c1', 10, fetch);
    assert.equal(calls, 1);
    assert.deepEqual(again?.fields.map((f) => f.name), ['plan']);
  });
});
