/**
 * A tiny scriptable HTTP server on 127.0.0.1:0 for the client's unit tests: each request is recorded and
 * answered by the test's handler (a JSON envelope, a raw body, a reset connection, or no answer at all).
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface Seen {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  n: number;
}

export type Answer =
  | { status?: number; json?: unknown; raw?: string; headers?: Record<string, string>; delayMs?: number }
  | 'reset'
  | 'hang';

export interface FakeServer {
  url: string;
  seen: Seen[];
  inFlight: number;
  maxInFlight: number;
  handle: (req: Seen) => Answer | Promise<Answer>;
  close(): Promise<void>;
}

export function ok(payload: unknown, metadata: Record<string, unknown> = {}): Answer {
  return { status: 200, json: { metadata: { error: false, ...metadata }, payload } };
}

export function fail(status: number, message: string, errors: unknown = [], headers?: Record<string, string>): Answer {
  return { status, json: { metadata: { error: true }, payload: { code: status, message, errors } }, headers };
}

export async function startFakeServer(handle: FakeServer['handle'] = () => ok({})): Promise<FakeServer> {
  const hanging = new Set<http.ServerResponse>();
  const fake: FakeServer = {
    url: '',
    seen: [],
    inFlight: 0,
    maxInFlight: 0,
    handle,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      fake.inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      const text = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://x');
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        n: fake.seen.length + 1,
      };
      fake.seen.push(seen);
      let a: Answer;
      try {
        a = await fake.handle(seen);
      } catch (e) {
        a = { status: 599, raw: String(e) };
      }
      if (a === 'reset') {
        fake.inFlight--;
        req.socket.destroy();
        return;
      }
      if (a === 'hang') {
        hanging.add(res);
        res.on('close', () => {
          fake.inFlight--;
          hanging.delete(res);
        });
        return;
      }
      const ans = a;
      const send = (): void => {
        fake.inFlight--;
        const body = ans.raw ?? JSON.stringify(ans.json ?? {});
        res.writeHead(ans.status ?? 200, { 'Content-Type': ans.raw ? 'text/html' : 'application/json', ...(ans.headers ?? {}) });
        res.end(body);
      };
      if (ans.delayMs) setTimeout(send, ans.delayMs);
      else send();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A logger that keeps every line, for scanning. */
export function recordingLogger(): { lines: string[]; logger: import('../../../src/core/log').Logger } {
  const lines: string[] = [];
  const rec = (level: string) => (m: unknown, ...args: unknown[]) => {
    lines.push(`${level} ${m instanceof Error ? `${m.message}\n${m.stack}` : String(m)} ${args.map((a) => JSON.stringify(a)).join(' ')}`);
  };
  return {
    lines,
    logger: { trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') },
  };
}
