// Journey: editing a library email in place — open it from the tree, edit, Ctrl+S, and the sandbox has it; the
// settings part renames it and the tree follows; a change made on Ongage meanwhile stops the save with a compare,
// resolved both ways (Overwrite → the sandbox has mine; Cancel keeps mine unsaved, "Use Ongage's Version" takes
// theirs); an email of a launched campaign is stored as a copy and the editor moves to it.
import * as assert from 'assert';
import * as env from './harness/env';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { SANDBOX_AUTH, answer, sandboxEmail, startCommand, until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

const LIST = SEED_IDS.lists.newsletter;
const BIRTHDAY = SEED_IDS.emails.birthday;

async function serverEmail(url: string, id: number) {
  const { email } = await sandboxEmail(url, LIST, id);
  if (!email) throw new Error(`email ${id} is not on the sandbox`);
  return email as typeof email & { content_text: string };
}

/** Someone else saves the email in Ongage's web app. */
async function editOnSandbox(url: string, id: number, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/${LIST}/api/emails/${id}`, { method: 'PUT', headers: { ...SANDBOX_AUTH, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${id}: ${res.status} ${await res.text()}`);
}

describe('e2e: edit and save library emails', function () {
  const sandbox = useSandbox('edit-save');
  const wb = useWorkbench(() => ({
    name: 'edit-save',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true, 'files.hotExit': 'onExitAndWindowClose',
      'files.autoSave': 'off',
      // The journey replaces whole texts with insertText: no auto-closed brackets and quotes added to them.
      'editor.autoClosingBrackets': 'never',
      'editor.autoClosingQuotes': 'never',
      'editor.autoSurround': 'never',
      'editor.formatOnType': false,
    },
  }));
  let w: Workbench;
  let name = '';
  let copyId = 0;

  const activeTab = () => w.page.locator('.tabs-container .tab.active');
  const isDirty = async () => ((await activeTab().getAttribute('class')) ?? '').includes('dirty');
  const dialog = () => w.page.locator('.monaco-dialog-box');
  const save = () => w.page.keyboard.press('Control+S');
  const focusEditor = async () => {
    await w.page.locator('.editor-group-container.active .monaco-editor').first().click({ position: { x: 200, y: 10 } });
    await w.page.keyboard.press('Control+Home');
  };

  before(async () => {
    w = wb();
    name = (await serverEmail(sandbox().url, BIRTHDAY)).name;
    await w.openView('Ongage');
    await w.expand('Newsletter');
    await w.waitForTreeItem(name);
  });

  it('opens an email from the tree, edits it, saves with Ctrl+S, and the sandbox has it', async () => {
    await w.clickTreeItem(name);
    await until('the HTML editor', async () => (await w.editorTabs()).some((t) => t.includes(`${name}.html`)));
    assert.match(await w.editorText(), /<!DOCTYPE html>|<html/i);
    await focusEditor();
    await w.typeInEditor('<!-- edited in VS Code -->');
    await until('the editor to be dirty', isDirty);
    await w.screenshot('edited, unsaved');
    await save();
    await until('the edit on the sandbox', async () => (await serverEmail(sandbox().url, BIRTHDAY)).content_html.startsWith('<!-- edited in VS Code -->'));
    await until('the editor to turn clean', async () => !(await isDirty()));
    await w.screenshot('saved');
  });

  it('generates the plain-text part from the HTML (tags and links kept), and saving stores it', async () => {
    await w.runCommand('Ongage: Generate Plain Text from HTML');
    await until('the plain-text editor', async () => (await activeTab().getAttribute('aria-label'))?.includes('.ongage.txt'));
    await until('the generated text', async () => /Happy birthday, \{\{first_name:Friend\}\}!/.test(await w.editorText()));
    const shown = await w.editorText();
    assert.match(shown, /\{\{birthday\[format=l, j F\]\}\}/, 'a tag with spaces and brackets, byte for byte');
    assert.match(shown, /\(https:\/\/www\.harborandpine\.example\/[^)]*\)/, 'links keep their address');
    assert.ok(await isDirty(), 'generated, not yet saved');
    await w.screenshot('plain text generated');
    await save();
    await until('the text part on the sandbox', async () => /Happy birthday, \{\{first_name:Friend\}\}!/.test((await serverEmail(sandbox().url, BIRTHDAY)).content_text));
    await until('the text editor to turn clean', async () => !(await isDirty()));
    assert.ok((await serverEmail(sandbox().url, BIRTHDAY)).content_html.startsWith('<!-- edited in VS Code -->'), 'the HTML is as saved before');
  });

  it('opens the settings, renames the email there, and the tree row follows', async () => {
    await w.runCommand('Ongage: Open Settings');
    await until('the settings editor', async () => (await w.editorTabs()).some((t) => t.includes(`${name}.ongage.json`)));
    await until('the settings text', async () => /"subject":/.test(await w.editorText()));
    const before = await serverEmail(sandbox().url, BIRTHDAY);
    // Replace the whole settings text (typing would get auto-closed quotes and brackets).
    await focusEditor();
    await w.page.keyboard.press('Control+A');
    await w.page.keyboard.insertText(
      JSON.stringify({ name: 'Birthday greeting (2026)', subject: 'Happy birthday, {{first_name:friend}}! 🎂' }, null, 2),
    );
    await save();
    await until('the new name on the sandbox', async () => (await serverEmail(sandbox().url, BIRTHDAY)).name === 'Birthday greeting (2026)');
    const after = await serverEmail(sandbox().url, BIRTHDAY);
    assert.strictEqual(after.subject, 'Happy birthday, {{first_name:friend}}! 🎂');
    assert.strictEqual(after.content_html, before.content_html, 'the HTML was not touched by a settings save');
    await w.waitForTreeItem('Birthday greeting (2026)');
    await until('the settings editor to turn clean', async () => !(await isDirty()));
    await w.screenshot('renamed through the settings');
  });

  it('refuses broken settings with the line to fix, and keeps the text', async () => {
    await focusEditor();
    await w.page.keyboard.press('Control+A');
    await w.page.keyboard.insertText('{\n  "name": "Birthday greeting (2026)",\n  "subjet": "typo"\n}\n');
    await save();
    const msg = await w.waitForNotification(/Not saved: the settings have a problem/);
    assert.match(msg, /line 3/);
    assert.match(msg, /Unknown setting "subjet"/);
    assert.ok(await isDirty(), 'still unsaved');
    assert.strictEqual((await serverEmail(sandbox().url, BIRTHDAY)).name, 'Birthday greeting (2026)');
    await w.screenshot('settings refused');
    // Put the settings back as they are on Ongage.
    await w.runCommand('File: Revert File');
    await until('the settings editor to turn clean', async () => !(await isDirty()));
  });

  it('a change made on Ongage meanwhile stops the save; Compare shows both, Overwrite stores mine', async () => {
    await w.runCommand('Ongage: Open HTML');
    await until('the HTML editor', async () => (await activeTab().getAttribute('aria-label'))?.includes('.html'));
    await focusEditor();
    await w.typeInEditor('<!-- mine -->');
    // Same size as the stored HTML: VS Code's own size check could not see it.
    const stored = (await serverEmail(sandbox().url, BIRTHDAY)).content_html;
    const theirs = stored.replace('edited in VS Code', 'edited in Ongage!');
    assert.strictEqual(theirs.length, stored.length);
    await editOnSandbox(sandbox().url, BIRTHDAY, { content_html: theirs });
    await save();
    await dialog().waitFor({ state: 'visible' });
    assert.match(await dialog().innerText(), /was changed on Ongage since you opened it/);
    await w.screenshot('conflict dialog');
    await dialog().locator('.monaco-button', { hasText: /^Compare$/ }).click();
    await until('the compare', async () => (await w.editorTabs()).some((t) => /\(Ongage.*\) ↔ yours/.test(t)));
    assert.ok(await isDirty(), 'mine is still unsaved');
    assert.strictEqual((await serverEmail(sandbox().url, BIRTHDAY)).content_html, theirs, 'nothing was written');
    const original = w.page.locator('.monaco-diff-editor .editor.original .view-lines');
    const modified = w.page.locator('.monaco-diff-editor .editor.modified .view-lines');
    const shown = async (l: typeof original) => (await l.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    await until('both sides of the compare', async () => (await shown(original)).includes('edited in Ongage!') && (await shown(modified)).includes('<!-- mine -->'));
    await w.screenshot('compare: Ongage ↔ yours');
    await w.page.locator('.editor-actions .action-label[aria-label^="Overwrite Ongage\'s Version"]').click();
    await until('mine on the sandbox', async () => (await serverEmail(sandbox().url, BIRTHDAY)).content_html.startsWith('<!-- mine -->'));
    await until('the compare to close', async () => !(await w.editorTabs()).some((t) => /↔ yours/.test(t)));
    await until('the editor to turn clean', async () => !(await isDirty()));
  });

  it('Cancel keeps my text unsaved; "Use Ongage\'s Version" takes theirs', async () => {
    await focusEditor();
    await w.typeInEditor('<!-- mine again -->');
    const theirs = `<!-- theirs -->${(await serverEmail(sandbox().url, BIRTHDAY)).content_html}`;
    await editOnSandbox(sandbox().url, BIRTHDAY, { content_html: theirs });
    await save();
    await dialog().waitFor({ state: 'visible' });
    await dialog().locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await w.waitForNotification(/Not saved: Ongage has a newer version/);
    assert.ok(await isDirty(), 'mine is kept, unsaved');
    assert.match(await w.editorText(), /<!-- mine again -->/);
    assert.strictEqual((await serverEmail(sandbox().url, BIRTHDAY)).content_html, theirs);
    // Save again, compare, and take Ongage's version this time.
    await save();
    await dialog().waitFor({ state: 'visible' });
    await dialog().locator('.monaco-button', { hasText: /^Compare$/ }).click();
    await until('the compare', async () => (await w.editorTabs()).some((t) => /↔ yours/.test(t)));
    await w.page.locator('.editor-actions .action-label[aria-label^="Use Ongage\'s Version"]').click();
    await dialog().waitFor({ state: 'visible' });
    await dialog().locator('.monaco-button', { hasText: /Use Ongage’s Version/ }).click();
    await until('the compare to close', async () => !(await w.editorTabs()).some((t) => /↔ yours/.test(t)));
    await until('the editor to turn clean', async () => !(await isDirty()));
    assert.match(await w.editorText(), /<!-- theirs -->/);
    assert.doesNotMatch(await w.editorText(), /mine again/);
    assert.strictEqual((await serverEmail(sandbox().url, BIRTHDAY)).content_html, theirs);
    await w.screenshot('took Ongage version');
  });

  it('a failed save (5xx, a dropped connection) keeps my text unsaved with what to do; saving again stores it', async () => {
    const faults = (body: Record<string, unknown> | null) =>
      fetch(`${sandbox().url}/__sandbox/faults`, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : { method: 'DELETE' });
    await focusEditor();
    await w.typeInEditor('<!-- after a failure -->');
    const before = (await serverEmail(sandbox().url, BIRTHDAY)).content_html;
    for (const fault of [{ next5xx: 20 }, { dropNext: 20 }]) {
      await faults({ ...fault, method: 'PUT', path: `/emails/${BIRTHDAY}` });
      await save();
      const msg = await w.waitForNotification(/Not saved to Ongage/, 30000);
      assert.match(msg, /Your changes are kept in the editor; save again \(Ctrl\+S\) to retry/);
      assert.ok(await isDirty(), 'still unsaved');
      assert.match(await w.editorText(), /<!-- after a failure -->/);
      assert.strictEqual((await serverEmail(sandbox().url, BIRTHDAY)).content_html, before, 'nothing written');
      await w.screenshot(`failed save ${Object.keys(fault)[0]}`);
      await faults(null);
      await w.page.keyboard.press('Escape');
    }
    await focusEditor();
    await save();
    await until('the retry on the sandbox', async () => (await serverEmail(sandbox().url, BIRTHDAY)).content_html.startsWith('<!-- after a failure -->'));
    await until('the editor to turn clean', async () => !(await isDirty()));
  });

  it('a rename in the tree shows in the open settings', async () => {
    await w.clickTreeItem('Birthday greeting (2026)');
    await env.delay(400);
    await w.page.keyboard.press('F2');
    await answer(w, /Rename "Birthday greeting \(2026\)"/, 'Birthday greeting (final)');
    await w.waitForTreeItem('Birthday greeting (final)');
    await w.runCommand('Ongage: Open Settings');
    await until('the settings editor', async () => (await activeTab().getAttribute('aria-label'))?.includes('.ongage.json'));
    await until('the new name in the settings', async () => /"name": "Birthday greeting \(final\)"/.test(await w.editorText()));
    assert.ok(!(await isDirty()));
    await w.screenshot('settings follow the rename');
  });

  it('an email of a launched campaign: Ongage stores a copy; Overwrite the Original replaces the original, Keep the Copy moves the editor to the copy', async () => {
    const named = async (n: string) => {
      const res = await fetch(`${sandbox().url}/${LIST}/api/emails?page_size=500`, { headers: SANDBOX_AUTH });
      return ((await res.json()) as { payload: Array<{ id: string; name: string }> }).payload.filter((e) => e.name === n);
    };
    let launched = await serverEmail(sandbox().url, SEED_IDS.emails.launched);
    await startCommand(w, 'Ongage: Filter Library…');
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Filter the Ongage library' }).waitFor();
    await w.page.locator('.quick-input-widget input.input').first().fill(launched.name);
    await w.page.keyboard.press('Enter');
    await w.clickTreeItem(launched.name);
    await until('its editor', async () => (await w.editorTabs()).some((t) => t.includes(`${launched.name}.html`)));
    // First: overwrite the original (after the explicit confirmation); the copy Ongage stored goes.
    await focusEditor();
    await w.typeInEditor('<!-- corrected -->');
    await save();
    await dialog().waitFor({ state: 'visible' });
    assert.match(await dialog().innerText(), /stored your changes as a copy/);
    await dialog().locator('.monaco-button', { hasText: /^Overwrite the Original…$/ }).click();
    await until('the confirmation', async () => /Overwrite email \d+, which a launched campaign uses\?/.test(await dialog().innerText().catch(() => '')));
    await w.screenshot('overwrite the original: confirmation');
    await dialog().locator('.monaco-button', { hasText: /^Overwrite$/ }).click();
    await until('the original overwritten', async () => (await serverEmail(sandbox().url, SEED_IDS.emails.launched)).content_html.startsWith('<!-- corrected -->'));
    await until('the copy deleted: one item of that name', async () => (await named(launched.name)).length === 1);
    await until('the editor to turn clean', async () => !(await isDirty()));
    await until('one row of that name', async () => (await w.treeRows()).filter((r) => r.label === launched.name).length === 1);
    launched = await serverEmail(sandbox().url, SEED_IDS.emails.launched);
    // Then: keep the copy.
    await focusEditor();
    await w.typeInEditor('<!-- for the next campaign -->');
    await save();
    await dialog().waitFor({ state: 'visible' });
    assert.match(await dialog().innerText(), /stored your changes as a copy/);
    await w.screenshot('copy dialog');
    await dialog().locator('.monaco-button', { hasText: /^Keep the Copy$/ }).click();
    const copy = await until('the copy on the sandbox', async () => (await named(launched.name)).find((e) => Number(e.id) !== SEED_IDS.emails.launched));
    copyId = Number(copy.id);
    assert.ok((await serverEmail(sandbox().url, copyId)).content_html.startsWith('<!-- for the next campaign -->'));
    assert.strictEqual((await serverEmail(sandbox().url, SEED_IDS.emails.launched)).content_html, launched.content_html, 'the original is untouched');
    await until('two rows of that name (original and copy)', async () => (await w.treeRows()).filter((r) => r.label === launched.name).length === 2);
    // The breadcrumbs show the document's address: connection › list › id › name.
    await until('the editor on the copy', async () => {
      const crumbs = await w.page.locator('.editor-group-container.active .breadcrumbs-control').innerText().catch(() => '');
      return crumbs.includes(String(copyId)) && !crumbs.includes(String(SEED_IDS.emails.launched));
    });
    assert.match(await w.editorText(), /<!-- for the next campaign -->/);
    await w.screenshot('editor on the copy');
    // Saving again goes to the copy, in place: no second copy.
    await focusEditor();
    await w.typeInEditor('<!-- v2 -->');
    await save();
    await until('the second save on the copy', async () => (await serverEmail(sandbox().url, copyId)).content_html.startsWith('<!-- v2 -->'));
    assert.strictEqual((await w.treeRows()).filter((r) => r.label === launched.name).length, 2);
  });

  it('keeps unsaved library edits over a window reload (hot exit), and a change made on Ongage meanwhile is still a conflict', async () => {
    assert.ok(copyId, 'the copy from the step before');
    await focusEditor();
    await w.typeInEditor('<!-- unsaved at reload -->');
    await until('the editor to be dirty', isDirty);
    await env.delay(1500); // the backup is written a moment after the edit
    await w.runCommand('Developer: Reload Window');
    await w.page.locator('.tabs-container .tab.active').waitFor({ state: 'visible', timeout: 60000 });
    await until('the restored editor', async () => /<!-- unsaved at reload -->/.test(await w.editorText()), 60000);
    assert.ok(await isDirty(), 'restored as unsaved');
    await w.screenshot('restored after reload');
    // Someone saves the copy on Ongage while the edit waits unsaved; saving it now must not overwrite that.
    const stored = (await serverEmail(sandbox().url, copyId)).content_html;
    await editOnSandbox(sandbox().url, copyId, { content_html: `<!-- theirs, while restarting -->${stored}` });
    await save();
    await dialog().waitFor({ state: 'visible', timeout: 30000 });
    assert.match(await dialog().innerText(), /was changed on Ongage since you opened it/);
    await dialog().locator('.monaco-button', { hasText: /^Overwrite$/ }).click();
    await until('mine on the sandbox', async () => (await serverEmail(sandbox().url, copyId)).content_html.startsWith('<!-- unsaved at reload -->'));
    await until('the editor to turn clean', async () => !(await isDirty()));
  });

  it('the preview follows the saved settings (subject)', async () => {
    await w.runCommand('Ongage: Open Preview to the Side');
    const preview = () => w.waitForFrame('#root .toolbar');
    const subject = async () => (await (await preview()).locator('.inbox .subject').innerText().catch(() => '')).trim();
    await until('the preview subject', async () => (await subject()).length > 0, 30000);
    const before = await subject();
    await w.runCommand('Ongage: Open Settings');
    await until('the settings editor', async () => (await w.editorTabs()).some((t) => t.includes('.ongage.json')));
    await until('the settings text', async () => /"subject":/.test(await w.editorText()));
    await w.page.locator('.editor-group-container.active .monaco-editor').first().click({ position: { x: 200, y: 10 } });
    await w.page.keyboard.press('Control+A');
    await w.page.keyboard.insertText('{ "subject": "Saved subject for {{first_name:friend}}" }\n');
    await save();
    await until('the subject on the sandbox', async () => (await serverEmail(sandbox().url, copyId)).subject === 'Saved subject for {{first_name:friend}}');
    await until('the preview to show the saved subject', async () => /^Saved subject for /.test(await subject()), 30000);
    assert.notStrictEqual(await subject(), before);
    // With the settings active, the preview stays on the item's HTML (JSON is not an email body).
    const frame = await until('the email frame', async () => (await preview()).childFrames().find((f) => f.url() === 'about:srcdoc'));
    const body = await frame.evaluate(() => document.body?.innerText ?? '');
    assert.doesNotMatch(body, /"subject"/);
    assert.match(body, /for the next campaign|Layering for the thaw/);
    await w.screenshot('preview follows the saved subject');
  });
});
