/**
 * Every email of the shared corpus (../shared/corpus): CSS inlining keeps every tag, in order and in place, and
 * keeps the media queries; rendering with a sample profile built from the corpus's list fields (and each file's
 * transactional dynamic fields) leaves no tag behind. Skipped, saying so, when the corpus is absent.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { sampleProfile } from '../../../src/core/fields/catalog';
import type { ListField } from '../../../src/core/language/fields';
import { parse } from '../../../src/core/language/parser';
import { evaluate, inlineTemplate, renderEmail } from '../../../src/core/render';
import { CORPUS_DIR, tagPlaces, tagTexts } from './helpers';

const count = (s: string, what: string): number => s.split(what).length - 1;

describe('render: the shared corpus of real emails', function () {
  if (!fs.existsSync(path.join(CORPUS_DIR, 'list-fields.json'))) {
    it(`skipped: the corpus is not at ${CORPUS_DIR} (a fresh clone does not have it)`, function () {
      this.skip();
    });
    return;
  }
  const read = (rel: string): string => fs.readFileSync(path.join(CORPUS_DIR, rel), 'utf8');
  const fields = JSON.parse(read('list-fields.json')) as ListField[];
  const dynamic = JSON.parse(read('dynamic-fields.json')) as Record<string, string[]>;
  const valid = fs.readdirSync(path.join(CORPUS_DIR, 'valid')).sort().map((f) => `valid/${f}`);
  const html = [...valid.filter((f) => f.endsWith('.html')), 'large-20kb.html', 'large-100kb.html'];
  const text = valid.filter((f) => f.endsWith('.txt'));
  const now = new Date(Date.UTC(2026, 4, 14, 9, 30));

  /** The sample a user would get for this file: list fields and the file's dynamic fields, by sampleProfile(). */
  const sampleFor = (file: string) =>
    sampleProfile([...fields, ...(dynamic[file] ?? []).map((name): ListField => ({ name, type: /date|expiry/.test(name) ? 'date' : 'string' }))]).values;

  it('has the 30 emails and their text versions', () => {
    assert.equal(html.length, 32);
    assert.ok(text.length >= 10);
  });

  for (const file of html) {
    describe(file, () => {
      const source = read(file);

      it('is valid Ongage language (so no tag may be left in the output)', () => {
        assert.deepEqual(parse(source, { kind: 'html' }).problems, []);
      });

      it('inlineCss: the same tags in the same order and places; media queries kept', () => {
        const r = inlineTemplate(source);
        assert.equal(r.inlined, true, r.problem);
        assert.deepEqual(tagTexts(r.html), tagTexts(source));
        assert.deepEqual(tagPlaces(r.html), tagPlaces(source));
        assert.equal(count(r.html, '{{'), count(source, '{{'));
        if (/@media/i.test(source)) assert.match(r.html, /<style[^>]*>[^<]*@media/i);
        assert.ok(/style="[^"]+"/.test(r.html), 'some rules were inlined');
      });

      for (const inlineCss of [true, false]) {
        it(`renderEmail${inlineCss ? '' : ' without inlining'}: no tag left, only notes about system fields Ongage fills in and losing conditional rules`, () => {
          const r = renderEmail({ html: source, subject: 'News for {{first_name:you}}', preheader: '{{ocx_if vip = 1}}VIP{{ocx_endif}}' }, { values: sampleFor(file), fields, now, inlineCss });
          assert.equal(count(r.html, '{{'), 0, r.html.slice(r.html.indexOf('{{') - 80, r.html.indexOf('{{') + 80));
          // Also allowed: a conditional <style> rule that loses to an inlined style (three corpus emails have one).
          const unexpected = r.notes.filter((n) => !/^ocx_\w+ has no value in the sample: the preview shows nothing here/.test(n.message) && !n.fix);
          assert.deepEqual(unexpected, []);
          for (const n of r.notes) assert.equal(n.part, 'html');
          assert.equal(r.subject, 'News for Jane');
          assert.equal(r.preheader, '');
        });
      }
    });
  }

  for (const file of text) {
    it(`${file}: a text part renders with no tag left`, () => {
      const r = evaluate(read(file), 'text', { values: sampleFor(file), fields, now });
      assert.equal(count(r.output, '{{'), 0);
      assert.deepEqual(r.notes.filter((n) => !/^ocx_\w+ has no value/.test(n.message)), []);
    });
  }
});
