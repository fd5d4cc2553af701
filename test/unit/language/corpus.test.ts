/**
 * The 30 real emails of the shared corpus (../shared/corpus from the repository root): no syntax errors, and no
 * warnings beyond what its manifest says a linter may rightly raise. Skipped, saying so, when the corpus is absent.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ListField } from '../../../src/core/language/fields';
import { EMAIL_CHECK_RULES } from '../../../src/core/language/checks';
import { lint } from '../../../src/core/language/lint';
import { parse } from '../../../src/core/language/parser';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

interface ManifestFile {
  file: string;
  tags: number;
  ocx_if_blocks: number;
  unsubscribe_link: boolean;
  img_without_alt: number;
  http_links: number;
  text_version?: { file: string };
}

describe('language: the shared corpus of real emails', function () {
  if (!fs.existsSync(path.join(CORPUS, 'manifest.json'))) {
    it(`skipped: the corpus is not at ${CORPUS} (a fresh clone does not have it)`, function () {
      this.skip();
    });
    return;
  }
  const read = (rel: string): string => fs.readFileSync(path.join(CORPUS, rel), 'utf8');
  const manifest = JSON.parse(read('manifest.json')) as { files: ManifestFile[]; large: ManifestFile[] };
  const fields = JSON.parse(read('list-fields.json')) as ListField[];
  const dynamic = JSON.parse(read('dynamic-fields.json')) as Record<string, string[]>;

  it('has the 30 emails the manifest lists', () => {
    assert.strictEqual(manifest.files.length, 30);
  });

  for (const f of [...manifest.files, ...manifest.large]) {
    it(`${f.file}: every tag and ocx_if block found, no errors, only the warnings the manifest allows`, () => {
      const text = read(f.file);
      const parsed = parse(text, { kind: 'html' });
      assert.deepStrictEqual(parsed.problems, []);
      assert.strictEqual(parsed.tags.length, f.tags, 'tags');
      assert.strictEqual(parsed.blocks.length, f.ocx_if_blocks, 'ocx_if blocks');
      const all = lint(text, { kind: 'html', fields, dynamicFields: dynamic[f.file] ?? [], parsed });
      // Client support and accessibility advise (information, hint) and never warn by default: the manifest names
      // no such findings, and the checks' own corpus test (checks-corpus.test.ts) holds them to their expectations.
      const advice = all.filter((d) => EMAIL_CHECK_RULES.includes(d.rule));
      assert.deepStrictEqual(advice.filter((d) => d.severity !== 'information' && d.severity !== 'hint').map((d) => `${d.rule}: ${d.message}`), []);
      const ds = all.filter((d) => !EMAIL_CHECK_RULES.includes(d.rule));
      const count = (rule: string) => ds.filter((d) => d.rule === rule).length;
      assert.deepStrictEqual(
        ds.filter((d) => !['missing-unsubscribe', 'img-alt', 'http-link'].includes(d.rule)).map((d) => `${d.rule}: ${d.message}`),
        [],
      );
      assert.strictEqual(count('missing-unsubscribe'), f.unsubscribe_link ? 0 : 1, 'missing-unsubscribe');
      assert.strictEqual(count('img-alt'), f.img_without_alt, 'img-alt');
      assert.strictEqual(count('http-link'), f.http_links, 'http-link');
      assert.ok(ds.every((d) => d.severity === 'warning'));
      // With Ongage's default unsubscribe link on, the transactional emails are silent about it.
      assert.strictEqual(lint(text, { kind: 'html', fields, dynamicFields: dynamic[f.file] ?? [], unsubscribeDefaultLink: true }).filter((d) => d.rule === 'missing-unsubscribe').length, 0);
    });
    if (f.text_version) {
      const txt = f.text_version.file;
      it(`${txt}: no errors and no unknown fields in the text version`, () => {
        const text = read(txt);
        const ds = lint(text, { kind: 'text', fields, dynamicFields: dynamic[txt] ?? [] });
        assert.deepStrictEqual(ds.filter((d) => d.rule !== 'missing-unsubscribe').map((d) => d.message), []);
        assert.strictEqual(ds.length, f.unsubscribe_link ? 0 : 1);
      });
    }
  }

  it('the subject-line rule does not apply to <title> conditions in the HTML', () => {
    const withTitle = manifest.files.map((f) => read(f.file)).filter((t) => /<title>[^<]*\{\{ocx_if [^}]* [^}]*\}\}/.test(t));
    assert.ok(withTitle.length > 0, 'some corpus emails put a spaced condition in <title>');
    for (const t of withTitle) assert.ok(!lint(t, { kind: 'html', fields }).some((d) => d.rule === 'subject-condition-spaces'));
  });
});
