import { strict as assert } from 'assert';
import { MAX_NAME_BYTES, NameRegistry, safeName, shorten } from '../../../src/core/sync/naming';

describe('sync/naming', () => {
  it('replaces path separators and reserved characters', () => {
    assert.equal(safeName('Promo 2/3: "Big" <sale>?*|\\x'), 'Promo 2-3- -Big- -sale-----x');
    assert.equal(safeName('tab\there\nnew'), 'tab here new');
  });

  it('keeps emoji and other letters', () => {
    assert.equal(safeName('🎉 Été sale 日本'), '🎉 Été sale 日本');
    assert.equal(safeName('👩‍👩‍👧 family'), '👩‍👩‍👧 family');
  });

  it('drops trailing dots and spaces, leading spaces, and never yields an empty or dot name', () => {
    assert.equal(safeName('  Welcome. . '), 'Welcome');
    assert.equal(safeName('...'), 'untitled');
    assert.equal(safeName('   '), 'untitled');
    assert.equal(safeName('..'), 'untitled');
  });

  it('suffixes Windows reserved device names, with or without an extension, any case', () => {
    for (const n of ['CON', 'con', 'Nul', 'aux', 'PRN', 'COM1', 'lpt9', 'con.txt']) assert.equal(safeName(n), `${n}_`, n);
    assert.equal(safeName('Console'), 'Console');
    assert.equal(safeName('COM10'), 'COM10');
  });

  it('shortens 200+ characters between whole characters (never half an emoji)', () => {
    const long = 'Spring collection '.repeat(15);
    const s = safeName(long);
    assert.ok(Buffer.byteLength(s) <= MAX_NAME_BYTES);
    assert.ok(s.endsWith('…'));
    assert.ok(s.startsWith('Spring collection Spring'));
    const emoji = '😀'.repeat(100);
    const e = shorten(emoji, 30);
    assert.ok(Buffer.byteLength(e) <= 30);
    assert.equal(e, `${'😀'.repeat(6)}…`);
    assert.ok(!/[\ud800-\udbff]…$/.test(safeName('a'.repeat(116) + '😀😀😀')));
  });

  it('makes names unique per folder, case-insensitively, with the id as a stable suffix', () => {
    const r = new NameRegistry();
    assert.equal(r.claimItem('', 'Welcome', 1), 'Welcome');
    assert.equal(r.claimItem('', 'welcome', 2), 'welcome (2)');
    assert.equal(r.claimItem('', 'Welcome', 3), 'Welcome (3)');
    assert.equal(r.claimItem('Promos', 'Welcome', 4), 'Welcome');
    // A name that becomes the same once made safe.
    assert.equal(r.claimItem('', 'Welcome.', 5), 'Welcome (5)');
  });

  it('does not take names already on disk, and folders and files do not collide needlessly', () => {
    const r = new NameRegistry();
    r.reservePath('Notes/Summer.html');
    assert.equal(r.claimItem('Notes', 'Summer', 7), 'Summer (7)');
    r.reservePath('Archive');
    assert.equal(r.claimFolder('', 'archive', 8), 'archive (8)');
    assert.equal(r.claimFolder('', 'Welcome', 9), 'Welcome');
    assert.equal(r.claimItem('', 'Welcome', 10), 'Welcome');
  });
});
