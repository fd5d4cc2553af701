import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { partsOf, serializeSettings } from '../../../src/core/library/parts';
import {
  computeStatus,
  decide,
  executePush,
  mergeParts,
  parseManifest,
  planPush,
  pullToFolder,
  readManifest,
  serializeManifest,
  ManifestError,
  SyncError,
  type SyncEntry,
  type SyncStatus,
} from '../../../src/core/sync';
import { email, FakeLibrary } from './fake';

const base = { hash: 'B', modified: '2026-01-01T00:00:00.000Z' };

describe('sync/decide (three-way)', () => {
  const same = { missing: false, hash: 'B', modified: base.modified };
  it('sorts every combination', () => {
    assert.deepEqual(decide(base, { missing: false, hash: 'B' }, same), { state: 'unchanged' });
    assert.deepEqual(decide(base, { missing: false, hash: 'L' }, same), { state: 'modified' });
    assert.deepEqual(decide(base, { missing: false, hash: 'B' }, { missing: false, hash: 'R' }), { state: 'remoteModified' });
    assert.deepEqual(decide(base, { missing: false, hash: 'L' }, { missing: false, hash: 'R' }), { state: 'conflict', conflict: 'bothChanged' });
    assert.deepEqual(decide(base, { missing: false, hash: 'L' }, { missing: false, hash: 'L' }), { state: 'unchanged' }, 'the same edit on both sides');
    assert.deepEqual(decide(base, { missing: true }, same), { state: 'deleted' });
    assert.deepEqual(decide(base, { missing: true }, { missing: false, hash: 'R' }), { state: 'conflict', conflict: 'deletedHere' });
    assert.deepEqual(decide(base, { missing: false, hash: 'B' }, { missing: true }), { state: 'remoteDeleted' });
    assert.deepEqual(decide(base, { missing: false, hash: 'L' }, { missing: true }), { state: 'conflict', conflict: 'deletedThere' });
    assert.deepEqual(decide(base, { missing: true }, { missing: true }), { state: 'gone' });
    assert.deepEqual(decide(base, { missing: false, invalid: true }, same), { state: 'invalid' });
  });

  it("falls back to Ongage's modified when its content is not known", () => {
    assert.equal(decide(base, { missing: false, hash: 'B' }, { missing: false, modified: base.modified }).state, 'unchanged');
    assert.equal(decide(base, { missing: false, hash: 'B' }, { missing: false, modified: '2026-01-02T00:00:00.000Z' }).state, 'remoteModified');
    assert.equal(decide(base, { missing: false, hash: 'L' }, { missing: false, modified: '2026-01-02T00:00:00.000Z' }).state, 'conflict');
  });

  it('a same-second, same-size edit in Ongage is caught by the hash', () => {
    assert.equal(decide(base, { missing: false, hash: 'B' }, { missing: false, hash: 'R', modified: base.modified }).state, 'remoteModified');
  });
});

describe('sync/manifest', () => {
  const m = {
    version: 1,
    connection: 'Harbor & Pine',
    list: 10,
    root: { folderId: 0, name: '' },
    synced: '2026-01-01T00:00:00.000Z',
    folders: [{ id: 5, name: 'Promos', parentId: 0, path: 'Promos' }],
    items: [
      { id: 2, type: 'template' as const, list: 10, connection: 'Harbor & Pine', name: 'B', parentId: 5, modified: null, hash: 'h2', files: { html: 'Promos/B.html', text: 'Promos/B.ongage.txt', settings: 'Promos/B.ongage.json' } },
      { id: 1, type: 'email_message' as const, list: 10, connection: 'Harbor & Pine', name: 'A', parentId: 0, modified: '2026-01-01T00:00:00.000Z', hash: 'h1', files: { html: 'A.html', text: 'A.ongage.txt', settings: 'A.ongage.json' } },
    ],
  };
  it('round-trips, sorted by path, and records no credential', () => {
    const text = serializeManifest(m);
    const back = parseManifest(text);
    assert.deepEqual(back.items.map((i) => i.id), [1, 2]);
    assert.deepEqual(back.folders, m.folders);
    assert.equal(serializeManifest(back), text);
    assert.doesNotMatch(text, /password|username|account_?code/i);
  });

  it('says what to fix in a broken manifest, and refuses paths leaving the folder', () => {
    assert.throws(() => parseManifest('{ "version": 1, '), (e: Error) => e instanceof ManifestError && /not valid JSON.*Restore it from git/.test(e.message));
    assert.throws(() => parseManifest(JSON.stringify({ ...m, version: 7 })), /version 7 is not known/);
    const evil = { ...m, items: [{ ...m.items[0], files: { ...m.items[0].files, html: '../../etc/passwd' } }] };
    assert.throws(() => parseManifest(JSON.stringify(evil)), /must be a relative path inside the folder/);
    const dup = { ...m, items: [m.items[0], m.items[0]] };
    assert.throws(() => parseManifest(JSON.stringify(dup)), /listed twice/);
  });
});

