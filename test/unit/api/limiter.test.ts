import * as assert from 'assert';
import { RateLimiter, Release, sharedLimiter } from '../../../src/core/api/limiter';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A clock the test moves by hand: the limiter reads time only through it, so no real delay decides an outcome. */
function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('api/limiter', () => {
  it('never admits more than maxInFlight at once, and hands a freed slot to the next waiter', async () => {
    const l = new RateLimiter({ maxInFlight: 3, perWindow: 1000 });
    const admitted: number[] = [];
    const releases: Release[] = [];
    const all = Array.from({ length: 7 }, (_, i) =>
      l.acquire().then((rel) => {
        admitted.push(i);
        releases.push(rel);
      }),
    );
    await tick();
    assert.deepStrictEqual(admitted, [0, 1, 2]);
    assert.strictEqual(l.stats().waiting, 4);
    releases[0]();
    releases[0](); // a second call frees nothing more
    await tick();
    assert.deepStrictEqual(admitted, [0, 1, 2, 3], 'first come, first served; one release, one admission');
    while (releases.length < 7) {
      releases[releases.length - 1]();
      await tick();
    }
    await Promise.all(all);
    assert.strictEqual(l.stats().maxInFlightSeen, 3);
  });

  it('holds the call past the per-window budget until the oldest finished call leaves the window', async () => {
    const clock = fakeClock();
    const l = new RateLimiter({ maxInFlight: 10, perWindow: 2, windowMs: 150 }, clock.now);
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    let third = false;
    const p = l.acquire().then((r) => {
      third = true;
      return r;
    });
    r1();
    clock.advance(10);
    r2();
    clock.advance(139);
    l.configure({}); // admits what the limits allow now
    await tick();
    assert.strictEqual(third, false, 'two calls finished less than a window ago still count');
    assert.strictEqual(l.stats().inWindow, 2);
    clock.advance(1); // the first finished call leaves the window
    assert.strictEqual(l.stats().inWindow, 1);
    (await p)(); // admitted by the limiter's own wake-up
    assert.strictEqual(third, true);
  });

  it('counts calls still in flight against the window (no busy waiting while the window is full of them)', async () => {
    const clock = fakeClock();
    const l = new RateLimiter({ maxInFlight: 10, perWindow: 2, windowMs: 50 }, clock.now);
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    let third = false;
    const p = l.acquire().then((r) => ((third = true), r));
    clock.advance(10_000);
    l.configure({});
    await tick();
    assert.strictEqual(third, false, 'in-flight calls never expire from the window');
    assert.strictEqual(l.stats().inWindow, 2);
    r1();
    r2();
    clock.advance(50); // both finished calls have left the window
    (await p)();
    assert.strictEqual(third, true);
  });

  it('a waiter whose signal fires leaves the queue at once, and the queue moves on', async () => {
    const l = new RateLimiter({ maxInFlight: 1 });
    const held = await l.acquire();
    const ac = new AbortController();
    const cancelled = l.acquire(ac.signal);
    let laterGot = false;
    const later = l.acquire().then((r) => ((laterGot = true), r));
    assert.strictEqual(l.stats().waiting, 2);
    ac.abort(new Error('stop'));
    await assert.rejects(cancelled, /stop/);
    assert.strictEqual(l.stats().waiting, 1);
    held();
    (await later)();
    assert.strictEqual(laterGot, true);
    await assert.rejects(l.acquire(AbortSignal.abort()), (e: Error) => e.name === 'AbortError');
    assert.strictEqual(l.stats().inFlight, 0);
  });

  it('pause() holds every admission back, then lets them through', async () => {
    const clock = fakeClock();
    const l = new RateLimiter({ maxInFlight: 5 }, clock.now);
    l.pause(60);
    assert.strictEqual(l.stats().pausedForMs, 60);
    let got = false;
    const p = l.acquire().then((r) => ((got = true), r));
    clock.advance(59);
    l.configure({});
    await tick();
    assert.strictEqual(got, false);
    assert.strictEqual(l.stats().pausedForMs, 1);
    clock.advance(1);
    (await p)();
    assert.strictEqual(got, true);
  });

  it('a release that carries a pause (the call was answered 429) holds the next waiter back: nothing slips out', async () => {
    let t = 1_000;
    const l = new RateLimiter({ maxInFlight: 1 }, () => t);
    const first = await l.acquire();
    let next: Release | undefined;
    const waiting = l.acquire().then((r) => (next = r));
    assert.strictEqual(l.stats().waiting, 1);
    first(5_000);
    await tick();
    assert.strictEqual(next, undefined, 'the slot was handed on before the pause');
    assert.deepStrictEqual([l.stats().admitted, l.stats().waiting, l.stats().pausedForMs], [1, 1, 5_000]);
    t += 4_999;
    l.configure({}); // pumps the queue at the (fake) current time
    await tick();
    assert.strictEqual(next, undefined, 'still paused 1 ms before the end');
    t += 1;
    l.configure({});
    await waiting;
    assert.strictEqual(l.stats().admitted, 2);
    next!();
    first(); // a second release frees nothing and pauses nothing
    assert.deepStrictEqual([l.stats().inFlight, l.stats().pausedForMs], [0, 0]);
  });

  it('rejects nonsense limits and can be reconfigured', () => {
    assert.throws(() => new RateLimiter({ maxInFlight: 0 }), RangeError);
    assert.throws(() => new RateLimiter({ perWindow: NaN }), RangeError);
    const l = new RateLimiter();
    assert.deepStrictEqual(l.limits, { maxInFlight: 10, perWindow: 300, windowMs: 60000 });
    l.configure({ perWindow: 600 });
    assert.strictEqual(l.limits.perWindow, 600);
  });

  it('is shared per base URL and account code', () => {
    const a = sharedLimiter('http://h.example/', 'acct1');
    const b = sharedLimiter('http://H.example', 'acct1');
    const c = sharedLimiter('http://h.example', 'acct2');
    assert.strictEqual(a, b);
    assert.notStrictEqual(a, c);
    sharedLimiter('http://h.example', 'acct1', { maxInFlight: 4 });
    assert.strictEqual(a.limits.maxInFlight, 4, 'the latest configuration applies');
  });
});
