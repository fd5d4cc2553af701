import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkGuards, loadSendConfig } from '../../../src/core/send/guards';
import { appendSendLog, lastRecordFor, readSendLog, repeatWarning, type SendRecord } from '../../../src/core/send/log';

describe('send/guards: checkGuards', () => {
  it('no guards: nothing refused, confirmation above 5', () => {
    assert.deepStrictEqual(checkGuards(['a@x.com'], undefined), { outside: [], needsConfirmation: false });
    const five = Array.from({ length: 5 }, (_, i) => `u${i}@x.com`);
    assert.strictEqual(checkGuards(five, {}).needsConfirmation, false);
    assert.strictEqual(checkGuards([...five, 'six@x.com'], {}).needsConfirmation, true);
  });
  it('confirmAbove is the threshold (0 asks every time)', () => {
    assert.strictEqual(checkGuards(['a@x.com', 'b@x.com'], { confirmAbove: 1 }).needsConfirmation, true);
    assert.strictEqual(checkGuards(['a@x.com'], { confirmAbove: 1 }).needsConfirmation, false);
    assert.strictEqual(checkGuards(['a@x.com'], { confirmAbove: 0 }).needsConfirmation, true);
  });
  it('refuses addresses outside the allowlist, naming them, the source and what is allowed', () => {
    const v = checkGuards(['qa@example.com', 'boss@evil.com', 'x@other.org'], { allowlist: ['@example.com'], allowlistSource: '.ongage/sends.json' });
    assert.deepStrictEqual(v.outside, ['boss@evil.com', 'x@other.org']);
    assert.match(v.refused!, /^Not sent: 2 addresses are outside the sends allowlist \(\.ongage\/sends\.json\): boss@evil\.com, x@other\.org\./);
    assert.match(v.refused!, /Allowed: @example\.com\./);
    assert.strictEqual(checkGuards(['qa@EXAMPLE.com'], { allowlist: ['@example.com'] }).refused, undefined);
    assert.match(checkGuards(['a@b.com'], { allowlist: ['c@d.com'] }).refused!, /this address is outside/);
  });
});

describe('send/guards: loadSendConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sends-cfg-'));
    fs.mkdirSync(path.join(dir, '.git'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it('no file: no guards, no errors', async () => {
    assert.deepStrictEqual(await loadSendConfig(dir), { guards: {}, errors: [] });
  });
  it('the "sends" section of .ongage/lint.json, found from a subfolder', async () => {
    write('.ongage/lint.json', JSON.stringify({ rules: { 'http-link': 'off' }, sends: { allowlist: ['@example.com'], confirmAbove: 2 } }));
    fs.mkdirSync(path.join(dir, 'emails', 'deep'), { recursive: true });
    const r = await loadSendConfig(path.join(dir, 'emails', 'deep'));
    assert.deepStrictEqual(r.errors, []);
    assert.deepStrictEqual(r.guards.allowlist, ['@example.com']);
    assert.strictEqual(r.guards.confirmAbove, 2);
    assert.strictEqual(r.root, dir);
    assert.match(r.guards.allowlistSource!, /lint\.json "sends"$/);
  });
  it('.ongage/sends.json beside it', async () => {
    write('.ongage/lint.json', JSON.stringify({ rules: {} }));
    write('.ongage/sends.json', JSON.stringify({ allowlist: ['qa@agency.io'] }));
    const r = await loadSendConfig(dir);
    assert.deepStrictEqual(r.errors, []);
    assert.deepStrictEqual(r.guards.allowlist, ['qa@agency.io']);
    assert.strictEqual(r.source, path.join(dir, '.ongage', 'sends.json'));
  });
  it('sends.json alone is found too', async () => {
    write('.ongage/sends.json', JSON.stringify({ confirmAbove: 0 }));
    assert.strictEqual((await loadSendConfig(dir)).guards.confirmAbove, 0);
  });
  it('clear errors: broken JSON, bad entries, bad threshold, unknown keys, both places', async () => {
    write('.ongage/sends.json', '{ "allowlist": [ ');
    let r = await loadSendConfig(dir);
    assert.match(r.errors[0], /sends\.json: not valid JSON .*fix the file/);
    write('.ongage/sends.json', JSON.stringify({ allowlist: ['bob@', '@localhost', 'ok@example.com'], confirmAbove: -3, allowList: [] }));
    r = await loadSendConfig(dir);
    assert.strictEqual(r.guards.allowlist, undefined, 'a half-valid allowlist is not used');
    assert.ok(r.errors.some((e) => /allowlist entry "bob@" is not an email address: the domain is missing; write an address/.test(e)), r.errors.join('\n'));
    assert.ok(r.errors.some((e) => /"@localhost" is not a domain/.test(e)));
    assert.ok(r.errors.some((e) => /"confirmAbove" must be a whole number of recipients \(0 or more\), got -3/.test(e)));
    assert.ok(r.errors.some((e) => /unknown sends setting "allowList"/.test(e)));
    write('.ongage/sends.json', JSON.stringify({ allowlist: '@example.com' }));
    assert.match((await loadSendConfig(dir)).errors[0], /"allowlist" must be a list/);
    write('.ongage/lint.json', JSON.stringify({ sends: { confirmAbove: 1 } }));
    write('.ongage/sends.json', JSON.stringify({ confirmAbove: 2 }));
    r = await loadSendConfig(dir);
    assert.match(r.errors[0], /in both .*lint\.json \("sends"\) and .*sends\.json; keep them in one of the two/);
  });
  it('stops at a repository root', async () => {
    const inner = path.join(dir, 'repo');
    fs.mkdirSync(path.join(inner, '.git'), { recursive: true });
    write('.ongage/sends.json', JSON.stringify({ confirmAbove: 1 }));
    assert.deepStrictEqual(await loadSendConfig(inner), { guards: {}, errors: [] });
  });
});

