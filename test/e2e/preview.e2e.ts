// Journey: the live preview. Open an email from the workspace, open the preview beside it, see it rendered with
// the list's sample contact and its CSS inlined, type and see the preview follow, switch to a sample profile from
// .ongage/samples.json and edit that file, then open a library email and see its header and footer templates composed around it.
import * as assert from 'assert';
import { useConnectedWorkbench, type Workbench } from './harness/workbench';
import { until } from './harness/journey';

const EMAIL = `<!DOCTYPE html>
<html><head><title>Spring picks for {{first_name:you}}</title>
<style>.hl { color: #cc0000; } @media (max-width: 400px) { .hl { font-size: 20px; } }</style></head>
<body>
<p class="hl">Hello {{first_name:Friend}}</p>
{{ocx_if plan = Gold}}<p>Gold perks inside</p>{{ocx_else}}<p>Upgrade to Gold</p>{{ocx_endif}}
<p><a href="https://example.com/unsubscribe?c={{ocx_contact_id}}">Unsubscribe</a></p>
</body></html>
`;

/** A long email: the line typed into (line 6) sits below a tall block, so the frame must scroll to show it. */
const LONG = `<!DOCTYPE html>
<html><head><title>Long read</title><style>.t { color: #225; } @media screen { .t { letter-spacing: 1px; } }</style></head>
<body>
<div style="height: 1500px">Top of the long read</div>
<img id="logo" alt="Logo" width="40" height="40" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p class="t" id="typed">Dear reader</p>
<div style="height: 1500px">Bottom</div>
</body></html>
`;

const SAMPLES = JSON.stringify({ profiles: [{ label: 'Gold member', values: { first_name: 'Ada', plan: 'Gold' } }] }, null, 2);

