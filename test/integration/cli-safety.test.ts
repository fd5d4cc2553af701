/**
 * The command line cannot lose data or leak into a terminal: an output that is an input is refused, every file it
 * writes is replaced whole (a new file renamed over the old), JSON files with a byte order mark are read as the
 * editor reads them, the last-resort error boundary masks credentials, and names from the server reach the
 * terminal without control characters. In-process runs against files and the sandbox over loopback.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startSandbox } from '../../sandbox/server';
import type { CliIO } from '../../src/cli/io';
import { run } from '../../src/cli/program';
import { cli, FIXTURES, tempDir, writeFiles } from '../unit/cli/helpers';

const LIST = 10542;
const BOM = '\uFEFF';
const EMAIL = '<html><head><title>Hi</title></head><body><p>Hello {{first_name:Friend}}</p></body></html>\n';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

describe('cli: an output that is an input is refused', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir('ongage-cli-safety-');
    writeFiles(t.dir, { 'email.html': EMAIL, 'header.html': '<p>Header</p>', 'fields.json': fs.readFileSync(path.join(FIXTURES, 'fields.json'), 'utf8') });
  });
  afterEach(() => t.remove());
  const email = () => fs.readFileSync(path.join(t.dir, 'email.html'), 'utf8');

  it('render -o naming the email itself, however it is spelled, exits 2 and leaves the template as it was', async () => {
    fs.mkdirSync(path.join(t.dir, 'sub'));
    fs.symlinkSync(path.join(t.dir, 'email.html'), path.join(t.dir, 'link.html'));
    fs.linkSync(path.join(t.dir, 'email.html'), path.join(t.dir, 'hard.html'));
    for (const out of ['email.html', './email.html', 'sub/../email.html', path.join(t.dir, 'email.html'), 'link.html', 'hard.html']) {
      const r = await cli(['render', 'email.html', '-o', out], { cwd: t.dir });
      assert.equal(r.code, 2, `${out}: ${r.stderr}`);
      assert.match(r.stderr, /error: -o .* is the email being rendered \(email\.html\); writing there would overwrite it\. Name another output file\./, out);
      assert.equal(r.stdout, '');
      assert.equal(email(), EMAIL, `${out} overwrote the template`);
    }
    // The link itself is an input too, seen from the other side.
    const r = await cli(['render', 'link.html', '-o', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.equal(email(), EMAIL);
  });

  it('render -o naming the --header or --fields file is refused too; another name is written', async () => {
    const header = await cli(['render', 'email.html', '--header', 'header.html', '-o', 'header.html'], { cwd: t.dir });
    assert.equal(header.code, 2);
    assert.match(header.stderr, /is the --header template/);
    assert.equal(fs.readFileSync(path.join(t.dir, 'header.html'), 'utf8'), '<p>Header</p>');
    const fields = await cli(['render', 'email.html', '--fields', 'fields.json', '-o', 'fields.json'], { cwd: t.dir });
    assert.equal(fields.code, 2);
    assert.match(fields.stderr, /is the --fields file/);
    const ok = await cli(['render', 'email.html', '-o', 'out/email.rendered.html'], { cwd: t.dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(fs.readFileSync(path.join(t.dir, 'out/email.rendered.html'), 'utf8'), /Hello Friend/);
    assert.equal(email(), EMAIL);
  });

  it('lint --output naming a template it checks is refused', async () => {
    const r = await cli(['lint', '--no-config', '--format', 'json', '--output', 'email.html', '.'], { cwd: t.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--output email\.html is a template being checked/);
    assert.equal(email(), EMAIL);
  });
});

describe('cli: files are replaced whole, never rewritten in place', () => {
  let sb: Sandbox;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    sb = await startSandbox({ port: 0 });
  });
  after(async () => {
    await sb?.close();
  });
  beforeEach(() => (t = tempDir('ongage-cli-atomic-')));
  afterEach(() => t.remove());

  it('fields --save: a reader holding the old file keeps it whole, the symbolic link and the permissions stay, no temporary file is left', async () => {
    const real = path.join(t.dir, 'real', 'fields.json');
    writeFiles(t.dir, { 'real/fields.json': '[]\n' });
    fs.chmodSync(real, 0o640);
    fs.symlinkSync(real, path.join(t.dir, 'fields.json'));
    // A hard link stands for a reader that opened the old file: an in-place write would change what it sees.
    fs.linkSync(real, path.join(t.dir, 'old-reader.json'));
    const r = await cli(['fields', '--sandbox', sb.url, '--list', String(LIST), '--save', 'fields.json'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(t.dir, 'old-reader.json'), 'utf8'), '[]\n', 'the file was rewritten in place');
    assert.ok(fs.lstatSync(path.join(t.dir, 'fields.json')).isSymbolicLink(), 'the link was replaced by a file');
    const saved = JSON.parse(fs.readFileSync(real, 'utf8')) as Array<{ name: string }>;
    assert.ok(saved.some((f) => f.name === 'birthday'));
    assert.equal(fs.statSync(real).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(path.join(t.dir, 'real')), ['fields.json']);
  });

  it('render -o and lint --output replace their file whole', async () => {
    writeFiles(t.dir, { 'email.html': EMAIL, 'out.html': 'old', 'report.json': 'old' });
    fs.linkSync(path.join(t.dir, 'out.html'), path.join(t.dir, 'out-reader.html'));
    fs.linkSync(path.join(t.dir, 'report.json'), path.join(t.dir, 'report-reader.json'));
    assert.equal((await cli(['render', 'email.html', '-o', 'out.html'], { cwd: t.dir })).code, 0);
    assert.equal((await cli(['lint', '--no-config', '--format', 'json', '--output', 'report.json', 'email.html'], { cwd: t.dir })).code, 0);
    assert.match(fs.readFileSync(path.join(t.dir, 'out.html'), 'utf8'), /Hello Friend/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(t.dir, 'report.json'), 'utf8')).files.length, 1);
    assert.equal(fs.readFileSync(path.join(t.dir, 'out-reader.html'), 'utf8'), 'old');
    assert.equal(fs.readFileSync(path.join(t.dir, 'report-reader.json'), 'utf8'), 'old');
  });
});

describe('cli: JSON files with a byte order mark are read as the editor reads them', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir('ongage-cli-bom-')));
  afterEach(() => t.remove());

  it('.ongage/lint.json, --config and --fields', async () => {
    writeFiles(t.dir, {
      '.ongage/lint.json': `${BOM}{ "rules": { "img-alt": "off" } }`,
      'other.json': `${BOM}{ "rules": { "img-alt": "error" } }`,
      'fields.json': BOM + fs.readFileSync(path.join(FIXTURES, 'fields.json'), 'utf8'),
      'email.html': '<p>Hello {{first_name}} {{nope}}<img src="https://x.example/a.png"></p>\n',
    });
    const r = await cli(['lint', '--format', 'json', '--fields', 'fields.json', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const rules = (JSON.parse(r.stdout).files[0].diagnostics as Array<{ rule: string }>).map((d) => d.rule);
    assert.ok(rules.includes('unknown-field'), `fields were not read: ${rules}`);
    assert.ok(!rules.includes('img-alt'), 'lint.json was not applied');
    const withConfig = await cli(['lint', '--format', 'json', '--config', 'other.json', 'email.html'], { cwd: t.dir });
    assert.equal(withConfig.code, 1, withConfig.stderr);
    assert.ok((JSON.parse(withConfig.stdout).files[0].diagnostics as Array<{ rule: string }>).some((d) => d.rule === 'img-alt'));
  });

  it('the samples file of render --profile, and the --fields and --sample files of render', async () => {
    writeFiles(t.dir, {
      '.ongage/samples.json': `${BOM}{ "profiles": [ { "label": "Ann", "values": { "first_name": "Ann" } } ] }`,
      'sample.json': `${BOM}{ "first_name": "Bo" }`,
      'fields.json': BOM + fs.readFileSync(path.join(FIXTURES, 'fields.json'), 'utf8'),
      'email.html': EMAIL,
    });
    const profile = await cli(['render', 'email.html', '--profile', 'Ann', '--fields', 'fields.json'], { cwd: t.dir });
    assert.equal(profile.code, 0, profile.stderr);
    assert.match(profile.stdout, /Hello Ann/);
    const sample = await cli(['render', 'email.html', '--sample', 'sample.json'], { cwd: t.dir });
    assert.equal(sample.code, 0, sample.stderr);
    assert.match(sample.stdout, /Hello Bo/);
  });
});

describe('cli: the last-resort error boundary', () => {
  const secret = 'Pw-unexpected-93kd';
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ port: 0, credentials: { username: 'ops@example.com', password: secret, accountCode: 'acct9' } });
  });
  after(async () => {
    await sb?.close();
  });

  it('masks the credentials of the environment in an unexpected error, and strips control characters', async () => {
    let stderr = '';
    const io: CliIO = {
      // An unexpected failure whose message carries a credential (as a library's error might).
      out: {
        write: () => {
          throw new Error(`write EPIPE (X_PASSWORD: ${secret}, user ops@example.com)\u001b]0;owned\u0007`);
        },
      },
      err: { write: (s) => void (stderr += s) },
      env: { ONGAGE_PASSWORD: secret, ONGAGE_USERNAME: 'ops@example.com', ONGAGE_ACCOUNT_CODE: 'acct9', ONGAGE_BASE_URL: sb.url },
      cwd: FIXTURES,
    };
    const code = await run(['fields', '--base-url', sb.url], io);
    assert.equal(code, 2);
    assert.match(stderr, /this is a bug in ongage-studio/);
    assert.ok(!stderr.includes(secret), stderr);
    assert.ok(!stderr.includes('ops@example.com'), stderr);
    assert.match(stderr, /X_PASSWORD: \*\*\*/);
    assert.doesNotMatch(stderr, CONTROL);
  });
});

