import * as assert from 'assert';
import {
  emailInputToWire,
  parseContact,
  parseEmail,
  parseEspConnection,
  parseList,
  parseListField,
  parseMailing,
  parseTransactionalCampaign,
  statusName,
  toBool,
  toDate,
  toNumber,
} from '../../../src/core/api/parse';
import { parseFieldErrors } from '../../../src/core/api/errors';

// The GET /api/emails/<id> sample of Ongage's Email Message API page, plus fields the page leaves out.
const seedEmail = {
  id: '2025',
  type: 'email_message',
  account_id: '26099',
  list_id: '23939',
  description: '',
  subject: 'Email subject',
  content_html: 'Email html content',
  content_text: 'Email text content',
  unsubscribe_default_link: '1',
  unsubscribe_success_html: 'You have been successfully unsubscribed',
  unsubscribe_confirmation_html: '',
  unsubscribe_confirmation_button: '',
  created: '1416399606',
  modified: '1416399614',
  deleted: '0',
  mailing_id: '111670',
};

describe('api/parse: scalar readers', () => {
  it('reads numbers from numbers and numeric text only', () => {
    assert.strictEqual(toNumber('2025'), 2025);
    assert.strictEqual(toNumber(' 12.5 '), 12.5);
    assert.strictEqual(toNumber(7), 7);
    assert.strictEqual(toNumber(''), undefined);
    assert.strictEqual(toNumber(null), undefined);
    assert.strictEqual(toNumber('12abc'), undefined);
    assert.strictEqual(toNumber(NaN), undefined);
    assert.strictEqual(toNumber({}), undefined);
  });

  it('reads flags from "0"/"1", numbers and booleans', () => {
    assert.strictEqual(toBool('1'), true);
    assert.strictEqual(toBool('0'), false);
    assert.strictEqual(toBool(1), true);
    assert.strictEqual(toBool(0), false);
    assert.strictEqual(toBool(true), true);
    assert.strictEqual(toBool('true'), true);
    assert.strictEqual(toBool('false'), false);
    assert.strictEqual(toBool('maybe'), undefined);
    assert.strictEqual(toBool(null), undefined);
  });

  it('reads Unix seconds (text or number), milliseconds, ISO and "Y-m-d H:i" dates', () => {
    assert.strictEqual(toDate('1416399606')!.toISOString(), '2014-11-19T12:20:06.000Z');
    assert.strictEqual(toDate(1521365285)!.toISOString(), '2018-03-18T09:28:05.000Z');
    assert.strictEqual(toDate(1521365285000)!.toISOString(), '2018-03-18T09:28:05.000Z');
    assert.strictEqual(toDate('2018-11-30 08:24')!.toISOString(), '2018-11-30T08:24:00.000Z');
    assert.strictEqual(toDate('2018-11-30T08:24:00Z')!.toISOString(), '2018-11-30T08:24:00.000Z');
    assert.strictEqual(toDate('0'), undefined);
    assert.strictEqual(toDate(null), undefined);
    assert.strictEqual(toDate('not a date'), undefined);
  });
});