describe('send/log', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sends-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rec = (o: Partial<SendRecord> = {}): SendRecord => ({
    at: '2026-12-01T21:00:00.000Z',
    kind: 'test',
    email: { id: 2019, name: 'January' },
    connection: 'Sandbox',
    listId: 10542,
    espConnectionId: 7101,
    recipients: ['a@x.com'],
    mailingId: 111700,
    result: 'sent',
    fingerprint: 'f1',
    ...o,
  });

  it('appends JSON lines (creating .ongage/), reads them back in order', async () => {
    const file = path.join(dir, '.ongage', 'sends.jsonl');
    await appendSendLog(file, rec());
    await appendSendLog(file, rec({ result: 'maybe-sent', message: 'may have gone out', mailingId: undefined, fingerprint: 'f2' }));
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.strictEqual(lines.length, 3);
    assert.strictEqual(lines[2], '');
    assert.deepStrictEqual(JSON.parse(lines[0]), rec());
    const all = await readSendLog(file);
    assert.deepStrictEqual(all.map((r) => r.fingerprint), ['f1', 'f2']);
  });

  it('writes only the record fields: a stray credential-bearing property never reaches the file', async () => {
    const file = path.join(dir, 'sends.jsonl');
    const evil = { ...rec(), password: 'pw-Secret-93xZ', headers: { X_PASSWORD: 'pw-Secret-93xZ' }, email: { id: 1, token: 'pw-Secret-93xZ' } } as unknown as SendRecord;
    await appendSendLog(file, evil);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes('pw-Secret-93xZ'), text);
    assert.deepStrictEqual(Object.keys(JSON.parse(text)), ['at', 'kind', 'email', 'connection', 'listId', 'espConnectionId', 'recipients', 'mailingId', 'result', 'fingerprint']);
  });

  it('lastRecordFor: the latest of that send; broken lines are skipped; a missing file is empty', async () => {
    const file = path.join(dir, 'sends.jsonl');
    assert.strictEqual(await lastRecordFor(file, 'f1'), undefined);
    await appendSendLog(file, rec({ result: 'maybe-sent', message: 'reset' }));
    fs.appendFileSync(file, 'not json\n{"half": \n[1,2]\n{"fingerprint":"f1","at":"x","recipients":[],"result":"weird"}\n');
    await appendSendLog(file, rec({ fingerprint: 'other' }));
    const last = await lastRecordFor(file, 'f1');
    assert.strictEqual(last?.result, 'maybe-sent');
    assert.match(repeatWarning(last)!, /^The same send to a@x\.com at 2026-12-01 21:00:00 UTC may have gone out \(it failed without a clear answer\)\. Check whether it arrived before sending it again\.$/);
    await appendSendLog(file, rec({ result: 'sent' }));
    assert.strictEqual(repeatWarning(await lastRecordFor(file, 'f1')), undefined);
    assert.strictEqual((await readSendLog(file)).length, 3);
  });
});
