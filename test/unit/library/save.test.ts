import { strict as assert } from 'assert';
import { OngageError } from '../../../src/core/api/errors';
import type { OngageClient } from '../../../src/core/api/client';
import type { Email, EmailInput, EmailUpdateResult } from '../../../src/core/api/types';
import { EmailParts, partsHash, partsOf } from '../../../src/core/library/parts';
import { saveItem, SaveBase } from '../../../src/core/library/save';

function email(over: Partial<Email> = {}): Email {
  return {
    id: 2025,
    type: 'email_message',
    parentId: 0,
    name: 'Spring welcome',
    description: '',
    subject: 'Hi {{first_name:Friend}}',
    preheader: '',
    contentHtml: '<p>Hello</p>',
    contentText: 'Hello',
    deleted: false,
    favorite: false,
    addresses: [],
    tagIds: [],
    modified: new Date(1_700_000_000_000),
    created: new Date(1_600_000_000_000),
    extra: {},
    ...over,
  };
}

/** A few emails behind the four calls saveItem makes, with a log of them and knobs for launched campaigns and faults. */
class FakeOngage {
  emails = new Map<number, Email>();
  calls: string[] = [];
  puts: Array<{ id: number; input: EmailInput; opts: { overwrite?: boolean; mayCopy?: boolean } }> = [];
  launched = new Set<number>();
  nextId = 3000;
  now = 1_700_000_100_000;
  /** Apply the next PUT, then fail as if the connection dropped. */
  dropAfterApply = 0;
  failNextPut: OngageError | undefined;

  constructor(...es: Email[]) {
    for (const e of es) this.emails.set(e.id, e);
  }

  get client(): OngageClient {
    return this as unknown as OngageClient;
  }

  async getEmail(id: number): Promise<Email> {
    this.calls.push(`GET ${id}`);
    const e = this.emails.get(id);
    if (!e || e.deleted) throw new OngageError({ kind: 'notFound', message: `Email ${id} was not found.` });
    return { ...e };
  }

  async listEmailsModifiedSince(since: Date): Promise<Email[]> {
    this.calls.push('LIST');
    return [...this.emails.values()].filter((e) => (e.modified?.getTime() ?? 0) >= since.getTime()).map((e) => ({ ...e, contentHtml: undefined, contentText: undefined }));
  }

  async deleteEmail(id: number): Promise<undefined> {
    this.calls.push(`DELETE ${id}`);
    const e = this.emails.get(id);
    if (e) e.deleted = true;
    return undefined;
  }

  async updateEmail(id: number, input: EmailInput, opts: { overwrite?: boolean; mayCopy?: boolean } = {}): Promise<EmailUpdateResult> {
    this.calls.push(`PUT ${id}`);
    this.puts.push({ id, input, opts });
    if (this.failNextPut) {
      const e = this.failNextPut;
      this.failNextPut = undefined;
      throw e;
    }
    const e = this.emails.get(id)!;
    const apply = (x: Email): Email => ({
      ...x,
      ...(input.contentHtml !== undefined ? { contentHtml: input.contentHtml } : {}),
      ...(input.contentText !== undefined ? { contentText: input.contentText } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      modified: new Date((this.now += 1000)),
    });
    let result: EmailUpdateResult;
    if (this.launched.has(id) && !opts.overwrite) {
      const copy = { ...apply(e), id: this.nextId++, mailingId: undefined, created: new Date(this.now) };
      this.emails.set(copy.id, copy);
      result = { email: copy, copied: true, requestedId: id, warning: 'a copy was created' };
    } else {
      const changed = apply(e);
      this.emails.set(id, changed);
      result = { email: changed, copied: false, requestedId: id };
    }
    if (this.dropAfterApply > 0) {
      this.dropAfterApply--;
      throw new OngageError({ kind: 'network', message: 'Could not reach Ongage (ECONNRESET)', reason: 'ECONNRESET' });
    }
    return result;
  }

  /** Someone else saves in Ongage's web app. */
  edit(id: number, change: Partial<Email>, sameSecond = false): void {
    const e = this.emails.get(id)!;
    this.emails.set(id, { ...e, ...change, modified: sameSecond ? e.modified : new Date((this.now += 1000)) });
  }
}

const baseOf = (e: Email): SaveBase => ({ id: e.id, listId: 10542, modified: e.modified, hash: partsHash(partsOf(e)), parts: partsOf(e) });
const withHtml = (p: EmailParts, html: string): EmailParts => ({ ...p, html });

describe('library/save', () => {
  it('reads the remote once, then sends only the changed fields', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    const next = { ...base.parts, settings: { ...base.parts.settings, subject: 'New subject' } };
    const out = await saveItem(fake.client, base, next);
    assert.equal(out.kind, 'saved');
    assert.deepEqual(fake.calls, ['GET 2025', 'PUT 2025']);
    assert.deepEqual(fake.puts[0].input, { subject: 'New subject' });
    assert.equal(fake.puts[0].opts.overwrite, undefined);
    if (out.kind !== 'saved') return;
    assert.equal(out.parts.settings.subject, 'New subject');
    assert.deepEqual(out.fields, ['subject']);
    assert.ok(out.email.modified!.getTime() > e.modified!.getTime(), 'the new base carries the new modified');
  });

  it('writes nothing when the parts equal the remote', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const out = await saveItem(fake.client, baseOf(e), partsOf(e));
    assert.equal(out.kind, 'unchanged');
    assert.deepEqual(fake.calls, ['GET 2025']);
  });

