// Journey: a user with no connection opens the Ongage view and is offered to sign in or to use the local sandbox.
import * as assert from 'assert';
import { useWorkbench } from './harness/workbench';

describe('e2e: Library view before sign-in', function () {
  const wb = useWorkbench({ name: 'library-welcome' });

  it('opens the Ongage container on its Library view', async () => {
    await wb().openView('Ongage');
    const titles = [await wb().sideBarTitle(), ...(await wb().viewTitles())].join(' | ');
    assert.match(titles, /ongage/i, `side bar shows ${titles}`);
    assert.match(titles, /library/i, `side bar shows ${titles}`);
  });

  it('shows the welcome content with both ways in', async () => {
    const text = await wb().waitForWelcome('Use the local sandbox');
    assert.match(text, /Connect to an Ongage account/);
    const buttons = await wb().welcomeButtons();
    assert.ok(buttons.includes('Sign in to Ongage…'), `welcome buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Use the local sandbox'), `welcome buttons: ${JSON.stringify(buttons)}`);
    assert.deepStrictEqual(await wb().treeRows(), [], 'the Library tree shows rows before any sign-in');
    await wb().screenshot('library welcome');
  });
});
