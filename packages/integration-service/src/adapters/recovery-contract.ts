import type { CirculationSystem, PreflightInput } from '@bookstrap/core';
import { expect } from 'vitest';
import type { ContractSubject } from './contract.ts';
import type { Simulator } from '@bookstrap/ils-simulators';

/**
 * Shared checks for an adapter's strap recovery (`patronLoans`) and connection check
 * (`preflight`), against its simulator: recovery returns the patron's ILL temporary items and
 * never a normal library item on the same card; preflight only reads (the simulator's whole state
 * is unchanged) and fails authentication with the vendor's words when the credentials are wrong.
 */
type Subject = ContractSubject & { sim: Simulator };

const state = async (subject: Subject) =>
  JSON.stringify(((await (await subject.sim.app.request('http://any.sim.test/_sim/state')).json()) as { tables: unknown }).tables);

export async function expectPatronLoansFindOnlyIllItems(subject: Subject, requestId = '9500001') {
  const { system, fixture } = subject;
  const barcode = `TMP${requestId}`;
  const created = await system.createTemporaryItem({
    requestId,
    barcode,
    title: 'Recovery test: Dracula',
    note: `ILL request ${requestId} from LENDA`,
    lendingLibrary: 'LENDA',
    location: fixture.illLocation,
    inLibraryUseOnly: false,
    ...(fixture.itemPolicy ? { itemPolicy: fixture.itemPolicy } : {}),
    patronId: fixture.patronId,
    pickupLocation: fixture.pickupLocation,
  });
  expect(created.kind, JSON.stringify(created)).toBe('done');
  for (const itemBarcode of [barcode, fixture.lendableBarcodes[0]!]) {
    const loan = await system.checkOut({ requestId, patronId: fixture.patronId, itemBarcode });
    expect(['done', 'already-done'], JSON.stringify(loan)).toContain(loan.kind);
  }
  const before = await state(subject);
  const loans = await (system.patronLoans as NonNullable<CirculationSystem['patronLoans']>)({ patronId: fixture.patronId });
  expect(loans).toEqual({ kind: 'done', value: [{ requestId, barcode, title: 'Recovery test: Dracula', dueDate: expect.any(String) }] });
  expect(await state(subject)).toBe(before);
  const unknown = await (system.patronLoans as NonNullable<CirculationSystem['patronLoans']>)({ patronId: fixture.unknownPatronId });
  expect(unknown.kind).not.toBe('done');
}

export async function expectPreflightReadsOnly(subject: Subject, input: Partial<PreflightInput> = {}) {
  const { system, fixture } = subject;
  const before = await state(subject);
  const checks = await (system.preflight as NonNullable<CirculationSystem['preflight']>)({
    testPatronId: fixture.patronId,
    testItemBarcode: fixture.lendableBarcodes[0],
    pickupLocations: [fixture.pickupLocation],
    illLocations: [fixture.illLocation],
    ...input,
  });
  expect(await state(subject)).toBe(before);
  return Object.fromEntries(checks.map((check) => [check.name, check]));
}
