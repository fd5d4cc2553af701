/**
 * Saving one library email (src/core/library/save.ts: read the remote, compare, PUT the changed fields) against
 * the sandbox with 100 ms added to every call, as Ctrl+S on an `ongage:` document does (`npm run bench -- save`).
 * Goal: one read + one write, ≤ 250 ms. The median of 7 saves (each a different edit) is reported, with the calls
 * one save made.
 */
import type { Report } from './run';
import { startSandbox } from '../sandbox/server';
import { OngageClient } from '../src/core/api';
import { partsHash, partsOf } from '../src/core/library/parts';
import { saveItem, SaveBase } from '../src/core/library/save';

export default async function (report: Report): Promise<void> {
  const sb = await startSandbox({ port: 0, latencyMs: 100 });
  const client = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials });
  try {
    const listId = sb.ids.lists.newsletter;
    const id = sb.ids.emails.birthday;
    const e = await client.getEmail(id, { listId });
    let base: SaveBase = { id, listId, modified: e.modified, hash: partsHash(partsOf(e)), parts: partsOf(e) };
    const times: number[] = [];
    let calls = 0;
    for (let i = 0; i < 7; i++) {
      const next = { ...base.parts, html: `${base.parts.html}\n<!-- edit ${i} -->` };
      const before = (sb.stats() as { requests: number }).requests;
      const t0 = performance.now();
      const out = await saveItem(client, base, next, { only: ['html'] });
      times.push(performance.now() - t0);
      calls = (sb.stats() as { requests: number }).requests - before;
      if (out.kind !== 'saved') throw new Error(`save ${i}: ${out.kind}`);
      base = { id, listId, modified: out.email.modified, hash: partsHash(out.parts), parts: out.parts };
    }
    times.sort((a, b) => a - b);
    report('save_roundtrip_ms', Math.round(times[3]), 'ms');
    report('save_roundtrip_calls', calls, 'calls');
  } finally {
    client.dispose();
    await sb.close();
  }
}
