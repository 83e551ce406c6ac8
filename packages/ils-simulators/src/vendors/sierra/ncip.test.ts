import { buildRequest, type InitiationHeader, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it, onTestFinished } from 'vitest';
import { demo, sierraSimulator } from './test-support.ts';

const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: demo.ncipAgencyId };

function setup() {
  const sierra = sierraSimulator();
  onTestFinished(() => sierra.sim.close());
  const send = async (request: NcipRequest) => {
    const response = await sierra.sim.app.request(demo.ncipPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: buildRequest(request, profiles.sierra),
    });
    expect(response.status).toBe(200);
    const xml = await response.text();
    return { xml, ...parseResponse(xml, request.service) };
  };
  return { ...sierra, send };
}

describe('Sierra NCIP responder (Innovative NCIP 2.0)', () => {
  it('AcceptItem creates the temporary item and hold that the Sierra REST API then shows', async () => {
    const { send, json } = setup();
    const patron = demo.patrons.good;
    const accepted = await send({
      service: 'AcceptItem',
      header,
      requestId: '2000042',
      requestedActionType: 'Hold For Pickup',
      userId: patron.barcode,
      userIdentifierType: 'Barcode Id',
      dateForReturn: '2025-04-30T23:59:59Z',
      bibliographicDescription: { title: 'Il nome della rosa', author: 'Eco, Umberto', publisher: 'LENDA' },
      pickupLocation: 'main',
    });
    expect(accepted).toMatchObject({ ok: true, response: { requestId: '2000042' } });
    expect((await validateNcip2([accepted.xml])).valid).toBe(true);

    const found = await json('/items?barcode=2000042&fields=id,location,varFields,itemType');
    expect(found.body.total).toBe(1);
    const item = found.body.entries[0];
    expect(item.location.code).toBe(demo.illLocation);
    expect(item.itemType).toBe(demo.itemTypes.ILL);
    expect(item.varFields).toContainEqual({ fieldTag: 'm', content: 'ILL request 2000042 from LENDA' });
    const holds = await json(`/patrons/${patron.id}/holds`);
    expect(holds.body.entries).toEqual([
      expect.objectContaining({ record: expect.stringMatching(new RegExp(`/items/${item.id}$`, 'u')), pickupLocation: { code: 'main', name: 'Main Library' } }),
    ]);
  });

  it('gives an AcceptItem item "In Library Use Only" the LIB USE ONLY item type; a desk cannot check it out', async () => {
    const { send, json } = setup();
    const patron = demo.patrons.good;
    const accepted = await send({
      service: 'AcceptItem',
      header,
      requestId: '2000043',
      requestedActionType: 'Hold For Pickup',
      userId: patron.barcode,
      itemUseRestrictions: ['In Library Use Only'],
      bibliographicDescription: { title: 'Reading room only', publisher: 'LENDA' },
      pickupLocation: 'main',
    });
    expect(accepted.ok).toBe(true);
    const item = (await json('/items?barcode=2000043&fields=itemType,status')).body.entries[0];
    expect(item).toMatchObject({ itemType: demo.itemTypes.LIBUSE, status: { code: 'o', display: 'LIB USE ONLY' } });
    await json('/items/checkouts/2000043', { method: 'DELETE' });
    const refused = await json('/patrons/checkout', { method: 'POST', body: { patronBarcode: patron.barcode, itemBarcode: '2000043' } });
    expect(refused.body).toMatchObject({ code: 132, description: expect.stringContaining('LIB USE ONLY') });
  });

  it('names patrons by barcode only: a unique id is an Unknown User', async () => {
    const { send } = setup();
    const byBarcode = await send({ service: 'LookupUser', header, userId: demo.patrons.good.barcode, userElementTypes: ['Name Information'] });
    expect(byBarcode.ok).toBe(true);
    const byUniqueId = await send({ service: 'LookupUser', header, userId: demo.patrons.good.uniqueId });
    expect(byUniqueId).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unknown User' })] } });
  });

  it('checks an item out to an institutional account with DesiredDateDue, visible as a Sierra checkout', async () => {
    const { send, json } = setup();
    const item = demo.lendableItems[0]!;
    const account = demo.institutionalPatrons.PARTNR;
    const out = await send({ service: 'CheckOutItem', header, userId: account.barcode, itemId: item.barcode, desiredDateDue: '2025-04-11T23:59:00Z' });
    expect(out.ok).toBe(true);
    const checkouts = await json(`/patrons/${account.id}/checkouts`);
    expect(checkouts.body.entries[0].dueDate).toBe('2025-04-11T23:59:00Z');
  });

  it('refuses another agency and the fiscal transactions Innovative does not offer', async () => {
    const { send } = setup();
    const wrongAgency = await send({ service: 'LookupUser', header: { ...header, toAgencyId: 'SOMEONE' }, userId: demo.patrons.good.barcode });
    expect(wrongAgency).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unknown Agency' })] } });
    const fee = await send({
      service: 'CreateUserFiscalTransaction',
      header,
      userId: demo.patrons.good.barcode,
      fiscalTransaction: { actionType: 'Assess', transactionType: 'Service Charge', amount: { currencyCode: 'USD', monetaryValue: 500 } },
    });
    expect(fee).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unsupported Service' })] } });
  });
});
