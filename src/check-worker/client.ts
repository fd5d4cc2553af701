/**
 * The host side of the check worker: the editor's diagnostics and the preview's client-support score are computed
 * there, off the extension host's thread, for the latest text of each document only (src/workers/latest.ts).
 * Never imports `vscode`.
 */
import type { Diagnostic } from '../core/language/lint';
import type { SupportScore } from '../core/language/client-support';
import { durationText, LatestWorker, type WorkerClientOptions } from '../workers/latest';
import type { CheckPayload, CheckResult, WorkerLintOptions } from './protocol';

export type CheckClientOptions = WorkerClientOptions;

export class CheckClient {
  private readonly worker: LatestWorker<CheckPayload, CheckResult>;

  constructor(opts: CheckClientOptions) {
    this.worker = new LatestWorker({
      ...opts,
      name: 'check worker',
      timeoutError: (ms) => new Error(`checking took over ${durationText(ms)} and was stopped; the next change to the document checks it again`),
    });
  }

  /**
   * The diagnostics of `text`, or undefined when a newer request for the same document (`key`) overtook this one.
   */
  async lint(key: string, text: string, options: WorkerLintOptions): Promise<{ diagnostics: Diagnostic[]; ms: number } | undefined> {
    const r = await this.worker.run(`lint ${key}`, { op: 'lint', text, options });
    return r && 'diagnostics' in r.result ? { diagnostics: r.result.diagnostics, ms: r.ms } : undefined;
  }

  /** The client-support score of an HTML body (the target `clients`, the defaults when absent), latest per `key`. */
  async support(key: string, text: string, clients?: string[]): Promise<SupportScore | undefined> {
    const r = await this.worker.run(`support ${key}`, { op: 'support', text, clients });
    return r && 'support' in r.result ? r.result.support : undefined;
  }

  dispose(): void {
    this.worker.dispose();
  }
}
