import { strict as assert } from 'assert';
import { LibraryItem, LibraryModel, ROOT, describeFilter, isFilterActive } from '../../../src/core/library/model';

function item(id: number, type: LibraryItem['type'], name: string, parentId = ROOT, extra: Partial<LibraryItem> = {}): LibraryItem {
  return { id, type, name, parentId, favorite: false, ...extra };
}

const names = (items: LibraryItem[]) => items.map((i) => i.name);

describe('LibraryModel', () => {
  it('upsert reports the folders whose children changed, not those listed again as they were', () => {
    const m = new LibraryModel();
    const when = new Date('2026-01-02T03:04:05Z');
    const a = { ...item(1, 'email_message', 'A', 10), modified: when, tagIds: [3] };
    assert.deepEqual([...m.upsert([item(10, 'folder', 'F'), a])].sort(), [0, 10]);
    // The same item again (a background listing, a refresh): nothing touched.
    assert.deepEqual([...m.upsert([{ ...a, modified: new Date(when.getTime()), tagIds: [3] }])], []);
    // A changed field, or a move, touches its folder(s).
    assert.deepEqual([...m.upsert([{ ...a, name: 'A2' }])], [10]);
    assert.deepEqual([...m.upsert([{ ...a, name: 'A2', modified: new Date(when.getTime() + 1000) }])], [10]);
    assert.deepEqual([...m.upsert([{ ...a, name: 'A2', modified: new Date(when.getTime() + 1000), parentId: 0 }])].sort(), [0, 10]);
    assert.deepEqual(m.childrenOf(10).map((i) => i.id), []);
  });

  it('builds the hierarchy from flat pages in any order', () => {
    const m = new LibraryModel();
    // A child arrives before its folder.
    m.upsert([item(11, 'email_message', 'Welcome', 10), item(1, 'template', 'Base')]);
    m.upsert([item(10, 'folder', 'Onboarding'), item(12, 'folder', 'Deep', 10), item(13, 'email_message', 'Day 2', 12)]);
    assert.deepEqual(names(m.childrenOf(ROOT)), ['Onboarding', 'Base']);
    assert.deepEqual(names(m.childrenOf(10)), ['Deep', 'Welcome']);
    assert.deepEqual(names(m.childrenOf(12)), ['Day 2']);
    assert.deepEqual(m.ancestors(13).map((a) => a.id), [10, 12]);
    assert.equal(m.size, 5);
  });

  it('sorts folders, then templates, then emails, numbers in names numerically', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'email_message', 'Issue 10'), item(2, 'email_message', 'Issue 9'), item(3, 'template', 'T'), item(4, 'folder', 'Z')]);
    assert.deepEqual(names(m.childrenOf(ROOT)), ['Z', 'T', 'Issue 9', 'Issue 10']);
  });

  it('applies moves and renames in place', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'folder', 'A'), item(2, 'folder', 'B'), item(3, 'email_message', 'Promo', 1)]);
    m.move(3, 2, 'Promo v2');
    assert.deepEqual(names(m.childrenOf(1)), []);
    assert.deepEqual(names(m.childrenOf(2)), ['Promo v2']);
    assert.equal(m.get(3)?.parentId, 2);
  });

  it('removes a folder with everything under it', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'folder', 'A'), item(2, 'folder', 'B', 1), item(3, 'email_message', 'x', 2), item(4, 'email_message', 'y')]);
    assert.deepEqual(m.remove(1).sort(), [1, 2, 3]);
    assert.deepEqual(names(m.childrenOf(ROOT)), ['y']);
    assert.equal(m.size, 1);
    assert.deepEqual(m.remove(99), []);
  });

  it('replaces a folder’s children with the server’s answer', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'folder', 'A'), item(2, 'email_message', 'old', 1)]);
    m.setChildren(1, [item(3, 'email_message', 'new', 1)]);
    assert.deepEqual(names(m.childrenOf(1)), ['new']);
    assert.equal(m.has(2), false);
    assert.equal(m.isComplete(1), true);
  });

  it('knows a folder’s subtree (no move into itself)', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'folder', 'A'), item(2, 'folder', 'B', 1), item(3, 'folder', 'C', 2)]);
    assert.equal(m.isInSubtree(3, 1), true);
    assert.equal(m.isInSubtree(1, 1), true);
    assert.equal(m.isInSubtree(1, 3), false);
    assert.deepEqual(m.folders().map((f) => f.path), ['A', 'A / B', 'A / B / C']);
  });

  it('filters by text, favourites and type, keeping the folders on the way', () => {
    const m = new LibraryModel();
    m.upsert([
      item(1, 'folder', 'Campaigns'),
      item(2, 'folder', 'Empty'),
      item(3, 'email_message', 'Black Friday', 1, { subject: 'Deals inside', favorite: true }),
      item(4, 'email_message', 'Newsletter', 1, { subject: 'Monthly DEALS' }),
      item(5, 'template', 'Footer', ROOT),
    ]);
    m.setFilter({ text: 'deals' });
    assert.deepEqual(names(m.childrenOf(ROOT)), ['Campaigns']);
    assert.deepEqual(names(m.childrenOf(1)), ['Black Friday', 'Newsletter']);
    assert.equal(m.matchCount(), 2);
    m.setFilter({ favoritesOnly: true });
    assert.deepEqual(names(m.childrenOf(1)), ['Black Friday']);
    m.setFilter({ types: ['template'] });
    assert.deepEqual(names(m.childrenOf(ROOT)), ['Footer']);
    m.setFilter({ text: '  ' });
    assert.equal(m.getFilter(), undefined);
    assert.deepEqual(names(m.childrenOf(ROOT)), ['Campaigns', 'Empty', 'Footer']);
  });

  it('recomputes the filter after changes', () => {
    const m = new LibraryModel();
    m.upsert([item(1, 'email_message', 'a')]);
    m.setFilter({ favoritesOnly: true });
    assert.deepEqual(m.childrenOf(ROOT), []);
    m.patch(1, { favorite: true });
    assert.deepEqual(names(m.childrenOf(ROOT)), ['a']);
  });

  it('describes filters for the title bar', () => {
    assert.equal(describeFilter(undefined), '');
    assert.equal(describeFilter({ text: ' promo ', favoritesOnly: true, types: ['template', 'email_message'] }), '"promo" · favourites · templates, emails');
    assert.equal(isFilterActive({ types: [] }), false);
  });
});
