/**
 * Time is injected: due dates, hold-shelf expiry and ageing must be testable without waiting.
 */
export interface Clock {
  now(): Date;
}

/** A clock the control plane can move (`POST /_sim/clock`). */
export interface AdjustableClock extends Clock {
  /** Jump to an absolute instant; later readings advance from there with the base clock. */
  set(now: Date): void;
  advance(milliseconds: number): void;
  /** Drop every adjustment: back to the base clock. */
  reset(): void;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at one instant (tests). */
export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) throw new Error(`fixedClock: not a date: ${String(at)}`);
  return { now: () => new Date(instant) };
}

/**
 * Wraps any clock with an offset, so a simulator running on the system clock can still be moved
 * forward (ageing, overdue) without touching the base clock.
 */
export function adjustableClock(base: Clock = systemClock): AdjustableClock {
  let offsetMs = 0;
  return {
    now: () => new Date(base.now().getTime() + offsetMs),
    set(now) {
      offsetMs = now.getTime() - base.now().getTime();
    },
    advance(milliseconds) {
      offsetMs += milliseconds;
    },
    reset() {
      offsetMs = 0;
    },
  };
}
