import { describe, expect, it } from 'vitest';
import { outcomeText, pendingText } from './history.ts';
import { classifyThrown, done } from './outcome.ts';
import { ilsStepNames, type IlsStep } from './plan.ts';

const item: IlsStep = {
  name: 'create-temporary-item',
  key: 'k',
  input: { requestId: '8123', barcode: '8123', title: 'T', note: 'n', lendingLibrary: 'L', location: 'ILL', inLibraryUseOnly: false },
};

describe('circulation history wording', () => {
  it('speaks as ILL staff expect', () => {
    expect(outcomeText(item, done({ itemId: '23' }, '8123'))).toBe('Temporary item record 8123 successfully created.');
    expect(outcomeText(item, { kind: 'needs-staff', reason: 'invalid patron id' })).toBe('Temporary item record failed to create (invalid patron id).');
    expect(outcomeText(item, { kind: 'retryable', reason: 'ILS unreachable' })).toBe('Temporary item record failed to create (ILS unreachable). Will retry.');
    expect(pendingText(item)).toBe('Creating temporary item record 8123.');
  });
  it('names the suggested barcode on a collision', () => {
    expect(outcomeText(item, { kind: 'needs-staff', reason: 'barcode 8123 is already in use', suggestion: 'use 8123A' })).toContain('suggestion: use 8123A');
  });
  it('says an already checked-in item was already checked in', () => {
    const checkIn: IlsStep = { name: 'check-in', key: 'k', input: { requestId: '1', itemBarcode: 'B1' } };
    expect(outcomeText(checkIn, { kind: 'already-done', reason: 'not on loan' })).toBe('Item B1 was already checked in (not on loan).');
  });
  it('has a distinct sentence for every step', () => {
    // every field any step reads, so each step's own sentence is the only difference
    const input = {
      requestId: '1',
      barcode: 'B1',
      itemBarcode: 'B1',
      patronId: 'P1',
      pickupLocation: 'MAIN',
      dueDate: '2027-01-01',
      amount: 5,
      feeType: 'ill',
      title: 'T',
      note: 'n',
      lendingLibrary: 'L',
      borrowingLibrary: 'B',
      location: 'ILL',
      inLibraryUseOnly: false,
      chargeKey: 'c',
      holdKey: 'h',
    };
    const steps = ilsStepNames.map((name) => ({ name, key: 'k', input }) as unknown as IlsStep);
    const pending = steps.map((step) => pendingText(step));
    const finished = steps.map((step) => outcomeText(step, done({}, 'B1')));
    expect(new Set(pending).size).toBe(ilsStepNames.length);
    expect(new Set(finished).size).toBe(ilsStepNames.length);
  });
});

describe('classifyThrown', () => {
  it('retries timeouts and refused connections', () => {
    expect(classifyThrown(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).kind).toBe('retryable');
    expect(classifyThrown(Object.assign(new Error('x'), { code: 'ECONNRESET' })).kind).toBe('retryable');
  });
  it('asks staff about anything else', () => {
    expect(classifyThrown('weird')).toEqual({ kind: 'needs-staff', reason: 'unexpected error: weird' });
  });
});