describe('e2e: the live preview', function () {
  const { wb } = useConnectedWorkbench('preview', { files: { 'spring.html': EMAIL, 'long.html': LONG, '.ongage/samples.json': SAMPLES } });
  let w: Workbench;

  /** The preview's own page (toolbar, inbox line, notes) and the frame with the rendered email. */
  const preview = () => w.previewPage();
  const emailFrame = () => w.previewEmailFrame();
  const emailText = () => w.previewEmailText();
  const waitForEmail = (what: string, test: (text: string) => boolean) =>
    until(what, async () => {
      const t = await emailText();
      return test(t) && t;
    });

  before(async () => {
    w = wb();
    await w.connected('spring.html');
  });

  it('renders the email beside the editor with the list sample contact, its CSS inlined', async () => {
    await w.runCommand('Ongage: Open Preview to the Side');
    await until('the preview tab', async () => (await w.editorTabs()).some((t) => t.startsWith('Preview spring.html')));
    // The sample contact comes from the sandbox list's fields: first_name has no default (Jane), plan defaults to free.
    const text = await waitForEmail('the sample contact in the email', (t) => /Hello Jane/.test(t));
    assert.match(text, /Upgrade to Gold/);
    assert.doesNotMatch(text, /\{\{/, 'a tag was left unrendered');
    const style = await (await emailFrame()).locator('p.hl').getAttribute('style');
    assert.match(style ?? '', /color:\s*#cc0000/, `the <style> rule was not inlined: style="${style}"`);
    const subject = await (await preview()).locator('.inbox .subject').innerText();
    assert.strictEqual(subject.trim(), 'Spring picks for Jane');
    await w.screenshot('rendered');
  });

  it('follows the editor as you type', async () => {
    const p = await preview();
    const before = Number(await p.evaluate(() => document.body.dataset.version));
    await w.page.locator('.editor-group-container .monaco-editor').first().click();
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':5:15');
    await w.page.keyboard.press('Enter');
    await w.typeInEditor('Well, ');
    await waitForEmail('the typed words in the preview', (t) => /Well, Hello Jane/.test(t));
    const after = Number(await p.evaluate(() => document.body.dataset.version));
    assert.ok(after > before, `the preview did not render again (version ${before} → ${after})`);
    await w.screenshot('typed');
  });

  it('switches to a sample profile from .ongage/samples.json', async () => {
    const p = await preview();
    await p.locator('#profile').click();
    await p.locator('#profile li[role="option"]', { hasText: 'Gold member' }).click();
    const text = await waitForEmail('the Gold member profile', (t) => /Hello Ada/.test(t));
    assert.match(text, /Gold perks inside/);
    assert.doesNotMatch(text, /Upgrade to Gold/);
    await w.screenshot('profile');
  });

  it('shows the email at mobile width, where its media queries apply', async () => {
    const p = await preview();
    const frameWidth = async () => (await emailFrame()).evaluate(() => window.innerWidth).catch(() => 0);
    // The heading's computed font size; null when the email has no such heading, undefined while the frame reloads.
    const fontSize = async (): Promise<string | null | undefined> =>
      (await emailFrame())
        .evaluate(() => {
          const el = document.querySelector('p.hl');
          return el ? getComputedStyle(el).fontSize : null;
        })
        .catch(() => undefined);
    await p.locator('vscode-button', { hasText: 'Mobile' }).click();
    await until('the 375 px frame', async () => (await frameWidth()) === 375);
    // The media query stayed in <style> (inlining keeps it), so at 375 px the heading grows.
    await until('the mobile font size', async () => (await fontSize()) === '20px');
    await w.screenshot('mobile');
    await p.locator('vscode-button', { hasText: 'Desktop' }).click();
    await until('the desktop width', async () => (await frameWidth()) > 400);
    // The heading must still be there, at its desktop size: a missing heading or a broken frame fails here.
    const desktop = await until('the heading at its desktop size', async () => {
      const f = await fontSize();
      return typeof f === 'string' && f !== '20px' && f;
    });
    assert.match(desktop, /^\d+(\.\d+)?px$/);
  });

  it('opens the samples file from the toolbar, and edits to it show as you type', async () => {
    const p = await preview();
    await p.locator('vscode-button', { hasText: 'Edit samples' }).click();
    await until('samples.json in the editor', async () => (await w.editorTabs()).some((t) => t.startsWith('samples.json')));
    // Line 6 is `        "first_name": "Ada",`: make Ada Adaline, without saving.
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':6:27');
    await w.page.keyboard.press('Enter');
    await w.typeInEditor('line');
    await waitForEmail('the edited profile', (t) => /Hello Adaline/.test(t));
    await w.screenshot('samples-edited');
  });

  it('composes the header and footer templates around a library email', async () => {
    await w.expand('Newsletter');
    await w.expand('Lifecycle');
    await w.expand('Onboarding');
    await w.clickTreeItem('Getting started: day 2');
    // The preview follows the active editor: the library email replaces the file.
    await until('the preview of the library email', async () => (await w.editorTabs()).some((t) => t.startsWith('Preview Getting started')));
    const composed = await until('the composed templates', async () => {
      const t = await (await preview()).locator('.inbox .composed').innerText().catch(() => '');
      return /Brand header/.test(t) && /Minimal footer/.test(t) && t;
    });
    assert.match(composed, /header template "Brand header" and footer template "Minimal footer"/);
    const subject = await (await preview()).locator('.inbox .subject').innerText();
    assert.strictEqual(subject.trim(), 'Three ways to get the most from your gear');
    const text = await waitForEmail('the library email rendered', (t) => /Register your gear/.test(t));
    assert.ok(text.indexOf('Harbor & Pine') < text.indexOf('Register your gear'), 'the header template is not above the email');
    assert.ok(text.lastIndexOf('41 Quay Street') > text.indexOf('Register your gear'), 'the footer template is not below the email');
    // The profile chosen earlier stays chosen, as edited: the header greets the Gold member.
    assert.match(text, /Hi Adaline/);
    assert.doesNotMatch(text, /\{\{/, 'a tag was left unrendered');
    await w.screenshot('library-email');
  });

  it('shows each character as it is typed, in place in the frame: scroll position and elements stay', async () => {
    await w.openFile('long.html');
    await until('the preview of long.html', async () => (await w.editorTabs()).some((t) => t.startsWith('Preview long.html')));
    await waitForEmail('the long email', (t) => /Dear reader/.test(t));
    const p = await preview();
    // Scroll the email to the typed paragraph and mark the image element, to see that neither is replaced.
    const f = await emailFrame();
    await f.evaluate(() => {
      document.getElementById('typed')!.scrollIntoView();
      (document.getElementById('logo') as HTMLElement & { kept?: boolean }).kept = true;
    });
    const scrolled = await f.evaluate(() => document.scrollingElement!.scrollTop);
    assert.ok(scrolled > 1000, `the email did not scroll (${scrolled})`);
    const swaps = await p.evaluate(() => Number((document.querySelector('.stage') as HTMLElement).dataset.swaps));
    const texts = await p.evaluate(() => Number((document.querySelector('.stage') as HTMLElement).dataset.texts ?? 0));
    await w.page.locator('.editor-group-container .monaco-editor').first().click();
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':6:36');
    await w.page.keyboard.press('Enter');
    let typed = '';
    for (const c of ', thanks') {
      await w.typeInEditor(c);
      typed += c;
      // The paragraph's own text (innerText would drop a trailing space).
      await until(`"${typed}" in the preview`, async () => (await (await emailFrame()).evaluate(() => document.getElementById('typed')?.textContent ?? '').catch(() => '')) === `Dear reader${typed}`);
    }
    const after = await f.evaluate(() => ({
      top: document.scrollingElement!.scrollTop,
      kept: (document.getElementById('logo') as HTMLElement & { kept?: boolean }).kept === true,
      color: getComputedStyle(document.getElementById('typed')!).color,
    }));
    assert.strictEqual(after.top, scrolled, 'the scroll position moved while typing');
    assert.ok(after.kept, 'the image element was replaced (the frame was reloaded, not morphed)');
    assert.strictEqual(after.color, 'rgb(34, 34, 85)', 'the inlined style was lost');
    const stage = await p.evaluate(() => ({ ...(document.querySelector('.stage') as HTMLElement).dataset }));
    // Each character typed in text set the paragraph's text node (no parse, no morph of the document).
    assert.strictEqual(stage.update, 'text');
    assert.ok(Number(stage.texts) - texts >= ', thanks'.length, `${Number(stage.texts) - texts} keystrokes took the text path`);
    assert.strictEqual(Number(stage.swaps), swaps, 'a keystroke in text replaced the whole frame');
    await w.screenshot('typed-morphed');
    // A change to a style sheet that stays in the head (a media query) replaces the document, and the scroll
    // position comes back.
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':2:105');
    await w.page.keyboard.press('Enter');
    await w.typeInEditor(' font-weight: bold;');
    await until('the bold paragraph', async () => (await (await emailFrame()).evaluate(() => getComputedStyle(document.getElementById('typed')!).fontWeight).catch(() => '')) === '700');
    const swapped = await p.evaluate(() => ({ ...(document.querySelector('.stage') as HTMLElement).dataset }));
    assert.ok(Number(swapped.swaps) > swaps, 'a style sheet change did not replace the frame');
    await until('the scroll position restored', async () => Math.abs((await (await emailFrame()).evaluate(() => document.scrollingElement!.scrollTop).catch(() => 0)) - scrolled) < 5);
  });
});
