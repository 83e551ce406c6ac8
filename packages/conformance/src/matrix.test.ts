import { describe, expect, it } from 'vitest';
import { matrixText, type ScenarioResult, totals } from './matrix.ts';

const results: ScenarioResult[] = [
  { target: 'alma', feature: 'wms: borrowing', scenario: 'a', status: 'not-applicable', detail: 'written for wms' },
  { target: 'alma', feature: 'lending: hold', scenario: 'b', status: 'unsupported', detail: 'alma does not support @lending-hold' },
  { target: 'wms', feature: 'wms: borrowing', scenario: 'a', status: 'passed' },
];

describe('not applicable is not unsupported', () => {
  it('counts them apart', () => {
    expect(totals(results)).toEqual({ passed: 1, failed: 0, unsupported: 1, notApplicable: 1 });
  });

  it('shows n/a in the matrix cell of a feature written for another ILS', () => {
    const row = matrixText(results)
      .split('\n')
      .find((line) => line.startsWith('wms: borrowing'));
    expect(row).toMatch(/^wms: borrowing\s+n\/a\s+1✓ 0✗ 0∅\s*$/);
  });
});
