import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

describe('rate limiter (token bucket per library)', () => {
  it('lets a small burst through, then spaces calls at the rate', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    for (let i = 0; i < 2; i += 1) await limiter.take('TULSA', 10);
    expect(time.slept).toEqual([]);
    await limiter.take('TULSA', 10);
    expect(time.slept).toEqual([100]);
  });

  it('never lets more than rate + burst calls into any one second', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    const at: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      await limiter.take('TULSA', 10);
      at.push(time.now());
    }
    const worstWindow = Math.max(...at.map((start) => at.filter((t) => t >= start && t < start + 1000).length));
    expect(worstWindow).toBeLessThanOrEqual(10 + RateLimiter.burstFor(10));
  });

  it('keeps libraries apart', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    await limiter.take('A', 2);
    await limiter.take('B', 2);
    expect(time.slept).toEqual([]);
  });

  it('pauses a library the ILS pushed back on, and reports it paused', async () => {
    const time = fakeTime();
    const limiter = new RateLimiter(time);
    limiter.backOff('A', 1500);
    expect(limiter.pausedKeys()).toEqual(['A']);
    await limiter.take('A', 10);
    expect(time.now()).toBeGreaterThanOrEqual(1500);
    expect(limiter.pausedKeys()).toEqual([]);
  });
});
