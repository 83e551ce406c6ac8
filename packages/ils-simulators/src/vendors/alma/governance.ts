/**
 * Alma's API gateway: API-key authentication and the per-institution thresholds (≈25 calls per
 * second, a daily quota reported in `X-Exl-Api-Remaining`).
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../../clock.ts';
import { type AlmaError, almaErrors } from './errors.ts';
import { almaErrorResponse } from './http.ts';

export type KeyAccess = 'read-write' | 'read-only';

export interface GovernanceOptions {
  apiKeys: Record<string, KeyAccess>;
  perSecond: number;
  daily: number;
  /** The simulated clock decides when the daily quota resets. */
  clock: Clock;
  /** Wall-clock milliseconds for the per-second window (real traffic, not simulated time). */
  monotonicNow?: () => number;
}

/** Reads `Authorization: apikey KEY` or `?apikey=KEY`. */
export function apiKeyOf(authorization: string | undefined, query: string | undefined): string | undefined {
  const match = authorization ? /^\s*apikey\s+(\S+)\s*$/iu.exec(authorization) : null;
  return match?.[1] ?? query ?? undefined;
}

/**
 * What the gateway counted since the last reset (GET /_sim/governance): a test running several
 * service instances proves with it that together they never went over the per-second threshold.
 */
export interface GovernanceStats {
  perSecond: number;
  /** calls let through */
  admitted: number;
  /** calls refused with PER_SECOND_THRESHOLD */
  refusedPerSecond: number;
  /** the most calls let through within any one second (the gateway's own sliding window) */
  peakPerSecond: number;
}

export class Governance {
  private window: number[] = [];
  private day = '';
  private used = 0;
  private counted = { admitted: 0, refusedPerSecond: 0, peakPerSecond: 0 };

  constructor(private readonly options: GovernanceOptions) {}

  reset(): void {
    this.window = [];
    this.day = '';
    this.used = 0;
    this.counted = { admitted: 0, refusedPerSecond: 0, peakPerSecond: 0 };
  }

  stats(): GovernanceStats {
    return { perSecond: this.options.perSecond, ...this.counted };
  }

  /** Counts one call; returns the refusal, if any, and the quota left. */
  admit(): { refusal?: AlmaError; remaining: number } {
    const now = (this.options.monotonicNow ?? (() => performance.now()))();
    this.window = this.window.filter((at) => now - at < 1000);
    const today = this.options.clock.now().toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.used = 0;
    }
    if (this.window.length >= this.options.perSecond) {
      this.counted.refusedPerSecond += 1;
      return { refusal: almaErrors.perSecondThreshold(), remaining: Math.max(0, this.options.daily - this.used) };
    }
    if (this.used >= this.options.daily) return { refusal: almaErrors.dailyThreshold(), remaining: 0 };
    this.window.push(now);
    this.used += 1;
    this.counted.admitted += 1;
    this.counted.peakPerSecond = Math.max(this.counted.peakPerSecond, this.window.length);
    return { remaining: this.options.daily - this.used };
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const key = apiKeyOf(c.req.header('authorization'), c.req.query('apikey'));
      const access = key === undefined ? undefined : this.options.apiKeys[key];
      const writing = c.req.method !== 'GET' && c.req.method !== 'HEAD';
      if (access === undefined || (writing && access === 'read-only')) {
        return almaErrorResponse(c, almaErrors.unauthorized());
      }
      const { refusal, remaining } = this.admit();
      c.header('X-Exl-Api-Remaining', String(remaining));
      c.header('X-Request-ID', crypto.randomUUID());
      if (refusal) {
        const response = almaErrorResponse(c, refusal);
        response.headers.set('X-Exl-Api-Remaining', String(remaining));
        return response;
      }
      await next();
      c.res.headers.set('X-Exl-Api-Remaining', String(remaining));
    };
  }
}
