import { strict as assert } from 'assert';
import {
  normalizeBaseUrl,
  validateAccountCode,
  validateBaseUrl,
  validateConnectionName,
  validateUsername,
  webAppUrl,
} from '../../../src/core/accounts/connections';

describe('connection profiles', () => {
  it('normalises base URLs', () => {
    assert.equal(normalizeBaseUrl(' https://api.ongage.net/ '), 'https://api.ongage.net');
    assert.equal(normalizeBaseUrl('https://api.ongage.net/api/'), 'https://api.ongage.net');
    assert.equal(normalizeBaseUrl('http://127.0.0.1:4780'), 'http://127.0.0.1:4780');
  });

  it('accepts https and loopback http, refuses the rest with a reason', () => {
    assert.equal(validateBaseUrl('https://api.ongage.net'), undefined);
    assert.equal(validateBaseUrl('http://127.0.0.1:4780/'), undefined);
    assert.equal(validateBaseUrl('http://localhost:4780'), undefined);
    assert.match(validateBaseUrl('http://api.ongage.net') ?? '', /https/);
    assert.match(validateBaseUrl('ftp://x') ?? '', /https/);
    assert.match(validateBaseUrl('not a url') ?? '', /not a URL/);
    assert.match(validateBaseUrl('') ?? '', /Enter/);
    assert.match(validateBaseUrl('https://u:p@api.ongage.net') ?? '', /credentials/);
  });

  it('validates names, user names and account codes', () => {
    assert.match(validateConnectionName('Prod', ['prod']) ?? '', /exists/);
    assert.equal(validateConnectionName('Prod', ['Staging']), undefined);
    assert.match(validateConnectionName('  ', []) ?? '', /name/);
    assert.match(validateUsername('a b') ?? '', /spaces/);
    assert.equal(validateUsername('me@example.com'), undefined);
    assert.match(validateAccountCode('12 34') ?? '', /alphanumeric/);
    assert.equal(validateAccountCode('acme42'), undefined);
  });

  it('links to the web app only for Ongage hosts', () => {
    assert.equal(webAppUrl({ id: 'a', name: 'S', baseUrl: 'http://127.0.0.1:4780', sandbox: true }, 1, 2), undefined);
    assert.equal(
      webAppUrl({ id: 'a', name: 'P', baseUrl: 'https://api.ongage.net' }, 10542, 2025),
      'https://app.ongage.net/10542/email_messages/edit/2025',
    );
  });
});
