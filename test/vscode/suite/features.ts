// Extension-host tests of the language features and the list fields, through VS Code's own provider commands
// (vscode.executeHoverProvider and friends run every registered provider, the extension's among them) on files in
// the opened workspace folder, and against a sandbox started in this process. (The fields cache on disk while Ongage
// fails is covered by test/e2e/accounts.e2e.ts, across a reload.)
import * as assert from 'assert';
import * as vscode from 'vscode';
import { startSandbox, type RunningSandbox } from '../../../sandbox/server';

const EXTENSION_ID = 'ongage-studio.ongage-studio';

/** Polls `f` until it returns something truthy; fails with `what` (and the last value seen) after `timeout` ms. */
async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>, timeout = 20000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs without a workspace folder');
  return f.uri;
}

async function writeFile(rel: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder(), rel);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function open(rel: string, text: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(await writeFile(rel, text));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The extension's diagnostics on `uri` now. */
function ongageDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ongage');
}

function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(ongageDiagnostics(uri).map((d) => `${ruleOf(d)} ${vscode.DiagnosticSeverity[d.severity]} ${d.range.start.line}:${d.range.start.character}`));
}

/** Waits until the diagnostics of `uri` satisfy `test`. */
function waitForDiagnostics(uri: vscode.Uri, what: string, test: (ds: vscode.Diagnostic[]) => boolean, timeout = 20000): Promise<vscode.Diagnostic[]> {
  return until(`${what} (diagnostics now: ${describeDiagnostics(uri)})`, () => {
    const ds = ongageDiagnostics(uri);
    return test(ds) && ds;
  }, timeout).catch((e: Error) => {
    throw new Error(`${e.message}; finally: ${describeDiagnostics(uri)}`);
  });
}

/** A diagnostic's rule id (a code with a link to its documentation carries it as `value`). */
const ruleOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? d.code.value : d.code);
const byRule = (ds: vscode.Diagnostic[], rule: string) => ds.filter((d) => ruleOf(d) === rule);

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n---\n');
}

async function setLint(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('ongage.lint').update(key, value, vscode.ConfigurationTarget.Global);
}

const CONDITION = `<p>Hi {{first_name:Friend}}</p>
{{ocx_if plan = Gold}}
<p>Gold perks</p>
{{ocx_else}}
<p>Upgrade</p>
{{ocx_endif}}
`;

