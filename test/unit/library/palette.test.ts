// The palette entries of package.json: VS Code evaluates their `when` while the palette itself has the focus, so a
// focus context key (focusedView, editorFocus, …) there hides the command as soon as the user types its name.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

interface PaletteEntry {
  command: string;
  when?: string;
}

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { menus: { commandPalette: PaletteEntry[] } };
};
const palette = pkg.contributes.menus.commandPalette;

describe('package.json palette entries', () => {
  it('never depend on where the focus is (it is in the palette when they are evaluated)', () => {
    const focusKeys = /\b(focusedView|editorFocus|editorTextFocus|textInputFocus|inputFocus|listFocus|treeFocus|sideBarFocus|panelFocus|view|viewItem)\b\s*(==|!=|=~)?/;
    const bad = palette.filter((e) => e.when && focusKeys.test(e.when));
    assert.deepStrictEqual(bad, [], `palette entries that vanish once the palette has the focus: ${JSON.stringify(bad)}`);
  });

  it("offer the Library's item commands while signed in (they act on the view's selection)", () => {
    for (const id of ['ongage.rename', 'ongage.move', 'ongage.copyToLists', 'ongage.toggleFavorite', 'ongage.delete', 'ongage.copyId', 'ongage.openInWebApp']) {
      const e = palette.find((x) => x.command === id);
      assert.ok(e, `${id} has no palette entry`);
      assert.strictEqual(e.when, 'ongage.signedIn', id);
    }
  });
});
