import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { sampleProfile } from '../../../src/core/fields/catalog';
import type { ListField } from '../../../src/core/language/fields';
import { renderEmail } from '../../../src/core/render';
import { frameKey, textRunEdit } from '../../../webview/frame';
import { apply, CORPUS_DIR, edit, textPositions } from '../render/helpers';
import { darkHtml, declaresDarkStyles } from '../../../webview/views';

describe('the preview frame: morph or swap', () => {
  const page = (head: string, body: string) => `<!DOCTYPE html><html lang="en"><head>${head}</head><body style="margin:0">${body}</body></html>`;
  const head = '<title>Hi</title><style>@media (max-width:600px){.x{padding:4px}}</style>';

  it('morphs when only the body changed (text, attributes, elements)', () => {
    const a = page(head, '<p class="x">Hello Jane</p>');
    assert.strictEqual(frameKey(page(head, '<p class="x">Hello, Jane</p>')), frameKey(a));
    assert.strictEqual(frameKey(page(head, '<p class="y" style="color:red">Hello</p><img src="a.png">')), frameKey(a));
  });

  it('swaps when the head, the <html> element or a <style> in the body changed', () => {
    const a = page(head, '<p>x</p><style>.k{color:red}</style>');
    assert.notStrictEqual(frameKey(page(head.replace('4px', '6px'), '<p>x</p><style>.k{color:red}</style>')), frameKey(a));
    assert.notStrictEqual(frameKey(page('<title>Hi!</title>', '<p>x</p><style>.k{color:red}</style>')), frameKey(a));
    assert.notStrictEqual(frameKey(a.replace('lang="en"', 'lang="de"')), frameKey(a));
    assert.notStrictEqual(frameKey(page(head, '<p>x</p><style>.k{color:blue}</style>')), frameKey(a));
    assert.strictEqual(frameKey(page(head, '<p>y</p><style>.k{color:red}</style>')), frameKey(a));
  });

  it('reads a document without <body> as all head (every change swaps)', () => {
    assert.notStrictEqual(frameKey('<p>a</p>'), frameKey('<p>b</p>'));
    assert.strictEqual(frameKey('<p>a</p>'), frameKey('<p>a</p>'));
  });
});

