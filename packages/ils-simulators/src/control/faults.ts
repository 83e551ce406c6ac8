/**
 * Fault injection in front of a vendor API: latency, outages, failing the next N calls, random
 * errors and an extra rate limit. Randomness is seeded so a failing run can be replayed.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { InjectedFault } from '../vendors/types.ts';

export const faultSettingsSchema = z
  .object({
    /** Delay before every vendor response, in milliseconds. */
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    /** Probability (0–1) that a call fails with `errorStatus`. */
    errorRate: z.number().min(0).max(1).optional(),
    /** Status of injected failures (default 500). */
    errorStatus: z.number().int().min(400).max(599).optional(),
    /** The vendor API answers 503 to everything. */
    down: z.boolean().optional(),
    /** Calls per second above which the vendor's rate-limit error is returned. */
    rateLimitPerSecond: z.number().int().positive().nullable().optional(),
    /** Fail exactly the next N calls with `errorStatus`. */
    failNext: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type FaultSettingsInput = z.infer<typeof faultSettingsSchema>;

export interface FaultSettings {
  latencyMs: number;
  errorRate: number;
  errorStatus: number;
  down: boolean;
  rateLimitPerSecond: number | null;
  failNext: number;
}

const noFaults: FaultSettings = { latencyMs: 0, errorRate: 0, errorStatus: 500, down: false, rateLimitPerSecond: null, failNext: 0 };

/** mulberry32: tiny, seedable, good enough to decide which calls fail. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultController {
  private current: FaultSettings = { ...noFaults };
  private window: number[] = [];
  private random: () => number;

  constructor(
    private readonly seed = 1,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {
    this.random = seededRandom(seed);
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  /** Replaces the fault configuration: fields not given are off. */
  set(input: FaultSettingsInput): FaultSettings {
    this.current = { ...noFaults, ...Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) };
    this.window = [];
    this.random = seededRandom(this.seed);
    return this.settings;
  }

  clear(): FaultSettings {
    return this.set({});
  }

  /** Decides what happens to one vendor call (undefined: let it through). */
  private decide(): InjectedFault | undefined {
    const settings = this.current;
    if (settings.down) return { kind: 'down', status: 503 };
    if (settings.failNext > 0) {
      settings.failNext -= 1;
      return { kind: 'error', status: settings.errorStatus };
    }
    if (settings.errorRate > 0 && this.random() < settings.errorRate) return { kind: 'error', status: settings.errorStatus };
    if (settings.rateLimitPerSecond !== null) {
      const now = this.monotonicNow();
      this.window = this.window.filter((at) => now - at < 1000);
      if (this.window.length >= settings.rateLimitPerSecond) return { kind: 'rate_limited', status: 429 };
      this.window.push(now);
    }
    return undefined;
  }

  middleware(render: (c: Context, fault: InjectedFault) => Response): MiddlewareHandler {
    return async (c, next) => {
      if (this.current.latencyMs > 0 && !this.current.down) {
        await new Promise((resolve) => setTimeout(resolve, this.current.latencyMs));
      }
      const fault = this.decide();
      if (fault) return render(c, fault);
      await next();
    };
  }
}
