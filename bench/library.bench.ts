/**
 * The Library view's load of a 5,000-item library from the sandbox with 100 ms added latency:
 * time from "view opened" to the top level shown, and to the whole tree in the model.
 * Goals: ≤ 300 ms and ≤ 1.5 s.
 */
import { OngageClient } from '../src/core/api';
import { ROOT } from '../src/core/library/model';
import { LibraryService } from '../src/core/library/service';
import { startSandbox } from '../sandbox/server';
import type { Report } from './run';

export default async function (report: Report): Promise<void> {
  const sb = await startSandbox({ port: 0, large: 5000, latencyMs: 100 });
  try {
    const runs: { first: number; full: number; items: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const client = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials });
      const lib = new LibraryService(client, sb.ids.lists.newsletter);
      const t0 = performance.now();
      let first = 0;
      const full = new Promise<void>((resolve, reject) =>
        lib.onEvent((e) => {
          if (e.type === 'loading' && !e.loading) resolve();
          if (e.type === 'error') reject(e.error);
        }),
      );
      await lib.loadTop();
      first = performance.now() - t0;
      if (lib.model.childrenOf(ROOT).length === 0) throw new Error('the top level came back empty');
      await full;
      runs.push({ first, full: performance.now() - t0, items: lib.model.size });
      lib.dispose();
      client.dispose();
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    report('library_items', runs[0].items, 'items');
    report('library_first_level_ms', median(runs.map((r) => r.first)), 'ms');
    report('library_full_tree_ms', median(runs.map((r) => r.full)), 'ms');
  } finally {
    await sb.close();
  }
}
