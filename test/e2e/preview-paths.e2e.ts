// Journey: the preview's other paths — its notes (and a note's link to the line), a broken .ongage/samples.json and its
// fix, `ongage.preview.inlineCss: false`, a library email whose header template cannot be fetched (then can), and a
// render stopped by the time limit.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { useConnectedWorkbench, useWorkbench, type Workbench } from './harness/workbench';
import { until } from './harness/journey';
import { SEED_IDS } from '../../sandbox/seed';

// Line 4 (1-based) mixes AND and OR: the preview notes which it reads first.
const EMAIL = `<!DOCTYPE html>
<html><head><title>Notes for {{first_name:you}}</title><style>.hl { color: #cc0000; }</style></head>
<body><p class="hl">Hello {{first_name:Friend}}</p>
{{ocx_if plan = Gold AND vip = 1 OR country = US}}<p>Perks</p>{{ocx_endif}}
<p><a href="https://example.com/unsubscribe?c={{ocx_contact_id}}">Unsubscribe</a></p>
</body></html>
`;

describe('e2e: the preview’s notes, samples errors, settings and template errors', function () {
  const { sandbox, wb } = useConnectedWorkbench('preview-paths', {
    settings: { 'ongage.preview.inlineCss': false },
    files: { 'notes.html': EMAIL, '.ongage/samples.json': '{ "profiles": [ { "label": "Gold member", "values": { "first_name": "Ada" } ' },
  });
  let w: Workbench;

  const preview = () => w.previewPage();
  const emailFrame = () => w.previewEmailFrame();
  const emailText = () => w.previewEmailText();
  const notes = async (): Promise<string[]> => (await (await preview()).locator('.notes li').allInnerTexts().catch(() => [])).map((t) => t.trim());
  const waitForNote = (what: string, re: RegExp) =>
    until(what, async () => (await notes()).find((n) => re.test(n)), 30000).catch(async (e: Error) => {
      throw new Error(`${e.message}; notes shown: ${JSON.stringify(await notes())}`);
    });

  before(async () => {
    w = wb();
    await w.connected('notes.html');
    await w.runCommand('Ongage: Open Preview to the Side');
    await until('the preview tab', async () => (await w.editorTabs()).some((t) => t.startsWith('Preview notes.html')));
  });

  it('shows the broken samples file as a note and renders with the list sample contact, then the fixed file', async () => {
    await until('the list sample contact', async () => /Hello Jane/.test(await emailText()), 30000);
    const note = await waitForNote('the samples note', /samples\.json.*not valid JSON/);
    assert.match(note, /until then the preview uses the list's sample contact/);
    // Fixed on disk, as another editor or a git checkout would: the note goes and the profile is offered.
    fs.writeFileSync(path.join(w.folder, '.ongage', 'samples.json'), JSON.stringify({ profiles: [{ label: 'Gold member', values: { first_name: 'Ada' } }] }));
    await until('the samples note to go', async () => !(await notes()).some((n) => /samples\.json/.test(n)), 30000);
    const p = await preview();
    await p.locator('#profile').click();
    await p.locator('#profile li[role="option"]', { hasText: 'Gold member' }).click();
    await until('the Gold member profile', async () => /Hello Ada/.test(await emailText()));
    await w.screenshot('samples fixed');
  });

  it('notes what the preview had to guess, and the note shows its line in the editor', async () => {
    const note = await waitForNote('the AND/OR note', /mixes AND and OR/);
    assert.match(note, /reads AND first/);
    const link = (await preview()).locator('.notes li a', { hasText: 'mixes AND and OR' }).first();
    assert.match((await link.getAttribute('title')) ?? '', /^Line 4:/);
    await link.click();
    // The editor's cursor goes to the condition (the status bar shows the selection's line).
    await until('the editor at line 4', async () => {
      const items = await w.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
      return items.some((t) => /Ln 4, Col \d+/.test(t));
    });
  });

  it('keeps the CSS in <style> with ongage.preview.inlineCss set to false', async () => {
    const frame = await emailFrame();
    const style = await frame.locator('p.hl').getAttribute('style');
    assert.ok(!/color/.test(style ?? ''), `the rule was inlined although inlineCss is false: style="${style}"`);
    const sheets = await frame.evaluate(() => Array.from(document.querySelectorAll('style')).map((s) => s.textContent ?? ''));
    assert.ok(sheets.some((s) => /\.hl\s*\{\s*color:\s*#cc0000/.test(s)), `the <style> block is gone: ${JSON.stringify(sheets)}`);
    // The rule still applies through the <style> block.
    assert.strictEqual(await frame.evaluate(() => getComputedStyle(document.querySelector('p.hl')!).color), 'rgb(204, 0, 0)');
  });

  it('says which template could not be fetched, shows the email without it, and composes it once Ongage answers again', async () => {
    const header = SEED_IDS.templates.header;
    const faults = (body: Record<string, unknown>) =>
      fetch(`${sandbox().url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.text());
    // Every read of the header template fails (more times than the client retries).
    await faults({ next5xx: 50, method: 'GET', path: `/api/emails/${header}` });
    try {
      await w.expand('Newsletter');
      await w.expand('Lifecycle');
      await w.expand('Onboarding');
      await w.clickTreeItem('Getting started: day 2');
      await until('the preview of the library email', async () => (await w.editorTabs()).some((t) => t.startsWith('Preview Getting started')));
      const note = await waitForNote('the header template note', new RegExp(`The header template ${header} could not be read`));
      assert.match(note, /the preview shows the email without it/);
      await until('the email rendered', async () => /Register your gear/.test(await emailText()));
      const composed = await (await preview()).locator('.inbox .composed').innerText();
      assert.doesNotMatch(composed, /Brand header/);
      assert.match(composed, /Minimal footer/);
      await w.screenshot('header template missing');
    } finally {
      await faults({ clear: true });
    }
    // A new render (the user types) fetches the template again.
    await w.page.locator('.editor-group-container .monaco-editor').first().click();
    await w.page.keyboard.press('Control+End');
    await w.page.keyboard.type(' ');
    await until('the header composed again', async () => /Brand header/.test(await (await preview()).locator('.inbox .composed').innerText().catch(() => '')), 30000);
    assert.ok(!(await notes()).some((n) => /could not be read/.test(n)), 'the template note stayed');
  });
});

describe('e2e: a preview render stopped by its time limit', function () {
  // The limit is 15 s; the hidden setting lowers it so that every render runs past it.
  const wb = useWorkbench(() => ({
    name: 'preview-timeout',
    settings: { 'ongage.debug.renderTimeoutMs': 1 },
    files: { 'slow.html': '<html><head><title>Slow</title></head><body><p>Hello {{first_name:Friend}}</p></body></html>\n' },
  }));

  it('says the render was stopped, and what happens next, instead of hanging', async () => {
    const w = wb();
    await w.openFile('slow.html');
    await w.runCommand('Ongage: Open Preview to the Side');
    const p = await w.waitForFrame('#root .toolbar');
    const shown = await until('the time-limit message', async () => {
      const m = p.locator('.message.error');
      return (await m.isVisible().catch(() => false)) && (await m.innerText()).replace(/\s+/g, ' ');
    }, 30000);
    assert.match(shown, /Could not render slow\.html/);
    assert.match(shown, /rendering took over 1 ms and was stopped; the next change to the email renders it again/);
    await w.screenshot('render stopped');
  });
});
