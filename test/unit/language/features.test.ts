import * as assert from 'assert';
import { complete, innermostOpenTag, type CompletionContext } from '../../../src/core/language/completion';
import type { ListField, SampleProfile } from '../../../src/core/language/fields';
import { hover } from '../../../src/core/language/hover';
import { parse } from '../../../src/core/language/parser';
import { documentSymbols, foldingRanges } from '../../../src/core/language/structure';

const FIELDS: ListField[] = [
  { name: 'first_name', title: 'First Name', type: 'string', default: 'Friend' },
  { name: 'birthday', title: 'Birthday', type: 'date', format: 'dd/mm/yyyy' },
  { name: 'points', type: 'numeric', default: '0' },
];
const SAMPLE: SampleProfile = { label: 'jane@example.com', values: { first_name: 'Jane', points: 120, favourite: 'tea' } };
const CTX: CompletionContext = { kind: 'html', fields: FIELDS, sample: SAMPLE, dynamicFields: ['receipt_id'] };

/** Completes at the "|" in the text; returns the text and the result. */
function at(marked: string, ctx: CompletionContext = CTX) {
  const offset = marked.indexOf('|');
  const text = marked.replace('|', '');
  return { text, offset, result: complete(text, offset, ctx) };
}
function applied(text: string, item: { start: number; end: number; insertText: string }): string {
  return text.slice(0, item.start) + item.insertText + text.slice(item.end);
}

