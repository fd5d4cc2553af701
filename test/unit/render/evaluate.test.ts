/** The evaluator, case by case: fields, fallbacks, list defaults, dates, conditions, functions, encoding, escaping, broken syntax. */
import { strict as assert } from 'assert';
import type { DocumentKind } from '../../../src/core/language/ast';
import type { ListField } from '../../../src/core/language/fields';
import { evaluate, formatPhpDate, parseDateValue, type RenderOptions } from '../../../src/core/render';

const FIELDS: ListField[] = [
  { name: 'email', type: 'email' },
  { name: 'first_name', type: 'string' },
  { name: 'last_name', type: 'string' },
  { name: 'company', type: 'string' },
  { name: 'city', type: 'string' },
  { name: 'country', type: 'string', default: 'US' },
  { name: 'plan', type: 'string', default: 'free' },
  { name: 'points', type: 'numeric', default: '0' },
  { name: 'vip', type: 'numeric' },
  { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' },
  { name: 'signup_date', type: 'date', format: 'yyyy-mm-dd' },
  { name: 'last_login', type: 'date', format: 'mm-dd-yyyy hh24:mi:ss' },
];

const VALUES: RenderOptions['values'] = {
  email: 'Jane.Doe@Example.com',
  first_name: 'Jane',
  last_name: 'Doe',
  company: '',
  city: 'New York',
  points: 1200,
  vip: true,
  birthday: '05/03/1990',
  signup_date: '2025-12-31',
  last_login: '01-02-2026 18:05:09',
  ocx_created_date: 1521365285,
  ocx_contact_id: 'abc123',
  ocx_unsubscribe_link: 'https://unsub.example/u?l=1&c=abc',
  nick: '  ',
  bio: 'Tom & Jerry <b>"hi"</b>',
  price: '19.90',
  order_date: '2026-01-02T10:00:00Z',
  code: 'A&B',
  motto: 'Rock or roll = 1',
  zero: 0,
  no: false,
  nothing: null,
};

const NOW = new Date(Date.UTC(2026, 4, 14, 9, 30, 5));

function run(source: string, kind: DocumentKind = 'html', extra: Partial<RenderOptions> = {}) {
  return evaluate(source, kind, { values: VALUES, fields: FIELDS, now: NOW, ...extra });
}

/** [what, source, expected output, kind?] */
type Case = [string, string, string, DocumentKind?];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const [what, source, expected, kind] of cases) {
      it(`${what}: ${JSON.stringify(source)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(run(source, kind ?? 'html').output, expected);
      });
    }
  });
}

table('render/evaluate: fields, fallbacks and list defaults', [
  ['a field', 'Hi {{first_name}}!', 'Hi Jane!'],
  ['a space inside the braces', 'Hi {{ first_name }}!', 'Hi Jane!'],
  ['case-insensitive name', 'Hi {{First_Name}}!', 'Hi Jane!'],
  ['a number', '{{points}} points', '1200 points'],
  ['zero is a value', '{{zero:none}}', '0'],
  ['booleans read as 1/0', '{{vip}}/{{no:x}}', '1/0'],
  ['fallback when empty', 'Hi {{company:there}}!', 'Hi there!'],
  ['fallback when blank', 'Hi {{nick:you}}!', 'Hi you!'],
  ['fallback when null', '{{nothing:n/a}}', 'n/a'],
  ['fallback not used when there is a value', 'Hi {{first_name:there}}!', 'Hi Jane!'],
  ['fallback with spaces and punctuation', '{{company:our friends, old & new!}}', 'our friends, old & new!'],
  ['nested fallback: the nested field', '{{company:{{first_name}}}}', 'Jane'],
  ['nested fallback with its own fallback', '{{company:{{nick:{{nothing:deep}}}}}}', 'deep'],
  ['nested fallback mixing text and a field', '{{company:Dear {{first_name}}}}', 'Dear Jane'],
  ['missing field, no fallback: nothing', 'Hi {{middle_name}}.', 'Hi .'],
  ['missing field with a list default: the default', '{{country}} / {{plan}}', 'US / free'],
  ['list default also beats the fallback for a missing field', '{{country:nowhere}}', 'US'],
  ['a present but empty value does not take the list default', '{{company:fallback}}', 'fallback'],
  ['system field from the sample', 'id={{ocx_contact_id}}', 'id=abc123'],
  ['unknown system field: nothing', '[{{ocx_mailing_id}}]', '[]'],
  ['ocx_email_hash derived from the email', '{{ocx_email_hash}}', '0cba00ca3da1b283a57287bcceb17e35'],
  ['ocx_now without a format', '{{ocx_now}}', '2026-05-14 09:30:05'],
  ['escaped tag at the top level', 'x \\{{first_name}} y', 'x Jane y'],
]);

table('render/evaluate: dates', [
  ['list format dd/mm/yyyy → d/m/Y', '{{birthday[format=d/m/Y]}}', '05/03/1990'],
  ['list format dd/mm/yyyy → F j, Y', '{{birthday[format=F j, Y]}}', 'March 5, 1990'],
  ['day names and ordinals', '{{birthday[format=l jS \\o\\f F]}}', 'Monday 5th of March'],
  ['yyyy-mm-dd → M Y', '{{signup_date[format=M Y]}}', 'Dec 2025'],
  ['two-digit year, ISO weekday, day of year', '{{signup_date[format=y N z t L]}}', '25 3 364 31 0'],
  ['time in the list format', '{{last_login[format=Y-m-d H:i:s A g]}}', '2026-01-02 18:05:09 PM 6'],
  ['Unix seconds (system date)', '{{ocx_created_date[format=Y-m-d H:i]}}', '2018-03-18 09:28'],
  ['ocx_now', '{{ocx_now[format=D, d M Y]}}', 'Thu, 14 May 2026'],
  ['ISO week and week year', '{{ocx_now[format=W o]}}', '20 2026'],
  ['no format: as stored', '{{birthday}}', '05/03/1990'],
  ['a value that is not a date stays as it is', '{{first_name[format=Y]}}', 'Jane'],
  ['a number in a numeric field is not Unix time', '{{points[format=Y]}}', '1200'],
  ['a dynamic field in ISO', '{{order_date[format=j M]}}', '2 Jan', 'text'],
  ['fallback after a format', '{{company[format=Y]:no date}}', 'no date'],
]);

table('render/evaluate: conditions', [
  ['=', '{{ocx_if first_name = Jane}}A{{ocx_endif}}', 'A'],
  ['= is case-insensitive', '{{ocx_if first_name = JANE}}A{{ocx_endif}}', 'A'],
  ['= with spaces in the value', '{{ocx_if city = New York}}NY{{ocx_endif}}', 'NY'],
  ['= with quotes around the value', '{{ocx_if city = "new york"}}NY{{ocx_endif}}', 'NY'],
  ['compact vip=1 (boolean true)', '{{ocx_if vip=1}}VIP{{ocx_endif}}', 'VIP'],
  ['!=', '{{ocx_if plan != free}}paid{{ocx_else}}free{{ocx_endif}}', 'free'],
  ['> numeric (not text: 1200 > 900)', '{{ocx_if points > 900}}big{{ocx_endif}}', 'big'],
  ['< numeric', '{{ocx_if points < 1500}}less{{ocx_endif}}', 'less'],
  ['>= numeric, equal', '{{ocx_if points >= 1200}}ok{{ocx_endif}}', 'ok'],
  ['<= numeric with decimals', '{{ocx_if price <= 19.9}}cheap{{ocx_else}}dear{{ocx_endif}}', 'cheap'],
  ['text comparison when one side is not a number', '{{ocx_if first_name < K}}A-J{{ocx_endif}}', 'A-J'],
  ['contains', '{{ocx_if city contains york}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['!contains', '{{ocx_if city !contains york}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['begins_with', '{{ocx_if city begins_with New}}y{{ocx_endif}}', 'y'],
  ['!begins_with', '{{ocx_if city !begins_with Old}}y{{ocx_endif}}', 'y'],
  ['ends_with', '{{ocx_if email ends_with example.com}}y{{ocx_endif}}', 'y'],
  ['!ends_with', '{{ocx_if email !ends_with example.com}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['is empty on an empty value', '{{ocx_if company is empty}}none{{ocx_endif}}', 'none'],
  ['is empty on a blank value', '{{ocx_if nick is empty}}blank{{ocx_endif}}', 'blank'],
  ['!is empty', '{{ocx_if first_name !is empty}}{{first_name}}{{ocx_else}}friend{{ocx_endif}}', 'Jane'],
  ['is null on a missing field', '{{ocx_if shoe_size is null}}none{{ocx_endif}}', 'none'],
  ['!is null on a present value', '{{ocx_if first_name !is null}}has{{ocx_endif}}', 'has'],
  ['an empty field satisfies no comparison', '{{ocx_if company = x}}a{{ocx_elseif company != x}}b{{ocx_endif}}', 'b'],
  ['a list default counts in conditions', '{{ocx_if country = US}}us{{ocx_endif}}', 'us'],
  ['AND', '{{ocx_if vip = 1 AND points > 1000}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['AND, one false', '{{ocx_if vip = 1 AND points > 5000}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['OR', '{{ocx_if vip = 0 OR points > 1000}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['three-way AND', '{{ocx_if first_name !is empty AND city !is empty AND email !is empty}}all{{ocx_endif}}', 'all'],
  ['AND binds tighter than OR (true OR false AND false)', '{{ocx_if vip = 1 OR points > 5000 AND city = Paris}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['AND binds tighter than OR (false AND x OR true)', '{{ocx_if vip = 0 AND city = Paris OR points > 10}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['elseif chain: the first true branch', '{{ocx_if points > 5000}}gold{{ocx_elseif points > 1000}}silver{{ocx_elseif points > 100}}bronze{{ocx_else}}none{{ocx_endif}}', 'silver'],
  ['elseif chain: else', '{{ocx_if points > 5000}}gold{{ocx_elseif points > 3000}}silver{{ocx_else}}none{{ocx_endif}}', 'none'],
  ['no branch true and no else: nothing', 'a{{ocx_if points > 5000}}gold{{ocx_endif}}b', 'ab'],
  ['nested blocks', '{{ocx_if vip = 1}}V{{ocx_if city = Paris}}P{{ocx_else}}{{ocx_if points > 1000}}R{{ocx_endif}}{{ocx_endif}}{{ocx_endif}}', 'VR'],
  ['nested block in a false branch is skipped', '{{ocx_if vip = 0}}{{ocx_if city = New York}}NY{{ocx_endif}}{{ocx_else}}E{{ocx_endif}}', 'E'],
  ['dates compare as dates in the field format', '{{ocx_if birthday < 01/01/2000}}90s{{ocx_endif}}', '90s'],
  ['dates in ISO against a yyyy-mm-dd field', '{{ocx_if signup_date >= 2025-06-01}}recent{{ocx_else}}old{{ocx_endif}}', 'recent'],
  ['an ocx_ field in a condition', '{{ocx_if ocx_contact_id = ABC123}}me{{ocx_endif}}', 'me'],
  ['a subject condition without spaces', '{{ocx_if vip=1}}VIP{{ocx_else}}Hi{{ocx_endif}} {{first_name}}', 'VIP Jane', 'subject'],
  ['entities in an HTML condition value', '{{ocx_if code = A&amp;B}}amp{{ocx_endif}}', 'amp'],
  // Ongage joins only upper-case AND / OR (ongage-language.md §5): a lower-case or symbolic joiner is part of the value.
  ['lower-case and is part of the value', '{{ocx_if vip = 1 and points > 5000}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['lower-case or is part of the value, not a joiner', '{{ocx_if city = Paris or vip = 1}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['&& is part of the value', '{{ocx_if vip = 1 && points > 5}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['the joined text is compared as one value', '{{ocx_if motto = rock or roll = 1}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['an upper-case joiner after a lower-case one still joins', '{{ocx_if city = Paris or vip = 1 OR points > 5}}y{{ocx_else}}n{{ocx_endif}}', 'y'],
  ['is empty with text after it is false', '{{ocx_if company is empty and city = x}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
  ['an operator error makes the condition false', '{{ocx_if vip == 1}}y{{ocx_else}}n{{ocx_endif}}', 'n'],
]);

table('render/evaluate: URLs and escaping', [
  ['HTML-escaped in text', '<p>{{bio}}</p>', '<p>Tom &amp; Jerry &lt;b&gt;&quot;hi&quot;&lt;/b&gt;</p>'],
  ['HTML-escaped in an attribute', '<img alt="{{bio}}">', '<img alt="Tom &amp; Jerry &lt;b&gt;&quot;hi&quot;&lt;/b&gt;">'],
  ['URL-encoded in an href query', '<a href="https://x.example/?n={{city}}&amp;c={{code}}">{{city}}</a>', '<a href="https://x.example/?n=New%20York&amp;c=A%26B">New York</a>'],
  ['URL-encoded in a src query, single quotes too', "<img src='https://t.example/p.gif?b={{bio}}'>", "<img src='https://t.example/p.gif?b=Tom%20%26%20Jerry%20%3Cb%3E%22hi%22%3C%2Fb%3E'>"],
  ['not encoded before the ?', '<a href="https://x.example/{{code}}/?q={{code}}">x</a>', '<a href="https://x.example/A&amp;B/?q=A%26B">x</a>'],
  ['a whole URL in a field is not encoded', '<a href="{{ocx_unsubscribe_link}}">u</a>', '<a href="https://unsub.example/u?l=1&amp;c=abc">u</a>'],
  ['ocx_unsubscribe_link in a query is not encoded', '<a href="https://me.example/?u={{ocx_unsubscribe_link}}">u</a>', '<a href="https://me.example/?u=https://unsub.example/u?l=1&amp;c=abc">u</a>'],
  ['ocx_unsubscribe_link_encoded derived and not encoded twice', '<a href="https://me.example/?u={{ocx_unsubscribe_link_encoded}}">u</a>', '<a href="https://me.example/?u=https%3A%2F%2Funsub.example%2Fu%3Fl%3D1%26c%3Dabc">u</a>'],
  ['a fallback in a query is template text', '<a href="https://x.example/?c={{company:{{city}}}}">x</a>', '<a href="https://x.example/?c=New%20York">x</a>'],
  ['a condition in a query', '<a href="https://x.example/?t={{ocx_if vip = 1}}gold{{ocx_else}}std{{ocx_endif}}&n={{city}}">x</a>', '<a href="https://x.example/?t=gold&n=New%20York">x</a>'],
  ['ocx_url_encode (RFC 3986)', '<a href="https://x.example/c?r={{ocx_url_encode{https://y.example/a b?c=1&d=(2)}}}">x</a>', '<a href="https://x.example/c?r=https%3A%2F%2Fy.example%2Fa%20b%3Fc%3D1%26d%3D%282%29">x</a>'],
  ['ocx_url_encode with a field inside', '{{ocx_url_encode{https://y.example/?n={{city}}}}}', 'https%3A%2F%2Fy.example%2F%3Fn%3DNew%20York'],
  ['text parts are not escaped', 'Hi {{bio}} https://x.example/?n={{city}}', 'Hi Tom & Jerry <b>"hi"</b> https://x.example/?n=New York', 'text'],
  ['subjects are not escaped', '{{bio}}', 'Tom & Jerry <b>"hi"</b>', 'subject'],
  ['values in <style> cannot close it', '<style>.x{content:"{{bio}}"}</style>', '<style>.x{content:"Tom & Jerry <b>"hi"<\\/b>"}</style>'],
  ['tags in comments are evaluated', '<!-- {{first_name}} --><!--[if mso]><p>{{code}}</p><![endif]-->', '<!-- Jane --><!--[if mso]><p>A&amp;B</p><![endif]-->'],
]);

table('render/evaluate: functions and hashes', [
  ['ocx_generate_hash prints nothing and sets ocx_custom_hash', '{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}h={{ocx_custom_hash}}', 'h=a78ee7cf14fa53ba565aa0e1bdc87e0a'],
  ['sha256', '{{ocx_generate_hash{algo=sha256,data=abc}}}{{ocx_custom_hash}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['ocx_custom_hash before any generate_hash is empty', '[{{ocx_custom_hash}}]', '[]'],
  ['feeds are left out', 'a{{ocx_feed_html{url=https://feed.example/}}}b', 'ab'],
  ['an unknown ocx_ function is left out', 'a{{ocx_shuffle{x}}}b', 'ab'],
]);

table('render/evaluate: broken syntax comes out as written', [
  ['an unclosed tag', 'Hi {{first_name and more', 'Hi {{first_name and more'],
  ['an unclosed fallback', 'Hi {{first_name:friend\nnext', 'Hi {{first_name:friend\nnext'],
  ['an empty tag', 'a{{}}b', 'a{{}}b'],
  ['Handlebars', '{{#if vip}}x{{/if}}', '{{#if vip}}x{{/if}}'],
  ['text after the name', '{{first_name please}}', '{{first_name please}}'],
  ['a non-ocx function', '{{shout{hi}}}', '{{shout{hi}}}'],
  ['an ocx_if never closed: its tags as written, its content shown', 'a{{ocx_if vip = 1}}b{{ocx_else}}c', 'a{{ocx_if vip = 1}}b{{ocx_else}}c'],
  ['a stray ocx_endif', 'a{{ocx_endif}}b', 'a{{ocx_endif}}b'],
  ['a stray ocx_else', 'a{{ocx_else}}b', 'a{{ocx_else}}b'],
  ['a misspelled keyword makes the block as written', '{{ocx_if vip = 1}}a{{ocx_endiff}}', '{{ocx_if vip = 1}}a{{ocx_endiff}}'],
  ['a broken nested tag inside a good fallback comes out as written', '{{company:{{city junk}}}}', '{{city junk}}'],
  ['a good tag beside a broken one', '{{first_name}} {{}}', 'Jane {{}}'],
  ['a valid block inside an unclosed one is evaluated', '{{ocx_if vip = 1}}{{ocx_if vip = 1}}in{{ocx_endif}}', '{{ocx_if vip = 1}}in'],
]);

describe('render/evaluate: notes', () => {
  it('an empty field without a fallback gets a note at the tag', () => {
    const src = 'Hi {{middle_name}}!';
    const r = run(src);
    assert.deepEqual(r.notes, [{ message: 'middle_name has no value in the sample and no fallback: recipients see nothing here.', start: 3, end: 18 }]);
  });

  it('no note when a fallback or a list default fills the gap', () => {
    assert.deepEqual(run('{{company:there}} {{country}} {{first_name}}').notes, []);
  });

  it('a missing system field says Ongage fills it in', () => {
    const r = run('{{ocx_mailing_id}}');
    assert.match(r.notes[0].message, /^ocx_mailing_id has no value in the sample: the preview shows nothing here \(Ongage fills in its own value when sending\)\.$/);
  });

  it('only the branch rendered is noted for missing values; syntax errors are noted everywhere', () => {
    const src = '{{ocx_if vip = 1}}{{a}}{{ocx_else}}{{b}}{{ocx_if x ~ 1}}{{ocx_endif}}{{ocx_endif}}';
    const r = run(src);
    const texts = r.notes.map((n) => `${src.slice(n.start, n.end)} ${n.message}`);
    assert.equal(texts.length, 2, texts.join('\n'));
    assert.match(texts[0], /^\{\{a\}\} a has no value/);
    assert.match(texts[1], /^~ "~" is not an Ongage operator.*The preview takes that condition as false\.$/);
  });

  it('broken syntax is noted with the parser\'s message and "as written"', () => {
    const r = run('x {{first_name');
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0].message, /is not closed.*The preview shows it as written\.$/);
    assert.deepEqual([r.notes[0].start, r.notes[0].end], [2, 14]);
  });

  it('mixing AND and OR is noted; a date that cannot be read is noted; feeds are noted', () => {
    assert.match(run('{{ocx_if a = 1 AND b = 2 OR c = 3}}x{{ocx_endif}}').notes[0].message, /mixes AND and OR.*reads AND first/);
    assert.match(run('{{ocx_if vip = 1 or city = x}}y{{ocx_endif}}').notes[0].message, /^"or" does not join conditions: Ongage needs upper-case OR\. Ongage joins only upper-case OR, so the preview reads "or" as part of the value before it\.$/);
    assert.match(run('{{first_name[format=Y]}}').notes[0].message, /first_name's value "Jane" is not a date the preview can read/);
    assert.match(run('{{birthday[offset=1,format=Y]}}').notes[0].message, /\[offset=1\] is not a parameter the preview knows/);
    assert.match(run('{{ocx_feed{param=items}}}').notes[0].message, /ocx_feed: Ongage fetches the feed when sending/);
    assert.match(run('{{ocx_generate_hash{algo=nope,data=x}}}').notes[0].message, /"nope" is not a hash algorithm/);
  });

  it('notes come sorted by position', () => {
    const r = run('{{b}} {{ocx_if a = 1 AND b = 2 OR c = 3}}x{{ocx_endif}} {{a}} {{}}');
    const starts = r.notes.map((n) => n.start);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    assert.equal(r.notes.length, 4);
  });
});

describe('render/evaluate: options and odd inputs', () => {
  it('a text without tags comes back as it is', () => {
    const s = '<p>plain & simple {not a tag} }}</p>';
    assert.deepEqual(run(s), { output: s, notes: [] });
  });

  it('works without fields and with an empty sample', () => {
    const r = evaluate('Hi {{first_name:there}} {{country}}', 'html', { values: {} });
    assert.equal(r.output, 'Hi there ');
  });

  it('the time comes from options.now; a sample value of ocx_now wins', () => {
    assert.equal(run('{{ocx_now[format=Y]}}', 'html', { now: new Date(Date.UTC(1999, 0, 1)) }).output, '1999');
    assert.equal(run('{{ocx_now[format=Y]}}', 'html', { values: { ocx_now: '2031-02-03' } }).output, '2031');
  });

  it('a value given as the exact name wins over another case', () => {
    assert.equal(evaluate('{{Name}}', 'text', { values: { name: 'lower', Name: 'exact' } }).output, 'exact');
  });

  it('lone surrogates in a URL query do not throw', () => {
    const r = evaluate('<a href="https://x.example/?q={{v}}">x</a>', 'html', { values: { v: 'a\uD800b' } });
    assert.equal(r.output, '<a href="https://x.example/?q=a%EF%BF%BDb">x</a>');
  });
});

describe('render/dates', () => {
  it('reads the list formats, ISO and Unix time, and refuses impossible dates', () => {
    const iso = (d: Date | null) => d?.toISOString();
    assert.equal(iso(parseDateValue('31/12/2025', 'dd/mm/yyyy')), '2025-12-31T00:00:00.000Z');
    assert.equal(iso(parseDateValue('12/31/2025 23:59', 'mm/dd/yyyy hh24:mi')), '2025-12-31T23:59:00.000Z');
    assert.equal(iso(parseDateValue('2025/12/31', 'yyyy/mm/dd')), '2025-12-31T00:00:00.000Z');
    assert.equal(iso(parseDateValue('31-12-2025 01:02:03', 'dd-mm-yyyy hh24:mi:ss')), '2025-12-31T01:02:03.000Z');
    assert.equal(iso(parseDateValue('2025-12-31', 'dd/mm/yyyy')), '2025-12-31T00:00:00.000Z', 'ISO when the list format does not fit');
    assert.equal(iso(parseDateValue('2025-12-31T10:00:00+02:00')), '2025-12-31T08:00:00.000Z');
    assert.equal(iso(parseDateValue(1521365285)), '2018-03-18T09:28:05.000Z');
    assert.equal(iso(parseDateValue('1521365285')), '2018-03-18T09:28:05.000Z');
    assert.equal(parseDateValue('31/02/2025', 'dd/mm/yyyy'), null);
    assert.equal(parseDateValue('2025-13-01'), null);
    assert.equal(parseDateValue('soon'), null);
    assert.equal(parseDateValue(''), null);
  });

  it('formats every PHP token in UTC; a backslash escapes', () => {
    const d = new Date(Date.UTC(2024, 1, 29, 0, 7, 9, 123));
    assert.equal(formatPhpDate(d, 'd D j l N S w z'), '29 Thu 29 Thursday 4 th 4 59');
    assert.equal(formatPhpDate(d, 'W F m M n t L o Y y'), '09 February 02 Feb 2 29 1 2024 2024 24');
    assert.equal(formatPhpDate(d, 'a A B g G h H i s u v'), 'am AM 046 12 0 12 00 07 09 123000 123');
    assert.equal(formatPhpDate(d, 'e I O P p T Z U'), 'UTC 0 +0000 +00:00 Z UTC 0 1709165229');
    assert.equal(formatPhpDate(d, 'c | r'), '2024-02-29T00:07:09+00:00 | Thu, 29 Feb 2024 00:07:09 +0000');
    assert.equal(formatPhpDate(d, '\\Y\\e\\a\\r: Y'), 'Year: 2024');
    assert.equal(formatPhpDate(new Date(Date.UTC(2021, 0, 1)), 'jS W o'), '1st 53 2020');
    assert.equal(formatPhpDate(new Date(Date.UTC(2021, 0, 12)), 'jS'), '12th');
    assert.equal(formatPhpDate(new Date(Date.UTC(2021, 0, 22)), 'jS'), '22nd');
  });
});
