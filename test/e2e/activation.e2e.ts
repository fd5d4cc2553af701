// Journey: the extension installs from its VSIX, shows its activity-bar entry and activates.
import * as assert from 'assert';
import { useWorkbench } from './harness/workbench';

describe('e2e: activation', function () {
  const wb = useWorkbench({ name: 'activation' });

  it('shows the Ongage entry in the activity bar of a fresh workbench', async () => {
    await wb().activityItem('Ongage').waitFor({ state: 'visible' });
    await wb().screenshot('workbench started');
  });

  it('activates when its view opens: Ongage: Show Log runs from the palette and shows the Ongage log', async () => {
    await wb().openView('Ongage');
    await wb().runCommand('Ongage: Show Log');
    const output = await wb().activeOutput(10000);
    assert.strictEqual(output.channel, 'Ongage');
    assert.match(output.text, /\S/, 'the Ongage output channel is empty');
    assert.deepStrictEqual(
      (await wb().notifications()).filter((m) => /not found|error/i.test(m)),
      [],
      'running the command raised an error notification',
    );
    await wb().screenshot('ongage log');
  });

  it('reports a command missing from the palette with what the palette showed', async () => {
    await assert.rejects(wb().runCommand('Ongage: No Such Command'), /Command "Ongage: No Such Command" is not in the palette/);
    await wb().page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  });
});
