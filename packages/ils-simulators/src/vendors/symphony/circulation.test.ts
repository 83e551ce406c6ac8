import { describe, expect, it } from 'vitest';
import { sirsiSimulator, temporaryTitle } from '../sirsidynix-ws/test-support.ts';

const override = (api: ReturnType<typeof sirsiSimulator>, type: string) => ({ 'SD-Prompt-Return': `${type}/${api.demo.overrideCode}` });

async function createTemporaryItem(api: ReturnType<typeof sirsiSimulator>, barcode: string, requestId = '4711') {
  const created = await api.ws('/catalog/bib?includeFields=title,callList{itemList{barcode}}', {
    version: 'v2',
    body: temporaryTitle({ title: 'The borrowed book', barcode, requestId }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body;
}

describe('Symphony catalogue writes', () => {
  it('creates title, call number and item in one v2 POST and reads the item back by barcode', async () => {
    const api = sirsiSimulator('symphony');
    const created = await createTemporaryItem(api, '4711');
    expect(created['@resource']).toBe('/catalog/bib');
    expect(created['@key']).toMatch(/^\d+$/);
    expect(created.title).toBe('The borrowed book');
    expect(created.callList[0].itemList[0]).toMatchObject({ '@resource': '/catalog/item', barcode: '4711' });
    const item = await api.ws('/catalog/item/barcode/4711?includeFields=*,call{callNumber},customInformation{*}');
    expect(item.body.fields).toMatchObject({
      barcode: '4711',
      library: { key: 'MAIN' },
      homeLocation: { key: 'ILL' },
      currentLocation: { key: 'ILL' },
      itemType: { key: 'ILL' },
      call: { fields: { callNumber: `XX(${created['@key']}.1)` } },
    });
    expect(item.body.fields.customInformation[0].fields).toMatchObject({ itemExtendedInformation: { key: 'CIRCNOTE' }, data: 'ILL request 4711 from LENDA' });
  });

  it('accepts the v1 representation too, and generates a barcode for AUTO', async () => {
    const api = sirsiSimulator('symphony');
    const v1 = {
      resource: '/catalog/bib',
      fields: {
        bib: { leader: '00000nam a2200000 a 4500', fields: [{ tag: '245', inds: '00', subfields: [{ code: 'a', data: 'Plain v1 record' }] }] },
        callList: [
          {
            resource: '/catalog/call',
            fields: {
              callNumber: 'ILL 1',
              library: { resource: '/policy/library', key: 'SCI' },
              itemList: [
                {
                  resource: '/catalog/item',
                  fields: {
                    barcode: 'AUTO',
                    itemType: { resource: '/policy/itemType', key: 'BOOK' },
                    homeLocation: { resource: '/policy/location', key: 'STACKS' },
                  },
                },
              ],
            },
          },
        ],
      },
    };
    const created = await api.ws('/catalog/bib?includeFields=callList{callNumber,itemList{barcode}}', { body: v1 });
    expect(created.status).toBe(200);
    expect(created.body.fields.callList[0].fields.callNumber).toBe('ILL 1');
    expect(created.body.fields.callList[0].fields.itemList[0].fields.barcode).toMatch(/^AUTO\d{8}$/);
  });

  it('never overwrites: a taken barcode is refused and nothing is left behind', async () => {
    const api = sirsiSimulator('symphony');
    const taken = api.demo.lendableItems[0]!.barcode;
    const refused = await api.ws('/catalog/bib', { version: 'v2', body: temporaryTitle({ title: 'Collision', barcode: taken, requestId: '1' }) });
    expect(refused.status).toBe(400);
    expect(refused.body.messageList[0].code).toBe('barcodeAlreadyExists');
    const search = await api.ws('/catalog/bib/search?q=TITLE:Collision&includeFields=title');
    expect(search.body.totalResults).toBe(0);
    const bad = await api.ws('/catalog/bib', { version: 'v2', body: temporaryTitle({ title: 'Bad type', barcode: 'X1', requestId: '1', itemType: 'NOPE' }) });
    expect(bad.body.messageList[0].code).toBe('invalidPolicyKey');
  });

  it('moves an item to a temporary current location and back; circulation states are not assignable', async () => {
    const api = sirsiSimulator('symphony');
    const item = api.demo.lendableItems[1]!;
    const put = (key: string) =>
      api.ws(`/catalog/item/key/${item.itemKey}?includeFields=homeLocation,currentLocation`, {
        method: 'PUT',
        body: { resource: '/catalog/item', key: item.itemKey, fields: { currentLocation: { resource: '/policy/location', key } } },
      });
    const moved = await put('ILL');
    expect(moved.body.fields).toEqual({
      homeLocation: { resource: '/policy/location', key: 'STACKS' },
      currentLocation: { resource: '/policy/location', key: 'ILL' },
    });
    expect((await put('STACKS')).body.fields.currentLocation.key).toBe('STACKS');
    expect((await put('CHECKEDOUT')).body.messageList[0].code).toBe('fieldNotEditable');
    expect((await put('NOWHERE')).body.messageList[0].code).toBe('invalidPolicyKey');
    const home = await api.ws(`/catalog/item/key/${item.itemKey}`, {
      method: 'PUT',
      body: { resource: '/catalog/item', key: item.itemKey, fields: { homeLocation: { resource: '/policy/location', key: 'REF' } } },
    });
    expect(home.body.messageList[0].code).toBe('fieldNotEditable');
  });

  it('deletes an item (its call number goes with it) and then the title; a charged item cannot be removed', async () => {
    const api = sirsiSimulator('symphony');
    const created = await createTemporaryItem(api, '5001');
    const item = await api.ws('/catalog/item/barcode/5001?includeFields=barcode');
    expect((await api.ws(`/catalog/item/key/${item.body.key}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.ws('/catalog/item/barcode/5001')).status).toBe(404);
    expect((await api.ws(`/catalog/bib/key/${created['@key']}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.ws(`/catalog/bib/key/${created['@key']}`)).status).toBe(404);
    const charged = api.demo.checkedOutItem;
    const refused = await api.ws(`/catalog/item/key/${charged.itemKey}`, { method: 'DELETE' });
    expect(refused.body.messageList[0].code).toBe('itemHasCirculationActivity');
  });
});

describe('Symphony holds', () => {
  it('places a COPY hold with itemBarcode, shows it on the item, and cancels it', async () => {
    const api = sirsiSimulator('symphony');
    await createTemporaryItem(api, '4712');
    const good = api.demo.patrons.good;
    const placed = await api.ws('/circulation/holdRecord/placeHold?includeFields=holdRecord{*}', {
      body: {
        itemBarcode: '4712',
        patronBarcode: good.barcode,
        pickupLibrary: { resource: '/policy/library', key: 'SCI' },
        holdType: 'COPY',
        holdRange: 'SYSTEM',
        recallStatus: 'STANDARD',
        comment: 'ILL 4712',
      },
      headers: { 'SD-Working-LibraryID': 'MAIN' },
    });
    expect(placed.status).toBe(200);
    expect(placed.body.holdRecord.fields).toMatchObject({
      holdType: 'COPY',
      status: 'PLACED',
      pickupLibrary: { key: 'SCI' },
      patron: { key: good.key },
      comment: 'ILL 4712',
    });
    const item = await api.ws('/catalog/item/barcode/4712?includeFields=holdRecordList{status,patron{barcode},pickupLibrary}');
    expect(item.body.fields.holdRecordList).toEqual([
      {
        resource: '/circulation/holdRecord',
        key: placed.body.holdRecord.key,
        fields: {
          status: 'PLACED',
          patron: { resource: '/user/patron', key: good.key, fields: { barcode: good.barcode } },
          pickupLibrary: { resource: '/policy/library', key: 'SCI' },
        },
      },
    ]);
    const twice = await api.ws('/circulation/holdRecord/placeHold', {
      body: { itemBarcode: '4712', patronBarcode: good.barcode, pickupLibrary: { key: 'SCI' } },
    });
    expect(twice.body.messageList[0].code).toBe('userAlreadyHasHold');
    const cancelled = await api.ws('/circulation/holdRecord/cancelHold?includeFields=holdRecord{status,inactiveReason}', {
      body: { holdRecord: { resource: '/circulation/holdRecord', key: placed.body.holdRecord.key } },
    });
    expect(cancelled.body.holdRecord.fields).toEqual({ status: 'INACTIVE', inactiveReason: 'CANCELLED' });
    expect((await api.ws('/catalog/item/barcode/4712?includeFields=holdRecordList')).body.fields.holdRecordList).toEqual([]);
  });

  it('places a TITLE hold (itemBarcode or bib key) and deletes one by key', async () => {
    const api = sirsiSimulator('symphony');
    const book = api.demo.lendableItems[2]!;
    const account = api.demo.institutionalPatrons.PARTNR;
    const title = await api.ws('/circulation/holdRecord/placeHold', {
      body: {
        bib: { resource: '/catalog/bib', key: book.bibKey },
        patronBarcode: account.barcode,
        pickupLibrary: { resource: '/policy/library', key: 'MAIN' },
        holdType: 'TITLE',
      },
    });
    expect(title.body.holdRecord.fields).toMatchObject({ holdType: 'TITLE', item: { key: book.itemKey }, bib: { key: book.bibKey } });
    expect((await api.ws(`/circulation/holdRecord/key/${title.body.holdRecord.key}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.ws(`/circulation/holdRecord/key/${title.body.holdRecord.key}?includeFields=status`)).body.fields.status).toBe('INACTIVE');
  });

  it('prompts for a blocked user (CKOBLOCKS) and a non-holdable item (HOLD_NO_HOLDS_OVRCD) until overridden', async () => {
    const api = sirsiSimulator('symphony');
    const blocked = api.demo.patrons.blocked;
    const book = api.demo.lendableItems[3]!;
    const hold = { itemBarcode: book.barcode, patronBarcode: blocked.barcode, pickupLibrary: { resource: '/policy/library', key: 'MAIN' } };
    const prompt = await api.ws('/circulation/holdRecord/placeHold', { body: hold });
    expect(prompt.status).toBe(400);
    expect(prompt.body).toMatchObject({
      promptRequired: true,
      dataMap: { promptType: 'CKOBLOCKS', promptRequiresData: true, promptDataType: 'PASSWORD' },
      messageList: [{ code: 'CKOBLOCKS', message: expect.stringContaining('Owes the library money') }],
    });
    const wrongCode = await api.ws('/circulation/holdRecord/placeHold', { body: hold, headers: { 'SD-Prompt-Return': 'CKOBLOCKS/guess' } });
    expect(wrongCode.body.messageList[0].message).toContain('override code is not valid');
    const placed = await api.ws('/circulation/holdRecord/placeHold', { body: hold, headers: override(api, 'CKOBLOCKS') });
    expect(placed.status).toBe(200);

    const reference = api.demo.referenceItem;
    const good = api.demo.patrons.good;
    const refHold = { itemBarcode: reference.barcode, patronBarcode: good.barcode, pickupLibrary: { resource: '/policy/library', key: 'MAIN' } };
    expect((await api.ws('/circulation/holdRecord/placeHold', { body: refHold })).body.dataMap.promptType).toBe('HOLD_NO_HOLDS_OVRCD');
    expect((await api.ws('/circulation/holdRecord/placeHold', { body: refHold, headers: override(api, 'HOLD_NO_HOLDS_OVRCD') })).status).toBe(200);
  });
});

describe('Symphony charges', () => {
  it('checks out with a forced due date, or by the loan policy, at the working library', async () => {
    const api = sirsiSimulator('symphony');
    const account = api.demo.institutionalPatrons.PARTNR;
    const [first, second] = api.demo.lendableItems;
    const forced = await api.ws('/circulation/circRecord/checkOut?includeFields=circRecord{*,item{barcode}}', {
      body: { itemBarcode: first!.barcode, patronBarcode: account.barcode, dueDate: '2025-04-16T23:59:00-00:00' },
      headers: { 'SD-Working-LibraryID': 'MAIN' },
    });
    expect(forced.status).toBe(200);
    expect(forced.body.circRecord.fields).toMatchObject({
      dueDate: '2025-04-16T23:59:00+00:00',
      library: { key: 'MAIN' },
      item: { fields: { barcode: first!.barcode } },
      renewalCount: 0,
    });
    const byPolicy = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: second!.barcode, patronBarcode: account.barcode },
      headers: { 'SD-Working-LibraryID': 'SCI' },
    });
    // ILLPARTNER accounts borrow for 42 days: 2025-04-23.
    expect(byPolicy.body.circRecord.fields).toMatchObject({ dueDate: '2025-04-23T23:59:00+00:00', library: { key: 'SCI' } });
    const again = await api.ws('/circulation/circRecord/checkOut', { body: { itemBarcode: first!.barcode, patronBarcode: account.barcode } });
    expect(again.body.messageList[0].code).toBe('itemAlreadyCharged');
    const past = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: api.demo.lendableItems[4]!.barcode, patronBarcode: account.barcode, dueDate: '2020-01-01' },
    });
    expect(past.body.messageList[0].code).toBe('invalidDueDate');
    const badLibrary = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: api.demo.lendableItems[4]!.barcode, patronBarcode: account.barcode },
      headers: { 'SD-Working-LibraryID': 'NOPE' },
    });
    expect(badLibrary.body.messageList[0].code).toBe('invalidPolicyKey');
  });

  it('prompts CKOBLOCKS for a blocked user, USER_PRIVILEGE_OVRCD for an expired one, CIRC_NONCHARGEABLE_OVRCD for a non-circulating item', async () => {
    const api = sirsiSimulator('symphony');
    const items = api.demo.lendableItems;
    const blocked = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: items[5]!.barcode, patronBarcode: api.demo.patrons.blocked.barcode },
    });
    expect(blocked.body.dataMap.promptType).toBe('CKOBLOCKS');
    const overridden = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: items[5]!.barcode, patronBarcode: api.demo.patrons.blocked.barcode },
      headers: override(api, 'CKOBLOCKS'),
    });
    expect(overridden.status).toBe(200);
    const expired = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: items[6]!.barcode, patronBarcode: api.demo.patrons.expired.barcode },
    });
    expect(expired.body.dataMap.promptType).toBe('USER_PRIVILEGE_OVRCD');
    const reference = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: api.demo.referenceItem.barcode, patronBarcode: api.demo.patrons.good.barcode },
    });
    expect(reference.body.dataMap.promptType).toBe('CIRC_NONCHARGEABLE_OVRCD');
    // Several answers in one header, as clients accumulate them.
    const both = await api.ws('/circulation/circRecord/checkOut', {
      body: { itemBarcode: api.demo.referenceItem.barcode, patronBarcode: api.demo.patrons.blocked.barcode },
      headers: { 'SD-Prompt-Return': `CKOBLOCKS/${api.demo.overrideCode};CIRC_NONCHARGEABLE_OVRCD/${api.demo.overrideCode}` },
    });
    expect(both.status).toBe(200);
  });

  it('checks in: a hold at this library goes to the hold shelf, elsewhere in transit; untransit receives it', async () => {
    const api = sirsiSimulator('symphony');
    await createTemporaryItem(api, '4713');
    await createTemporaryItem(api, '4714', '4714');
    const good = api.demo.patrons.good;
    for (const [barcode, pickup] of [
      ['4713', 'MAIN'],
      ['4714', 'SCI'],
    ] as const) {
      await api.ws('/circulation/holdRecord/placeHold', {
        body: { itemBarcode: barcode, patronBarcode: good.barcode, pickupLibrary: { resource: '/policy/library', key: pickup } },
      });
    }
    const shelf = await api.ws('/circulation/circRecord/checkIn?includeFields=holdRecord{status},item{currentLocation}', {
      body: { itemBarcode: '4713' },
      headers: { 'SD-Working-LibraryID': 'MAIN' },
    });
    expect(shelf.body).toMatchObject({
      currentStatus: 'ON_HOLD_SHELF',
      holdRecord: { fields: { status: 'BEING_HELD' } },
      item: { fields: { currentLocation: { key: 'HOLDS' } } },
    });
    expect(shelf.body.secondaryAdvice).toEqual(['Hold pickup notice sent.']);
    const transit = await api.ws('/circulation/circRecord/checkIn?includeFields=holdRecord{status}', {
      body: { itemBarcode: '4714' },
      headers: { 'SD-Working-LibraryID': 'MAIN' },
    });
    expect(transit.body).toMatchObject({ currentStatus: 'IN_TRANSIT', holdRecord: { fields: { status: 'TRANSIT' } } });
    const item = await api.ws('/catalog/item/barcode/4714?includeFields=transit{destinationLibrary,holdRecord,transitReason}');
    expect(item.body.fields.transit.fields).toMatchObject({ destinationLibrary: { key: 'SCI' }, transitReason: 'HOLD' });
    const received = await api.ws('/circulation/transit/untransit?includeFields=holdRecord{status}', {
      body: { itemBarcode: '4714' },
      headers: { 'SD-Working-LibraryID': 'SCI' },
    });
    expect(received.body).toMatchObject({ currentStatus: 'ON_HOLD_SHELF', holdRecord: { fields: { status: 'BEING_HELD' } } });
  });

  it('discharges a charge: the charge is gone and the item back on the shelf', async () => {
    const api = sirsiSimulator('symphony');
    const loaned = api.demo.checkedOutItem;
    const before = await api.ws(`/catalog/item/barcode/${loaned.barcode}?includeFields=circRecord`);
    const charge = before.body.fields.circRecord.key;
    const discharged = await api.ws('/circulation/circRecord/checkIn', { body: { itemBarcode: loaned.barcode }, headers: { 'SD-Working-LibraryID': 'MAIN' } });
    expect(discharged.body).toMatchObject({ currentStatus: 'ON_SHELF', primaryAdvice: expect.stringContaining('discharged') });
    expect((await api.ws(`/circulation/circRecord/key/${charge}`)).status).toBe(404);
    const notCharged = await api.ws('/circulation/circRecord/checkIn', { body: { itemBarcode: loaned.barcode } });
    expect(notCharged.body.primaryAdvice).toContain('not charged');
  });

  it('renews by policy, or to the due date staff give; an uncharged item cannot be renewed', async () => {
    const api = sirsiSimulator('symphony');
    const good = api.demo.patrons.good;
    const book = api.demo.lendableItems[7]!;
    await api.ws('/circulation/circRecord/checkOut', { body: { itemBarcode: book.barcode, patronBarcode: good.barcode } });
    api.sim.clock.advance(10 * 24 * 60 * 60_000);
    api.forgetSession(); // ten days idle: the session timed out
    const renewed = await api.ws('/circulation/circRecord/renew?includeFields=circRecord{dueDate,renewalCount}', { body: { itemBarcode: book.barcode } });
    expect(renewed.body.circRecord.fields).toEqual({ dueDate: '2025-04-19T23:59:00+00:00', renewalCount: 1 });
    const set = await api.ws('/circulation/circRecord/renew?includeFields=circRecord{dueDate}', {
      body: { item: { resource: '/catalog/item', key: book.itemKey }, dueDate: '2025-05-02' },
    });
    expect(set.body.circRecord.fields.dueDate).toBe('2025-05-02T23:59:00+00:00');
    const notCharged = await api.ws('/circulation/circRecord/renew', { body: { itemBarcode: api.demo.lendableItems[8]!.barcode } });
    expect(notCharged.body.messageList[0].code).toBe('itemNotCharged');
  });

  it('shows a patron their charges and holds through circRecordList and holdRecordList', async () => {
    const api = sirsiSimulator('symphony');
    const borrower = api.demo.checkedOutItem.borrower;
    const patron = await api.ws(`/user/patron/barcode/${borrower}?includeFields=circRecordList{dueDate,item{barcode}},holdRecordList`);
    expect(patron.body.fields.circRecordList).toHaveLength(1);
    expect(patron.body.fields.circRecordList[0].fields.item.fields.barcode).toBe(api.demo.checkedOutItem.barcode);
    expect(patron.body.fields.holdRecordList).toEqual([]);
  });
});
