// Journey: the email checks in the editor — a CSS property Outlook ignores is an Info in Problems, hovering it shows
// which clients ignore it with caniemail's page, an accessibility finding sits beside it, and the preview's toolbar
// shows the email's client-support score.
import * as assert from 'assert';
import { useConnectedWorkbench, type Workbench } from './harness/workbench';
import { until } from './harness/journey';

const EMAIL = `<!DOCTYPE html>
<html><head><title>Spring</title></head>
<body>
<table role="presentation" width="100%"><tr>
<td style="border-radius: 8px; padding: 16px">Hello {{first_name:there}}</td>
</tr></table>
<p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>
</body></html>
`;

describe('e2e: client support and accessibility checks', function () {
  const { wb } = useConnectedWorkbench('checks', { files: { 'spring.html': EMAIL } });
  let w: Workbench;

  before(async () => {
    w = wb();
    await w.connected('spring.html');
  });

  it('lists the ignored property and the missing lang in Problems', async () => {
    const rows = await until('the client-support and html-lang findings', async () => {
      const p = await w.problems();
      return p.some((r) => /Outlook: Windows 2016.* ignore `border-radius`/.test(r)) && p.some((r) => /<html> without a lang attribute/.test(r)) && p;
    });
    const radius = rows.find((r) => /`border-radius`/.test(r)) ?? '';
    assert.match(radius, /client-unsupported/, `the finding names its rule: ${radius}`);
    await w.screenshot('problems');
  });

  it('a hover on the flagged property shows the clients that ignore it and caniemail\'s page', async () => {
    // Line 5, column 14 is inside "border-radius" (the style value starts at column 12).
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':5:14');
    await w.page.keyboard.press('Enter');
    await w.runCommand('Show or Focus Hover');
    const hover = await until('the hover with the clients', async () => {
      const texts = await w.page.locator('.monaco-hover').filter({ visible: true }).allInnerTexts();
      const t = texts.join('\n');
      return /Not supported/.test(t) && /Outlook: Windows 2016/.test(t) && t;
    });
    assert.match(hover, /caniemail\.com/);
    assert.match(hover, /RoundRect/, "caniemail's note for Outlook");
    await w.screenshot('hover');
    await w.page.keyboard.press('Escape');
  });

  it('the preview toolbar shows the client-support score', async () => {
    await w.runCommand('Ongage: Open Preview to the Side');
    const frame = await w.waitForFrame('#root .toolbar .support');
    const text = await until('the score in the toolbar', async () => {
      const t = (await frame.locator('.toolbar .support').innerText().catch(() => '')).trim();
      return /^Client support \d+%$/.test(t) && t;
    });
    const score = Number(/(\d+)%/.exec(text)![1]);
    assert.ok(score < 100, `border-radius is ignored by Outlook for Windows, so not every client gets everything: ${text}`);
    const detail = await frame.locator('.toolbar .support').getAttribute('title');
    assert.match(detail ?? '', /costs most: .*border-radius/);
    await w.screenshot('preview-score');
  });
});
