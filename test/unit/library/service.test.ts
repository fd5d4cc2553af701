import { strict as assert } from 'assert';
import type { OngageClient } from '../../../src/core/api/client';
import type { Email, Page } from '../../../src/core/api/types';
import { LibraryService } from '../../../src/core/library/service';
import { ROOT } from '../../../src/core/library/model';

function email(id: number, name: string, parentId = ROOT, type: Email['type'] = 'email_message'): Email {
  return {
    id,
    type,
    parentId,
    name,
    description: '',
    subject: '',
    preheader: '',
    deleted: false,
    favorite: false,
    addresses: [],
    tagIds: [],
    extra: {},
  } as unknown as Email;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A client whose whole-library listing hands out pages only when the test says so. */
class GatedOngage {
  pages = [deferred<Email[]>(), deferred<Email[]>()];
  served = 0;
  nextId = 100;

  get client(): OngageClient {
    return this as unknown as OngageClient;
  }

  async *iterateEmails(): AsyncGenerator<Page<Email>> {
    for (const [i, gate] of this.pages.entries()) {
      const items = await gate.promise;
      this.served++;
      yield { items, page: i + 1, pageSize: 2 };
    }
  }

  async createEmail(input: { type: Email['type']; name: string; parentId?: number }): Promise<Email> {
    return email(this.nextId++, input.name, input.parentId ?? ROOT, input.type);
  }

  async getEmail(id: number): Promise<Email> {
    return email(id, `E${id}`);
  }

  async moveEmail(id: number, to: { parentId: number; name: string }): Promise<Email> {
    return email(id, to.name, to.parentId);
  }

  async deleteEmail(): Promise<undefined> {
    return undefined;
  }
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('LibraryService', () => {
  it('a whole-library load keeps what was created, moved or deleted while it ran, and drops only what Ongage no longer has', async () => {
    const fake = new GatedOngage();
    const lib = new LibraryService(fake.client, 10542, 2);
    // Known from before: an item Ongage has since deleted without a trace.
    lib.model.upsert([{ id: 5, type: 'email_message', name: 'Gone', parentId: ROOT, favorite: false }]);

    const load = lib.loadAll();
    fake.pages[0].resolve([email(1, 'Folder A', ROOT, 'folder'), email(2, 'Kept')]);
    await until(() => lib.model.has(2));

    // While the second page is on its way (Ongage listed it before these changes):
    const created = await lib.create({ type: 'email_message', name: 'New', parentId: ROOT });
    await lib.move(3, 1, 'Moved');
    await lib.delete(4);
    fake.pages[1].resolve([email(3, 'Moved', ROOT), email(4, 'Deleted')]);
    await load;

    assert.equal(fake.served, 2);
    assert.ok(lib.model.has(created.id), 'an item created during the load stays');
    assert.deepEqual(
      lib.model.childrenOf(1).map((i) => [i.id, i.name]),
      [[3, 'Moved']],
      'an item moved during the load stays where it was moved, although the page said otherwise',
    );
    assert.ok(!lib.model.has(4), 'an item deleted during the load does not come back with a page that predates the delete');
    assert.ok(!lib.model.has(5), 'an item Ongage no longer lists (and nobody touched) is dropped');
    assert.deepEqual(
      lib.model.childrenOf(ROOT).map((i) => i.name),
      ['Folder A', 'Kept', 'New'],
    );
  });

  it('a folder load keeps an item moved into the folder while it ran', async () => {
    const fake = new GatedOngage();
    fake.pages = [deferred<Email[]>()];
    const lib = new LibraryService(fake.client, 10542, 2);
    lib.model.upsert([{ id: 1, type: 'folder', name: 'Folder A', parentId: ROOT, favorite: false }]);
    const load = lib.loadChildren(1);
    await lib.move(7, 1, 'Moved in');
    fake.pages[0].resolve([email(8, 'Already there', 1)]);
    await load;
    assert.deepEqual(
      lib.model.childrenOf(1).map((i) => i.name),
      ['Already there', 'Moved in'],
    );
  });
});
