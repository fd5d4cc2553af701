/** Properties on random input: nothing throws, tags survive inlining, values cannot break out of their place. */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import type { DocumentKind } from '../../../src/core/language/ast';
import { evaluate, inlineCss, inlineTemplate, renderEmail } from '../../../src/core/render';
import { tagTexts } from './helpers';

const TOKENS = [
  '{{', '}}', '{', '}', '{{{', '\\{{', ':', '[format=', 'd/m/Y', ']', ' ', '\n', '=', '!', '>', '<', '>=', '!=', '"', "'", '&', ';', ',',
  'first_name', 'vip', 'points', 'signup_date', 'ocx_now', 'ocx_contact_id', 'ocx_custom_hash',
  'ocx_if ', 'ocx_elseif ', 'ocx_else', 'ocx_endif', 'ocx_endiff', 'if ', 'AND', 'OR', 'and', 'is empty', '!is empty', 'is null', 'contains', 'begins_with',
  'ocx_url_encode{', 'ocx_generate_hash{algo=md5,data=', 'ocx_feed_html{url=', 'x',
  '<p>', '</p>', '<p class="a b">', '<td style="color:', '<a href="https://x.example/?q=', '">', '<img src="', '<td bgcolor="', '<td width="',
  '<style>', '</style>', '.a{color:red}', 'p{margin:0}', '@media (max-width:1px){', 'td{padding:0;color:', '/*', '*/',
  '<!--', '-->', '<!--[if mso]>', '<![endif]-->', '<body>', '</body>', '<table>', '<tr>', '</tr>', '</table>', '<%', '%>', 'ogtag', 'ogtagt0x',
  // Whole tags, so that most inputs hold some.
  '{{first_name}}', '{{first_name:friend}}', '{{first_name:{{last_name:you}}}}', '{{signup_date[format=j F Y]}}', '{{ocx_url_encode{a b}}}',
  '{{ocx_if vip = 1}}', '{{ocx_if points > 10 AND first_name !is empty}}', '{{ocx_elseif points < 5}}', '{{ocx_else}}', '{{ocx_endif}}',
];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join(''));
const kind = fc.constantFrom<DocumentKind>('html', 'text', 'subject');
const values = fc.dictionary(fc.constantFrom('first_name', 'vip', 'points', 'signup_date', 'email', 'ocx_now', 'FIRST_NAME'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double()));

const internalError = (notes: Array<{ message: string }>) => notes.some((n) => /could not (evaluate|render)/.test(n.message));

describe('render: properties', () => {
  it('evaluate never throws and never falls back to its internal-error path', () => {
    fc.assert(
      fc.property(soup, kind, values, (src, k, v) => {
        const r = evaluate(src, k, { values: v, fields: [{ name: 'signup_date', type: 'date', format: 'dd/mm/yyyy' }], now: new Date(0) });
        assert.equal(typeof r.output, 'string');
        assert.ok(!internalError(r.notes), JSON.stringify(r.notes));
        for (const n of r.notes) assert.ok(n.start >= 0 && n.start <= n.end && n.end <= src.length, JSON.stringify(n));
      }),
      { numRuns: 500 },
    );
  });

  it('evaluate on arbitrary strings never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), kind, (src, k) => {
        const r = evaluate(src, k, { values: { a: 'x' } });
        assert.ok(!internalError(r.notes));
      }),
      { numRuns: 300 },
    );
  });

  it('a text without {{ comes back unchanged', () => {
    fc.assert(
      fc.property(soup.filter((s) => !s.includes('{{')), kind, (src, k) => {
        assert.equal(evaluate(src, k, { values: {} }).output, src);
      }),
    );
  });

  it('inlineCss never throws; the tags come out in the same order, or the template comes back as it was', () => {
    fc.assert(
      fc.property(soup, (src) => {
        const r = inlineTemplate(`<style>.a{color:red}</style>${src}`);
        if (r.inlined) assert.deepEqual(tagTexts(r.html), tagTexts(`<style>.a{color:red}</style>${src}`));
        else assert.equal(r.html, `<style>.a{color:red}</style>${src}`);
        assert.equal(typeof inlineCss(src), 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('renderEmail never throws', () => {
    fc.assert(
      fc.property(soup, soup, soup, values, fc.boolean(), (html, header, subject, v, inline) => {
        const r = renderEmail({ html, header, footer: header, subject, preheader: subject }, { values: v, inlineCss: inline });
        assert.ok(!internalError(r.notes), JSON.stringify(r.notes));
      }),
      { numRuns: 200 },
    );
  });

  it('a value in a link query is fully percent-encoded; in text it cannot open markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (v) => {
        const link = evaluate('<a href="https://x.example/?q={{v}}">{{v}}</a>', 'html', { values: { v: `x${v}` } }).output;
        const m = /^<a href="https:\/\/x\.example\/\?q=([^"]*)">([\s\S]*)<\/a>$/.exec(link);
        assert.ok(m, link);
        assert.match(m[1], /^[A-Za-z0-9\-_.~%]*$/);
        assert.equal(decodeURIComponent(m[1]), `x${v}`);
        assert.ok(!/[<>"']/.test(m[2]), m[2]);
      }),
    );
  });
});
