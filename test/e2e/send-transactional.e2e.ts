// Journey: a transactional send of a library email from the Library's context menu, to two recipients, each with
// the values of their own sample profile (.ongage/samples.json). The summary names who gets which values and
// warns about the recipient who is not a contact of the list; the outbox holds each recipient's own values.
import * as assert from 'assert';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

interface OutboxEntry {
  kind: string;
  mailing_id: number;
  message_id: number | null;
  recipient: string;
  esp_connection_id: number | null;
  subject: string;
  html: string;
}

const SAMPLES = JSON.stringify(
  {
    profiles: [
      { label: 'Ada', values: { first_name: 'Ada' } },
      { label: 'Bob', values: { first_name: 'Bob' } },
    ],
  },
  null,
  2,
);

const RECEIPT = `<!DOCTYPE html>
<html><head><title>Receipt</title></head>
<body><p>Hi {{first_name:there}}, thanks for order {{order_id}} ({{total}} EUR).</p></body></html>
`;
const RECEIPT_SETTINGS = JSON.stringify({
  name: 'receipt',
  subject: 'Your receipt {{order_id}}',
  addresses: [{ fromName: 'Harbor & Pine', fromAddress: 'orders@harborandpine.example', replyAddress: 'help@harborandpine.example' }],
});

describe('e2e: transactional sends', function () {
  const sandbox = useSandbox('send-transactional');
  const wb = useWorkbench(() => ({
    name: 'send-transactional',
    settings: { 'ongage.sandbox.url': sandbox().url, 'ongage.sandbox.autoConnect': true },
    files: {
      '.ongage/samples.json': SAMPLES,
      // The workspace keeps its sends inside example.com.
      '.ongage/sends.json': JSON.stringify({ allowlist: ['@example.com'] }),
      'receipt.html': RECEIPT,
      'receipt.ongage.json': RECEIPT_SETTINGS,
      'values/receipt.json': JSON.stringify({ order_id: 'A-1042', total: '49.90' }),
    },
  }));
  let w: Workbench;
  const quickInput = () => w.page.locator('.quick-input-widget');
  const outbox = async (): Promise<OutboxEntry[]> => ((await (await fetch(`${sandbox().url}/__sandbox/outbox?kind=transactional`)).json()) as { items: OutboxEntry[] }).items;

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.expand('Newsletter');
    await w.expand('Lifecycle');
    await w.expand('Onboarding');
  });

  it('sends a library email with one sample profile per recipient, after a summary', async () => {
    await w.treeItem('Getting started: day 2').click({ button: 'right' });
    const entry = w.page.locator('.context-view .monaco-menu .action-label', { hasText: 'Send Transactional…' });
    await entry.waitFor({ state: 'visible' });
    // The menu takes a click once the hovered entry has the focus.
    await entry.hover();
    await w.page.locator('.context-view .monaco-menu .action-item.focused', { hasText: 'Send Transactional…' }).waitFor({ state: 'visible' });
    await entry.click();
    // One campaign on the Newsletter list and one connection that supports transactional sends: no picks for them.
    await quickInput().locator('.quick-input-title', { hasText: /as a transactional message/ }).waitFor({ state: 'visible' });
    await quickInput().locator('input.input').first().fill('jane.doe@example.com, bob@example.com');
    await w.page.keyboard.press('Enter');
    const perRecipient = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'One sample profile per recipient' });
    await perRecipient.waitFor({ state: 'visible' });
    assert.match(await perRecipient.innerText(), /jane\.doe@example\.com ← Ada, bob@example\.com ← Bob/);
    await w.screenshot('fields');
    await perRecipient.click();
    // The two checks, off as in Ongage, each saying what it does.
    const status = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'Check the contact status' });
    await status.waitFor({ state: 'visible' });
    assert.match(await status.innerText(), /unsubscribed, bounced/);
    await w.page.keyboard.press('Enter');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20000 });
    const summary = await dialog.innerText();
    assert.match(summary, /Send "Getting started: day 2" to 2 recipients\?/);
    assert.match(summary, /jane\.doe@example\.com → first_name: Ada/);
    assert.match(summary, /bob@example\.com → first_name: Bob/);
    assert.match(summary, /Campaign: Newsletter default transactional \(4501\)/);
    // Jane is a contact of the list, Bob is not: the summary says what that means for him.
    assert.match(summary, /Not contacts of the list: bob@example\.com\./);
    assert.doesNotMatch(summary, /Not contacts of the list:.*jane/);
    await w.screenshot('summary');
    await dialog.locator('.monaco-button', { hasText: /^Send$/ }).click();
    await w.waitForNotification(/Sent the transactional send of "Getting started: day 2" to jane\.doe@example\.com, bob@example\.com/, 30000);
    const items = await until('two deliveries', async () => {
      const o = await outbox();
      return o.length === 2 && o;
    });
    const byRecipient = new Map(items.map((i) => [i.recipient, i]));
    assert.match(byRecipient.get('jane.doe@example.com')!.html, /Hi Ada,/);
    assert.match(byRecipient.get('bob@example.com')!.html, /Hi Bob,/);
    for (const i of items) {
      assert.strictEqual(i.mailing_id, SEED_IDS.transactional.newsletterDefault);
      assert.strictEqual(i.esp_connection_id, SEED_IDS.connections.transactional);
      assert.notStrictEqual(i.message_id, null, 'the stored email was not sent by message_id');
    }
    await w.screenshot('sent');
  });

  it('sends a workspace file as embedded content with values from a JSON file, inside the workspace allowlist', async () => {
    const before = (await outbox()).length;
    await w.openFile('receipt.html');
    await w.runCommand('Ongage: Send Transactional…', { opensInput: true });
    await quickInput().locator('.quick-input-title', { hasText: /receipt\.html.*as a transactional message/ }).waitFor({ state: 'visible' });
    const input = quickInput().locator('input.input').first();
    // Outside the workspace's .ongage/sends.json allowlist: named while typing, and Enter does not send.
    await input.fill('eve@elsewhere.example');
    const problem = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: /outside the sends allowlist/ }).first();
    await problem.waitFor({ state: 'visible' });
    assert.match(await problem.innerText(), /sends\.json.*eve@elsewhere\.example/);
    await w.screenshot('workspace allowlist');
    await input.fill('jane.doe@example.com');
    await w.page.keyboard.press('Enter');
    const fromFile = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'From a JSON file…' });
    await fromFile.waitFor({ state: 'visible' });
    await fromFile.click();
    // The browser workbench's own file dialog: type the path. The dialog fills in its folder and reads it
    // (ignoring an accept while busy), so the path is typed again and accepted until the next step shows.
    const pathInput = quickInput().locator('input.input').first();
    const wanted = `${w.folder}/values/receipt.json`;
    await pathInput.waitFor({ state: 'visible' });
    const status = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: 'Check the contact status' });
    await until('the values file to be taken', async () => {
      if (await status.isVisible()) return true;
      if ((await pathInput.inputValue().catch(() => wanted)) !== wanted) await pathInput.fill(wanted).catch(() => undefined);
      await quickInput().locator('.monaco-button', { hasText: 'Use These Values' }).click({ timeout: 2000 }).catch(() => undefined);
      return status.waitFor({ state: 'visible', timeout: 2000 }).then(
        () => true,
        () => false,
      );
    });
    await w.page.keyboard.press('Enter');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 20000 });
    const summary = await dialog.innerText();
    assert.match(summary, /jane\.doe@example\.com → order_id: A-1042, total: 49\.90/);
    assert.match(summary, /Content: what the editor holds/);
    await dialog.locator('.monaco-button', { hasText: /^Send$/ }).click();
    await w.waitForNotification(/Sent the transactional send of "receipt\.html" to jane\.doe@example\.com/, 30000);
    const sent = (await outbox()).slice(before);
    assert.strictEqual(sent.length, 1);
    assert.strictEqual(sent[0].message_id, null);
    assert.strictEqual(sent[0].subject, 'Your receipt A-1042');
    assert.match(sent[0].html, /Hi Jane, thanks for order A-1042 \(49\.90 EUR\)/);
    await w.screenshot('receipt sent');
  });
});
