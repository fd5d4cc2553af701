import * as assert from 'assert';
import { collectAll, paginate, PageFetcher } from '../../../src/core/api/paginate';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; fails naming `what` after `ms`. */
async function until(what: string, check: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await tick(2);
  }
}

/** Never settles by itself: a page held until its signal aborts. */
const forever = (): Promise<void> => new Promise(() => undefined);

/**
 * A collection of `n` numbered items served by pages. Each page answers once `gate(index)` settles (at once when
 * no gate is given), or fails when its signal aborts: the test decides the order, never a timer.
 */
function collection(n: number, opts: { total?: boolean; gate?: (index: number) => Promise<void> } = {}) {
  const calls: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const aborted: number[] = [];
  const fetch: PageFetcher<number> = async (index, size, signal) => {
    calls.push(index);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise<void>((res, rej) => {
        const onAbort = (): void => {
          aborted.push(index);
          rej(new Error('aborted'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        (opts.gate?.(index) ?? Promise.resolve()).then(() => {
          signal.removeEventListener('abort', onAbort);
          res();
        });
      });
    } finally {
      inFlight--;
    }
    const items = Array.from({ length: Math.max(0, Math.min(size, n - index * size)) }, (_, i) => index * size + i);
    return { items, total: opts.total === false ? undefined : n };
  };
  return { fetch, calls, aborted, get inFlight() { return inFlight; }, get maxInFlight() { return maxInFlight; } };
}

describe('api/paginate', () => {
  it('collects every item in order, fetching the rest concurrently once the total is known', async () => {
    // The pages after the first are held until ten of them are in flight at once.
    let wave!: () => void;
    const fullWave = new Promise<void>((r) => (wave = r));
    const c = collection(1000, { gate: (i) => (i === 0 ? Promise.resolve() : fullWave) });
    const listing = collectAll(c.fetch, { pageSize: 50, concurrency: 10 });
    await until('ten pages in flight', () => c.inFlight === 10);
    wave();
    const all = await listing;
    assert.deepStrictEqual(all, Array.from({ length: 1000 }, (_, i) => i));
    assert.strictEqual(c.calls.length, 20);
    assert.strictEqual(c.maxInFlight, 10);
  });

  it('streams pages in arrival order: the first page before the slow last one', async () => {
    // The last page answers only after the other three have arrived.
    let othersIn!: () => void;
    const others = new Promise<void>((r) => (othersIn = r));
    const c = collection(200, { gate: (i) => (i === 3 ? others : Promise.resolve()) });
    const order: number[] = [];
    const seen: number[] = [];
    for await (const p of paginate(c.fetch, { pageSize: 50, onPage: (pg) => seen.push(pg.page) })) {
      order.push(p.page);
      if (order.length === 3) othersIn();
    }
    assert.strictEqual(order[0], 1);
    assert.strictEqual(order[order.length - 1], 4, 'the slow page arrives last');
    assert.deepStrictEqual(seen, order, 'onPage sees the same pages in the same order');
  });

  it('without a total, a page with the same items as the one before (the page number ignored) ends the listing with an error', async () => {
    let calls = 0;
    const fetch: PageFetcher<{ id: number }> = async () => {
      if (++calls > 50) throw new Error('still looping');
      return { items: Array.from({ length: 10 }, (_, i) => ({ id: i })) };
    };
    await assert.rejects(collectAll(fetch, { pageSize: 10, key: (x) => x.id, what: 'the email library' }), (e: Error & { kind?: string }) => {
      assert.strictEqual(e.kind, 'badResponse');
      assert.match(e.message, /Listing the email library stopped: page 2 came back with the same items as page 1/);
      return true;
    });
    assert.strictEqual(calls, 2);
  });

  it('a listing that never ends (full pages of new items, or a huge total) stops at the page limit with an error', async () => {
    let calls = 0;
    const endless: PageFetcher<number> = async (index, size) => {
      if (++calls > 50) throw new Error('still looping');
      return { items: Array.from({ length: size }, (_, i) => index * size + i) };
    };
    await assert.rejects(collectAll(endless, { pageSize: 5, maxPages: 7 }), /stopped after 7 pages of 5/);
    assert.strictEqual(calls, 7);
    calls = 0;
    const huge: PageFetcher<number> = async (index, size) => {
      calls++;
      return { items: Array.from({ length: size }, (_, i) => index * size + i), total: 1_000_000 };
    };
    await assert.rejects(collectAll(huge, { pageSize: 5, maxPages: 7 }), /stopped after 7 pages of 5/);
    assert.strictEqual(calls, 1, 'the total says it at once');
  });

  it('without a total, walks on until a short page', async () => {
    const c = collection(120, { total: false });
    const all = await collectAll(c.fetch, { pageSize: 50 });
    assert.strictEqual(all.length, 120);
    assert.deepStrictEqual(c.calls, [0, 1, 2]);
    const exact = collection(100, { total: false });
    assert.strictEqual((await collectAll(exact.fetch, { pageSize: 50 })).length, 100);
    assert.deepStrictEqual(exact.calls, [0, 1, 2], 'an exact multiple needs one empty page to know it ended');
  });

  it('numbers offset collections by offset', async () => {
    const c = collection(30);
    const pages: number[] = [];
    for await (const p of paginate(c.fetch, { pageSize: 10, numbering: 'offset' })) pages.push(p.page);
    assert.deepStrictEqual(pages.sort((a, b) => a - b), [0, 10, 20]);
  });

  it('fetches the pages a collection grew by while it was being listed', async () => {
    let n = 100;
    const fetch: PageFetcher<number> = async (index, size) => {
      const total = n;
      if (index === 1) n = 160; // an item batch lands during the listing
      const items = Array.from({ length: Math.max(0, Math.min(size, total - index * size)) }, (_, i) => index * size + i);
      return { items, total: index === 0 ? 100 : n };
    };
    const all = await collectAll(fetch, { pageSize: 50, concurrency: 1 });
    assert.strictEqual(all.length, 160);
  });

  it('pages by the server\'s size when it silently caps the page size', async () => {
    const asked: number[] = [];
    const capped: PageFetcher<number> = async (index, size) => {
      asked.push(size);
      const real = Math.min(size, 20);
      const items = Array.from({ length: Math.max(0, Math.min(real, 95 - index * real)) }, (_, i) => index * real + i);
      return { items, total: 95 };
    };
    const all = await collectAll(capped, { pageSize: 50 });
    assert.deepStrictEqual(all, Array.from({ length: 95 }, (_, i) => i));
    assert.deepStrictEqual(asked, [50, 20, 20, 20, 20]);
  });

  it('drops duplicates by key when items shift between pages', async () => {
    const fetch: PageFetcher<{ id: number }> = async (index) => ({
      items: index === 0 ? [{ id: 1 }, { id: 2 }] : [{ id: 2 }, { id: 3 }],
      total: 4,
    });
    const all = await collectAll(fetch, { pageSize: 2, key: (x) => x.id });
    assert.deepStrictEqual(all.map((x) => x.id), [1, 2, 3]);
  });

  it('stopping the loop early cancels the pages still in flight', async () => {
    const c = collection(500, { gate: (i) => (i === 0 ? Promise.resolve() : forever()) });
    for await (const p of paginate(c.fetch, { pageSize: 50, concurrency: 4 })) {
      if (p.page === 1) {
        await until('the next four pages to start', () => c.calls.length === 5);
        break;
      }
    }
    await until('the pages in flight to be cancelled', () => c.aborted.length === 4);
    assert.deepStrictEqual(c.aborted.sort(), [1, 2, 3, 4]);
    assert.deepStrictEqual(c.calls, [0, 1, 2, 3, 4], 'no page starts after the loop stopped');
  });

  it('a failing page fails the listing and cancels the others; the caller signal cancels everything', async () => {
    const failing: PageFetcher<number> = async (index, size, signal) => {
      if (index === 2) throw new Error('page 3 broke');
      // The first page answers; the others wait until they are cancelled.
      if (index !== 0) await new Promise((_r, j) => signal.addEventListener('abort', () => j(new Error('aborted'))));
      return { items: Array.from({ length: size }, (_, i) => i), total: 500 };
    };
    await assert.rejects(collectAll(failing, { pageSize: 50 }), /page 3 broke/);

    const ac = new AbortController();
    const c = collection(500, { gate: forever });
    const p = collectAll(c.fetch, { pageSize: 50, signal: ac.signal });
    await until('the first page to be asked for', () => c.calls.length === 1);
    ac.abort();
    await assert.rejects(p, /aborted/);
  });
});
