// Journey: sign in against the local sandbox, from the welcome button, by itself on start-up (the demo's setting),
// and with the sandbox not running. A missing command or sandbox fails the journey (it is never skipped).
import * as assert from 'assert';
import * as env from './harness/env';
import { commandTitle, useSandbox, useWorkbench, type Workbench } from './harness/workbench';

/** The palette title of Use the Local Sandbox; fails the journey when package.json no longer contributes it. */
function useSandboxTitle(): string {
  const title = commandTitle('ongage.useSandbox');
  assert.ok(title, 'package.json contributes no ongage.useSandbox command');
  return title;
}

/** Fails when a prompt is open: an input box or pick, or a modal dialog. */
async function assertNoPrompt(wb: Workbench): Promise<void> {
  assert.ok(!(await wb.page.locator('.quick-input-widget').first().isVisible()), 'an input box or pick opened');
  assert.ok(!(await wb.page.locator('.monaco-dialog-box').first().isVisible()), 'a dialog opened');
}

/** Waits for the Library to show both sandbox lists without touching the tree, failing at once on any prompt. */
async function waitForListsUntouched(wb: Workbench): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    await assertNoPrompt(wb);
    const labels = (await wb.treeRows()).map((r) => r.label);
    if (labels.includes('Newsletter') && labels.includes('Transactional')) return;
    if (Date.now() > deadline) throw new Error(`The sandbox lists did not show by themselves; rows: ${JSON.stringify(labels)}`);
    await env.delay(200);
  }
}

describe('e2e: sign-in against the sandbox', function () {
  describe('from the welcome button "Use the local sandbox"', function () {
    const sandbox = useSandbox('sign-in-welcome');
    const wb = useWorkbench(() => ({ name: 'sign-in-welcome', settings: { 'ongage.sandbox.url': sandbox().url } }));

    it('connects without prompts and shows the connection and the sandbox lists', async () => {
      await wb().openView('Ongage');
      await wb().waitForWelcome('Use the local sandbox');
      await wb().screenshot('before sign-in');
      await wb().clickWelcomeButton('Use the local sandbox');
      // The connection node opens by itself: no click in the tree, and no input box, pick or dialog on the way.
      await waitForListsUntouched(wb());
      const rows = await wb().treeRows();
      const lists = rows.filter((r) => r.label === 'Newsletter' || r.label === 'Transactional');
      assert.strictEqual(lists.length, 2, `rows: ${JSON.stringify(rows)}`);
      assert.ok(rows.indexOf(lists[0]) > 0, `no connection node above the lists: ${JSON.stringify(rows.map((r) => r.label))}`);
      assert.strictEqual(await wb().welcomeText(), '', 'the welcome content is still shown after signing in');
      await wb().screenshot('signed in');
    });

    it('expands the Newsletter list into its folders and emails', async () => {
      const before = await wb().treeRows();
      const newsletter = before.find((r) => r.label === 'Newsletter');
      assert.ok(newsletter, 'Newsletter row missing');
      await wb().expand('Newsletter');
      const deadline = Date.now() + 20000;
      let after = await wb().treeRows();
      while (after.length <= before.length && Date.now() < deadline) {
        await env.delay(200);
        after = await wb().treeRows();
      }
      const children = after.filter((r) => r.level === newsletter.level + 1);
      assert.ok(after.length > before.length && children.length > 0, `Newsletter shows no children: ${JSON.stringify(after.map((r) => r.label))}`);
      await wb().screenshot('newsletter expanded');
    });
  });

  describe('by itself on start-up with ongage.sandbox.autoConnect', function () {
    const sandbox = useSandbox('sign-in-auto');
    const wb = useWorkbench(() => ({
      name: 'sign-in-auto',
      settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
    }));

    it('shows the sandbox lists without any click in the Library', async () => {
      await wb().openView('Ongage');
      await waitForListsUntouched(wb());
      assert.strictEqual(await wb().welcomeText(), '', 'the welcome content is still shown');
      await wb().screenshot('auto-connected');
    });
  });

  describe('when the sandbox is not running', function () {
    let closedUrl = '';
    before(async () => {
      closedUrl = `http://127.0.0.1:${await env.freePort()}`;
    });
    const wb = useWorkbench(() => ({ name: 'sign-in-no-sandbox', settings: { 'ongage.sandbox.url': closedUrl } }));

    it('says so in a notification and keeps offering the welcome content', async () => {
      await wb().openView('Ongage');
      await wb().waitForWelcome('Use the local sandbox');
      await wb().runCommand(useSandboxTitle());
      const port = new URL(closedUrl).port;
      const message = await wb().waitForNotification(new RegExp(`No Ongage sandbox answers at http://127\\.0\\.0\\.1:${port}`), 30000);
      assert.match(message, /npm run sandbox/, 'the message does not say how to start one');
      const toast = wb().page.locator('.notifications-toasts .notification-list-item', { hasText: 'No Ongage sandbox answers' }).first();
      assert.ok(await toast.locator('.codicon-error').count(), 'the notification is not shown as an error');
      assert.ok(!(await wb().notifications()).some((m) => /^Connected/.test(m)), 'a success toast is shown');
      await wb().screenshot('sandbox unreachable');
      assert.deepStrictEqual(await wb().treeRows(), [], 'the Library shows rows without a connection');
      assert.match(await wb().welcomeText(), /Use the local sandbox/);
    });
  });
});
