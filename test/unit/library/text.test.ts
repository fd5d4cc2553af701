import { strict as assert } from 'assert';
import { htmlToText } from '../../../src/core/library/text';

describe('htmlToText', () => {
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
  });
});
