/**
 * The preview's fast path: an edit in text between tags patches the previous inlined template instead of running
 * juice again. On every corpus email, for random runs of keystrokes (inserts, deletions, replacements, mostly in
 * text, some with markup or tag characters, some anywhere), the patched rendering equals a full rendering of the
 * same text, and the fast path is really taken for text edits.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { sampleProfile } from '../../../src/core/fields/catalog';
import type { ListField } from '../../../src/core/language/fields';
import { parse } from '../../../src/core/language/parser';
import { clearInlineCache, inlineTemplate, renderEmail } from '../../../src/core/render';
import { apply, CORPUS_DIR, edit, textPositions } from './helpers';

describe('render: a patched inlining equals a full one (every corpus email, random text edits)', function () {
  this.timeout(240_000);
  if (!fs.existsSync(path.join(CORPUS_DIR, 'list-fields.json'))) {
    it(`skipped: the corpus is not at ${CORPUS_DIR}`, function () {
      this.skip();
    });
    return;
  }
  const fields = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'list-fields.json'), 'utf8')) as ListField[];
  const values = sampleProfile(fields).values;
  const now = new Date(Date.UTC(2026, 4, 14, 9, 30));
  const files = [
    ...fs
      .readdirSync(path.join(CORPUS_DIR, 'valid'))
      .filter((f) => f.endsWith('.html'))
      .sort()
      .map((f) => `valid/${f}`),
    'large-20kb.html',
    'large-100kb.html',
  ];
  let patched = 0;
  let edits = 0;

  for (const file of files) {
    const base = fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8');
    const positions = textPositions(base);
    it(file, () => {
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (keys) => {
          // As the preview does it: the email rendered, then each keystroke's text rendered in turn.
          clearInlineCache();
          renderEmail({ html: base }, { values, fields, now });
          let text = base;
          for (const k of keys) {
            text = apply(text, k, positions.length ? textPositions(text) : positions);
            const fast = inlineTemplate(text, parse(text, { kind: 'html' }));
            edits++;
            if (fast.patched) patched++;
            const fastRender = renderEmail({ html: text, subject: 'Hi {{first_name:you}}' }, { values, fields, now });
            const full = inlineTemplate(text, undefined, { reuse: false });
            assert.equal(fast.html, full.html, `the patched inlining differs from juice's after ${JSON.stringify(keys)}`);
            assert.equal(fast.inlined, full.inlined);
            clearInlineCache();
            const fullRender = renderEmail({ html: text, subject: 'Hi {{first_name:you}}' }, { values, fields, now });
            assert.deepEqual(fastRender, fullRender);
            // Go on from the state a keystroke leaves (the text just rendered is the last one inlined).
            inlineTemplate(text);
          }
        }),
        { numRuns: file.startsWith('large') ? 12 : 8, seed: 17 },
      );
    });
  }

  it('takes the fast path for most of those edits (the property above is not about full inlinings only)', () => {
    assert.ok(edits > 100, `${edits} edits`);
    assert.ok(patched / edits > 0.5, `only ${patched} of ${edits} edits were patched`);
  });

  it('inlines in full when the edit is markup, or a style sheet changes', () => {
    const html = '<html><head><style>p { color: red } .b { color: blue }</style></head><body><p>Hello there</p></body></html>';
    clearInlineCache();
    assert.ok(!inlineTemplate(html).patched);
    const typed = html.replace('Hello', 'Hello,');
    const t = inlineTemplate(typed);
    assert.ok(t.patched, 'a comma typed in text was not patched');
    assert.match(t.html, /<p style="color: red;">Hello, there<\/p>/);
    const markup = typed.replace('<p>', '<p class="b">');
    const m = inlineTemplate(markup);
    assert.ok(!m.patched);
    assert.match(m.html, /color: blue/);
    const css = markup.replace('color: blue', 'color: green');
    assert.ok(!inlineTemplate(css).patched);
    assert.match(inlineTemplate(css).html, /color: green/);
    const emptied = '<html><head><style>p:empty { display: none }</style></head><body><p>x</p></body></html>';
    inlineTemplate(emptied);
    const e = inlineTemplate(emptied.replace('>x<', '><'));
    assert.ok(!e.patched, 'a run that became empty (:empty now matches) was patched');
  });
});
