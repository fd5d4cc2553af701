/**
 * The host side of the render worker: starts it on first use, sends one request at a time and answers only the
 * latest (a request overtaken by a newer one resolves to undefined), restarts it after a crash, and stops a
 * render that runs past `timeoutMs` so a pathological email cannot wedge the preview. Never imports `vscode`.
 */
import { Worker } from 'worker_threads';
import type { RenderInput, RenderOptions, RenderResult } from '../core/render/types';
import type { RenderReply, RenderRequest } from './protocol';

export interface RenderClientOptions {
  /** Path of the worker bundle (dist/render-worker.js). */
  script: string;
  /** A render taking longer is stopped and reported (default 15 s). */
  timeoutMs?: number;
  /** Node options for the worker (tests load TypeScript sources with `--require tsx/cjs`). */
  execArgv?: string[];
}

export class RenderTimeoutError extends Error {}

interface Pending {
  id: number;
  resolve: (r: { result: RenderResult; ms: number } | undefined) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RenderClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private running: Pending | undefined;
  private queued: { req: RenderRequest; pending: Omit<Pending, 'timer'> } | undefined;
  private disposed = false;

  constructor(private readonly opts: RenderClientOptions) {}

  /**
   * Renders in the worker. While one render runs, a newer request waits, and an older waiting one is dropped
   * (it resolves to undefined): the latest text always wins and nothing piles up while the user types.
   */
  render(input: RenderInput, options: RenderOptions): Promise<{ result: RenderResult; ms: number } | undefined> {
    if (this.disposed) return Promise.reject(new Error('the preview was closed'));
    const req: RenderRequest = { id: this.nextId++, input, options };
    return new Promise((resolve, reject) => {
      if (this.queued) this.queued.pending.resolve(undefined);
      this.queued = { req, pending: { id: req.id, resolve, reject } };
      this.pump();
    });
  }

  /** True while the worker runs: started by a render or by warm(), ended by stop(). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Starts the worker and has it inline `input` ahead of time (the worker keeps the last inlined templates), so
   * the first preview of an email answers from a loaded renderer and a filled cache. Only when idle: a warm-up
   * never delays or displaces a render.
   */
  warm(input: RenderInput): void {
    if (this.disposed || this.running || this.queued) return;
    const req: RenderRequest = { id: this.nextId++, input, options: { values: {} } };
    this.queued = { req, pending: { id: req.id, resolve: () => undefined, reject: () => undefined } };
    this.pump();
  }

  private pump(): void {
    if (this.running || !this.queued) return;
    const { req, pending } = this.queued;
    this.queued = undefined;
    const worker = this.ensureWorker();
    const timeoutMs = this.opts.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      this.fail(new RenderTimeoutError(`rendering took over ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped; the next change to the email renders it again`));
    }, timeoutMs);
    this.running = { ...pending, timer };
    worker.postMessage(req);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.opts.script, { execArgv: this.opts.execArgv });
    w.on('message', (reply: RenderReply) => {
      const r = this.running;
      if (!r || r.id !== reply.id) return;
      clearTimeout(r.timer);
      this.running = undefined;
      if ('error' in reply) r.reject(new Error(reply.error.split('\n')[0]));
      else r.resolve({ result: reply.result, ms: reply.ms });
      this.pump();
    });
    w.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    w.on('exit', (code) => {
      if (this.worker === w) {
        this.worker = undefined;
        if (this.running) this.fail(new Error(`the render worker stopped (exit code ${code})`));
      }
    });
    w.unref();
    this.worker = w;
    return w;
  }

  /** Fails the running render and restarts the worker for the next one. */
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

  /** Ends the worker (freeing its memory) and drops pending renders; a later render starts a new worker. */
  stop(): void {
    this.queued?.pending.resolve(undefined);
    this.queued = undefined;
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
