import { buildRequest, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import { describe, expect, it } from 'vitest';
import { sirsiSimulator, temporaryTitle } from '../sirsidynix-ws/test-support.ts';

const header = (agency: string) => ({ fromAgencyId: 'BOOKSTRAP', toAgencyId: agency });

describe('Horizon Web Services', () => {
  it('lives under /hzws/v1 and needs the client id but not a User-Agent', async () => {
    const api = sirsiSimulator('horizon');
    const login = await api.raw('/user/staff/login', {
      method: 'POST',
      headers: { 'x-sirs-clientID': api.demo.clientId, 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: api.demo.staff.login, password: api.demo.staff.password }),
    });
    expect(login.status).toBe(200);
    expect(api.demo.basePath).toBe('/hzws/v1');
    const symphonyPath = await api.sim.app.request('/symws/user/staff/login', { method: 'POST', headers: { 'x-sirs-clientID': api.demo.clientId } });
    expect(symphonyPath.status).toBe(404);
  });

  it('logs a patron in with {barcode, password} and answers {sessionToken, patronKey}', async () => {
    const api = sirsiSimulator('horizon');
    const good = api.demo.patrons.good;
    const login = await api.ws('/user/patron/login', { anonymous: true, body: { barcode: good.barcode, password: good.pin } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ sessionToken: expect.stringMatching(/^[a-z0-9-]{36}$/), patronKey: good.key });
    const refused = await api.ws('/user/patron/login', { anonymous: true, body: { barcode: good.barcode, password: 'wrong' } });
    expect(refused.status).toBe(401);
    const account = await api.ws(`/user/patron/key/${good.key}?includeFields=displayName,patronType,privilegeExpiresDate,library`, {
      anonymous: true,
      headers: { 'x-sirs-sessionToken': login.body.sessionToken },
    });
    expect(account.body.fields).toMatchObject({
      displayName: good.displayName,
      patronType: { resource: '/policy/patronType', key: 'UNDERGRAD' },
      library: { key: 'MAIN' },
    });
    // Symphony's authenticate resource is not a Horizon one.
    expect((await api.ws('/user/patron/authenticate', { body: { barcode: good.barcode, password: good.pin } })).status).toBe(404);
  });

  it('searches patrons with Horizon index syntax borr|2:{barcode} only', async () => {
    const api = sirsiSimulator('horizon');
    const good = api.demo.patrons.good;
    const found = await api.ws(`/user/patron/search?q=borr|2:${good.barcode}&includeFields=barcode`);
    expect(found.body).toMatchObject({ totalResults: 1, result: [{ key: good.key, fields: { barcode: good.barcode } }] });
    expect((await api.ws(`/user/patron/search?q=ID:${good.barcode}`)).status).toBe(400);
    expect((await api.ws('/user/patron/search?q=borr|9:1')).body.messageList[0].code).toBe('invalidSearchIndex');
  });

  it('shows blocks in blockList (no standing field) and ignores {*} inside a relation, as Horizon ROA does', async () => {
    const api = sirsiSimulator('horizon');
    const blocked = api.demo.patrons.blocked;
    const record = await api.ws(`/user/patron/barcode/${blocked.barcode}?includeFields=blockList{amount,owed,comment},holdRecordList{*}`);
    expect(record.body.fields.blockList[0].fields).toEqual({
      amount: { currencyCode: 'USD', amount: '0.00' },
      owed: { currencyCode: 'USD', amount: '0.00' },
      comment: 'Owes the library money',
    });
    const standing = await api.ws(`/user/patron/barcode/${blocked.barcode}?includeFields=standing`);
    expect(standing.body.messageList[0].code).toBe('invalidFieldName');
    const loaned = api.demo.checkedOutItem;
    const wildcard = await api.ws(`/catalog/item/barcode/${loaned.barcode}?includeFields=circRecord{*}`);
    expect(wildcard.body.fields.circRecord).toEqual({ resource: '/circulation/circRecord', key: expect.any(String) });
    const named = await api.ws(`/catalog/item/barcode/${loaned.barcode}?includeFields=circRecord{dueDate}`);
    expect(named.body.fields.circRecord.fields.dueDate).toMatch(/T23:59:00\+00:00$/);
  });

  it('cannot move items between locations through Web Services', async () => {
    const api = sirsiSimulator('horizon');
    const item = api.demo.lendableItems[0]!;
    const moved = await api.ws(`/catalog/item/key/${item.itemKey}`, {
      method: 'PUT',
      body: { resource: '/catalog/item', key: item.itemKey, fields: { currentLocation: { resource: '/policy/location', key: 'ILL' } } },
    });
    expect(moved.body.messageList[0].code).toBe('fieldNotEditable');
  });

  it('places a COPY hold on the requested item for a partner account and cancels it with DELETE', async () => {
    const api = sirsiSimulator('horizon');
    const item = api.demo.lendableItems[1]!;
    const account = api.demo.institutionalPatrons.PARTNR;
    const placed = await api.ws('/circulation/holdRecord/placeHold', {
      body: { patronBarcode: account.barcode, pickupLibrary: { resource: '/policy/library', key: 'MAIN' }, itemBarcode: item.barcode, holdType: 'COPY' },
    });
    expect(placed.body.holdRecord.fields).toMatchObject({ status: 'PLACED', holdType: 'COPY', patron: { key: account.key } });
    expect((await api.ws(`/circulation/holdRecord/key/${placed.body.holdRecord.key}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('creates temporary items and renews with {item:{resource,key}} as Pika does', async () => {
    const api = sirsiSimulator('horizon');
    const created = await api.ws('/catalog/bib', { version: 'v2', body: temporaryTitle({ title: 'Horizon temp', barcode: 'HZ-1', requestId: '1' }) });
    expect(created.status).toBe(200);
    const book = api.demo.lendableItems[2]!;
    await api.ws('/circulation/circRecord/checkOut', { body: { itemBarcode: book.barcode, patronBarcode: api.demo.patrons.good.barcode } });
    api.sim.clock.advance(24 * 60 * 60_000);
    api.forgetSession();
    const renewed = await api.ws('/circulation/circRecord/renew?includeFields=circRecord{renewalCount}', {
      body: { item: { key: book.itemKey, resource: '/catalog/item' } },
    });
    expect(renewed.body.circRecord.fields.renewalCount).toBe(1);
  });
});

describe('NCIP responders of the SirsiDynix simulators', () => {
  const ncipRoundTrip = async (vendor: 'symphony' | 'horizon', request: NcipRequest) => {
    const api = sirsiSimulator(vendor);
    const profile = vendor === 'symphony' ? profiles.symphony : profiles.horizon;
    const answer = await api.ncip(buildRequest(request, profile));
    return { api, answer, parsed: parseResponse(answer.text, request.service, { profile }) };
  };

  it('Symphony answers NCIP 1.0 LookupUser at /ncip for its agency, by barcode', async () => {
    const api = sirsiSimulator('symphony');
    const xml = buildRequest({ service: 'LookupUser', header: header(api.demo.ncip.agencyId), userId: api.demo.patrons.good.barcode }, profiles.symphony);
    const answer = await api.ncip(xml);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('ncip_v1_0.dtd');
    const parsed = parseResponse(answer.text, 'LookupUser', { profile: profiles.symphony });
    expect(parsed.ok).toBe(true);
    const other = await api.ncip(
      buildRequest({ service: 'LookupUser', header: header('ELSEWHERE'), userId: api.demo.patrons.good.barcode }, profiles.symphony),
    );
    expect(other.text).toContain('Unknown Agency');
  });

  it('Horizon AcceptItem over NCIP creates an item Web Services can read, with the hold for the patron', async () => {
    const { api, parsed } = await ncipRoundTrip('horizon', {
      service: 'AcceptItem',
      header: header('HZNBKS'),
      requestId: '7001',
      userId: '000000',
      itemId: '7001',
      pickupLocation: 'MAIN',
      bibliographicDescription: { title: 'Accepted over NCIP', author: 'Lender, A.' },
    } as NcipRequest);
    // An unknown patron: the responder refuses and creates nothing.
    expect(parsed.ok).toBe(false);
    expect((await api.ws('/catalog/item/barcode/7001')).status).toBe(404);

    const accepted = buildRequest(
      {
        service: 'AcceptItem',
        header: header('HZNBKS'),
        requestId: '7002',
        userId: api.demo.patrons.good.barcode,
        itemId: '7002',
        pickupLocation: 'MAIN',
        bibliographicDescription: { title: 'Accepted over NCIP', author: 'Lender, A.' },
      },
      profiles.horizon,
    );
    expect(parseResponse((await api.ncip(accepted)).text, 'AcceptItem', { profile: profiles.horizon }).ok).toBe(true);
    const item = await api.ws('/catalog/item/barcode/7002?includeFields=bib{title},homeLocation,holdRecordList{patron{barcode},status}');
    expect(item.body.fields).toMatchObject({
      bib: { fields: { title: 'Accepted over NCIP' } },
      homeLocation: { key: 'ILL' },
      holdRecordList: [{ fields: { status: 'PLACED', patron: { fields: { barcode: api.demo.patrons.good.barcode } } } }],
    });
  });

  it('Symphony RequestItem holds the requested item for a partner account, visible through Web Services', async () => {
    const api = sirsiSimulator('symphony');
    const item = api.demo.lendableItems[5]!;
    const account = api.demo.institutionalPatrons.PARTNR;
    const xml = buildRequest(
      {
        service: 'RequestItem',
        header: header('SYMBKS'),
        userId: account.barcode,
        itemId: item.barcode,
        requestId: 'L-1',
        requestType: 'Hold',
        requestScopeType: 'Item',
      },
      profiles.symphony,
    );
    const parsed = parseResponse((await api.ncip(xml)).text, 'RequestItem', { profile: profiles.symphony });
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    const holds = await api.ws(`/catalog/item/barcode/${item.barcode}?includeFields=holdRecordList{patron{barcode}}`);
    expect(holds.body.fields.holdRecordList[0].fields.patron.fields.barcode).toBe(account.barcode);
  });
});
