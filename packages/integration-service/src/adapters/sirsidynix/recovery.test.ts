import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { horizonProduct, horizonWsPath } from '../horizon/horizon.ts';
import { expectPatronLoansFindOnlyIllItems, expectPreflightReadsOnly } from '../recovery-contract.ts';
import { symphonyProduct, symphonyWsPath } from '../symphony/symphony.ts';
import { SirsiDynixWsAdapter, type SirsiDynixProduct, sirsiDynixOptions } from './adapter.ts';
import { SirsiDynixNcipAdapter } from './ncip.ts';
import { contractSubject, ncipConnection, type Product, wsConnection } from './test-support.ts';
import { symphonyNcipSetup } from '../symphony/symphony.ts';

const products: [Product, SirsiDynixProduct, string][] = [
  ['symphony', symphonyProduct, symphonyWsPath],
  ['horizon', horizonProduct, horizonWsPath],
];

describe.each(products)('%s Web Services: strap recovery and the connection check', (product, setup, path) => {
  const d = demo[product];
  const subject = (extra: Parameters<typeof wsConnection>[1] = {}) =>
    contractSubject(product, (context) => new SirsiDynixWsAdapter(setup, sirsiDynixOptions(wsConnection(product, extra), path), context));

  it("lists the patron's charges that are Bookstrap's temporary items, never their other books", async () => {
    await expectPatronLoansFindOnlyIllItems(subject());
  });

  it('passes every check by reading only, and names the pickup library and ILL location that do not exist', async () => {
    const checks = await expectPreflightReadsOnly(subject());
    expect(Object.values(checks).map((check) => [check.name, check.status])).toEqual([
      ['authenticate', 'passed'],
      ['test-patron', 'passed'],
      ['test-item', 'passed'],
      ['pickup-locations', 'passed'],
      ['ill-location', 'passed'],
    ]);
    const wrong = await expectPreflightReadsOnly(subject(), { testItemBarcode: '99999999', pickupLocations: ['MOON'], illLocations: ['ILLX'] });
    expect(wrong['test-item']).toMatchObject({ status: 'failed', detail: expect.stringContaining('99999999') });
    expect(wrong['pickup-locations']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no library MOON') });
    expect(wrong['ill-location']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no location ILLX') });
  });

  it("fails authentication with the vendor's own words for a wrong password", async () => {
    const checks = await expectPreflightReadsOnly(subject({ credentials: { clientId: d.clientId, username: d.staff.login, password: 'not-the-password' } }));
    expect(checks.authenticate).toMatchObject({ status: 'failed', ok: false });
    expect(checks.authenticate!.detail.length).toBeGreaterThan(20);
    expect(checks['test-patron']).toMatchObject({ status: 'skipped' });
  });
});

describe('Symphony over NCIP with Web Services beside', () => {
  const subject = (toAgencyId?: string) =>
    contractSubject('symphony', (context) => {
      const connection = ncipConnection('symphony');
      return new SirsiDynixNcipAdapter(symphonyNcipSetup, toAgencyId ? { ...connection, ncip: { ...connection.ncip!, toAgencyId } } : connection, context);
    });

  it('recovers from the patron’s loans over Web Services (it sees the item notes)', async () => {
    await expectPatronLoansFindOnlyIllItems(subject());
  });

  it('checks both protocols: Web Services for the records, the NCIP responder for authentication', async () => {
    const checks = await expectPreflightReadsOnly(subject());
    expect(checks.authenticate).toMatchObject({ status: 'passed', detail: expect.stringContaining('the NCIP responder answered') });
    const wrong = await expectPreflightReadsOnly(subject('NOT-AN-AGENCY'));
    expect(wrong.authenticate).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^NCIP responder: /) });
    expect(wrong['ill-location']).toMatchObject({ status: 'passed' });
  });
});
