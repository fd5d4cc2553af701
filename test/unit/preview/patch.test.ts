import * as assert from 'assert';
import * as fc from 'fast-check';
import { applyPatch, diffText } from '../../../src/shared/patch';

describe('renderings sent as patches (src/shared/patch.ts)', () => {
  it('turns any text into any other, the replacement as small as the common prefix and suffix allow', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const d = diffText(a, b);
        assert.strictEqual(applyPatch(a, d), b);
        assert.ok(d.start <= d.end && d.end <= a.length);
        // Nothing kept could have been kept longer: the characters at both ends of the replacement differ.
        if (d.start < Math.min(a.length, b.length) && d.text.length && d.end > d.start) assert.notStrictEqual(a.charCodeAt(d.start), b.charCodeAt(d.start));
      }),
    );
  });

  it('gives a keystroke in a long email as the few characters it changed', () => {
    const before = `<html><body>${'<p>Hello there</p>'.repeat(5000)}</body></html>`;
    const after = before.replace('Hello there</p><p>Hello', 'Hello therex</p><p>Hello');
    const d = diffText(before, after);
    assert.deepStrictEqual(d, { start: before.indexOf('</p>'), end: before.indexOf('</p>'), text: 'x' });
    assert.strictEqual(applyPatch(before, d), after);
  });

  it('keeps a surrogate pair whole across a patch', () => {
    const a = 'a😀b';
    const b = 'a😁b';
    assert.strictEqual(applyPatch(a, diffText(a, b)), b);
  });
});
