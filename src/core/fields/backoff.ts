/**
 * Remembered failures with a back-off, per key (a connection's list, say): after a failed fetch, asking again at
 * once (on every keystroke, every lint pass) waits until the back-off has passed, and only the first failure of a
 * run is news. Editor-free, with an injectable clock.
 */

export interface BackoffOptions {
  /** Wait after the first failure. Default 30 s; doubles with every failure after it. */
  firstMs?: number;
  /** Longest wait. Default 10 min. */
  maxMs?: number;
  /** Milliseconds now (tests pass a fake clock). Default Date.now. */
  now?: () => number;
}

export interface RememberedFailure {
  error: unknown;
  /** Failures in a row (1 for the first). */
  attempts: number;
  /** When the last one happened, and when the next attempt may go (clock ms). */
  at: number;
  retryAt: number;
}

export class FailureBackoff {
  private readonly failures = new Map<string, RememberedFailure>();
  private readonly firstMs: number;
  private readonly maxMs: number;
  readonly now: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.firstMs = opts.firstMs ?? 30_000;
    this.maxMs = opts.maxMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether a call for `key` may go now: no failure remembered, or its back-off has passed. */
  mayTry(key: string): boolean {
    const f = this.failures.get(key);
    return !f || this.now() >= f.retryAt;
  }

  /** The failure remembered for `key`, if any. */
  get(key: string): RememberedFailure | undefined {
    return this.failures.get(key);
  }

  /** Records a failure; the next attempt waits firstMs·2ⁿ (at most maxMs). `attempts === 1` is a new run. */
  failed(key: string, error: unknown): RememberedFailure {
    const attempts = (this.failures.get(key)?.attempts ?? 0) + 1;
    const at = this.now();
    const wait = Math.min(this.maxMs, this.firstMs * 2 ** (attempts - 1));
    const f = { error, attempts, at, retryAt: at + wait };
    this.failures.set(key, f);
    return f;
  }

  /** Forgets the failure of `key` after a success; true when one was remembered. */
  succeeded(key: string): boolean {
    return this.failures.delete(key);
  }

  /** Forgets failures (all, or those whose key starts with `prefix`), so the next call tries at once. */
  forget(prefix?: string): void {
    for (const k of [...this.failures.keys()]) if (prefix === undefined || k.startsWith(prefix)) this.failures.delete(k);
  }
}
