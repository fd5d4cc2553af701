/**
 * The preview's renderer (src/core/render) and the sandbox's personalization (sandbox/personalize.ts, what the
 * outbox holds) are two implementations of one reading of Ongage's language. On random well-formed templates —
 * fields, fallbacks, dates, functions and nested conditions placed in text, attribute values, link query strings,
 * paths, <style>, comments and Outlook conditional comments — and random values (markup, quotes, percent signs,
 * non-ASCII, numbers, booleans, blanks, dates in several formats), both must write exactly the same output.
 * test/integration/delivery-agreement.test.ts checks the same over the corpus through the real send path.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { personalize, type FieldDef } from '../../../sandbox/personalize';
import type { ListField } from '../../../src/core/language/fields';
import { evaluate, type RenderValue } from '../../../src/core/render';

const FIELDS: ListField[] = [
  { name: 'email', type: 'email' },
  { name: 'first_name', type: 'string' },
  { name: 'city', type: 'string' },
  { name: 'company', type: 'string' },
  { name: 'plan', type: 'string' },
  { name: 'points', type: 'numeric' },
  { name: 'vip', type: 'numeric' },
  { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' },
  { name: 'signup_date', type: 'date', format: 'yyyy-mm-dd' },
  { name: 'last_login', type: 'date', format: 'mm/dd/yyyy hh24:mi' },
];
const FIELD_DEFS = new Map<string, FieldDef>(FIELDS.map((f) => [f.name, { name: f.name, type: f.type, format: f.format ?? null }]));
const NAMES = [...FIELDS.map((f) => f.name), 'receipt_id', 'ocx_contact_id', 'ocx_created_date', 'First_Name'];
const DATES = ['birthday', 'signup_date', 'last_login', 'ocx_created_date', 'ocx_now', 'receipt_id'];
const NOW = new Date(Date.UTC(2026, 4, 14, 9, 30, 5));

const text = fc.constantFrom('', 'friend', 'a b', 'you & me', 'x.y-z', 'Ünïcode', "it's", '50%', 'q?r=s', '#top');
const name = fc.constantFrom(...NAMES);
const tagOf = (depth: number): fc.Arbitrary<string> =>
  fc.oneof(
    name.map((n) => `{{${n}}}`),
    fc.tuple(name, text).map(([n, t]) => `{{${n}:${t}}}`),
    fc.tuple(name, name, text).map(([a, b, t]) => `{{${a}:{{${b}:${t}}}}}`),
    fc.tuple(fc.constantFrom(...DATES), fc.constantFrom('d/m/Y', 'j F Y', 'D, d M y H:i', 'W o', 'U', 'l jS \\o\\f F')).map(([n, f]) => `{{${n}[format=${f}]}}`),
    fc.tuple(text, name).map(([t, n]) => `{{ocx_url_encode{${t} {{${n}}}}}}`),
    ...(depth < 2 ? [blockOf(depth + 1)] : []),
  );
const operator = fc.constantFrom('=', '!=', '>', '<', '>=', '<=', 'contains', '!contains', 'begins_with', '!begins_with', 'ends_with', '!ends_with');
const operand = fc.constantFrom('1', '0', '10', '1200', '-3.5', 'pro', 'PRO', 'New York', 'a&amp;b', '"x y"', "'pro'", '2020-01-01', '01/01/1990', '03/02/2025 14:20', 'Ü');
const clause = fc.oneof(
  fc.tuple(name, operator, operand).map(([n, o, v]) => `${n} ${o} ${v}`),
  fc.tuple(name, fc.constantFrom('is empty', '!is empty', 'is null', '!is null')).map(([n, o]) => `${n} ${o}`),
  fc.tuple(name, operand).map(([n, v]) => `${n}=${v}`),
);
const condition = fc.array(clause, { minLength: 1, maxLength: 3 }).chain((cs) =>
  fc.array(fc.constantFrom(' AND ', ' OR ', ' and ', ' or '), { minLength: cs.length - 1, maxLength: cs.length - 1 }).map((js) => cs.map((c, i) => (i ? js[i - 1] : '') + c).join('')),
);
function blockOf(depth: number): fc.Arbitrary<string> {
  const body = fc.array(fc.oneof(text, tagOf(depth)), { maxLength: 3 }).map((a) => a.join(''));
  return fc
    .tuple(condition, body, fc.option(fc.tuple(condition, body), { nil: undefined }), fc.option(body, { nil: undefined }))
    .map(([c, b, elif, els]) => `{{ocx_if ${c}}}${b}${elif ? `{{ocx_elseif ${elif[0]}}}${elif[1]}` : ''}${els !== undefined ? `{{ocx_else}}${els}` : ''}{{ocx_endif}}`);
}
const tag = tagOf(0);
/** A tag in one of the places of an HTML email. */
const placed = fc.tuple(fc.constantFrom('text', 'attr', 'query', 'path', 'src', 'unquoted', 'style', 'comment', 'mso', 'title'), tag, tag).map(([where, a, b]) => {
  switch (where) {
    case 'text': return `<p>${a} ${b}</p>`;
    case 'attr': return `<td title="${a}" class='${b}'>x</td>`;
    case 'query': return `<a href="https://x.example/p?q=${a}&amp;r=${b}">x</a>`;
    case 'path': return `<a href="https://x.example/${a}/?q=${b}">x</a>`;
    case 'src': return `<img alt="" src='https://t.example/p.gif?u=${a}'>${b}`;
    case 'unquoted': return `<a href=https://x.example/?q=${a}>${b}</a>`;
    case 'style': return `<style>/* ${a} */ .x{content:"${b}"}</style>`;
    case 'comment': return `<!-- ${a} <a href="https://x.example/?q=${b}"> -->`;
    case 'mso': return `<!--[if mso]><v:rect href="https://x.example/?q=${a}">${b}</v:rect><![endif]-->`;
    default: return `<title>${a} ${b}</title>`;
  }
});
const template = fc.array(placed, { minLength: 1, maxLength: 5 }).map((a) => `<html><body>${a.join('\n')}</body></html>`);

