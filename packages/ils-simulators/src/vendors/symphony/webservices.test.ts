import { describe, expect, it } from 'vitest';
import { parseIncludeFields } from '../sirsidynix-ws/representation.ts';
import { type Loose, sirsiSimulator } from '../sirsidynix-ws/test-support.ts';

describe('Symphony Web Services gateway', () => {
  it('needs x-sirs-clientID on every call, a known one, and a User-Agent', async () => {
    const api = sirsiSimulator('symphony');
    const login = { login: api.demo.staff.login, password: api.demo.staff.password };
    const noClient = await api.raw('/user/staff/login', {
      method: 'POST',
      headers: { 'User-Agent': 't', 'Content-Type': 'application/json' },
      body: JSON.stringify(login),
    });
    expect(noClient.status).toBe(401);
    expect(((await noClient.json()) as Loose).messageList[0].code).toBe('clientIDRequired');
    const unknown = await api.raw('/user/staff/login', {
      method: 'POST',
      headers: { 'User-Agent': 't', 'x-sirs-clientID': 'NOBODY', 'Content-Type': 'application/json' },
      body: JSON.stringify(login),
    });
    expect(((await unknown.json()) as Loose).messageList[0].code).toBe('clientNotAuthorized');
    const noAgent = await api.raw('/user/staff/login', { method: 'POST', headers: { 'x-sirs-clientID': api.demo.clientId }, body: JSON.stringify(login) });
    expect(noAgent.status).toBe(403);
  });

  it('logs staff in with a session token and refuses calls without one', async () => {
    const api = sirsiSimulator('symphony');
    const login = await api.ws('/user/staff/login', { anonymous: true, body: { login: api.demo.staff.login, password: api.demo.staff.password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ staffKey: 'ILLSTAFF', name: 'Interlibrary Loan Office' });
    expect(login.body.sessionToken).toMatch(/^[a-z0-9-]{36}$/);
    const wrong = await api.ws('/user/staff/login', { anonymous: true, body: { login: api.demo.staff.login, password: 'nope' } });
    expect(wrong.status).toBe(401);
    const anonymous = await api.ws(`/user/patron/barcode/${api.demo.patrons.good.barcode}`, { anonymous: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.messageList[0].code).toBe('sessionTokenRequired');
  });

  it('answers sessionTimedOut once a token has been idle too long, and a new login works', async () => {
    const api = sirsiSimulator('symphony');
    const good = api.demo.patrons.good.barcode;
    expect((await api.ws(`/user/patron/barcode/${good}`)).status).toBe(200);
    api.sim.clock.advance(59 * 60_000);
    expect((await api.ws(`/user/patron/barcode/${good}`)).status).toBe(200); // use slides the timeout
    api.sim.clock.advance(61 * 60_000);
    const expired = await api.ws(`/user/patron/barcode/${good}`);
    expect(expired.status).toBe(401);
    expect(expired.body.messageList[0].code).toBe('sessionTimedOut');
    api.forgetSession();
    expect((await api.ws(`/user/patron/barcode/${good}`)).status).toBe(200);
  });

  it('forgets sessions on a simulator reset', async () => {
    const api = sirsiSimulator('symphony');
    expect((await api.ws(`/user/patron/barcode/${api.demo.patrons.good.barcode}`)).status).toBe(200);
    api.sim.reset();
    expect((await api.ws(`/user/patron/barcode/${api.demo.patrons.good.barcode}`)).body.messageList[0].code).toBe('sessionTimedOut');
  });
});

describe('Symphony representations', () => {
  it('renders v1 records with stubs for related records, and v2 flattened with @resource/@key', async () => {
    const api = sirsiSimulator('symphony');
    const good = api.demo.patrons.good;
    const v1 = await api.ws(`/user/patron/barcode/${good.barcode}`);
    expect(v1.body).toMatchObject({
      resource: '/user/patron',
      key: good.key,
      fields: {
        barcode: good.barcode,
        displayName: good.displayName,
        alternateID: good.alternateID,
        profile: { resource: '/policy/userProfile', key: 'UNDERGRAD' },
        standing: { resource: '/policy/patronStanding', key: 'OK' },
        library: { resource: '/policy/library', key: 'MAIN' },
      },
    });
    expect(v1.body.fields.privilegeExpiresDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const v2 = await api.ws(`/user/patron/key/${good.key}`, { version: 'v2' });
    expect(v2.headers.get('content-type')).toContain('application/vnd.sirsidynix.roa.resource.v2+json');
    expect(v2.body).toMatchObject({
      '@resource': '/user/patron',
      '@key': good.key,
      barcode: good.barcode,
      profile: { '@resource': '/policy/userProfile', '@key': 'UNDERGRAD' },
    });
    expect(v2.body.fields).toBeUndefined();
  });

  it('expands related records through nested includeFields', async () => {
    const api = sirsiSimulator('symphony');
    const loaned = api.demo.checkedOutItem;
    const item = await api.ws(`/catalog/item/barcode/${loaned.barcode}?includeFields=barcode,bib{title,author},circRecord{*,patron{barcode}},currentLocation`);
    expect(item.status).toBe(200);
    expect(Object.keys(item.body.fields).sort()).toEqual(['barcode', 'bib', 'circRecord', 'currentLocation']);
    expect(item.body.fields.bib).toEqual({ resource: '/catalog/bib', key: loaned.bibKey, fields: { title: loaned.title, author: loaned.author } });
    expect(item.body.fields.currentLocation).toEqual({ resource: '/policy/location', key: 'CHECKEDOUT' });
    const circ = item.body.fields.circRecord;
    expect(circ.fields.patron).toEqual({ resource: '/user/patron', key: expect.any(String), fields: { barcode: loaned.borrower } });
    expect(circ.fields.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}T23:59:00\+00:00$/);
    expect(circ.fields.item).toEqual({ resource: '/catalog/item', key: loaned.itemKey });
  });

  it('refuses unknown fields and bad keys with messageList errors', async () => {
    const api = sirsiSimulator('symphony');
    const badField = await api.ws(`/catalog/item/barcode/${api.demo.lendableItems[0]!.barcode}?includeFields=barcode,colour`);
    expect(badField.status).toBe(400);
    expect(badField.body.messageList[0]).toMatchObject({ code: 'invalidFieldName' });
    const badKey = await api.ws('/catalog/item/key/abc');
    expect(badKey.body.messageList[0].code).toBe('keyParseError');
    const missing = await api.ws('/catalog/item/key/999:999:999');
    expect(missing.status).toBe(404);
    expect(missing.body.messageList[0].code).toBe('recordNotFound');
    const noPath = await api.ws('/no/such/resource');
    expect(noPath.status).toBe(404);
  });

  it('parses includeFields grammar, including a bare {*} and nested wildcards', () => {
    const tree = parseIncludeFields('circRecord{*,item{barcode}},holdRecordList{*,item{call}}');
    expect(tree.all).toBe(false);
    expect(tree.fields.get('circRecord')?.all).toBe(true);
    expect([...(tree.fields.get('circRecord')?.fields.keys() ?? [])]).toEqual(['item']);
    expect(parseIncludeFields('{*}').all).toBe(true);
    expect(parseIncludeFields('a{*}', { nestedWildcard: false }).fields.get('a')?.all).toBe(false);
    expect(() => parseIncludeFields('a{b')).toThrow(/malformed/);
  });
});

describe('Symphony patron lookups', () => {
  it('finds patrons by barcode, key and alternate ID; a blocked patron shows BLOCKED standing and its blocks', async () => {
    const api = sirsiSimulator('symphony');
    const blocked = api.demo.patrons.blocked;
    const record = await api.ws(`/user/patron/alternateID/${blocked.alternateID}?includeFields=standing,blockList{block,comment},patronStatusInfo{*}`);
    expect(record.body.fields.standing.key).toBe('BLOCKED');
    expect(record.body.fields.blockList[0].fields).toMatchObject({ comment: 'Owes the library money', block: { key: 'GENERAL' } });
    expect(record.body.fields.patronStatusInfo.fields).toMatchObject({ amountOwed: { currencyCode: 'USD', amount: '0.00' }, blockCount: 1 });
    expect((await api.ws('/user/patron/barcode/00000000')).status).toBe(404);
  });

  it('searches patrons with ID:/ALT_ID: indexes and rw/ct paging', async () => {
    const api = sirsiSimulator('symphony');
    const good = api.demo.patrons.good;
    const byId = await api.ws(`/user/patron/search?q=ID:${good.barcode}&rw=1&ct=10&includeFields=barcode,displayName`);
    expect(byId.body).toMatchObject({ searchQuery: `ID:${good.barcode}`, startRow: 1, lastRow: 1, rowsPerPage: 10, totalResults: 1 });
    expect(byId.body.result[0]).toEqual({ resource: '/user/patron', key: good.key, fields: { barcode: good.barcode, displayName: good.displayName } });
    const everyone = await api.ws('/user/patron/search?q=NAME:a&rw=3&ct=2&includeFields=barcode');
    expect(everyone.body.startRow).toBe(3);
    expect(everyone.body.result).toHaveLength(2);
    expect(everyone.body.lastRow).toBe(4);
    expect(everyone.body.totalResults).toBeGreaterThan(4);
    expect((await api.ws('/user/patron/search?q=borr|2:123')).body.messageList[0].code).toBe('invalidRequest');
    expect((await api.ws('/user/patron/search?q=SHOE:1')).body.messageList[0].code).toBe('invalidSearchIndex');
    expect((await api.ws('/user/patron/search?q=ID:1&ct=0')).status).toBe(400);
  });

  it('logs a patron in with barcode and PIN; a patron session reads only its own record', async () => {
    const api = sirsiSimulator('symphony');
    const good = api.demo.patrons.good;
    const login = await api.ws('/user/patron/login', { anonymous: true, body: { barcode: good.barcode, password: good.pin } });
    expect(login.body).toMatchObject({ patronKey: good.key, sessionToken: expect.any(String) });
    const headers = { 'x-sirs-sessionToken': login.body.sessionToken };
    const own = await api.ws(`/user/patron/key/${good.key}`, { anonymous: true, headers });
    expect(own.status).toBe(200);
    const other = await api.ws(`/user/patron/key/${api.demo.patrons.faculty.key}`, { anonymous: true, headers });
    expect(other.status).toBe(403);
    const authenticate = await api.ws('/user/patron/authenticate', { body: { barcode: good.barcode, password: '0000' } });
    expect(authenticate.status).toBe(401);
  });
});

describe('Symphony action answers', () => {
  it('shapes an action answer with includeFields: a named record without braces is a stub, others are left out', async () => {
    const api = sirsiSimulator('symphony');
    const book = api.demo.lendableItems[9]!;
    const body = { itemBarcode: book.barcode, patronBarcode: api.demo.patrons.good.barcode, pickupLibrary: { resource: '/policy/library', key: 'MAIN' } };
    const stub = await api.ws('/circulation/holdRecord/placeHold?includeFields=holdRecord', { body });
    expect(stub.body).toEqual({ holdRecord: { resource: '/circulation/holdRecord', key: expect.any(String) } });
    const discharged = await api.ws('/circulation/circRecord/checkIn?includeFields=holdRecord{status}', { body: { itemBarcode: book.barcode } });
    expect(Object.keys(discharged.body).sort()).toEqual(['currentStatus', 'holdRecord', 'primaryAdvice', 'secondaryAdvice', 'transit']);
  });
});
