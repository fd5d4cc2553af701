/**
 * Side by side with doiuse-email (npm) on the shared corpus (../shared/corpus): every caniemail feature it flags
 * for the default target clients, the client-support checks flag in the same email too, except the cases listed in
 * EXPECTED_DIFFERENCES with the reason. doiuse-email is given the email without Ongage's tags (each replaced
 * by spaces, which its CSS parser reads as nothing) and without Outlook conditional comments (Outlook-only content,
 * which our checks leave out too); our checks read the email as written.
 * Skipped, saying so, when the corpus is absent.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { doIUseEmail } from 'doiuse-email';
import { caniemailData, DEFAULT_CLIENTS } from '../../../src/core/language/caniemail';
import { lint } from '../../../src/core/language/lint';
import { parse } from '../../../src/core/language/parser';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

/** Where the two differ, and why. `throws`: doiuse-email cannot read the file at all. */
const EXPECTED_DIFFERENCES: Record<string, { missing?: string[]; throws?: RegExp; why: string }> = {
  'valid/04-postmark-invoice.html': {
    throws: /Unmatched selector/,
    why: 'doiuse-email throws: its selector parser (css-what) reads the `@import url("…&amp;display=swap");` line as a selector.',
  },
  'valid/21-sendwithus-meow-digest.html': {
    throws: /@media missing '}'/,
    why: "doiuse-email throws: its CSS parser (reworkcss `css`) stops at the style sheet's minified media queries (\"@media missing '}'\").",
  },
  ...Object.fromEntries(
    ['valid/26-colorlib-welcome.html', 'valid/27-colorlib-order-receipt.html', 'valid/28-colorlib-password-reset.html', 'valid/29-colorlib-newsletter.html']
      .map((f) => [f, { missing: ['css-selector-chaining'], why: 'doiuse-email counts two classes anywhere in a selector as chaining (`.moz-text-html .mj-column-per-100`, a descendant selector); caniemail\'s chaining is `.foo.bar` on one element, which these emails do not use. We report the descendant combinator there.' }]),
  ),
};

describe('email checks side by side with doiuse-email on the shared corpus', function () {
  if (!fs.existsSync(path.join(CORPUS, 'manifest.json'))) {
    it(`skipped: the corpus is not at ${CORPUS} (a fresh clone does not have it)`, function () {
      this.skip();
    });
    return;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: Array<{ file: string }> };
  const byTitle = new Map<string, string>();
  for (const f of caniemailData().data) {
    byTitle.set(f.title, f.slug);
    byTitle.set(f.title.replace(/ element$/, ''), f.slug);
  }
  // doiuse-email carries its own copy of the data; its titles name the same features.
  const slugOf = (message: string): string => {
    const title = /^(?:Note about )?`([^`]*)`/.exec(message)?.[1] ?? message;
    return byTitle.get(title) ?? byTitle.get(title.replace(/ element$/, '')) ?? `unknown title: ${title}`;
  };

  for (const { file } of manifest.files) {
    it(`${file}: every feature doiuse-email flags is flagged`, () => {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      let plain = text;
      for (const t of [...parse(text, { kind: 'html' }).tags].filter((t) => t.depth === 0).reverse()) plain = plain.slice(0, t.start) + ' '.repeat(t.end - t.start) + plain.slice(t.end);
      // Outlook conditional comments hold what only Outlook for Windows reads; our checks leave them out, and
      // doiuse-email's CSS parser throws on the <style> elements some of them hold.
      plain = plain.replace(/<!--\[if [^\]]*\]>[\s\S]*?<!\[endif\]-->/g, (s) => ' '.repeat(s.length));
      const expected = EXPECTED_DIFFERENCES[file];
      let result: { errors?: string[]; notes?: string[] };
      try {
        result = doIUseEmail(plain, { emailClients: [...DEFAULT_CLIENTS] as never });
      } catch (e) {
        assert.ok(expected?.throws, `doiuse-email threw unexpectedly: ${String(e)}`);
        assert.match(String(e), expected.throws);
        return;
      }
      assert.ok(!expected?.throws, 'doiuse-email reads this file now: compare it and drop the expectation');
      const theirs = new Set([...(result.errors ?? []), ...(result.notes ?? [])].map(slugOf));
      const urls = new Set(lint(text, { kind: 'html' }).filter((d) => d.rule === 'client-unsupported' || d.rule === 'client-partial').map((d) => d.href));
      const ours = new Set(caniemailData().data.filter((f) => urls.has(f.url)).map((f) => f.slug));
      const missing = [...theirs].filter((s) => !ours.has(s)).sort();
      assert.deepStrictEqual(missing, expected?.missing ?? []);
      assert.ok(theirs.size > 0, 'doiuse-email flagged something (the comparison is not empty)');
    });
  }
});
