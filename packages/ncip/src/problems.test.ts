import { describe, expect, it } from 'vitest';
import {
  GENERAL_PROCESSING_ERROR_SCHEME,
  MESSAGING_ERROR_SCHEME,
  type NcipOutcomeKind,
  PROBLEM_RULES,
  classifyProblem,
  classifyProblems,
  normalisedProblemType,
  problemScheme,
} from './problems.ts';
import type { NcipProblem, NcipService } from './types.ts';

type Case = [rule: string, service: NcipService, problem: NcipProblem, kind: NcipOutcomeKind, says: RegExp];

/** At least one case per row of PROBLEM_RULES (checked below), plus the service-specific contrasts. */
const cases: Case[] = [
  ['checkin-not-on-loan', 'CheckInItem', { type: 'Item Not Checked Out' }, 'already-done', /already checked in/],
  ['checkin-not-on-loan', 'CheckInItem', { type: '9022' }, 'already-done', /already checked in/],
  ['checkin-not-on-loan', 'CheckInItem', { type: 'Not On Loan' }, 'already-done', /already checked in/],
  ['checkin-unknown-item', 'CheckInItem', { type: 'Unknown Item', value: '100234' }, 'already-done', /no longer has item 100234/],
  ['delete-unknown-item', 'DeleteItem', { type: 'Unknown Item' }, 'already-done', /nothing to delete/],
  ['cancel-unknown-request', 'CancelRequestItem', { type: 'Unknown Request' }, 'already-done', /nothing to cancel/],
  ['duplicate-request', 'RequestItem', { type: 'Duplicate Request' }, 'already-done', /already has this request/],
  ['duplicate-request', 'AcceptItem', { type: 'Duplicate Request' }, 'already-done', /already has this request/],
  ['duplicate-item', 'AcceptItem', { type: 'Duplicate Item', value: '100234' }, 'needs-staff', /barcode 100234 is already in use.*another temporary barcode/],
  ['barcode-in-use', 'AcceptItem', { type: 'Cannot Accept Item', detail: 'Item barcode already exists' }, 'needs-staff', /already in use/],
  [
    'barcode-in-use',
    'AcceptItem',
    { type: 'Problem performing AcceptItem', detail: 'DuplicateItemBarcodeException' },
    'needs-staff',
    /another temporary barcode/,
  ],
  ['unknown-user', 'LookupUser', { type: 'Unknown User', value: 'P9' }, 'needs-staff', /does not recognise patron P9/],
  ['unknown-user', 'CheckOutItem', { type: 'Unknown User' }, 'needs-staff', /check the patron ID/],
  ['user-blocked', 'CheckOutItem', { type: 'User Blocked', value: 'P1' }, 'needs-staff', /Patron P1 is blocked/],
  ['user-blocked', 'RequestItem', { type: 'UserBlocked', detail: 'PATRON_REQUIRES_MEMBERSHIP' }, 'needs-staff', /blocked.*PATRON_REQUIRES_MEMBERSHIP/],
  ['user-ineligible', 'CheckOutItem', { type: 'User Ineligible To Check Out This Item' }, 'needs-staff', /not allowed to check out/],
  ['user-ineligible', 'RenewItem', { type: 'User Ineligible To Renew This Item' }, 'needs-staff', /not allowed to renew/],
  ['user-ineligible', 'RequestItem', { type: 'User Ineligible To Request This Item' }, 'needs-staff', /not allowed to request/],
  ['unknown-item', 'CheckOutItem', { type: 'Unknown Item', value: '3900' }, 'needs-staff', /does not recognise item 3900/],
  ['unknown-item', 'RequestItem', { type: 'Unknown Item' }, 'needs-staff', /check the barcode/],
  ['item-unavailable', 'RequestItem', { type: 'Item Not Available By Need Before Date' }, 'needs-staff', /refused/],
  ['item-unavailable', 'RequestItem', { type: 'Element Rule Violated', detail: 'NO_HOLDABLE_ITEMS' }, 'needs-staff', /NO_HOLDABLE_ITEMS/],
  ['item-unavailable', 'RenewItem', { type: 'Item Not Checked Out' }, 'needs-staff', /refused/],
  ['item-unavailable', 'CheckOutItem', { type: 'Resource Cannot Be Provided' }, 'needs-staff', /refused/],
  ['loan-limits', 'RenewItem', { type: 'Maximum Renewals Exceeded' }, 'needs-staff', /loan rules/],
  ['loan-limits', 'CheckOutItem', { type: 'Maximum Check Outs Exceeded' }, 'needs-staff', /loan rules/],
  [
    'folio-problem-performing',
    'CheckOutItem',
    { type: 'Problem performing checkout', detail: 'Item is already checked out' },
    'needs-staff',
    /could not complete.*already checked out/,
  ],
  ['unknown-agency', 'AcceptItem', { type: 'Unknown Agency', value: 'BOOKSTRAP' }, 'configuration-error', /agency "BOOKSTRAP"/],
  ['unknown-agency', 'LookupUser', { type: 'Unknown partner' }, 'configuration-error', /partner code/],
  ['authentication-failed', 'LookupUser', { type: 'User Authentication Failed' }, 'configuration-error', /credentials.*Require Authentication/],
  ['authentication-failed', 'CheckInItem', { type: 'Agency Authentication Failed' }, 'configuration-error', /credentials/],
  ['unsupported-service', 'AcceptItem', { type: 'Unsupported Service' }, 'configuration-error', /does not offer/],
  ['unsupported-service', 'RenewItem', { type: 'Service is not known' }, 'configuration-error', /does not offer/],
  ['message-rejected', 'LookupUser', { type: 'Invalid Message Syntax Error' }, 'configuration-error', /rejected the NCIP message/],
  ['message-rejected', 'LookupUser', { type: 'Unknown Application Profile' }, 'configuration-error', /NCIP profile/],
  ['message-rejected', 'AcceptItem', { type: 'Needed Data Missing', element: 'PickupLocation' }, 'configuration-error', /in PickupLocation/],
  ['temporary-failure', 'CheckOutItem', { type: 'Temporary Processing Failure' }, 'retryable', /retried/],
];

