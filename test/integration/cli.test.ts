/**
 * The real command line, spawned as a process (the esbuild bundle, built once here), against fixture files and
 * the sandbox over loopback: every command, the connection from the environment, exit codes, and the bin
 * launcher that `npx ongage-studio` runs.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { startSandbox } from '../../sandbox/server';
import { version } from '../../package.json';
import { childEnv } from '../../scripts/child-env';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/lint');
const LIST = 10542;
const CREDS = { username: 'cli-user.Hq3@example.com', password: 'cli-pass-Rt6vXn2', accountCode: 'cliacct7' };

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let bundle: string;

/** The environment of a CI job: no Ongage variables unless given, no colour settings. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(childEnv())) if (!/^(ONGAGE_|NO_COLOR|FORCE_COLOR)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function spawnNode(script: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; onStdout?: (chunk: string) => void } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd ?? FIXTURES, env: baseEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      opts.onStdout?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cli = (args: string[], opts: Parameters<typeof spawnNode>[2] = {}) => spawnNode(bundle, args, opts);

before(async function () {
  this.timeout(60_000);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-cli-it-'));
  bundle = path.join(work, 'cli.js');
  await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['src/cli/main.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('cli process: lint on files', () => {
  it('prints findings on stdout, the summary on stderr, and exits 1 on errors', async () => {
    const r = await cli(['lint', '--no-config', '--fields', 'fields.json', '.']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^broken\.html:3:12 {2}error {2}unclosed-tag {2}"\{\{first_name" is not closed: add "\}\}"\.$/m);
    assert.match(r.stdout, /^broken\.html:\d+:\d+ {2}error {2}feed-url-field {2}"first_name" in the URL of a static HTML feed/m);
    assert.match(r.stdout, /^promo\.html:\d+:\d+ {2}warning {2}condition-date-format {2}"birthday" is a date field/m);
    assert.ok(!r.stdout.includes('✖'));
    assert.match(r.stderr, /✖ 8 errors and 12 warnings in 7 of 8 files, 1 file skipped\./);
  });

  it('exits 0 without errors, 2 on a usage problem', async () => {
    assert.equal((await cli(['lint', '--no-config', '--fields', 'fields.json', 'clean.html', 'promo.html'])).code, 0);
    const bad = await cli(['lint', 'no/such/*.html']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: "no\/such\/\*\.html" matches no template files/);
    assert.equal(bad.stdout, '');
  });

  it('writes SARIF for upload and JSON for scripts', async () => {
    const out = path.join(work, 'results.sarif');
    const r = await cli(['lint', '--no-config', '--format', 'sarif', '--output', out, 'promo.html']);
    assert.equal(r.code, 0);
    const log = JSON.parse(fs.readFileSync(out, 'utf8'));
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0].tool.driver.version, version);
    const json = await cli(['lint', '--no-config', '--format', 'json', 'promo.html']);
    assert.deepEqual(JSON.parse(json.stdout).files.map((f: { path: string }) => f.path), ['promo.html']);
  });

  it('large output through a pipe arrives whole before the process ends', async () => {
    const dir = path.join(work, 'many');
    fs.mkdirSync(dir);
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(dir, `e${i}.html`), '<body><img src="a.png"><img src="b.png"><a href="http://x.example">x</a></body>');
    const r = await cli(['lint', '--format', 'json', dir]);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.files.length, 300);
    assert.equal(doc.warningCount, 300 * 4);
  });
});

describe('cli process: the bin launcher (npx ongage-studio)', () => {
  it('builds dist/cli.js when it is missing or older than the sources, then runs it', async function () {
    this.timeout(60_000);
    // A copy of the launcher in a scratch "clone" whose sources and node_modules are the real ones.
    const clone = path.join(work, 'clone');
    fs.mkdirSync(path.join(clone, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'bin/ongage-studio.js'), path.join(clone, 'bin/ongage-studio.js'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(clone, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'src'), path.join(clone, 'src'), 'dir');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const built = path.join(clone, 'dist/cli.js');

    const first = await spawnNode(path.join(clone, 'bin/ongage-studio.js'), ['--version']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), version);
    assert.ok(fs.existsSync(built), 'the bundle was built');

    // Up to date: not rebuilt (its time does not change).
    const old = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    fs.utimesSync(built, old, old);
    const second = await spawnNode(path.join(clone, 'bin/ongage-studio.js'), ['lint', '--no-config', 'promo.html']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /promo\.html:4:3 {2}warning {2}img-alt/);
    assert.equal(Math.round(fs.statSync(built).mtimeMs), old.getTime(), 'not rebuilt');

    // Older than a source: rebuilt.
    const stale = new Date(Date.now() - 10 * 365 * 86_400_000);
    fs.utimesSync(built, stale, stale);
    const third = await spawnNode(path.join(clone, 'bin/ongage-studio.js'), ['--version']);
    assert.equal(third.stdout.trim(), version);
    assert.ok(fs.statSync(built).mtimeMs > stale.getTime() + 1000, 'rebuilt');
  });
});

describe('cli process: against the sandbox', () => {
  let sb: Sandbox;
  let url: string;
  before(async () => {
    sb = await startSandbox({ port: 0 });
    url = sb.url;
  });
  after(async () => {
    await sb?.close();
  });

  it('fields: a table with type, format and default', async () => {
    const r = await cli(['fields', '--sandbox', url, '--list', String(LIST)]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^NAME\s+TYPE\s+FORMAT\s+DEFAULT\s+TITLE$/);
    assert.ok(lines.some((l) => /^birthday\s+date\s+dd\/mm\/yyyy\s+Birthday$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^country\s+string\s+US\s+Country$/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^email\s+email\s+Email$/.test(l)), r.stdout);
  });

  it('fields --json prints Ongage list_fields items; --save writes the file lint --fields reads, with the same result as lint --list', async () => {
    const json = await cli(['fields', '--sandbox', url, '--list', String(LIST), '--json']);
    const items = JSON.parse(json.stdout);
    assert.ok(items.some((f: Record<string, unknown>) => f.name === 'birthday' && f.type === 'date' && f.format === 'dd/mm/yyyy' && f.list_id === LIST));
    const file = path.join(work, 'fields.json');
    const saved = await cli(['fields', '--sandbox', url, '--list', String(LIST), '--save', file, '--json']);
    assert.equal(saved.code, 0);
    assert.match(saved.stderr, /Saved 12 fields of list 10542 to .*fields\.json/);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), items);

    const viaFile = await cli(['lint', '--no-config', '--format', 'json', '--fields', file, '.']);
    const viaList = await cli(['lint', '--no-config', '--format', 'json', '--sandbox', url, '--list', String(LIST), '.']);
    assert.equal(viaList.code, viaFile.code);
    assert.deepEqual(JSON.parse(viaList.stdout), JSON.parse(viaFile.stdout));
    assert.match(viaList.stderr, /Reading the fields of list 10542…/);
    assert.ok(JSON.parse(viaList.stdout).files.some((f: { diagnostics: Array<{ rule: string }> }) => f.diagnostics.some((d) => d.rule === 'unknown-field')), 'field names were checked');
    const viaDefault = await cli(['lint', '--no-config', '--format', 'json', '--sandbox', url, '.']);
    assert.match(viaDefault.stderr, /Reading the fields of the account's default list…/);
    assert.deepEqual(JSON.parse(viaDefault.stdout), JSON.parse(viaFile.stdout), 'list 10542 is the default list');
  });

  it('ls: the library as an indented tree, folders first, favourites marked, ids shown', async () => {
    const r = await cli(['ls', '--sandbox', url, '--list', String(LIST)]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'Archive/  [folder #2012]');
    assert.ok(lines.includes('  Onboarding/  [folder #2008]'));
    assert.ok(lines.includes('    Welcome to Harbor & Pine ★  [email #2043]'));
    assert.ok(lines.includes('    One column layout ★  [template #2016]'));
    assert.ok(lines.includes('      January 2024 newsletter ★  [email #2019]'));
    assert.equal(lines[lines.length - 1], 'Birthday greeting ★  [email #2048]', 'root emails after root folders');
    assert.equal(lines.length, 49);
    assert.match(r.stderr, /12 folders, 6 templates, 31 emails \(5 ★\) in list 10542\./);
  });

  it('ls --folder shows one folder; --json nests children', async () => {
    const r = await cli(['ls', '--sandbox', url, '--list', String(LIST), '--folder', '2005']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'Promotions/  [folder #2005]',
      '  Seasonal/  [folder #2006]',
      '    Holiday gift guide  [email #2041]',
      '    New year, new plan  [email #2042]',
      '    Summer collection  [email #2040]',
      '  Black Friday early access  [email #2038]',
      '  Free shipping weekend  [email #2039]',
      '  Spring sale  [email #2037]',
    ]);
    const j = await cli(['ls', '--sandbox', url, '--list', String(LIST), '--folder', '2009', '--json']);
    const tree = JSON.parse(j.stdout);
    assert.deepEqual(tree.map((n: { name: string }) => n.name), ['Layouts', 'Partials']);
    const layout = tree[0].children.find((n: { id: number }) => n.id === 2016);
    assert.equal(layout.type, 'template');
    assert.equal(layout.favorite, true);
  });

  it('ls --folder with an unknown id or an email id exits 2 and says where to find folder ids', async () => {
    const missing = await cli(['ls', '--sandbox', url, '--list', String(LIST), '--folder', '99999']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /There is no folder 99999 in list 10542\. See the folders and their ids with `ongage-studio ls`\./);
    const email = await cli(['ls', '--sandbox', url, '--list', String(LIST), '--folder', '2043']);
    assert.equal(email.code, 2);
    assert.match(email.stderr, /Item 2043 in list 10542 is an email, not a folder/);
  });

  it('ls reads the library with the whole-library listing: one request for 49 items, not one per folder', async () => {
    const before = sb.stats().requests;
    const r = await cli(['ls', '--sandbox', url, '--list', String(LIST)]);
    assert.equal(r.code, 0);
    assert.equal(sb.stats().requests - before, 1, 'one page of 100 holds the whole seed library');
    const folder = await cli(['ls', '--sandbox', url, '--list', String(LIST), '--folder', '2005']);
    assert.equal(folder.code, 0);
    assert.equal(sb.stats().requests - before, 2, 'a folder needs no extra read either');
  });
});

describe('cli process: credentials from the environment', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ port: 0, credentials: CREDS });
  });
  after(async () => {
    await sb?.close();
  });
  const env = (over: Partial<Record<string, string>> = {}) => {
    const e: Record<string, string> = { ONGAGE_USERNAME: CREDS.username, ONGAGE_PASSWORD: CREDS.password, ONGAGE_ACCOUNT_CODE: CREDS.accountCode };
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete e[k];
    else e[k] = v;
    return e;
  };

  it('--base-url with ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE works, and prints no secret', async () => {
    const r = await cli(['fields', '--base-url', sb.url, '--list', String(LIST), '--verbose'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^first_name\s+string/m);
    assert.match(r.stderr, /debug: GET \/10542\/api\/list_fields/);
    for (const secret of [CREDS.username, CREDS.password]) assert.ok(!(r.stdout + r.stderr).includes(secret));
  });

  it('ONGAGE_BASE_URL stands in for --base-url', async () => {
    const r = await cli(['ls', '--list', String(LIST), '--folder', '2010'], { env: { ...env(), ONGAGE_BASE_URL: sb.url } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /One column layout ★ {2}\[template #2016\]/);
  });

  it('wrong credentials exit 2 with what to check, without echoing them', async () => {
    const r = await cli(['ls', '--base-url', sb.url, '--list', String(LIST)], { env: env({ ONGAGE_PASSWORD: 'wrong-Pass-Zz9' }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refused the credentials .*HTTP 401.* Check ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE/);
    assert.ok(!(r.stdout + r.stderr).includes('wrong-Pass-Zz9'));
    assert.ok(!(r.stdout + r.stderr).includes(CREDS.username));
    const lint = await cli(['lint', '--no-config', '--base-url', sb.url, '--list', String(LIST), 'promo.html'], { env: env({ ONGAGE_ACCOUNT_CODE: 'nope' }) });
    assert.equal(lint.code, 2);
    assert.match(lint.stderr, /HTTP 401/);
  });

  it('missing variables exit 2 naming them', async () => {
    const r = await cli(['fields', '--base-url', sb.url], { env: env({ ONGAGE_PASSWORD: undefined, ONGAGE_ACCOUNT_CODE: undefined }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No Ongage credentials: set ONGAGE_PASSWORD, ONGAGE_ACCOUNT_CODE in the environment/);
  });

  it('a server that is not there exits 2 and says to check the address', async function () {
    this.timeout(30_000);
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await cli(['fields', '--sandbox', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: .*Check --base-url \(or --sandbox: is the sandbox running\? `npm run sandbox`\)\./m);
  });
});
