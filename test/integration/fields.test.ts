/**
 * The field catalog over the real client against the sandbox, with wrong credentials: a failed fetch of the list
 * fields is not repeated by every lint pass, completion or render, but after the back-off or on Refresh.
 */
import * as assert from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { FieldCatalog, FieldStorage } from '../../src/core/fields/catalog';
import { client, control, Control, CREDS, NEWSLETTER, recordingLogger, Sandbox, sandbox } from './client-helpers';

describe('field catalog ↔ sandbox: a failed fetch backs off', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ctl: Control;
  let c: OngageClient;
  const storage: FieldStorage = { read: async () => undefined, write: async () => undefined };
  const fieldRequests = async (): Promise<number> => (await ctl.stats()).byRoute['GET /api/list_fields'] ?? 0;

  before(async () => {
    sb = await sandbox();
    ctl = control(sb.url);
    c = client(sb, recordingLogger().logger, { credentials: { ...CREDS, password: 'not-the-password' } });
  });
  beforeEach(() => ctl.reset());
  after(async () => {
    c.dispose();
    await sb.close();
  });

  it('wrong credentials: 20 lint passes make one list_fields request and report the 401 once; Refresh and the back-off try again', async () => {
    let t = 0;
    const catalog = new FieldCatalog(storage, undefined, { firstMs: 30_000, now: () => t });
    const news: unknown[] = [];
    const fetch = (listId: number) => c.listFields({ listId });
    for (let pass = 0; pass < 20; pass++) {
      const entry = await catalog.ensure('conn', NEWSLETTER, fetch, (e, f) => f?.first && news.push(e));
      assert.strictEqual(entry, undefined);
    }
    assert.strictEqual(await fieldRequests(), 1, 'one request, not one per pass');
    assert.strictEqual(news.length, 1);
    assert.ok(news[0] instanceof OngageError && news[0].kind === 'auth');
    assert.match((news[0] as OngageError).message, /sign in again/);

    catalog.invalidate('conn', NEWSLETTER); // Refresh List Fields
    await catalog.ensure('conn', NEWSLETTER, fetch);
    await catalog.ensure('conn', NEWSLETTER, fetch);
    assert.strictEqual(await fieldRequests(), 2);
    t += 60_000; // the second failure doubled the wait to 60 s
    await catalog.ensure('conn', NEWSLETTER, fetch);
    assert.strictEqual(await fieldRequests(), 3);
  });
});
