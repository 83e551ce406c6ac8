import { buildRequest, type InitiationHeader, parseResponse, profiles } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import { almaSimulator, demo } from './test-support.ts';

/** AcceptItem with ItemUseRestrictionType "In Library Use Only" at Alma's NCIP responder. */
const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: demo.institutionCode, applicationProfileType: demo.ncipPartnerCode };

describe('Alma NCIP: an in-library-use-only temporary item', () => {
  it('gets the library-use-only policy and hold, and no desk can check it out over REST', async () => {
    const api = almaSimulator();
    const patron = demo.patrons.good;
    const xml = buildRequest(
      {
        service: 'AcceptItem',
        header,
        requestId: '1000077',
        requestedActionType: 'Hold For Pickup And Notify',
        userId: patron.primaryId,
        bibliographicDescription: { title: 'Codex Seraphinianus', publisher: 'LENDA' },
        itemUseRestrictions: ['In Library Use Only'],
        pickupLocation: 'MAIN',
      },
      profiles.alma,
    );
    const response = await api.sim.app.request('/view/NCIPServlet', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xml });
    expect(parseResponse(await response.text(), 'AcceptItem')).toMatchObject({ ok: true });

    const found = await api.request('/items?item_barcode=1000077', { headers: { Accept: 'application/json' } });
    const item = await api.json(new URL(found.headers.get('location') ?? '').pathname.replace('/almaws/v1', ''));
    expect(item.body.item_data.policy.value).toBe(demo.itemPolicies.libraryUseOnly);

    const loan = await api.json(`/users/${patron.primaryId}/loans?item_barcode=1000077`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    expect(loan.status).toBe(400);
  });

  it('without the restriction keeps the ILL policy', async () => {
    const api = almaSimulator();
    const xml = buildRequest(
      { service: 'AcceptItem', header, requestId: '1000078', requestedActionType: 'Hold For Pickup', bibliographicDescription: { title: 'Emma' } },
      profiles.alma,
    );
    await api.sim.app.request('/view/NCIPServlet', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xml });
    const found = await api.request('/items?item_barcode=1000078', { headers: { Accept: 'application/json' } });
    const item = await api.json(new URL(found.headers.get('location') ?? '').pathname.replace('/almaws/v1', ''));
    expect(item.body.item_data.policy.value).toBe(demo.itemPolicies.interlibraryLoan);
  });
});
