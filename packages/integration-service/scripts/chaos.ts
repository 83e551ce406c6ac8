/**
 * The larger chaos run: `pnpm chaos` (CHAOS_RUNS, default 500; CHAOS_SEED, default random;
 * CHAOS_PATH to replay one counterexample; CHAOS_LENGTH, default 40 actions).
 */
import fc from 'fast-check';
import { chaosProperty } from '../src/e2e/chaos.ts';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const numRuns = Number(process.env.CHAOS_RUNS ?? 500);
const maxLength = Number(process.env.CHAOS_LENGTH ?? 40);
const path = process.env.CHAOS_PATH;
console.log(`chaos: seed ${seed}, ${numRuns} runs, up to ${maxLength} actions${path ? `, path ${path}` : ''}`);
const started = Date.now();
const details = await fc.check(chaosProperty(maxLength), { seed, numRuns, ...(path ? { path } : {}) });
if (details.failed) {
  console.error(fc.defaultReportMessage(details));
  console.error(`replay: CHAOS_SEED=${details.seed} CHAOS_PATH=${details.counterexamplePath} pnpm chaos`);
  process.exit(1);
}
console.log(`chaos: ${details.numRuns} runs passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
