/** `ongage-studio render` in-process: output, notes, options, and the file and option problems (exit 2). */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseSampleJson } from '../../../src/cli/render';
import { CliError } from '../../../src/cli/io';
import { cli, tempDir, writeFiles } from './helpers';

const EMAIL = [
  '<html><head><style>p{color:red} @media (max-width:600px){p{color:blue}}</style></head><body>',
  '<p>Hi {{first_name:there}}, {{nick}}</p>',
  '<p>{{ocx_if vip = 1}}VIP since {{signup_date[format=M Y]}}{{ocx_else}}Welcome{{ocx_endif}} from {{country}}</p>',
  '<a href="https://x.example/?c={{city}}">x</a>',
  '</body></html>',
  '',
].join('\n');

const FIELDS = JSON.stringify([
  { name: 'first_name', type: 'string' },
  { name: 'vip', type: 'numeric', default: '0' },
  { name: 'country', type: 'string', default: 'US' },
  { name: 'city', type: 'string' },
  { name: 'signup_date', type: 'date', format: 'dd/mm/yyyy' },
]);

describe('cli render', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
    writeFiles(t.dir, {
      'email.html': EMAIL,
      'fields.json': FIELDS,
      'vip.json': JSON.stringify({ first_name: 'Jane', vip: 1, signup_date: '14/05/2024', city: 'New York', nick: null }),
      'profile.json': JSON.stringify({ label: 'Gold', values: { first_name: 'Gold' } }),
      'header.html': '<html><head><style>.h{font-weight:bold}</style></head><body><div class="h">Header {{hdr}}</div></body></html>',
      'footer.html': '<p>Footer</p>',
      'bad.json': '{"first_name": ',
      'nested.json': '{"first_name": {"a": 1}}',
      'list.json': '[1, 2]',
    });
  });
  afterEach(() => t.remove());

  it('writes the rendered HTML to stdout and the notes to stderr as path:line:col, exit 0', async () => {
    const r = await cli(['render', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        '<html><head><style>',
        '@media (max-width:600px) {',
        '  p {',
        '    color: blue;',
        '  }',
        '}',
        '</style></head><body>',
        '<p style="color: red;">Hi there, </p>',
        '<p style="color: red;">Welcome from </p>',
        '<a href="https://x.example/?c=">x</a>',
        '</body></html>',
        '',
      ].join('\n'),
    );
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      'email.html:2:29  note  nick has no value in the sample and no fallback: recipients see nothing here.',
      'email.html:3:97  note  country has no value in the sample and no fallback: recipients see nothing here.',
      'email.html:4:31  note  city has no value in the sample and no fallback: recipients see nothing here.',
    ]);
  });

  it('--fields builds the sample as the editor does; --sample values win; dates, defaults and links follow the fields', async () => {
    const r = await cli(['render', '--fields', 'fields.json', '--sample', 'vip.json', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<p style="color: red;">Hi Jane, <\/p>/);
    assert.match(r.stdout, /<p style="color: red;">VIP since May 2024 from US<\/p>/);
    assert.match(r.stdout, /href="https:\/\/x\.example\/\?c=New%20York"/);
    assert.equal(r.stderr, 'email.html:2:29  note  nick has no value in the sample and no fallback: recipients see nothing here.\n');
  });

  it('--sample takes a sample profile ({ "values": … }) too', async () => {
    const r = await cli(['render', '--sample', 'profile.json', 'email.html'], { cwd: t.dir });
    assert.match(r.stdout, /Hi Gold,/);
  });

  it('--profile picks a profile of .ongage/samples.json, as the preview does; --sample still wins', async () => {
    writeFiles(t.dir, { '.ongage/samples.json': JSON.stringify({ profiles: [{ label: 'Gold member', values: { first_name: 'Ada', vip: 1, signup_date: '01/02/2023' } }] }) });
    const r = await cli(['render', '--fields', 'fields.json', '--profile', 'Gold member', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Hi Ada, /);
    assert.match(r.stdout, /VIP since Feb 2023 from US/);
    const both = await cli(['render', '--fields', 'fields.json', '--profile', 'Gold member', '--sample', 'profile.json', 'email.html'], { cwd: t.dir });
    assert.match(both.stdout, /Hi Gold, /);
    assert.match(both.stdout, /VIP since Feb 2023/);
  });

  it('--profile says which profiles exist, or that there is no samples file, with exit 2', async () => {
    const none = await cli(['render', '--profile', 'Gold', 'email.html'], { cwd: t.dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--profile Gold: there is no \.ongage\/samples\.json here .*pass the values with --sample/);
    writeFiles(t.dir, { '.ongage/samples.json': JSON.stringify([{ label: 'Gold member' }, { label: 'Lapsed' }]) });
    const wrong = await cli(['render', '--profile', 'Gold', 'email.html'], { cwd: t.dir });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--profile Gold: no such profile in \.ongage\/samples\.json \(profiles: "Gold member", "Lapsed"\)/);
    assert.equal(wrong.stdout, '');
  });

  it('--header and --footer are composed in; notes name the template they are in; --no-inline keeps <style>', async () => {
    const r = await cli(['render', '--header', 'header.html', '--footer', 'footer.html', '--no-inline', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<style>\.h\{font-weight:bold\}<\/style>\n<\/head><body>\n<div class="h">Header <\/div>\n<p>Hi there/);
    assert.match(r.stdout, /<p>Footer<\/p>\n<\/body><\/html>/);
    assert.match(r.stdout, /<style>p\{color:red\} @media/);
    assert.match(r.stderr, /^header\.html:1:83 {2}note {2}hdr has no value/m);
  });

  it('--subject and --preheader are rendered and printed on stderr; -o writes a file', async () => {
    const r = await cli(['render', '--sample', 'vip.json', '--subject', 'Hi {{first_name}}', '--preheader', '{{ocx_if vip = 1}}Gold{{ocx_endif}} {{x}}', '-o', 'out/preview.html', 'email.html'], { cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(fs.readFileSync(path.join(t.dir, 'out', 'preview.html'), 'utf8'), /Hi Jane/);
    assert.match(r.stderr, /^--preheader:1:37 {2}note {2}x has no value/m);
    assert.match(r.stderr, /^subject: Hi Jane$/m);
    assert.match(r.stderr, /^preheader: Gold $/m);
    assert.match(r.stderr, /^Wrote the rendered email to out\/preview\.html \(\d+ notes? above\)\.$/m);
  });

  const problems: Array<[string, string[], RegExp]> = [
    ['a missing email', ['render', 'nope.html'], /^error: nope\.html: no such file\. Check the path\.$/m],
    ['a folder for the email', ['render', '.'], /is a folder; name an HTML file/],
    ['a missing --sample file', ['render', '--sample', 'none.json', 'email.html'], /--sample none\.json: no such file/],
    ['a --sample that is not JSON', ['render', '--sample', 'bad.json', 'email.html'], /--sample bad\.json: not valid JSON .*Write the values as \{"first_name": "Jane"/],
    ['a --sample value that is an object', ['render', '--sample', 'nested.json', 'email.html'], /the value of "first_name" is an object; field values are text, numbers, true\/false or null/],
    ['a --sample that is a list', ['render', '--sample', 'list.json', 'email.html'], /expected an object of field values/],
    ['a missing --header', ['render', '--header', 'h.html', 'email.html'], /--header h\.html: no such file/],
    ['a --fields file that is not a field list', ['render', '--fields', 'vip.json', 'email.html'], /vip\.json: expected a list of Ongage list fields/],
    ['an -o that cannot be written', ['render', '-o', 'email.html/x.html', 'email.html'], /-o email\.html\/x\.html: cannot be written \(E[A-Z]+\)/],
    ['no file', ['render'], /missing required argument 'file'/],
    ['an unknown option', ['render', '--inline-css', 'email.html'], /unknown option '--inline-css'/],
  ];
  for (const [what, args, message] of problems) {
    it(`${what}: exit 2 with a message saying what to fix`, async () => {
      const r = await cli(args, { cwd: t.dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('render --help shows the options with examples', async () => {
    const r = await cli(['render', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: ongage-studio render \[options\] <file>/);
    for (const o of ['--fields <file>', '--sample <file>', '--header <file>', '--footer <file>', '--no-inline', '--subject <text>', '-o, --output <file>']) assert.ok(r.stdout.includes(o), o);
    assert.match(r.stdout, /\nExamples:\n {2}\$ ongage-studio render /);
  });

  it('parseSampleJson accepts plain values and null, and refuses lists', () => {
    assert.deepEqual(parseSampleJson({ a: 'x', b: 1, c: true, d: null }, 's.json'), { a: 'x', b: 1, c: true, d: null });
    assert.throws(() => parseSampleJson({ a: [1] }, 's.json'), (e: unknown) => e instanceof CliError && /"a" is a list/.test(e.message));
    assert.throws(() => parseSampleJson('text', 's.json'), CliError);
  });
});
