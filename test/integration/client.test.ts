/**
 * The API client against the real sandbox over loopback: every method, envelope and type parsing, each
 * error code, and credentials absent from every log line and error.
 */
import * as assert from 'assert';
import { OngageClient, OngageError } from '../../src/core/api';
import { assertNoCredentials, failureCollector, client, control, Control, CREDS, NEWSLETTER, recordingLogger, Sandbox, sandbox, TRANSACTIONAL_LIST } from './client-helpers';
import { SEED_IDS } from '../../sandbox/seed';

describe('api client ↔ sandbox: methods', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let ctl: Control;
  let c: OngageClient;
  let log: ReturnType<typeof recordingLogger>;
  const { errors, failure } = failureCollector();

  before(async () => {
    sb = await sandbox();
    ctl = control(sb.url);
    log = recordingLogger();
    c = client(sb, log.logger);
  });
  beforeEach(() => ctl.reset());
  after(async () => {
    assertNoCredentials([...log.lines, ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e)])]);
    c.dispose();
    await sb.close();
  });

  it('checks credentials, and refuses wrong ones with an actionable auth error', async () => {
    assert.deepStrictEqual((await c.checkCredentials()).accountCode, CREDS.accountCode);
    const bad = new OngageClient({ baseUrl: sb.url, credentials: { ...CREDS, password: 'wrong-Pw-1' }, logger: log.logger });
    const e = await failure(bad.checkCredentials());
    bad.dispose();
    assert.strictEqual(e.kind, 'auth');
    assert.strictEqual(e.status, 401);
    assert.match(e.message, /Ongage refused the credentials for account "itacct42"/);
    assert.match(e.ongageMessage ?? '', /X_USERNAME/);
    assert.ok(!e.message.includes('wrong-Pw-1'));
  });

  it('lists lists (account-wide), reads one, its fields and the sending connections, all typed', async () => {
    const lists = await c.listLists();
    assert.deepStrictEqual(lists.items.map((l) => l.id).sort(), [NEWSLETTER, TRANSACTIONAL_LIST]);
    assert.strictEqual(typeof lists.total, 'number');
    const all = await c.listAllLists({ pageSize: 1 });
    assert.deepStrictEqual(all.map((l) => l.id), [NEWSLETTER, TRANSACTIONAL_LIST]);
    const list = await c.getList(NEWSLETTER);
    assert.strictEqual(list.name, 'Newsletter');
    assert.strictEqual(typeof list.defaultTransactionalId, 'number');
    const fields = await c.listFields();
    const email = fields.find((f) => f.name === 'email');
    assert.ok(email, 'the email field always exists');
    assert.strictEqual(email!.type, 'email');
    assert.strictEqual(typeof email!.mandatory, 'boolean');
    assert.ok(fields.some((f) => f.type === 'date' && f.format), 'date fields carry their format');
    const esp = await c.listEspConnections();
    const tx = esp.find((x) => x.id === SEED_IDS.connections.transactional)!;
    assert.strictEqual(tx.supportTransactional, true);
    const active = await c.listEspConnections({ activeOnly: true });
    assert.ok(!active.some((x) => x.id === SEED_IDS.connections.inactive));
  });

  it('lists the library with paging, filters and full listing; parses every item', async () => {
    const page = await c.listEmails({}, { page: 1, pageSize: 5 });
    assert.strictEqual(page.items.length, 5);
    assert.ok(page.total! > 5);
    for (const e of page.items) {
      assert.strictEqual(typeof e.id, 'number');
      assert.strictEqual(typeof e.deleted, 'boolean');
      assert.ok(e.created instanceof Date);
    }
    const all = await c.listAllEmails({}, { pageSize: 7 });
    assert.strictEqual(all.length, page.total);
    assert.strictEqual(new Set(all.map((e) => e.id)).size, all.length);
    const folders = await c.listAllEmails({ type: 'folder' });
    assert.ok(folders.length > 0 && folders.every((e) => e.type === 'folder'));
    const inFolder = await c.listAllEmails({ parentId: SEED_IDS.folders.templates });
    assert.ok(inFolder.every((e) => e.parentId === SEED_IDS.folders.templates));
    const tx = await c.listAllEmails({ listId: TRANSACTIONAL_LIST });
    assert.ok(tx.length > 0 && tx.every((e) => e.listId === TRANSACTIONAL_LIST));
  });

  it('refreshes incrementally with modified_from', async () => {
    const since = new Date(Date.now() - 1000);
    assert.deepStrictEqual(await c.listEmailsModifiedSince(new Date(Date.now() + 3600_000)), []);
    const made = await c.createEmail({ type: 'email_message', name: 'Fresh', subject: 'Hi', contentHtml: '<p>x</p>' });
    const changed = await c.listEmailsModifiedSince(since);
    assert.deepStrictEqual(changed.map((e) => e.id), [made.id]);
  });

  it('creates, reads, updates, moves, favourites, copies and deletes', async () => {
    const folder = await c.createEmail({ type: 'folder', name: 'Client test' });
    const e = await c.createEmail({
      type: 'email_message',
      name: 'Draft',
      subject: 'Hello {{first_name:Friend}}',
      contentHtml: '<p>Hi</p>',
      parentId: folder.id,
      addresses: [{ fromName: 'Me', fromAddress: 'me@example.com', replyAddress: 'me@example.com', espConnectionId: SEED_IDS.connections.marketing }],
    });
    assert.strictEqual(e.parentId, folder.id);
    assert.strictEqual(e.addresses[0].espConnectionId, SEED_IDS.connections.marketing);
    const read = await c.getEmail(e.id);
    assert.strictEqual(read.contentHtml, '<p>Hi</p>');
    const upd = await c.updateEmail(e.id, { contentHtml: '<p>Changed</p>', preheader: 'Pre' });
    assert.strictEqual(upd.copied, false);
    assert.strictEqual(upd.email.contentHtml, '<p>Changed</p>');
    const moved = await c.moveEmail(e.id, { parentId: 0, name: 'Renamed' });
    assert.deepStrictEqual([moved.parentId, moved.name], [0, 'Renamed']);
    const fav = await c.toggleFavorite(e.id);
    assert.strictEqual(fav.favorite, !read.favorite);
    const copies = await c.copyEmailToLists(e.id, [TRANSACTIONAL_LIST]);
    assert.strictEqual(copies.length, 1);
    assert.strictEqual(copies[0].listId, TRANSACTIONAL_LIST);
    assert.notStrictEqual(copies[0].id, e.id);
    const two = await c.copyEmailToLists(e.id, [TRANSACTIONAL_LIST, NEWSLETTER]);
    assert.strictEqual(two.length, 2);
    await c.deleteEmail(e.id);
    const gone = await failure(c.getEmail(e.id));
    assert.strictEqual(gone.kind, 'notFound');
    assert.match(gone.message, new RegExp(`^Email ${e.id} no longer exists`));
  });

  it('an update of an email of a launched campaign reports the copy; overwrite changes the original', async () => {
    const id = SEED_IDS.emails.launched;
    const r = await c.updateEmail(id, { subject: 'New subject' });
    assert.strictEqual(r.copied, true);
    assert.notStrictEqual(r.email.id, id);
    assert.match(r.warning ?? '', /copy/);
    assert.notStrictEqual((await c.getEmail(id)).subject, 'New subject', 'the original is untouched');
    const o = await c.updateEmail(id, { subject: 'Overwritten' }, { overwrite: true });
    assert.strictEqual(o.copied, false);
    assert.strictEqual((await c.getEmail(id)).subject, 'Overwritten');
  });

  it('maps the sandbox error codes: dependency (400), validation (412), not found (404)', async () => {
    const dep = await failure(c.deleteEmail(SEED_IDS.emails.launched));
    assert.strictEqual(dep.kind, 'dependency');
    assert.match(dep.message, /^The email is used by a campaign; deleting it is not allowed/);
    const folderDep = await failure(c.deleteEmail(SEED_IDS.folders.marketing));
    assert.strictEqual(folderDep.kind, 'dependency');
    const val = await failure(c.updateEmail(SEED_IDS.emails.welcome, { parentId: 999999 }));
    assert.strictEqual(val.kind, 'validation');
    assert.strictEqual(val.status, 412);
    assert.ok(val.fieldErrors.some((f) => f.field === 'parent_id'));
    assert.match(val.message, /parent_id/);
    const nf = await failure(c.getMailing(1));
    assert.strictEqual(nf.kind, 'notFound');
    assert.match(nf.message, /^Campaign 1 no longer exists/);
    const tdep = await failure(c.deleteTransactionalCampaign(SEED_IDS.transactional.newsletterDefault));
    assert.strictEqual(tdep.kind, 'dependency');
  });

  it('test-sends (is_test only): one outbox entry per recipient, no real campaign, status readable', async () => {
    const m = await c.sendTestMailing({
      emailIds: [SEED_IDS.emails.welcome],
      recipients: ['qa1@example.com', 'qa2@example.com'],
      espConnectionId: SEED_IDS.connections.marketing,
    });
    assert.strictEqual(m.isTest, true);
    const again = await c.getMailing(m.id);
    assert.strictEqual(again.id, m.id);
    assert.notStrictEqual(again.statusName, 'UNKNOWN');
    const launched = await c.getMailing(SEED_IDS.mailings.launched);
    assert.strictEqual(typeof launched.status, 'number');
    const out = await ctl.outbox({ kind: 'test' });
    assert.deepStrictEqual(out.items.map((x) => x.recipient).sort(), ['qa1@example.com', 'qa2@example.com']);
    assert.ok(out.items.every((x) => String(x.subject).toUpperCase().includes('TEST')));
    assert.strictEqual((await ctl.stats()).realCampaignLaunches, 0);
  });

  it('manages transactional campaigns', async () => {
    const list = await c.listTransactionalCampaigns({ listId: TRANSACTIONAL_LIST });
    assert.ok(list.items.some((t) => t.id === SEED_IDS.transactional.receipts));
    const made = await c.createTransactionalCampaign({ name: 'Client test', description: 'd', espConnectionId: SEED_IDS.connections.transactional });
    assert.strictEqual(made.name, 'Client test');
    const upd = await c.updateTransactionalCampaign(made.id, { name: 'Renamed' });
    assert.strictEqual(upd.name, 'Renamed');
    await c.deleteTransactionalCampaign(made.id);
    assert.ok(!(await c.listTransactionalCampaigns()).items.some((t) => t.id === made.id));
  });

  it('sends transactional messages in both forms, with dynamic fields and per-recipient fields', async () => {
    const r = await c.sendTransactional({
      listId: TRANSACTIONAL_LIST,
      messageId: SEED_IDS.emails.orderReceipt,
      recipients: ['buyer1@example.com', 'buyer2@example.com'],
      dynamicFields: { order_id: 'A-77' },
      dynamicFieldsPerRecipient: { 'buyer2@example.com': { order_id: 'B-88' } },
    });
    assert.deepStrictEqual(r.accepted?.sort(), ['buyer1@example.com', 'buyer2@example.com']);
    assert.strictEqual(typeof r.campaignId, 'number');
    const e = await c.sendTransactionalContent({
      recipients: ['jane.doe@example.com'],
      message: {
        subject: 'Hi {{first_name}}',
        contentHtml: '<p>Code {{code}} for {{first_name}}</p>',
        addresses: { fromName: 'Shop', fromAddress: 'shop@example.com', replyAddress: 'help@example.com' },
      },
      dynamicFieldsPerRecipient: [{ recipient: 'jane.doe@example.com', keyValueCollection: { code: 'XYZ' } }],
    });
    assert.deepStrictEqual(e.accepted, ['jane.doe@example.com']);
    const out = await ctl.outbox({ kind: 'transactional' });
    assert.strictEqual(out.total, 3);
    const jane = out.items.find((x) => x.recipient === 'jane.doe@example.com')!;
    assert.match(String(jane.html), /Code XYZ for Jane/);
    const b2 = out.items.find((x) => x.recipient === 'buyer2@example.com')!;
    assert.strictEqual(b2.message_id, SEED_IDS.emails.orderReceipt);
  });

  it('honours check_status: an unsubscribed contact is rejected, and the result says so', async () => {
    const r = await c.sendTransactionalContent({
      recipients: [SEED_IDS.contacts.unsubscribed],
      checkStatus: true,
      message: { subject: 'x', contentText: 'y', addresses: { fromName: 'Shop' } },
    });
    assert.deepStrictEqual(r.accepted, []);
    assert.strictEqual(r.rejected?.[0].recipient, SEED_IDS.contacts.unsubscribed);
  });

  it('reads contacts by email and by id, and says when one is not in the list', async () => {
    const jane = await c.getContactByEmail(SEED_IDS.contacts.jane);
    assert.strictEqual(jane.email, SEED_IDS.contacts.jane);
    assert.strictEqual(jane.status, 'Active');
    assert.ok(jane.createdDate instanceof Date);
    assert.strictEqual(jane.fields.first_name, 'Jane');
    const byId = await c.getContactById(jane.id);
    assert.strictEqual(byId.email, jane.email);
    const nf = await failure(c.getContactByEmail('nobody@example.com'));
    assert.strictEqual(nf.kind, 'notFound');
    assert.match(nf.message, /nobody@example.com is not in list 10542/);
  });
});
