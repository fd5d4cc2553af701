// Journey: test sends as a person makes them. Open a library email, press Send Test… in the editor title, choose
// the sending connection, type two addresses: both get it in the sandbox's outbox with [TEST] before the subject.
// The button becomes Send Test Again: one click, no question, two more deliveries. A mistyped address is refused
// in the picker, saying what to fix, and nothing goes out. From the preview's toolbar, a workspace file goes out
// through send_embed_content filled in as the preview shows it, and the delivered HTML is the preview's.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import * as env from './harness/env';
import { useSandbox, useWorkbench, type Workbench } from './harness/workbench';
import { SANDBOX_AUTH, until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

interface OutboxEntry {
  id: number;
  kind: 'test' | 'transactional';
  mailing_id: number;
  message_id: number | null;
  recipient: string;
  esp_connection_id: number | null;
  subject: string;
  html: string;
}

const SPRING = `<!DOCTYPE html>
<html><head><title>Spring picks for {{first_name:you}}</title></head>
<body>
<p class="hl">Hello {{first_name:Friend}}</p>
{{ocx_if plan = Gold}}<p>Gold perks inside</p>{{ocx_else}}<p>Upgrade to Gold</p>{{ocx_endif}}
<p>Your plan: {{plan}}</p>
</body></html>
`;
// Pulled settings beside the file: the subject and From it goes out with.
const SPRING_SETTINGS = JSON.stringify(
  {
    name: 'spring',
    subject: 'Spring picks for {{first_name:you}}',
    addresses: [{ fromName: 'Harbor & Pine', fromAddress: 'news@harborandpine.example', replyAddress: 'hello@harborandpine.example' }],
  },
  null,
  2,
);
const SAMPLES = JSON.stringify({ profiles: [{ label: 'Gold member', values: { first_name: 'Ada', plan: 'Gold' } }] }, null, 2);

describe('e2e: test sends', function () {
  const sandbox = useSandbox('send-test');
  const wb = useWorkbench(() => ({
    name: 'send-test',
    settings: {
      'ongage.sandbox.url': sandbox().url,
      'ongage.sandbox.autoConnect': true,
      'ongage.preview.inlineCss': false,
      // The browser workbench saves after a second by default; unsaved changes are part of this journey.
      'files.autoSave': 'off',
      // Sends through any connection may only go to example.com.
      'ongage.send.allowlist': { '*': ['@example.com'] },
    },
    files: { 'spring.html': SPRING, 'spring.ongage.json': SPRING_SETTINGS, '.ongage/samples.json': SAMPLES },
  }));
  let w: Workbench;

  const outbox = async (query = ''): Promise<OutboxEntry[]> => {
    const res = await fetch(`${sandbox().url}/__sandbox/outbox${query}`);
    return ((await res.json()) as { items: OutboxEntry[] }).items;
  };
  const stats = async () => (await (await fetch(`${sandbox().url}/__sandbox/stats`)).json()) as { realCampaignLaunches: number; testSends: number };
  const quickInput = () => w.page.locator('.quick-input-widget');
  const editorAction = (label: string) => w.page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${label}"]`);
  const pickRow = async (label: string | RegExp) => {
    const row = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  };
  const typeRecipients = async (value: string) => {
    await quickInput().locator('.quick-input-title', { hasText: /Send a test of/ }).waitFor({ state: 'visible' });
    await quickInput().locator('input.input').first().fill(value);
  };

  before(async () => {
    w = wb();
    await w.openView('Ongage');
    await w.expand('Newsletter');
    await w.expand('Lifecycle');
    await w.expand('Onboarding');
  });

  it('sends a test from the editor title to two recipients', async () => {
    await w.clickTreeItem('Getting started: day 2');
    await until('the email in the editor', async () => (await w.editorTabs()).some((t) => t.includes('day 2.html')));
    await w.page.locator('.editor-group-container.active').first().click();
    await editorAction('Send Test…').click();
    // The sandbox has two active sending connections: the pick names both.
    await pickRow('Amazon SES marketing');
    await typeRecipients('ada@example.com, Bob Stone <bob@example.com>, ADA@example.com');
    await w.screenshot('recipients typed');
    await w.page.keyboard.press('Enter');
    const message = await w.waitForNotification(/Sent the test of "Getting started: day 2"/, 30000);
    assert.match(message, /to ada@example\.com, bob@example\.com: campaign \d+, Completed\./);
    const items = await outbox('?kind=test');
    assert.strictEqual(new Set(items.map((i) => i.message_id)).size, 1);
    assert.deepStrictEqual(items.map((i) => i.recipient).sort(), ['ada@example.com', 'bob@example.com'], 'the duplicate was not removed, or someone is missing');
    for (const i of items) {
      assert.strictEqual(i.subject, '[TEST] Three ways to get the most from your gear');
      assert.strictEqual(i.esp_connection_id, SEED_IDS.connections.marketing);
    }
    await w.screenshot('sent');
    // Check Again reads the campaign back (GET /api/mailings/<id>) and says its status again.
    const reads = async () => ((await (await fetch(`${sandbox().url}/__sandbox/stats`)).json()) as { byRoute: Record<string, number> }).byRoute['GET /api/mailings/:id'] ?? 0;
    const before = await reads();
    await w.page.locator('.notifications-toasts .notification-list-item', { hasText: /Sent the test of "Getting started: day 2"/ }).first().locator('.monaco-button', { hasText: 'Check Again' }).click();
    await until('the campaign read back', async () => (await reads()) === before + 1);
    await w.waitForNotification(/Sent the test of "Getting started: day 2" to ada@example\.com, bob@example\.com: campaign \d+, Completed\./);
  });

  it('becomes Send Test Again, which repeats the test in one click', async () => {
    const again = editorAction('Send Test Again');
    await again.waitFor({ state: 'visible', timeout: 10000 });
    await again.click();
    await until('two more deliveries', async () => (await outbox('?kind=test')).length === 4 && true, 30000);
    assert.ok(!(await quickInput().isVisible()), 'Send Test Again asked something');
    const items = await outbox('?kind=test');
    assert.deepStrictEqual(items.slice(2).map((i) => i.recipient).sort(), ['ada@example.com', 'bob@example.com']);
    assert.notStrictEqual(items[2].mailing_id, items[0].mailing_id, 'no new test campaign');
    await w.waitForNotification(new RegExp(`campaign ${items[2].mailing_id}, Completed`));
    await w.screenshot('sent again');
  });

  /** Types `text` at line:column of the active editor without saving. */
  const typeAt = async (where: string, text: string) => {
    await w.page.locator('.editor-group-container.active .monaco-editor').first().click();
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(where);
    await w.page.keyboard.press('Enter');
    await w.typeInEditor(text);
  };
  const serverEmailHtml = async (id: number) =>
    ((await (await fetch(`${sandbox().url}/${SEED_IDS.lists.newsletter}/api/emails/${id}`, { headers: SANDBOX_AUTH })).json()) as { payload: { content_html: string } }).payload
      .content_html;

  it('with unsaved changes, Send What I See sends the editor\'s content and leaves Ongage\'s alone', async () => {
    const before = (await outbox()).length;
    const storedId = (await outbox('?kind=test'))[0].message_id!;
    // Line 31 is `<p class="p">Register your gear…`: edit it without saving.
    await typeAt(':31:14', 'Fresh: ');
    await editorAction('Send Test Again').click();
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /has unsaved changes/);
    await w.screenshot('unsaved changes');
    await dialog.locator('.monaco-button', { hasText: /^Send What I See$/ }).click();
    await w.waitForNotification(/Sent the test of "Getting started: day 2" to ada@example\.com, bob@example\.com/, 30000);
    const sent = await until('two deliveries of the edited content', async () => {
      const o = (await outbox()).slice(before);
      return o.length === 2 && o;
    });
    for (const e of sent) {
      assert.strictEqual(e.message_id, null, 'not sent as embedded content');
      assert.match(e.html, /Fresh: Register your gear/);
      assert.strictEqual(e.subject, '[TEST] Three ways to get the most from your gear');
      // The header and footer templates are composed in, as the preview shows them.
      assert.match(e.html, /Harbor &amp; Pine|Harbor & Pine/);
    }
    assert.doesNotMatch(await serverEmailHtml(storedId), /Fresh:/, 'Ongage\'s copy changed');
  });

  it('with unsaved changes, Save and Send saves to Ongage and sends what it then holds', async () => {
    const before = (await outbox()).length;
    const storedId = (await outbox('?kind=test'))[0].message_id!;
    await w.runCommand('Ongage: Send Test…', { opensInput: true });
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.monaco-button', { hasText: /^Save and Send$/ }).click();
    await pickRow('Amazon SES marketing');
    await typeRecipients('ada@example.com');
    await w.page.keyboard.press('Enter');
    await w.waitForNotification(/Sent the test of "Getting started: day 2" to ada@example\.com: campaign/, 30000);
    const sent = (await outbox()).slice(before);
    assert.strictEqual(sent.length, 1);
    assert.strictEqual(sent[0].message_id, storedId);
    assert.match(sent[0].html, /Fresh: Register your gear/);
    assert.match(await serverEmailHtml(storedId), /Fresh: Register your gear/);
  });

  it('refuses a mistyped address in the picker, saying what to fix, and sends nothing', async () => {
    const before = (await outbox()).length;
    await w.runCommand('Ongage: Send Test…', { opensInput: true });
    await pickRow('Amazon SES marketing');
    // The picker remembers: the last recipients are checked, and they come first.
    await typeRecipients('carol@example.com, bob@');
    const problem = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: /bob@/ }).first();
    await problem.waitFor({ state: 'visible' });
    assert.match(await problem.innerText(), /bob@.*(domain|address)/i);
    await w.screenshot('address refused');
    await w.page.keyboard.press('Enter');
    await env.delay(800);
    assert.ok(await quickInput().isVisible(), 'the picker closed although an address is wrong');
    await w.page.keyboard.press('Escape');
    await env.delay(500);
    assert.strictEqual((await outbox()).length, before, 'something was sent');
  });

  it('refuses an address outside the allowlist before anything is sent', async () => {
    const before = (await outbox()).length;
    await w.runCommand('Ongage: Send Test…', { opensInput: true });
    await pickRow('Amazon SES marketing');
    await typeRecipients('eve@elsewhere.example');
    const problem = quickInput().locator('.quick-input-list .monaco-list-row', { hasText: /outside the sends allowlist/ }).first();
    await problem.waitFor({ state: 'visible' });
    assert.match(await problem.innerText(), /ongage\.send\.allowlist.*eve@elsewhere\.example/);
    await w.page.keyboard.press('Enter');
    await env.delay(800);
    assert.ok(await quickInput().isVisible(), 'the picker accepted an address outside the allowlist');
    await w.screenshot('outside the allowlist');
    await w.page.keyboard.press('Escape');
    assert.strictEqual((await outbox()).length, before);
  });

  it('asks again above the recipient threshold, and Cancel sends nothing', async () => {
    const before = (await outbox()).length;
    await w.runCommand('Ongage: Send Test…', { opensInput: true });
    await pickRow('Amazon SES marketing');
    await typeRecipients(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}@example.com`).join(' '));
    await w.page.keyboard.press('Enter');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    // The last test through this connection went to Ada alone: she is checked, and comes on top of the six typed.
    assert.match(await dialog.innerText(), /Send to 7 recipients\?[\s\S]*more than 5/);
    await w.screenshot('threshold');
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await env.delay(800);
    assert.strictEqual((await outbox()).length, before);
  });

  it('after an answer lost on the way back: says it may have gone out, never resends, and the next attempt asks', async () => {
    const before = (await outbox()).length;
    // The sandbox applies the next test send, then drops the connection before answering.
    await fetch(`${sandbox().url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ applyThenDrop: 1, method: 'POST', path: '/mailings' }),
    });
    await w.page.locator('.tabs-container .tab', { hasText: 'day 2.html' }).first().click();
    await editorAction('Send Test Again').click();
    const warning = await w.waitForNotification(/may have gone out/, 30000);
    assert.match(warning, /not repeated|not sent again/i);
    assert.match(warning, /next attempt of this same send asks first/);
    assert.match(warning, /sandbox outbox/);
    await w.screenshot('may have gone out');
    // Delivered once (the last test went to Ada alone), and not repeated by anyone.
    await env.delay(1500);
    assert.strictEqual((await outbox()).length, before + 1);
    await editorAction('Send Test Again').click();
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await dialog.innerText(), /may already have gone out[\s\S]*to ada@example\.com/);
    await w.screenshot('asks before repeating');
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await env.delay(800);
    assert.strictEqual((await outbox()).length, before + 1);
  });

  it('sends from the preview toolbar what the preview shows', async () => {
    await w.openFile('spring.html');
    await w.runCommand('Ongage: Open Preview to the Side');
    const preview = await w.waitForFrame('#root .toolbar');
    const emailFrame = await until('the email frame', async () => preview.childFrames().find((f: Frame) => f.url() === 'about:srcdoc'));
    await preview.locator('#profile').click();
    await preview.locator('#profile li[role="option"]', { hasText: 'Gold member' }).click();
    await until('the Gold member rendering', async () => /Hello Ada/.test(await emailFrame.evaluate(() => document.body?.innerText ?? '').catch(() => '')));
    const shownHtml = await emailFrame.evaluate(() => document.body.innerHTML);
    const shownSubject = (await preview.locator('.inbox .subject').innerText()).trim();
    const before = (await outbox()).length;
    await preview.locator('#send-test').click();
    // A workspace file goes through send_embed_content: only the connection that supports transactional sends
    // qualifies, so no connection pick; the recipients come next.
    await typeRecipients('ada@example.com');
    await w.page.keyboard.press('Enter');
    await w.waitForNotification(/Sent the test of "spring.html" to ada@example\.com/, 30000);
    const sent = (await outbox()).slice(before);
    assert.strictEqual(sent.length, 1);
    const got = sent[0];
    assert.strictEqual(got.kind, 'transactional');
    assert.strictEqual(got.message_id, null);
    assert.strictEqual(got.subject, `[TEST] ${shownSubject}`);
    // The delivered body is the preview's, once the sandbox's default unsubscribe paragraph (the list adds it) is taken out.
    const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(got.html)?.[1] ?? got.html;
    const delivered = body.replace(/<p style="text-align:center;font:12px Arial[^]*?<\/p>/, '');
    const norm = (s: string) => s.replace(/\s+/g, ' ').replace(/> </g, '><').trim();
    assert.strictEqual(norm(delivered), norm(shownHtml));
    assert.match(got.html, /Gold perks inside/);
    await w.screenshot('sent from the preview');
  });

  it('logs every send in .ongage/sends.jsonl, never a credential, and launched no real campaign', async () => {
    const file = path.join(w.folder, '.ongage', 'sends.jsonl');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepStrictEqual(lines.map((l) => l.result), ['sent', 'sent', 'sent', 'sent', 'maybe-sent', 'sent']);
    assert.strictEqual(lines[4].fingerprint, lines[3].fingerprint, 'the repeat is not recognised as the same send');
    assert.deepStrictEqual(lines[0].recipients, ['ada@example.com', 'bob@example.com']);
    assert.strictEqual(typeof lines[0].mailingId, 'number');
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /X_PASSWORD|"password"|sandbox@example\.com/);
    assert.strictEqual((await stats()).realCampaignLaunches, 0);
  });
});
