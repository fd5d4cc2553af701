import * as assert from 'assert';
import { frameKey } from '../../../webview/frame';
import { darkHtml, declaresDarkStyles } from '../../../webview/views';

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

describe('the dark view', () => {
  const email = '<html><head><style>p { color: #111 } @media (prefers-color-scheme: dark) { p { color: #eee } } @media (prefers-color-scheme:light) { p { color: #000 } }</style></head><body><p>x</p></body></html>';

  it('applies the dark rules, drops the light ones, and makes the page dark', () => {
    const d = darkHtml(email);
    assert.match(d, /@media \(min-width: 0px\) \{ p \{ color: #eee \} \}/);
    assert.match(d, /@media \(max-width: 0px\) \{ p \{ color: #000 \} \}/);
    assert.match(d, /<head><style data-ongage-dark>:root \{ color-scheme: dark; \}<\/style>/);
    assert.doesNotMatch(d, /prefers-color-scheme/);
    assert.match(darkHtml('<p>no head</p>'), /^<style data-ongage-dark>/);
  });

  it('tells an email with dark styles from one without', () => {
    assert.ok(declaresDarkStyles(email));
    assert.ok(declaresDarkStyles('<style>[data-ogsc] .x { color: #fff }</style>'));
    assert.ok(!declaresDarkStyles('<style>p { color: #111 }</style><p>dark chocolate</p>'));
  });
});
