// Journey: the "Get started with Ongage Studio" walkthrough as a new user follows it. Each step completes on the
// real event: connecting (the sandbox), opening an email, opening the preview, sending a test.
import * as assert from 'assert';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { answerStep, until } from './harness/journey';

describe('e2e: the getting-started walkthrough', function () {
  const sandbox = useSandbox('walkthrough');
  const wb = useWorkbench(() => ({
    name: 'walkthrough',
    settings: { 'ongage.sandbox.url': sandbox().url },
    files: { 'hello.html': '<!DOCTYPE html><html><head><title>Hello {{first_name:you}}</title></head><body><p>Hi {{first_name:there}}</p></body></html>\n' },
  }));
  let w: Workbench;
  const steps = () => w.page.locator('.gettingStartedContainer .getting-started-step');
  const doneSteps = async (): Promise<string[]> =>
    // The step's check mark carries `complete` once the step is done.
    w.page.locator('.gettingStartedContainer .getting-started-step [data-done-step-id].complete').evaluateAll((els) => els.map((e) => e.getAttribute('data-done-step-id') ?? ''));
  const openWalkthrough = async () => {
    await w.runCommand('Welcome: Open Walkthrough...', { opensInput: true });
    const row = w.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Get started with Ongage Studio' });
    await row.waitFor({ state: 'visible' });
    await row.click();
    await steps().first().waitFor({ state: 'visible' });
  };
  /** Brings the walkthrough forward again (opening an email covers it) and waits for the step's check mark. */
  const waitDone = async (id: string) => {
    await openWalkthrough();
    await until(`step ${id} to complete`, async () => (await doneSteps()).some((s) => s.endsWith(id)) && true, 20000);
  };

  /** Opens the file from the Explorer, as a person does (the walkthrough page holds the focus). */
  const openFromExplorer = async () => {
    await w.openView('Explorer');
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'hello.html' }).first().click();
    await until('hello.html in the editor', async () => (await w.editorTabs()).some((t) => t.startsWith('hello.html')));
  };

  before(async () => {
    w = wb();
  });

  it('is listed and opens with no step done', async () => {
    await openWalkthrough();
    assert.strictEqual(await steps().count(), 4);
    assert.deepStrictEqual(await doneSteps(), []);
    await w.screenshot('walkthrough');
  });

  it('completes each step on the real event', async () => {
    await w.runCommand('Ongage: Use the Local Sandbox');
    await waitDone('connect');
    await openFromExplorer();
    await waitDone('openEmail');
    await openFromExplorer();
    await w.runCommand('Ongage: Open Preview to the Side');
    await waitDone('preview');
    await openFromExplorer();
    await w.runCommand('Ongage: Send Test…', { opensInput: true });
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: /hello\.html/ }).first().waitFor({ state: 'visible' });
    // A workspace file without pulled settings: asked once for the subject and From, then the recipients.
    for (const value of ['Hello {{first_name:you}}', 'Harbor & Pine', 'news@harborandpine.example', 'news@harborandpine.example']) await answerStep(w, value);
    await w.page.locator('.quick-input-widget .quick-input-title', { hasText: /Send a test of/ }).waitFor({ state: 'visible' });
    await w.page.locator('.quick-input-widget input.input').first().fill('me@example.com');
    await w.page.keyboard.press('Enter');
    await w.waitForNotification(/Sent the test of "hello.html" to me@example\.com/, 30000);
    await waitDone('sendTest');
    assert.strictEqual((await doneSteps()).length, 4);
    await w.screenshot('all steps done');
  });
});
