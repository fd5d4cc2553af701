/**
 * Hostile input through every language entry point: deep nesting, very long lines, prefixes of real emails,
 * random bytes. Nothing throws, every range lies inside the document, and a nesting cap is reported where it
 * is hit. (Speed on the same inputs is measured by `npm run bench`, not asserted here.)
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { DocumentKind, Span } from '../../../src/core/language/ast';
import { complete } from '../../../src/core/language/completion';
import type { ListField } from '../../../src/core/language/fields';
import { hover } from '../../../src/core/language/hover';
import { lint } from '../../../src/core/language/lint';
import { MAX_BLOCK_NESTING, MAX_TAG_NESTING, parse } from '../../../src/core/language/parser';
import { documentSymbols, foldingRanges, type SymbolNode } from '../../../src/core/language/structure';
import { evaluate, renderEmail } from '../../../src/core/render';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const FIELDS: ListField[] = [
  { name: 'first_name', type: 'string' },
  { name: 'plan', type: 'string' },
  { name: 'signup_date', type: 'date', format: 'dd/mm/yyyy' },
];

function inside(text: string, s: { start: number; end: number }, what: string): void {
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `${what}: integer offsets`);
  assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `${what} [${s.start}, ${s.end}) inside 0..${text.length}`);
}

function symbolDepth(nodes: SymbolNode[]): number {
  let max = 0;
  const pending = nodes.map((n) => ({ n, d: 1 }));
  for (let x = pending.pop(); x; x = pending.pop()) {
    max = Math.max(max, x.d);
    for (const c of x.n.children) pending.push({ n: c, d: x.d + 1 });
  }
  return max;
}

/** Every entry point on one text: none throws, none answers outside the document. */
function everyEntryPoint(text: string, kind: DocumentKind = 'html', offsets?: number[]): void {
  const parsed = parse(text, { kind });
  for (const p of parsed.problems) inside(text, p, `problem ${p.code}`);
  for (const t of parsed.tags) inside(text, t, `tag ${t.type}`);
  for (const b of parsed.blocks) inside(text, b, 'block');
  const ds = lint(text, { kind, fields: FIELDS, parsed });
  for (const d of ds) {
    inside(text, d, `diagnostic ${d.rule}`);
    for (const f of d.fixes ?? []) for (const e of f.edits) inside(text, e, `fix of ${d.rule}`);
  }
  const lines = parsed.lines.lineCount;
  for (const f of foldingRanges(parsed)) assert.ok(f.startLine >= 0 && f.startLine <= f.endLine && f.endLine < lines, 'folding range inside');
  const symbols = documentSymbols(parsed);
  assert.ok(symbolDepth(symbols) <= MAX_BLOCK_NESTING * 2, 'symbol tree depth is bounded');
  const pending = [...symbols];
  for (let s = pending.pop(); s; s = pending.pop()) {
    inside(text, s, 'symbol');
    inside(text, s.selection, 'symbol selection');
    pending.push(...s.children);
  }
  for (const o of offsets ?? [0, text.length >> 1, text.length]) {
    const c = complete(text, o, { kind, fields: FIELDS, parsed });
    for (const item of c?.items ?? []) inside(text, item, 'completion item');
    const h = hover(text, o, { kind, fields: FIELDS, parsed });
    if (h) inside(text, h, 'hover');
  }
  const r = evaluate(text, kind, { values: { first_name: 'Ann', plan: 'pro' }, fields: FIELDS, now: new Date(0) });
  assert.ok(!r.notes.some((n) => /could not (evaluate|render)/.test(n.message)), r.notes[0]?.message);
  for (const n of r.notes) inside(text, n, 'evaluate note');
}

