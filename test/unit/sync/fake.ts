/** An in-memory library behind the few client calls sync (and saveItem) make. */
import type { OngageClient } from '../../../src/core/api/client';
import type { Email, EmailCreateInput, EmailInput } from '../../../src/core/api/types';

export function email(id: number, over: Partial<Email> = {}): Email {
  return {
    id,
    type: 'email_message',
    parentId: 0,
    listId: 10,
    name: `Email ${id}`,
    description: '',
    subject: `Subject ${id}`,
    preheader: '',
    contentHtml: `<p>Body ${id}</p>\n<p>second line</p>\n<p>third line</p>\n`,
    contentText: `Body ${id}`,
    deleted: false,
    favorite: false,
    addresses: [],
    tagIds: [],
    modified: new Date(Date.UTC(2026, 0, 1, 0, 0, id % 60)),
    extra: {},
    ...over,
  };
}

export class FakeLibrary {
  readonly items = new Map<number, Email>();
  calls = { list: 0, get: 0, create: 0, update: 0, delete: 0 };
  /** Leave content out of listings (as some Ongage answers do). */
  listingWithoutContent = false;
  /** Fail the listing after this many pages arrived (a reset in the middle of a pull). */
  failListingAfterPages: number | undefined;
  private nextId = 9000;
  private clock = Date.UTC(2026, 1, 1);

  constructor(items: Email[]) {
    for (const e of items) this.items.set(e.id, e);
  }

  /** An edit made in Ongage by someone else. */
  touch(id: number, change: Partial<Email>, bumpModified = true): void {
    const e = this.items.get(id)!;
    this.items.set(id, { ...e, ...change, modified: bumpModified ? new Date((this.clock += 1000)) : e.modified });
  }

  apply(id: number, input: EmailInput): Email {
    const e = this.items.get(id)!;
    const next: Email = { ...e, modified: new Date((this.clock += 1000)) };
    for (const [k, v] of Object.entries(input)) if (v !== undefined && k !== 'extra') (next as unknown as Record<string, unknown>)[k] = v === null ? undefined : v;
    if (input.addresses) next.addresses = input.addresses.map((a) => ({ ...a, extra: {} }));
    this.items.set(id, next);
    return next;
  }

  client(): OngageClient {
    const lib = this;
    const c = {
      async listAllEmails(_filter: unknown, opts: { onPage?: (p: { items: Email[]; page: number; pageSize: number; total?: number }) => void } = {}): Promise<Email[]> {
        lib.calls.list++;
        const all = [...lib.items.values()].map((e) => (lib.listingWithoutContent ? { ...e, contentHtml: undefined, contentText: undefined } : { ...e }));
        // Pages of 3, the second arriving first (as concurrent pages do).
        const pages: Email[][] = [];
        for (let i = 0; i < all.length; i += 3) pages.push(all.slice(i, i + 3));
        const order = pages.map((_, i) => i);
        if (order.length > 1) [order[0], order[1]] = [order[1], order[0]];
        let n = 0;
        for (const i of order) {
          if (lib.failListingAfterPages !== undefined && n++ >= lib.failListingAfterPages) throw new Error('The connection was reset while listing the library.');
          opts.onPage?.({ items: pages[i], page: i + 1, pageSize: 3, total: all.length });
        }
        return all;
      },
      async getEmail(id: number): Promise<Email> {
        lib.calls.get++;
        const e = lib.items.get(id);
        if (!e) throw Object.assign(new Error(`Email ${id} not found`), { kind: 'notFound' });
        return { ...e };
      },
      async createEmail(input: EmailCreateInput): Promise<Email> {
        lib.calls.create++;
        const id = lib.nextId++;
        lib.items.set(id, email(id, { type: input.type, name: input.name, parentId: input.parentId ?? 0, contentHtml: '', contentText: '', subject: '' }));
        return lib.apply(id, input);
      },
      async updateEmail(id: number, input: EmailInput) {
        lib.calls.update++;
        return { email: lib.apply(id, input), copied: false, requestedId: id };
      },
      async deleteEmail(id: number): Promise<undefined> {
        lib.calls.delete++;
        lib.items.delete(id);
        return undefined;
      },
    };
    return c as unknown as OngageClient;
  }
}
