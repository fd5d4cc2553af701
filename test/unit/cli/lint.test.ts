/** `ongage-studio lint` in-process: output forms, options, configuration, exit codes and bad input. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cli, FIXTURES, tempDir, writeFiles } from './helpers';

const TEXT_LINE = /^(.+):(\d+):(\d+) {2}(error|warning) {2}([a-z-]+) {2}(.+)$/;

const UNSUB = '<a href="{{ocx_unsubscribe_link}}">Unsubscribe</a>';

describe('cli lint: text output and exit codes', () => {
  it('prints path:line:col  severity  rule  message, one finding per line, and exits 1 on errors', async () => {
    const r = await cli(['lint', '--no-config', '--fields', 'fields.json', 'broken.html', 'promo.html']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) assert.match(l, TEXT_LINE);
    assert.ok(lines.includes('broken.html:3:12  error  unclosed-tag  "{{first_name" is not closed: add "}}".'), r.stdout);
    assert.ok(lines.some((l) => l.startsWith('promo.html:6:15  warning  http-link  ')), r.stdout);
    assert.match(r.stderr, /✖ \d+ errors and \d+ warnings in 2 of 2 files\./);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when not a terminal');
  });

  it('exits 0 when there are only warnings, and on a clean file', async () => {
    assert.equal((await cli(['lint', '--no-config', '--fields', 'fields.json', 'promo.html'])).code, 0);
    const clean = await cli(['lint', '--no-config', '--fields', 'fields.json', 'clean.html']);
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, '');
    assert.match(clean.stderr, /✔ 1 file checked, no problems\./);
  });

  it('--max-warnings n fails when there are more than n warnings', async () => {
    const base = ['lint', '--no-config', '--fields', 'fields.json', 'promo.html'];
    const over = await cli([...base, '--max-warnings', '4']);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /5 warnings, more than --max-warnings 4 allows/);
    assert.equal((await cli([...base, '--max-warnings', '5'])).code, 0);
    assert.equal((await cli([...base, '--max-warnings', 'many'])).code, 2);
  });

  it('columns count UTF-16 code units and CRLF files keep their line numbers', async () => {
    const r = await cli(['lint', '--no-config', '--fields', 'fields.json', 'unicode.html']);
    assert.match(r.stdout, /^unicode\.html:3:23 {2}warning {2}unknown-field {2}Unknown field "first_nme"/m);
    assert.match(r.stdout, /^unicode\.html:4:1 {2}warning {2}img-alt/m);
  });

  it('colours only on a terminal, never with NO_COLOR or --no-color; FORCE_COLOR forces it', async () => {
    const args = ['lint', '--no-config', 'promo.html'];
    assert.ok((await cli(args, { tty: true })).stdout.includes('\u001b[33mwarning\u001b[39m'));
    assert.ok(!(await cli(args, { tty: true, env: { NO_COLOR: '1' } })).stdout.includes('\u001b['));
    assert.ok(!(await cli([...args, '--no-color'], { tty: true })).stdout.includes('\u001b['));
    assert.ok(!(await cli(['--no-color', ...args], { tty: true })).stdout.includes('\u001b['));
    assert.ok((await cli(args, { env: { FORCE_COLOR: '1' } })).stdout.includes('\u001b['));
  });

  it('-q prints findings only; the "no fields known" note otherwise says what to pass', async () => {
    const noisy = await cli(['lint', '--no-config', 'promo.html']);
    assert.match(noisy.stderr, /no fields known for `frist_name`, `plan`, `birthday`: field names were not checked\. Pass --fields <file>.* or --list <id>/);
    const quiet = await cli(['lint', '--no-config', '-q', 'promo.html']);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.stdout, noisy.stdout);
  });
});

describe('cli lint: files and globs', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
    writeFiles(t.dir, {
      'emails/a.html': `<body>{{first_name}} ${UNSUB}</body>`,
      'emails/sub/b.html': `<body><img src="x.png"> ${UNSUB}</body>`,
      'emails/c.ongage.txt': 'Hi {{first_name}}\nUnsubscribe: {{ocx_unsubscribe_link}}\n',
      'emails/readme.md': '# not a template',
      'emails/log.txt': 'just a log line',
      'node_modules/x/y.html': '<body>{{broken</body>',
    });
  });
  afterEach(() => t.remove());

  it('expands quoted globs and folders, skipping node_modules, in sorted order', async () => {
    const r = await cli(['lint', '--format', 'json', '**/*.html'], { cwd: t.dir });
    assert.deepEqual(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path), ['emails/a.html', 'emails/sub/b.html']);
    const d = await cli(['lint', '--format', 'json', 'emails'], { cwd: t.dir });
    const out = JSON.parse(d.stdout);
    assert.deepEqual(out.files.map((f: { path: string }) => f.path), ['emails/a.html', 'emails/c.ongage.txt', 'emails/sub/b.html']);
    assert.deepEqual(out.skipped.map((f: { path: string }) => f.path), ['emails/log.txt'], 'plain text without tags is skipped, as in the editor');
  });

  it('a file named twice, or by a file and a glob, is checked once', async () => {
    const r = await cli(['lint', '--format', 'json', 'emails/a.html', './emails/a.html', 'emails/*.html'], { cwd: t.dir });
    assert.deepEqual(JSON.parse(r.stdout).files.map((f: { path: string }) => f.path), ['emails/a.html']);
  });

  it('a plain .txt named explicitly without tags is skipped with a note; --kind text checks it', async () => {
    const r = await cli(['lint', 'emails/log.txt'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /note: skipped emails\/log\.txt: plain text without Ongage tags .* pass --kind text to check it/);
    const forced = await cli(['lint', '--kind', 'text', 'emails/log.txt'], { cwd: t.dir });
    assert.match(forced.stdout, /^emails\/log\.txt:1:1 {2}warning {2}missing-unsubscribe/);
  });

  it('--kind subject checks any file as a subject line', async () => {
    writeFiles(t.dir, { 's.md': '{{ocx_if vip = 1}}Hi{{ocx_endif}}' });
    const r = await cli(['lint', '--kind', 'subject', 's.md'], { cwd: t.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /s\.md:1:1 {2}error {2}subject-condition-spaces/);
    assert.equal((await cli(['lint', '--kind', 'pdf', 's.md'], { cwd: t.dir })).code, 2);
  });

  it('bad input exits 2 with a message saying what to fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['lint', 'missing.html'], /missing\.html: no such file or folder\. Check the path/],
      [['lint', 'emails/*.pdf'], /"emails\/\*\.pdf" matches no template files/],
      [['lint', '**/*.md'], /matches no template files .*it matched 1 other file/],
      [['lint', 'emails/readme.md'], /emails\/readme\.md: lint checks \.html, \.htm, \.txt and \.ongage-subject files; pass --kind/],
      [['lint'], /missing required argument 'files'/],
      [['lint', '--format', 'xml', 'emails'], /argument 'xml' is invalid\. Allowed choices are text, json, sarif/],
      [['lint', '--rule', 'http-link', 'emails'], /--rule "http-link": write it as <rule>=off\|warning\|error/],
      [['lint', '--rule', 'no-such-rule=off', 'emails'], /unknown rule "no-such-rule"\. Known rules: unclosed-tag/],
      [['lint', '--rule', 'img-alt=loud', 'emails'], /rule "img-alt" is set to "loud"; use "off", "hint", "information", "warning" or "error"/],
      [['lint', '--fields', 'nope.json', 'emails'], /nope\.json: no such fields file\. Write one with `ongage-studio fields --list <id> --save/],
      [['lint', '--fields', 'emails', 'emails'], /is a folder; --fields takes the JSON file/],
      [['lint', '--fields', 'f.json', '--list', '5', 'emails'], /Pass either --fields <file> or --list <id>, not both/],
      [['lint', '--config', 'nope.json', 'emails'], /--config nope\.json: no such file/],
      [['lint', '--bogus', 'emails'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, { cwd: t.dir });
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '', 'nothing on stdout');
    }
  });

  it('a malformed fields file exits 2 and says what a fields file looks like', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{ not json', /bad\.json: not valid JSON \(.*\)\. Fix it, or write it again with `ongage-studio fields --save bad\.json`/],
      ['{"name": "x"}', /bad\.json: expected a list of Ongage list fields such as \[/],
      ['[{"type": "string"}]', /bad\.json: item 1 has no "name"/],
      ['[{"name": "a"}, 3]', /bad\.json: item 2 is not an object/],
      ['[{"name": "a", "type": 7}]', /bad\.json: field "a" has a "type" that is not text/],
    ];
    for (const [content, message] of cases) {
      writeFiles(t.dir, { 'bad.json': content });
      const r = await cli(['lint', '--fields', 'bad.json', 'emails'], { cwd: t.dir });
      assert.equal(r.code, 2, content);
      assert.match(r.stderr, message, content);
    }
  });

  it('reads Ongage\'s answer envelope ({"payload": [...]}) as a fields file', async () => {
    writeFiles(t.dir, { 'envelope.json': JSON.stringify({ metadata: { error: false }, payload: [{ name: 'first_name', type: 'string' }] }) });
    const r = await cli(['lint', '--fields', 'envelope.json', '--format', 'json', 'emails/a.html'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout).files[0].diagnostics, []);
  });

  it('a byte order mark does not shift columns (the editor drops it too)', async () => {
    writeFiles(t.dir, { 'bom.html': `\uFEFF<body><img src="x.png"> ${UNSUB}</body>` });
    const r = await cli(['lint', 'bom.html'], { cwd: t.dir });
    assert.match(r.stdout, /^bom\.html:1:7 {2}warning {2}img-alt/);
  });

  it('--output writes the results to a file; stdout stays empty', async () => {
    const r = await cli(['lint', '--format', 'json', '--output', 'out/results.json', 'emails'], { cwd: t.dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Wrote json results to out\/results\.json\./);
    const doc = JSON.parse(fs.readFileSync(path.join(t.dir, 'out/results.json'), 'utf8'));
    assert.equal(doc.files.length, 3);
    const text = await cli(['lint', '--output', 'r.txt', 'emails/sub/b.html'], { cwd: t.dir, tty: true });
    assert.match(fs.readFileSync(path.join(t.dir, 'r.txt'), 'utf8'), /^emails\/sub\/b\.html:1:7 {2}warning {2}img-alt/);
    assert.ok(!fs.readFileSync(path.join(t.dir, 'r.txt'), 'utf8').includes('\u001b['), 'no colour in a file');
    assert.equal(text.stdout, '');
  });
});

describe('cli lint: settings', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
    writeFiles(t.dir, {
      'a.html': '<body><img src="x.png"><a href="http://x.example">x</a> {{receipt_id}} {{first_name}}</body>',
      'fields.json': '[{"name": "first_name", "type": "string"}]',
    });
  });
  afterEach(() => t.remove());

  const rules = async (args: string[], cwd = t.dir): Promise<Array<{ rule: string; severity: string; message: string }>> => {
    const r = await cli(['lint', '--format', 'json', ...args], { cwd });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return JSON.parse(r.stdout).files[0].diagnostics;
  };

  it('--rule switches rules off and changes severities; repeated and comma-separated', async () => {
    const before = await rules(['a.html']);
    assert.deepEqual(before.map((d) => d.rule).sort(), ['http-link', 'img-alt', 'missing-unsubscribe']);
    const after = await rules(['--rule', 'http-link=off', '--rule', 'img-alt=error,missing-unsubscribe=warn', 'a.html']);
    assert.deepEqual(after.map((d) => `${d.rule}:${d.severity}`).sort(), ['img-alt:error', 'missing-unsubscribe:warning']);
  });

  it('--fields turns on unknown-field; --dynamic-fields accepts transactional fields', async () => {
    const withFields = await rules(['--fields', 'fields.json', 'a.html']);
    assert.ok(withFields.some((d) => d.rule === 'unknown-field' && d.message.startsWith('Unknown field "receipt_id"')));
    const withDynamic = await rules(['--fields', 'fields.json', '--dynamic-fields', 'order_id, receipt_id', 'a.html']);
    assert.ok(!withDynamic.some((d) => d.rule === 'unknown-field'));
  });

  it('.ongage/lint.json in the working folder or above applies; flags win over it; --no-config ignores it', async () => {
    writeFiles(t.dir, { '.ongage/lint.json': '{"rules": {"http-link": "off", "img-alt": "error"}, "dynamicFields": ["receipt_id"]}', 'sub/b.html': fs.readFileSync(path.join(t.dir, 'a.html'), 'utf8') });
    const sub = path.join(t.dir, 'sub');
    const d = await rules(['--fields', '../fields.json', 'b.html'], sub);
    assert.deepEqual(d.map((x) => `${x.rule}:${x.severity}`).sort(), ['img-alt:error', 'missing-unsubscribe:warning']);
    const flagged = await rules(['--fields', '../fields.json', '--rule', 'img-alt=warning', 'b.html'], sub);
    assert.ok(flagged.some((x) => x.rule === 'img-alt' && x.severity === 'warning'));
    const ignored = await rules(['--no-config', '--fields', '../fields.json', 'b.html'], sub);
    assert.ok(ignored.some((x) => x.rule === 'http-link') && ignored.some((x) => x.rule === 'unknown-field'));
  });

  it('--config <file> reads another file', async () => {
    writeFiles(t.dir, { 'team-lint.json': '{"rules": {"missing-unsubscribe": "off"}}' });
    const d = await rules(['--config', 'team-lint.json', 'a.html']);
    assert.ok(!d.some((x) => x.rule === 'missing-unsubscribe'));
  });

  it('an invalid .ongage/lint.json exits 2 naming the file and the problem', async () => {
    writeFiles(t.dir, { '.ongage/lint.json': '{"rules": {"http-links": "off"}}' });
    const r = await cli(['lint', 'a.html'], { cwd: t.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /lint\.json: unknown rule "http-links"\. Known rules: .*\n\(or pass --no-config to ignore the file\)/);
    writeFiles(t.dir, { '.ongage/lint.json': '{"rules": ' });
    const broken = await cli(['lint', 'a.html'], { cwd: t.dir });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON/);
  });
});

describe('cli lint: client support and accessibility', () => {
  it('--format json carries each HTML email\'s support score; --info adds the information findings', async () => {
    const t = tempDir();
    try {
      writeFiles(t.dir, { 'a.html': `<html lang="en"><head><title>x</title></head><body><div style="border-radius:6px; display:flex">Hi</div>${UNSUB}</body></html>`, 'b.ongage.txt': `Hi\n${UNSUB}\n` });
      const plain = JSON.parse((await cli(['lint', '--no-config', '--format', 'json', '.'], { cwd: t.dir })).stdout);
      assert.deepEqual(plain.files.find((f: { path: string }) => f.path === 'a.html').diagnostics, []);
      assert.equal(plain.files[0].support, undefined, 'without --info the checks do not run');
      const withInfo = JSON.parse((await cli(['lint', '--no-config', '--info', '--format', 'json', '.'], { cwd: t.dir })).stdout);
      const a = withInfo.files.find((f: { path: string }) => f.path === 'a.html');
      assert.ok(a.support.clients > 0 && a.support.score < 100, JSON.stringify(a.support));
      assert.ok(a.support.costliest.some((c: { feature: string }) => c.feature === 'css-border-radius'));
      assert.equal(withInfo.files.find((f: { path: string }) => f.path === 'b.ongage.txt').support, undefined, 'no score for a text part');
      const raised = JSON.parse((await cli(['lint', '--no-config', '--rule', 'client-unsupported=warning', '--format', 'json', 'a.html'], { cwd: t.dir })).stdout);
      assert.ok(raised.files[0].diagnostics.some((d: { rule: string; severity: string }) => d.rule === 'client-unsupported' && d.severity === 'warning'), 'a check raised to warning runs without --info');
      const info = await cli(['lint', '--no-config', '--info', '--format', 'json', 'a.html'], { cwd: t.dir });
      assert.equal(info.code, 0);
      const doc = JSON.parse(info.stdout);
      assert.ok(doc.infoCount > 0 && doc.warningCount === 0);
      assert.ok(doc.files[0].diagnostics.every((d: { severity: string }) => d.severity === 'information'));
      const text = await cli(['lint', '--no-config', '--info', 'a.html'], { cwd: t.dir });
      assert.match(text.stdout, /^a\.html:1:\d+ {2}info {2}client-unsupported {2}Outlook: Windows/m);
      assert.match(text.stderr, /no problems \(and \d+ information findings\)/);
    } finally {
      t.remove();
    }
  });
});

describe('cli lint: hostile input', () => {
  it('tags nested 2,000 deep: the nesting is reported at its line and column, not "this is a bug"', async () => {
    const t = tempDir();
    try {
      writeFiles(t.dir, { 'deep.html': `<p>\n${'{{a:'.repeat(2000)}\n${UNSUB}</p>\n`, 'deep-if.html': `${'{{ocx_if a = 1}}'.repeat(5000)}x${'{{ocx_endif}}'.repeat(5000)}${UNSUB}` });
      const r = await cli(['lint', '--no-config', 'deep.html', 'deep-if.html'], { cwd: t.dir });
      assert.equal(r.code, 1);
      assert.ok(!/this is a bug/.test(r.stderr), r.stderr);
      assert.match(r.stdout, /^deep\.html:2:133 {2}error {2}tag-syntax {2}Tags nested more than 32 deep/m);
      assert.match(r.stdout, /^deep-if\.html:1:1025 {2}error {2}block-structure {2}\{\{ocx_if\}\} blocks nested more than 64 deep/m);
      const json = await cli(['lint', '--no-config', '--format', 'json', 'deep.html'], { cwd: t.dir });
      assert.ok(JSON.parse(json.stdout));
    } finally {
      t.remove();
    }
  });
});
