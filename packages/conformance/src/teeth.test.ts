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
        // @strap-due-date, @lender-due-date
        "A longer lender date is the patron's: the ILS's own policy date at the desk is put back to the strap date",
        "The lent item is due on the request's date, even when the library is closed that day",
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

  // Issue 13's tags: each fails against the adapter broken where the tag looks, and names the scenarios.
  const issue13: [string, string, string[]][] = [
    [
      'the sync reads each item once and never sees the desk again',
      'frozen-sync',
      [
        "The sync follows the pickup check-in and the check-out, with the ILS's due date",
        'The item checked in at a desk before ILL marked it returned: the request says the ILS has it back',
        'The hold expired on the hold shelf: the patron did not pick the item up',
        'A renewal done in circulation, not by the lender, is flagged for ILL staff and left alone',
        'A circulation renewal is put back to the strap date when the library says so',
        'The lent item checked in at a desk before ILL completed the request',
      ],
    ],
    [
      'the adapter says it checked the item in but never does',
      'skip-check-in',
      ["Returned while on loan, the temporary item kept: the check-in itself closes the patron's loan"],
    ],
    [
      'the patron lookup calls every patron active',
      'trust-every-patron',
      [
        'Staff verify the patron at review: name, status and expiry as the ILS shows them',
        "A blocked patron is shown with the ILS's block, and the request waits for staff",
        'An expired patron is shown expired, and the request waits for staff',
        'A patron the ILS says is blocked is never sent on automatically',
      ],
    ],
    [
      'the adapter says it charged but never does',
      'skip-charge',
      [
        'A lost item is charged twice: the replacement cost and the processing fee',
        "The lender's replacement cost replaces the library's default",
        "The lost item comes back: its two charges are taken back, another request's stay",
      ],
    ],
    ['the adapter says it moved the lent item but never does', 'skip-temporary-location', ['The lent item moves to the ILL temporary location and back']],
    [
      'the temporary item is made at the ILL location whatever the shelving location',
      'ignore-shelving-location',
      ["The temporary item is shelved at the library's ILL shelving location"],
    ],
  ];
  it.each(issue13)(
    'fails and names the scenarios when %s',
    (_what, sabotage, scenarios) => {
      const { failed } = runSabotaged(sabotage);
      expect(failed).toEqual(expect.arrayContaining(scenarios));
    },
    240_000,
  );
});
