// Journey: the template language in the editor, with the sandbox's list fields — see an unknown field, a date in
// another format than its field's and an unclosed condition reported in Problems, then type `{{` and accept a
// field completion.
import * as assert from 'assert';
import { useConnectedWorkbench, type Workbench } from './harness/workbench';
import { until } from './harness/journey';

const EMAIL = `<!DOCTYPE html>
<html><head><title>Spring</title></head>
<body>
<p>Hello </p>
<p>{{ocx_if birthday > 2024-01-31}}Happy belated birthday{{ocx_endif}}</p>
{{ocx_if plan = Gold}}<p>Thanks for going gold, {{frist_name}}.</p>
<p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>
</body></html>
`;

describe('e2e: the template language', function () {
  const { wb } = useConnectedWorkbench('language', { files: { 'spring.html': EMAIL } });
  let w: Workbench;

  before(async () => {
    w = wb();
    // Opening the view activates the extension and connects it to the sandbox (autoConnect).
    await w.connected('spring.html');
  });

  it('reports the misspelt field, the date in the wrong format and the unclosed condition in Problems', async () => {
    const rows = await until('both problems', async () => {
      const p = await w.problems();
      return p.some((r) => /frist_name/.test(r)) && p.some((r) => /ocx_if/.test(r) && /endif|closed|unclosed/i.test(r)) && p;
    });
    const unknown = rows.find((r) => /frist_name/.test(r)) ?? '';
    assert.match(unknown, /first_name/, `the unknown-field problem does not suggest first_name: ${unknown}`);
    // The sandbox list's birthday field is dd/mm/yyyy: the ISO date in the condition is reported.
    const date = await until('the date-format problem', async () => (await w.problems()).find((r) => /"birthday" is a date field in the format dd\/mm\/yyyy/.test(r)));
    assert.match(date, /e\.g\. 14\/05\/2026/);
    await w.screenshot('problems');
  });

  it('completes a list field after {{ and closes the tag', async () => {
    // Put the cursor after "Hello " on line 4 through Go to Line, then type.
    await w.page.keyboard.press('Control+G');
    await w.page.locator('.quick-input-widget input.input').first().fill(':4:10');
    await w.page.keyboard.press('Enter');
    await w.typeInEditor('{{first');
    const suggest = w.page.locator('.suggest-widget.visible .monaco-list-row');
    await suggest.first().waitFor({ state: 'visible' });
    const labels = (await suggest.allInnerTexts()).map((t) => t.split('\n')[0]);
    assert.ok(labels.some((l) => l.includes('first_name')), `no first_name in ${JSON.stringify(labels)}`);
    await w.screenshot('completion');
    await w.page.keyboard.press('Enter');
    const text = await until('the completed tag', async () => {
      const t = await w.editorText();
      return /Hello \{\{first_name\}\}/.test(t) && t;
    });
    assert.doesNotMatch(text, /\{\{first_name\}\}\}\}/, 'closing braces were doubled');
  });
});