const value: fc.Arbitrary<RenderValue> = fc.oneof(
  fc.constantFrom('', ' ', 'Jane', 'PRO', 'pro', 'New York', `O'Brien & "Sons" <b>`, '</style><script>x</script>', '50% + 1 = ?', 'a&b', 'Zoë 東京', 'x\u00a0y'),
  fc.constantFrom('14/03/1988', '31/02/2024', '2025-12-31', '2020-01-01', '03/02/2025 14:20', '1521365285', '2026-01-02T10:00:00Z', '1200', '-3.5', '0'),
  fc.integer({ min: -5, max: 2_000_000_000 }),
  fc.constantFrom(0, 1, 10, 1200, 1.5, true, false, null),
  fc.string({ maxLength: 6 }),
);
const values = fc.dictionary(name, value);

function sandboxValues(v: Record<string, RenderValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
}

describe('render and the sandbox agree on random well-formed templates and values', () => {
  it('HTML bodies: the same output, byte for byte', () => {
    fc.assert(
      fc.property(template, values, (src, v) => {
        const preview = evaluate(src, 'html', { values: v, fields: FIELDS, now: NOW }).output;
        const delivered = personalize(src, { values: sandboxValues(v), system: { ocx_now: NOW }, fields: FIELD_DEFS, kind: 'html' });
        assert.equal(delivered, preview, src);
      }),
      { numRuns: 1500 },
    );
  });

  it('subjects and text parts: the same output', () => {
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 4 }).map((a) => a.join(' ')), values, fc.constantFrom('subject', 'text') as fc.Arbitrary<'subject' | 'text'>, (src, v, kind) => {
        const preview = evaluate(src, kind, { values: v, fields: FIELDS, now: NOW }).output;
        const delivered = personalize(src, { values: sandboxValues(v), system: { ocx_now: NOW }, fields: FIELD_DEFS, kind: 'text' });
        assert.equal(delivered, preview, src);
      }),
      { numRuns: 1000 },
    );
  });
});
