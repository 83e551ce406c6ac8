import { describe, expect, it } from 'vitest';
import { expectPatronLoansFindOnlyIllItems, expectPreflightReadsOnly } from '../recovery-contract.ts';
import { SierraRestAdapter, sierraOptions } from './sierra.ts';
import { sierraContractSubject, sierraRestConnection } from './test-support.ts';

const subject = (credentials = sierraRestConnection.credentials) =>
  sierraContractSubject((context) => new SierraRestAdapter(sierraOptions({ ...sierraRestConnection, credentials }), context));

describe('Sierra REST: strap recovery and the connection check', () => {
  it("lists the patron's checkouts that are Bookstrap's temporary items, never their other books", async () => {
    await expectPatronLoansFindOnlyIllItems(subject());
  });

  it('checks token, test patron and test item by reading; declares the locations it cannot read', async () => {
    const checks = await expectPreflightReadsOnly(subject());
    expect(checks.authenticate).toMatchObject({ status: 'passed' });
    expect(checks['test-patron']).toMatchObject({ status: 'passed' });
    expect(checks['test-item']).toMatchObject({ status: 'passed' });
    expect(checks['pickup-locations']).toMatchObject({ status: 'skipped', detail: expect.stringContaining('no read-only list of locations') });
    expect(checks['ill-location']).toMatchObject({ status: 'skipped' });
    const missing = await expectPreflightReadsOnly(subject(), { testPatronId: '22999999999999', testItemBarcode: '99999999' });
    expect(missing['test-patron']).toMatchObject({ status: 'failed', detail: expect.stringContaining('22999999999999') });
    expect(missing['test-item']).toMatchObject({ status: 'failed', detail: expect.stringContaining('99999999') });
  });

  it("fails authentication with Sierra's own words for a wrong secret", async () => {
    const checks = await expectPreflightReadsOnly(subject({ ...sierraRestConnection.credentials, clientSecret: 'wrong' }));
    expect(checks.authenticate).toMatchObject({ status: 'failed', ok: false, detail: expect.stringMatching(/Sierra refused the API key.*\(.+\)/) });
    expect(checks['test-patron']).toMatchObject({ status: 'skipped' });
  });
});
