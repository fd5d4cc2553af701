/**
 * The host side of the render worker: starts it on first use, renders the latest request only (a request overtaken
 * by a newer one resolves to undefined), restarts it after a crash, and stops a render that runs past `timeoutMs`
 * so a pathological email cannot wedge the preview (src/workers/latest.ts). Never imports `vscode`.
 */
import type { RenderInput, RenderOptions, RenderResult } from '../core/render/types';
import { durationText, LatestWorker, type WorkerClientOptions } from '../workers/latest';
import type { RenderPayload } from './protocol';

export type RenderClientOptions = WorkerClientOptions;

export class RenderTimeoutError extends Error {}

export class RenderClient {
  private readonly worker: LatestWorker<RenderPayload, RenderResult>;

  constructor(opts: RenderClientOptions) {
    this.worker = new LatestWorker({
      ...opts,
      name: 'render worker',
      timeoutError: (ms) => new RenderTimeoutError(`rendering took over ${durationText(ms)} and was stopped; the next change to the email renders it again`),
    });
  }

  /**
   * Renders in the worker. While one render runs, a newer request waits, and an older waiting one is dropped
   * (it resolves to undefined): the latest text always wins and nothing piles up while the user types.
   */
  render(input: RenderInput, options: RenderOptions): Promise<{ result: RenderResult; ms: number } | undefined> {
    return this.worker.run('render', { input, options });
  }

  /** True while the worker runs: started by a render or by warm(), ended by stop(). */
  get started(): boolean {
    return this.worker.started;
  }

  /**
   * Starts the worker and has it inline `input` ahead of time (the worker keeps the last inlined templates), so
   * the first preview of an email answers from a loaded renderer and a filled cache. Only when idle: a warm-up
   * never delays or displaces a render.
   */
  warm(input: RenderInput): void {
    this.worker.warm('render', { input, options: { values: {} } });
  }

  /** Ends the worker (freeing its memory) and drops pending renders; a later render starts a new worker. */
  stop(): void {
    this.worker.stop();
  }

  dispose(): void {
    this.worker.dispose();
  }
}
