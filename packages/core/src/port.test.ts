import { describe, expect, it } from 'vitest';
import { failedCheck, passedCheck, preflightReport, skippedCheck, temporaryItemRequestId } from './port.ts';

describe('temporaryItemRequestId', () => {
  it('reads the request ID from the note Bookstrap writes on a temporary item', () => {
    expect(temporaryItemRequestId([undefined, '', 'ILL request 1000017 from LENDA'])).toBe('1000017');
    expect(temporaryItemRequestId(['Temporary record: ILL request 1000017 from LENDA (library use only)'])).toBe('1000017');
  });
  it('finds nothing on a normal library item', () => {
    expect(temporaryItemRequestId([null, 'Gift of the Friends of the Library', 'ILL 1000017', 'ILL request 12'])).toBeUndefined();
  });
});

describe('preflightReport', () => {
  it('orders the checks and is ok when none failed (skipped is not a failure)', () => {
    const report = preflightReport([skippedCheck('test-item', 'no test item configured'), passedCheck('authenticate', 'key accepted')]);
    expect(report).toEqual({
      ok: true,
      checks: [
        { name: 'authenticate', status: 'passed', ok: true, detail: 'key accepted' },
        { name: 'test-item', status: 'skipped', ok: true, detail: 'no test item configured' },
      ],
    });
    expect(preflightReport([passedCheck('authenticate', 'ok'), failedCheck('ill-location', 'Alma: no location ILX')]).ok).toBe(false);
  });
});
