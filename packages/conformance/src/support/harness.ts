/**
 * What the suite can do beyond HTTP when it started the systems itself (in this process):
 * move the service's clock. Against systems it was only given URLs for, this is absent and
 * scenarios tagged @time-travel are declared unsupported.
 */
export interface Harness {
  advanceServiceClock(milliseconds: number): void;
  resetServiceClock(): void;
  /** how many ILS step runs the service's worker has finished so far */
  stepRunsFinished(): number;
  /** resolves once more than `seen` step runs have finished, or after `timeoutMs` */
  stepRunFinishedAfter(seen: number, timeoutMs: number): Promise<void>;
}

let current: Harness | undefined;
export const setHarness = (harness: Harness | undefined) => {
  current = harness;
};
export const harness = (): Harness | undefined => current;