describe('language/completion', () => {
  it('after {{ offers fields (type, default), dynamic and sample keys, system fields, functions and ocx_if snippets', () => {
    const { result } = at('Hi {{|');
    assert.strictEqual(result?.place, 'name');
    const byLabel = new Map(result!.items.map((i) => [i.label, i]));
    assert.strictEqual(byLabel.get('first_name')?.detail, 'string · First Name · default Friend');
    assert.match(byLabel.get('first_name')!.documentation!, /Sample \(jane@example.com\): `Jane`/);
    assert.strictEqual(byLabel.get('receipt_id')?.kind, 'dynamic');
    assert.strictEqual(byLabel.get('favourite')?.kind, 'sample');
    assert.strictEqual(byLabel.get('ocx_mailing_id')?.kind, 'system');
    assert.strictEqual(byLabel.get('ocx_url_encode')?.kind, 'function');
    assert.strictEqual(byLabel.get('ocx_if')?.kind, 'snippet');
    assert.strictEqual(byLabel.has('ocx_endif'), false, 'no ocx_endif outside a block');
  });

  it('inserts the closing braces only when they are missing', () => {
    let { text, result } = at('Hi {{fi|');
    let item = result!.items.find((i) => i.label === 'first_name')!;
    assert.strictEqual(applied(text, item), 'Hi {{first_name}}');
    ({ text, result } = at('Hi {{fi|}} there'));
    item = result!.items.find((i) => i.label === 'first_name')!;
    assert.strictEqual(applied(text, item), 'Hi {{first_name}} there');
    ({ text, result } = at('Hi {{fi|rst:x}}'));
    item = result!.items.find((i) => i.label === 'first_name')!;
    assert.strictEqual(applied(text, item), 'Hi {{first_name:x}}', 'replaces the whole name, keeps the fallback');
  });

  it('the ocx_if snippet writes its own braces and swallows auto-closed ones; in a subject it has no spaces', () => {
    const { text, result } = at('{{|}}');
    const snip = result!.items.find((i) => i.label === 'ocx_if')!;
    assert.strictEqual(snip.snippet, true);
    assert.strictEqual(applied(text, snip), '{{ocx_if ${1:field} ${2|=,!=,>,<,>=,<=,contains,begins_with,ends_with|} ${3:value}}}$0{{ocx_endif}}');
    const subj = at('{{|', { ...CTX, kind: 'subject' }).result!.items.find((i) => i.label === 'ocx_if')!;
    assert.match(subj.insertText, /^ocx_if \$\{1:field\}\$\{2\|=/);
  });

  it('inside an open block offers ocx_elseif, ocx_else and ocx_endif', () => {
    const labels = at('{{ocx_if points > 1}}x{{|').result!.items.map((i) => i.label);
    assert.ok(labels.includes('ocx_else') && labels.includes('ocx_endif') && labels.includes('ocx_elseif'));
  });

  it('in a condition: fields, then operators, then sample value and default, then AND/OR', () => {
    const f = at('{{ocx_if fi|').result!;
    assert.strictEqual(f.place, 'condition-field');
    assert.strictEqual(f.items[0].insertText, 'first_name ');
    const o = at('{{ocx_if first_name |').result!;
    assert.strictEqual(o.place, 'condition-operator');
    assert.deepStrictEqual(o.items.map((i) => i.label).slice(0, 3), ['=', '!=', '>']);
    assert.ok(o.items.some((i) => i.label === '!is empty' && i.insertText === '!is empty'));
    const v = at('{{ocx_if first_name = |').result!;
    assert.deepStrictEqual(v.items.map((i) => [i.label, i.detail]), [['Jane', 'sample value (jane@example.com)'], ['Friend', 'list default']]);
    const d = at('{{ocx_if birthday > |').result!;
    assert.ok(d.items.some((i) => i.label === 'dd/mm/yyyy'));
    const j = at('{{ocx_if first_name = Jane |').result!;
    assert.deepStrictEqual(j.items.map((i) => i.insertText), ['AND ', 'OR ']);
  });

  it('after [ offers format=…; after format= offers whole formats and date tokens', () => {
    const p = at('{{birthday[|').result!;
    assert.strictEqual(p.place, 'params');
    const { text, result } = at('{{birthday[|');
    const preset = result!.items.find((i) => i.label === 'format=d/m/Y')!;
    assert.strictEqual(applied(text, preset), '{{birthday[format=d/m/Y]}}');
    const f = at('{{birthday[format=|]}}');
    assert.strictEqual(f.result!.place, 'format');
    const d = f.result!.items.find((i) => i.label === 'd/m/Y')!;
    assert.strictEqual(applied(f.text, d), '{{birthday[format=d/m/Y]}}');
    const tok = f.result!.items.find((i) => i.label === 'l')!;
    assert.strictEqual(tok.kind, 'format-token');
    assert.match(tok.detail!, /Full day name/);
    const nonDate = at('{{points[|').result!.items[0];
    assert.match(nonDate.detail!, /not a date/);
  });

  it('after a colon offers the list default and other fields as a nested fallback', () => {
    const { text, result } = at('Hi {{first_name:|');
    assert.strictEqual(result!.place, 'fallback');
    assert.strictEqual(applied(text, result!.items[0]), 'Hi {{first_name:Friend}}');
    const nested = result!.items.find((i) => i.label === '{{points}}')!;
    assert.strictEqual(applied(text, nested), 'Hi {{first_name:{{points}}}}');
  });

  it('offers nothing outside tags, and finds the innermost open tag', () => {
    assert.strictEqual(at('Hi {{first_name}} |').result, undefined);
    assert.strictEqual(at('Hi |').result, undefined);
    assert.strictEqual(innermostOpenTag('{{a:{{b', 7), 4);
    assert.strictEqual(innermostOpenTag('{{a}}\n{{', 8), 6);
    assert.strictEqual(innermostOpenTag('{{a\nb', 5), -1);
  });
});

describe('language/hover', () => {
  const text = '{{ocx_if points >= 100 AND first_name !is empty}}\nHi {{first_name:there}} {{ocx_mailing_id}} {{birthday[format=l jS]}} {{ocx_url_encode{x}}} {{receipt_id}} {{nope}} {{ocx_custom_thing}}\n{{ocx_endif}}';
  const h = (needle: string, delta = 0) => hover(text, text.indexOf(needle) + delta, { kind: 'html', fields: FIELDS, sample: SAMPLE, dynamicFields: ['receipt_id'] });

  it('on a field: title, type, list default, fallback and sample value', () => {
    const r = h('first_name:there', 2)!;
    assert.strictEqual(text.slice(r.start, r.end), 'first_name');
    assert.match(r.markdown, /\*\*first_name\*\* — First Name/);
    assert.match(r.markdown, /type `string`/);
    assert.match(r.markdown, /List default: `Friend`/);
    assert.match(r.markdown, /Fallback here: `there`/);
    assert.match(r.markdown, /Sample \(jane@example.com\): `Jane`/);
  });

  it('on a date field format: the token under the cursor and all tokens used', () => {
    const r = h('l jS')!;
    assert.match(r.markdown, /`l`: Full day name/);
    assert.match(r.markdown, /`S` English ordinal suffix/);
  });

  it('on ocx_ names, functions, keywords, operators, joiners, dynamic and unknown fields', () => {
    assert.match(h('ocx_mailing_id')!.markdown, /Campaign id/);
    assert.match(h('ocx_custom_thing')!.markdown, /not in the documented list/);
    assert.match(h('ocx_url_encode')!.markdown, /URL-encodes a literal/);
    assert.match(h('ocx_if')!.markdown, /Starts a conditional block/);
    assert.match(h('ocx_endif')!.markdown, /Closes an `ocx_if` block/);
    assert.match(h('>=')!.markdown, /greater than or equal/);
    assert.match(h('!is empty')!.markdown, /is not empty/);
    assert.match(h('AND')!.markdown, /both conditions/);
    assert.match(h('points >=')!.markdown, /Sample \(jane@example.com\): `120`/);
    assert.match(h('receipt_id')!.markdown, /dynamic field/);
    assert.match(h('nope')!.markdown, /Not a field of this list/);
    assert.strictEqual(h('Hi '), undefined);
  });
});

describe('language/structure', () => {
  const text = ['{{ocx_if a = 1}}', 'A', '{{ocx_if b = 2}}', 'B', '{{ocx_endif}}', '{{ocx_elseif c = 3}}', 'C', '{{ocx_else}}', 'D', '{{ocx_endif}}', '{{ocx_if one = 1}}x{{ocx_endif}}'].join('\n');

  it('folds every branch of multi-line blocks up to the line before the next branch', () => {
    assert.deepStrictEqual(foldingRanges(parse(text)), [
      { startLine: 0, endLine: 4 },
      { startLine: 5, endLine: 6 },
      { startLine: 7, endLine: 8 },
      { startLine: 2, endLine: 3 },
    ]);
  });

  it('gives a symbol per block with its branches and nested blocks', () => {
    const syms = documentSymbols(parse(text));
    assert.deepStrictEqual(syms.map((s) => [s.name, s.detail]), [['ocx_if a = 1', '3 branches'], ['ocx_if one = 1', '1 branch']]);
    assert.deepStrictEqual(syms[0].children.map((c) => c.name), ['ocx_if a = 1', 'ocx_elseif c = 3', 'ocx_else']);
    assert.deepStrictEqual(syms[0].children[0].children.map((c) => c.name), ['ocx_if b = 2']);
    assert.deepStrictEqual(syms[0].selection.range.start, { line: 0, character: 0 });
    assert.strictEqual(documentSymbols(parse('{{ocx_if a = 1}}open'))[0].detail, 'not closed');
  });
});
