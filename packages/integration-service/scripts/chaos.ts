/**
 * The larger chaos run: `pnpm chaos` (CHAOS_TARGET, default all: a comma-separated list of
 * alma, alma-ncip, sierra, millennium, wms, symphony, symphony-ws, horizon, horizon-ws;
 * CHAOS_RUNS per target, default 200; CHAOS_SEED, default random; CHAOS_PATH to replay one
 * counterexample of one target; CHAOS_LENGTH, default 40 actions).
 */
import fc from 'fast-check';
import { chaosProperty } from '../src/e2e/chaos.ts';
import { targetNames } from '../src/testutil/ils-target.ts';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const numRuns = Number(process.env.CHAOS_RUNS ?? 200);
const maxLength = Number(process.env.CHAOS_LENGTH ?? 40);
const path = process.env.CHAOS_PATH;
const chosen = !process.env.CHAOS_TARGET || process.env.CHAOS_TARGET === 'all' ? targetNames : process.env.CHAOS_TARGET.split(',').map((t) => t.trim());
const unknown = chosen.filter((t) => !targetNames.includes(t));
if (unknown.length > 0) {
  console.error(`unknown CHAOS_TARGET ${unknown.join(', ')} (known: ${targetNames.join(', ')})`);
  process.exit(2);
}
if (path && chosen.length !== 1) {
  console.error('CHAOS_PATH replays one counterexample: name its CHAOS_TARGET');
  process.exit(2);
}
let failed = false;
for (const target of chosen) {
  console.log(`chaos ${target}: seed ${seed}, ${numRuns} runs, up to ${maxLength} actions${path ? `, path ${path}` : ''}`);
  const started = Date.now();
  const details = await fc.check(chaosProperty(target, maxLength), { seed, numRuns, ...(path ? { path } : {}) });
  if (details.failed) {
    failed = true;
    console.error(fc.defaultReportMessage(details));
    console.error(`replay: CHAOS_TARGET=${target} CHAOS_SEED=${details.seed} CHAOS_PATH=${details.counterexamplePath} pnpm chaos`);
    continue;
  }
  console.log(`chaos ${target}: ${details.numRuns} runs passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
process.exit(failed ? 1 : 0);
