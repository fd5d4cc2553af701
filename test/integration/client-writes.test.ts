/**
 * Writes whose answer was lost, against the sandbox's faults: a repeated delete answered 404 is confirmed by a
 * read, and a PUT of a launched campaign's email that timed out is read again before any repeat, so it never
 * stores a second copy.
 */
import * as assert from 'assert';
import { OngageClient } from '../../src/core/api';
import { partsHash, partsOf } from '../../src/core/library/parts';
import { saveItem } from '../../src/core/library/save';
import { SEED_IDS } from '../../sandbox/seed';
import { assertNoCredentials, client, control, Control, failureCollector, NEWSLETTER, recordingLogger, Sandbox, sandbox } from './client-helpers';

describe('api client ↔ sandbox: writes whose answer was lost', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ctl: Control;
  let c: OngageClient;
  let log: ReturnType<typeof recordingLogger>;
  const { errors, failure } = failureCollector();
  const routeCount = async (route: string): Promise<number> => (await ctl.stats()).byRoute[route] ?? 0;
  const named = async (name: string): Promise<number[]> =>
    (await c.listAllEmails({ listId: NEWSLETTER })).filter((e) => e.name === name).map((e) => e.id);

  before(async () => {
    sb = await sandbox();
    ctl = control(sb.url);
    log = recordingLogger();
    // The sandbox answers a slowed call after 5 s; the client gives up after 1 s (the write is applied at once).
    c = client(sb, log.logger, { timeoutMs: 1000 });
  });
  beforeEach(() => ctl.reset());
  after(async () => {
    assertNoCredentials([...log.lines, ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e)])]);
    c.dispose();
    await sb.close();
  });

  it('a delete applied, its answer lost, repeated and answered 404: a read confirms it is gone', async () => {
    const e = await c.createEmail({ type: 'email_message', name: 'To delete' });
    await ctl.faults({ applyThenDrop: 1, method: 'DELETE' });
    assert.strictEqual(await c.deleteEmail(e.id), undefined);
    assert.strictEqual(await routeCount('DELETE /api/emails/:id'), 2);
    assert.strictEqual(await routeCount('GET /api/emails/:id'), 1, 'the 404 was checked with a read');
    assert.strictEqual((await failure(c.getEmail(e.id))).kind, 'notFound');
  });

  it("a launched campaign's email: a PUT that timed out after Ongage stored a copy is not repeated into a second copy", async () => {
    const id = SEED_IDS.emails.launched;
    const original = await c.getEmail(id);
    assert.ok(original.mailingId !== undefined, 'the seed email is in a launched campaign');
    const before = await named(original.name);
    await ctl.faults({ applyThenSlow: 1, slowMs: 5000, method: 'PUT', path: `/emails/${id}` });
    const e = await failure(c.updateEmail(id, { contentHtml: '<p>changed once</p>' }));
    assert.strictEqual(e.kind, 'timeout');
    assert.match(e.message, /may or may not have been done\. Refresh before trying again/);
    assert.strictEqual(await routeCount('PUT /api/emails/:id'), 1, 'read again, then not repeated');
    assert.strictEqual((await named(original.name)).length, before.length + 1, 'one copy, not two');
  });

  it("saving a launched campaign's email whose PUT timed out: the copy the lost attempt stored is the answer", async () => {
    const id = SEED_IDS.emails.launched;
    const remote = await c.getEmail(id);
    const parts = partsOf(remote);
    const before = await named(remote.name);
    await ctl.faults({ applyThenSlow: 1, slowMs: 5000, method: 'PUT', path: `/emails/${id}` });
    const out = await saveItem(
      c,
      { id, listId: NEWSLETTER, modified: remote.modified, hash: partsHash(parts), parts },
      { ...parts, html: `${parts.html}<!-- edited -->` },
    );
    assert.strictEqual(out.kind, 'copied');
    assert.strictEqual(out.kind === 'copied' && out.earlier, true);
    assert.strictEqual(await routeCount('PUT /api/emails/:id'), 1);
    const after = await named(remote.name);
    assert.strictEqual(after.length, before.length + 1, 'exactly one copy');
    assert.ok(out.kind === 'copied' && after.includes(out.email.id));
  });
});
