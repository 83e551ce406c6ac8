import { describe, expect, it } from 'vitest';
import { days, testNow } from '../../testing.ts';
import { almaSimulator, demo, holdingXml, temporaryBibXml } from './test-support.ts';

const good = demo.patrons.good;

/** The borrowing receive step as an Alma client runs it: bib, holding, item in the ILL location. */
async function createTemporaryItem(api: ReturnType<typeof almaSimulator>, barcode: string, requestId = 'ILL-4711') {
  const bib = await api.xml('/bibs', { method: 'POST', body: temporaryBibXml('The borrowed book', requestId) });
  expect(bib.status).toBe(200);
  const mmsId = String(bib.body.mms_id);
  const holding = await api.xml(`/bibs/${mmsId}/holdings`, { method: 'POST', body: holdingXml('MAIN', 'ILL') });
  expect(holding.status).toBe(200);
  const holdingId = String(holding.body.holding_id);
  const item = await api.json(`/bibs/${mmsId}/holdings/${holdingId}/items`, {
    method: 'POST',
    body: {
      item_data: {
        barcode,
        physical_material_type: { value: 'BOOK' },
        policy: { value: 'ILL' },
        base_status: { value: '1' },
        internal_note_1: `ILL request ${requestId}`,
        fulfillment_note: 'Lent by Partner University Library',
        library: { value: 'MAIN' },
        location: { value: 'ILL' },
      },
    },
  });
  expect(item.status).toBe(200);
  return { mmsId, holdingId, pid: String(item.body.item_data.pid), item: item.body };
}

