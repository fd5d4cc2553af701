// Journey: library commands as a person uses them — New Email in a folder (name, subject, then it opens),
// Rename with F2, Delete with its confirmation, and a refused delete whose message says what to do.
import * as assert from 'assert';
import * as env from './harness/env';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { answer, sandboxEmail, sandboxFolder, startCommand, until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

const LIST = SEED_IDS.lists.newsletter;
const serverEmails = (url: string, parentId: number) => sandboxFolder(url, LIST, parentId);
const serverEmail = (url: string, id: number) => sandboxEmail(url, LIST, id);

describe('e2e: library commands', function () {
  const sandbox = useSandbox('library-commands');
  const wb = useWorkbench(() => ({
    name: 'library-commands',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
  }));
  let w: Workbench;

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.expand('Newsletter');
    await w.waitForTreeItem('Archive');
  });

  it('creates an email in the selected folder and opens it', async () => {
    await w.clickTreeItem('Archive');
    await startCommand(w, 'Ongage: New Email…');
    await answer(w, /Name of the new email/, 'Spring launch');
    await answer(w, /Subject line/, 'Spring is here, {{first_name:friend}}');
    const created = await until('the email on the sandbox', async () =>
      (await serverEmails(sandbox().url, SEED_IDS.folders.archive)).find((e) => e.name === 'Spring launch'),
    );
    assert.strictEqual(created.subject, 'Spring is here, {{first_name:friend}}');
    await until('its editor tab', async () => (await w.editorTabs()).some((t) => t.includes('Spring launch')));
    assert.match(await w.editorText(), /Hi \{\{first_name:there\}\}/);
    await w.waitForTreeItem('Spring launch');
    await w.screenshot('email created and opened');
  });

  it('renames the selected email with F2', async () => {
    await w.clickTreeItem('Spring launch');
    await env.delay(400);
    await w.page.keyboard.press('F2');
    await answer(w, /Rename "Spring launch"/, 'Spring launch (final)');
    await w.waitForTreeItem('Spring launch (final)');
    await until('the new name on the sandbox', async () =>
      (await serverEmails(sandbox().url, SEED_IDS.folders.archive)).some((e) => e.name === 'Spring launch (final)'),
    );
  });

  it('deletes after confirmation', async () => {
    const id = Number((await serverEmails(sandbox().url, SEED_IDS.folders.archive)).find((e) => e.name === 'Spring launch (final)')!.id);
    await w.clickTreeItem('Spring launch (final)');
    // The selection reaches the extension host a moment after the click; a person's next key press is slower.
    await env.delay(400);
    await w.page.keyboard.press('Delete');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /Delete email "Spring launch \(final\)" \(id \d+\) from Ongage\?/);
    await w.screenshot('delete confirmation');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await until('the email to go from the sandbox', async () => (await serverEmail(sandbox().url, id)).status === 404);
    await until('the row to go', async () => !(await w.treeRows()).some((r) => r.label === 'Spring launch (final)'));
  });

  it('keeps an email used by a campaign, and says why and what to do', async () => {
    const launched = (await serverEmail(sandbox().url, SEED_IDS.emails.launched)).email!;
    // Find it in the tree through the filter, then delete it.
    await startCommand(w, 'Ongage: Filter Library…');
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Filter the Ongage library' }).waitFor();
    await w.page.locator('.quick-input-widget input.input').first().fill(launched.name);
    await w.page.keyboard.press('Enter');
    await w.clickTreeItem(launched.name);
    await env.delay(400);
    await w.page.keyboard.press('Delete');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    const message = await w.waitForNotification(/used by a campaign/);
    assert.match(message, /remove it from its campaigns in Ongage first/);
    await w.screenshot('delete refused');
    assert.strictEqual((await serverEmail(sandbox().url, SEED_IDS.emails.launched)).status, 200);
    assert.ok((await w.treeRows()).some((r) => r.label === launched.name), 'the refused item left the tree');
  });
});

describe('e2e: the Library tree when Ongage fails', function () {
  const sandbox = useSandbox('library-errors');
  const wb = useWorkbench(() => ({
    name: 'library-errors',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
  }));

  const faults = (body: Record<string, unknown>) =>
    fetch(`${sandbox().url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('shows the error in the tree, not an empty tree, and recovers when the row is clicked', async () => {
    const w = wb();
    await w.openView('Ongage');
    await w.waitForTreeItem('Newsletter', { timeout: 30000 });
    // Every call now fails with a 5xx: reading the library fails after the client's retries.
    await faults({ errorRate: 1 });
    await w.expand('Newsletter');
    const row = await w.waitForTreeItem(/^Could not load/, { timeout: 40000 });
    assert.match(row.label, /click to retry/);
    assert.match(row.description, /\S/, 'the reason is not shown next to the error');
    await w.screenshot('load error shown in the tree');
    await faults({ errorRate: 0 });
    await w.clickTreeItem(/^Could not load/);
    await w.waitForTreeItem('Archive', { timeout: 30000 });
    assert.ok(!(await w.treeRows()).some((r) => /^Could not load/.test(r.label)), 'the error row stayed after the retry');
    await w.screenshot('recovered after retry');
  });
});
