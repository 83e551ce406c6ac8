import fc from 'fast-check';
import { describe, it } from 'vitest';
import { chaosProperty } from './chaos.ts';

/**
 * Never touch what isn't yours, under chaos (SPEC §5): random workflow actions, simulator
 * faults (5xx, 429, outages), desk actions and worker crashes over a few borrowing and lending
 * requests; after settling, the seed's records are unchanged, nothing is duplicated or orphaned
 * and every request settles with a reason for each step not done. Seeded and replayable: a
 * failure prints the seed and path; rerun with `pnpm chaos` (CHAOS_SEED, CHAOS_PATH, CHAOS_RUNS).
 */
const seed = Number(process.env.CHAOS_SEED ?? 20250312);

describe('chaos: never touch what isn’t yours', () => {
  it('holds over random actions, faults, desk actions and crashes', { timeout: 50_000 }, async () => {
    await fc.assert(chaosProperty(50), { seed, numRuns: 30 });
  });
});
