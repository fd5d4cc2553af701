import { strict as assert } from 'assert';
import type { Email } from '../../../src/core/api/types';
import { changedFields, parseSettings, partOfName, partsHash, partsOf, serializeSettings } from '../../../src/core/library/parts';

const email: Email = {
  id: 2025,
  type: 'email_message',
  parentId: 0,
  name: 'Spring welcome',
  description: '',
  subject: 'Hi {{first_name:Friend}}',
  preheader: 'Fresh picks',
  contentHtml: '<p>Hello</p>',
  contentText: 'Hello',
  deleted: false,
  favorite: false,
  addresses: [{ fromName: 'Shop', fromAddress: 'shop@example.com', replyAddress: 'help@example.com', espConnectionId: 7, extra: {} }],
  tagIds: [],
  headerTemplateId: 11,
  unsubscribeDefaultLink: true,
  extra: {},
};

describe('library/parts', () => {
  it('round-trips the settings through their file form', () => {
    const parts = partsOf(email);
    const text = serializeSettings(parts.settings);
    const back = parseSettings(text);
    assert.ok(back.ok);
    assert.deepEqual(back.settings, parts.settings);
    assert.equal(back.settings.footerTemplateId, null);
    assert.ok(text.endsWith('}\n'));
  });

  it('sends only what changed', () => {
    const base = partsOf(email);
    const next = { ...base, html: '<p>Hello again</p>', settings: { ...base.settings, subject: 'New subject' } };
    assert.deepEqual(changedFields(base, next), { contentHtml: '<p>Hello again</p>', subject: 'New subject' });
    assert.deepEqual(changedFields(base, base), {});
  });

  it('says what to fix in a broken settings file, with the place', () => {
    const r = parseSettings('{\n  "subject": 3,\n  "colour": "red",\n  "name": ""\n}');
    assert.ok(!r.ok);
    const msgs = r.problems.map((p) => `${p.line}: ${p.message}`);
    assert.ok(msgs.some((m) => /^2: "subject" must be text/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^3: Unknown setting "colour"/.test(m)), msgs.join('\n'));
    assert.ok(msgs.some((m) => /^4: The name must not be empty/.test(m)), msgs.join('\n'));
    const bad = parseSettings('{ "subject": "x", }');
    assert.ok(!bad.ok && /not valid JSON/.test(bad.problems[0].message));
  });

  it('keeps the base value of a key the file leaves out', () => {
    const base = partsOf(email).settings;
    const r = parseSettings('{ "subject": "Only this" }', base);
    assert.ok(r.ok);
    assert.equal(r.settings.name, 'Spring welcome');
    assert.equal(r.settings.subject, 'Only this');
  });

  it('hashes equal parts equally and different parts differently', () => {
    const a = partsOf(email);
    assert.equal(partsHash(a), partsHash(partsOf({ ...email })));
    assert.notEqual(partsHash(a), partsHash({ ...a, text: 'Hello!' }));
  });

  it('tells the parts apart by file name', () => {
    assert.equal(partOfName('Spring welcome.ongage.json'), 'settings');
    assert.equal(partOfName('Spring welcome.ongage.txt'), 'text');
    assert.equal(partOfName('Spring welcome.html'), 'html');
    assert.equal(partOfName('notes.md'), undefined);
  });
});
