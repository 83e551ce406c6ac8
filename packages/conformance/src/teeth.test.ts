import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from './run.ts';

/**
 * The conformance suite must fail, and name the scenario, when an adapter lies. Cucumber loads
 * its step files through Node's loader, so each sabotaged run is its own tsx process.
 */
function runSabotaged(sabotage: string): { passed: number; failed: string[] } {
  const tsx = join(packageDir, 'node_modules', '.bin', 'tsx');
  const run = spawnSync(tsx, [join(packageDir, 'src', 'teeth.ts'), sabotage], { encoding: 'utf8', timeout: 240_000 });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`teeth run printed no result:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(last);
}

describe('the conformance suite has teeth', () => {
  it('fails and names the scenarios when the adapter silently skips the hold', () => {
    const { failed, passed } = runSabotaged('skip-hold');
    expect(failed).toEqual(
      expect.arrayContaining([
        'The request ID becomes the temporary barcode (the recommended default)',
        'Check-in at the pickup location makes the hold ready',
        'An in-library-use-only loan gets a hold but is never checked out',
      ]),
    );
    expect(passed).toBeGreaterThan(0);
  }, 240_000);

  it('fails and names the scenarios when the adapter sets the wrong due date', () => {
    const { failed } = runSabotaged('wrong-due-date');
    expect(failed).toEqual(
      expect.arrayContaining([
        "Shipping checks the item out to the borrowing library's account with the due date",
        'An approved renewal updates the ILS due date',
      ]),
    );
  }, 240_000);

  it('fails and names the scenarios when the adapter acts on records without checking they are the request’s', () => {
    const { failed } = runSabotaged('ignore-ownership');
    expect(failed).toEqual(
      expect.arrayContaining([
        'Circulation took the item back and lent it locally: renewal and check-in leave that loan alone',
        'The same item shipped to the same library for a second request leaves the first loan alone',
      ]),
    );
  }, 240_000);
});
