import * as assert from 'assert';
import { collectAll, paginate, PageFetcher } from '../../../src/core/api/paginate';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A collection of `n` numbered items served by pages, with a per-page delay chosen by the test. */
function collection(n: number, opts: { total?: boolean; delay?: (index: number) => number } = {}) {
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
          clearTimeout(t);
          aborted.push(index);
          rej(new Error('aborted'));
        };
        const t = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          res();
        }, opts.delay?.(index) ?? 1);
        signal.addEventListener('abort', onAbort);
      });
    } finally {
      inFlight--;
    }
    const items = Array.from({ length: Math.max(0, Math.min(size, n - index * size)) }, (_, i) => index * size + i);
    return { items, total: opts.total === false ? undefined : n };
  };
  return { fetch, calls, aborted, get maxInFlight() { return maxInFlight; } };
}

describe('api/paginate', () => {
  it('collects every item in order, fetching the rest concurrently once the total is known', async () => {
    const c = collection(1000, { delay: (i) => (i % 3) * 3 });
    const all = await collectAll(c.fetch, { pageSize: 50, concurrency: 10 });
    assert.deepStrictEqual(all, Array.from({ length: 1000 }, (_, i) => i));
    assert.strictEqual(c.calls.length, 20);
    assert.strictEqual(c.maxInFlight, 10);
  });

  it('streams pages in arrival order: the first page before the slow last one', async () => {
    const c = collection(200, { delay: (i) => (i === 3 ? 60 : 1) });
    const order: number[] = [];
    const seen: number[] = [];
    for await (const p of paginate(c.fetch, { pageSize: 50, onPage: (pg) => seen.push(pg.page) })) order.push(p.page);
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
    const c = collection(500, { delay: (i) => (i === 0 ? 1 : 200) });
    for await (const p of paginate(c.fetch, { pageSize: 50, concurrency: 4 })) {
      if (p.page === 1) {
        await tick(5); // let the next pages start
        break;
      }
    }
    await tick(5);
    assert.deepStrictEqual(c.aborted.sort(), [1, 2, 3, 4]);
  });

  it('a failing page fails the listing and cancels the others; the caller signal cancels everything', async () => {
    const failing: PageFetcher<number> = async (index, size, signal) => {
      if (index === 2) throw new Error('page 3 broke');
      await new Promise((r, j) => {
        const t = setTimeout(r, index === 0 ? 1 : 30);
        signal.addEventListener('abort', () => (clearTimeout(t), j(new Error('aborted'))));
      });
      return { items: Array.from({ length: size }, (_, i) => i), total: 500 };
    };
    await assert.rejects(collectAll(failing, { pageSize: 50 }), /page 3 broke/);

    const ac = new AbortController();
    const c = collection(500, { delay: () => 50 });
    const p = collectAll(c.fetch, { pageSize: 50, signal: ac.signal });
    await tick(10);
    ac.abort();
    await assert.rejects(p, /aborted/);
  });
});
