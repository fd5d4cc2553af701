import { strict as assert } from 'assert';
import { renderEmail } from '../../../src/core/render';

const email = (sheet: string, body = '<a class="l" href="#">x</a>') => `<html><head><style>.l { color: #06f; } ${sheet}</style></head><body>${body}</body></html>`;
const conflicts = (html: string) => renderEmail({ html }, { values: { vip: 1 } }).notes.filter((n) => n.fix);

describe('render: a conditional <style> rule that loses to an inlined style', () => {
  it('is noted at its declaration, with !important as the fix', () => {
    const html = email('{{ocx_if vip = 1}}.l { color: #b8860b; font-weight: bold }{{ocx_endif}}');
    const [n, ...rest] = conflicts(html);
    assert.equal(rest.length, 0, 'font-weight has no inline rival');
    assert.equal(html.slice(n.start, n.end), 'color: #b8860b');
    assert.match(n.message, /\.l \{ color \}.*inside \{\{ocx_if\}\}.*<a class="l">.*!important/);
    const fixed = html.slice(0, n.fix!.at) + n.fix!.text + html.slice(n.fix!.at);
    assert.match(fixed, /color: #b8860b !important;/);
    assert.deepEqual(conflicts(fixed), []);
  });

  it('is not noted outside ocx_if, without a rival inline property, or for selectors it cannot match safely', () => {
    assert.deepEqual(conflicts(email('.l { color: #b8860b }')), []);
    assert.deepEqual(conflicts(email('{{ocx_if vip = 1}}.l { text-decoration: none }{{ocx_endif}}')), []);
    assert.deepEqual(conflicts(email('{{ocx_if vip = 1}}td .l { color: #b8860b }{{ocx_endif}}')), []);
    assert.deepEqual(conflicts(email('{{ocx_if vip = 1}}.other { color: #b8860b }{{ocx_endif}}')), []);
  });

  it('points into the header template when the rule is there', () => {
    const header = '<html><head><style>{{ocx_if vip = 1}}a.l { color: #b8860b }{{ocx_endif}}</style></head><body><p>Head</p></body></html>';
    const r = renderEmail({ html: email(''), header }, { values: { vip: 1 } });
    const n = r.notes.find((x) => x.fix);
    assert.ok(n);
    assert.equal(n.part, 'header');
    assert.equal(header.slice(n.start, n.end), 'color: #b8860b');
  });
});
