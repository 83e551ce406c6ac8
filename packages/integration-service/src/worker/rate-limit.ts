/**
 * A token bucket per library, in wall-clock time (rate limits are about the ILS's real
 * throughput, not the business clock tests move). Each HTTP call to a library's ILS takes a
 * token; a 429 from the ILS pauses that library so the worker does not answer a limit with a storm.
 */
export interface RateLimiterOptions {
  /** milliseconds, monotonic */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  pausedUntil: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * A small burst: an ILS counts calls in a sliding second, and a full bucket plus a second of
   * refill would allow twice the rate in one window.
   */
  static burstFor(ratePerSecond: number): number {
    return Math.max(1, Math.floor(ratePerSecond / 5));
  }

  private bucket(key: string, ratePerSecond: number): Bucket {
    const now = this.now();
    const capacity = RateLimiter.burstFor(ratePerSecond);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now, pausedUntil: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * ratePerSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Resolves when a call may go out: after any pause, at no more than `ratePerSecond`. */
  async take(key: string, ratePerSecond: number): Promise<void> {
    for (;;) {
      const bucket = this.bucket(key, ratePerSecond);
      const paused = bucket.pausedUntil - this.now();
      if (paused > 0) {
        await this.sleep(paused);
        continue;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - bucket.tokens) / ratePerSecond) * 1000));
    }
  }

  /** The ILS said "too many requests": nothing goes to this library for `ms`. */
  backOff(key: string, ms: number): void {
    const bucket = this.bucket(key, 1);
    bucket.pausedUntil = Math.max(bucket.pausedUntil, this.now() + ms);
    bucket.tokens = 0;
  }

  /** Libraries paused right now: the worker leaves their jobs for later instead of waiting on them. */
  pausedKeys(): string[] {
    const now = this.now();
    return [...this.buckets.entries()].filter(([, b]) => b.pausedUntil > now).map(([key]) => key);
  }
}
