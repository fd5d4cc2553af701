import * as assert from 'assert';
import { parseFromWebview } from '../../../src/shared/messages';
import { webviewNonce } from '../../../src/extension/preview/nonce';

describe('webview → host messages are validated on receipt', () => {
  it('accepts every message the preview sends', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'resync' },
      { type: 'editSamples' },
      { type: 'sendTest' },
      { type: 'selectProfile', index: 2 },
      { type: 'revealNote', index: 0 },
      { type: 'openLink', href: 'https://example.com/?a=1' },
      { type: 'setView', view: 'dark' },
      { type: 'setView', view: 'text' },
      { type: 'copyHtml' },
      { type: 'exportHtml' },
      { type: 'previewContact' },
      { type: 'fixNote', index: 3 },
    ]) {
      assert.deepStrictEqual(parseFromWebview(m), m);
    }
  });

  it('keeps only the known keys (nothing else reaches the host)', () => {
    assert.deepStrictEqual(parseFromWebview({ type: 'sendTest', recipients: ['x@evil.example'], uri: 'file:///etc/passwd' }), { type: 'sendTest' });
    assert.deepStrictEqual(parseFromWebview({ type: 'selectProfile', index: 1, extra: true }), { type: 'selectProfile', index: 1 });
    assert.deepStrictEqual(parseFromWebview({ type: 'exportHtml', html: '<script>', path: '/etc/passwd' }), { type: 'exportHtml' });
    assert.deepStrictEqual(parseFromWebview({ type: 'previewContact', email: 'x@evil.example' }), { type: 'previewContact' });
  });

  it('refuses what the preview never sends', () => {
    for (const m of [
      undefined,
      null,
      'sendTest',
      42,
      [],
      {},
      { type: 'launchCampaign' },
      { type: 'selectProfile' },
      { type: 'selectProfile', index: -1 },
      { type: 'selectProfile', index: 1.5 },
      { type: 'selectProfile', index: '1' },
      { type: 'revealNote', index: Number.NaN },
      { type: 'openLink' },
      { type: 'openLink', href: 7 },
      { type: 'openLink', href: `https://x.example/${'a'.repeat(9000)}` },
      { type: '__proto__' },
      { type: 'setView' },
      { type: 'fixNote', index: 0.5 },
      { type: 'setView', view: 'toString' },
      { type: 'setView', view: ['dark'] },
    ]) {
      assert.strictEqual(parseFromWebview(m), undefined, JSON.stringify(m));
    }
  });
});

describe('the preview page nonce', () => {
  it('is 128 random bits in base64, different for every page', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = webviewNonce();
      assert.match(n, /^[A-Za-z0-9+/]{22}==$/);
      assert.strictEqual(Buffer.from(n, 'base64').length, 16);
      seen.add(n);
    }
    assert.strictEqual(seen.size, 200);
  });
});
