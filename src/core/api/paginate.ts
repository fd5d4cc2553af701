/**
 * Lists a whole collection page by page. The first page says how big the collection is
 * (`metadata.total`); the rest are then fetched concurrently (the client's limiter keeps the account
 * under its limits) and handed out as they arrive, so a tree can show the first page before the last
 * one is in. Without a total, pages are fetched one after another until a short page.
 *
 * Listing always ends: a page holding the same items as the one before (a server that ignores the page
 * number) or more than `maxPages` pages end it with a badResponse error saying so.
 */
import { OngageError } from './errors';
import { Page } from './types';

/** Most pages one listing fetches (1,000,000 items at the whole-library page size). */
export const MAX_PAGES = 10_000;

export interface PageResult<T> {
  items: T[];
  total?: number;
}

/** Fetches one page; `index` counts from 0. */
export type PageFetcher<T> = (index: number, pageSize: number, signal: AbortSignal) => Promise<PageResult<T>>;

export interface PaginateOptions<T> {
  pageSize: number;
  /** Pages fetched at once after the first. Default 10 (Ongage's in-flight limit). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called with every page as it arrives (in arrival order), before the iterator yields it. */
  onPage?: (page: Page<T>) => void;
  /** How `Page.page` is numbered: 'page' = 1-based page number, 'offset' = item offset. Default 'page'. */
  numbering?: 'page' | 'offset';
  /** An item's identity (repeated pages are recognised by it). Default: the item's JSON. */
  key?: (item: T) => unknown;
  /** Most pages fetched before the listing fails. Default MAX_PAGES. */
  maxPages?: number;
  /** What is listed, for messages (e.g. "the email library"). */
  what?: string;
}

/** Yields pages in the order they arrive. Stopping the loop early cancels the pages still in flight. */
export async function* paginate<T>(fetchPage: PageFetcher<T>, opts: PaginateOptions<T>): AsyncGenerator<Page<T>> {
  let pageSize = Math.max(1, Math.floor(opts.pageSize));
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 10));
  const maxPages = Math.max(1, Math.floor(opts.maxPages ?? MAX_PAGES));
  const what = opts.what ?? 'the collection';
  const keyOf = opts.key ?? ((item: T): unknown => JSON.stringify(item));
  const inner = new AbortController();
  const onOuterAbort = (): void => inner.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const label = (index: number): number => (opts.numbering === 'offset' ? index * pageSize : index + 1);
  const toPage = (index: number, r: PageResult<T>): Page<T> => {
    const page: Page<T> = { items: r.items, total: r.total, page: label(index), pageSize };
    opts.onPage?.(page);
    return page;
  };

  const running = new Map<number, Promise<{ index: number; result: PageResult<T> }>>();
  try {
    const first = await fetchPage(0, pageSize, inner.signal);
    if (first.total === undefined) {
      yield toPage(0, first);
      // No total: walk on until a short page (or a repeated one: a server that ignores the page number).
      let last = first;
      for (let index = 1; last.items.length >= pageSize; index++) {
        if (index >= maxPages) throw tooManyPages(what, maxPages, pageSize);
        const prev = last;
        last = await fetchPage(index, pageSize, inner.signal);
        if (last.items.length === 0) break;
        if (samePage(prev.items, last.items, keyOf)) {
          throw new OngageError({
            kind: 'badResponse',
            message: `Listing ${what} stopped: page ${index + 1} came back with the same items as page ${index}, so the server seems to ignore the page number. Check the API address (expected https://api.ongage.net); a proxy may be in the way.`,
          });
        }
        yield toPage(index, last);
      }
      return;
    }
    let total = first.total;
    // A server that silently caps the page size answers a short first page although more items exist:
    // page by its size instead, or every page would skip items.
    if (first.items.length > 0 && first.items.length < pageSize && total > first.items.length) pageSize = first.items.length;
    let next = 1;
    const pagesFor = (t: number): number => {
      const n = Math.ceil(t / pageSize);
      if (n > maxPages) throw tooManyPages(what, maxPages, pageSize);
      return n;
    };
    const start = (index: number): void => {
      running.set(
        index,
        fetchPage(index, pageSize, inner.signal).then((result) => ({ index, result })),
      );
    };
    // The next pages are on their way while the caller handles the first.
    while (running.size < concurrency && next < pagesFor(total)) start(next++);
    yield toPage(0, first);
    while (true) {
      while (running.size < concurrency && next < pagesFor(total)) start(next++);
      if (running.size === 0) break;
      const { index, result } = await Promise.race(running.values());
      running.delete(index);
      // The collection may have grown while we were listing: fetch the pages it grew by.
      if (result.total !== undefined && result.total > total) total = result.total;
      if (result.items.length > 0) yield toPage(index, result);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
    if (running.size > 0) {
      inner.abort();
      for (const p of running.values()) p.catch(() => undefined);
    }
  }
}

function samePage<T>(a: readonly T[], b: readonly T[], keyOf: (item: T) => unknown): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  return a.every((item, i) => keyOf(item) === keyOf(b[i]));
}

function tooManyPages(what: string, maxPages: number, pageSize: number): OngageError {
  return new OngageError({
    kind: 'badResponse',
    message: `Listing ${what} stopped after ${maxPages} pages of ${pageSize} (the most one listing reads): the server kept sending more. Check the API address; for a library this large, list a folder at a time.`,
  });
}

/** Every item of the collection, in collection order (pages are re-ordered; items seen twice are kept once by `key`). */
export async function collectAll<T>(
  fetchPage: PageFetcher<T>,
  opts: PaginateOptions<T>,
): Promise<T[]> {
  const pages: Page<T>[] = [];
  for await (const p of paginate(fetchPage, opts)) pages.push(p);
  pages.sort((a, b) => a.page - b.page);
  const out: T[] = [];
  const seen = new Set<unknown>();
  for (const p of pages) {
    for (const item of p.items) {
      if (opts.key) {
        const k = opts.key(item);
        if (seen.has(k)) continue;
        seen.add(k);
      }
      out.push(item);
    }
  }
  return out;
}
