/**
 * A document with thousands of problems: lint lists the first MAX_PROBLEMS language diagnostics in document
 * order, each with its range, then one too-many-problems diagnostic that counts the rest; below the cap nothing
 * changes, and the note follows the rule's configuration.
 */
import { strict as assert } from 'assert';
import type { ListField } from '../../../src/core/language/fields';
import { lint } from '../../../src/core/language/lint';
import { MAX_PROBLEMS, parse } from '../../../src/core/language/parser';
import { LineIndex } from '../../../src/core/language/positions';

const FIELDS: ListField[] = [{ name: 'first_name', type: 'string' }];
/** Two problems per piece: the unclosed tag and the unknown field "a". */
const piece = '{{a x ';
/** A plain-text body (so no email checks) with n pieces and an unsubscribe link. */
const body = (n: number): string => `Hello ${piece.repeat(n)}\nUnsubscribe: {{ocx_unsubscribe_link}}\n`;

describe('language: the problem cap', () => {
  it('lists the first 1,000 problems in document order with their ranges, then one note with the count of the rest', () => {
    const text = body(3000);
    const ds = lint(text, { kind: 'text', fields: FIELDS });
    const note = ds[ds.length - 1];
    const listed = ds.slice(0, -1);
    assert.strictEqual(listed.length, MAX_PROBLEMS);
    assert.strictEqual(note.rule, 'too-many-problems');
    assert.strictEqual(note.severity, 'warning');
    assert.strictEqual(note.message, '5,000 more problems not shown: only the first 1,000 are listed. Fix the first ones.');
    // The first ones: the 500 first pieces' two problems each.
    assert.deepStrictEqual(new Set(listed.map((d) => d.rule)), new Set(['unclosed-tag', 'unknown-field']));
    const at = text.indexOf(piece);
    assert.strictEqual(listed[0].start, at);
    assert.strictEqual(listed[listed.length - 1].start, at + 499 * piece.length + 2);
    assert.strictEqual(note.start, at + 500 * piece.length, 'the note stands where the first problem not shown starts');
    const lines = new LineIndex(text);
    for (const d of ds) {
      assert.deepStrictEqual(d.range, lines.rangeOf(d.start, d.end), `${d.rule} at ${d.start}`);
      for (const f of d.fixes ?? []) for (const e of f.edits) assert.deepStrictEqual(e.range, lines.rangeOf(e.start, e.end));
    }
    for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1].start <= listed[i].start, 'document order');
  });

  it('counts the problems the parser only counted, for the rules that are on', () => {
    const text = body(3000);
    const parsed = parse(text);
    assert.strictEqual(parsed.problems.length, MAX_PROBLEMS);
    assert.deepStrictEqual(parsed.omitted, { 'unclosed-tag': 2000 });
    // unknown-field off: 3,000 unclosed tags, 1,000 listed.
    const ds = lint(text, { kind: 'text', fields: FIELDS, config: { rules: { 'unknown-field': 'off' } } });
    assert.strictEqual(ds.length, MAX_PROBLEMS + 1);
    assert.match(ds[ds.length - 1].message, /^2,000 more problems not shown/);
    // The unclosed tags off: the 3,000 unknown fields, 1,000 listed; the parser's uncounted unclosed tags are not counted.
    const fieldsOnly = lint(text, { kind: 'text', fields: FIELDS, config: { rules: { 'unclosed-tag': 'off' } } });
    assert.strictEqual(fieldsOnly.filter((d) => d.rule === 'unknown-field').length, MAX_PROBLEMS);
    assert.match(fieldsOnly[fieldsOnly.length - 1].message, /^2,000 more problems not shown/);
  });

  it('changes nothing at or below the cap, and the note can be turned off or raised', () => {
    const exact = lint(body(500), { kind: 'text', fields: FIELDS });
    assert.strictEqual(exact.length, MAX_PROBLEMS);
    assert.ok(exact.every((d) => d.rule !== 'too-many-problems'));
    const one = lint(body(501), { kind: 'text', fields: FIELDS });
    assert.strictEqual(one.length, MAX_PROBLEMS + 1);
    assert.strictEqual(one[MAX_PROBLEMS].message, '2 more problems not shown: only the first 1,000 are listed. Fix the first ones.');
    const off = lint(body(3000), { kind: 'text', fields: FIELDS, config: { rules: { 'too-many-problems': 'off' } } });
    assert.strictEqual(off.length, MAX_PROBLEMS);
    const raised = lint(body(3000), { kind: 'text', fields: FIELDS, config: { rules: { 'too-many-problems': 'error' } } });
    assert.strictEqual(raised[raised.length - 1].severity, 'error');
  });

  it('does not count the email checks of an HTML body: their findings are all listed beside the first 1,000', () => {
    const text = `<html><body>${piece.repeat(3000)}<a href="{{ocx_unsubscribe_link}}">u</a></body></html>`;
    const ds = lint(text, { kind: 'html', fields: FIELDS });
    const checks = ds.filter((d) => d.rule === 'html-lang' || d.rule === 'missing-title' || d.rule.startsWith('client-'));
    assert.ok(checks.length >= 2, 'the email checks found something');
    assert.strictEqual(ds.length, MAX_PROBLEMS + checks.length + 1);
    assert.match(ds[ds.length - 1].message, /^5,000 more problems not shown/);
  });

  it('keeps a block left open at the start among the problems, however many come after it', () => {
    const text = `{{ocx_if plan = pro}}${'{{}}'.repeat(2000)}`;
    const parsed = parse(text);
    assert.strictEqual(parsed.problems[0].code, 'block-structure');
    assert.strictEqual(parsed.problems[0].start, 0);
    const ds = lint(text, { kind: 'text', config: { rules: { 'missing-unsubscribe': 'off' } } });
    assert.strictEqual(ds[0].rule, 'block-structure');
    assert.match(ds[ds.length - 1].message, /^1,001 more problems not shown/);
    // Thousands of blocks left open: still the first 1,000 in document order, the rest counted.
    // (3,001 problems: each block is never closed, and the 65th is also nested past MAX_BLOCK_NESTING.)
    const open = parse('{{ocx_if plan = pro}}x'.repeat(3000));
    assert.strictEqual(open.problems.length, MAX_PROBLEMS);
    assert.deepStrictEqual(open.omitted, { 'block-structure': 3001 - MAX_PROBLEMS });
    assert.strictEqual(open.problems[MAX_PROBLEMS - 1].start, (MAX_PROBLEMS - 2) * '{{ocx_if plan = pro}}x'.length);
  });
});
