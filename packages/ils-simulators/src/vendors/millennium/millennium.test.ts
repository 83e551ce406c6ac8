import { buildRequest, type InitiationHeader, type NcipRequest, parseResponse, profiles } from '@bookstrap/ncip';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixedClock } from '../../clock.ts';
import { createSimulator } from '../../simulator.ts';
import { testNow } from '../../testing.ts';
import { millenniumDemo as demo } from './demo.ts';
import { fromAgencyOf } from './app.ts';
import { parsePatronApi, patronApiDate } from './patron-api.ts';

const header: InitiationHeader = { fromAgencyId: 'BOOKSTRAP', toAgencyId: demo.ncipAgencyId };

function setup() {
  const sim = createSimulator({ vendor: 'millennium', clock: fixedClock(testNow) });
  onTestFinished(() => sim.close());
  const get = async (path: string) => {
    const response = await sim.app.request(path);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };
  const send = async (request: NcipRequest) => {
    const response = await sim.app.request(demo.ncipPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body: buildRequest(request, profiles.millennium),
    });
    const xml = await response.text();
    return { status: response.status, xml, ...parseResponse(xml, request.service) };
  };
  return { sim, get, send };
}

describe('Millennium Patron API', () => {
  it('dumps a patron record as FIELD[pNN]=value<BR> lines in an HTML page', async () => {
    const { get } = setup();
    const good = demo.patrons.good;
    const page = await get(`/PATRONAPI/${good.barcode}/dump`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text.startsWith('<HTML>\n<BODY>\n')).toBe(true);
    expect(page.text).toContain(`P BARCODE[pb]=${good.barcode}<BR>\n`);
    const fields = parsePatronApi(page.text);
    expect(fields.get('REC INFO[p!]')).toEqual(['p']);
    expect(fields.get('P TYPE[p47]')).toEqual([String(good.patronType)]);
    expect(fields.get('MBLOCK[p56]')).toEqual(['-']);
    expect(fields.get('PATRN NAME[pn]')).toEqual([good.name]);
    expect(fields.get('RECORD #[p81]')).toEqual([String(good.recordNumber)]);
    expect(fields.get('MONEY OWED[p96]')).toEqual(['$0.00']);
    // Three years after seeding on 2025-03-12, in MM-DD-YY.
    expect(fields.get('EXP DATE[p43]')).toEqual(['03-11-28']);
  });

  it('shows a manual block and an expired account the way the fields carry them', async () => {
    const { get } = setup();
    expect(parsePatronApi((await get(`/PATRONAPI/${demo.patrons.blocked.barcode}/dump`)).text).get('MBLOCK[p56]')).toEqual(['b']);
    const expired = parsePatronApi((await get(`/PATRONAPI/${demo.patrons.expired.barcode}/dump`)).text).get('EXP DATE[p43]')?.[0] ?? '';
    expect(expired).toBe('02-10-25');
  });

  it('answers an unknown barcode with ERRNUM=1 Requested record not found (still HTTP 200)', async () => {
    const { get } = setup();
    const page = await get('/PATRONAPI/00000000000000/dump');
    expect(page.status).toBe(200);
    expect(Object.fromEntries(parsePatronApi(page.text))).toEqual({ ERRNUM: ['1'], ERRMSG: ['Requested record not found'] });
  });

  it('tests a PIN: RETCOD=0, or RETCOD=1 ERRNUM=4 Invalid patron PIN', async () => {
    const { get } = setup();
    const good = demo.patrons.good;
    expect(parsePatronApi((await get(`/PATRONAPI/${good.barcode}/${good.pin}/pintest`)).text).get('RETCOD')).toEqual(['0']);
    const wrong = parsePatronApi((await get(`/PATRONAPI/${good.barcode}/0000x/pintest`)).text);
    expect(Object.fromEntries(wrong)).toEqual({ RETCOD: ['1'], ERRNUM: ['4'], ERRMSG: ['Invalid patron PIN'] });
    expect(parsePatronApi((await get('/PATRONAPI/0000/1234/pintest')).text).get('ERRNUM')).toEqual(['1']);
  });

  it('lists holds placed over NCIP as HOLD[p8] lines (record numbers, status, pickup location)', async () => {
    const { get, send } = setup();
    const good = demo.patrons.good;
    const accepted = await send({
      service: 'AcceptItem',
      header,
      requestId: '3000042',
      requestedActionType: 'Hold For Pickup',
      userId: good.barcode,
      bibliographicDescription: { title: 'Il nome della rosa', author: 'Eco, Umberto', publisher: 'LENDA' },
      pickupLocation: 'main',
    });
    expect(accepted.ok).toBe(true);
    const fields = parsePatronApi((await get(`/PATRONAPI/${good.barcode}/dump`)).text);
    const [hold] = fields.get('HOLD[p8]') ?? [];
    expect(hold).toMatch(
      new RegExp(`^P#=${good.recordNumber}, I#=\\d+, P=03-12-25, NNB=03-12-25 \\(0 days\\), RLA=0, NNA=  -  -  , ST=0, TP=i, PU=main$`, 'u'),
    );
  });
});

