import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.ts';
import { type BudgetState, type BudgetStore, budgetContext, DatabaseBudgetStore, MemoryBudgetStore, RateLimiter, retryAfterMs } from './rate-limit.ts';

function fakeTime(start = 1_000_000) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
  };
}

/** One call through the limiter, answered `latencyMs` after it went out. */
async function call(limiter: RateLimiter, time: ReturnType<typeof fakeTime>, key: string, rate: number, latencyMs = 0): Promise<number> {
  const settle = await limiter.take(key, rate);
  const sent = time.now();
  time.advance(latencyMs);
  await settle();
  return sent;
}

/** The most calls any one-second window holds (Alma's gateway counts a sliding second). */
const worstSecond = (at: number[]) => Math.max(...at.map((start) => at.filter((t) => t >= start && t < start + 1000).length));

describe('rate limiter (the ILS governance budget)', () => {
  it('lets the whole allowance go at once (a burst up to the vendor limit), then waits for the window', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 25; i += 1) await call(limiter, time, 'alma:TULSA', 25);
    expect(time.slept).toEqual([]);
    await call(limiter, time, 'alma:TULSA', 25);
    // The first call's place is free the moment the ILS cannot count it with this one: a second
    // after it (whole milliseconds, so 1 001 ms) — no margin on top.
    expect(time.slept).toEqual([1001]);
  });

  it('frees each place a second after that call’s answer, not after the window of the oldest one', async () => {
    const time = fakeTime(0);
    const limiter = new RateLimiter(time);
    // answers at 30, 80 and 200 ms
    const first = await limiter.take('K', 3);
    const second = await limiter.take('K', 3);
    const third = await limiter.take('K', 3);
    time.advance(30);
    await first();
    time.advance(50);
    await second();
    time.advance(120);
    await third();
    await call(limiter, time, 'K', 3);
    expect(time.now()).toBe(30 + 1001);
    await call(limiter, time, 'K', 3);
    expect(time.now()).toBe(80 + 1001);
    await call(limiter, time, 'K', 3);
    expect(time.now()).toBe(200 + 1001);
  });

  it('keeps the pipe full: back-to-back calls reuse every place as soon as the ILS lets them, at any latency (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 40, maxLength: 150 }),
        async (rate, latencies) => {
          const time = fakeTime(0);
          const limiter = new RateLimiter(time);
          const sent: number[] = [];
          const answered: number[] = [];
          for (const latency of latencies) {
            sent.push(await call(limiter, time, 'K', rate, latency));
            answered.push(time.now());
          }
          for (let k = rate; k < sent.length; k += 1) {
            // Call k was asked for when call k−1 was answered; it waited no longer than the place of
            // call k−rate takes to come free (a second after its answer): under-admitting fails this.
            expect(sent[k]).toBeLessThanOrEqual(Math.max(answered[k - 1]!, answered[k - rate]! + 1001));
            // and never sooner: over-admitting fails this
            expect(sent[k]! - answered[k - rate]!).toBeGreaterThan(1000);
          }
        },
      ),
      { seed: 141, numRuns: 60 },
    );
  });

  it('counts a call still on its way for as long as it is on its way, even past a second', async () => {
    const time = fakeTime(0);
    const limiter = new RateLimiter(time);
    const slow = await limiter.take('K', 2);
    await call(limiter, time, 'K', 2);
    time.advance(2_500);
    // the slow call may reach the ILS any moment now: one place only
    await call(limiter, time, 'K', 2);
    const at = time.now();
    await call(limiter, time, 'K', 2);
    expect(time.now()).toBeGreaterThan(at + 1000);
    slow();
    slow(); // settling twice changes nothing
    expect((await limiter.inspect('K')).inFlight).toEqual([]);
    // counted from its answer now, once
    expect((await limiter.inspect('K')).recent).toEqual([at + 1001, at + 1001]);
  });

  it('forgets a call never answered (its process died) after inFlightMaxMs, so a crash does not hold the budget', async () => {
    const time = fakeTime(0);
    const limiter = new RateLimiter({ ...time, inFlightMaxMs: 30_000 });
    await limiter.take('K', 1); // never settled
    await call(limiter, time, 'K', 1);
    expect(time.now()).toBeGreaterThanOrEqual(30_000);
    expect(time.now()).toBeLessThanOrEqual(31_001);
  });

  it('never puts more than the allowance into any second, and never paces below it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 10, maxLength: 120 }), async (rate, gaps) => {
        const time = fakeTime();
        const limiter = new RateLimiter(time);
        const at: number[] = [];
        for (const gap of gaps) {
          time.advance(gap);
          at.push(await call(limiter, time, 'K', rate));
        }
        expect(worstSecond(at)).toBeLessThanOrEqual(rate);
        // No self-imposed limit below the vendor's: back-to-back calls run at the vendor's rate
        // (a second per allowance, plus the whole-millisecond clock's one).
        const busy = fakeTime();
        const paced = new RateLimiter(busy);
        for (let i = 0; i < rate * 4; i += 1) await call(paced, busy, 'K', rate);
        expect(busy.now() - 1_000_000).toBe(3 * 1001);
      }),
      { seed: 14, numRuns: 60 },
    );
  });

  it('writes the store once per call for an unlimited vendor (its answer has nothing to settle), twice for a paced one', async () => {
    const time = fakeTime();
    const writes: string[] = [];
    const store = new MemoryBudgetStore();
    const counting = {
      update: <T>(key: string, change: (state: BudgetState) => T) => (writes.push(key), store.update(key, change)),
      paused: (now: number) => store.paused(now),
    };
    const limiter = new RateLimiter({ ...time, store: counting });
    await call(limiter, time, 'sierra:host', Number.POSITIVE_INFINITY);
    expect(writes).toEqual(['sierra:host']);
    await call(limiter, time, 'alma:TULSA', 25);
    expect(writes).toEqual(['sierra:host', 'alma:TULSA', 'alma:TULSA']);
    expect((await limiter.inspect('alma:TULSA')).recent).toHaveLength(1);
  });

  it('an unlimited vendor is not paced at all', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 5_000; i += 1) await limiter.take('sierra:host', Number.POSITIVE_INFINITY);
    expect(time.slept).toEqual([]);
  });

  it('keeps budgets apart', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    await limiter.take('A', 1);
    await limiter.take('B', 1);
    expect(time.slept).toEqual([]);
  });

  it('a 429 pauses the budget for Retry-After and halves the allowance; calm seconds grow it back', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 20; i += 1) await call(limiter, time, 'A', 25);
    await limiter.backOff('A', 1500);
    expect(await limiter.pausedKeys()).toEqual(['A']);
    await limiter.take('A', 25);
    expect(time.now()).toBeGreaterThanOrEqual(1_000_000 + 1500);
    expect(await limiter.pausedKeys()).toEqual([]);
    expect((await limiter.inspect('A')).learned).toBe(10);
    // Right after the pause, only the halved allowance fits into a second.
    const at: number[] = [time.now()];
    for (let i = 0; i < 30; i += 1) at.push(await call(limiter, time, 'A', 25));
    expect(worstSecond(at.slice(0, 12))).toBeLessThanOrEqual(11);
    time.advance(30_000);
    await call(limiter, time, 'A', 25);
    expect((await limiter.inspect('A')).learned).toBeNull();
  });

  it('a 429 while our own calls fill the allowance (latency jitter at the window edge) pauses without halving', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    // in flight: counted as much as answered ones
    for (let i = 0; i < 25; i += 1) await limiter.take('A', 25);
    await limiter.backOff('A', 1000);
    expect((await limiter.inspect('A')).learned).toBeNull();
    expect(await limiter.pausedKeys()).toEqual(['A']);
  });

  it('an unlimited vendor that answers 429 gets a learned allowance of half what it took', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 40; i += 1) await limiter.take('S', Number.POSITIVE_INFINITY);
    await limiter.backOff('S', 1000);
    expect((await limiter.inspect('S')).learned).toBe(20);
    time.advance(1000);
    const at: number[] = [];
    for (let i = 0; i < 40; i += 1) at.push(await call(limiter, time, 'S', Number.POSITIVE_INFINITY));
    expect(worstSecond(at)).toBeLessThanOrEqual(22);
  });

  it("pauses at a daily quota of zero (Alma's X-Exl-Api-Remaining) until the next UTC day", async () => {
    const time = fakeTime(Date.parse('2026-03-12T22:00:00Z'));
    const limiter = new RateLimiter(time);
    await limiter.noteRemaining('A', 5000);
    expect(await limiter.pausedKeys()).toEqual([]);
    await limiter.noteRemaining('A', 0);
    expect(await limiter.pausedKeys()).toEqual(['A']);
    await limiter.take('A', 25);
    expect(new Date(time.now()).toISOString()).toBe('2026-03-13T00:00:00.000Z');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('counts a call from when its answer came: a call slow on its way (it reached the ILS late) still fills the ILS’s second', async () => {
    const time = fakeTime(0);
    const limiter = new RateLimiter(time);
    /** when each call reached the ILS (where the gateway counts it) */
    const arrivals: number[] = [];
    const slow = await limiter.take('alma:X', 3);
    const quick = [await limiter.take('alma:X', 3), await limiter.take('alma:X', 3)];
    time.advance(10);
    for (const settle of quick) await settle();
    arrivals.push(5, 5);
    // the first call reached the ILS only at 900 ms (a busy process), answered at 950
    time.advance(940);
    slow();
    arrivals.push(900);
    for (let i = 0; i < 3; i += 1) {
      const settle = await limiter.take('alma:X', 3);
      arrivals.push(time.now() + 4);
      time.advance(8);
      await settle();
    }
    // counted from their sending only, three more would have gone at 1 001 ms, four in the ILS's
    // second from 900; the quick ones' places come free a second after their answers (1 011 ms)
    expect(worstSecond(arrivals)).toBeLessThanOrEqual(3);
    expect(arrivals.slice(3)).toEqual([1015, 1023, 1955]);
  });

  it('property: with calls that reach the ILS any time before their answer, no second of the ILS ever holds more than the allowance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ toIls: fc.integer({ min: 0, max: 2_500 }), back: fc.integer({ min: 0, max: 50 }), gap: fc.integer({ min: 0, max: 60 }) }), {
          minLength: 10,
          maxLength: 60,
        }),
        async (calls) => {
          const time = fakeTime(0);
          const limiter = new RateLimiter(time);
          const arrivals: number[] = [];
          /** answers still to come: when, and the settle to call then */
          const pending: { at: number; settle: () => Promise<void> }[] = [];
          const answerUpTo = async (now: number) => {
            pending.sort((a, b) => a.at - b.at);
            while (pending.length > 0 && pending[0]!.at <= now) await pending.shift()!.settle();
          };
          for (const call of calls) {
            time.advance(call.gap);
            await answerUpTo(time.now());
            // the limiter sleeps on the fake clock: answers due meanwhile arrive first
            const before = time.now();
            let settle = await limiter.take('alma:X', 5);
            if (time.now() > before) {
              // asked again after the answers that came in while it waited
              await settle();
              await answerUpTo(time.now());
              settle = await limiter.take('alma:X', 5);
            }
            arrivals.push(time.now() + call.toIls);
            pending.push({ at: time.now() + call.toIls + call.back, settle });
          }
          expect(worstSecond(arrivals)).toBeLessThanOrEqual(5);
        },
      ),
      { seed: 16, numRuns: 80 },
    );
  });

  it('shares one budget between limiters (workers, processes) on the same database', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp(`${(globalThis.process?.env.TMPDIR ?? '/tmp').replace(/\/$/, '')}/budget-`));
    const path = `${dir}/shared.sqlite`;
    const first = openDatabase(path);
    const second = openDatabase(path); // a second process's connection
    try {
      const time = fakeTime();
      const a = new RateLimiter({ ...time, store: new DatabaseBudgetStore(first.db) });
      const b = new RateLimiter({ ...time, store: new DatabaseBudgetStore(second.db) });
      const at: number[] = [];
      for (let i = 0; i < 60; i += 1) at.push(await call(i % 2 === 0 ? a : b, time, 'alma:TULSA', 25));
      expect(worstSecond(at)).toBeLessThanOrEqual(25);
      await a.backOff('alma:TULSA', 2000);
      expect(await b.pausedKeys()).toEqual(['alma:TULSA']);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('budgetContext (the limiter as adapters see it)', () => {
  /** A memory store whose writes take a while, or fail, as a database's can. */
  function slowStore(options: { failing?: () => boolean } = {}) {
    const memory = new MemoryBudgetStore();
    const store: BudgetStore = {
      update: async (key, change) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (options.failing?.()) throw new Error('database is locked');
        return memory.update(key, change);
      },
      paused: (now) => memory.paused(now),
    };
    return { memory, store };
  }

  it('resolves a back-off, a quota and a settle only once the store has them (the transport awaits the pause before sending again)', async () => {
    const time = fakeTime();
    const { memory, store } = slowStore();
    const context = budgetContext(new RateLimiter({ ...time, store }), 'alma:TULSA', 25, { onError: () => {} });
    const settle = await context.throttle();
    await (settle as () => Promise<void>)();
    expect((await memory.update('alma:TULSA', (state) => structuredClone(state))).recent).toEqual([time.now()]);
    await context.backOff(1000);
    expect(await memory.paused(time.now())).toEqual(['alma:TULSA']);
    await context.quotaRemaining(0);
    expect(await memory.update('alma:TULSA', (state) => state.dailyRemaining)).toBe(0);
  });

  it('never rejects a back-off, a quota or a settle when the store fails (the call went out either way): the failure goes to onError', async () => {
    let failing = false;
    const { store } = slowStore({ failing: () => failing });
    const errors: string[] = [];
    const context = budgetContext(new RateLimiter({ ...fakeTime(), store }), 'alma:TULSA', 25, {
      onError: (error, what) => errors.push(`${what}: ${(error as Error).message}`),
    });
    const settle = (await context.throttle()) as () => Promise<void>;
    failing = true;
    await expect(settle()).resolves.toBeUndefined();
    await expect(context.backOff(1000)).resolves.toBeUndefined();
    await expect(context.quotaRemaining(0)).resolves.toBeUndefined();
    expect(errors).toEqual([
      'settling a call of budget alma:TULSA: database is locked',
      'pausing budget alma:TULSA: database is locked',
      'noting the daily quota of budget alma:TULSA: database is locked',
    ]);
    // the call has not gone out yet: the adapter reports a failing throttle as the step's
    await expect(context.throttle()).rejects.toThrow('database is locked');
  });
});
