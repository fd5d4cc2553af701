/**
 * The library service (what every Library-view command calls) against the real sandbox over loopback:
 * loading the hierarchy, create, rename, move, copy to lists, favourite, delete, and that a refused change
 * leaves the model exactly as the server has it.
 */
import { strict as assert } from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { ROOT } from '../../src/core/library/model';
import { LibraryService } from '../../src/core/library/service';
import { startSandbox, RunningSandbox } from '../../sandbox/server';

describe('library service ↔ sandbox', function () {
  this.timeout(30_000);
  let sb: RunningSandbox;
  let client: OngageClient;
  let lib: LibraryService;
  const L = () => sb.ids.lists.newsletter;

  before(async () => {
    sb = await startSandbox({ port: 0 });
    client = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials });
  });
  beforeEach(() => {
    sb.reset();
    lib = new LibraryService(client, L(), 50);
  });
  afterEach(() => lib.dispose());
  after(async () => {
    client.dispose();
    await sb.close();
  });

  const names = (parentId: number) => lib.model.childrenOf(parentId).map((i) => i.name);
  const serverItem = async (id: number) => client.getEmail(id, { listId: L() });

  it('shows the top level first, then streams the whole library in', async () => {
    const events: number[][] = [];
    lib.onEvent((e) => e.type === 'children' && events.push(e.parentIds));
    await lib.loadTop();
    assert.ok(names(ROOT).includes('Marketing'), `top level: ${names(ROOT).join(', ')}`);
    assert.ok(names(ROOT).includes('Archive'));
    await lib.loadAll();
    assert.equal(lib.fullyLoaded, true);
    // Three levels deep: Marketing / Newsletters / 2025.
    const f = sb.ids.folders;
    assert.deepEqual(lib.model.ancestors(f.newsletters2025).map((a) => a.name), ['Marketing', 'Newsletters']);
    assert.ok(lib.model.childrenOf(f.newsletters2025).length > 0);
    const all = await client.listAllEmails({ listId: L() }, { listId: L() });
    assert.equal(lib.model.size, all.length);
    assert.ok(events.length >= 2, 'the tree was told about each page');
  });

  it('loads one folder on its own when opened before the full load', async () => {
    await lib.loadChildren(sb.ids.folders.marketing);
    assert.deepEqual(names(sb.ids.folders.marketing).sort(), ['Newsletters', 'Promotions'].sort());
  });

  it('creates folders, emails and templates where asked, with a text part derived from the HTML', async () => {
    await lib.loadAll();
    const folder = await lib.create({ type: 'folder', name: 'Spring 2026', parentId: sb.ids.folders.marketing });
    const email = await lib.create({
      type: 'email_message',
      name: 'Spring sale',
      parentId: folder.id,
      subject: 'Spring is here, {{first_name:friend}}',
      contentHtml: '<p>Hi {{first_name:there}},</p><p>Our <b>spring</b> sale starts now.</p>',
    });
    assert.deepEqual(names(folder.id), ['Spring sale']);
    const stored = await serverItem(email.id);
    assert.equal(stored.parentId, folder.id);
    assert.equal(stored.subject, 'Spring is here, {{first_name:friend}}');
    assert.match(stored.contentText ?? '', /Hi \{\{first_name:there\}\},\s+Our spring sale starts now\./);
  });

  it('renames and moves, and the server agrees', async () => {
    await lib.loadAll();
    const id = sb.ids.emails.welcome;
    const before = lib.model.get(id)!;
    await lib.rename(id, 'Welcome (v2)');
    assert.equal(lib.model.get(id)?.name, 'Welcome (v2)');
    await lib.move(id, sb.ids.folders.archive);
    assert.ok(names(sb.ids.folders.archive).includes('Welcome (v2)'));
    assert.ok(!names(before.parentId).includes('Welcome (v2)'));
    const stored = await serverItem(id);
    assert.equal(stored.parentId, sb.ids.folders.archive);
    assert.equal(stored.name, 'Welcome (v2)');
  });

  it('refuses to move a folder into its own subtree, without a request', async () => {
    await lib.loadAll();
    const f = sb.ids.folders;
    await assert.rejects(lib.move(f.marketing, f.newsletters2024), /cannot move into itself/);
    assert.equal(lib.model.get(f.marketing)?.parentId, ROOT);
  });

  it('toggles favourites both ways', async () => {
    await lib.loadAll();
    const id = sb.ids.emails.birthday;
    const was = lib.model.get(id)!.favorite;
    await lib.toggleFavorite(id);
    assert.equal(lib.model.get(id)?.favorite, !was);
    assert.equal((await serverItem(id)).favorite, !was);
    await lib.setFavorite([id, sb.ids.emails.welcome], true);
    assert.equal((await serverItem(id)).favorite, true);
    assert.equal((await serverItem(sb.ids.emails.welcome)).favorite, true);
  });

  it('copies to other lists', async () => {
    await lib.loadAll();
    const T = sb.ids.lists.transactional;
    const before = await client.listAllEmails({ listId: T }, { listId: T });
    await lib.copyToLists(sb.ids.emails.welcome, [T]);
    const after = await client.listAllEmails({ listId: T }, { listId: T });
    assert.equal(after.length, before.length + 1);
    assert.ok(after.some((e) => e.name === lib.model.get(sb.ids.emails.welcome)?.name));
  });

  it('deletes, and a dependency refusal keeps the item in the model and on the server', async () => {
    await lib.loadAll();
    const launched = sb.ids.emails.launched;
    const err = await lib.delete(launched).then(
      () => assert.fail('deleting an email used by a campaign must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OngageError);
    assert.equal(err.kind, 'dependency');
    assert.match(err.message, /used by a campaign/);
    assert.ok(lib.model.has(launched));
    assert.equal((await serverItem(launched)).id, launched);

    const id = sb.ids.emails.birthday;
    await lib.delete(id);
    assert.equal(lib.model.has(id), false);
    await assert.rejects(serverItem(id), (e: unknown) => e instanceof OngageError && e.kind === 'notFound');
  });

  it('a refused rename leaves the model as the server has it', async () => {
    await lib.loadAll();
    const id = sb.ids.emails.welcome;
    const name = lib.model.get(id)!.name;
    sb.setFaults({ errorRate: 1 });
    await assert.rejects(lib.rename(id, 'Never saved'), (e: unknown) => e instanceof OngageError && e.kind === 'server');
    sb.setFaults({ errorRate: 0 });
    assert.equal(lib.model.get(id)?.name, name);
    assert.equal((await serverItem(id)).name, name);
  });

  it('refreshes incrementally: changes made elsewhere show up', async () => {
    await lib.loadAll();
    // Another user renames an item directly on the server.
    await new Promise((r) => setTimeout(r, 1100)); // modified times are whole seconds
    await client.moveEmail(sb.ids.emails.welcome, { parentId: sb.ids.folders.archive, name: 'Renamed elsewhere' }, { listId: L() });
    await lib.refresh();
    assert.equal(lib.model.get(sb.ids.emails.welcome)?.name, 'Renamed elsewhere');
    assert.ok(names(sb.ids.folders.archive).includes('Renamed elsewhere'));
  });

  it('reports a load failure and recovers on retry', async () => {
    sb.setFaults({ errorRate: 1 });
    const quick = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials, retry: { maxRetries: 0, baseDelayMs: 10 } });
    const failing = new LibraryService(quick, L(), 50);
    await assert.rejects(failing.loadTop(), (e: unknown) => e instanceof OngageError && e.kind === 'server');
    sb.setFaults({ errorRate: 0 });
    await failing.loadTop();
    assert.ok(failing.model.childrenOf(ROOT).length > 0);
    failing.dispose();
    quick.dispose();
  });
});