describe('sync/merge', () => {
  const p = (html: string, subject = 'S') => ({ html, text: 't', settings: { ...partsOf(email(1)).settings, subject } });
  it('merges edits to different lines and different settings', () => {
    const r = mergeParts(p('a\nb\nc\n'), p('A\nb\nc\n', 'Mine'), p('a\nb\nC\n'));
    assert.ok(r.clean);
    assert.equal(r.parts.html, 'A\nb\nC\n');
    assert.equal(r.parts.settings.subject, 'Mine');
  });
  it('reports clashes instead of merging', () => {
    const r = mergeParts(p('a\nb\n', 'S'), p('X\nb\n', 'M'), p('Y\nb\n', 'T'));
    assert.ok(!r.clean);
    assert.deepEqual(r.clashes, ['HTML', 'setting "subject"']);
  });
});

describe('sync: pull, status, push (in-memory library)', () => {
  let dir: string;
  let lib: FakeLibrary;
  const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  const states = (s: SyncStatus) => s.entries.map((e) => `${e.state}${e.conflict ? `:${e.conflict}` : ''} ${e.files?.html ?? `#${e.id}`}`);
  const pushAll = async (s: SyncStatus, extra: Partial<Parameters<typeof executePush>[0]> = {}) => {
    const plan = planPush(s);
    return executePush({ client: lib.client(), dir, status: s, updates: plan.updates, creates: plan.creates, deletes: plan.deletes, keepMine: [], ...extra });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-sync-'));
    lib = new FakeLibrary([
      email(100, { type: 'folder', name: 'Promos/Sales', contentHtml: '' }),
      email(101, { type: 'folder', name: 'Inner', parentId: 100, contentHtml: '' }),
      email(1, { name: 'Welcome' }),
      email(2, { name: 'welcome' }),
      email(3, { name: '🎉 Party: "big" one', parentId: 100 }),
      email(4, { name: 'x'.repeat(230), parentId: 101, type: 'template' }),
      email(5, { name: 'CON', parentId: 100 }),
    ]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pulls a list into folders that mirror Ongage, names made safe and unique, and a manifest', async () => {
    const r = await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'Harbor & Pine' });
    assert.equal(r.added.length, 5);
    assert.equal(lib.calls.list, 1);
    assert.equal(lib.calls.get, 0, 'the listing had the content');
    assert.equal(read('Welcome.html'), lib.items.get(1)!.contentHtml);
    assert.equal(read('welcome (2).ongage.txt'), 'Body 2');
    assert.equal(read('Promos-Sales/🎉 Party- -big- one.ongage.json'), serializeSettings(partsOf(lib.items.get(3)!).settings));
    assert.ok(fs.existsSync(path.join(dir, 'Promos-Sales/CON_.html')));
    const long = fs.readdirSync(path.join(dir, 'Promos-Sales/Inner'));
    assert.equal(long.length, 3);
    assert.ok(long.every((f) => Buffer.byteLength(f) < 255 && f.startsWith('xxxx')));
    const m = (await readManifest(dir))!;
    assert.equal(m.connection, 'Harbor & Pine');
    assert.deepEqual(m.folders.map((f) => f.path), ['Promos-Sales', 'Promos-Sales/Inner']);
    const it4 = m.items.find((i) => i.id === 4)!;
    assert.equal(it4.type, 'template');
    assert.equal(it4.list, 10);
    assert.equal(it4.modified, lib.items.get(4)!.modified!.toISOString());
    assert.match(it4.hash, /^[0-9a-f]{64}$/);
    assert.ok(fs.existsSync(path.join(dir, '.ongage/.gitignore')));
    const s = await computeStatus(lib.client(), dir, m);
    assert.ok(s.entries.every((e) => e.state === 'unchanged'), states(s).join('\n'));
  });

  it('a listing that fails half way leaves no files behind (they would look like new local items)', async () => {
    lib.failListingAfterPages = 2;
    await assert.rejects(pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' }), /reset while listing/);
    const left = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.html'));
    assert.deepEqual(left, []);
    assert.equal(await readManifest(dir), undefined);
    lib.failListingAfterPages = undefined;
    const r = await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    assert.equal(r.added.length, 5);
    assert.ok(fs.existsSync(path.join(dir, 'Welcome.html')));
  });

  it('reads items one by one when the listing leaves content out', async () => {
    lib.listingWithoutContent = true;
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    assert.equal(lib.calls.get, 5);
    assert.equal(read('Welcome.html'), lib.items.get(1)!.contentHtml);
    lib.calls.get = 0;
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.equal(lib.calls.get, 0, 'unchanged items are not read again');
    assert.ok(s.entries.every((e) => e.state === 'unchanged'));
  });

  it('pulls one folder into the folder itself', async () => {
    const r = await pullToFolder({ client: lib.client(), dir, listId: 10, folderId: 100, connectionName: 'c' });
    assert.deepEqual(r.added.map((e) => e.id).sort(), [3, 4, 5]);
    assert.ok(fs.existsSync(path.join(dir, 'CON_.html')));
    await assert.rejects(pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' }), (e: Error) => e instanceof SyncError && /already holds folder 100/.test(e.message));
    await assert.rejects(pullToFolder({ client: lib.client(), dir: `${dir}-2`, listId: 10, folderId: 1, connectionName: 'c' }), /is not a folder/);
  });

  it('edit → push sends only the changed fields and the next status is clean', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    write('Welcome.html', '<p>New body</p>');
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.deepEqual(states(s).filter((x) => !x.startsWith('unchanged')), ['modified Welcome.html']);
    const r = await pushAll(s);
    assert.equal(r.updated.length, 1);
    assert.equal(lib.items.get(1)!.contentHtml, '<p>New body</p>');
    assert.equal(lib.items.get(1)!.subject, 'Subject 1');
    const again = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.ok(again.entries.every((e) => e.state === 'unchanged'), states(again).join('\n'));
  });

  it('Ongage changed since the status: push stops with a conflict and writes nothing', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    write('Welcome.html', '<p>Mine</p>');
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    lib.touch(1, { contentHtml: '<p>Them</p>' });
    const r = await pushAll(s);
    assert.equal(r.conflicts.length, 1);
    assert.equal(lib.items.get(1)!.contentHtml, '<p>Them</p>');
    assert.equal(lib.calls.update, 0);
  });

  it('both sides changed: a conflict; pull keeps the local file unless told; keep mine and keep theirs', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    write('Welcome.html', '<p>Mine</p>');
    write('welcome (2).html', '<p>Mine 2</p>');
    lib.touch(1, { contentHtml: '<p>Them</p>' });
    lib.touch(2, { subject: 'Their subject' });
    lib.touch(3, { subject: 'Only theirs' });
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.deepEqual(states(s).filter((x) => !x.startsWith('unchanged')), [
      'conflict:bothChanged welcome (2).html',
      'conflict:bothChanged Welcome.html',
      'remoteModified Promos-Sales/🎉 Party- -big- one.html',
    ]);
    assert.deepEqual(planPush(s).updates, []);
    const asked: SyncEntry[][] = [];
    const r = await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c', overwrite: (c) => (asked.push(c), [2]) });
    assert.equal(asked[0].length, 2);
    assert.equal(read('Welcome.html'), '<p>Mine</p>', 'kept');
    assert.equal(read('welcome (2).html'), lib.items.get(2)!.contentHtml, 'keep theirs');
    assert.match(read('Promos-Sales/🎉 Party- -big- one.ongage.json'), /Only theirs/);
    assert.deepEqual(r.kept.map((e) => e.id), [1]);
    const s2 = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    const c = s2.entries.find((e) => e.id === 1)!;
    assert.equal(c.state, 'conflict');
    const done = await pushAll(s2, { keepMine: [c] });
    assert.equal(done.updated.length, 1);
    assert.equal(lib.items.get(1)!.contentHtml, '<p>Mine</p>');
    const s3 = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.ok(s3.entries.every((e) => e.state === 'unchanged'), states(s3).join('\n'));
  });

  it('new local files become new items in the right folder (new folders created); deletes only when asked', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    write('Promos-Sales/Autumn.html', '<p>Autumn <a href="https://x.example/a">shop</a></p>');
    write('Brand new/Deep/Winter.html', '<p>Winter</p>');
    write('Brand new/Deep/Winter.ongage.json', '{ "name": "Winter 2026", "subject": "Cold" }\n');
    fs.rmSync(path.join(dir, 'Welcome.html'));
    fs.rmSync(path.join(dir, 'Welcome.ongage.txt'));
    fs.rmSync(path.join(dir, 'Welcome.ongage.json'));
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    const plan = planPush(s);
    assert.deepEqual(plan.creates.map((e) => e.files!.html), ['Brand new/Deep/Winter.html', 'Promos-Sales/Autumn.html']);
    assert.deepEqual(plan.deletes.map((e) => e.id), [1]);
    // Without naming them, nothing is created or deleted.
    const none = await pushAll(s, { creates: [], deletes: [] });
    assert.equal(none.created.length + none.deleted.length, 0);
    assert.equal(lib.calls.create + lib.calls.delete, 0);
    const r = await pushAll(s);
    assert.equal(r.created.length, 2);
    assert.equal(r.deleted.length, 1);
    assert.ok(!lib.items.has(1));
    const autumn = r.created.find((c) => c.entry.files!.html.endsWith('Autumn.html'))!.email;
    assert.equal(autumn.parentId, 100);
    assert.equal(autumn.name, 'Autumn');
    assert.match(autumn.contentText ?? '', /shop \(https:\/\/x\.example\/a\)/);
    const winter = r.created.find((c) => c.entry.files!.html.endsWith('Winter.html'))!.email;
    assert.equal(winter.subject, 'Cold');
    const deep = lib.items.get(winter.parentId)!;
    assert.equal(deep.name, 'Deep');
    assert.equal(lib.items.get(deep.parentId)!.name, 'Brand new');
    assert.ok(fs.existsSync(path.join(dir, 'Promos-Sales/Autumn.ongage.json')), 'the missing parts are written');
    const s2 = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.ok(s2.entries.every((e) => e.state === 'unchanged'), states(s2).join('\n'));
  });

  it('deleted in Ongage: said so; a pull removes the unchanged local copy; items new in Ongage come down', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    lib.items.delete(2);
    lib.items.set(7, email(7, { name: 'Welcome', parentId: 0 }));
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.deepEqual(states(s).filter((x) => !x.startsWith('unchanged')), ['remoteAdded #7', 'remoteDeleted welcome (2).html']);
    const r = await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    assert.equal(r.removed.length, 1);
    assert.ok(!fs.existsSync(path.join(dir, 'welcome (2).html')));
    assert.deepEqual(r.added.map((e) => e.files!.html), ['Welcome (7).html']);
  });

  it('deleted on one side, changed on the other: conflicts; keep mine deletes in Ongage or creates the item again', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    for (const ext of ['.html', '.ongage.txt', '.ongage.json']) fs.rmSync(path.join(dir, `Welcome${ext}`));
    lib.touch(1, { subject: 'changed there' });
    write('welcome (2).html', '<p>changed here</p>');
    lib.items.delete(2);
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.deepEqual(states(s).filter((x) => !x.startsWith('unchanged')).sort(), ['conflict:deletedHere Welcome.html', 'conflict:deletedThere welcome (2).html']);
    assert.equal(planPush(s).deletes.length + planPush(s).updates.length, 0, 'neither is pushed by itself');
    const r = await pushAll(s, { keepMine: s.entries.filter((e) => e.state === 'conflict') });
    assert.equal(r.deleted.length, 1);
    assert.equal(r.created.length, 1);
    assert.ok(!lib.items.has(1));
    assert.equal(r.created[0].email.contentHtml, '<p>changed here</p>');
    const s2 = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    assert.ok(s2.entries.every((e) => e.state === 'unchanged'), states(s2).join('\n'));
  });

  it('a broken settings file is reported with its place and never pushed', async () => {
    await pullToFolder({ client: lib.client(), dir, listId: 10, connectionName: 'c' });
    write('Welcome.ongage.json', '{ "name": "Welcome", "subject": 5 }');
    const s = await computeStatus(lib.client(), dir, (await readManifest(dir))!);
    const bad = s.entries.find((e) => e.id === 1)!;
    assert.equal(bad.state, 'invalid');
    assert.match(bad.problems![0].message, /"subject" must be text/);
    assert.equal(bad.problems![0].line, 1);
    assert.deepEqual(planPush(s).invalid.map((e) => e.id), [1]);
  });
});