describe('api/parse: resources', () => {
  it('parses the documented email: string numbers to numbers, flags to booleans, times to Dates', () => {
    const e = parseEmail(seedEmail);
    assert.strictEqual(e.id, 2025);
    assert.strictEqual(e.accountId, 26099);
    assert.strictEqual(e.listId, 23939);
    assert.strictEqual(e.unsubscribeDefaultLink, true);
    assert.strictEqual(e.deleted, false);
    assert.strictEqual(e.mailingId, 111670);
    assert.ok(e.created instanceof Date);
    assert.strictEqual(e.modified!.getTime(), 1416399614000);
    assert.strictEqual(e.parentId, 0);
    assert.strictEqual(e.favorite, false);
    assert.deepStrictEqual(e.addresses, []);
    assert.deepStrictEqual(e.extra, {});
  });

  it('accepts real numbers and booleans as well, and keeps unknown fields in extra', () => {
    const e = parseEmail({
      ...seedEmail,
      id: 7,
      parent_id: 3,
      favorite: true,
      deleted: false,
      mailing_id: null,
      tag_ids: ['1001', 1002, 'x'],
      addresses: [{ from_name: 'Me', from_address: 'me@x.com', reply_address: 'r@x.com', esp_connection_id: '12', extra_thing: 1 }],
      header_template_id: '0',
      footer_template_id: '44',
      frequency_active: '1',
      no_wysiwyg: 0,
    });
    assert.strictEqual(e.id, 7);
    assert.strictEqual(e.parentId, 3);
    assert.strictEqual(e.favorite, true);
    assert.strictEqual(e.mailingId, undefined);
    assert.deepStrictEqual(e.tagIds, [1001, 1002]);
    assert.strictEqual(e.addresses[0].espConnectionId, 12);
    assert.deepStrictEqual(e.addresses[0].extra, { extra_thing: 1 });
    assert.strictEqual(e.headerTemplateId, undefined, '0 means no header template');
    assert.strictEqual(e.footerTemplateId, 44);
    assert.deepStrictEqual(e.extra, { frequency_active: '1', no_wysiwyg: 0 });
  });

  it('refuses an email without an id', () => {
    assert.throws(() => parseEmail({ name: 'x' }), /no usable id/);
    assert.throws(() => parseEmail('x'), /expected an object/);
  });

  it('names campaign status codes', () => {
    const m = parseMailing({ id: '99', name: 'T', status: '60004', is_test: '1', email_message: ['5', 6], extra_field: 'k' });
    assert.strictEqual(m.id, 99);
    assert.strictEqual(m.statusName, 'COMPLETED');
    assert.strictEqual(m.isTest, true);
    assert.deepStrictEqual(m.emailIds, [5, 6]);
    assert.deepStrictEqual(m.extra, { extra_field: 'k' });
    assert.strictEqual(statusName(60001), 'NEW');
    assert.strictEqual(statusName(60010), 'STOPPED');
    assert.strictEqual(statusName(60008), 'COMPLETED_WITH_ERRORS');
    assert.strictEqual(statusName(12345), 'UNKNOWN');
    assert.deepStrictEqual(parseMailing({ id: 1, email_message: [{ id: '8', name: 'e' }] }).emailIds, [8]);
  });

  it('parses lists, list fields, ESP connections, transactional campaigns and contacts', () => {
    const l = parseList({ id: 10542, name: 'Newsletter', default_transactional_id: 301, unsubscribe_default_link: true, owner: 'x' });
    assert.strictEqual(l.defaultTransactionalId, 301);
    assert.strictEqual(l.unsubscribeDefaultLink, true);
    assert.deepStrictEqual(l.extra, { owner: 'x' });

    const f = parseListField({ id: 3, list_id: 10542, name: 'birthday', title: 'Birthday', type: 'date', format: 'dd/mm/yyyy', default: null, mandatory: false, position: 4, is_sms: 0 });
    assert.strictEqual(f.format, 'dd/mm/yyyy');
    assert.strictEqual(f.default, undefined);
    assert.strictEqual(f.mandatory, false);
    assert.strictEqual(f.isSms, false);
    assert.strictEqual(parseListField({ id: '4', name: 'first_name' }).title, 'first_name', 'title falls back to the name');

    const c = parseEspConnection({ id: '12', esp_id: '3', esp_name: 'SendGrid', name: 'Main', support_transactional: '1' });
    assert.deepStrictEqual([c.id, c.espId, c.supportTransactional], [12, 3, true]);

    const t = parseTransactionalCampaign({ id: '301', name: 'Default', is_default: '1', list_id: '10542' });
    assert.deepStrictEqual([t.id, t.isDefault, t.listId], [301, true, 10542]);

    const p = parseContact({ id: '5aae312578464ae01f8b4567', email: 'test@gmail.com', first_name: 'John', ocx_status: 'Active', ocx_created_date: 1521365285 });
    assert.strictEqual(p.id, '5aae312578464ae01f8b4567');
    assert.strictEqual(p.status, 'Active');
    assert.strictEqual(p.createdDate!.getTime(), 1521365285000);
    assert.strictEqual(p.fields.first_name, 'John');
  });

  it('writes only the given fields to the wire, in snake_case', () => {
    const w = emailInputToWire({
      name: 'N',
      contentHtml: '<p>x</p>',
      favorite: true,
      headerTemplateId: null,
      addresses: [{ fromName: 'Me', espConnectionId: 1 }],
      extra: { no_wysiwyg: 1 },
    });
    assert.deepStrictEqual(w, {
      no_wysiwyg: 1,
      name: 'N',
      content_html: '<p>x</p>',
      favorite: 1,
      header_template_id: null,
      addresses: [{ from_name: 'Me', esp_connection_id: 1 }],
    });
  });
});

describe('api/errors: field errors', () => {
  it('reads the empty list, the object form, strings and {field,message} items', () => {
    assert.deepStrictEqual(parseFieldErrors([]), []);
    assert.deepStrictEqual(parseFieldErrors({ error_message: 'Email already exists' }), [{ message: 'Email already exists' }]);
    assert.deepStrictEqual(parseFieldErrors({ name: ['is required', 'too long'] }), [
      { field: 'name', message: 'is required' },
      { field: 'name', message: 'too long' },
    ]);
    assert.deepStrictEqual(parseFieldErrors(['bad']), [{ message: 'bad' }]);
    assert.deepStrictEqual(parseFieldErrors([{ field: 'subject', message: 'empty' }]), [{ field: 'subject', message: 'empty' }]);
    assert.deepStrictEqual(parseFieldErrors(null), []);
  });
});
