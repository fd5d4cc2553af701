import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { htmlToText } from '../../../src/core/library/text';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'valid');
const TAG = /\{\{[^\n]*?\}\}/g;

describe('htmlToText (html-to-text, tags kept)', () => {
  it('keeps paragraphs, links and personalization tags', () => {
    const html = `<html><head><style>p{color:red}</style></head><body>
      <p>Hi {{first_name:Friend}},</p><p>Your order&nbsp;is <b>ready</b> &amp; waiting.</p>
      <a href="https://example.com/o?id={{order_id}}">Track it</a><br>
      {{ocx_if vip = 1}}<p>VIP perks</p>{{ocx_endif}}
      <ul><li>One</li><li>Two</li></ul></body></html>`;
    const text = htmlToText(html);
    assert.match(text, /^Hi \{\{first_name:Friend\}\},/);
    assert.match(text, /Your order is ready & waiting\./);
    assert.match(text, /Track it \(https:\/\/example\.com\/o\?id=\{\{order_id\}\}\)/);
    assert.match(text, /\{\{ocx_if vip = 1\}\}/);
    assert.match(text, /- One\n- Two/);
    assert.doesNotMatch(text, /color:red|<|\n{3}/);
  });

  it('does not strip a condition that holds < or >', () => {
    assert.equal(htmlToText('<p>{{ocx_if age > 17}}Adult{{ocx_endif}}</p>'), '{{ocx_if age > 17}}Adult{{ocx_endif}}');
    assert.equal(htmlToText('<p>{{ocx_if age < 18}}Young{{ocx_endif}}</p>'), '{{ocx_if age < 18}}Young{{ocx_endif}}');
  });

  it('keeps every tag byte for byte: spacing, entities, nested fallbacks, tags in links', () => {
    const html = `<p>{{ocx_if  vip   = 1}}Dear {{first_name:Tom &amp; Jerry}}{{ocx_endif}}</p>
      <p>{{first_name:{{nickname:there}}}}</p>
      <p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a> · <a href="https://x.example/?e={{email}}&amp;l={{ocx_list_id}}">Prefs</a></p>
      <p>{{birthday[format=l, j F]}}</p><!-- {{hidden_in_comment}} -->`;
    const text = htmlToText(html);
    for (const tag of ['{{ocx_if  vip   = 1}}', '{{first_name:Tom &amp; Jerry}}', '{{first_name:{{nickname:there}}}}', '{{ocx_unsubscribe_link}}', '{{email}}', '{{ocx_list_id}}', '{{birthday[format=l, j F]}}']) {
      assert.ok(text.includes(tag), `${tag} in:\n${text}`);
    }
    assert.ok(!text.includes('hidden_in_comment'), 'comments are not text');
    assert.match(text, /Unsubscribe \(\{\{ocx_unsubscribe_link\}\}\)/);
  });

  it('headings keep their case; images and layout tables leave no noise', () => {
    const text = htmlToText('<table><tr><td><img src="x.png" alt="logo"></td></tr><tr><td><h1>Spring is here</h1></td></tr></table>');
    assert.equal(text, 'Spring is here');
  });

  it('the shared corpus: every tag that comes out is one the HTML has, unchanged', function () {
    if (!fs.existsSync(CORPUS)) this.skip();
    for (const f of fs.readdirSync(CORPUS).filter((x) => x.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(CORPUS, f), 'utf8');
      const text = htmlToText(html);
      const inHtml = new Set(html.match(TAG) ?? []);
      for (const t of text.match(TAG) ?? []) assert.ok(inHtml.has(t), `${f}: ${t} was altered`);
      const body = html.replace(/<head[\s\S]*?<\/head>|<!--[\s\S]*?-->|<style[\s\S]*?<\/style>/gi, '');
      const textTags = (body.match(/>[^<]*\{\{[^\n<]*?\}\}[^<]*</g) ?? []).flatMap((s) => s.match(TAG) ?? []);
      for (const t of textTags) assert.ok(text.includes(t), `${f}: ${t} is missing from the text part`);
      assert.doesNotMatch(text, /<\/?[a-z][a-z0-9]*[\s>]/i, `${f}: markup left`);
    }
  });
});
