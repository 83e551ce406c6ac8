import { adjustableClock, createSimulator, fixedClock, type Simulator } from '@bookstrap/ils-simulators';
import { onTestFinished } from 'vitest';
import type { AdapterContext } from './types.ts';

/** Test helper shared by every adapter's tests (not exported from the package). */
export const testNow = '2025-03-12T10:00:00.000Z'; // a Wednesday
export type Recorded = Parameters<AdapterContext['record']>[0];

export interface SimulatedIls {
  sim: Simulator;
  clock: ReturnType<typeof adjustableClock>;
  /** reaches the simulator in-process through `fetch`, exactly as the adapter reaches a real ILS */
  context: AdapterContext;
  /** every exchange the adapter recorded (secrets already masked) */
  traffic: Recorded[];
  /** the back-offs the adapter asked for (429s) */
  backOffs: number[];
  /** `METHOD /path` of every call, in order */
  calls: string[];
}

/** A vendor's simulator on a fixed clock, closed when the test ends. */
export function simulatedIls(vendor: Parameters<typeof createSimulator>[0]['vendor'], limits?: { perSecond?: number }): SimulatedIls {
  const clock = adjustableClock(fixedClock(testNow));
  const sim = createSimulator({ vendor, clock, ...(limits ? { limits } : {}) });
  onTestFinished(() => sim.close());
  const traffic: Recorded[] = [];
  const backOffs: number[] = [];
  const calls: string[] = [];
  const context: AdapterContext = {
    fetch: (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}`);
      return sim.app.request(input, init);
    },
    timeoutMs: 5_000,
    clock,
    record: (exchange) => {
      traffic.push(exchange);
    },
    throttle: async () => {},
    backOff: (ms) => void backOffs.push(ms),
  };
  return { sim, clock, context, traffic, backOffs, calls };
}
