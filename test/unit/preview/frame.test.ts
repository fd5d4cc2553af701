import * as assert from 'assert';
import { frameKey } from '../../../webview/frame';

describe('the preview frame: morph or swap', () => {
  const page = (head: string, body: string) => `<!DOCTYPE html><html lang="en"><head>${head}</head><body style="margin:0">${body}</body></html>`;
  const head = '<title>Hi</title><style>@media (max-width:600px){.x{padding:4px}}</style>';

  it('morphs when only the body changed (text, attributes, elements)', () => {
    const a = page(head, '<p class="x">Hello Jane</p>');
    assert.strictEqual(frameKey(page(head, '<p class="x">Hello, Jane</p>')), frameKey(a));
    assert.strictEqual(frameKey(page(head, '<p class="y" style="color:red">Hello</p><img src="a.png">')), frameKey(a));
  });

  it('swaps when the head, the <html> element or a <style> in the body changed', () => {
    const a = page(head, '<p>x</p><style>.k{color:red}</style>');
    assert.notStrictEqual(frameKey(page(head.replace('4px', '6px'), '<p>x</p><style>.k{color:red}</style>')), frameKey(a));
    assert.notStrictEqual(frameKey(page('<title>Hi!</title>', '<p>x</p><style>.k{color:red}</style>')), frameKey(a));
    assert.notStrictEqual(frameKey(a.replace('lang="en"', 'lang="de"')), frameKey(a));
    assert.notStrictEqual(frameKey(page(head, '<p>x</p><style>.k{color:blue}</style>')), frameKey(a));
    assert.strictEqual(frameKey(page(head, '<p>y</p><style>.k{color:red}</style>')), frameKey(a));
  });

  it('reads a document without <body> as all head (every change swaps)', () => {
    assert.notStrictEqual(frameKey('<p>a</p>'), frameKey('<p>b</p>'));
    assert.strictEqual(frameKey('<p>a</p>'), frameKey('<p>a</p>'));
  });
});
