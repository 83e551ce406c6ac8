import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { circulationSystemContract } from '../contract.ts';
import { SirsiDynixWsAdapter, sirsiDynixConnectionProblems, sirsiDynixOptions } from '../sirsidynix/adapter.ts';
import { contractSubject, ncipConnection, wsConnection } from '../sirsidynix/test-support.ts';
import { SirsiDynixNcipAdapter } from '../sirsidynix/ncip.ts';
import { symphonyNcipAdapter, symphonyNcipSetup, symphonyProduct, symphonyRestAdapter, symphonyWsPath } from './symphony.ts';

/**
 * The shared adapter contract against the simulated Symphony, both ways a library can connect:
 * Web Services only, and NCIP 1.0 with Web Services for locations. The probe reads through
 * Symphony Web Services only.
 */
const symphony = demo.symphony;
const wsSubject = async () =>
  contractSubject('symphony', (context) => new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(wsConnection('symphony'), symphonyWsPath), context));
const ncipSubject = async () => contractSubject('symphony', (context) => new SirsiDynixNcipAdapter(symphonyNcipSetup, ncipConnection('symphony'), context));

// Symphony Web Services document no bill creation, and its NCIP server no fiscal messages.
circulationSystemContract('Symphony Web Services (simulated)', wsSubject, { unsupported: ['charge fee', 'charge fee twice'] });
circulationSystemContract('Symphony NCIP 1.0 + Web Services (simulated)', ncipSubject, { unsupported: ['charge fee', 'charge fee twice'] });
// Every Web Services step as on its first run (issue 14: the protocol minimum, look-ups only after
// a refusal): the same contract, repeats included — a repeat's refusal must still end already-done.
circulationSystemContract(
  'Symphony Web Services (simulated), each call as a first run',
  async () =>
    contractSubject(
      'symphony',
      (context) => new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(wsConnection('symphony'), symphonyWsPath), { ...context, firstRun: true }),
    ),
  { unsupported: ['charge fee', 'charge fee twice'] },
);

