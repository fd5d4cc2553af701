/**
 * Saving a library item's parts (src/core/library/save.ts) through the real client against the real sandbox:
 * every part round-trips, a remote change is a conflict whatever its size, a launched campaign's email is copied
 * once and only once, an overwrite replaces the original, failures (5xx, a connection dropped before and after
 * the write) leave the remote as it was or converge on a retry, and move/rename send the item's current name
 * and folder.
 */
import { strict as assert } from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { ROOT } from '../../src/core/library/model';
import { EmailParts, parseSettings, partsHash, partsOf, serializeSettings } from '../../src/core/library/parts';
import { saveItem, SaveBase } from '../../src/core/library/save';
import { LibraryService } from '../../src/core/library/service';
import { startSandbox, RunningSandbox } from '../../sandbox/server';

describe('saving library items ↔ sandbox', function () {
  this.timeout(30_000);
  let sb: RunningSandbox;
  let client: OngageClient;
  const L = () => sb.ids.lists.newsletter;

  before(async () => {
    sb = await startSandbox({ port: 0 });
    client = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  });
  beforeEach(() => sb.reset());
  after(async () => {
    client.dispose();
    await sb.close();
  });

  const read = (id: number) => client.getEmail(id, { listId: L() });
  async function open(id: number): Promise<SaveBase> {
    const e = await read(id);
    const parts = partsOf(e);
    return { id, listId: L(), modified: e.modified, hash: partsHash(parts), parts };
  }
  const countEmails = async () => (await client.listAllEmails({ listId: L() }, { listId: L() })).length;
  const putCount = () => (sb.stats() as { byRoute: Record<string, number> }).byRoute['PUT /api/emails/:id'] ?? 0;

  it('round-trips every part: HTML, plain text and each setting', async () => {
    const id = sb.ids.emails.welcome;
    const base = await open(id);
    const settingsText = serializeSettings({
      ...base.parts.settings,
      name: 'Welcome — édition 🌲',
      subject: 'Hi {{first_name:Friend}}, welcome',
      preheader: 'Your first steps',
      description: 'Sent on sign-up',
      addresses: [{ fromName: 'Harbor & Pine', fromAddress: 'hello@harborandpine.example', replyAddress: 'help@harborandpine.example', espConnectionId: sb.ids.connections.marketing }],
      headerTemplateId: sb.ids.templates.header,
      footerTemplateId: sb.ids.templates.footer,
      unsubscribeDefaultLink: true,
      unsubscribeSuccessHtml: '<p>You are out.</p>',
      unsubscribeConfirmationHtml: '<p>Sure?</p>',
      unsubscribeConfirmationButton: 'Yes, unsubscribe',
    });
    const parsed = parseSettings(settingsText, base.parts.settings);
    assert.ok(parsed.ok);
    const next: EmailParts = { html: '<p>Hello {{first_name:Friend}} — 🌲</p>\r\n', text: 'Hello {{first_name:Friend}}\n\nhttps://x.example/a?b=1', settings: parsed.settings };
    const out = await saveItem(client, base, next);
    assert.equal(out.kind, 'saved');
    const back = partsOf(await read(id));
    assert.deepEqual(back, next);
    assert.equal(serializeSettings(back.settings), settingsText);
    if (out.kind === 'saved') assert.equal(partsHash(out.parts), partsHash(next), 'the outcome holds the saved parts (the new base)');
    // And saving the same again writes nothing.
    const puts = putCount();
    const again = await saveItem(client, { ...base, hash: partsHash(next), parts: next, modified: out.kind === 'saved' ? out.email.modified : undefined }, next);
    assert.equal(again.kind, 'unchanged');
    assert.equal(putCount(), puts);
  });

  it('sends only the changed fields', async () => {
    const id = sb.ids.emails.withHeaderFooter;
    const base = await open(id);
    const before = await read(id);
    const out = await saveItem(client, base, { ...base.parts, settings: { ...base.parts.settings, subject: 'Only this' } });
    assert.equal(out.kind, 'saved');
    assert.deepEqual(out.kind === 'saved' && out.fields, ['subject']);
    const after = await read(id);
    assert.equal(after.subject, 'Only this');
    assert.equal(after.contentHtml, before.contentHtml);
    assert.equal(after.headerTemplateId, before.headerTemplateId);
  });

  for (const sameSize of [true, false]) {
    it(`a remote change since open (${sameSize ? 'same size, same second' : 'different size'}) is a conflict: nothing written`, async () => {
      const id = sb.ids.emails.birthday;
      const base = await open(id);
      const theirs = sameSize ? base.parts.html.replace(/[a-z]/, (c) => (c === 'x' ? 'y' : 'x')) : `${base.parts.html}<p>added in the web app</p>`;
      assert.equal(theirs.length === base.parts.html.length, sameSize);
      await client.updateEmail(id, { contentHtml: theirs }, { listId: L() });
      const mine = base.parts.html.replace('</body>', '<p>mine</p></body>');
      const puts = putCount();
      const out = await saveItem(client, base, { ...base.parts, html: mine });
      assert.equal(out.kind, 'conflict');
      assert.equal(putCount(), puts, 'no write');
      assert.equal((await read(id)).contentHtml, theirs);
      if (out.kind !== 'conflict') return;
      assert.equal(out.remoteParts.html, theirs);
      // The user chose Overwrite after the compare.
      const forced = await saveItem(client, base, { ...base.parts, html: mine }, { force: true });
      assert.equal(forced.kind, 'saved');
      assert.equal((await read(id)).contentHtml, mine);
    });
  }

  it('a launched campaign’s email: Ongage stores a copy, a retry finds it instead of storing another', async () => {
    const id = sb.ids.emails.launched;
    const base = await open(id);
    const total = await countEmails();
    const next = { ...base.parts, html: `${base.parts.html}<!-- edited -->` };
    const out = await saveItem(client, base, next);
    assert.equal(out.kind, 'copied');
    if (out.kind !== 'copied') return;
    assert.equal(out.requestedId, id);
    assert.notEqual(out.email.id, id);
    assert.match(out.warning ?? '', /copy/);
    assert.equal((await read(id)).contentHtml, base.parts.html, 'the original is untouched');
    assert.equal((await read(out.email.id)).contentHtml, next.html);
    assert.equal(await countEmails(), total + 1);

    const again = await saveItem(client, base, next);
    assert.equal(again.kind, 'copied');
    assert.equal(again.kind === 'copied' && again.email.id, out.email.id);
    assert.equal(await countEmails(), total + 1, 'no second copy');

    // Keep the copy: later saves go to the copy, in place.
    const copyBase = { id: out.email.id, listId: L(), modified: out.email.modified, hash: partsHash(out.parts), parts: out.parts };
    const onCopy = await saveItem(client, copyBase, { ...out.parts, html: `${next.html}<!-- twice -->` });
    assert.equal(onCopy.kind, 'saved');
    assert.equal(await countEmails(), total + 1);
  });

  it('a launched campaign’s email: overwrite the original on request, and the copy goes', async () => {
    const id = sb.ids.emails.launched;
    const base = await open(id);
    const total = await countEmails();
    const next = { ...base.parts, html: `${base.parts.html}<!-- overwritten -->` };
    const first = await saveItem(client, base, next);
    assert.equal(first.kind, 'copied');
    const copyId = first.kind === 'copied' ? first.email.id : 0;
    const out = await saveItem(client, base, next, { overwriteLaunched: true, discardCopyId: copyId });
    assert.equal(out.kind, 'saved');
    assert.equal((await read(id)).contentHtml, next.html);
    assert.deepEqual(out.kind === 'saved' && out.discarded, { id: copyId, deleted: true });
    assert.equal(await countEmails(), total);
  });

  it('a launched campaign’s email whose answer was lost after the copy was stored: one copy, reported', async () => {
    const id = sb.ids.emails.launched;
    const base = await open(id);
    const total = await countEmails();
    const next = { ...base.parts, html: `${base.parts.html}<!-- dropped -->` };
    sb.setFaults({ applyThenDrop: 1, method: 'PUT', path: `/emails/${id}` });
    const out = await saveItem(client, base, next);
    assert.equal(out.kind, 'copied');
    assert.equal(await countEmails(), total + 1);
    const again = await saveItem(client, base, next);
    assert.equal(again.kind, 'copied');
    assert.equal(await countEmails(), total + 1);
  });

  it('a 5xx on the write: rejects saying so, the remote is unchanged, saving again works', async () => {
    const id = sb.ids.emails.birthday;
    const base = await open(id);
    const next = { ...base.parts, html: '<p>new</p>' };
    sb.setFaults({ next5xx: 10, method: 'PUT', path: `/emails/${id}` });
    await assert.rejects(saveItem(client, base, next), (e: unknown) => e instanceof OngageError && e.kind === 'server' && /saving email/.test(e.message));
    assert.equal((await read(id)).contentHtml, base.parts.html);
    sb.setFaults({ clear: true });
    assert.equal((await saveItem(client, base, next)).kind, 'saved');
    assert.equal((await read(id)).contentHtml, '<p>new</p>');
  });

  it('a connection dropped before the write applied: rejects, nothing changed, saving again works', async () => {
    const id = sb.ids.emails.birthday;
    const base = await open(id);
    const next = { ...base.parts, html: '<p>after a drop</p>' };
    sb.setFaults({ dropNext: 10, method: 'PUT', path: `/emails/${id}` });
    await assert.rejects(saveItem(client, base, next), (e: unknown) => e instanceof OngageError && e.kind === 'network');
    assert.equal((await read(id)).contentHtml, base.parts.html);
    sb.setFaults({ clear: true });
    assert.equal((await saveItem(client, base, next)).kind, 'saved');
  });

  it('a connection dropped after the write applied: the retry sees it saved and writes nothing more', async () => {
    const id = sb.ids.emails.birthday;
    const base = await open(id);
    const next = { ...base.parts, html: '<p>applied, answer lost</p>' };
    const quick = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials, retry: { maxRetries: 0 } });
    try {
      sb.setFaults({ applyThenDrop: 1, method: 'PUT', path: `/emails/${id}` });
      await assert.rejects(saveItem(quick, base, next), (e: unknown) => e instanceof OngageError && e.kind === 'network');
      assert.equal((await read(id)).contentHtml, next.html);
      const puts = putCount();
      const again = await saveItem(quick, base, next);
      assert.equal(again.kind, 'unchanged');
      assert.equal(putCount(), puts);
    } finally {
      quick.dispose();
    }
  });

  it('a validation refusal (412) names the field', async () => {
    const id = sb.ids.emails.birthday;
    const base = await open(id);
    const next = { ...base.parts, settings: { ...base.parts.settings, headerTemplateId: 999_999 } };
    await assert.rejects(saveItem(client, base, next), (e: unknown) => e instanceof OngageError && e.kind === 'validation' && /header_template_id/.test(`${e.message} ${JSON.stringify(e.fieldErrors)}`));
  });

  describe('move and rename send the current remote name and folder', () => {
    let lib: LibraryService;
    beforeEach(() => (lib = new LibraryService(client, L(), 50)));
    afterEach(() => lib.dispose());

    it('a move keeps a name changed elsewhere since the library loaded', async () => {
      await lib.loadAll();
      const id = sb.ids.emails.welcome;
      await client.moveEmail(id, { parentId: (await read(id)).parentId, name: 'Renamed elsewhere' }, { listId: L() });
      assert.notEqual(lib.model.get(id)!.name, 'Renamed elsewhere', 'the model is stale');
      await lib.move(id, sb.ids.folders.archive);
      const after = await read(id);
      assert.equal(after.name, 'Renamed elsewhere');
      assert.equal(after.parentId, sb.ids.folders.archive);
      assert.equal(lib.model.get(id)!.name, 'Renamed elsewhere');
    });

    it('a rename keeps a folder changed elsewhere since the library loaded', async () => {
      await lib.loadAll();
      const id = sb.ids.emails.birthday;
      const stale = lib.model.get(id)!.parentId;
      assert.equal(stale, ROOT);
      await client.moveEmail(id, { parentId: sb.ids.folders.archive, name: (await read(id)).name }, { listId: L() });
      await lib.rename(id, 'Birthday (v2)');
      const after = await read(id);
      assert.equal(after.name, 'Birthday (v2)');
      assert.equal(after.parentId, sb.ids.folders.archive, 'the move made elsewhere is kept');
      assert.equal(lib.model.get(id)!.parentId, sb.ids.folders.archive);
      assert.ok(!lib.model.childrenOf(ROOT).some((i) => i.id === id));
    });
  });
});