describe('cli: names from the server reach the terminal without control characters', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ port: 0 });
    // Names as a hostile or careless account could hold them: colours, a cursor move, a window title (OSC), C1 CSI.
    const email = sb.store.data.emails.find((e) => e.id === sb.ids.emails.birthday)!;
    email.name = 'Birthday \u001b[2J\u001b[31mgreeting\u001b]0;pwned\u0007 \u009b31m!\r\n';
    const field = sb.store.data.fields.find((f) => f.list_id === LIST && f.name === 'city')!;
    field.title = 'City\u001b[8m hidden\u0007';
    field.default = 'Lis\u0008bon\u202e';
  });
  after(async () => {
    await sb?.close();
  });

  it('ls', async () => {
    const r = await cli(['ls', '--sandbox', sb.url, '--list', String(LIST)]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
    const line = r.stdout.split('\n').find((l) => l.includes(`#${sb.ids.emails.birthday}]`));
    // The new line at the end of the name became a space.
    assert.equal(line, 'Birthday greeting !  ★  [email #2048]');
  });

  it('ls --json keeps the name, with every control character escaped', async () => {
    const r = await cli(['ls', '--sandbox', sb.url, '--list', String(LIST), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
    const tree = JSON.parse(r.stdout) as Array<{ id: number; name: string }>;
    assert.equal(tree.find((n) => n.id === sb.ids.emails.birthday)?.name, sb.store.data.emails.find((e) => e.id === sb.ids.emails.birthday)!.name);
  });

  it('fields, as a table and as JSON', async () => {
    const r = await cli(['fields', '--sandbox', sb.url, '--list', String(LIST)]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
    assert.doesNotMatch(r.stdout, /\u202e/);
    assert.ok(r.stdout.split('\n').some((l) => /^city\s+string\s+Lisbon\s+City hidden$/.test(l)), r.stdout);
    const j = await cli(['fields', '--sandbox', sb.url, '--list', String(LIST), '--json']);
    assert.doesNotMatch(j.stdout, CONTROL);
    assert.equal((JSON.parse(j.stdout) as Array<{ name: string; title: string }>).find((f) => f.name === 'city')?.title, 'City\u001b[8m hidden\u0007');
  });
});
