/**
 * A workspace folder kept in sync with the sandbox's library through the real client: pull → edit → push,
 * Ongage changed meanwhile (same size and different size) → conflict on push, both sides changed, names with
 * slashes, emoji, duplicates and 200+ characters, a 5,000-item pull, a launched campaign's copy, and the
 * command line's pull / status / push (--dry-run changes nothing; without a terminal conflicts are refused).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CliIO } from '../../src/cli/io';
import { run } from '../../src/cli/program';
import type { OngageClient } from '../../src/core/api';
import { computeStatus, executePush, planPush, pullToFolder, readManifest, type SyncStatus } from '../../src/core/sync';
import { startSandbox } from '../../sandbox/server';
import { assertNoCredentials, client, CREDS, NEWSLETTER, recordingLogger, sandbox, type Sandbox } from './client-helpers';

const rel = (s: SyncStatus) => s.entries.filter((e) => e.state !== 'unchanged').map((e) => `${e.state}${e.conflict ? `:${e.conflict}` : ''} ${e.files?.html ?? `#${e.id}`}`);

describe('sync against the sandbox', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let c: OngageClient;
  let other: OngageClient;
  let dir: string;
  const log = recordingLogger();
  const read = (r: string) => fs.readFileSync(path.join(dir, r), 'utf8');
  const write = (r: string, t: string) => fs.writeFileSync(path.join(dir, r), t);
  const status = async () => computeStatus(c, dir, (await readManifest(dir))!);
  const pushAll = async (s: SyncStatus, extra: Partial<Parameters<typeof executePush>[0]> = {}) => {
    const p = planPush(s);
    return executePush({ client: c, dir, status: s, updates: p.updates, creates: p.creates, deletes: p.deletes, keepMine: [], ...extra });
  };

  before(async () => {
    sb = await sandbox({ port: 0 });
    c = client(sb, log.logger);
    other = client(sb, log.logger);
  });
  after(async () => {
    c.dispose();
    other.dispose();
    await sb.close();
    assertNoCredentials(log.lines);
  });
  beforeEach(() => {
    sb.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-sync-it-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pulls the list as files in folders that mirror Ongage, with one listing and no credential in the manifest', async () => {
    const before = sb.stats().requests;
    const r = await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    assert.equal(sb.stats().requests - before, 1, 'one listing page holds the seed library with its content');
    assert.equal(r.added.length, 37);
    const welcome = await c.getEmail(sb.ids.emails.welcome);
    const entry = r.manifest.items.find((i) => i.id === welcome.id)!;
    assert.equal(entry.files.html, 'Lifecycle/Onboarding/Welcome to Harbor & Pine.html');
    assert.equal(read(entry.files.html), welcome.contentHtml);
    assert.equal(read(entry.files.text), welcome.contentText);
    assert.equal(JSON.parse(read(entry.files.settings)).subject, welcome.subject);
    assert.equal(entry.modified, welcome.modified!.toISOString());
    const text = read('.ongage/manifest.json');
    for (const secret of [CREDS.username, CREDS.password, CREDS.accountCode]) assert.ok(!text.includes(secret));
    assert.ok((await status()).entries.every((e) => e.state === 'unchanged'));
  });

  it('pull → edit → push: only the changed fields go out, and the next status is clean', async () => {
    await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    const f = 'Lifecycle/Onboarding/Welcome to Harbor & Pine';
    write(`${f}.html`, read(`${f}.html`).replace('Welcome', 'Welcome aboard'));
    const settings = JSON.parse(read(`${f}.ongage.json`));
    write(`${f}.ongage.json`, JSON.stringify({ ...settings, subject: 'A new subject' }, null, 2));
    const s = await status();
    assert.deepEqual(rel(s), [`modified ${f}.html`]);
    const r = await pushAll(s);
    assert.equal(r.updated.length, 1, JSON.stringify(r.failed.map((x) => x.error.message)));
    const after = await c.getEmail(sb.ids.emails.welcome);
    assert.match(after.contentHtml!, /Welcome aboard/);
    assert.equal(after.subject, 'A new subject');
    assert.deepEqual(rel(await status()), []);
  });

  for (const size of ['same size', 'different size']) {
    it(`Ongage changed since the status (${size}, same second): push stops with a conflict and writes nothing`, async () => {
      await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
      const f = 'Lifecycle/Onboarding/Welcome to Harbor & Pine.html';
      write(f, read(f).replace('Welcome', 'Mine!!!'));
      const s = await status();
      const remote = await other.getEmail(sb.ids.emails.welcome);
      const theirs = size === 'same size' ? remote.contentHtml!.replace('Welcome', 'Wxlcome') : `${remote.contentHtml}<!-- theirs -->`;
      await other.updateEmail(remote.id, { contentHtml: theirs });
      const r = await pushAll(s);
      assert.equal(r.conflicts.length, 1);
      assert.equal(r.updated.length, 0);
      assert.equal((await c.getEmail(remote.id)).contentHtml, theirs);
      const again = await status();
      assert.deepEqual(rel(again), [`conflict:bothChanged ${f}`]);
    });
  }

  it('both sides changed: status says conflict; keep theirs (pull) or keep mine (push) only when chosen', async () => {
    await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    const f = 'Lifecycle/Onboarding/Welcome to Harbor & Pine.html';
    write(f, '<p>mine</p>');
    await other.updateEmail(sb.ids.emails.welcome, { subject: 'Theirs' });
    const s = await status();
    assert.deepEqual(rel(s), [`conflict:bothChanged ${f}`]);
    assert.deepEqual(planPush(s).updates, []);
    const kept = await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    assert.equal(kept.kept.length, 1);
    assert.equal(read(f), '<p>mine</p>', 'a pull never overwrites a local change without being told');
    const s2 = await status();
    const r = await pushAll(s2, { keepMine: s2.entries.filter((e) => e.state === 'conflict') });
    assert.equal(r.updated.length, 1);
    const now = await c.getEmail(sb.ids.emails.welcome);
    assert.equal(now.contentHtml, '<p>mine</p>');
    assert.equal(now.subject, 'Welcome, {{first_name:friend}}!', "keep mine: the workspace's version whole (a merge is the way to combine both)");
    assert.deepEqual(rel(await status()), []);
  });

  it('names with slashes, emoji, duplicates and 200+ characters round-trip; new files become items', async () => {
    const folder = await c.createEmail({ type: 'folder', name: 'Sales/Promos 🎉', parentId: 0 });
    const long = `${'Very long name '.repeat(15)}end`;
    const made = [];
    for (const name of ['Summer: "hot" deals?', 'Summer: "hot" deals?', '🎉 Party', long, 'CON']) {
      made.push(await c.createEmail({ type: 'email_message', name, parentId: folder.id, subject: name, contentHtml: `<p>${name}</p>`, contentText: name }));
    }
    const r = await pullToFolder({ client: c, dir, listId: NEWSLETTER, folderId: folder.id, connectionName: 'Sandbox' });
    const names = r.manifest.items.map((i) => i.files.html).sort();
    for (const n of ['CON_.html', 'Summer- -hot- deals-.html', `Summer- -hot- deals- (${made[1].id}).html`]) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    assert.ok(names.includes('🎉 Party.html'));
    const longFile = names.find((n) => n.startsWith('Very long'))!;
    assert.ok(Buffer.byteLength(longFile) < 200 && longFile.includes('…'));
    assert.equal(read(longFile), `<p>${long}</p>`);
    assert.equal(JSON.parse(read(longFile.replace(/\.html$/, '.ongage.json'))).name, long);
    // Edits to the odd names push back to the right items.
    write('🎉 Party.html', '<p>party on</p>');
    write('Brand new.html', '<p>new one</p>');
    const s = await status();
    assert.deepEqual(rel(s).sort(), ['added Brand new.html', 'modified 🎉 Party.html']);
    const done = await pushAll(s);
    assert.equal(done.updated.length, 1);
    assert.equal(done.created.length, 1);
    assert.equal((await c.getEmail(made[2].id)).contentHtml, '<p>party on</p>');
    const created = await c.getEmail(done.created[0].email.id);
    assert.equal(created.parentId, folder.id);
    assert.equal(created.name, 'Brand new');
    assert.deepEqual(rel(await status()), []);
  });

  it('deleted here deletes in Ongage only when named; deleted in Ongage is said and pulled', async () => {
    await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    const m = (await readManifest(dir))!;
    const bday = m.items.find((i) => i.id === sb.ids.emails.birthday)!;
    for (const f of Object.values(bday.files)) fs.rmSync(path.join(dir, f));
    const gone = m.items.find((i) => i.id === sb.ids.emails.firstNewsletter)!;
    await other.deleteEmail(gone.id);
    const s = await status();
    assert.deepEqual(rel(s), [`deleted ${bday.files.html}`, `remoteDeleted ${gone.files.html}`]);
    const none = await pushAll(s, { deletes: [] });
    assert.equal(none.deleted.length, 0);
    await c.getEmail(bday.id);
    const r = await pushAll(s);
    assert.equal(r.deleted.length, 1);
    await assert.rejects(c.getEmail(bday.id), /no longer exists/);
    const p = await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    assert.equal(p.removed.length, 1);
    assert.ok(!fs.existsSync(path.join(dir, gone.files.html)));
  });

  it("an email of a launched campaign: Ongage stores a copy, the folder tracks it, and a retry makes no second copy", async () => {
    await pullToFolder({ client: c, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
    const item = (await readManifest(dir))!.items.find((i) => i.id === sb.ids.emails.launched)!;
    write(item.files.html, '<p>changed after launch</p>');
    const r = await pushAll(await status());
    assert.equal(r.copied.length, 1);
    const copyId = r.copied[0].email.id;
    assert.notEqual(copyId, item.id);
    assert.notEqual((await c.getEmail(item.id)).contentHtml, '<p>changed after launch</p>');
    const m = (await readManifest(dir))!;
    assert.equal(m.items.find((i) => i.files.html === item.files.html)!.id, copyId);
    const s = await status();
    assert.deepEqual(rel(s), [`remoteAdded #${item.id}`], 'the untouched original shows as an item to pull');
  });

  it('pulls 5,000 items with the whole-library listing (pages of 100, not one listing per folder)', async function () {
    this.timeout(120_000);
    const big = await sandbox({ port: 0, large: 5000 });
    const bc = client(big, log.logger);
    try {
      const before = big.stats().requests;
      const r = await pullToFolder({ client: bc, dir, listId: NEWSLETTER, connectionName: 'Sandbox' });
      const requests = big.stats().requests - before;
      assert.ok(r.manifest.items.length > 4800, `${r.manifest.items.length} items`);
      assert.ok(requests <= 52, `${requests} requests`);
      const s = await computeStatus(bc, dir, (await readManifest(dir))!);
      assert.ok(s.entries.every((e) => e.state === 'unchanged'));
    } finally {
      bc.dispose();
      await big.close();
    }
  });
});

describe('sync from the command line', function () {
  this.timeout(60_000);
  let sb: Sandbox;
  let other: OngageClient;
  let dir: string;
  const log = recordingLogger();
  const cli = async (args: string[], opts: { tty?: boolean; answers?: string[] } = {}) => {
    let stdout = '';
    let stderr = '';
    const answers = [...(opts.answers ?? [])];
    const asked: string[] = [];
    const io: CliIO = {
      out: { write: (t) => void (stdout += t), isTTY: opts.tty === true },
      err: { write: (t) => void (stderr += t), isTTY: opts.tty === true },
      in: { isTTY: opts.tty === true, ask: async (q) => (asked.push(q), answers.shift()) },
      env: {},
      cwd: dir,
    };
    const code = await run([...args, '--sandbox', sb.url], io);
    return { code, stdout, stderr, asked };
  };
  const write = (r: string, t: string) => fs.writeFileSync(path.join(dir, r), t);

  before(async () => {
    sb = await startSandbox({ port: 0 });
    other = client(sb, log.logger, { credentials: sb.credentials });
  });
  after(async () => {
    other.dispose();
    await sb.close();
  });
  beforeEach(() => {
    sb.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-sync-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pull, status, push --dry-run (nothing changes), push', async () => {
    const p = await cli(['pull', 'emails', '--list', String(NEWSLETTER)]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /Pulled list 10542 into emails in \d+\.\d s: 37 new items, 0 updated, 0 removed; 37 items in 12 folders tracked\./);
    const f = 'emails/Birthday greeting.html';
    write(f, '<p>Happy birthday!</p>');
    write('emails/Fresh.html', '<p>fresh</p>');
    const st = await cli(['status', 'emails']);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /Added \(1\)\n {2}Fresh\.html\n/);
    assert.match(st.stdout, /Modified \(1\)\n {2}Birthday greeting\.html #\d+\n/);
    assert.match(st.stdout, /Unchanged: 36/);
    const j = JSON.parse((await cli(['status', 'emails', '--json'])).stdout);
    assert.equal(j.counts.modified, 1);
    assert.equal(j.items.find((i: { state: string }) => i.state === 'added').files.html, 'Fresh.html');

    const requestsBefore = sb.stats().byRoute;
    const dry = await cli(['push', 'emails', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Added \(1\)[\s\S]*Modified \(1\)[\s\S]*Unchanged: 36/);
    assert.match(dry.stderr, /Dry run: nothing was changed/);
    const writes = Object.entries(sb.stats().byRoute).filter(([k]) => /^(PUT|POST|DELETE)/.test(k));
    assert.deepEqual(writes, Object.entries(requestsBefore).filter(([k]) => /^(PUT|POST|DELETE)/.test(k)), 'no write request');
    assert.notEqual((await other.getEmail(sb.ids.emails.birthday)).contentHtml, '<p>Happy birthday!</p>');

    // CI: the new item needs --yes.
    const ci = await cli(['push', 'emails']);
    assert.equal(ci.code, 1);
    assert.match(ci.stderr, /Push refused: it would create 1 new item:\n {2}Fresh\.html {2}"Fresh"\nNothing was pushed\. Pass --yes/);
    const ok = await cli(['push', 'emails', '--yes']);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /✔ saved Birthday greeting\.html #\d+/);
    assert.match(ok.stdout, /✔ created Fresh\.html #\d+/);
    assert.equal((await other.getEmail(sb.ids.emails.birthday)).contentHtml, '<p>Happy birthday!</p>');
    assert.match((await cli(['status', 'emails'])).stderr, /^37 unchanged|38 unchanged/m);
  });

  it('without a terminal, push refuses conflicts and lists them (exit 1); --overwrite keeps mine', async () => {
    await cli(['pull', 'emails', '--list', String(NEWSLETTER)]);
    write('emails/Birthday greeting.html', '<p>mine</p>');
    await other.updateEmail(sb.ids.emails.birthday, { subject: 'theirs' });
    const r = await cli(['push', 'emails', '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Push refused: 1 item changed both here and in Ongage:\n {2}Birthday greeting\.html #\d+ {2}"Birthday greeting"\nNothing was pushed\./);
    assert.equal((await other.getEmail(sb.ids.emails.birthday)).subject, 'theirs');
    const pull = await cli(['pull', 'emails']);
    assert.equal(pull.code, 1, 'the conflict is kept and listed');
    assert.match(pull.stderr, /your files were kept:\n {2}Birthday greeting\.html/);
    const o = await cli(['push', 'emails', '--overwrite']);
    assert.equal(o.code, 0, o.stderr + o.stdout);
    assert.equal((await other.getEmail(sb.ids.emails.birthday)).contentHtml, '<p>mine</p>');
  });

  it('on a terminal, push asks; no answer pushes nothing; deletions are named', async () => {
    await cli(['pull', 'emails', '--list', String(NEWSLETTER)]);
    for (const ext of ['.html', '.ongage.txt', '.ongage.json']) fs.rmSync(path.join(dir, `emails/Birthday greeting${ext}`));
    const no = await cli(['push', 'emails'], { tty: true, answers: ['n'] });
    assert.equal(no.code, 0);
    assert.match(no.asked[0], /Delete 1 item in Ongage \(this cannot be undone\)\?\n {2}Birthday greeting\.html #\d+ {2}"Birthday greeting"/);
    await other.getEmail(sb.ids.emails.birthday);
    const yes = await cli(['push', 'emails'], { tty: true, answers: ['y'] });
    assert.equal(yes.code, 0, yes.stderr);
    await assert.rejects(other.getEmail(sb.ids.emails.birthday));
  });

  it("on a terminal, pull asks before replacing a changed file with Ongage's version", async () => {
    await cli(['pull', 'emails', '--list', String(NEWSLETTER)]);
    write('emails/Birthday greeting.html', '<p>mine</p>');
    await other.updateEmail(sb.ids.emails.birthday, { contentHtml: '<p>theirs</p>' });
    const no = await cli(['pull', 'emails'], { tty: true, answers: ['n'] });
    assert.equal(no.code, 1);
    assert.match(no.asked[0], /^Birthday greeting\.html changed in Ongage too; replace your changes with Ongage's version\? \[y\/N\] $/);
    assert.equal(fs.readFileSync(path.join(dir, 'emails/Birthday greeting.html'), 'utf8'), '<p>mine</p>');
    const yes = await cli(['pull', 'emails'], { tty: true, answers: ['y'] });
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'emails/Birthday greeting.html'), 'utf8'), '<p>theirs</p>');
  });

  it('says what to do with a folder that was never pulled, and a pull without a list', async () => {
    const st = await cli(['status', 'nowhere']);
    assert.equal(st.code, 2);
    assert.match(st.stderr, /nowhere is not a pulled folder \(no \.ongage\/manifest\.json in it or above it\)\. Pull one first/);
    const p = await cli(['pull', 'emails']);
    assert.equal(p.code, 2);
    assert.match(p.stderr, /Which list\? Pass --list <id>/);
  });
});
