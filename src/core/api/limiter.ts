/**
 * Keeps an account under Ongage's two limits: at most N calls in flight, and at most M calls in any
 * rolling window (default 10 and 300 per 60 s). Shared by every client of one account in the process
 * (see `sharedLimiter`), so two views listing at once still stay under the limit together.
 *
 * The window is counted conservatively: a call occupies the window from the moment it is admitted until
 * `windowMs` after it *finished*, so however the server stamps its arrival, the server never sees more
 * than M calls in its own window. Waiters are served first come, first served; a waiter whose signal
 * fires leaves the queue at once, and a released slot goes to the next waiter at once.
 */

export interface LimiterOptions {
  /** Calls allowed in flight at once. Default 10. */
  maxInFlight?: number;
  /** Calls allowed per window. Default 300. */
  perWindow?: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
}

export interface LimiterStats {
  inFlight: number;
  /** Calls counted in the current window (in flight + finished less than windowMs ago). */
  inWindow: number;
  waiting: number;
  maxInFlightSeen: number;
  admitted: number;
  /** ms left of a pause ordered by a 429, 0 when none. */
  pausedForMs: number;
}

/**
 * Frees the slot; calling it more than once does nothing. `pauseMs` (the call was answered 429) holds every
 * admission back for that long *before* the slot is handed on, so no waiter slips out into the same refusal.
 */
export type Release = (pauseMs?: number) => void;

interface Waiter {
  resolve(release: Release): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export const DEFAULT_LIMITS: Required<LimiterOptions> = { maxInFlight: 10, perWindow: 300, windowMs: 60_000 };

export class RateLimiter {
  private maxInFlight: number;
  private perWindow: number;
  private windowMs: number;
  private inFlight = 0;
  /** Finish times (monotonic ms) of calls still inside the window, oldest first. */
  private finished: number[] = [];
  private queue: Waiter[] = [];
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private maxInFlightSeen = 0;
  private admitted = 0;

  constructor(opts: LimiterOptions = {}, private readonly now: () => number = () => performance.now()) {
    this.maxInFlight = DEFAULT_LIMITS.maxInFlight;
    this.perWindow = DEFAULT_LIMITS.perWindow;
    this.windowMs = DEFAULT_LIMITS.windowMs;
    this.configure(opts);
  }

  /** Changes the limits; the new values apply to the next admission. */
  configure(opts: LimiterOptions): void {
    const pos = (v: number | undefined, name: string): number | undefined => {
      if (v === undefined) return undefined;
      if (!Number.isFinite(v) || v < 1) throw new RangeError(`${name} must be a positive number, got ${v}`);
      return Math.floor(v);
    };
    this.maxInFlight = pos(opts.maxInFlight, 'maxInFlight') ?? this.maxInFlight;
    this.perWindow = pos(opts.perWindow, 'perWindow') ?? this.perWindow;
    this.windowMs = pos(opts.windowMs, 'windowMs') ?? this.windowMs;
    this.pump();
  }

  get limits(): Required<LimiterOptions> {
    return { maxInFlight: this.maxInFlight, perWindow: this.perWindow, windowMs: this.windowMs };
  }

  stats(): LimiterStats {
    this.prune(this.now());
    return {
      inFlight: this.inFlight,
      inWindow: this.inFlight + this.finished.length,
      waiting: this.queue.length,
      maxInFlightSeen: this.maxInFlightSeen,
      admitted: this.admitted,
      pausedForMs: Math.max(0, this.pausedUntil - this.now()),
    };
  }

  /**
   * Waits for a slot. Resolves with the function that frees it (call it in `finally`). Rejects with
   * `signal.reason` (or an AbortError) when the signal fires first; the place in the queue is given up.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.queue.length === 0 && this.canAdmit(this.now())) return Promise.resolve(this.admit());
    return new Promise<Release>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal));
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /**
   * Holds every admission back for `ms` (the server answered 429: someone else is using the account,
   * or its limit is lower than ours). Calls already in flight are not touched.
   */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  private canAdmit(now: number): boolean {
    if (now < this.pausedUntil) return false;
    if (this.inFlight >= this.maxInFlight) return false;
    this.prune(now);
    return this.inFlight + this.finished.length < this.perWindow;
  }

  private prune(now: number): void {
    let n = 0;
    while (n < this.finished.length && this.finished[n] + this.windowMs <= now) n++;
    if (n > 0) this.finished.splice(0, n);
  }

  private admit(): Release {
    this.inFlight++;
    this.admitted++;
    if (this.inFlight > this.maxInFlightSeen) this.maxInFlightSeen = this.inFlight;
    let done = false;
    return (pauseMs?: number) => {
      if (done) return;
      done = true;
      this.inFlight--;
      const now = this.now();
      this.finished.push(now);
      if (pauseMs !== undefined && pauseMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
      this.pump();
    };
  }

  /** Admits as many waiters as the limits allow, and arms a timer for when the next one may go. */
  private pump(): void {
    const now = this.now();
    while (this.queue.length > 0 && this.canAdmit(now)) {
      const w = this.queue.shift()!;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(this.admit());
    }
    if (this.queue.length === 0 || this.inFlight >= this.maxInFlight) return this.clearTimer();
    // Blocked by the window or a pause: wake when the pause ends and the oldest finished call has left
    // the window. When the window is full of calls still in flight, their release will pump again.
    let at = this.pausedUntil;
    if (this.inFlight + this.finished.length >= this.perWindow) {
      if (this.finished.length === 0) return this.clearTimer();
      const need = this.inFlight + this.finished.length - this.perWindow; // index that must expire
      at = Math.max(at, this.finished[Math.min(need, this.finished.length - 1)] + this.windowMs);
    }
    if (at <= now) at = now + 1;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.ceil(at - now));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

const shared = new Map<string, RateLimiter>();

/**
 * The limiter for one account at one API host, shared by every client in the process.
 * Passing limits reconfigures it (the latest configuration wins).
 */
export function sharedLimiter(baseUrl: string, accountCode: string, opts?: LimiterOptions): RateLimiter {
  const key = `${baseUrl.replace(/\/+$/, '').toLowerCase()}#${accountCode}`;
  let l = shared.get(key);
  if (!l) {
    l = new RateLimiter(opts);
    shared.set(key, l);
  } else if (opts) {
    l.configure(opts);
  }
  return l;
}
