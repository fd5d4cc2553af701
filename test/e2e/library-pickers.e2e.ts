// Journey: the Library's other commands, as a person uses them on the sandbox — New Folder, New Template, Copy Id,
// Open in Web App, Copy to Lists… (its pick), Move to Folder… (its pick) for one row and for a multi-selection, Delete
// of a multi-selection, and Refresh of the whole library and of one folder after Ongage changed behind the view's
// back. Each change is checked on the sandbox itself and in the tree.
import * as assert from 'assert';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { SANDBOX_AUTH, answer, sandboxEmail, sandboxFolder, startCommand, until, type WireEmail } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

const LIST = SEED_IDS.lists.newsletter;
const OTHER_LIST = SEED_IDS.lists.transactional;
type Wire = WireEmail & { type: string };

async function inFolder(url: string, parentId: number, name: string, listId = LIST): Promise<Wire | undefined> {
  return (await sandboxFolder(url, listId, parentId)).find((e) => e.name === name) as Wire | undefined;
}

/** Renames an item on the sandbox directly, as someone working in Ongage's web app would. */
async function renameOnSandbox(url: string, id: number, name: string): Promise<void> {
  const res = await fetch(`${url}/${LIST}/api/emails/${id}`, {
    method: 'PUT',
    headers: { ...SANDBOX_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  assert.ok(res.ok, `the sandbox refused the rename: ${res.status} ${await res.text()}`);
}

/** Rows of the open quick pick, one text each. */
async function pickRows(w: Workbench): Promise<string[]> {
  return (await w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Right-clicks the row labelled `label` and chooses `action` from its context menu (as most of these commands are
 * reached: the palette offers them only while the Library view has the focus). */
async function contextMenu(w: Workbench, label: string, action: string): Promise<void> {
  await w.treeItem(label).click({ button: 'right' });
  const item = w.page.locator('.context-view .action-item .action-label', { hasText: new RegExp(`^${action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
  await item.waitFor({ state: 'visible' });
  // Pointed at, the entry takes the menu's focus; Enter chooses it. (A click that lands while the menu is still
  // settling after the right-click is dropped by the workbench under load: the menu then stays open.)
  await item.hover();
  await until(`"${action}" focused in the context menu`, async () =>
    /\bfocused\b/.test((await item.locator('xpath=ancestor::li[1]').getAttribute('class')) ?? ''));
  await w.page.keyboard.press('Enter');
  await w.page.locator('.context-view .monaco-menu').first().waitFor({ state: 'hidden', timeout: 5000 });
}

async function select(w: Workbench, ...labels: string[]): Promise<void> {
  await w.clickTreeItem(labels[0]);
  for (const l of labels.slice(1)) await w.treeItem(l).click({ modifiers: ['Control'] });
  for (const l of labels) await until(`"${l}" to be selected`, async () => (await w.treeItem(l).getAttribute('aria-selected')) === 'true');
}

describe('e2e: library pickers and the other item commands', function () {
  const sandbox = useSandbox('library-pickers');
  const wb = useWorkbench(() => ({
    name: 'library-pickers',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
  }));
  let w: Workbench;
  let draftsId = 0;
  let templateId = 0;

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.expand('Newsletter');
    await w.waitForTreeItem('Archive');
  });

  it('creates a folder in the selected folder (New Folder…)', async () => {
    await select(w, 'Archive');
    await startCommand(w, 'Ongage: New Folder…');
    await answer(w, /Name of the new folder in "Archive"/, 'Drafts 2026');
    const created = await until('the folder on the sandbox', () => inFolder(sandbox().url, SEED_IDS.folders.archive, 'Drafts 2026'));
    assert.strictEqual(created.type, 'folder');
    draftsId = Number(created.id);
    await w.waitForTreeItem('Drafts 2026');
  });

  it('creates a template in the new folder (New Template…) and opens it', async () => {
    await select(w, 'Drafts 2026');
    await startCommand(w, 'Ongage: New Template…');
    await answer(w, /Name of the new template in "Drafts 2026"/, 'Promo layout');
    // A template has no subject: no second question.
    const created = await until('the template on the sandbox', () => inFolder(sandbox().url, draftsId, 'Promo layout'));
    assert.strictEqual(created.type, 'template');
    templateId = Number(created.id);
    await until('its editor tab', async () => (await w.editorTabs()).some((t) => t.includes('Promo layout')));
    await w.waitForTreeItem('Promo layout');
  });

  it('copies the id of the selected item to the clipboard (Copy Id)', async () => {
    await w.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(w.page.url()).origin });
    await select(w, 'Promo layout');
    // From the palette (typing there takes the focus from the view: the command acts on the view's selection).
    await w.runCommand('Ongage: Copy Id');
    await w.page.locator('.part.statusbar', { hasText: `Copied id ${templateId}` }).first().waitFor();
    const clip = await until('the id on the clipboard', async () => {
      const t = await w.page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      return t === String(templateId) && t;
    });
    assert.strictEqual(clip, String(templateId));
  });

  it('says there is no web app for a sandbox connection (Open in Ongage Web App)', async () => {
    await contextMenu(w, 'Promo layout', 'Open in Ongage Web App');
    const message = await w.waitForNotification(/no web app to open/);
    assert.match(message, /"Sandbox" is not an Ongage account \(it points at http:\/\/127\.0\.0\.1:\d+\)/);
    assert.strictEqual(w.page.context().pages().length, 1, 'a page was opened');
  });

  it('copies the item to another list through the pick (Copy to Lists…)', async () => {
    await contextMenu(w, 'Promo layout', 'Copy to Lists…');
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Copy "Promo layout" to lists' }).waitFor();
    const rows = await until('the lists in the pick', async () => {
      const r = await pickRows(w);
      return r.length > 0 && r;
    });
    // Only the other lists: the item's own list is not offered.
    assert.ok(rows.length === 1 && new RegExp(`^Transactional\\s*${OTHER_LIST}$`).test(rows[0]), `rows: ${JSON.stringify(rows)}`);
    await w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Transactional' }).first().click();
    await until('the row to be ticked', async () => (await w.page.locator('.quick-input-widget .quick-input-list [aria-checked="true"]').count()) >= 1);
    await w.page.keyboard.press('Enter');
    await w.waitForNotification('Copied "Promo layout" to Transactional.');
    const copy = await until('the copy in the Transactional list', () => inFolder(sandbox().url, 0, 'Promo layout', OTHER_LIST));
    assert.strictEqual(copy.type, 'template');
    assert.notStrictEqual(Number(copy.id), templateId);
    assert.strictEqual((await sandboxEmail(sandbox().url, LIST, templateId)).status, 200, 'the original went');
  });

  it('moves the selected item through the pick (Move to Folder…)', async () => {
    await contextMenu(w, 'Promo layout', 'Move to Folder…');
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Move "Promo layout" to…' }).waitFor();
    const rows = await until('the folders in the pick', async () => {
      const r = await pickRows(w);
      return r.some((x) => /Archive/.test(x)) && r;
    });
    assert.match(rows[0], /List root/);
    assert.ok(rows.some((r) => /Drafts 2026.*Archive \/ Drafts 2026/.test(r)), `no folder paths in the pick: ${JSON.stringify(rows)}`);
    await w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'List root' }).first().click();
    await until('the template at the list root on the sandbox', async () => Number((await sandboxEmail(sandbox().url, LIST, templateId)).email?.parent_id) === 0);
    await until('the row at the list root in the tree', async () => {
      const rowsNow = await w.treeRows();
      const moved = rowsNow.find((r) => r.label === 'Promo layout');
      const newsletter = rowsNow.find((r) => r.label === 'Newsletter');
      return moved && newsletter && moved.level === newsletter.level + 1;
    });
  });

  it('moves a multi-selection through the pick', async () => {
    const store = await inFolder(sandbox().url, SEED_IDS.folders.archive, 'Store opening (2023)');
    assert.ok(store);
    await w.expand('Archive');
    await w.waitForTreeItem('Store opening (2023)');
    await select(w, 'Store opening (2023)', 'Promo layout');
    // The right-clicked row is part of the selection: the command acts on both.
    await contextMenu(w, 'Promo layout', 'Move to Folder…');
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Move 2 items to…' }).waitFor();
    await w.page.locator('.quick-input-widget input.input').first().fill('Drafts 2026');
    await w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Drafts 2026' }).first().click();
    await until('both in Drafts 2026 on the sandbox', async () => {
      const names = (await sandboxFolder(sandbox().url, LIST, draftsId)).map((e) => e.name).sort();
      return names.join() === 'Promo layout,Store opening (2023)';
    });
  });

  it('deletes a multi-selection after one confirmation naming both', async () => {
    const items = (await sandboxFolder(sandbox().url, LIST, draftsId)).map((e) => Number(e.id));
    await w.expand('Drafts 2026');
    await select(w, 'Store opening (2023)', 'Promo layout');
    // From the palette: it acts on the view's selection.
    await startCommand(w, 'Ongage: Delete…');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    const text = await dialog.innerText();
    assert.match(text, /Delete 2 items \(/);
    assert.match(text, /"Store opening \(2023\)"/);
    assert.match(text, /"Promo layout"/);
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    for (const id of items) await until(`item ${id} to go from the sandbox`, async () => (await sandboxEmail(sandbox().url, LIST, id)).status === 404);
    await until('both rows to go', async () => !(await w.treeRows()).some((r) => r.label === 'Promo layout' || r.label === 'Store opening (2023)'));
  });

  it('shows what changed on Ongage after Refresh Library, and after Refresh on one folder', async () => {
    await renameOnSandbox(sandbox().url, SEED_IDS.folders.lifecycle, 'Lifecycle (renamed)');
    // The view shows what it loaded until asked to refresh.
    assert.ok((await w.treeRows()).some((r) => r.label === 'Lifecycle'), 'the tree changed before any refresh');
    await w.runCommand('Ongage: Refresh Library');
    await w.expand('Newsletter');
    await w.waitForTreeItem('Lifecycle (renamed)', { timeout: 30000 });

    await w.expand('Archive');
    await w.waitForTreeItem('Drafts 2026');
    await renameOnSandbox(sandbox().url, draftsId, 'Drafts 2027');
    assert.ok((await w.treeRows()).some((r) => r.label === 'Drafts 2026'));
    // The folder row's inline Refresh action.
    const archive = w.treeItem('Archive');
    await archive.hover();
    await archive.locator('.actions .action-label[aria-label^="Refresh"]').click();
    await w.waitForTreeItem('Drafts 2027', { timeout: 30000 });
    assert.ok(!(await w.treeRows()).some((r) => r.label === 'Drafts 2026'), 'the old name stayed after the refresh');
    await w.screenshot('refreshed');
  });
});
