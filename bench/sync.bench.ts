/**
 * Pulling and listing a 5,000-item library from the sandbox with 100 ms added latency, each side by side with the
 * folder-by-folder walk it replaces (one listing per folder, sub-folders fetched ahead, as `ongage-studio ls` did):
 * - `pull_5000_s`: `pullToFolder` into an empty folder (listing, files, base copies, manifest); goal ≤ 1.5 s;
 * - `ls_5000_s`: `ongage-studio ls` in-process (output discarded); the request counts of each beside them.
 * Medians of 3 runs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startSandbox } from '../sandbox/server';
import { run } from '../src/cli/program';
import { OngageClient } from '../src/core/api';
import type { Email } from '../src/core/api/types';
import { partsOf } from '../src/core/library/parts';
import { inSlices, joinRel, NameRegistry, partFiles, writeParts } from '../src/core/sync';
import type { Report } from './run';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The old way: each folder's items listed (pages of 100) once the folder is known; sub-folders fetched ahead. */
async function walkFolderByFolder(client: OngageClient, listId: number): Promise<Array<{ e: Email; dir: string }>> {
  const loads = new Map<number, Promise<Email[]>>();
  const children = (parentId: number): Promise<Email[]> => {
    let p = loads.get(parentId);
    if (!p) {
      p = (async () => {
        const out: Email[] = [];
        for await (const page of client.iterateEmails({ parentId, listId }, { listId, pageSize: 100 })) out.push(...page.items.filter((e) => e.parentId === parentId));
        return out;
      })();
      loads.set(parentId, p);
    }
    return p;
  };
  const names = new NameRegistry();
  const items: Array<{ e: Email; dir: string }> = [];
  const walk = async (parentId: number, dir: string): Promise<void> => {
    const kids = await children(parentId);
    for (const k of kids) if (k.type === 'folder') void children(k.id);
    for (const k of kids) {
      if (k.type === 'folder') await walk(k.id, joinRel(dir, names.claimFolder(dir, k.name, k.id)));
      else items.push({ e: k, dir });
    }
  };
  await walk(0, '');
  return items;
}

/**
 * Each measured run gets a sandbox of its own (a new address): the client's per-account limiter (300 calls a minute,
 * shared in the process) and the sandbox's rate windows start empty, as for a user's fresh command.
 */
async function measure(fn: (sb: Awaited<ReturnType<typeof startSandbox>>, client: OngageClient) => Promise<void>): Promise<{ ms: number; requests: number }> {
  const sb = await startSandbox({ port: 0, large: 5000, latencyMs: 100 });
  const client = new OngageClient({ baseUrl: sb.url, credentials: sb.credentials, listId: sb.ids.lists.newsletter });
  try {
    const before = sb.stats().requests;
    const t0 = performance.now();
    await fn(sb, client);
    return { ms: performance.now() - t0, requests: sb.stats().requests - before };
  } finally {
    client.dispose();
    await sb.close();
  }
}

export default async function (report: Report): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-sync-bench-'));
  try {
    const { pullToFolder } = await import('../src/core/sync');
    const runs = { pull: [] as Array<{ ms: number; requests: number }>, pullWalk: [] as Array<{ ms: number; requests: number }>, ls: [] as Array<{ ms: number; requests: number }>, lsWalk: [] as Array<{ ms: number; requests: number }> };
    let items = 0;
    const io = { out: { write() {} }, err: { write() {} }, env: {}, cwd: tmp };
    for (let i = 0; i < 3; i++) {
      runs.pull.push(
        await measure(async (sb, c) => {
          const r = await pullToFolder({ client: c, dir: path.join(tmp, `pull-${i}`), listId: sb.ids.lists.newsletter, connectionName: 'sandbox' });
          items = r.manifest.items.length;
        }),
      );
      runs.pullWalk.push(
        await measure(async (sb, c) => {
          const dir = path.join(tmp, `walk-${i}`);
          const found = await walkFolderByFolder(c, sb.ids.lists.newsletter);
          const names = new NameRegistry();
          for (const d of new Set(found.map((f) => path.join(dir, ...f.dir.split('/').filter(Boolean))))) fs.mkdirSync(d, { recursive: true });
          await inSlices(found, ({ e, dir: d }) => writeParts(dir, partFiles(d, names.claimItem(d, e.name, e.id)), partsOf(e)));
        }),
      );
      runs.ls.push(
        await measure(async (sb) => {
          const code = await run(['ls', '--sandbox', sb.url, '--list', String(sb.ids.lists.newsletter)], io);
          if (code !== 0) throw new Error(`ls exited ${code}`);
        }),
      );
      runs.lsWalk.push(await measure(async (sb, c) => void (await walkFolderByFolder(c, sb.ids.lists.newsletter))));
    }
    const s = (xs: Array<{ ms: number }>) => median(xs.map((x) => x.ms)) / 1000;
    const n = (xs: Array<{ requests: number }>) => median(xs.map((x) => x.requests));
    report('pull_5000_items', items, 'items');
    report('pull_5000_s', s(runs.pull), 's');
    report('pull_5000_folder_by_folder_s', s(runs.pullWalk), 's');
    report('pull_5000_requests', n(runs.pull), 'requests');
    report('pull_5000_folder_by_folder_requests', n(runs.pullWalk), 'requests');
    report('ls_5000_s', s(runs.ls), 's');
    report('ls_5000_folder_by_folder_s', s(runs.lsWalk), 's');
    report('ls_5000_requests', n(runs.ls), 'requests');
    report('ls_5000_folder_by_folder_requests', n(runs.lsWalk), 'requests');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
