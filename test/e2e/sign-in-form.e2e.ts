// Journey: "Sign in to Ongage…" step by step against the sandbox — a refused password is reported with what to do,
// "Edit and Retry" keeps what was typed, the corrected answers sign in, and no credential reaches the log.
import * as assert from 'assert';
import { useSandbox, useWorkbench } from './harness/workbench';
import { answer, startCommand, until } from './harness/journey';

const WRONG = 'Wr0ng-Passw0rd!';

describe('e2e: signing in with the form', function () {
  const sandbox = useSandbox('sign-in-form');
  const wb = useWorkbench(() => ({ name: 'sign-in-form', settings: { 'ongage.sandbox.url': sandbox().url } }));

  it('refuses a wrong password with an actionable message, then signs in after Edit and Retry', async () => {
    const w = wb();
    await w.openView('Ongage');
    await w.waitForWelcome('Sign in to Ongage');
    // Trace level: every request the extension makes reaches the log, so the last test has something to search.
    // The Ongage log exists once the extension is active; only then does Set Log Level list it.
    await until('the extension to activate', async () => /Ongage Studio .* activated/.test(w.extensionLog()), 30000);
    await startCommand(w, 'Developer: Set Log Level...');
    const rows = w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await w.page.locator('.quick-input-widget input.input').first().fill('Ongage');
    await rows.filter({ has: w.page.locator('.label-name', { hasText: /^Ongage$/ }) }).first().click();
    await rows.filter({ has: w.page.locator('.label-name', { hasText: /^Trace$/ }) }).first().click();
    await w.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await w.clickWelcomeButton('Sign in to Ongage');
    await answer(w, /name for this connection/, 'Staging');
    // Step 2 is a pick: the local sandbox, at the URL of the setting.
    const pick = w.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Local sandbox' }).first();
    await pick.waitFor({ state: 'visible' });
    assert.match(await pick.innerText(), new RegExp(sandbox().url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await pick.click();
    await answer(w, /user name/, 'sandbox@example.com');
    await answer(w, /Password/, WRONG);
    await answer(w, /Account code/, 'sandbox');
    const refused = await w.waitForNotification(/refused the credentials/, 30000);
    assert.match(refused, /sandbox/, 'the message names the account');
    assert.ok(!refused.includes(WRONG), 'the password appears in the message');
    await w.screenshot('credentials refused');
    await w.page.locator('.notifications-toasts .monaco-button', { hasText: 'Edit and Retry' }).first().click();
    // Back at the user name, with what was typed kept.
    const input = w.page.locator('.quick-input-widget input.input').first();
    await w.page.locator('.quick-input-widget .quick-input-message', { hasText: /user name/ }).first().waitFor();
    assert.strictEqual(await input.inputValue(), 'sandbox@example.com');
    await w.page.keyboard.press('Enter');
    await answer(w, /Password/, 'sandbox');
    await w.page.locator('.quick-input-widget .quick-input-message', { hasText: /Account code/ }).first().waitFor();
    assert.strictEqual(await input.inputValue(), 'sandbox');
    await w.page.keyboard.press('Enter');
    // The success toast may come and go; the connection in the tree is what counts.
    await w.waitForTreeItem('Staging', { timeout: 30000 });
    await w.expand('Staging');
    await w.waitForTreeItem('Newsletter');
    await w.screenshot('signed in with the form');
  });

  it('keeps the password out of the log', async () => {
    const w = wb();
    // The log file on disk holds every line the extension wrote, also those the Output view never rendered.
    const log = await until('the sign-in line in the Ongage log file', async () => {
      const text = w.extensionLog();
      return /Signed in: connection "Staging"/.test(text) && text;
    });
    // The refused attempt's requests are in it (trace level), so a leaked header would be too.
    assert.match(log, /\/api\//, 'no request line in the log: the search below would prove nothing');
    assert.ok(!log.includes(WRONG), 'the wrong password appears in the Ongage log');
    assert.ok(!/X_PASSWORD["':= ]+\S|"password"\s*:/i.test(log), 'a password header or field appears in the Ongage log');
  });
});
