/**
 * When a retryable step runs again: exponential from `baseMs`, capped, with jitter so that the
 * steps of a whole library recovering from an outage do not all hit the ILS in the same second.
 * An ILS's own Retry-After is a floor, never shortened.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0.2 = ±20 % */
  jitter: number;
  /** after this many attempts a retryable step stops and asks staff */
  maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 2_000, capMs: 15 * 60_000, jitter: 0.2, maxAttempts: 8 };

export function retryDelayMs(policy: BackoffPolicy, attempts: number, random: () => number = Math.random, retryAfterMs?: number): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exponential * (1 + policy.jitter * (2 * random() - 1)));
  return Math.max(jittered, retryAfterMs ?? 0);
}