describe('Alma bibs, holdings and items', () => {
  it('creates a bib from MARCXML (XML only: JSON gets 60105) and returns the record', async () => {
    const api = almaSimulator();
    const created = await api.xml('/bibs', { method: 'POST', body: temporaryBibXml('Über & beyond', 'ILL-1') });
    expect(created.root).toBe('bib');
    expect(created.body.title).toBe('Über & beyond');
    expect(created.text).toContain('<record><leader>');
    expect(created.text).toContain('<subfield code="a">Über &amp; beyond /</subfield>');
    const mmsId = String(created.body.mms_id);
    expect(mmsId).toMatch(/^99\d+$/u);
    const asJson = await api.json(`/bibs/${mmsId}`);
    expect(asJson.body).toMatchObject({ mms_id: mmsId, record_format: 'marc21', suppress_from_publishing: 'true' });
    expect(asJson.body.anies[0]).toContain(`<controlfield tag="001">${mmsId}</controlfield>`);

    const json = await api.json('/bibs', { method: 'POST', body: { title: 'x' } });
    expect(json.status).toBe(400);
    expect(json.body.errorList.error[0].errorCode).toBe('60105');
    const broken = await api.xml('/bibs', { method: 'POST', body: '<bib><record>' });
    expect(broken.body.errorList.error.errorCode).toBe('402209');
    expect((await api.json('/bibs/abc')).body.errorList.error[0].errorCode).toBe('402204');
  });

  it('finds a temporary record by its other system id (no-strap recovery) and by mms_id', async () => {
    const api = almaSimulator();
    const { mmsId } = await createTemporaryItem(api, '4711');
    const found = await api.json('/bibs?other_system_id=ILL-4711');
    expect(found.body.total_record_count).toBe(1);
    expect(found.body.bib[0].mms_id).toBe(mmsId);
    const byIds = await api.json(`/bibs?mms_id=${mmsId},${demo.lendableItems[0]!.mms_id}&view=brief`);
    expect(byIds.body.total_record_count).toBe(2);
    expect(byIds.body.bib[0].anies).toBeUndefined();
  });

  it('creates holdings from MARCXML 852 and lists them', async () => {
    const api = almaSimulator();
    const bib = await api.xml('/bibs', { method: 'POST', body: temporaryBibXml('Holding test', 'ILL-2') });
    const mmsId = String(bib.body.mms_id);
    expect((await api.json(`/bibs/${mmsId}/holdings`, { method: 'POST', body: {} })).body.errorList.error[0].errorCode).toBe('60105');
    const wrongLibrary = await api.xml(`/bibs/${mmsId}/holdings`, { method: 'POST', body: holdingXml('NOPE', 'ILL') });
    expect(wrongLibrary.body.errorList.error.errorCode).toBe('33008');
    const created = await api.xml(`/bibs/${mmsId}/holdings`, { method: 'POST', body: holdingXml('SCI', 'ILL') });
    expect(created.text).toContain('<subfield code="b">SCI</subfield>');
    const list = await api.json(`/bibs/${mmsId}/holdings`);
    expect(list.body.total_record_count).toBe(1);
    expect(list.body.holding[0]).toMatchObject({ library: { value: 'SCI', desc: 'Science Library' }, location: { value: 'ILL' } });
    expect(list.body.bib_data.mms_id).toBe(mmsId);
  });

  it('creates an item, refuses a duplicate barcode, and finds it by barcode through a 302', async () => {
    const api = almaSimulator();
    const { mmsId, holdingId, pid, item } = await createTemporaryItem(api, '4711');
    expect(item).toMatchObject({
      bib_data: { mms_id: mmsId, title: 'The borrowed book' },
      holding_data: { holding_id: holdingId, in_temp_location: false },
      item_data: {
        barcode: '4711',
        policy: { value: 'ILL', desc: 'Interlibrary loan' },
        base_status: { value: '1', desc: 'Item in place' },
        library: { value: 'MAIN', desc: 'Main Library' },
        location: { value: 'ILL' },
        internal_note_1: 'ILL request ILL-4711',
        requested: false,
      },
    });
    expect(item.link).toBe(`http://localhost/almaws/v1/bibs/${mmsId}/holdings/${holdingId}/items/${pid}`);

    const duplicate = await api.json(`/bibs/${mmsId}/holdings/${holdingId}/items`, {
      method: 'POST',
      body: { item_data: { barcode: '4711', policy: { value: 'ILL' } } },
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errorList.error[0].errorMessage).toContain('4711');

    const redirect = await api.request(`/items?item_barcode=4711&apikey=${demo.apiKey}`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    // The pattern off-the-shelf clients (scriptotek) use to pull the ids out, anchored at the end:
    // the key sent in the query is not echoed into the Location.
    const match = /bibs\/([0-9]+)\/holdings\/([0-9]+)\/items\/([0-9]+)$/u.exec(location);
    expect(match?.slice(1)).toEqual([mmsId, holdingId, pid]);
    expect(location).not.toContain('apikey');
    const followed = await api.json(new URL(location).pathname.replace('/almaws/v1', ''));
    expect(followed.body.item_data.barcode).toBe('4711');

    const unknown = await api.json('/items?item_barcode=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errorList.error[0]).toMatchObject({ errorCode: '401689', errorMessage: 'No items found for barcode nope.' });
  });

  it('replaces the whole item on PUT, moving it to and from a temporary location', async () => {
    const api = almaSimulator();
    const lendable = demo.lendableItems[0]!;
    const path = `/bibs/${lendable.mms_id}/holdings/${lendable.holding_id}/items/${lendable.item_pid}`;
    const current = await api.json(path);
    const moved = structuredClone(current.body);
    moved.holding_data.in_temp_location = true;
    moved.holding_data.temp_library = { value: 'MAIN' };
    moved.holding_data.temp_location = { value: 'ILL' };
    moved.item_data.internal_note_2 = 'Lent to PARTNR';
    const put = await api.json(path, { method: 'PUT', body: moved });
    expect(put.status).toBe(200);
    expect(put.body.holding_data).toMatchObject({
      in_temp_location: true,
      temp_library: { value: 'MAIN', desc: 'Main Library' },
      temp_location: { value: 'ILL', desc: 'Interlibrary Loan Office' },
    });
    expect(put.body.item_data.internal_note_2).toBe('Lent to PARTNR');

    // Full replace: a body without the note clears it; in_temp_location=false restores the location.
    const back = await api.json(path, {
      method: 'PUT',
      body: { item_data: { barcode: lendable.barcode, policy: { value: 'BOOK' } }, holding_data: { in_temp_location: false } },
    });
    expect(back.body.holding_data.in_temp_location).toBe(false);
    expect(back.body.holding_data.temp_library).toEqual({ value: null, desc: null });
    expect(back.body.item_data.internal_note_2).toBe('');

    const xmlPut = await api.xml(path, {
      method: 'PUT',
      body: `<item><holding_data><in_temp_location>true</in_temp_location><temp_library>SCI</temp_library><temp_location>ILL</temp_location></holding_data><item_data><barcode>${lendable.barcode}</barcode><policy>BOOK</policy></item_data></item>`,
    });
    expect(xmlPut.text).toContain('<temp_library desc="Science Library">SCI</temp_library>');

    const bad = await api.json(path, {
      method: 'PUT',
      body: { item_data: { barcode: lendable.barcode }, holding_data: { in_temp_location: true, temp_library: { value: 'MAIN' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errorList.error[0].errorCode).toBe('401664');
  });

  it('deletes items (override for circulating ones), holdings and bibs', async () => {
    const api = almaSimulator();
    const { mmsId, holdingId, pid } = await createTemporaryItem(api, '4711');
    const itemPath = `/bibs/${mmsId}/holdings/${holdingId}/items/${pid}`;
    const loan = await api.json(`/users/${good.primaryId}/loans?item_barcode=4711`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    expect(loan.status).toBe(200);
    expect((await api.json(itemPath, { method: 'DELETE' })).status).toBe(400);
    expect((await api.request(`${itemPath}?override=true`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.json(itemPath)).body.errorList.error[0].errorCode).toBe('401683');
    expect((await api.request(`/bibs/${mmsId}/holdings/${holdingId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.request(`/bibs/${mmsId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api.json(`/bibs/${mmsId}`)).body.errorList.error[0].errorCode).toBe('402203');
  });
});

describe('Alma requests and scan-in', () => {
  it('places an item-level hold and routes the item: TRANSIT elsewhere, HOLDSHELF at the pickup library', async () => {
    const api = almaSimulator();
    const { mmsId, holdingId, pid } = await createTemporaryItem(api, '4711');
    const request = await api.json(`/users/${good.primaryId}/requests?item_pid=${pid}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_type: 'LIBRARY', pickup_location_library: 'SCI', comment: 'ILL 4711' },
    });
    expect(request.status).toBe(200);
    expect(request.body).toMatchObject({
      request_type: 'HOLD',
      request_status: 'NOT_STARTED',
      pickup_location_library: 'SCI',
      pickup_location: 'Science Library',
      user_primary_id: good.primaryId,
      item_id: pid,
      barcode: '4711',
      comment: 'ILL 4711',
      place_in_queue: 1,
    });
    const requestId = String(request.body.request_id);

    const duplicate = await api.json(`/users/${good.primaryId}/requests?item_pid=${pid}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_library: 'SCI' },
    });
    expect(duplicate.body.errorList.error[0].errorCode).toBe('401136');

    const scanPath = `/bibs/${mmsId}/holdings/${holdingId}/items/${pid}?op=scan`;
    const atMain = await api.json(`${scanPath}&library=MAIN&circ_desk=RS_DESK`, { method: 'POST' });
    expect(atMain.status).toBe(200);
    expect(atMain.body.item_data.process_type).toEqual({ value: 'TRANSIT', desc: 'Transit' });
    expect(atMain.body.item_data.base_status.value).toBe('0');
    expect(atMain.body.additional_info).toContain("Item's destination is: Science Library");
    expect((await api.json(`/users/${good.primaryId}/requests/${requestId}`)).body.request_status).toBe('IN_PROCESS');

    const atScience = await api.json(`${scanPath}&library=SCI&circ_desk=DEFAULT_CIRC_DESK`, { method: 'POST' });
    expect(atScience.body.item_data.process_type).toEqual({ value: 'HOLDSHELF', desc: 'Hold Shelf' });
    expect(atScience.body.item_data.requested).toBe(true);
    expect(atScience.body.additional_info).toContain(`Requester ID: ${good.primaryId}`);
    const onShelf = await api.json(`/users/${good.primaryId}/requests`);
    expect(onShelf.body.total_record_count).toBe(1);
    expect(onShelf.body.user_request[0]).toMatchObject({ request_status: 'ON_HOLD_SHELF', expiry_date: '2025-03-17Z' });
    const state = (await (await api.control('/state')).json()) as { tables: { pickupNotices: unknown[] } };
    expect(state.tables.pickupNotices).toHaveLength(1);

    const itemRequests = await api.json(`/bibs/${mmsId}/holdings/${holdingId}/items/${pid}/requests`);
    expect(itemRequests.body.user_request[0].request_id).toBe(requestId);

    // Check-out at the pickup desk fulfils the request.
    const loan = await api.json(`/users/${good.primaryId}/loans?item_pid=${pid}`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'SCI' } },
    });
    expect(loan.body.due_date).toBe('2025-04-02T23:59:00Z');
    expect((await api.json(`/users/${good.primaryId}/requests`)).body.total_record_count).toBe(0);
    expect((await api.json(`/users/${good.primaryId}/requests?status=history`)).body.user_request[0].request_status).toBe('HISTORY');
  });

  it('takes request and scan-in bodies as XML too, and cancels requests with DELETE', async () => {
    const api = almaSimulator();
    const lendable = demo.lendableItems[2]!;
    const created = await api.xml(`/users/${good.primaryId}/requests?item_pid=${lendable.item_pid}`, {
      method: 'POST',
      body: '<user_request><request_type>HOLD</request_type><pickup_location_type>LIBRARY</pickup_location_type><pickup_location_library>MAIN</pickup_location_library></user_request>',
    });
    expect(created.root).toBe('user_request');
    expect(created.body.request_status).toBe('NOT_STARTED');
    const requestId = String(created.body.request_id);
    expect((await api.request(`/users/${good.primaryId}/requests/${requestId}?reason=CannotBeFulfilled`, { method: 'DELETE' })).status).toBe(204);
    // A cancelled request stays readable, in history; cancelling it again is refused.
    expect((await api.json(`/users/${good.primaryId}/requests/${requestId}`)).body.request_status).toBe('HISTORY');
    expect((await api.request(`/users/${good.primaryId}/requests/${requestId}`, { method: 'DELETE' })).status).toBe(400);
    expect((await api.json(`/users/${good.primaryId}/requests/1000009999990001021`)).body.errorList.error[0].errorCode).toBe('401877');
    const blocked = await api.json(`/users/${demo.patrons.blocked.primaryId}/requests?item_pid=${lendable.item_pid}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_library: 'MAIN' },
    });
    expect(blocked.status).toBe(400);
    const noPickup = await api.json(`/users/${good.primaryId}/requests?item_pid=${lendable.item_pid}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_library: 'MOON' },
    });
    expect(noPickup.body.errorList.error[0].errorCode).toBe('401895');
    const titleLevel = await api.json(`/users/${good.primaryId}/requests?mms_id=${demo.lendableItems[3]!.mms_id}`, {
      method: 'POST',
      body: { request_type: 'HOLD', pickup_location_library: 'MAIN' },
    });
    expect(titleLevel.body.item_id).toBe(demo.lendableItems[3]!.item_pid);
  });
});

describe('Alma loans', () => {
  it('lends by policy, changes the due date with PUT (never into the past) and renews', async () => {
    const api = almaSimulator();
    const lendable = demo.lendableItems[0]!;
    const created = await api.json(`/users/${good.primaryId}/loans?item_barcode=${lendable.barcode}`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' }, due_date: '2030-01-01T00:00:00Z' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      loan_status: 'ACTIVE',
      due_date: '2025-04-09T23:59:00Z',
      item_barcode: lendable.barcode,
      user_id: good.primaryId,
      circ_desk: { value: 'DEFAULT_CIRC_DESK', desc: 'Main Circulation Desk' },
      library: { value: 'MAIN', desc: 'Main Library' },
      mms_id: lendable.mms_id,
      item_id: lendable.item_pid,
      process_status: 'NORMAL',
      renewable: true,
    });
    const loanId = String(created.body.loan_id);

    const past = await api.json(`/users/${good.primaryId}/loans/${loanId}`, { method: 'PUT', body: { due_date: '2025-03-01T23:59:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body.errorList.error[0]).toMatchObject({ errorCode: '401681', errorMessage: 'Due date cannot be in the past.' });
    const missing = await api.json(`/users/${good.primaryId}/loans/${loanId}`, { method: 'PUT', body: { loan_id: loanId } });
    expect(missing.body.errorList.error[0].errorCode).toBe('401824');
    const changed = await api.json(`/users/${good.primaryId}/loans/${loanId}`, { method: 'PUT', body: { due_date: '2025-05-04T23:59:00Z' } });
    expect(changed.body.due_date).toBe('2025-05-04T23:59:00Z');
    const xmlChange = await api.xml(`/users/${good.primaryId}/loans/${loanId}`, {
      method: 'PUT',
      body: '<item_loan><due_date>2025-05-06T23:59:00Z</due_date></item_loan>',
    });
    expect(xmlChange.body.due_date).toBe('2025-05-06T23:59:00Z');

    await api.control('/clock', { method: 'POST', body: { advanceDays: 40 } });
    const renewed = await api.json(`/users/${good.primaryId}/loans/${loanId}?op=renew`, { method: 'POST' });
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ due_date: '2025-05-19T23:59:00Z', process_status: 'RENEW' });
    const list = await api.json(`/users/${good.primaryId}/loans?expand=renewable`);
    expect(list.body.total_record_count).toBe(1);
    expect(list.body.item_loan[0].loan_id).toBe(loanId);
    expect(await api.json(`/users/${good.primaryId}/loans/7000000009990001021`)).toMatchObject({ status: 400 });
  });

  it('refuses renewal of a borrowed ILL item with 401822', async () => {
    const api = almaSimulator();
    await createTemporaryItem(api, '4711');
    const loan = await api.xml(`/users/${good.primaryId}/loans?item_barcode=4711`, {
      method: 'POST',
      body: '<item_loan><circ_desk>DEFAULT_CIRC_DESK</circ_desk><library>MAIN</library></item_loan>',
    });
    expect(loan.status).toBe(200);
    expect(loan.root).toBe('item_loan');
    expect(loan.text).toContain('<circ_desk desc="Main Circulation Desk">DEFAULT_CIRC_DESK</circ_desk>');
    api.sim.clock.advance(days(3));
    const refused = await api.json(`/users/${good.primaryId}/loans/${loan.body.loan_id}?op=renew`, { method: 'POST' });
    expect(refused.body.errorList.error[0].errorCode).toBe('401822');
  });

  it('maps loan refusals to Alma codes', async () => {
    const api = almaSimulator();
    const desk = { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } };
    const code = async (path: string, body: unknown = desk) => (await api.json(path, { method: 'POST', body })).body.errorList?.error[0].errorCode as string;
    const barcode = demo.lendableItems[1]!.barcode;
    expect(await code(`/users/${demo.patrons.blocked.primaryId}/loans?item_barcode=${barcode}`)).toBe('401652');
    expect(await code(`/users/${demo.patrons.expired.primaryId}/loans?item_barcode=${barcode}`)).toBe('401652');
    expect(await code(`/users/nobody/loans?item_barcode=${barcode}`)).toBe('401890');
    expect(await code(`/users/${good.primaryId}/loans?item_barcode=${demo.referenceItem.barcode}`)).toBe('401651');
    expect(await code(`/users/${good.primaryId}/loans?item_barcode=${demo.checkedOutItem.barcode}`)).toBe('401651');
    expect(await code(`/users/${good.primaryId}/loans?item_barcode=${barcode}`, { ...desk, circ_desk: { value: 'NOPE' } })).toBe('401153');
    expect(await code(`/users/${good.primaryId}/loans?item_barcode=${barcode}`, { library: { value: 'MAIN' } })).toBe('401664');
    expect(await code(`/users/${good.primaryId}/loans`)).toBe('401672');
  });

  it('returns an open loan when the item is scanned in', async () => {
    const api = almaSimulator();
    const lendable = demo.checkedOutItem;
    const path = `/bibs/${lendable.mms_id}/holdings/${lendable.holding_id}/items/${lendable.item_pid}?op=scan&library=MAIN&circ_desk=DEFAULT_CIRC_DESK`;
    const scanned = await api.json(path, { method: 'POST' });
    expect(scanned.body.additional_info).toMatch(/^Loan returned\. Item's destination is: Reshelve to Main Stacks/u);
    expect(scanned.body.item_data.base_status.value).toBe('1');
    expect((await api.json(`/users/${lendable.borrower}/loans`)).body.total_record_count).toBe(0);
    const history = await api.json(`/users/${lendable.borrower}/loans?loan_status=Complete`);
    expect(history.body.item_loan[0].loan_status).toBe('COMPLETE');
    // Scanning again is still a success.
    expect((await api.json(path, { method: 'POST' })).status).toBe(200);
    const noDesk = await api.json(path.replace('&circ_desk=DEFAULT_CIRC_DESK', ''), { method: 'POST' });
    expect(noDesk.body.errorList.error[0].errorCode).toBe('401664');
  });
});

describe('Alma fines and fees', () => {
  it('charges, lists with total_sum and currency, pays and waives', async () => {
    const api = almaSimulator();
    const charge = await api.json(`/users/${good.primaryId}/fees`, {
      method: 'POST',
      body: {
        type: { value: 'DOCUMENTDELIVERYSERVICE' },
        original_amount: 12.5,
        owner: { value: 'MAIN' },
        comment: 'ILL fee, request 4711',
        barcode: { value: demo.lendableItems[0]!.barcode },
      },
    });
    expect(charge.status).toBe(200);
    expect(charge.body).toMatchObject({
      type: { value: 'DOCUMENTDELIVERYSERVICE', desc: 'Document delivery service' },
      status: { value: 'ACTIVE' },
      balance: 12.5,
      original_amount: 12.5,
      owner: { value: 'MAIN' },
      title: demo.lendableItems[0]!.title,
      user_primary_id: { value: good.primaryId },
    });
    const feeId = String(charge.body.id);
    const list = await api.json(`/users/${good.primaryId}/fees`);
    expect(list.body).toMatchObject({ total_record_count: 1, total_sum: 12.5, currency: 'USD' });

    const partial = await api.json(`/users/${good.primaryId}/fees/${feeId}?op=pay&amount=2.5&method=CASH`, { method: 'POST' });
    expect(partial.body.balance).toBe(10);
    expect(partial.body.transaction[0]).toMatchObject({ type: { value: 'PAYMENT' }, amount: 2.5 });
    expect((await api.json(`/users/${good.primaryId}/fees/${feeId}?op=waive`, { method: 'POST' })).status).toBe(400);
    const waived = await api.json(`/users/${good.primaryId}/fees/${feeId}?op=waive&reason=ILL_WAIVED`, { method: 'POST' });
    expect(waived.body.status.value).toBe('CLOSED');
    expect((await api.json(`/users/${good.primaryId}/fees`)).body).toEqual({ total_record_count: 0, total_sum: 0, currency: null });
    expect((await api.json(`/users/${good.primaryId}/fees?status=CLOSED`)).body.total_record_count).toBe(1);

    const xml = await api.xml(`/users/${good.primaryId}/fees/${feeId}`);
    expect(xml.text).toContain('<transactions><transaction>');
    expect(xml.text).toContain('<type desc="Document delivery service">DOCUMENTDELIVERYSERVICE</type>');
  });

  it('validates fee bodies with the documented codes', async () => {
    const api = almaSimulator();
    const code = async (body: unknown) =>
      (await api.json(`/users/${good.primaryId}/fees`, { method: 'POST', body })).body.errorList.error[0].errorCode as string;
    expect(await code({ original_amount: 1, owner: { value: 'MAIN' } })).toBe('4019991');
    expect(await code({ type: { value: 'PIZZA' }, original_amount: 1, owner: { value: 'MAIN' } })).toBe('4019992');
    expect(await code({ type: { value: 'OTHER' }, owner: { value: 'MAIN' } })).toBe('4019994');
    expect(await code({ type: { value: 'OTHER' }, original_amount: 1 })).toBe('4019996');
    expect(await code({ type: { value: 'OTHER' }, original_amount: 1, owner: { value: demo.institutionCode } })).toBe('4019997');
    expect(await code({ type: { value: 'OTHER' }, original_amount: 1, owner: { value: 'MAIN' }, barcode: { value: 'nope' } })).toBe('4019993');
    expect((await api.json('/users/nobody/fees', { method: 'POST', body: {} })).body.errorList.error[0].errorCode).toBe('401861');
    expect((await api.json(`/users/${good.primaryId}/fees/8000000999990001021`)).body.errorList.error[0].errorCode).toBe('401665');
  });
});

describe('Alma configuration lists', () => {
  it('lists libraries, locations and circulation desks', async () => {
    const api = almaSimulator();
    const libraries = await api.json('/conf/libraries');
    expect(libraries.body.library.map((library: { code: string }) => library.code)).toEqual(['MAIN', 'SCI']);
    const locations = await api.json('/conf/libraries/MAIN/locations');
    expect(locations.body.location.map((location: { code: string }) => location.code)).toContain(demo.illLocation);
    const desks = await api.json('/conf/libraries/SCI/circ-desks');
    expect(desks.body.circ_desk[0].code).toBe(demo.circDesks.SCI);
  });

  it('keeps holding_data.due_back_date: a desk check-out ends by then, a later policy date is cut, a PUT without it clears it', async () => {
    const api = almaSimulator();
    const bib = await api.xml('/bibs', { method: 'POST', body: temporaryBibXml('Short loan', 'ILL-77') });
    const mmsId = String(bib.body.mms_id);
    const holding = await api.xml(`/bibs/${mmsId}/holdings`, { method: 'POST', body: holdingXml('MAIN', 'ILL') });
    const holdingId = String(holding.body.holding_id);
    const dueBack = new Date(new Date(testNow).getTime() + days(6)).toISOString().slice(0, 10);
    const bad = await api.json(`/bibs/${mmsId}/holdings/${holdingId}/items`, {
      method: 'POST',
      body: { holding_data: { due_back_date: 'next tuesday' }, item_data: { barcode: '7701', policy: { value: 'ILL' } } },
    });
    expect(bad.status).toBe(400);
    const item = await api.json(`/bibs/${mmsId}/holdings/${holdingId}/items`, {
      method: 'POST',
      body: { holding_data: { due_back_date: `${dueBack}Z` }, item_data: { barcode: '7701', policy: { value: 'ILL' } } },
    });
    expect(item.status).toBe(200);
    expect(item.body.holding_data.due_back_date).toBe(`${dueBack}Z`);
    const loan = await api.json(`/users/${good.primaryId}/loans?item_barcode=7701`, {
      method: 'POST',
      body: { circ_desk: { value: 'DEFAULT_CIRC_DESK' }, library: { value: 'MAIN' } },
    });
    expect(loan.status).toBe(200);
    // The ILL policy gives weeks; the due-back date (or the open day before it) wins.
    expect(String(loan.body.due_date).slice(0, 10) <= dueBack).toBe(true);
    const pid = String(item.body.item_data.pid);
    const path = `/bibs/${mmsId}/holdings/${holdingId}/items/${pid}`;
    const current = (await api.json(path)).body;
    delete current.holding_data.due_back_date;
    const put = await api.json(path, { method: 'PUT', body: current });
    expect(put.body.holding_data.due_back_date).toBeNull();
  });
});
