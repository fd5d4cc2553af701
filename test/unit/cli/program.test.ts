/** The parts around the commands: help and version, file kinds, the fields file, the connection from the environment. */
import { strict as assert } from 'assert';
import { connect, toCliError } from '../../../src/cli/connection';
import { parseFieldsJson, toWireField } from '../../../src/cli/fieldsFile';
import { CliError, wantsColor, type CliIO } from '../../../src/cli/io';
import { kindOf, wantsLint } from '../../../src/cli/kinds';
import { VERSION } from '../../../src/cli/program';
import { OngageError } from '../../../src/core/api';
import { parseListField } from '../../../src/core/api/parse';
import { cli } from './helpers';

const io = (env: Record<string, string> = {}): CliIO => ({ out: { write() {} }, err: { write() {} }, env, cwd: process.cwd() });

describe('cli: help and version', () => {
  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), VERSION);
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
  });

  for (const cmd of [[], ['lint'], ['fields'], ['ls'], ['pull'], ['status'], ['push']]) {
    it(`${['ongage-studio', ...cmd].join(' ')} --help shows usage with examples, on stdout, exit 0`, async () => {
      const r = await cli([...cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: ongage-studio/);
      assert.match(r.stdout, /\nExamples:\n {2}\$ ongage-studio /);
      if (cmd.length) assert.match(r.stdout, cmd[0] === 'lint' ? /--max-warnings <n>/ : /--list <id>/);
      if (cmd.length && cmd[0] !== 'lint') assert.match(r.stdout, /ONGAGE_USERNAME, ONGAGE_PASSWORD, ONGAGE_ACCOUNT_CODE/);
    });
  }

  it('help <command> works too; no command or an unknown one is a usage error (exit 2)', async () => {
    assert.match((await cli(['help', 'ls'])).stdout, /Usage: ongage-studio ls/);
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: ongage-studio/);
    const unknown = await cli(['lnit']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'lnit'[\s\S]*Did you mean lint\?/);
  });

  it('bad numbers are usage errors', async () => {
    for (const args of [['ls', '--list', 'abc'], ['ls', '--list', '0'], ['fields', '--list', '1.5'], ['ls', '--folder', '-3']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /takes a whole number|argument missing|unknown option/);
    }
  });
});

describe('cli: file kinds follow the editor', () => {
  it('maps names to kinds as the editor does', () => {
    assert.equal(kindOf('a/b.html'), 'html');
    assert.equal(kindOf('a/B.HTM'), 'html');
    assert.equal(kindOf('a/b.txt'), 'text');
    assert.equal(kindOf('a/b.ongage.txt'), 'text');
    assert.equal(kindOf('a/b.subject.txt'), 'subject');
    assert.equal(kindOf('a/b.ongage-subject'), 'subject');
    assert.equal(kindOf('a/subject'), 'subject');
    assert.equal(kindOf('a\\b.subject.txt'), 'subject');
  });

  it('checks plain .txt only once it uses a tag; HTML and Ongage files always', () => {
    assert.equal(wantsLint('a.txt', 'plain'), false);
    assert.equal(wantsLint('a.txt', 'Hi {{first_name}}'), true);
    assert.equal(wantsLint('a.subject.txt', ''), false);
    assert.equal(wantsLint('a.ongage.txt', 'plain'), true);
    assert.equal(wantsLint('a.ongage-subject', ''), true);
    assert.equal(wantsLint('a.html', ''), true);
  });
});

describe('cli: the fields file', () => {
  it('round-trips what `fields --save` writes through the API parser and back into lint fields', () => {
    const api = parseListField({ id: 7, list_id: 10542, name: 'birthday', title: 'Birthday', type: 'date', format: 'dd/mm/yyyy', default: null, mandatory: '0', position: 4, is_sms: false, deleted: false });
    const wire = toWireField(api);
    assert.deepEqual(wire, { id: 7, list_id: 10542, name: 'birthday', title: 'Birthday', type: 'date', format: 'dd/mm/yyyy', default: null, mandatory: false, position: 4, is_sms: false });
    assert.deepEqual(parseFieldsJson(JSON.parse(JSON.stringify([wire])), 'f.json'), [{ name: 'birthday', title: 'Birthday', type: 'date', format: 'dd/mm/yyyy', default: null }]);
    assert.deepEqual(parseListField(wire).name, 'birthday', 'a saved item is still an Ongage list_fields item');
  });

  it('accepts a bare array, the answer envelope and the catalog form; type defaults to string', () => {
    const one = [{ name: 'vip', default: 0 }];
    const want = [{ name: 'vip', title: null, type: 'string', format: null, default: 0 }];
    assert.deepEqual(parseFieldsJson(one, 'f'), want);
    assert.deepEqual(parseFieldsJson({ payload: one }, 'f'), want);
    assert.deepEqual(parseFieldsJson({ fields: one, fetchedAt: 1 }, 'f'), want);
    assert.throws(() => parseFieldsJson('x', 'f.json'), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /f\.json: expected a list/.test(e.message));
  });
});

describe('cli: the connection comes from the environment', () => {
  it('names every missing variable and never asks for credentials on the command line', () => {
    assert.throws(
      () => connect({ list: 1 }, io({ ONGAGE_USERNAME: 'u@example.com' })),
      (e: unknown) => e instanceof CliError && /set ONGAGE_PASSWORD, ONGAGE_ACCOUNT_CODE in the environment/.test(e.message) && /--sandbox/.test(e.message),
    );
  });

  it('refuses http:// except on this machine, and --sandbox with --base-url', () => {
    const env = { ONGAGE_USERNAME: 'u@example.com', ONGAGE_PASSWORD: 'Secret-Pw-123', ONGAGE_ACCOUNT_CODE: 'acct' };
    assert.throws(() => connect({ baseUrl: 'http://api.example.com' }, io(env)), (e: unknown) => e instanceof CliError && /--base-url: Use https:\/\//.test(e.message) && !e.message.includes('Secret-Pw-123'));
    assert.throws(() => connect({ baseUrl: 'not a url' }, io(env)), /--base-url: "not a url" is not a URL/);
    assert.throws(() => connect({ sandbox: 'http://127.0.0.1:1', baseUrl: 'https://api.ongage.net' }, io()), /either --sandbox or --base-url/);
    const c = connect({ baseUrl: 'https://api.example.com/api/' }, io(env));
    assert.equal(c.baseUrl, 'https://api.example.com');
    c.dispose();
    const fromEnv = connect({}, io({ ...env, ONGAGE_BASE_URL: 'http://127.0.0.1:9' }));
    assert.equal(fromEnv.baseUrl, 'http://127.0.0.1:9');
    fromEnv.dispose();
  });

  it('Ongage errors become exit-2 errors with the next step and without secrets', () => {
    const e = toCliError(new OngageError({ kind: 'auth', message: 'Ongage refused the credentials for account "acct" (HTTP 401) for user u@example.com.' }), ['u@example.com']);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /Check ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE/);
    assert.ok(!e.message.includes('u@example.com'));
  });

  it('colour decisions: NO_COLOR wins, FORCE_COLOR=0 disables, a TTY enables', () => {
    assert.equal(wantsColor({ write() {}, isTTY: true }, {}), true);
    assert.equal(wantsColor({ write() {}, isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColor({ write() {}, isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
    assert.equal(wantsColor({ write() {}, isTTY: true }, { FORCE_COLOR: '0' }), false);
    assert.equal(wantsColor({ write() {}, isTTY: false }, { FORCE_COLOR: '1' }), true);
    assert.equal(wantsColor({ write() {}, isTTY: true }, {}, false), false);
  });
});
