/**
 * A worker thread that works on the latest request only, shared by the render worker (the preview) and the check
 * worker (diagnostics and the client-support score). Never imports `vscode`.
 *
 * - One request runs at a time. Requests wait by key (a document, say): a newer request for a key replaces the one
 *   waiting for it, which resolves to undefined, so nothing piles up while the user types.
 * - A request running past `timeoutMs` is stopped (the worker is ended) and rejected with `timeoutError(ms)`; the
 *   next one starts a new worker. A worker that crashes fails the running request with its exit code.
 * - The worker answers `{ id, result, ms }` or `{ id, error }` to `{ id, ...payload }`.
 */
import { Worker } from 'worker_threads';

/** What a client of one of the workers is made with. */
export interface WorkerClientOptions {
  /** Path of the worker bundle (dist/render-worker.js, dist/check-worker.js). */
  script: string;
  /** A request taking longer is stopped and reported (default 15 s). */
  timeoutMs?: number;
  /** Node options for the worker (tests load TypeScript sources with `--require tsx/cjs`). */
  execArgv?: string[];
}

export interface LatestWorkerOptions extends WorkerClientOptions {
  /** What the worker is called in errors ("the render worker stopped (exit code 3)"). */
  name: string;
  /** The error a request stopped by the time limit is rejected with. */
  timeoutError?: (timeoutMs: number) => Error;
}

export type WorkerAnswer<R> = { id: number; result: R; ms: number } | { id: number; error: string };

interface Waiting<P, R> {
  id: number;
  key: string;
  payload: P;
  resolve: (r: { result: R; ms: number } | undefined) => void;
  reject: (e: Error) => void;
}

/** "15 s", or "300 ms" under a second. */
export function durationText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export class LatestWorker<P extends object, R> {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: (Waiting<P, R> & { timer: ReturnType<typeof setTimeout> }) | undefined;
  private readonly waiting = new Map<string, Waiting<P, R>>();
  private disposed = false;

  constructor(private readonly opts: LatestWorkerOptions) {}

  /** Runs `payload` in the worker; resolves to undefined when a newer request for `key` overtook it, or on stop(). */
  run(key: string, payload: P): Promise<{ result: R; ms: number } | undefined> {
    if (this.disposed) return Promise.reject(new Error(`the ${this.opts.name} was closed`));
    return new Promise((resolve, reject) => {
      this.waiting.get(key)?.resolve(undefined);
      this.waiting.delete(key);
      this.waiting.set(key, { id: this.nextId++, key, payload, resolve, reject });
      this.pump();
    });
  }

  /** Runs `payload` only when the worker is idle (starting it if needed): a warm-up never delays real work. */
  warm(key: string, payload: P): void {
    if (this.disposed || this.running || this.waiting.size) return;
    this.waiting.set(key, { id: this.nextId++, key, payload, resolve: () => undefined, reject: () => undefined });
    this.pump();
  }

  /** True while the worker runs: started by a request, ended by stop(), a time limit or a crash. */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** True while a request runs or waits. */
  get busy(): boolean {
    return this.running !== undefined || this.waiting.size > 0;
  }

  private pump(): void {
    if (this.running) return;
    const next = this.waiting.values().next();
    if (next.done) return;
    const w = next.value;
    this.waiting.delete(w.key);
    const worker = this.ensureWorker();
    const timeoutMs = this.opts.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      this.fail(this.opts.timeoutError?.(timeoutMs) ?? new Error(`the ${this.opts.name} took over ${durationText(timeoutMs)} and was stopped`));
    }, timeoutMs);
    this.running = { ...w, timer };
    worker.postMessage({ id: w.id, ...w.payload });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.opts.script, { execArgv: this.opts.execArgv });
    w.on('message', (answer: WorkerAnswer<R>) => {
      const r = this.running;
      if (!r || r.id !== answer.id) return;
      clearTimeout(r.timer);
      this.running = undefined;
      if ('error' in answer) r.reject(new Error(answer.error.split('\n')[0]));
      else r.resolve({ result: answer.result, ms: answer.ms });
      this.pump();
    });
    w.on('error', (e) => {
      if (this.worker === w) this.fail(e instanceof Error ? e : new Error(String(e)));
    });
    w.on('exit', (code) => {
      if (this.worker === w) {
        this.worker = undefined;
        if (this.running) this.fail(new Error(`the ${this.opts.name} stopped (exit code ${code})`));
      }
    });
    w.unref();
    this.worker = w;
    return w;
  }

  /** Fails the running request and ends the worker; the next request starts a new one. */
  private fail(e: Error): void {
    const r = this.running;
    this.running = undefined;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    if (r) {
      clearTimeout(r.timer);
      r.reject(e);
    }
    this.pump();
  }

  /** Ends the worker (freeing its memory) and drops every request; a later request starts a new worker. */
  stop(): void {
    for (const w of this.waiting.values()) w.resolve(undefined);
    this.waiting.clear();
    if (this.running) {
      clearTimeout(this.running.timer);
      this.running.resolve(undefined);
      this.running = undefined;
    }
    void this.worker?.terminate();
    this.worker = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}

/** The worker side: answers each `{ id, ...payload }` with `handle(payload)` or the error it throws. */
export function serveLatest<P, R>(port: import('worker_threads').MessagePort | null, handle: (payload: P) => R): void {
  if (!port) throw new Error('this script runs as a worker thread only');
  port.on('message', (req: P & { id: number }) => {
    let answer: WorkerAnswer<R>;
    try {
      const started = performance.now();
      const result = handle(req);
      answer = { id: req.id, result, ms: performance.now() - started };
    } catch (e) {
      answer = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(answer);
  });
}
