/**
 * The command line reports exactly what the editor shows. For every file of the shared fixture set
 * (test/fixtures/lint/), the CLI's JSON output is compared with the core `lint()` called with the options the
 * editor's diagnostics provider (src/extension/language) builds for the same file in a workspace:
 *   kind          from the language VS Code assigns (html / ongage-text / ongage-subject / plaintext) and the path
 *   fields        the list's fields (here: fields.json, as the catalog would hold them)
 *   dynamicFields the FieldSource's dynamic fields (none for a file on disk)
 *   config        mergeLintConfig(<ongage.lint.* settings>, <workspace .ongage/lint.json>)
 * and plain-text files without a tag are not checked at all.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { DocumentKind } from '../../../src/core/language/ast';
import { mergeLintConfig, parseLintConfig, type LintConfig } from '../../../src/core/language/config';
import { loadLintConfig } from '../../../src/core/language/config-loader';
import { lint, type Diagnostic } from '../../../src/core/language/lint';
import type { ListField } from '../../../src/core/language/fields';
import { cli, FIXTURES, tempDir, writeFiles } from './helpers';

/** How the editor sees each fixture: its kind, or null when it does not check the file. */
const EDITOR_VIEW: Record<string, DocumentKind | null> = {
  'broken.html': 'html',
  'clean.html': 'html',
  'empty.ongage-subject': 'subject',
  'notes.txt': null,
  'promo.html': 'html',
  'receipt.ongage.txt': 'text',
  'reminder.txt': 'text',
  'spring.subject.txt': 'subject',
  'unicode.html': 'html',
};

const fixtureFiles = (): string[] => fs.readdirSync(FIXTURES).filter((f) => f !== 'README.md' && f !== 'fields.json').sort();

/** The fields as the editor's catalog holds them (toLanguageField of the API's items). */
function catalogFields(): ListField[] {
  const items = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'fields.json'), 'utf8')) as Array<Record<string, unknown>>;
  return items.map((f) => ({ name: String(f.name), title: (f.title as string) ?? null, type: String(f.type), format: (f.format as string) ?? null, default: (f.default as string) ?? null }));
}

/** The editor's lint options for a workspace file, given its settings and its workspace's config file. */
function editorDiagnostics(dir: string, file: string, settings: { rules?: Record<string, string>; dynamicFields?: string[] }, fileConfig: LintConfig | undefined, fields: ListField[] | undefined): Diagnostic[] {
  // VS Code drops a byte order mark; the fixtures have none, and the text is otherwise as on disk (CRLF kept).
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const settingsConfig = parseLintConfig({ rules: settings.rules ?? {}, dynamicFields: settings.dynamicFields ?? [] }, 'Settings (ongage.lint)').config;
  return lint(text, { kind: EDITOR_VIEW[file]!, fields, dynamicFields: undefined, unsubscribeDefaultLink: undefined, config: mergeLintConfig(settingsConfig, fileConfig) });
}

type CliJson = { files: Array<{ path: string; kind: string; diagnostics: Array<Diagnostic & Record<string, unknown>> }>; skipped: Array<{ path: string }> };

function stripCliExtras(ds: Array<Diagnostic & Record<string, unknown>>): Diagnostic[] {
  return ds.map(({ line, column, endLine, endColumn, ...rest }) => {
    void line, void column, void endLine, void endColumn;
    return rest as unknown as Diagnostic;
  });
}

async function compare(dir: string, cliArgs: string[], settings: Parameters<typeof editorDiagnostics>[2], fields: ListField[] | undefined): Promise<number> {
  const r = await cli(['lint', '--format', 'json', ...cliArgs, '.'], { cwd: dir });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const out = JSON.parse(r.stdout) as CliJson;
  const fileConfig = (await loadLintConfig(dir)).config;
  const checked = fixtureFiles().filter((f) => EDITOR_VIEW[f] !== null);
  assert.deepEqual(out.files.map((f) => f.path), checked, 'the CLI checks the files the editor checks');
  assert.deepEqual(out.skipped.map((s) => s.path), fixtureFiles().filter((f) => EDITOR_VIEW[f] === null));
  let total = 0;
  for (const f of out.files) {
    assert.equal(f.kind, EDITOR_VIEW[f.path], `kind of ${f.path}`);
    const expected = editorDiagnostics(dir, f.path, settings, fileConfig, fields);
    assert.deepEqual(stripCliExtras(f.diagnostics), expected, `diagnostics of ${f.path}`);
    total += expected.length;
  }
  return total;
}