describe('PROBLEM_RULES', () => {
  it.each(cases)('%s: %s / %j → %s', (rule, service, problem, kind, says) => {
    const c = classifyProblem(problem, service);
    expect(c.rule).toBe(rule);
    expect(c.kind).toBe(kind);
    expect(c.message).toMatch(says);
    expect(c.problemType).toBe(problem.type);
    expect(c.detail).toBe(problem.detail);
    expect(c.element).toBe(problem.element);
    expect(c.value).toBe(problem.value);
  });

  it('every rule has at least one case', () => {
    const covered = new Set(cases.map((c) => c[0]));
    expect(PROBLEM_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('rule ids are unique', () => {
    const ids = PROBLEM_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matching ignores case and surrounding spaces', () => {
    expect(classifyProblem({ type: '  item not checked out ' }, 'CheckInItem').kind).toBe('already-done');
  });

  it('unknown vendor strings need a person, and say what the ILS said', () => {
    const c = classifyProblem({ type: 'ERR-4711', detail: 'Kaputt' }, 'CheckOutItem');
    expect(c).toMatchObject({ kind: 'needs-staff', rule: undefined });
    expect(c.message).toBe('The ILS reported a problem: ERR-4711. ILS said: "Kaputt"');
  });

  it('a problem value is quoted with its element when there is no detail', () => {
    expect(
      classifyProblem({ type: 'Item Not Checked Out', element: 'UniqueItemId/ItemIdentifierValue', value: 'Item not on loan.' }, 'CheckInItem').message,
    ).toBe('Item was already checked in at the ILS; nothing to do. (UniqueItemId/ItemIdentifierValue "Item not on loan.")');
  });
});

describe("Innovative's numeric ProblemTypes (NYPL checkin-request-service captures)", () => {
  it('9022 on CheckInItem is already done; 9016 is an unknown item (already done on check-in, staff elsewhere)', () => {
    expect(classifyProblem({ type: '9022', detail: 'Item is Not Checked Out' }, 'CheckInItem')).toMatchObject({ kind: 'already-done', problemType: '9022' });
    expect(classifyProblem({ type: '9016', detail: 'Unknown Item' }, 'CheckInItem').kind).toBe('already-done');
    expect(classifyProblem({ type: '9016', detail: 'Unknown Item' }, 'CheckOutItem')).toMatchObject({ kind: 'needs-staff', rule: 'unknown-item' });
    expect(normalisedProblemType(' 9016 ')).toBe('Unknown Item');
    // An unknown numeric code is not guessed at: a person looks.
    expect(classifyProblem({ type: '5000' }, 'CheckInItem')).toMatchObject({ kind: 'needs-staff', rule: undefined });
  });
});

describe('classifyProblems', () => {
  it('is already-done only when every problem is', () => {
    expect(classifyProblems([{ type: 'Item Not Checked Out' }, { type: 'Unknown Item' }], 'CheckInItem').kind).toBe('already-done');
    expect(classifyProblems([{ type: 'Item Not Checked Out' }, { type: 'Temporary Processing Failure' }], 'CheckInItem').kind).toBe('retryable');
  });

  it('the most serious kind wins and every message is kept', () => {
    const c = classifyProblems([{ type: 'Temporary Processing Failure' }, { type: 'Unknown Agency' }, { type: 'User Blocked' }], 'CheckOutItem');
    expect(c.kind).toBe('configuration-error');
    expect(c.problems.map((p) => p.kind)).toEqual(['retryable', 'configuration-error', 'needs-staff']);
    expect(c.message).toMatch(/temporary failure.*agency.*blocked/);
  });

  it('no problems at all still needs a person', () => {
    expect(classifyProblems([], 'LookupUser').kind).toBe('needs-staff');
  });
});

describe('problemScheme', () => {
  it('puts messaging, general and service errors in their NISO schemes', () => {
    expect(problemScheme('Invalid Message Syntax Error')).toBe(MESSAGING_ERROR_SCHEME);
    expect(problemScheme('Unknown Agency', 'CheckInItem')).toBe(GENERAL_PROCESSING_ERROR_SCHEME);
    expect(problemScheme('Item Not Checked Out', 'CheckInItem')).toBe(
      'http://www.niso.org/ncip/v1_0/schemes/processingerrortype/checkinitemprocessingerror.scm',
    );
    expect(problemScheme('Unknown User', 'LookupUser')).toBe('http://www.niso.org/ncip/v1_0/schemes/processingerrortype/lookupuserprocessingerror.scm');
  });
});
