import { buildRequest, type InitiationHeader, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import { validateNcip2 } from '@bookstrap/ncip/validate';
import { describe, expect, it } from 'vitest';
import { almaSimulator, demo } from './test-support.ts';

/** What a resource-sharing system sends Alma: the institution code and Bookstrap's partner code. */
const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: demo.institutionCode, applicationProfileType: demo.ncipPartnerCode };

function ncip(api: ReturnType<typeof almaSimulator>) {
  const post = async (body: string | Uint8Array) => {
    const response = await api.sim.app.request('/view/NCIPServlet', { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/xml');
    return response.text();
  };
  const send = async (request: NcipRequest) => {
    const xml = await post(buildRequest(request, profiles.alma));
    return { xml, ...parseResponse(xml, request.service) };
  };
  return { post, send };
}

describe('Alma NCIP responder at /view/NCIPServlet', () => {
  it('AcceptItem creates the temporary item and hold that Alma REST then shows (GET /items?item_barcode=, the user’s requests)', async () => {
    const api = almaSimulator();
    const { send } = ncip(api);
    const patron = demo.patrons.good;
    const accepted = await send({
      service: 'AcceptItem',
      header,
      requestId: '1000042',
      requestedActionType: 'Hold For Pickup And Notify',
      userId: patron.barcode,
      userIdentifierType: 'Barcode Id',
      dateForReturn: '2025-04-30T23:59:59Z',
      bibliographicDescription: { title: 'Il nome della rosa', author: 'Eco, Umberto', publisher: 'LENDA' },
      pickupLocation: 'MAIN',
    });
    expect(accepted).toMatchObject({
      ok: true,
      response: { requestId: '1000042', itemId: '1000042', header: { fromAgencyId: demo.institutionCode, toAgencyId: 'BOOKSTRAP' } },
    });

    const found = await api.request('/items?item_barcode=1000042', { headers: { Accept: 'application/json' } });
    expect(found.status).toBe(302);
    const item = await api.json(new URL(found.headers.get('location') ?? '').pathname.replace('/almaws/v1', ''));
    expect(item.body.bib_data.title).toBe('Il nome della rosa');
    expect(item.body.item_data).toMatchObject({
      barcode: '1000042',
      location: { value: demo.illLocation },
      policy: { value: demo.itemPolicies.interlibraryLoan },
      fulfillment_note: 'ILL request 1000042 from LENDA',
      internal_note_1: 'ILL request 1000042',
    });
    const requests = await api.json(`/users/${patron.primaryId}/requests`);
    expect(requests.body.user_request).toEqual([expect.objectContaining({ barcode: '1000042', pickup_location_library: 'MAIN', request_type: 'HOLD' })]);
  });

  it("a desk check-out over Alma REST of an item accepted over NCIP never runs past the lender's DateForReturn", async () => {
    const api = almaSimulator();
    const { send } = ncip(api);
    const patron = demo.patrons.good;
    const accepted = await send({
      service: 'AcceptItem',
      header,
      requestId: '1000043',
      requestedActionType: 'Hold For Pickup And Notify',
      userId: patron.primaryId,
      dateForReturn: '2025-03-21T23:59:00Z',
      bibliographicDescription: { title: 'Short loan from the lender' },
      pickupLocation: 'MAIN',
    });
    expect(accepted.ok).toBe(true);
    const loan = await api.json(`/users/${patron.primaryId}/loans?item_barcode=1000043`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    expect(loan.status).toBe(200);
    expect(loan.body.due_date).toBe('2025-03-21T23:59:00Z');
  });

  it('a lending check-out over NCIP is the loan Alma REST shows, with the DesiredDateDue', async () => {
    const api = almaSimulator();
    const { send } = ncip(api);
    const account = demo.institutionalPatrons.PARTNR;
    const lent = demo.lendableItems[0];
    const out = await send({ service: 'CheckOutItem', header, userId: account.primaryId, itemId: lent?.barcode ?? '', desiredDateDue: '2025-04-16T23:59:00Z' });
    expect(out).toMatchObject({ ok: true, response: { dateDue: '2025-04-16T23:59:00Z' } });
    const loans = await api.json(`/users/${account.primaryId}/loans`);
    expect(loans.body.item_loan).toEqual([expect.objectContaining({ item_barcode: lent?.barcode, due_date: '2025-04-16T23:59:00Z' })]);
    const back = await send({ service: 'CheckInItem', header, itemId: lent?.barcode ?? '' });
    expect(back.ok).toBe(true);
    expect((await api.json(`/users/${account.primaryId}/loans`)).body.total_record_count).toBe(0);
  });

  it('refuses an unknown partner code and another institution, as Alma does', async () => {
    const api = almaSimulator();
    const { send } = ncip(api);
    const lookup = (h: InitiationHeader) => send({ service: 'LookupUser', header: h, userId: demo.patrons.good.barcode });
    expect(await lookup({ ...header, applicationProfileType: 'NOT_A_PARTNER' })).toMatchObject({
      ok: false,
      error: { kind: 'configuration-error', problems: [{ problemType: 'Unknown partner', element: 'ApplicationProfileType', value: 'NOT_A_PARTNER' }] },
    });
    expect(await lookup({ ...header, toAgencyId: '01OTHER_INST' })).toMatchObject({ ok: false, error: { problems: [{ problemType: 'Unknown Agency' }] } });
    expect(await lookup(header)).toMatchObject({ ok: true, response: { userId: demo.patrons.good.barcode } });
  });

  it('offers only the services of Alma’s NCIP profile: DeleteItem and fiscal transactions are "Service is not known"', async () => {
    const api = almaSimulator();
    const { send } = ncip(api);
    // Alma's words, which the ILLiad Alma NCIP addon string-matches (reference/vendor-apis.md §1).
    expect(await send({ service: 'DeleteItem', header, itemId: '1' })).toMatchObject({
      ok: false,
      error: { problems: [{ problemType: 'Service is not known' }] },
    });
    // With NISO's words selected (personality problemWording: niso), Appendix A's.
    api.sim.personality.update({ problemWording: 'niso' });
    const fee = await send({
      service: 'CreateUserFiscalTransaction',
      header,
      userId: demo.patrons.good.barcode,
      fiscalTransaction: { actionType: 'Assess', transactionType: 'Service Charge', amount: { monetaryValue: 500 } },
    });
    expect(fee).toMatchObject({ ok: false, error: { problems: [{ problemType: 'Unsupported Service' }] } });
  });

  it('answers NCIP 1 on the same servlet (Alma has a v1 profile too; LookupUser may carry the partner in FromAgencyAuthentication)', async () => {
    const api = almaSimulator();
    const { post } = ncip(api);
    // Our NCIP 1 writer has no ApplicationProfileType; Alma's v1 profile takes the partner code here for LookupUser.
    const v1Header = { ...header, fromAgencyAuthentication: demo.ncipPartnerCode };
    const xml = await post(buildRequest({ service: 'LookupUser', header: v1Header, userId: demo.patrons.blocked.barcode }, profiles.horizon));
    expect(xml).toContain('ncip_v1_0.dtd');
    const answer = parseResponse(xml, 'LookupUser');
    expect(answer).toMatchObject({ ok: true, version: '1.0' });
    if (answer.ok && answer.response.service === 'LookupUser') expect(answer.response.user.privileges?.[0]?.status).toBe('BLOCKED');
  });

  it('answers hostile and broken bodies with a schema-valid Problem, quickly, never a 500', async () => {
    const api = almaSimulator();
    const { post } = ncip(api);
    const lookup = buildRequest({ service: 'LookupUser', header, userId: demo.patrons.good.barcode }, profiles.alma);
    const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><NCIPMessage>&lol2;</NCIPMessage>`;
    const externalEntity = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser>&xxe;</LookupUser></NCIPMessage>`;
    const hostile: (string | Uint8Array)[] = [
      billionLaughs,
      externalEntity,
      lookup.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE NCIPMessage [<!ELEMENT NCIPMessage ANY>]>'),
      `${lookup.slice(0, 200)}`,
      '',
      'not xml at all',
      '<html><body>hello</body></html>',
      new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]),
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</NCIPMessage>`,
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><Shutdown/></NCIPMessage>`,
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><LookupUser/></NCIPMessage>`,
      `<NCIPMessage xmlns="http://www.niso.org/2008/ncip"><!-- ${'x'.repeat(1024 * 1024)} --></NCIPMessage>`,
    ];
    const answers = [];
    for (const body of hostile) answers.push(await post(body));
    for (const answer of answers) expect(answer).toContain('<Problem>');
    expect(answers.join('')).not.toContain('root:');
    const { results } = await validateNcip2(answers);
    expect(results.flatMap((r, i) => (r.valid ? [] : [`${i}: ${r.errors.join('; ')}`]))).toEqual([]);
  });
});
