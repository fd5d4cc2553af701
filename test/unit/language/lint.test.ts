import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Fix } from '../../../src/core/language/ast';
import { mergeLintConfig, parseLintConfig, parseLintConfigText, RULES, ruleSetting } from '../../../src/core/language/config';
import { loadLintConfig } from '../../../src/core/language/config-loader';
import type { ListField } from '../../../src/core/language/fields';
import { EMAIL_CHECK_RULES } from '../../../src/core/language/checks';
import { GMAIL_CLIP_BYTES, lint, type Diagnostic, type LintOptions } from '../../../src/core/language/lint';
import { parse, type ParseResult } from '../../../src/core/language/parser';

const FIELDS: ListField[] = [
  { name: 'email', type: 'email' },
  { name: 'first_name', title: 'First Name', type: 'string', default: 'Friend' },
  { name: 'city', type: 'string' },
  { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' },
  { name: 'points', type: 'numeric', default: '0' },
];
const UNSUB = '<a href="{{ocx_unsubscribe_link}}">Unsubscribe</a>';

function html(body: string): string {
  return `<html><body>\n${body}\n${UNSUB}\n</body></html>`;
}
function rules(ds: Diagnostic[]): string[] {
  return ds.map((d) => d.rule);
}
function applyFix(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
/** The language rules' findings (client support and accessibility have tests of their own: checks.test.ts). */
function run(text: string, options: Partial<LintOptions> = {}): Diagnostic[] {
  return lint(text, { kind: 'html', fields: FIELDS, ...options }).filter((d) => !EMAIL_CHECK_RULES.includes(d.rule));
}

describe('language/lint', () => {
  it('a clean email has no diagnostics', () => {
    const text = html('<p>Hi {{first_name:there}} from {{city}}, {{birthday[format=d/m/Y]}}</p>\n<img src="https://x/a.png" alt="">\n<a href="https://example.com">x</a>');
    assert.deepStrictEqual(run(text), []);
  });

  it('reports syntax problems with their rule ids and severities', () => {
    const ds = run(html('{{ocx_if a = 1 and b = 2}}x{{first_name'));
    assert.deepStrictEqual(rules(ds).sort(), ['block-structure', 'lowercase-joiner', 'unclosed-tag', 'unknown-field', 'unknown-field'].sort());
    assert.ok(ds.every((d) => d.rule === 'unknown-field' ? d.severity === 'warning' : d.severity === 'error'));
  });

  it('unknown field: reported at its name, with the nearest known field as quick fix', () => {
    const text = html('Hi {{frist_name}}');
    const [d] = run(text);
    assert.strictEqual(d.rule, 'unknown-field');
    assert.strictEqual(text.slice(d.start, d.end), 'frist_name');
    assert.strictEqual(d.range.start.line, 1);
    assert.strictEqual(d.range.start.character, 5);
    assert.match(d.message, /Did you mean first_name\?/);
    assert.strictEqual(applyFix(text, d.fixes![0]), html('Hi {{first_name}}'));
    assert.strictEqual(d.fixes![0].preferred, true);
  });

  it('unknown field: also in conditions and fallbacks; system, dynamic and configured fields are known', () => {
    const text = html('{{ocx_if cty = x}}{{first_name:{{compny}}}}{{ocx_endif}} {{ocx_anything}} {{receipt_id}} {{order_id}}');
    const ds = run(text, { dynamicFields: ['receipt_id'], config: { rules: {}, dynamicFields: ['order_id'] } });
    assert.deepStrictEqual(ds.map((d) => text.slice(d.start, d.end)), ['cty', 'compny']);
  });

  it('unknown field checks are skipped when no list is known', () => {
    assert.deepStrictEqual(run(html('{{whatever}}'), { fields: undefined }), []);
  });

  it('date format on a non-date field is a warning with a fix; on date fields and ocx_ dates it is fine', () => {
    const text = html('{{city[format=Y]}} {{birthday[format=Y]}} {{ocx_created_date[format=Y]}} {{ocx_now[format=Y]}} {{ocx_list_id[format=Y]}}');
    const ds = run(text);
    assert.deepStrictEqual(ds.map((d) => `${d.rule}:${text.slice(d.start, d.end)}`), ['date-format-field:[format=Y]', 'date-format-field:[format=Y]']);
    assert.strictEqual(ds[0].start, text.indexOf('[format=Y]'));
    assert.strictEqual(ds[1].start, text.lastIndexOf('[format=Y]'));
    assert.strictEqual(applyFix(text, ds[0].fixes![0]).includes('{{city}}'), true);
  });

  it('a date in a condition on a date field must follow the field format; the fix rewrites an ISO or unambiguous date', () => {
    const fields = [
      { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' },
      { name: 'last_order', type: 'date', format: 'mm/dd/yyyy hh24:mi' },
      { name: 'city', type: 'string' },
    ];
    const check = (cond: string) => {
      const text = `<p>{{ocx_if ${cond}}}x{{ocx_endif}}</p><a href="{{ocx_unsubscribe_link}}">u</a>`;
      return run(text, { fields })
        .filter((d) => d.rule === 'condition-date-format')
        .map((d) => ({ at: text.slice(d.start, d.end), fix: d.fixes?.[0] && /\{\{ocx_if [^}]*\}\}/.exec(applyFix(text, d.fixes[0]))?.[0], message: d.message }));
    };
    assert.deepStrictEqual(check('birthday = 14/05/2026'), []);
    assert.deepStrictEqual(check('birthday = 4/5/2026'), []);
    assert.deepStrictEqual(check('last_order > 05/14/2026 09:30'), []);
    assert.deepStrictEqual(check('last_order > 05/14/2026'), [], 'a date alone for a format with a time');
    assert.deepStrictEqual(check('birthday is empty'), []);
    assert.deepStrictEqual(check('city = 2026-05-14'), [], 'not a date field');
    const [iso] = check('birthday = 2026-05-14');
    assert.strictEqual(iso.at, '2026-05-14');
    assert.strictEqual(iso.fix, '{{ocx_if birthday = 14/05/2026}}');
    assert.match(iso.message, /"birthday" is a date field in the format dd\/mm\/yyyy: write the date that way \(e\.g\. 14\/05\/2026\)/);
    assert.strictEqual(check('birthday > 05/14/2026')[0].fix, '{{ocx_if birthday > 14/05/2026}}', 'month first, day over 12');
    assert.strictEqual(check('last_order > 2026-05-14 09:30')[0].fix, '{{ocx_if last_order > 05/14/2026 09:30}}');
    assert.strictEqual(check('birthday > 2026-5-14 AND city = x')[0].fix, '{{ocx_if birthday > 14/05/2026 AND city = x}}');
    const [ambiguous] = check('birthday > 31/02/2026');
    assert.strictEqual(ambiguous.at, '31/02/2026', 'a day the month does not have');
    assert.strictEqual(ambiguous.fix, undefined);
    assert.strictEqual(check('last_order > yesterday')[0].fix, undefined);
    assert.deepStrictEqual(run('{{ocx_if birthday = 2026-05-14}}x{{ocx_endif}}', { fields, config: { rules: { 'condition-date-format': 'off', 'missing-unsubscribe': 'off' } } }), []);
  });

  it('a list field in the URL of a static HTML feed is an error; system fields and other functions are fine', () => {
    const text = '{{ocx_feed_html{url=https://feeds.example.com/picks?city={{city}}&m={{ocx_mailing_id}}}}}<a href="{{ocx_unsubscribe_link}}">u</a>';
    const ds = run(text).filter((d) => d.rule === 'feed-url-field');
    assert.deepStrictEqual(ds.map((d) => [text.slice(d.start, d.end), d.severity]), [['{{city}}', 'error']]);
    assert.match(ds[0].message, /fetches ocx_feed_html once before the launch/);
    assert.deepStrictEqual(run('{{ocx_feed_html{url=https://feeds.example.com/picks}}}<a href="{{ocx_unsubscribe_link}}">u</a>'), []);
    assert.deepStrictEqual(rules(run('{{ocx_url_encode{https://x.example/?c={{city}}}}}<a href="{{ocx_unsubscribe_link}}">u</a>')).filter((r) => r === 'feed-url-field'), []);
  });

  it('missing unsubscribe: warned unless the default link is on; a quick fix adds one before </body>', () => {
    const text = '<html><body>\n<p>Hi</p>\n</body></html>';
    const [d] = run(text);
    assert.strictEqual(d.rule, 'missing-unsubscribe');
    assert.strictEqual(text.slice(d.start, d.end), '<body');
    assert.deepStrictEqual(run(text, { unsubscribeDefaultLink: true }), []);
    const fixed = applyFix(text, d.fixes![0]);
    assert.match(fixed, /\{\{ocx_unsubscribe_link\}\}.*\n<\/body>/);
    assert.deepStrictEqual(run(fixed), []);
  });

  it('missing unsubscribe: a link in the footer (or header) template composed around the email counts', () => {
    const text = '<html><body>\n<p>Hi</p>\n</body></html>';
    const footer = '<table><tr><td><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></td></tr></table>';
    assert.deepStrictEqual(run(text, { composedTemplates: [footer] }), []);
    assert.deepStrictEqual(run(text, { composedTemplates: ['<p>Brand header</p>', footer] }), []);
    assert.deepStrictEqual(rules(run(text, { composedTemplates: ['<p>Brand header</p>', '<p>41 Quay Street</p>'] })), ['missing-unsubscribe']);
    assert.deepStrictEqual(rules(run(text, { composedTemplates: [] })), ['missing-unsubscribe']);
  });

  it('missing unsubscribe: an ocx_unsubscribe_link_encoded tag or an unsubscribe URL counts', () => {
    assert.deepStrictEqual(run('<a href="https://x.example/u?l={{ocx_unsubscribe_link_encoded}}">Manage</a>'), []);
    assert.deepStrictEqual(run('<a href="https://x.example/unsubscribe?e={{email}}">Leave</a>'), []);
    assert.deepStrictEqual(rules(run('<a href="https://x.example/">x</a> unsubscribe')), ['missing-unsubscribe']);
  });

  it('missing unsubscribe in a text part: reported on the first line; the fix appends a line', () => {
    const text = 'Hi {{first_name}}\nBye';
    const [d] = lint(text, { kind: 'text', fields: FIELDS });
    assert.strictEqual(d.rule, 'missing-unsubscribe');
    assert.deepStrictEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
    const fixed = applyFix(text, d.fixes![0]);
    assert.strictEqual(fixed, 'Hi {{first_name}}\nBye\n\nUnsubscribe: {{ocx_unsubscribe_link}}\n');
    assert.deepStrictEqual(lint(fixed, { kind: 'text', fields: FIELDS }), []);
  });

  it('images without alt: reported at <img with a fix; alt inside Ongage-tag attributes and comments handled', () => {
    const text = html('<img src="a.png"><img alt="{{ocx_if points > 1}}big{{ocx_endif}}" src="b.png"><!-- <img src="c.png"> --><IMG SRC="d.png" />');
    const ds = run(text).filter((d) => d.rule === 'img-alt');
    assert.deepStrictEqual(ds.map((d) => text.slice(d.start, d.end)), ['<img', '<IMG']);
    assert.strictEqual(applyFix(text, ds[0].fixes![0]).includes('<img alt="" src="a.png">'), true);
  });

  it('http links: the URL of <a href="http:…"> is reported, with a fix to https; images and comments are not links', () => {
    const text = html('<a href="http://example.com/?c={{ocx_contact_id}}">a</a> <img alt="" src="http://x/i.png"> <!-- http://y --> <a href=\'HTTP://z\'>z</a>');
    const ds = run(text).filter((d) => d.rule === 'http-link');
    assert.deepStrictEqual(ds.map((d) => text.slice(d.start, d.end)), ['http://example.com/?c={{ocx_contact_id}}', 'HTTP://z']);
    assert.strictEqual(applyFix(text, ds[0].fixes![0]).includes('href="https://example.com/'), true);
  });

  it('tags in a <style> block and minified CSS "}}" raise nothing', () => {
    const text = html('<style>a{color:{{ocx_if points > 1}}red{{ocx_else}}blue{{ocx_endif}}}@media (max-width:600px){.x{y:1}}</style>');
    assert.deepStrictEqual(run(text), []);
  });

  it('HTML over 102 KB: reported where Gmail clips it', () => {
    const line = `<p>${'x'.repeat(995)}</p>\n`;
    const big = html(line.repeat(Math.ceil(GMAIL_CLIP_BYTES / line.length) + 2));
    const ds = run(big).filter((d) => d.rule === 'html-size');
    assert.strictEqual(ds.length, 1);
    assert.strictEqual(Buffer.byteLength(big.slice(0, ds[0].start), 'utf8') <= GMAIL_CLIP_BYTES, true);
    assert.strictEqual(Buffer.byteLength(big.slice(0, ds[0].start + 1), 'utf8') > GMAIL_CLIP_BYTES, true);
    assert.match(ds[0].message, /Gmail clips/);
    // Multi-byte characters count as their UTF-8 size.
    const euros = html('€'.repeat(Math.ceil(GMAIL_CLIP_BYTES / 3) + 10));
    assert.strictEqual(run(euros).filter((d) => d.rule === 'html-size').length, 1);
    assert.strictEqual(run(html('€'.repeat(30000))).filter((d) => d.rule === 'html-size').length, 0);
  });

  it('subject: spaces in conditions are errors with a fix for simple ones; <title> in HTML is exempt', () => {
    const subject = '{{ocx_if vip = 1}}VIP{{ocx_else }}Hi{{ocx_endif}} {{first_name:there}}';
    const ds = lint(subject, { kind: 'subject', fields: [...FIELDS, { name: 'vip', type: 'numeric' }] });
    assert.deepStrictEqual(ds.map((d) => `${d.rule}:${subject.slice(d.start, d.end)}`), ['subject-condition-spaces:{{ocx_if vip = 1}}', 'subject-condition-spaces:{{ocx_else }}']);
    let fixed = subject;
    for (const d of [...ds].reverse()) fixed = applyFix(fixed, d.fixes![0]);
    assert.strictEqual(fixed, '{{ocx_if vip=1}}VIP{{ocx_else}}Hi{{ocx_endif}} {{first_name:there}}');
    assert.deepStrictEqual(lint(fixed, { kind: 'subject', fields: [...FIELDS, { name: 'vip', type: 'numeric' }] }), []);
    assert.deepStrictEqual(lint('{{ocx_if city = New York}}NY{{ocx_endif}}', { kind: 'subject' }).map((d) => [d.rule, d.fixes]), [['subject-condition-spaces', undefined]]);
    assert.deepStrictEqual(run(html('<title>{{ocx_if points > 1}}A{{ocx_endif}}</title>')), []);
  });

  it('subject: empty subject is a warning; HTML rules do not apply', () => {
    assert.deepStrictEqual(rules(lint('  ', { kind: 'subject' })), ['empty-subject']);
    assert.deepStrictEqual(lint('Hi <img src=x> http://x', { kind: 'subject' }), []);
  });

  it('rules can be switched off or raised by configuration', () => {
    const text = html('<img src="a.png"> {{nope}}');
    assert.deepStrictEqual(run(text).map((d) => [d.rule, d.severity]), [['img-alt', 'warning'], ['unknown-field', 'warning']]);
    const off = run(text, { config: { rules: { 'img-alt': 'off', 'unknown-field': 'error' } } });
    assert.deepStrictEqual(off.map((d) => [d.rule, d.severity]), [['unknown-field', 'error']]);
    const syntaxOff = run(html('{{first_name'), { config: { rules: { 'unclosed-tag': 'off' } } });
    assert.deepStrictEqual(syntaxOff, []);
  });

  it('is deterministic', () => {
    const text = html('{{ocx_if a = 1}}{{nope}}');
    assert.deepStrictEqual(run(text), run(text));
  });

  it('reuses a given parse of the same text, and parses again when the given one is of another text', () => {
    const text = html('<p>{{first_name}}</p>');
    const own = parse(text, { kind: 'html' });
    assert.deepStrictEqual(run(text), []);
    // A parse whose identity shows in the result: it carries a problem the text does not have.
    const marked: ParseResult = { ...own, problems: [...own.problems, { code: 'unclosed-tag', start: 9, end: 11, range: own.lines.rangeOf(9, 11), message: 'marker from the given parse' }] };
    const reused = run(text, { parsed: marked });
    assert.deepStrictEqual(reused.map((d) => [d.rule, d.message, d.start, d.end]), [['unclosed-tag', 'marker from the given parse', 9, 11]]);
    // The editor's cached parse may be of an older version of the document: then it is not used.
    const stale: ParseResult = { ...marked, text: `${text} ` };
    assert.deepStrictEqual(run(text, { parsed: stale }), []);
  });
});

describe('language/lint: a forgotten {{ and a mistyped operator', () => {
  const tagSyntax = (text: string, options: Partial<LintOptions> = {}) => run(text, options).filter((d) => d.rule === 'tag-syntax');
  const conditions = (text: string) => run(text).filter((d) => d.rule === 'condition-syntax');

  it('a field name then }} in text is a forgotten {{: reported on the name and }}, the fix inserts {{', () => {
    const text = html('<p>Hi first_name}}, welcome</p>');
    const ds = tagSyntax(text);
    assert.equal(ds.length, 1);
    const at = text.indexOf('first_name}}');
    assert.deepEqual([ds[0].start, ds[0].end, ds[0].severity], [at, at + 'first_name}}'.length, 'error']);
    assert.match(ds[0].message, /"first_name\}\}" closes a tag that was never opened: write \{\{first_name\}\}/);
    const fixed = applyFix(text, ds[0].fixes![0]);
    assert.ok(fixed.includes('<p>Hi {{first_name}}, welcome</p>'));
    assert.deepEqual(run(fixed), []);
  });

  it('in an attribute value, a single { before the name, a known field without an underscore, a text part and a subject', () => {
    const href = html('<a href="https://x.example/?id=ocx_contact_id}}">x</a>');
    const d = tagSyntax(href);
    assert.equal(d.length, 1);
    assert.equal(href.slice(d[0].start, d[0].end), 'ocx_contact_id}}');
    const single = html('<p>{first_name}}</p>');
    const s = tagSyntax(single);
    assert.equal(single.slice(s[0].start, s[0].end), '{first_name}}');
    assert.equal(applyFix(single, s[0].fixes![0]).includes('<p>{{first_name}}</p>'), true);
    assert.equal(tagSyntax(html('<p>Hi city}}</p>')).length, 1, 'city is a field of the list');
    assert.equal(tagSyntax('Hi first_name}}\nUnsubscribe: {{ocx_unsubscribe_link}}', { kind: 'text' }).length, 1);
    assert.equal(tagSyntax('Your plan_name}} offer', { kind: 'subject' }).length, 1);
  });

  it('not reported: CSS in <style>, script, closed tags and nested arguments, plain words, }} after punctuation; the rule can be switched off', () => {
    const text = html(
      '<style>@media (max-width:600px){.main_col{width:100%}}.a{color:red}}</style><script>var o={a:{b_c:1}}</script>' +
        '<p>{{first_name}} {{ocx_url_encode{https://x.example/?a=b_c}}} {{first_name:{{city:there}}}} Hi name}} a) }} x_y }}</p>',
    );
    assert.deepEqual(tagSyntax(text), []);
    assert.deepEqual(tagSyntax(html('<p>Hi first_name}}</p>'), { config: { rules: { 'tag-syntax': 'off' } } }), []);
  });

  it('=~ (and !~, <~, contains=) is a mistyped operator, reported at the operator; =, ==, => keep their readings', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['plan =~ pro', '=~', 'contains'],
      ['plan=~pro', '=~', 'contains'],
      ['plan !~ pro', '!~', '!contains'],
      ['plan <~ 3', '<~', undefined],
      ['plan contains= pro', 'contains=', undefined],
      ['plan contains~pro', 'contains~', undefined],
    ];
    for (const [cond, op, fix] of cases) {
      const text = html(`{{ocx_if ${cond}}}x{{ocx_endif}}`);
      const ds = conditions(text);
      assert.equal(ds.length, 1, cond);
      assert.equal(text.slice(ds[0].start, ds[0].end), op, cond);
      assert.equal(ds[0].severity, 'error');
      assert.match(ds[0].message, /is not an Ongage operator/);
      assert.equal(ds[0].fixes?.[0]?.edits[0].newText.trim(), fix, cond);
      if (fix) assert.deepEqual(conditions(applyFix(text, ds[0].fixes![0])), [], `${cond} fixed`);
    }
    assert.deepEqual(conditions(html('{{ocx_if plan = pro}}x{{ocx_endif}}{{ocx_if plan != ~pro}}y{{ocx_endif}}{{ocx_if points >= 5}}z{{ocx_endif}}')), []);
    assert.equal(text1('plan == pro'), '==');
    function text1(cond: string): string {
      const t = html(`{{ocx_if ${cond}}}x{{ocx_endif}}`);
      const d = conditions(t)[0];
      return t.slice(d.start, d.end);
    }
  });
});