describe('Ongage language features in the extension host', function () {
  this.timeout(60000);
  before(async function () {
    this.timeout(60000);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  afterEach(async () => {
    for (const key of ['rules', 'enabled', 'htmlFiles', 'dynamicFields']) await setLint(key, undefined);
  });

  it('folds each branch of an ocx_if block and lists the block with its branches as symbols', async () => {
    const doc = await open('structure/offer.html', CONDITION);
    const ranges = await until('folding ranges', async () => {
      const r = (await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri)) ?? [];
      return r.length > 0 && r;
    });
    const has = (start: number, end: number) => ranges.some((r) => r.start === start && r.end === end);
    assert.ok(has(1, 2), `no fold of the ocx_if branch (lines 1–2): ${JSON.stringify(ranges)}`);
    assert.ok(has(3, 4), `no fold of the ocx_else branch (lines 3–4): ${JSON.stringify(ranges)}`);

    const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [];
    const all: vscode.DocumentSymbol[] = [];
    const walk = (ss: vscode.DocumentSymbol[]) => ss.forEach((s) => (all.push(s), walk(s.children ?? [])));
    walk(symbols);
    const names = all.map((s) => s.name);
    const block = all.find((s) => /^ocx_if plan = Gold/.test(s.name));
    assert.ok(block, `no symbol for the ocx_if block: ${JSON.stringify(names)}`);
    assert.strictEqual(block.range.start.line, 1);
    assert.strictEqual(block.range.end.line, 5, 'the block symbol does not reach its ocx_endif');
    const inside = [block, ...(block.children ?? [])].map((s) => s.name);
    assert.ok(inside.some((n) => /^ocx_else/.test(n)) || names.some((n) => /^ocx_else/.test(n)), `no symbol for the ocx_else branch: ${JSON.stringify(names)}`);
  });

  it('applies a quick fix from the editor and the problem goes', async () => {
    const doc = await open('fixes/links.html', '<p>Hi {{first_name}}</p>\n<a href="http://example.com/offer">Offer</a>\n<img src="https://example.com/a.png">\n');
    const [http] = byRule(await waitForDiagnostics(doc.uri, 'the http-link warning', (ds) => byRule(ds, 'http-link').length === 1), 'http-link');
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, http.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const fix = actions.find((a) => a.title === 'Change to https:');
    assert.ok(fix?.edit, `no "Change to https:" quick fix: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit was not applied');
    assert.match(doc.getText(), /<a href="https:\/\/example\.com\/offer">/);
    await waitForDiagnostics(doc.uri, 'the http-link warning to go', (ds) => byRule(ds, 'http-link').length === 0 && byRule(ds, 'img-alt').length === 1);

    const [alt] = byRule(ongageDiagnostics(doc.uri), 'img-alt');
    const altActions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, alt.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const addAlt = altActions.find((a) => /alt=""/.test(a.title));
    assert.ok(addAlt?.edit, `no alt quick fix: ${JSON.stringify(altActions.map((a) => a.title))}`);
    await vscode.workspace.applyEdit(addAlt.edit);
    assert.match(doc.getText(), /<img alt="" src=|<img src="https:\/\/example\.com\/a\.png" alt="">/);
    await waitForDiagnostics(doc.uri, 'the img-alt warning to go', (ds) => byRule(ds, 'img-alt').length === 0);
  });

  it('follows the ongage.lint settings: a rule off or raised to an error, checks off, every HTML file', async () => {
    const doc = await open('settings/links.html', '<p>Hi {{first_name}}</p>\n<a href="http://example.com/">x</a>\n');
    const warn = await waitForDiagnostics(doc.uri, 'the http-link warning', (ds) => byRule(ds, 'http-link').length === 1);
    assert.strictEqual(byRule(warn, 'http-link')[0].severity, vscode.DiagnosticSeverity.Warning);

    await setLint('rules', { 'http-link': 'error' });
    await waitForDiagnostics(doc.uri, 'http-link raised to an error', (ds) => byRule(ds, 'http-link')[0]?.severity === vscode.DiagnosticSeverity.Error);
    await setLint('rules', { 'http-link': 'off' });
    await waitForDiagnostics(doc.uri, 'http-link turned off', (ds) => byRule(ds, 'http-link').length === 0);
    await setLint('rules', undefined);
    await waitForDiagnostics(doc.uri, 'http-link back', (ds) => byRule(ds, 'http-link').length === 1);
    await setLint('enabled', false);
    await waitForDiagnostics(doc.uri, 'no checks at all', (ds) => ds.length === 0);
    await setLint('enabled', undefined);
    await waitForDiagnostics(doc.uri, 'the checks back', (ds) => byRule(ds, 'http-link').length === 1);

    // A page without any tag is a web page, not an email, until htmlFiles is "all".
    const page = await open('settings/page.html', '<p>No tags here</p>\n<a href="http://example.com/">x</a>\n');
    const tagged = await open('settings/tagged.html', '<p>{{first_name}}</p>\n<a href="http://example.com/">x</a>\n');
    await waitForDiagnostics(tagged.uri, 'the tagged file checked', (ds) => byRule(ds, 'http-link').length === 1);
    assert.deepStrictEqual(ongageDiagnostics(page.uri), [], 'an HTML file without tags got email checks');
    await setLint('htmlFiles', 'all');
    await vscode.window.showTextDocument(page);
    await waitForDiagnostics(page.uri, 'the untagged file checked with htmlFiles "all"', (ds) => byRule(ds, 'http-link').length === 1);
  });

  it('reads .ongage/lint.json, and follows an edit of it while the email stays open', async () => {
    const doc = await open('config/alt.html', '<p>Hi {{first_name}}</p>\n<img src="https://example.com/a.png">\n');
    await waitForDiagnostics(doc.uri, 'the img-alt warning', (ds) => byRule(ds, 'img-alt')[0]?.severity === vscode.DiagnosticSeverity.Warning);
    const config = await writeFile('.ongage/lint.json', JSON.stringify({ rules: { 'img-alt': 'off' } }));
    try {
      await waitForDiagnostics(doc.uri, 'img-alt off by lint.json', (ds) => byRule(ds, 'img-alt').length === 0);
      await writeFile('.ongage/lint.json', JSON.stringify({ rules: { 'img-alt': 'error' } }));
      await waitForDiagnostics(doc.uri, 'img-alt an error after editing lint.json', (ds) => byRule(ds, 'img-alt')[0]?.severity === vscode.DiagnosticSeverity.Error);
      // The file wins over the settings for the rules it names.
      await setLint('rules', { 'img-alt': 'off' });
      await waitForDiagnostics(doc.uri, 'lint.json still winning over the setting', (ds) => byRule(ds, 'img-alt')[0]?.severity === vscode.DiagnosticSeverity.Error);
    } finally {
      await vscode.workspace.fs.delete(config);
    }
    await waitForDiagnostics(doc.uri, 'the setting back in charge once lint.json is gone', (ds) => byRule(ds, 'img-alt').length === 0);
  });

  describe('with a sandbox connection', function () {
    // Requests that fail are retried with back-off; on a loaded machine these steps take longer than mocha's default.
    this.timeout(120000);
    let sb: RunningSandbox;
    /** Requests the sandbox received for the list fields. */
    const fieldRequests = (): number => Object.entries(sb.stats().byRoute).filter(([k]) => /list_fields/.test(k)).reduce((n, [, v]) => n + v, 0);
    const FIELDS_EMAIL = '<p>Hi {{first_name:Friend}}, your id is {{customer_id}}.</p>\n<a href="http://example.com/">x</a>\n';

    before(async function () {
      this.timeout(60000);
      sb = await startSandbox();
    });
    after(async () => {
      await sb?.close();
    });

    it('hovers a field as "no list selected" before any connection', async () => {
      const doc = await open('fields/before.html', FIELDS_EMAIL);
      const text = await hoverText(doc.uri, new vscode.Position(0, 9));
      assert.match(text, /\*\*first_name\*\*/);
      assert.match(text, /no list selected/);
      await waitForDiagnostics(doc.uri, 'the first check', (d) => byRule(d, 'http-link').length === 1);
      assert.deepStrictEqual(byRule(ongageDiagnostics(doc.uri), 'unknown-field'), [], 'unknown-field reported without any list');
    });

    it("checks and hovers a workspace file with the fields of the active connection's list", async () => {
      await vscode.workspace.getConfiguration('ongage').update('sandbox.url', sb.url, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('ongage.useSandbox');
      const doc = await open('fields/newsletter.html', FIELDS_EMAIL);
      // customer_id is a field of the Transactional list only; the sandbox account's first list is Newsletter.
      const ds = await waitForDiagnostics(doc.uri, 'customer_id unknown in the Newsletter list', (d) => byRule(d, 'unknown-field').length > 0, 30000);
      const unknown = byRule(ds, 'unknown-field');
      assert.strictEqual(unknown.length, 1, describeDiagnostics(doc.uri));
      assert.match(unknown[0].message, /Unknown field "customer_id"/);
      const text = await until('the list field in the hover', async () => {
        const t = await hoverText(doc.uri, new vscode.Position(0, 9));
        return /List field/.test(t) && t;
      });
      assert.match(text, /First Name/);
      assert.ok(fieldRequests() > 0, 'the sandbox was never asked for list fields');
    });

    it('fetches the fields again on Refresh List Fields', async () => {
      // customer_id is not a Newsletter field (yet); frist_name never is.
      const doc = await open('fields/refresh.html', '<p>{{customer_id}} and {{frist_name}}</p>\n');
      const unknownNames = () => byRule(ongageDiagnostics(doc.uri), 'unknown-field').map((d) => /"([^"]+)"/.exec(d.message)?.[1]).sort();
      await until(`both names unknown (now ${describeDiagnostics(doc.uri)})`, () => unknownNames().length === 2, 30000);
      // Ongage gains the field. The fields stay as fetched (they are kept for minutes) until Refresh List Fields.
      const template = sb.store.data.fields.find((f) => f.list_id === sb.ids.lists.transactional && f.name === 'customer_id');
      assert.ok(template, 'the sandbox seed has no customer_id field in the Transactional list');
      sb.store.data.fields.push({ ...template, id: 99001, list_id: sb.ids.lists.newsletter, position: 99 });
      const before = fieldRequests();
      assert.deepStrictEqual(unknownNames(), ['customer_id', 'frist_name']);
      await vscode.commands.executeCommand('ongage.refreshFields');
      await until(`customer_id known after Refresh List Fields (now ${describeDiagnostics(doc.uri)})`, () => unknownNames().join() === 'frist_name', 30000);
      assert.ok(fieldRequests() > before, 'the warning went without a new list_fields request');
    });

    it('accepts a dynamic field named in ongage.lint.dynamicFields', async () => {
      const doc = await open('fields/dynamic.html', '<p>Receipt {{receipt_id}} for {{first_name}}</p>\n');
      await waitForDiagnostics(doc.uri, 'receipt_id unknown', (d) => byRule(d, 'unknown-field').length === 1, 30000);
      await setLint('dynamicFields', ['receipt_id']);
      await waitForDiagnostics(doc.uri, 'receipt_id accepted as a dynamic field', (d) => byRule(d, 'unknown-field').length === 0);
      assert.match(await hoverText(doc.uri, new vscode.Position(0, 13)), /dynamic field/);
    });
  });
});
