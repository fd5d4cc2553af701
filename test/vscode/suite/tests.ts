// Extension-host tests: run inside a real VS Code with the extension under development (npm run test:vscode).
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ongage-studio.ongage-studio';

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

describe('Ongage Studio in the extension host', () => {
  before(async function () {
    this.timeout(60000);
    await extension().activate();
  });

  it('activates', () => {
    assert.strictEqual(extension().isActive, true);
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
    await vscode.commands.executeCommand('workbench.view.extension.ongage');
    await vscode.commands.executeCommand('ongage.library.focus');
  });
  it('opens one preview panel beside an HTML email, and brings the same panel back when asked again', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'html', content: '<p>Hello {{first_name:Friend}}</p>' });
    const editor = await vscode.window.showTextDocument(doc);
    const previewTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ongage.preview'));
    await vscode.commands.executeCommand('ongage.showPreview');
    // The workbench reports the new tab a moment after the panel is created.
    for (let i = 0; i < 50 && previewTabs().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await vscode.commands.executeCommand('ongage.showPreview');
    await new Promise((r) => setTimeout(r, 300));
    const previews = previewTabs();
    assert.strictEqual(previews.length, 1, `preview tabs: ${previews.map((t) => t.label).join(', ')}`);
    assert.match(previews[0].label, /^Preview Untitled/);
    assert.notStrictEqual(previews[0].group.viewColumn, editor.viewColumn, 'the preview is not beside the editor');
    assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'the editor lost the focus to the preview');
  });
});