  it('reports a conflict when the remote changed, same size and same second included, and writes nothing', async () => {
    for (const sameSecond of [false, true]) {
      const e = email();
      const fake = new FakeOngage(e);
      const base = baseOf(e);
      fake.edit(e.id, { contentHtml: '<p>Hellx</p>' }, sameSecond); // same length
      const out = await saveItem(fake.client, base, withHtml(base.parts, '<p>Hello, you</p>'));
      assert.equal(out.kind, 'conflict', `sameSecond=${sameSecond}`);
      assert.deepEqual(fake.calls, ['GET 2025']);
      if (out.kind === 'conflict') assert.equal(out.remoteParts.html, '<p>Hellx</p>');
    }
  });

  it('a changed settings part on the remote is a conflict too', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    fake.edit(e.id, { subject: 'Their subject' });
    const out = await saveItem(fake.client, base, withHtml(base.parts, '<p>Mine</p>'));
    assert.equal(out.kind, 'conflict');
  });

  it('overwrites a newer remote when forced, sending what differs from the remote', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    fake.edit(e.id, { contentHtml: '<p>Theirs</p>', subject: 'Their subject' });
    const out = await saveItem(fake.client, base, withHtml(base.parts, '<p>Mine</p>'), { force: true });
    assert.equal(out.kind, 'saved');
    assert.deepEqual(fake.puts[0].input, { contentHtml: '<p>Mine</p>', subject: e.subject });
    assert.equal(fake.emails.get(e.id)!.contentHtml, '<p>Mine</p>');
  });

  it('a moved modified with equal parts (a favourite toggled) is not a conflict', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    fake.edit(e.id, { favorite: true });
    const out = await saveItem(fake.client, base, withHtml(base.parts, '<p>Mine</p>'));
    assert.equal(out.kind, 'saved');
    assert.equal(out.kind === 'saved' && out.remoteMoved, true);
  });

  it('an answer lost after the write was applied: the retry finds the remote holding the new parts', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    const next = withHtml(base.parts, '<p>Mine</p>');
    fake.dropAfterApply = 1;
    await assert.rejects(saveItem(fake.client, base, next), (err: unknown) => err instanceof OngageError && err.kind === 'network');
    const again = await saveItem(fake.client, base, next);
    assert.equal(again.kind, 'unchanged');
    assert.equal(fake.puts.length, 1);
  });

  it('a launched campaign’s email: reports the copy, and a retry never stores a second one', async () => {
    const e = email({ mailingId: 111670 });
    const fake = new FakeOngage(e);
    fake.launched.add(e.id);
    const base = baseOf(e);
    const next = withHtml(base.parts, '<p>Mine</p>');
    const out = await saveItem(fake.client, base, next);
    assert.equal(out.kind, 'copied');
    if (out.kind !== 'copied') return;
    assert.equal(out.requestedId, e.id);
    assert.notEqual(out.email.id, e.id);
    assert.equal(out.parts.html, '<p>Mine</p>');
    assert.equal(fake.emails.get(e.id)!.contentHtml, '<p>Hello</p>', 'the original is untouched');
    assert.equal(fake.puts[0].opts.mayCopy, true, 'the PUT is not repeated by the transport');
    // The same save again (the user pressed Ctrl+S twice, or retried after a lost answer).
    const again = await saveItem(fake.client, base, next);
    assert.equal(again.kind, 'copied');
    assert.equal(again.kind === 'copied' && again.email.id, out.email.id);
    assert.equal(again.kind === 'copied' && again.earlier, true);
    assert.equal(fake.puts.length, 1);
    assert.equal([...fake.emails.values()].filter((x) => x.contentHtml === '<p>Mine</p>').length, 1);
  });

  it('a launched campaign’s email whose answer was lost: the copy is found, not made twice', async () => {
    const e = email({ mailingId: 111670 });
    const fake = new FakeOngage(e);
    fake.launched.add(e.id);
    const base = baseOf(e);
    const next = withHtml(base.parts, '<p>Mine</p>');
    fake.dropAfterApply = 1;
    const out = await saveItem(fake.client, base, next);
    assert.equal(out.kind, 'copied');
    assert.equal(fake.puts.length, 1);
    assert.equal(fake.emails.size, 2);
  });

  it('overwrites the launched original on request and deletes the copy the first attempt stored', async () => {
    const e = email({ mailingId: 111670 });
    const fake = new FakeOngage(e);
    fake.launched.add(e.id);
    const base = baseOf(e);
    const next = withHtml(base.parts, '<p>Mine</p>');
    const first = await saveItem(fake.client, base, next);
    assert.equal(first.kind, 'copied');
    const copyId = first.kind === 'copied' ? first.email.id : 0;
    const out = await saveItem(fake.client, base, next, { overwriteLaunched: true, discardCopyId: copyId });
    assert.equal(out.kind, 'saved');
    assert.equal(fake.puts[1].opts.overwrite, true);
    assert.equal(fake.emails.get(e.id)!.contentHtml, '<p>Mine</p>');
    assert.equal(fake.emails.get(copyId)!.deleted, true);
    assert.deepEqual(out.kind === 'saved' && out.discarded, { id: copyId, deleted: true });
  });

  it('a failed write rejects with the client’s error and changes nothing', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    fake.failNextPut = new OngageError({ kind: 'validation', status: 412, message: 'Ongage refused the email: subject is too long.', fieldErrors: [{ field: 'subject', message: 'too long' }] });
    await assert.rejects(saveItem(fake.client, base, { ...base.parts, settings: { ...base.parts.settings, subject: 'x'.repeat(999) } }), /subject is too long/);
    assert.equal(fake.emails.get(e.id)!.subject, e.subject);
  });

  it('saving one part (only): a remote change to another part is kept, not a conflict; to the same part, a conflict', async () => {
    const e = email();
    const fake = new FakeOngage(e);
    const base = baseOf(e);
    fake.edit(e.id, { subject: 'Their subject' });
    const out = await saveItem(fake.client, base, withHtml(base.parts, '<p>Mine</p>'), { only: ['html'] });
    assert.equal(out.kind, 'saved');
    assert.deepEqual(fake.puts[0].input, { contentHtml: '<p>Mine</p>' });
    assert.equal(fake.emails.get(e.id)!.subject, 'Their subject');
    assert.equal(out.kind === 'saved' && out.parts.settings.subject, 'Their subject', 'the new base holds their subject');

    const base2 = baseOf(fake.emails.get(e.id)!);
    fake.edit(e.id, { contentHtml: '<p>Theirs</p>' });
    const clash = await saveItem(fake.client, base2, withHtml(base2.parts, '<p>Mine again</p>'), { only: ['html'] });
    assert.equal(clash.kind, 'conflict');
    assert.equal(fake.puts.length, 1);
  });
});
