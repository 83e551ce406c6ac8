import { describe, expect, it } from 'vitest';
import { expectPatronLoansFindOnlyIllItems, expectPreflightReadsOnly } from '../recovery-contract.ts';
import { AlmaRestAdapter, almaOptions } from './alma.ts';
import { alma, almaContractSubject, host } from './test-support.ts';

const subject = (apiKey = alma.apiKey) =>
  almaContractSubject(
    (context) =>
      new AlmaRestAdapter(
        almaOptions({ ils: 'alma', protocol: 'rest', baseUrl: `${host}/almaws/v1`, credentials: { apiKey }, library: alma.illLibrary }),
        context,
      ),
  );

describe('Alma REST: strap recovery and the connection check', () => {
  it("lists the patron's loans that are Bookstrap's temporary items, never their other books", async () => {
    await expectPatronLoansFindOnlyIllItems(subject());
  });

  it('passes every check by reading only, and names what is missing in Alma', async () => {
    const checks = await expectPreflightReadsOnly(subject());
    expect(Object.values(checks).map((check) => check.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    const wrong = await expectPreflightReadsOnly(subject(), { pickupLocations: ['MAIN', 'MOON'], illLocations: ['ILLX'] });
    expect(wrong['pickup-locations']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no library MOON') });
    expect(wrong['ill-location']).toMatchObject({ status: 'failed', detail: expect.stringContaining('no location ILLX') });
  });

  it("fails authentication with Alma's own error for a wrong key, and tries nothing else", async () => {
    const checks = await expectPreflightReadsOnly(subject('not-the-key'));
    expect(checks.authenticate).toMatchObject({ status: 'failed', detail: expect.stringMatching(/Alma refused the API key .*\(Alma \S+: .+\)/) });
    expect(Object.values(checks).filter((check) => check.status === 'skipped')).toHaveLength(4);
  });
});
