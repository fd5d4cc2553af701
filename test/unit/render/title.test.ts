/** titleOf: the <title> text that stands in for a file's subject, in one forward scan. */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { titleOf } from '../../../src/core/render/title';

describe('render/title', () => {
  it('reads the first <title> up to its </title>, attributes and case as written', () => {
    assert.strictEqual(titleOf('<html><head><title>Hi {{first_name}}</title></head></html>'), 'Hi {{first_name}}');
    assert.strictEqual(titleOf('<TITLE lang="en">A</TITLE><title>B</title>'), 'A');
    assert.strictEqual(titleOf('<title>\n  spaced \n</title >'), '\n  spaced \n');
    assert.strictEqual(titleOf('<title></title>'), '');
  });

  it('no title, an unclosed one, or <titlefoo> is no title', () => {
    assert.strictEqual(titleOf('<p>x</p>'), undefined);
    assert.strictEqual(titleOf('<title>never closed'), undefined);
    assert.strictEqual(titleOf('<title'), undefined);
    assert.strictEqual(titleOf('<titlefoo>x</titlefoo>'), undefined);
  });

  it('a 140 KB title made of "<title" repeated comes back whole (the old regular expression took seconds here)', () => {
    const inner = '<title'.repeat(23_400);
    assert.strictEqual(titleOf(`<html><head><title>${inner}</title></head></html>`), inner);
    assert.strictEqual(titleOf('<title>'.repeat(20_000)), undefined);
  });

  it('agrees with the first-match regular expression on ordinary documents', () => {
    const piece = fc.constantFrom('<title>', '</title>', '<title class="t">', 'x', ' ', '\n', '<', '>', '</', '<p>', '{{first_name}}');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (a) => {
        const html = a.join('');
        const m = /<title(?=[\s/>])[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
        assert.strictEqual(titleOf(html), m ? m[1] : undefined, html);
      }),
      { numRuns: 500 },
    );
  });
});
