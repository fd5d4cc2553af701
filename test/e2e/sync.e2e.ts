// Journey: a workspace folder in sync with the library — Pull to Folder… from the Library view's context menu,
// edit a pulled file, see it under "Changed locally" in the Ongage source control view with its diff, Push, and
// find the change on the sandbox; then a change made in Ongage shows under "Changed in Ongage" and Pull brings it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as env from './harness/env';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { SANDBOX_AUTH, sandboxEmail, until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

const LIST = SEED_IDS.lists.newsletter;
const FILE = 'ongage/Newsletter/Birthday greeting.html';

describe('e2e: pull to a folder, edit, push', function () {
  const sandbox = useSandbox('sync');
  const wb = useWorkbench(() => ({
    name: 'sync',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
    files: { 'README.md': '# emails\n' },
  }));
  let w: Workbench;
  const scmRow = (label: string | RegExp) => w.page.locator('.scm-view .monaco-list-row', { hasText: label }).first();

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.waitForTreeItem('Newsletter');
  });

  it('pulls the list from the Library view into the workspace', async () => {
    await w.treeItem('Newsletter').click({ button: 'right' });
    const item = w.page.locator('.monaco-menu .action-item', { hasText: 'Pull to Folder…' }).first();
    await item.waitFor({ state: 'visible' });
    await w.screenshot('context menu');
    await item.click();
    const pick = w.page.locator('.quick-input-widget');
    await pick.locator('.quick-input-title', { hasText: 'Pull "Newsletter" to which folder?' }).waitFor({ state: 'visible' });
    await pick.locator('.monaco-list-row', { hasText: path.join('ongage', 'Newsletter') }).first().click();
    await w.waitForNotification(/Pulled into Newsletter: 37 new, 0 updated; 37 items tracked\./, 30000);
    const file = path.join(w.folder, FILE);
    assert.ok(fs.existsSync(file), 'the HTML file is in the workspace');
    assert.ok(fs.existsSync(path.join(w.folder, 'ongage/Newsletter/.ongage/manifest.json')));
    const remote = (await sandboxEmail(sandbox().url, LIST, SEED_IDS.emails.birthday)).email!;
    assert.strictEqual(fs.readFileSync(file, 'utf8'), remote.content_html);
    await w.screenshot('pulled');
  });

  it('shows an edited file under "Changed locally" with its diff, and pushes it', async () => {
    await w.openFile(FILE);
    await w.typeInEditor('<!-- edited in the workspace -->');
    await w.page.keyboard.press('Escape');
    await w.page.keyboard.press('Control+S');
    await until('the saved file', async () => fs.readFileSync(path.join(w.folder, FILE), 'utf8').startsWith('<!-- edited in the workspace -->'));
    await w.openView('Source Control');
    await w.page.locator('.scm-view').first().waitFor({ state: 'visible' });
    await scmRow('Changed locally').waitFor({ state: 'visible', timeout: 20000 });
    const row = scmRow('Birthday greeting.html');
    await row.waitFor({ state: 'visible' });
    await w.screenshot('changed locally');
    await row.click();
    await until('the diff editor', async () => (await w.editorTabs()).some((t) => t.includes('Birthday greeting.html (Ongage) ↔ (workspace)')));
    await w.screenshot('diff');

    await w.runCommand('Ongage: Push to Ongage');
    await w.waitForNotification(/Pushed to Ongage: 1 saved\./, 30000);
    const after = (await sandboxEmail(sandbox().url, LIST, SEED_IDS.emails.birthday)).email!;
    assert.ok(after.content_html.startsWith('<!-- edited in the workspace -->'), 'the sandbox has the edit');
    await until('the row to leave the view', async () => !(await row.isVisible()));
    await w.screenshot('pushed');
  });

  it('shows a change made in Ongage under "Changed in Ongage", and Pull brings it', async () => {
    const res = await fetch(`${sandbox().url}/${LIST}/api/emails/${SEED_IDS.emails.welcome}`, {
      method: 'PUT',
      headers: { ...SANDBOX_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'Changed in the web app' }),
    });
    assert.strictEqual(res.status, 200);
    await w.runCommand('Ongage: Compare with Ongage');
    await scmRow('Changed in Ongage').waitFor({ state: 'visible', timeout: 20000 });
    await w.screenshot('changed in ongage');
    await w.runCommand('Ongage: Pull from Ongage');
    await w.waitForNotification(/Pulled into Newsletter: 0 new, 1 updated/, 30000);
    const settings = fs.readFileSync(path.join(w.folder, 'ongage/Newsletter/Lifecycle/Onboarding/Welcome to Harbor & Pine.ongage.json'), 'utf8');
    assert.match(settings, /"subject": "Changed in the web app"/);
    await env.delay(300);
    assert.ok(!(await scmRow('Changed in Ongage').isVisible()));
  });

  it('both sides changed: shown under Conflicts; Merge shows the merged result, then Push sends it', async () => {
    const file = path.join(w.folder, FILE);
    // Here: a change at the top of the HTML. In Ongage: a new subject. They merge cleanly.
    fs.writeFileSync(file, `<!-- second edit -->\n${fs.readFileSync(file, 'utf8')}`);
    const res = await fetch(`${sandbox().url}/${LIST}/api/emails/${SEED_IDS.emails.birthday}`, {
      method: 'PUT',
      headers: { ...SANDBOX_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'Subject from the web app' }),
    });
    assert.strictEqual(res.status, 200);
    await w.runCommand('Ongage: Compare with Ongage');
    await w.openView('Source Control');
    await scmRow('Conflicts').waitFor({ state: 'visible', timeout: 20000 });
    const row = scmRow('Birthday greeting.html');
    await row.hover();
    await w.screenshot('conflict');
    await row.locator('.action-label[aria-label="Merge"]').click();
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /"Birthday greeting" merges cleanly\. Apply the merge to your files\?/);
    await until('the merge diff', async () => (await w.editorTabs()).some((t) => t.includes('(workspace) ↔ (merged with Ongage)')));
    await w.screenshot('merge shown before it is applied');
    await dialog.locator('.monaco-button', { hasText: /^Apply Merge$/ }).click();
    await until('the merged settings file', async () => /Subject from the web app/.test(fs.readFileSync(file.replace(/\.html$/, '.ongage.json'), 'utf8')));
    assert.match(fs.readFileSync(file, 'utf8'), /^<!-- second edit -->/);
    await until('the merge diff to close', async () => !(await w.editorTabs()).some((t) => t.includes('(merged with Ongage)')));
    await scmRow('Changed locally').waitFor({ state: 'visible', timeout: 20000 });
    await w.runCommand('Ongage: Push to Ongage');
    await w.waitForNotification(/Pushed to Ongage: 1 saved\./, 30000);
    const after = (await sandboxEmail(sandbox().url, LIST, SEED_IDS.emails.birthday)).email!;
    assert.match(after.content_html, /^<!-- second edit -->/);
    assert.strictEqual(after.subject, 'Subject from the web app');
  });

  it("Keep Theirs replaces the local file with Ongage's version after a confirmation naming it", async () => {
    const file = path.join(w.folder, FILE);
    fs.writeFileSync(file, '<p>a local change to throw away</p>');
    const res = await fetch(`${sandbox().url}/${LIST}/api/emails/${SEED_IDS.emails.birthday}`, {
      method: 'PUT',
      headers: { ...SANDBOX_AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content_html: '<p>the web app version</p>' }),
    });
    assert.strictEqual(res.status, 200);
    await w.runCommand('Ongage: Compare with Ongage');
    await w.openView('Source Control');
    await scmRow('Conflicts').waitFor({ state: 'visible', timeout: 20000 });
    const row = scmRow('Birthday greeting.html');
    await row.hover();
    await row.locator('.action-label[aria-label="Keep Theirs"]').click();
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /Replace your files with Ongage's version for "Birthday greeting"\?[\s\S]*Birthday greeting\.html \(#\d+\)/);
    await w.screenshot('keep theirs confirmation');
    await dialog.locator('.monaco-button', { hasText: /^Keep Theirs$/ }).click();
    await until('the file to hold Ongage\'s version', async () => fs.readFileSync(file, 'utf8') === '<p>the web app version</p>');
    await until('the conflict to go', async () => !(await scmRow('Conflicts').isVisible()));
  });
});