describe('cli: the editor and the command line agree (test/fixtures/lint)', () => {
  it('every fixture file is covered by the table of what the editor does', () => {
    assert.deepEqual(fixtureFiles(), Object.keys(EDITOR_VIEW).sort());
  });

  it('with the list fields from fields.json: identical diagnostics, messages, ranges and fixes', async () => {
    const n = await compare(FIXTURES, ['--no-config', '--fields', 'fields.json'], {}, catalogFields());
    assert.ok(n >= 15, `the fixtures exercise many rules (${n} diagnostics)`);
  });

  it('without fields (no list known): field names are not checked by either', async () => {
    const n = await compare(FIXTURES, ['--no-config'], {}, undefined);
    assert.ok(n > 0);
  });

  it('dynamic fields from --dynamic-fields equal the editor setting ongage.lint.dynamicFields', async () => {
    await compare(FIXTURES, ['--no-config', '--fields', 'fields.json', '--dynamic-fields', 'receipt_id,order_total'], { dynamicFields: ['receipt_id', 'order_total'] }, catalogFields());
  });

  it('--rule equals the editor setting ongage.lint.rules', async () => {
    await compare(FIXTURES, ['--no-config', '--fields', 'fields.json', '--rule', 'http-link=off', '--rule', 'img-alt=error,lowercase-joiner=warning'], { rules: { 'http-link': 'off', 'img-alt': 'error', 'lowercase-joiner': 'warning' } }, catalogFields());
  });

  it('a workspace .ongage/lint.json applies to both', async () => {
    const t = tempDir();
    try {
      for (const f of [...fixtureFiles(), 'fields.json']) fs.copyFileSync(path.join(FIXTURES, f), path.join(t.dir, f));
      writeFiles(t.dir, { '.ongage/lint.json': JSON.stringify({ rules: { 'http-link': 'off', 'img-alt': 'error', 'missing-unsubscribe': 'off' }, dynamicFields: ['shipping_city', 'receipt_id'] }) });
      const n = await compare(t.dir, ['--fields', 'fields.json'], {}, catalogFields());
      assert.ok(n > 0);
      const r = await cli(['lint', '--format', 'json', '--fields', 'fields.json', '.'], { cwd: t.dir });
      const all = (JSON.parse(r.stdout) as CliJson).files.flatMap((f) => f.diagnostics);
      assert.ok(!all.some((d) => d.rule === 'http-link' || d.rule === 'missing-unsubscribe'), 'rules switched off in the file');
      assert.ok(all.some((d) => d.rule === 'img-alt' && d.severity === 'error'), 'img-alt raised to error by the file');
      assert.ok(!all.some((d) => d.message.includes('"shipping_city"')), 'dynamic fields from the file are known');
    } finally {
      t.remove();
    }
  });

  it("the editor's provider still passes lint() the options this comparison assumes", function () {
    const provider = path.resolve(__dirname, '../../../src/extension/language/index.ts');
    if (!fs.existsSync(provider)) this.skip();
    const src = fs.readFileSync(provider, 'utf8');
    const call = /lint\(doc\.getText\(\), \{([\s\S]*?)\}\);/.exec(src);
    assert.ok(call, 'the provider calls lint(doc.getText(), { … })');
    const keys = [...call[1].matchAll(/^\s*(\w+):/gm)].map((m) => m[1]).sort();
    // composedTemplates is known for library emails only (files have none), so files compare alike.
    assert.deepEqual(keys, ['composedTemplates', 'config', 'dynamicFields', 'fields', 'kind', 'parsed', 'unsubscribeDefaultLink']);
    assert.ok(src.includes(String.raw`/\.subject(\.txt)?$|\/subject$/i`), "the provider's subject-file rule is the one src/cli/kinds.ts follows");
    // Plain text is checked once it uses a tag, as src/cli/kinds.ts does. (The editor also leaves tag-free HTML
    // files alone unless ongage.lint.htmlFiles is "all"; the command line checks every HTML file it is given.)
    assert.ok(src.includes("(doc.languageId === 'html' || doc.languageId === 'plaintext') && doc.getText().includes('{{')"), "the provider's plain-text rule is the one src/cli/kinds.ts follows");
  });
});
