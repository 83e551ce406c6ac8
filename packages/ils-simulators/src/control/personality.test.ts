import { buildRequest, type InitiationHeader, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { almaSimulator, demo } from '../vendors/alma/test-support.ts';
import { defaultPersonality, PersonalityStore, personalityFromEnv } from './personality.ts';

const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: demo.institutionCode, applicationProfileType: demo.ncipPartnerCode };

function ncip(api: ReturnType<typeof almaSimulator>) {
  return async (request: NcipRequest) => {
    const response = await api.sim.app.request('/view/NCIPServlet', {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: buildRequest(request, profiles.alma),
    });
    return parseResponse(await response.text(), request.service);
  };
}

const control = async (api: ReturnType<typeof almaSimulator>, method: string, body?: unknown) => {
  const response = await api.sim.app.request('/_sim/personality', {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

/** A second AcceptItem whose ItemId is a barcode the ILS already has (a lendable item's). */
const acceptTakenBarcode = (requestId: string): NcipRequest => ({
  service: 'AcceptItem',
  header,
  requestId,
  requestedActionType: 'Hold For Pickup',
  userId: demo.patrons.good.barcode,
  itemId: demo.lendableItems[0]?.barcode as string,
  bibliographicDescription: { title: 'Duplicate barcode', author: 'Tester' },
  pickupLocation: 'MAIN',
});

const itemsWithBarcode = async (api: ReturnType<typeof almaSimulator>, barcode: string) =>
  (await api.sim.app.request(`/almaws/v1/items?item_barcode=${encodeURIComponent(barcode)}`, { headers: { Authorization: `apikey ${demo.apiKey}` } })).status;

describe('responder personalities', () => {
  it('default to the simulated vendor’s own behaviour, and the control plane shows them', async () => {
    const api = almaSimulator({ env: {} });
    expect(await control(api, 'GET')).toEqual({ status: 200, body: { personality: defaultPersonality } });
  });

  it('PUT /_sim/personality changes only what it names; bad names and values are 400 naming them and change nothing; reset restores', async () => {
    const api = almaSimulator({ env: {} });
    expect((await control(api, 'PUT', { checkInNotOnLoan: 'success' })).body.personality).toEqual({ ...defaultPersonality, checkInNotOnLoan: 'success' });
    const unknown = await control(api, 'PUT', { duplicateBarcodes: 'new-barcode' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('duplicateBarcodes');
    const badValue = await control(api, 'PUT', { duplicateBarcode: 'overwrite' });
    expect(badValue.status).toBe(400);
    expect(badValue.body.error.message).toContain('duplicateBarcode');
    const notJson = await api.sim.app.request('/_sim/personality', { method: 'PUT', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await control(api, 'GET')).body.personality).toEqual({ ...defaultPersonality, checkInNotOnLoan: 'success' });
    await api.sim.app.request('/_sim/reset', { method: 'POST' });
    expect((await control(api, 'GET')).body.personality).toEqual(defaultPersonality);
  });

  it('SIM_PERSONALITY_<VENDOR> sets the start value (JSON or key=value), and a bad one names the variable', () => {
    expect(personalityFromEnv('alma', defaultPersonality, { SIM_PERSONALITY_ALMA: '{"duplicateBarcode":"rollback"}' }).duplicateBarcode).toBe('rollback');
    expect(personalityFromEnv('sierra', defaultPersonality, { SIM_PERSONALITY_SIERRA: 'checkInNotOnLoan=success, duplicateBarcode=new-barcode' })).toEqual({
      checkInNotOnLoan: 'success',
      duplicateBarcode: 'new-barcode',
      problemWording: 'vendor',
    });
    expect(() => personalityFromEnv('wms', defaultPersonality, { SIM_PERSONALITY_WMS: 'duplicateBarcode=silently' })).toThrow(/SIM_PERSONALITY_WMS/);
    expect(() => personalityFromEnv('wms', defaultPersonality, { SIM_PERSONALITY_WMS: '{nope' })).toThrow(/SIM_PERSONALITY_WMS/);
    const api = almaSimulator({ env: { SIM_PERSONALITY_ALMA: 'duplicateBarcode=new-barcode' } });
    expect(api.sim.personality.current().duplicateBarcode).toBe('new-barcode');
  });

  it('any sequence of updates leaves a valid personality: bad updates change nothing', () => {
    const value = fc.oneof(fc.constantFrom('duplicate-item', 'new-barcode', 'rollback', 'problem', 'success'), fc.string(), fc.integer());
    const key = fc.constantFrom('duplicateBarcode', 'checkInNotOnLoan', 'other');
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { maxKeys: 2 }), { maxLength: 12 }), (updates) => {
        const store = new PersonalityStore();
        for (const update of updates) {
          const before = store.current();
          try {
            store.update(update);
          } catch {
            expect(store.current()).toEqual(before);
          }
          expect(['duplicate-item', 'new-barcode', 'rollback']).toContain(store.current().duplicateBarcode);
          expect(['problem', 'success']).toContain(store.current().checkInNotOnLoan);
        }
      }),
      { seed: 1712, numRuns: 200 },
    );
  });

  describe('a second AcceptItem with a barcode already in the ILS', () => {
    it('duplicate-item (default): Problem "Duplicate Item" with a suggestion, nothing created', async () => {
      const api = almaSimulator({ env: {} });
      const answer = await ncip(api)(acceptTakenBarcode('5550001'));
      expect(answer.ok).toBe(false);
      expect(!answer.ok && answer.error.problems?.[0]).toMatchObject({ problemType: 'Duplicate Item' });
      expect(await itemsWithBarcode(api, `${demo.lendableItems[0]?.barcode}-1`)).toBe(400);
      const requests = await api.json(`/users/${demo.patrons.good.primaryId}/requests`);
      expect(requests.body.total_record_count).toBe(0);
    });

    it('new-barcode (Koha): the item is made under a free variant and the response says which', async () => {
      const api = almaSimulator({ env: {}, personality: { duplicateBarcode: 'new-barcode' } });
      const answer = await ncip(api)(acceptTakenBarcode('5550002'));
      expect(answer.ok && answer.response).toMatchObject({ service: 'AcceptItem', itemId: `${demo.lendableItems[0]?.barcode}-1` });
      expect(await itemsWithBarcode(api, `${demo.lendableItems[0]?.barcode}-1`)).toBe(302);
      const requests = await api.json(`/users/${demo.patrons.good.primaryId}/requests`);
      expect(requests.body.user_request).toEqual([expect.objectContaining({ barcode: `${demo.lendableItems[0]?.barcode}-1` })]);
    });

    it('rollback (FOLIO): "Problem performing AcceptItem" and nothing kept', async () => {
      const api = almaSimulator({ env: {}, personality: { duplicateBarcode: 'rollback' } });
      const answer = await ncip(api)(acceptTakenBarcode('5550003'));
      expect(!answer.ok && answer.error.problems?.[0]).toMatchObject({ problemType: 'Problem performing AcceptItem' });
      expect(await itemsWithBarcode(api, `${demo.lendableItems[0]?.barcode}-1`)).toBe(400);
      const found = await api.json('/bibs?other_system_id=5550003');
      expect(found.body.total_record_count ?? 0).toBe(0);
    });
  });

  describe('CheckInItem of an item not on loan', () => {
    const checkIn = (barcode: string): NcipRequest => ({ service: 'CheckInItem', header, itemId: barcode });

    it('problem (default): "Item Not Checked Out"', async () => {
      const api = almaSimulator({ env: {} });
      const answer = await ncip(api)(checkIn(demo.lendableItems[0]?.barcode as string));
      expect(!answer.ok && answer.error.problems?.[0]).toMatchObject({ problemType: 'Item Not Checked Out' });
    });

    it('success: answered as done, the item unchanged', async () => {
      const api = almaSimulator({ env: {}, personality: { checkInNotOnLoan: 'success' } });
      const barcode = demo.lendableItems[0]?.barcode as string;
      const before = await api.sim.app.request(`/almaws/v1/items?item_barcode=${barcode}`, { headers: { Authorization: `apikey ${demo.apiKey}` } });
      const itemPath = new URL(before.headers.get('location') ?? '').pathname.replace('/almaws/v1', '');
      const itemBefore = await api.json(itemPath);
      const answer = await ncip(api)(checkIn(barcode));
      expect(answer.ok && answer.response).toMatchObject({ service: 'CheckInItem', itemId: barcode });
      const itemAfter = await api.json(itemPath);
      expect(itemAfter.body.item_data).toEqual(itemBefore.body.item_data);
      // Unknown items are still unknown: the switch is about items that exist.
      const unknown = await ncip(api)(checkIn('NO-SUCH-ITEM'));
      expect(!unknown.ok && unknown.error.problems?.[0]).toMatchObject({ problemType: 'Unknown Item' });
    });
  });
});

describe('problemWording: whose words an NCIP Problem is in', () => {
  const checkOutBlocked: NcipRequest = {
    service: 'CheckOutItem',
    header,
    userId: demo.patrons.blocked.barcode,
    itemId: demo.lendableItems[1]?.barcode as string,
  };

  it('vendor (Alma, default): a service Alma does not offer is "Service is not known"; a blocked patron is NISO\'s "User Blocked"', async () => {
    const api = almaSimulator({ env: {} });
    const deleted = await ncip(api)({ service: 'DeleteItem', header, itemId: demo.lendableItems[0]?.barcode as string });
    expect(!deleted.ok && deleted.error.problems?.[0]).toMatchObject({ problemType: 'Service is not known' });
    const blocked = await ncip(api)(checkOutBlocked);
    expect(!blocked.ok && blocked.error.problems?.[0]).toMatchObject({ problemType: 'User Blocked' });
  });

  it('niso: Appendix A words ("Unsupported Service")', async () => {
    const api = almaSimulator({ env: {}, personality: { problemWording: 'niso' } });
    const deleted = await ncip(api)({ service: 'DeleteItem', header, itemId: demo.lendableItems[0]?.barcode as string });
    expect(!deleted.ok && deleted.error.problems?.[0]).toMatchObject({ problemType: 'Unsupported Service' });
  });

  it('folio: "Problem performing checkout" with NISO\'s words kept in the detail; message-level Problems stay NISO\'s; nothing is lent', async () => {
    const api = almaSimulator({ env: {}, personality: { problemWording: 'folio' } });
    const blocked = await ncip(api)(checkOutBlocked);
    expect(!blocked.ok && blocked.error.problems?.[0]).toMatchObject({
      problemType: 'Problem performing checkout',
      detail: expect.stringMatching(/^User Blocked: /),
    });
    const loans = await api.json(`/users/${demo.patrons.blocked.primaryId}/loans`);
    expect(loans.body.total_record_count ?? 0).toBe(0);
    const deleted = await ncip(api)({ service: 'DeleteItem', header, itemId: demo.lendableItems[0]?.barcode as string });
    expect(!deleted.ok && deleted.error.problems?.[0]).toMatchObject({ problemType: 'Unsupported Service' });
  });

  it('an unknown wording is refused by name and changes nothing', async () => {
    const api = almaSimulator({ env: {} });
    const refused = await control(api, 'PUT', { problemWording: 'koha' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('problemWording');
    expect((await control(api, 'GET')).body.personality.problemWording).toBe('vendor');
  });
});
