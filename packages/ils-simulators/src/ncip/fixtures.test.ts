/**
 * Every captured client message (shared/fixtures/ncip-requests: FOLIO's and Relais' real
 * requests, not all schema-valid) gets a schema-valid answer — the result or a Problem — from a
 * permissive responder that addresses those agencies, and from the Alma responder.
 */
import { parseResponse, profiles } from '@bookstrap/ncip';
import { fixtureNames, readFixture } from '@bookstrap/ncip/testing';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../simulator.ts';
import { fixedClock } from '../clock.ts';
import { addPatronBlock, createPatron } from '../engine/patrons.ts';
import { createDemoEngine, testNow } from '../testing.ts';
import { createNcipResponder } from './responder.ts';

const names = fixtureNames('ncip-requests', '.xml');

describe('captured NCIP requests', () => {
  it('a responder for the Lehigh agencies answers every fixture validly, with real results for the known patrons', async () => {
    const demo = createDemoEngine();
    // The Lehigh patrons the fixtures name, so they reach the services instead of stopping at Unknown User.
    createPatron(demo.engine, { primaryId: '8377630', barcode: '8377630', firstName: 'Ada', lastName: 'Relais', userGroup: 'GRAD', expiryDate: '2030-01-01' });
    createPatron(demo.engine, { primaryId: '8377631', barcode: '8377631', firstName: 'Bo', lastName: 'Relais', userGroup: 'GRAD', expiryDate: '2030-01-01' });
    const blocked = createPatron(demo.engine, {
      primaryId: '5551213',
      barcode: '5551213',
      firstName: 'Cy',
      lastName: 'Owes',
      userGroup: 'GRAD',
      expiryDate: '2030-01-01',
    });
    addPatronBlock(demo.engine, blocked.id, { blockType: 'GENERAL', description: 'Owes the library money' });
    const responder = createNcipResponder({
      profile: profiles.alma,
      runtime: demo,
      config: {
        agencyIds: ['LEHI', 'Lehigh University', 'LEH', 'other'],
        temporaryItems: { library: 'MAIN', location: 'ILL', policy: 'ILL' },
        circulation: { library: 'MAIN' },
        pickupLocations: { FAIRCHILD: 'MAIN', DELIVERY: 'SCI' },
        fees: { ownerLibrary: 'MAIN', defaultType: 'OTHER' },
        // FOLIO's PIN fixtures: 1234 is right, 5678 wrong.
        checkPin: (_patron, pin) => pin === '1234',
      },
    });
    const answers = names.map((name) => responder.respond(readFixture('ncip-requests', name)));
    const { results } = await validateNcip2(answers);
    expect(results.flatMap((r, i) => (r.valid ? [] : [`${names[i]}: ${r.errors.join('; ')}`]))).toEqual([]);

    const outcome = (name: string) => {
      const answer = answers[names.indexOf(name)] ?? '';
      const parsed = parseResponse(answer);
      return parsed.ok ? 'ok' : (parsed.error.problems?.[0]?.problemType ?? parsed.error.reason);
    };
    expect(Object.fromEntries(names.map((name) => [name, outcome(name)]))).toEqual({
      'acceptItem.xml': 'ok',
      'checkInItem.xml': 'Unknown Item',
      'checkOutItem.xml': 'Unknown Item',
      'lookupUser-without-barcode.xml': 'Unknown User', // a username the ILS does not have
      'lookupUser.xml': 'ok',
      'ncip-acceptItem-blocked.xml': 'User Blocked',
      'ncip-acceptItem.xml': 'ok',
      'ncip-cancelRequestItem-blockedUser.xml': 'Unknown User',
      'ncip-cancelRequestItem-missingAgency.xml': 'Needed Data Missing',
      'ncip-cancelRequestItem-missingUser.xml': 'Needed Data Missing',
      'ncip-cancelRequestItem.xml': 'Unknown User',
      'ncip-checkin.xml': 'Unknown Item',
      'ncip-checkout-full.xml': 'Unknown User',
      'ncip-checkout.xml': 'Unknown Item',
      'ncip-createUserFiscalTransaction.xml': 'Unknown Item',
      'ncip-createUserFiscalTransactionBlocked.xml': 'Invalid Amount', // a zero fee is no fee
      'ncip-createUserFiscalTransactionNoTrans.xml': 'Needed Data Missing',
      'ncip-deleteItem-error.xml': 'Unknown Item',
      'ncip-deleteItem-missingAgency.xml': 'Needed Data Missing',
      'ncip-deleteItem-missingItem.xml': 'Needed Data Missing',
      'ncip-deleteItem.xml': 'Unknown Item',
      'ncip-lookupUser.xml': 'ok',
      'ncip-lookupUserAutomatedBlock.xml': 'Unknown User',
      'ncip-lookupUserBlocked.xml': 'ok', // blocked users are described, not refused
      'ncip-lookupUserCheckPin.xml': 'ok',
      'ncip-lookupUserCheckPinFailed.xml': 'User Authentication Failed',
      'ncip-lookupUserNotFound.xml': 'Unknown User',
      'ncip-requestitem-barcodeFallback.xml': 'Unknown Item',
      'ncip-requestitem-title.xml': 'Unknown Item',
      'ncip-requestitem-titleLocation.xml': 'Unknown Item',
      'ncip-requestitem.xml': 'Unknown Item',
    });
  });

  it('the Alma responder answers every fixture validly (they name other agencies and no partner: Problems)', async () => {
    const sim = createSimulator({ vendor: 'alma', clock: fixedClock(testNow) });
    const answers: string[] = [];
    for (const name of names) {
      const response = await sim.app.request('/view/NCIPServlet', { method: 'POST', body: readFixture('ncip-requests', name) });
      expect(response.status).toBe(200);
      answers.push(await response.text());
    }
    sim.close();
    const { results } = await validateNcip2(answers);
    expect(results.flatMap((r, i) => (r.valid ? [] : [`${names[i]}: ${r.errors.join('; ')}`]))).toEqual([]);
    for (const answer of answers) expect(answer).toContain('<Problem>');
  });
});