describe('Millennium NCIP responder', () => {
  it('speaks NCIP 2 at its path with its agency id and refuses other agencies', async () => {
    const { send } = setup();
    const ok = await send({ service: 'LookupUser', header, userId: demo.patrons.good.barcode, userElementTypes: ['Name Information', 'User Privilege'] });
    expect(ok.status).toBe(200);
    expect(ok.ok).toBe(true);
    const other = await send({ service: 'LookupUser', header: { ...header, toAgencyId: 'BKSSIERRA' }, userId: demo.patrons.good.barcode });
    expect(other).toMatchObject({ ok: false, error: { problems: [expect.objectContaining({ problemType: 'Unknown Agency' })] } });
  });

  it('checks out and in over NCIP (no REST): the loan shows in LookupItem', async () => {
    const { send } = setup();
    const item = demo.lendableItems[0]!;
    const account = demo.institutionalPatrons.PARTNR;
    expect((await send({ service: 'CheckOutItem', header, userId: account.barcode, itemId: item.barcode, desiredDateDue: '2025-04-11T23:59:00Z' })).ok).toBe(
      true,
    );
    const looked = await send({ service: 'LookupItem', header, itemId: item.barcode, itemElementTypes: ['Circulation Status', 'Date Due'] });
    expect(looked).toMatchObject({ ok: true, response: { item: { circulationStatus: 'On Loan', dateDue: '2025-04-11T23:59:00Z' } } });
    expect((await send({ service: 'CheckInItem', header, itemId: item.barcode })).ok).toBe(true);
  });

  it('answers for the NCIP partner that sends the message: SCIDESK works at the Science Library', async () => {
    const { send } = setup();
    const item = demo.lendableItems[1]!;
    const account = demo.institutionalPatrons.PARTNR;
    // The Science desk's library (SCI) is closed on weekends; a desired due date is the client's own
    // (a lending loan's date is the ILL request's, not moved by the circulation calendar), so a
    // Saturday is kept at either desk.
    const fromScience = await send({
      service: 'CheckOutItem',
      header: { ...header, fromAgencyId: 'SCIDESK' },
      userId: account.barcode,
      itemId: item.barcode,
      desiredDateDue: '2025-04-12T23:59:00Z',
    });
    expect(fromScience).toMatchObject({ ok: true, response: { dateDue: '2025-04-12T23:59:00Z' } });
    const other = demo.lendableItems[2]!;
    const fromOffice = await send({ service: 'CheckOutItem', header, userId: account.barcode, itemId: other.barcode, desiredDateDue: '2025-04-12T23:59:00Z' });
    expect(fromOffice).toMatchObject({ ok: true, response: { dateDue: '2025-04-12T23:59:00Z' } });
  });

  it('renders an injected outage as an HTML 503 page', async () => {
    const { sim, get } = setup();
    await sim.app.request('/_sim/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down: true }) });
    const page = await get(`/PATRONAPI/${demo.patrons.good.barcode}/dump`);
    expect(page.status).toBe(503);
    expect(page.text).toContain('503 Service Unavailable');
  });
});

describe('fromAgencyOf', () => {
  it('reads FromAgencyId in NCIP 2 (any prefix) and NCIP 1 forms', () => {
    expect(fromAgencyOf('<ns1:FromAgencyId><ns1:AgencyId>SCIDESK</ns1:AgencyId></ns1:FromAgencyId>')).toBe('SCIDESK');
    expect(fromAgencyOf('<FromAgencyId><UniqueAgencyId><Scheme>x</Scheme><Value>TULSA</Value></UniqueAgencyId></FromAgencyId>')).toBe('TULSA');
    expect(fromAgencyOf('<ToAgencyId><AgencyId>X</AgencyId></ToAgencyId>')).toBeUndefined();
  });
});

describe('patronApiDate', () => {
  it('writes MM-DD-YY and blanks', () => {
    expect(patronApiDate('2025-03-12')).toBe('03-12-25');
    expect(patronApiDate(undefined)).toBe('  -  -  ');
  });
});
