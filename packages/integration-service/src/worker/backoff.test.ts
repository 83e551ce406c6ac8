import { describe, expect, it } from 'vitest';
import { defaultBackoff, retryDelayMs } from './backoff.ts';

describe('retry backoff', () => {
  const middle = () => 0.5; // no jitter
  it('doubles per attempt from the base', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(defaultBackoff, n, middle))).toEqual([2_000, 4_000, 8_000, 16_000]);
  });
  it('is capped', () => {
    expect(retryDelayMs(defaultBackoff, 40, middle)).toBe(defaultBackoff.capMs);
  });
  it('jitters within ±20 %', () => {
    expect(retryDelayMs(defaultBackoff, 1, () => 0)).toBe(1_600);
    expect(retryDelayMs(defaultBackoff, 1, () => 1)).toBe(2_400);
  });
  it("never comes back sooner than the ILS's Retry-After", () => {
    expect(retryDelayMs(defaultBackoff, 1, middle, 30_000)).toBe(30_000);
  });
});
