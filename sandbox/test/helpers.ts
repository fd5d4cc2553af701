/** Test helpers: plain fetch against a running sandbox over loopback. */
import { RunningSandbox, SandboxOptions, startSandbox } from '../server';

export interface Answer {
  status: number;
  headers: Headers;
  body: {
    metadata: { error: boolean; total?: string };
    payload: any;
  };
}

export class Client {
  constructor(
    readonly sb: RunningSandbox,
    private readonly headers: Record<string, string> = sb.authHeaders,
  ) {}

  async call(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(this.sb.url + path, {
      method,
      headers: { ...this.headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }
  get(path: string): Promise<Answer> {
    return this.call('GET', path);
  }
  post(path: string, body: unknown): Promise<Answer> {
    return this.call('POST', path, body);
  }
  put(path: string, body: unknown): Promise<Answer> {
    return this.call('PUT', path, body);
  }
  del(path: string): Promise<Answer> {
    return this.call('DELETE', path);
  }
}

/** Raw JSON from a control endpoint. */
export async function control(sb: RunningSandbox, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  // The control API takes JSON on its POSTs (a body-less POST sends {}).
  const json = body !== undefined || method === 'POST' || method === 'PUT';
  const res = await fetch(sb.url + path, {
    method,
    headers: { ...(json ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
    body: json ? JSON.stringify(body ?? {}) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

/** Starts a sandbox for a describe block; `ctx.sb`/`ctx.api` are set in before(). */
export function useSandbox(opts: SandboxOptions = {}): { sb: RunningSandbox; api: Client } {
  const ctx = {} as { sb: RunningSandbox; api: Client };
  before(async () => {
    ctx.sb = await startSandbox(opts);
    ctx.api = new Client(ctx.sb);
  });
  after(async () => {
    await ctx.sb?.close();
  });
  return ctx;
}

export function expectError(a: Answer, status: number): { code: number; message: string; errors: unknown } {
  if (a.status !== status) throw new Error(`expected HTTP ${status}, got ${a.status}: ${JSON.stringify(a.body)}`);
  if (a.body.metadata.error !== true) throw new Error(`expected metadata.error true: ${JSON.stringify(a.body)}`);
  if (a.body.payload.code !== status) throw new Error(`expected payload.code ${status}: ${JSON.stringify(a.body)}`);
  return a.body.payload;
}
