/**
 * Figures for the Ongage API client against the sandbox over loopback (no assertions; `npm run bench`).
 *
 * 1. Listing a 5,000-item library with 100 ms added per call: a naive sequential pager (page after page)
 *    against this client (first page, then the rest concurrently within 10 in flight). Goal ≤ 1.5 s; the
 *    floor at 10 in flight is about 1.0 s. The main figure runs the sandbox in its own process, as a real
 *    server is; a second figure keeps it in this process, where its JSON work (about 17 MB) and the
 *    client's share one event loop.
 * 2. Bulk update of 600 items at the account's default ceiling of 300 calls per rolling minute (sandbox
 *    and client alike), so the run must cross a window: 429s seen (goal 0) and how close the client runs
 *    to the ceiling, as a share of it (goal ≥ 95 %):
 *    - "busiest minute": the most calls that started within any 60 s, over the ceiling (100 % = the whole
 *      allowance used, never more);
 *    - "steady rate": 60 s over the time from the first call to the first call past the allowance
 *      (the (ceiling+1)-th); 100 % means the client resumed the instant the window allowed it.
 *    This part takes a little over a minute; BENCH_QUICK=1 skips it.
 */
import { spawn } from 'child_process';
import { childEnv } from '../scripts/child-env';
import * as diagnostics from 'diagnostics_channel';
import * as path from 'path';
import type { Report } from './run';
import { startSandbox } from '../sandbox/server';
import { OngageClient } from '../src/core/api';

const CREDS = { username: 'bench@example.com', password: 'bench-pass', accountCode: 'bench' };
const LIST = 10542;

async function naiveList(url: string): Promise<number> {
  const headers = { X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode };
  let count = 0;
  for (let page = 1; ; page++) {
    const res = await fetch(`${url}/${LIST}/api/emails?page=${page}&page_size=50`, { headers });
    const body = (await res.json()) as { payload: unknown[] };
    count += body.payload.length;
    if (body.payload.length < 50) return count;
  }
}

/** A sandbox in its own process (as a real server is): its JSON work does not share the client's event loop. */
async function childSandbox(opts: Record<string, unknown>): Promise<{ url: string; stop(): Promise<void> }> {
  const script = `require(${JSON.stringify(path.join(__dirname, '..', 'sandbox', 'server.ts'))})
    .startSandbox(${JSON.stringify(opts)})
    .then((sb) => { process.stdout.write(JSON.stringify({ url: sb.url }) + '\\n'); process.on('SIGTERM', () => sb.close().then(() => process.exit(0))); });`;
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: path.join(__dirname, '..'), env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox process ended early (exit ${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function timeListing(url: string): Promise<{ naiveS: number; clientS: number; firstPageS: number; items: number }> {
  let t = performance.now();
  const naiveCount = await naiveList(url);
  const naiveS = (performance.now() - t) / 1000;
  const client = new OngageClient({ baseUrl: url, listId: LIST, credentials: CREDS });
  try {
    let firstPageS = 0;
    t = performance.now();
    const items = await client.listAllEmails(
      {},
      {
        onPage: () => {
          if (!firstPageS) firstPageS = (performance.now() - t) / 1000;
        },
      },
    );
    const clientS = (performance.now() - t) / 1000;
    if (items.length !== naiveCount) throw new Error(`the client listed ${items.length} items, the naive pager ${naiveCount}`);
    return { naiveS, clientS, firstPageS, items: items.length };
  } finally {
    client.dispose();
  }
}

async function listing(report: Report): Promise<void> {
  const opts = { large: 5000, latencyMs: 100, credentials: CREDS };
  const child = await childSandbox(opts);
  try {
    const r = await timeListing(child.url);
    // Library of r.items items, 100 ms added latency, sandbox in its own process. Goal for the client: <= 1.5 s.
    report('client_list_items', r.items, 'items');
    report('client_list_naive_pager', r.naiveS, 's');
    report('client_list', r.clientS, 's');
    report('client_list_first_page', r.firstPageS, 's');
    report('client_list_speedup', r.naiveS / r.clientS, 'x');
  } finally {
    await child.stop();
  }
  // The same in one process: the sandbox's and the client's JSON work (17 MB) share one event loop.
  const sb = await startSandbox(opts);
  try {
    const r = await timeListing(sb.url);
    // The same with the sandbox in this process (its JSON work shares the event loop with the client's).
    report('client_list_inprocess_naive_pager', r.naiveS, 's');
    report('client_list_inprocess', r.clientS, 's');
    report('client_list_inprocess_429s', sb.stats().rateLimited, 'responses');
  } finally {
    await sb.close();
  }
}

async function bulkUpdate(report: Report): Promise<void> {
  const ceiling = 300;
  const count = 600;
  const sb = await startSandbox({ large: 1000, latencyMs: 20, rateLimit: ceiling, credentials: CREDS });
  const client = new OngageClient({ baseUrl: sb.url, listId: LIST, credentials: CREDS, limits: { perWindow: ceiling } });
  // Arrival times of API calls at the sandbox (in this process), as its rate limiter sees them.
  const arrivals: number[] = [];
  const port = `:${sb.port}`;
  const onStart = (m: unknown): void => {
    const req = (m as { request: { url?: string; headers: { host?: string } } }).request;
    if (req.headers.host?.endsWith(port) && !req.url?.startsWith('/__sandbox')) arrivals.push(performance.now());
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  try {
    // The ids come from the sandbox's own state, so the run's calls are the updates alone.
    const ids = sb.store.data.emails
      .filter((e) => e.list_id === LIST && e.type === 'email_message' && !e.deleted && e.mailing_id === null)
      .map((e) => e.id)
      .slice(0, count);
    if (ids.length < count) throw new Error(`the sandbox has only ${ids.length} emails to update`);
    const t0 = performance.now();
    await Promise.all(ids.map((id, i) => client.updateEmail(id, { preheader: `Bulk ${i}` })));
    const elapsedS = (performance.now() - t0) / 1000;
    const stats = sb.stats();
    arrivals.sort((a, b) => a - b);
    let busiest = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while (arrivals[i] - arrivals[j] >= 60_000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const gapS = arrivals.length > ceiling ? (arrivals[ceiling] - arrivals[0]) / 1000 : NaN;
    // Bulk update at the account's ceiling (per minute, sandbox and client alike). Goals: 0 429s, >= 95 % of the ceiling.
    report('client_bulk_update_items', count, 'items');
    report('client_bulk_update_ceiling', ceiling, 'calls/min');
    report('client_bulk_update_elapsed', elapsedS, 's');
    report('client_bulk_update_429s', stats.rateLimited, 'responses');
    report('client_bulk_update_busiest_minute_share', (100 * busiest) / ceiling, '%');
    // Steady rate: 60 s over the time from the first call to call ceiling + 1.
    report('client_bulk_update_steady_rate_share', (100 * 60) / gapS, '%');
    report('client_bulk_update_calls_seen', stats.requests, 'calls');
  } finally {
    diagnostics.unsubscribe('http.server.request.start', onStart);
    client.dispose();
    await sb.close();
  }
}

export default async function (report: Report): Promise<void> {
  await listing(report);
  if (process.env.BENCH_QUICK !== '1') await bulkUpdate(report);
}
