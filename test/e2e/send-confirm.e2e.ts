// Journey: never a surprise on a real account. Signed in with the form (not "Use the Local Sandbox"), the
// connection counts as a real account: the first test send of the session asks once, naming the connection, list,
// campaign, recipients and the subject as it will read. Cancel sends nothing and asks again next time; after one
// confirmed send, Send Test Again goes without asking.
import * as assert from 'assert';
import * as env from './harness/env';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { answer, until } from './harness/journey';

describe('e2e: the first send through a real account asks once', function () {
  const sandbox = useSandbox('send-confirm');
  // The sandbox setting points elsewhere: the connection made below is not "the sandbox" to the extension.
  const wb = useWorkbench(() => ({ name: 'send-confirm', settings: { 'ongage.sandbox.url': 'http://127.0.0.1:9' } }));
  let w: Workbench;
  const outbox = async () => ((await (await fetch(`${sandbox().url}/__sandbox/outbox`)).json()) as { items: Array<{ recipient: string; subject: string }> }).items;
  const quickInput = () => w.page.locator('.quick-input-widget');
  const dialog = () => w.page.locator('.monaco-dialog-box');
  const sendTest = async () => {
    await w.page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Send Test…"]').click();
    const row = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'Amazon SES marketing' }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    await quickInput().locator('.quick-input-title', { hasText: /Send a test of/ }).waitFor({ state: 'visible' });
    await quickInput().locator('input.input').first().fill('qa@example.com');
    await w.page.keyboard.press('Enter');
  };

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.waitForWelcome('Sign in to Ongage');
    await w.clickWelcomeButton('Sign in to Ongage');
    await answer(w, /name for this connection/, 'Acme production');
    const other = quickInput().locator('.monaco-list-row', { hasText: 'Another URL' }).first();
    await other.waitFor({ state: 'visible' });
    await other.click();
    await answer(w, /API base URL/, sandbox().url.replace('127.0.0.1', 'localhost'));
    await answer(w, /user name/, 'sandbox@example.com');
    await answer(w, /Password/, 'sandbox');
    await answer(w, /Account code/, 'sandbox');
    await w.waitForTreeItem('Acme production', { timeout: 30000 });
    await w.expand('Acme production');
    await w.expand('Newsletter');
    await w.expand('Lifecycle');
    await w.expand('Onboarding');
    await w.clickTreeItem('Getting started: day 2');
    await until('the email in the editor', async () => (await w.editorTabs()).some((t) => t.includes('day 2.html')));
  });

  it('asks before the first send, naming everything, and Cancel sends nothing', async () => {
    await sendTest();
    await dialog().waitFor({ state: 'visible', timeout: 20000 });
    const text = await dialog().innerText();
    assert.match(text, /Send "Getting started: day 2" through Acme production\?/);
    assert.match(text, /Connection: Acme production \(http:\/\/localhost:\d+\), sending through "Amazon SES marketing"/);
    assert.match(text, /List: Newsletter \(10542\)/);
    assert.match(text, /Campaign: a test campaign/);
    assert.match(text, /Subject: \[TEST\] Three ways to get the most from your gear/);
    assert.match(text, /Recipients: qa@example\.com/);
    await w.screenshot('confirmation');
    await dialog().locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await env.delay(800);
    assert.strictEqual((await outbox()).length, 0);
  });

  it('asks again after a Cancel; once confirmed, Send Test Again goes without asking', async () => {
    await sendTest();
    await dialog().waitFor({ state: 'visible', timeout: 20000 });
    await dialog().locator('.monaco-button', { hasText: /^Send$/ }).click();
    await until('the delivery', async () => (await outbox()).length === 1);
    const again = w.page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Send Test Again"]');
    await again.waitFor({ state: 'visible', timeout: 10000 });
    await again.click();
    await until('the second delivery', async () => (await outbox()).length === 2);
    assert.ok(!(await dialog().isVisible()), 'asked again within the session');
    for (const e of await outbox()) assert.strictEqual(e.subject, '[TEST] Three ways to get the most from your gear');
    await w.screenshot('sent again without asking');
  });
});