describe('Symphony adapters: declared gaps, prompts and sessions', () => {
  it('declares fees unsupported and refuses them as configuration errors, never a fake success', async () => {
    for (const subject of [await wsSubject(), await ncipSubject()]) {
      expect(subject.system.capabilities).toMatchObject({ fees: false, feesOnShipped: false, lendingHold: true, temporaryLocation: true });
      const outcome = await subject.system.chargeFee({ requestId: '1', patronId: subject.fixture.patronId, feeType: 'ILLFEE', amount: 1, comment: 'x' });
      expect(outcome.kind).toBe('configuration-error');
    }
    expect(symphonyRestAdapter.capabilities.fees).toBe(false);
    expect(symphonyNcipAdapter.capabilities).toMatchObject({ lendingHold: true, temporaryLocation: true, dueDateUpdate: 'renewal', deleteTemporaryItem: true });
  });

  it('sends a blocked account to staff ("needs staff: …") instead of overriding the CKOBLOCKS prompt', async () => {
    const subject = await wsSubject();
    const blocked = symphony.patrons.blocked.barcode;
    const item = subject.fixture.lendableBarcodes[11] as string;
    const outcome = await subject.system.checkOut({ requestId: '9300001', patronId: blocked, itemBarcode: item });
    expect(outcome).toMatchObject({
      kind: 'needs-staff',
      reason: expect.stringMatching(/^needs staff: User .* has blocks: Owes the library money\. .*CKOBLOCKS/),
    });
    expect(await subject.probe.loan(item)).toBeNull();
    const hold = await subject.system.placeLendingHold({ requestId: '9300002', itemBarcode: item, title: 'x', patronId: blocked });
    expect(hold).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('CKOBLOCKS') });
  });

  it('overrides exactly the prompts the library lists, with its override code, and masks the code in the log', async () => {
    const subject = contractSubject(
      'symphony',
      (context) =>
        new SirsiDynixWsAdapter(
          symphonyProduct,
          sirsiDynixOptions(
            wsConnection('symphony', {
              overridePrompts: ['CKOBLOCKS'],
              credentials: { ...wsConnection('symphony').credentials, overrideCode: symphony.overrideCode },
            }),
            symphonyWsPath,
          ),
          context,
        ),
    );
    const blocked = symphony.patrons.blocked.barcode;
    const item = subject.fixture.lendableBarcodes[12] as string;
    const outcome = await subject.system.checkOut({ requestId: '9300003', patronId: blocked, itemBarcode: item, dueDate: '2025-04-16' });
    expect(outcome).toMatchObject({ kind: 'done', value: { dueDate: '2025-04-16' } });
    expect(await subject.probe.loan(item)).toEqual({ patronId: blocked, dueDate: '2025-04-16' });
    const retried = subject.traffic.find((t) => t.requestHeaders?.['SD-Prompt-Return']);
    expect(retried?.requestHeaders?.['SD-Prompt-Return']).toBe('CKOBLOCKS/****');
    expect(JSON.stringify(subject.traffic)).not.toContain(symphony.overrideCode);
    // An expired account raises another prompt the library did not list: staff decide.
    const expired = await subject.system.checkOut({
      requestId: '9300004',
      patronId: symphony.patrons.expired.barcode,
      itemBarcode: subject.fixture.lendableBarcodes[13] as string,
    });
    expect(expired).toMatchObject({ kind: 'needs-staff', reason: expect.stringContaining('USER_PRIVILEGE_OVRCD') });
  });

  it('logs in again when the session has timed out, and masks the session token and password in the log', async () => {
    const subject = await wsSubject();
    expect((await subject.system.lookupPatron({ patronId: subject.fixture.patronId })).kind).toBe('done');
    subject.sim.clock.advance(2 * 60 * 60_000);
    expect((await subject.system.lookupPatron({ patronId: subject.fixture.patronId })).kind).toBe('done');
    const logins = subject.traffic.filter((t) => t.url.endsWith('/user/staff/login'));
    expect(logins).toHaveLength(2);
    expect(subject.traffic.some((t) => t.status === 401 && t.responseBody?.includes('sessionTimedOut'))).toBe(true);
    const logged = JSON.stringify(subject.traffic);
    expect(logged).not.toContain(symphony.staff.password);
    expect(subject.traffic.every((t) => !t.requestHeaders?.['x-sirs-sessionToken'] || t.requestHeaders['x-sirs-sessionToken'] === '****')).toBe(true);
  });

  it('answers a wrong client id or staff password with a configuration error', async () => {
    for (const credentials of [
      { clientId: 'WRONG', username: symphony.staff.login, password: symphony.staff.password },
      { clientId: symphony.clientId, username: symphony.staff.login, password: 'wrong' },
    ]) {
      const subject = contractSubject(
        'symphony',
        (context) => new SirsiDynixWsAdapter(symphonyProduct, sirsiDynixOptions(wsConnection('symphony', { credentials }), symphonyWsPath), context),
      );
      const outcome = await subject.system.lookupPatron({ patronId: subject.fixture.patronId });
      expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('credentials') });
    }
  });

  it('checks a connection at configuration time', () => {
    expect(sirsiDynixConnectionProblems({ ils: 'symphony', protocol: 'rest', credentials: {} }, 'Symphony').map((p) => p.path)).toEqual([
      'connection.baseUrl',
      'connection.credentials.clientId',
      'connection.credentials',
      'connection.library',
    ]);
    const withPrompts = { ...wsConnection('symphony'), overridePrompts: ['CKOBLOCKS'] };
    expect(sirsiDynixConnectionProblems(withPrompts, 'Symphony').map((p) => p.path)).toEqual(['connection.credentials.overrideCode']);
    // NCIP mode needs no Web Services, but half a Web Services set-up is refused.
    const ncipOnly = { ...ncipConnection('symphony'), baseUrl: undefined, credentials: {} };
    expect(symphonyNcipAdapter.checkConnection?.(ncipOnly)).toEqual([]);
    expect(symphonyNcipAdapter.checkConnection?.({ ...ncipOnly, credentials: { clientId: 'X' } }).map((p) => p.path)).toContain('connection.baseUrl');
  });

  it('in NCIP mode without Web Services, a temporary location is a configuration error naming what is missing', async () => {
    const subject = contractSubject(
      'symphony',
      (context) => new SirsiDynixNcipAdapter(symphonyNcipSetup, { ...ncipConnection('symphony'), baseUrl: undefined, credentials: {} }, context),
    );
    const outcome = await subject.system.moveToTemporaryLocation({
      requestId: '1',
      itemBarcode: subject.fixture.lendableBarcodes[0] as string,
      location: 'ILL',
    });
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('Web Services') });
  });

  it('speaks NCIP for circulation and Web Services only for locations', async () => {
    const subject = await ncipSubject();
    const barcode = subject.fixture.lendableBarcodes[14] as string;
    await subject.system.checkOut({ requestId: '9300005', patronId: subject.fixture.accountId, itemBarcode: barcode, dueDate: '2025-04-16' });
    await subject.system.moveToTemporaryLocation({ requestId: '9300005', itemBarcode: barcode, location: 'ILL' });
    const kinds = subject.traffic.map((t) => (t.url.endsWith('/ncip') ? 'NCIP' : 'WS'));
    expect(kinds[0]).toBe('NCIP');
    expect(kinds.slice(1).every((kind) => kind === 'WS')).toBe(true);
    expect(await subject.probe.temporaryLocation(barcode)).toBe('ILL');
  });

  it('finds temporary items by title without the strap', async () => {
    const subject = await wsSubject();
    const system = subject.system as SirsiDynixWsAdapter;
    await system.createTemporaryItem({
      requestId: '9300006',
      barcode: '9300006',
      title: 'A very findable borrowed book',
      note: 'ILL request 9300006 from LENDA',
      lendingLibrary: 'LENDA',
      location: 'ILL',
      inLibraryUseOnly: false,
    });
    expect(await system.findTemporaryItems({ title: 'findable borrowed' })).toEqual([
      { barcode: '9300006', title: 'A very findable borrowed book', note: 'ILL request 9300006 from LENDA', requestId: '9300006' },
    ]);
  });
});