describe('language/config', () => {
  it('every rule has a default severity and the defaults apply without configuration', () => {
    for (const r of RULES) assert.strictEqual(ruleSetting(r.id), r.default);
  });

  it('parses rules and dynamic fields, reports what is wrong and keeps the rest', () => {
    const r = parseLintConfig({ rules: { 'http-link': 'off', 'img-alt': 'warn', nope: 'off', 'html-size': 'loud' }, dynamicFields: ['receipt_id'], extra: 1 });
    assert.deepStrictEqual(r.config, { rules: { 'http-link': 'off', 'img-alt': 'warning' }, dynamicFields: ['receipt_id'] });
    assert.strictEqual(r.errors.length, 3);
    assert.match(r.errors.join('\n'), /unknown rule "nope"/);
    assert.match(r.errors.join('\n'), /"html-size" is set to "loud"/);
    assert.match(r.errors.join('\n'), /unknown key "extra"/);
    assert.match(parseLintConfigText('{nope').errors[0], /not valid JSON/);
    assert.match(parseLintConfig([1]).errors[0], /expected an object/);
    assert.match(parseLintConfig({ dynamicFields: [1] }).errors[0], /dynamicFields/);
  });

  it('the file wins over settings for the rules it names; dynamic fields combine', () => {
    const merged = mergeLintConfig({ rules: { 'img-alt': 'off', 'http-link': 'error' }, dynamicFields: ['a'] }, { rules: { 'img-alt': 'error' }, dynamicFields: ['b', 'a'] });
    assert.deepStrictEqual(merged, { rules: { 'img-alt': 'error', 'http-link': 'error' }, dynamicFields: ['a', 'b'] });
  });

  it('loads .ongage/lint.json from a workspace folder; a missing file is no error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-lint-'));
    try {
      const none = await loadLintConfig(dir);
      assert.deepStrictEqual([none.found, none.errors, none.config], [false, [], { rules: {} }]);
      fs.mkdirSync(path.join(dir, '.ongage'));
      fs.writeFileSync(path.join(dir, '.ongage', 'lint.json'), JSON.stringify({ rules: { 'img-alt': 'off' }, dynamicFields: ['x'] }));
      const found = await loadLintConfig(dir);
      assert.deepStrictEqual([found.found, found.errors, found.config], [true, [], { rules: { 'img-alt': 'off' }, dynamicFields: ['x'] }]);
      fs.writeFileSync(path.join(dir, '.ongage', 'lint.json'), '{ "rules": ');
      const broken = await loadLintConfig(dir);
      assert.strictEqual(broken.found, true);
      assert.match(broken.errors[0], /lint\.json: not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
