// Journey: the preview's views. An email with dark styles and a plain-text part beside it: the plain-text view
// renders the text part for the sample contact, the dark view applies the email's prefers-color-scheme: dark
// rules (and an email without any says so), the final-HTML view shows the inlined, personalized source and
// copies it; Contact… previews as a contact read from the sandbox and saves them as a sample profile.
import * as assert from 'assert';
import { useConnectedWorkbench, type Workbench } from './harness/workbench';
import * as fs from 'fs';
import * as path from 'path';
import { answer, until } from './harness/journey';

const OFFER = `<!DOCTYPE html>
<html><head><title>Your offer</title>
<style>.hl { color: #cc0000; } @media (prefers-color-scheme: dark) { .hl { color: #ffcc00 !important; } }</style></head>
<body>
<p class="hl">Hello {{first_name:Friend}}</p>
<p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>
</body></html>
`;
const OFFER_TEXT = `Hello {{first_name:Friend}},

Your offer is inside.
Unsubscribe: {{ocx_unsubscribe_link}}
`;
const PLAIN = '<html><head><style>p { color: #333; }</style></head><body><p>No dark styles here</p></body></html>\n';

describe('e2e: the preview views (plain text, dark mode, final HTML)', function () {
  const { wb } = useConnectedWorkbench('preview-views', { files: { 'offer.html': OFFER, 'offer.ongage.txt': OFFER_TEXT, 'plain.html': PLAIN } });
  let w: Workbench;

  const preview = () => w.previewPage();
  const emailFrame = () => w.previewEmailFrame();
  const chooseView = async (label: string) => {
    const p = await preview();
    await p.locator('#view').click();
    await p.locator('#view li[role="option"]', { hasText: label }).click();
  };
  const textOf = async (selector: string) => (await preview()).locator(selector).evaluate((e) => e.textContent ?? '').catch(() => '');

  before(async () => {
    w = wb();
    await w.connected('offer.html');
    await w.runCommand('Ongage: Open Preview to the Side');
    await until('the rendered email', async () => /Hello Jane/.test(await w.previewEmailText()));
  });

  it('shows the plain-text part beside the file, rendered for the sample contact', async () => {
    await chooseView('Plain text');
    const text = await until('the plain-text part', async () => {
      const t = await textOf('.plain-text');
      return /Hello Jane,/.test(t) && t;
    });
    assert.match(text, /Your offer is inside\.\nUnsubscribe: https:\/\/unsubscribe\.example\.com\/sample/);
    assert.doesNotMatch(text, /\{\{/);
    assert.match(await textOf('#text-source'), /offer\.ongage\.txt/);
    assert.ok(await (await preview()).locator('.stage').isHidden(), 'the email frame is still shown in the text view');
    await w.screenshot('plain-text');
  });

  it('applies the email\'s dark styles in the dark view', async () => {
    await chooseView('Dark mode');
    const color = () => emailFrame().then((f) => f.evaluate(() => getComputedStyle(document.querySelector('p.hl')!).color)).catch(() => '');
    await until('the dark colour', async () => (await color()) === 'rgb(255, 204, 0)');
    assert.match(await textOf('#dark-note'), /prefers-color-scheme: dark styles applied/);
    await w.screenshot('dark');
    // Open the next email in the editor's group (the preview's group is the active one after a click in it).
    await w.focusFirstEditorGroup();
    await w.openFile('plain.html');
    await until('the note on an email without dark styles', async () => /declares no dark styles/.test(await textOf('#dark-note')));
    await w.screenshot('dark-none');
    await w.focusFirstEditorGroup();
    await w.openFile('offer.html');
    await until('the offer in dark mode again', async () => (await color()) === 'rgb(255, 204, 0)');
  });

  it('shows the final HTML, inlined and personalized, and copies it', async () => {
    await chooseView('Final HTML');
    const html = await until('the final HTML', async () => {
      const t = await textOf('.final-html');
      return /Hello Jane/.test(t) && t;
    });
    assert.match(html, /<p class="hl" style="color: ?#cc0000;?">Hello Jane<\/p>/);
    assert.match(html, /href="https:\/\/unsubscribe\.example\.com\/sample"/);
    assert.doesNotMatch(html, /\{\{/);
    await (await preview()).locator('#copy-html').click();
    await w.waitForNotification('Copied the final HTML');
    await w.screenshot('final-html');
    // Back to the email: the frame shows again.
    await chooseView('Email');
    await until('the email frame shown', async () => !(await (await preview()).locator('.stage').isHidden()));
  });

  it('previews as a contact of the list read from Ongage, and saves them as a sample profile', async () => {
    const p = await preview();
    await p.locator('#preview-contact').click();
    await answer(w, /email address of a contact/, 'john.smith@example.com');
    await until('the contact in the email', async () => /Hello John/.test(await (await emailFrame()).evaluate(() => document.body?.innerText ?? '').catch(() => '')));
    // The Sample list gained the contact, chosen.
    const chosen = () => p.locator('#profile vscode-option[selected]').evaluate((e) => e.textContent ?? '').catch(() => '');
    assert.match(await chosen(), /john\.smith@example\.com \(from Ongage\)/);
    await w.waitForNotification('Previewing as john.smith@example.com');
    await w.screenshot('contact');
    await w.page.locator('.notifications-toasts .monaco-button', { hasText: 'Save as Sample Profile' }).first().click();
    await w.waitForNotification('Saved john.smith@example.com as a sample profile');
    const saved = JSON.parse(fs.readFileSync(path.join(w.folder, '.ongage', 'samples.json'), 'utf8')) as { profiles: Array<{ label: string; values: Record<string, unknown> }> };
    const john = saved.profiles.find((x) => x.label === 'john.smith@example.com');
    assert.ok(john, JSON.stringify(saved));
    assert.strictEqual(john.values.first_name, 'John');
    assert.strictEqual(john.values.city, 'Chicago');
    assert.doesNotMatch(JSON.stringify(saved), /sandbox@example\.com|X_PASSWORD|password/i, 'a credential reached the samples file');
    // The saved profile is the one shown now.
    await until('the saved profile chosen', async () => (await chosen()).trim() === 'john.smith@example.com');
    assert.match(await (await emailFrame()).evaluate(() => document.body?.innerText ?? ''), /Hello John/);
  });

  it('says what is wrong when the contact is not in the list', async () => {
    await (await preview()).locator('#preview-contact').click();
    await answer(w, /email address of a contact/, 'nobody@example.com');
    await w.waitForNotification(/nobody@example\.com is not in/);
  });
});
