// Extension-host tests: run inside a real VS Code with the extension under development (npm run test:vscode).
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ongage-studio.ongage-studio';

// Read when this file loads, before any test runs: nothing has activated the extension yet (an empty workspace,
// no Ongage view shown), so activation below comes from one of its activation events.
const activeAtLoad = vscode.extensions.getExtension(EXTENSION_ID)?.isActive;

/** Polls `check` until it returns true; past `ms` fails naming `what` (with `detail()` when given). */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20000, detail?: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}${detail ? `: ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Manifest {
  contributes: {
    commands?: Array<{ command: string; title: string }>;
    viewsContainers?: { activitybar?: Array<{ id: string; title: string }> };
    views?: Record<string, Array<{ id: string; name: string }>>;
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the extension host`);
  return ext;
}

function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

/** Ids of the views the extension contributes (VS Code registers `<viewId>.focus` and the like for each). */
function viewIds(): string[] {
  return Object.values(manifest().contributes.views ?? {}).flatMap((vs) => vs.map((v) => v.id));
}

/** What activate() returns (src/extension/extension.ts, OngageStudioApi). */
interface Api {
  libraryView: { readonly visible: boolean };
}

let activatedByHtml = false;

describe('Ongage Studio in the extension host', () => {
  before(async function () {
    this.timeout(60000);
    // An HTML document opening activates the extension (onLanguage:html), without anyone calling activate().
    if (!extension().isActive) {
      await vscode.workspace.openTextDocument({ language: 'html', content: '<p>{{first_name}}</p>' });
      await until('the extension to activate after an HTML document opened', () => extension().isActive, 45000);
      activatedByHtml = true;
    }
  });

  it('activates by itself when an HTML document opens (onLanguage:html), and its commands run', async () => {
    assert.strictEqual(activeAtLoad, false, 'the extension was already active before any test ran');
    assert.ok(activatedByHtml, 'something other than the HTML document activated the extension');
    assert.ok((await vscode.commands.getCommands(true)).includes('ongage.showLog'));
    // A command of the activated extension runs without an error (the log channel opens).
    await vscode.commands.executeCommand('ongage.showLog');
  });

  it('registers every command contributed in package.json', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (manifest().contributes.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], `contributed in package.json but not registered by activate(): ${missing.join(', ')}`);
  });

  it('contributes in package.json every ongage.* command it registers', async () => {
    const contributed = new Set((manifest().contributes.commands ?? []).map((c) => c.command));
    const viewPrefixes = viewIds().map((id) => `${id}.`);
    const registered = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('ongage.') && !viewPrefixes.some((p) => id.startsWith(p)),
    );
    const undeclared = registered.filter((id) => !contributed.has(id));
    assert.deepStrictEqual(undeclared, [], `registered but missing from contributes.commands: ${undeclared.join(', ')}`);
  });

  it('contributes the Ongage view container with the Library view, which opens', async () => {
    const containers = manifest().contributes.viewsContainers?.activitybar ?? [];
    assert.ok(
      containers.some((c) => c.id === 'ongage' && c.title === 'Ongage'),
      `no activity-bar container "ongage": ${JSON.stringify(containers)}`,
    );
    const views = manifest().contributes.views?.ongage ?? [];
    assert.ok(views.some((v) => v.id === 'ongage.library' && v.name === 'Library'), `no Library view: ${JSON.stringify(views)}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('ongage.library.focus'), 'VS Code registered no focus command for ongage.library');
    const api = extension().exports as Api;
    assert.ok(api?.libraryView, 'activate() returns no libraryView');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the Library view to be hidden behind the Explorer', () => !api.libraryView.visible);
    await vscode.commands.executeCommand('workbench.view.extension.ongage');
    await vscode.commands.executeCommand('ongage.library.focus');
    await until('the Library view to be visible', () => api.libraryView.visible);
  });
  it('opens one preview panel beside an HTML email, and brings the same panel back when asked again', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'html', content: '<p>Hello {{first_name:Friend}}</p>' });
    const editor = await vscode.window.showTextDocument(doc);
    const previewTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ongage.preview'));
    await vscode.commands.executeCommand('ongage.showPreview');
    // The workbench reports the new tab a moment after the panel is created.
    await until('the preview tab', () => previewTabs().length > 0);
    await vscode.commands.executeCommand('ongage.showPreview');
    await new Promise((r) => setTimeout(r, 300));
    const previews = previewTabs();
    assert.strictEqual(previews.length, 1, `preview tabs: ${previews.map((t) => t.label).join(', ')}`);
    assert.match(previews[0].label, /^Preview Untitled/);
    assert.notStrictEqual(previews[0].group.viewColumn, editor.viewColumn, 'the preview is not beside the editor');
    assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'the editor lost the focus to the preview');
  });
});

// The editor's real diagnostics provider and the command line (`ongage-studio lint --format json`) report the same
// problems for the same files: the project's lint fixtures (broken syntax included) and the shared corpus of real
// emails (../shared/corpus, skipped where absent). Both run with the defaults: no list fields, no config file.
describe('the editor and the command line agree on every diagnostic', function () {
  this.timeout(120000);

  type Row = [rule: string, severity: string, message: string, startLine: number, startChar: number, endLine: number, endChar: number];
  interface CliJson {
    files: Array<{ path: string; diagnostics: Array<{ rule: string; severity: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }> }>;
    skipped: Array<{ path: string }>;
  }

  const root = () => extension().extensionPath;

  function cliLint(cwd: string, files: string[]): Promise<CliJson> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(root(), 'bin', 'ongage-studio.js'), 'lint', '--format', 'json', '--info', '--no-config', ...files], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => {
        // 0: no errors, 1: some error-level diagnostics; anything else is the command line failing.
        if (code !== 0 && code !== 1) return reject(new Error(`ongage-studio lint exited ${code}: ${err}`));
        try {
          resolve(JSON.parse(out) as CliJson);
        } catch (e) {
          reject(new Error(`ongage-studio lint printed no JSON (${String(e)}): ${out.slice(0, 500)} ${err}`));
        }
      });
    });
  }

  const editorRows = (uri: vscode.Uri): Row[] =>
    vscode.languages
      .getDiagnostics(uri)
      // The command line prints every severity but hints (with --info, information findings too).
      .filter((d) => d.source === 'ongage' && d.severity !== vscode.DiagnosticSeverity.Hint)
      .map((d): Row => [
        String(typeof d.code === 'object' ? d.code.value : d.code),
        d.severity === vscode.DiagnosticSeverity.Error ? 'error' : d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : 'information',
        d.message,
        d.range.start.line,
        d.range.start.character,
        d.range.end.line,
        d.range.end.character,
      ])
      .sort();

  /** Opens every file in the editor and waits until its diagnostics are the command line's; returns their count. */
  async function compare(dir: string, files: string[]): Promise<{ diagnostics: number; checked: number }> {
    const json = await cliLint(dir, files);
    const expected = new Map<string, Row[]>(files.map((f) => [f, []]));
    for (const f of json.files) {
      expected.set(
        f.path,
        f.diagnostics.map((d): Row => [d.rule, d.severity, d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]).sort(),
      );
    }
    assert.deepStrictEqual([...expected.keys()].sort(), [...files].sort(), 'the command line reported other files than it was given');
    const docs = await Promise.all(files.map((f) => vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, f)))));
    const actual = () => new Map(docs.map((d, i) => [files[i], editorRows(d.uri)]));
    const same = () => [...actual()].every(([f, rows]) => JSON.stringify(rows) === JSON.stringify(expected.get(f)));
    await until('the editor to show the command line\'s diagnostics', same, 60000, () => {
      const diff = [...actual()].filter(([f, rows]) => JSON.stringify(rows) !== JSON.stringify(expected.get(f)));
      return diff.map(([f, rows]) => `${f}: editor ${JSON.stringify(rows)} vs cli ${JSON.stringify(expected.get(f))}`).join('\n');
    });
    let n = 0;
    for (const rows of expected.values()) n += rows.length;
    return { diagnostics: n, checked: json.files.length };
  }

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the lint fixtures (test/fixtures/lint), errors and fixes of broken templates included', async () => {
    const dir = path.join(root(), 'test', 'fixtures', 'lint');
    // The files the command line checks: it skips plain text without a tag (the editor leaves it alone too).
    const files = fs.readdirSync(dir).filter((f) => /\.(html|txt|ongage-subject)$/.test(f)).sort();
    const r = await compare(dir, files);
    assert.ok(r.diagnostics >= 10, `the fixtures raise many diagnostics (${r.diagnostics})`);
  });

  const corpus = () => path.resolve(root(), '..', 'shared', 'corpus');
  it('every email of the shared corpus (../shared/corpus)', async function () {
    if (!fs.existsSync(corpus())) {
      this.test!.title += ` — skipped: the corpus is not at ${corpus()} (a fresh clone does not have it)`;
      this.skip();
    }
    const valid = fs.readdirSync(path.join(corpus(), 'valid')).filter((f) => /\.(html|txt)$/.test(f)).map((f) => `valid/${f}`);
    const files = [...valid, 'large-20kb.html', 'large-100kb.html'].sort();
    assert.ok(files.length >= 30, `corpus files: ${files.length}`);
    const r = await compare(corpus(), files);
    // The corpus's manifest names warnings a linter may rightly raise (default unsubscribe link, alt, http links).
    assert.ok(r.diagnostics > 0, 'no diagnostics at all on the corpus: the comparison would prove nothing');
    assert.strictEqual(r.checked, files.length, 'every corpus file is checked');
  });
});
