import { describe, expect, it, onTestFinished } from 'vitest';
import { demo, sierraSimulator } from './test-support.ts';

function setup() {
  const sierra = sierraSimulator();
  onTestFinished(() => sierra.sim.close());
  return sierra;
}

describe('Sierra patrons', () => {
  it('finds a patron by barcode (varField b) with the default properties only', async () => {
    const { json } = setup();
    const good = demo.patrons.good;
    const found = await json(`/patrons/find?varFieldTag=b&varFieldContent=${good.barcode}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: good.id, patronType: good.patronType, blockInfo: { code: '-' }, moneyOwed: 0, deleted: false });
    expect(found.body.expirationDate).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    // names, barcodes and varFields come only when asked for.
    expect(found.body.names).toBeUndefined();
    expect(found.body.varFields).toBeUndefined();
  });

  it('returns what fields= names (id always), fixed fields keyed by number', async () => {
    const { json } = setup();
    const good = demo.patrons.good;
    const found = await json(`/patrons/${good.id}?fields=names,barcodes,fixedFields,varFields,emails`);
    expect(Object.keys(found.body).sort()).toEqual(['barcodes', 'emails', 'fixedFields', 'id', 'names', 'varFields']);
    expect(found.body.names).toEqual([good.name]);
    expect(found.body.barcodes).toEqual([good.barcode]);
    expect(found.body.fixedFields['47']).toEqual({ label: 'P TYPE', value: String(good.patronType) });
    expect(found.body.varFields).toContainEqual({ fieldTag: 'b', content: good.barcode });
    expect(found.body.varFields).toContainEqual({ fieldTag: 'u', content: good.uniqueId });
  });

  it('finds by unique id (varField u) too', async () => {
    const { json } = setup();
    const found = await json(`/patrons/find?varFieldTag=u&varFieldContent=${demo.patrons.faculty.uniqueId}`);
    expect(found.body.id).toBe(demo.patrons.faculty.id);
  });

  it('answers 404 code 107 for no such patron, and 400 for a record number that is not a number', async () => {
    const { json } = setup();
    const missing = await json('/patrons/find?varFieldTag=b&varFieldContent=99999999999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 107, specificCode: 0, httpStatus: 404, name: 'Record not found' });
    expect((await json('/patrons/1999999')).status).toBe(404);
    const bad = await json('/patrons/p1000001');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 108 });
  });

  it('shows blocks and expiry the way circulation sees them', async () => {
    const { json } = setup();
    const blocked = await json(`/patrons/${demo.patrons.blocked.id}?fields=blockInfo,fixedFields`);
    expect(blocked.body.blockInfo).toEqual({ code: 'b' });
    expect(blocked.body.fixedFields['56']).toEqual({ label: 'MBLOCK', value: 'b' });
    const expired = await json(`/patrons/${demo.patrons.expired.id}?fields=expirationDate`);
    expect(expired.body.expirationDate < '2025-03-12').toBe(true);
  });

  it('validates barcode + PIN (204) and refuses a wrong PIN (400)', async () => {
    const { json } = setup();
    const good = demo.patrons.good;
    expect((await json('/patrons/validate', { method: 'POST', body: { barcode: good.barcode, pin: good.pin } })).status).toBe(204);
    const wrong = await json('/patrons/validate', { method: 'POST', body: { barcode: good.barcode, pin: '0000x' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 108 });
  });

  it('refuses a JSON body with an unknown property (130)', async () => {
    const { json } = setup();
    const response = await json('/patrons/validate', { method: 'POST', body: { barcode: 'x', pin: 'y', extra: 1 } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 130, name: 'Bad JSON/XML Syntax' });
  });
});

describe('Sierra fines', () => {
  it('adds a manual charge (204, in currency units) and lists it as a Fine with the patron owing it', async () => {
    const { json } = setup();
    const good = demo.patrons.good;
    const charge = await json(`/patrons/${good.id}/fines/charge`, { method: 'POST', body: { amount: 7.5, reason: 'ILL fee for request 1001' } });
    expect(charge.status).toBe(204);
    expect(charge.body).toBeNull();
    const fines = await json(`/patrons/${good.id}/fines`);
    expect(fines.body.total).toBe(1);
    const fine = fines.body.entries[0];
    expect(fine).toMatchObject({
      patron: expect.stringMatching(new RegExp(`/iii/sierra-api/v6/patrons/${good.id}$`, 'u')),
      description: 'ILL fee for request 1001',
      chargeType: { code: '1', display: 'Manual Charge' },
      itemCharge: 7.5,
      paidAmount: 0,
    });
    expect(fine.id).toMatch(/\/patrons\/fines\/\d+$/u);
    expect((await json(`/patrons/${good.id}?fields=moneyOwed`)).body.moneyOwed).toBe(7.5);
    const single = await json(`/patrons/fines/${String(fine.id).split('/').pop()}`);
    expect(single.body.description).toBe('ILL fee for request 1001');
  });

  it('refuses a charge without a positive amount or with a reason over 100 characters', async () => {
    const { json } = setup();
    const good = demo.patrons.good;
    expect((await json(`/patrons/${good.id}/fines/charge`, { method: 'POST', body: { amount: 0, reason: 'x' } })).body).toMatchObject({ code: 108 });
    expect((await json(`/patrons/${good.id}/fines/charge`, { method: 'POST', body: { amount: 1, reason: 'x'.repeat(101) } })).status).toBe(400);
    expect((await json(`/patrons/${good.id}/fines`)).body.total).toBe(0);
  });
});