describe('the dark view', () => {
  const email = '<html><head><style>p { color: #111 } @media (prefers-color-scheme: dark) { p { color: #eee } } @media (prefers-color-scheme:light) { p { color: #000 } }</style></head><body><p>x</p></body></html>';

  it('applies the dark rules, drops the light ones, and makes the page dark', () => {
    const d = darkHtml(email);
    assert.match(d, /@media \(min-width: 0px\) \{ p \{ color: #eee \} \}/);
    assert.match(d, /@media \(max-width: 0px\) \{ p \{ color: #000 \} \}/);
    assert.match(d, /<head><style data-ongage-dark>:root \{ color-scheme: dark; \}<\/style>/);
    assert.doesNotMatch(d, /prefers-color-scheme/);
    assert.match(darkHtml('<p>no head</p>'), /^<style data-ongage-dark>/);
  });

  it('tells an email with dark styles from one without', () => {
    assert.ok(declaresDarkStyles(email));
    assert.ok(declaresDarkStyles('<style>[data-ogsc] .x { color: #fff }</style>'));
    assert.ok(!declaresDarkStyles('<style>p { color: #111 }</style><p>dark chocolate</p>'));
  });
});

describe('the preview frame: typing in text sets one text node (webview/frame.ts textRunEdit)', function () {
  this.timeout(120_000);
  const p5 = require('parse5') as typeof import('parse5');
  type Node = { nodeName: string; value?: string; childNodes?: Node[] };
  /** The text of a raw run as the HTML parser reads it (parse5 as the browser). */
  const decode = (raw: string): string => (p5.parseFragment(raw).childNodes as Node[]).map((n) => n.value ?? '').join('');
  const textNodes = (n: Node, out: Node[] = []): Node[] => {
    if (n.nodeName === '#text') out.push(n);
    for (const c of n.childNodes ?? []) textNodes(c, out);
    return out;
  };
  const body = (doc: Node): Node => (doc.childNodes ?? []).find((n) => n.nodeName === 'html')!.childNodes!.find((n) => n.nodeName === 'body')!;
  /** What the frame does with an accepted edit, on a parse5 document: true if the one text node was found and set. */
  const setText = (doc: Node, e: { from: string; to: string; occurrence: number; count: number }): boolean => {
    const from = decode(e.from);
    const hits = textNodes(body(doc)).filter((n) => n.value === from);
    if (hits.length !== e.count) return false;
    hits[e.occurrence].value = decode(e.to);
    return true;
  };

  it('takes only a change inside one run of text, not markup, comments, raw text or blank runs', () => {
    const page = '<html><head><title>T</title></head><body><!-- note --><p>Hello there</p><script>var a = 1;</script><p>Hi &amp; bye</p>\n</body></html>';
    assert.deepStrictEqual(textRunEdit(page, page.replace('Hello', 'Hallo')), { from: 'Hello there', to: 'Hallo there', occurrence: 0, count: 1 });
    assert.deepStrictEqual(textRunEdit(page, page.replace('Hi &amp;', 'Hi &amp;&amp;')), { from: 'Hi &amp; bye', to: 'Hi &amp;&amp; bye', occurrence: 0, count: 1 });
    assert.strictEqual(textRunEdit(page, page.replace('<p>Hello', '<p class="x">Hello')), undefined, 'markup');
    assert.strictEqual(textRunEdit(page, page.replace('Hello there', 'Hello <b>there</b>')), undefined, 'a tag typed');
    assert.strictEqual(textRunEdit(page, page.replace('var a = 1', 'var a = 2')), undefined, 'script');
    assert.strictEqual(textRunEdit(page, page.replace(' note ', ' notes ')), undefined, 'comment');
    assert.strictEqual(textRunEdit(page, page.replace('</p>\n</body>', '</p>\n \n</body>')), undefined, 'blank run');
    assert.strictEqual(textRunEdit(page, page.replace('Hello there', '')), undefined, 'emptied');
    assert.strictEqual(textRunEdit(page, page), undefined, 'no change');
    // A run written more than once (a newsletter repeats its paragraphs): which one, among the runs written so
    // (a longer run or an attribute holding the same text is not one of them).
    const thrice = '<html><body><p>Same</p><p title="Same">Same old</p><p>Same</p><p>Same</p></body></html>';
    const second = thrice.lastIndexOf('<p>Same</p>', thrice.lastIndexOf('<p>Same</p>') - 1) + '<p>Sa'.length;
    assert.deepStrictEqual(textRunEdit(thrice, thrice.slice(0, second) + 'n' + thrice.slice(second + 1)), { from: 'Same', to: 'Sane', occurrence: 1, count: 3 });
    const doc = p5.parse(thrice) as unknown as Node;
    const edited = thrice.slice(0, second) + 'n' + thrice.slice(second + 1);
    assert.ok(setText(doc, textRunEdit(thrice, edited)!));
    assert.strictEqual(p5.serialize(doc as never), p5.serialize(p5.parse(edited)));
  });

  const files = fs.existsSync(CORPUS_DIR)
    ? [...fs.readdirSync(path.join(CORPUS_DIR, 'valid')).filter((f) => f.endsWith('.html')).sort().map((f) => `valid/${f}`), 'large-20kb.html', 'large-100kb.html']
    : [];
  let fast = 0;
  let edits = 0;
  for (const file of files) {
    it(`gives the document a full parse gives, on ${file} with random keystrokes`, () => {
      const fields = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'list-fields.json'), 'utf8')) as ListField[];
      const html = renderEmail({ html: fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8') }, { values: sampleProfile(fields).values, fields }).html;
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (keys) => {
          let before = html;
          let doc = p5.parse(before) as unknown as Node;
          for (const k of keys) {
            const after = apply(before, k, textPositions(before));
            if (after === before) continue;
            edits++;
            const e = textRunEdit(before, after);
            if (e && setText(doc, e)) {
              fast++;
              assert.strictEqual(p5.serialize(doc as never), p5.serialize(p5.parse(after)), `the text path differs from a full parse after ${JSON.stringify(k)}`);
            } else doc = p5.parse(after) as unknown as Node;
            before = after;
          }
        }),
        { numRuns: file.startsWith('large') ? 10 : 6, seed: 23 },
      );
    });
  }
  if (!files.length) it(`skipped: the corpus is not at ${CORPUS_DIR}`, function () { this.skip(); });
  else
    it('takes the text path for most of those keystrokes', () => {
      assert.ok(edits > 100 && fast / edits > 0.5, `${fast} of ${edits} keystrokes took the text path`);
    });
});