describe('language: hostile input', () => {
  describe('deep nesting', () => {
    it(`{{a: × 2000: no throw, and the tag past ${MAX_TAG_NESTING} levels is reported at its place`, () => {
      const text = '{{a:'.repeat(2000);
      everyEntryPoint(text);
      const at = 4 * (MAX_TAG_NESTING + 1);
      const deep = parse(text).problems.filter((p) => /nested more than/.test(p.message));
      assert.deepStrictEqual(
        deep.map((p) => [p.code, p.start, p.end]),
        [['tag-syntax', at, at + 3]],
      );
      const d = lint(text, { kind: 'html' }).find((x) => /nested more than/.test(x.message));
      assert.ok(d && d.severity === 'error' && d.range.start.character === at, 'lint shows it as an error at the same place');
    });

    it('{{a:b × 20000 then }}: no throw; the cap is reported, not a crash', () => {
      const text = '{{a:b'.repeat(20000) + '}}';
      everyEntryPoint(text);
      assert.ok(parse(text).problems.some((p) => /nested more than/.test(p.message) && p.start === 5 * (MAX_TAG_NESTING + 1)));
    });

    it('properly closed nesting past the cap: every entry point answers, the cap is reported where it is hit', () => {
      const text = `<p>${'{{a:b'.repeat(20000)}${'}}'.repeat(20000)}</p>`;
      everyEntryPoint(text);
      const first = parse(text).problems[0];
      assert.strictEqual(first.start, 3 + 5 * (MAX_TAG_NESTING + 1));
    });

    it('nesting within the cap parses as before, without the nesting problem', () => {
      const n = MAX_TAG_NESTING;
      const text = `${'{{a:'.repeat(n + 1)}x${'}}'.repeat(n + 1)}`;
      const r = parse(text);
      assert.deepStrictEqual(r.problems, []);
      assert.strictEqual(r.tags.length, n + 1);
      assert.strictEqual(Math.max(...r.tags.map((t) => t.depth)), n);
      assert.strictEqual(evaluate(text, 'html', { values: {} }).output, 'x');
    });

    it('function arguments nested 3000 deep: no throw, the cap reported', () => {
      const open = '{{ocx_url_encode{';
      for (const text of [open.repeat(3000), open.repeat(3000) + '}}}'.repeat(3000), '\\{{ocx_url_encode{'.repeat(3000)]) {
        everyEntryPoint(text);
        assert.ok(parse(text).problems.some((p) => /nested more than/.test(p.message)), text.slice(0, 40));
      }
    });

    it('1,000 nested {{a: and a 100 KB line: one nesting problem, then one unclosed tag per retried {{ (each scanned once)', () => {
      const text = '{{a:'.repeat(1000) + 'x'.repeat(100_000);
      everyEntryPoint(text);
      const ps = parse(text).problems;
      assert.strictEqual(ps.filter((p) => /nested more than/.test(p.message)).length, 1);
      assert.ok(ps.every((p) => p.code === 'tag-syntax' || p.code === 'unclosed-tag'));
    });

    it(`ocx_if nested 5,000 deep: symbols stop at ${MAX_BLOCK_NESTING} levels with a problem there, the render evaluates every level`, () => {
      const open = '{{ocx_if plan = pro}}';
      const text = `${open.repeat(5000)}X${'{{ocx_endif}}'.repeat(5000)}`;
      everyEntryPoint(text);
      const r = parse(text);
      const deep = r.problems.filter((p) => /nested more than/.test(p.message));
      assert.deepStrictEqual(deep.map((p) => [p.code, p.start]), [['block-structure', open.length * MAX_BLOCK_NESTING]]);
      assert.strictEqual(symbolDepth(documentSymbols(r)), MAX_BLOCK_NESTING);
      assert.strictEqual(evaluate(text, 'html', { values: { plan: 'pro' } }).output, 'X');
      assert.strictEqual(evaluate(text, 'html', { values: { plan: 'free' } }).output, '');
      const rendered = renderEmail({ html: `<p>${text}</p>`, subject: text }, { values: { plan: 'pro' } });
      assert.strictEqual(rendered.subject, 'X');
      assert.ok(rendered.html.includes('<p>X</p>'), rendered.html.slice(0, 80));
    });

    it('ocx_if blocks never closed, 6,000 deep, and a deep if/else ladder: every entry point answers', () => {
      everyEntryPoint('{{ocx_if a = 1}}x'.repeat(6000));
      everyEntryPoint(`${'{{ocx_if a = 1}}x{{ocx_else}}'.repeat(3000)}${'{{ocx_endif}}'.repeat(3000)}`);
      const broken = `${'{{ocx_if a = 1}}x{{ocx_else}}'.repeat(3000)}`;
      assert.strictEqual(evaluate(broken, 'html', { values: {} }).output, broken, 'unclosed blocks are shown as written');
    });
  });

  describe('very long lines', () => {
    const K = 100_000;
    const fill = (unit: string): string => unit.repeat(Math.ceil(K / unit.length)).slice(0, K);
    const units = ['{{a:x ', '{{a x ', '{{a[x ', '{{}}', '{{#x ', '\\{{a:', '{{ocx_if a', '{{ocx_iff a = 1}}', '{{ocx_endif}}', '<a href="x?{{a}}', '{{a:\n', 'hi first_name}} '];
    for (const u of units) {
      it(`"${u.replace(/\n/g, '\\n')}" repeated to 100 KB`, () => everyEntryPoint(fill(u)));
    }
    it('a condition of 25,000 lower-case "and"s, and a 100 KB field name', () => {
      everyEntryPoint(`{{ocx_if a = b${' and'.repeat(25_000)}}}`);
      everyEntryPoint(`{{${'a'.repeat(K)}}}`);
      everyEntryPoint(`{{ocx_if a = b${' '.repeat(K)}x}}{{ocx_endif}}`);
    });
    it('a random line of language pieces, 50 KB long', () => {
      const pieces = ['{{', '}}', '{', '}', '\\', ':', '[', ']', 'format=', 'ocx_if ', 'ocx_else', 'ocx_endif', ' AND ', ' and ', '=~', '=', '!', '<', 'first_name', 'x', ' ', '<b>', '<a href="', '"', '😀'];
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 20, maxLength: 40 }), (a) => {
          const unit = a.join('');
          everyEntryPoint(unit.repeat(Math.ceil(50_000 / unit.length)), 'html', [0, 25_000]);
        }),
        { numRuns: 15 },
      );
    });
  });

  describe('random bytes', () => {
    it('any string (binary, graphemes) through every entry point', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 })), fc.constantFrom<DocumentKind>('html', 'text', 'subject'), (text, kind) => {
          everyEntryPoint(text, kind, [0, text.length >> 1, text.length]);
        }),
        { numRuns: 400 },
      );
    });
    it('random bytes decoded as UTF-8 (as a file from disk is)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
          everyEntryPoint(Buffer.from(bytes).toString('utf8'));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('prefixes of the corpus emails (as typed from the top)', function () {
    if (!fs.existsSync(path.join(CORPUS, 'manifest.json'))) {
      it(`skipped: the corpus is not at ${CORPUS}`, function () {
        this.skip();
      });
      return;
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: Array<{ file: string }>; large: Array<{ file: string }> };
    const files = [...manifest.files, ...manifest.large].map((f) => f.file);
    it('every prefix ending inside a tag (from its {{ to after its }}) parses with ranges inside, in every file', function () {
      this.timeout(120_000);
      let count = 0;
      for (const f of files) {
        const text = fs.readFileSync(path.join(CORPUS, f), 'utf8');
        for (let i = text.indexOf('{{'); i !== -1; i = text.indexOf('{{', i + 2)) {
          const close = text.indexOf('}}', i);
          const end = close === -1 ? text.length : Math.min(text.length, close + 3);
          for (let k = i; k <= end; k++) {
            const prefix = text.slice(0, k);
            const r = parse(prefix);
            for (const p of r.problems) inside(prefix, p, `${f}[0,${k}) problem`);
            for (const t of r.tags) inside(prefix, t, `${f}[0,${k}) tag`);
            foldingRanges(r);
            documentSymbols(r);
            complete(prefix, k, { kind: 'html', fields: FIELDS, parsed: r });
            hover(prefix, Math.max(0, k - 1), { kind: 'html', fields: FIELDS, parsed: r });
            count++;
          }
        }
      }
      assert.ok(count > 5000, `${count} prefixes`);
    });
    it('sampled prefixes of every file through every entry point (lint and render included)', function () {
      this.timeout(120_000);
      const texts = files.map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8'));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, at) => {
          const text = texts[i];
          const k = Math.floor(at * text.length);
          everyEntryPoint(text.slice(0, k), 'html', [k]);
        }),
        { numRuns: 200 },
      );
    });
  });
});
