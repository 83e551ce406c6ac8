import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { consoleClient } from './testing/client.ts';
import { decodePdfBarcode, decodePng, pdfText } from './testing/browser.ts';

/**
 * Straps and slips in-process: what they print, the barcode a scanner reads, and who may print
 * them — only for this library's requests, only once there is a temporary barcode.
 */
async function received(h: Awaited<ReturnType<typeof useHarness>>, body: Record<string, unknown> = {}) {
  const { id } = await h.ok(201, 'POST', '/v1/requests', {
    body: { role: 'borrowing', title: 'Emma', patronId: 'P-1', patronName: 'Jane Fairfax', pickupLocation: 'MAIN', lenders: ['PARTNR'], ...body },
  });
  await h.ok(200, 'POST', `/v1/requests/${id}/send`);
  await h.ok(200, 'POST', `/v1/requests/${id}/supplier-shipped`, { body: { lenderDueDate: '2025-04-30' } });
  await h.ok(200, 'POST', `/v1/requests/${id}/receive`, { body: { temporaryBarcode: `ILL-${id}` } });
  return id;
}

describe('book strap', () => {
  it('prints the temporary barcode as Code 128, the due date, the lender by name and the library’s own return text', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA?check=false', {
      key: h.adminKey,
      body: { settings: { borrowing: { strap: { returnInPersonText: 'Bring it back to the Tulsa desk, in person.' } } } },
    });
    const id = await received(h);
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    const client = await consoleClient(h, h.keys.TULSA);
    const pdf = await client.get(`/console/requests/${id}/strap.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(pdf.bytes);
    for (const expected of [id, 'Emma', 'Jane Fairfax', '(P-1)', request.patronDueDate, 'Bring it back to the Tulsa desk, in person.'])
      expect(text).toContain(expected);
    // the lender is a library of this service: its name, not just its symbol
    expect(text).toContain('(PARTNR)');
    expect(text).not.toContain('LIBRARY USE ONLY');
    expect(await decodePdfBarcode(pdf.bytes)).toBe(`ILL-${id}`);
    const png = await client.get(`/console/requests/${id}/barcode.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(decodePng(png.bytes)).toBe(`ILL-${id}`);
  });

  it('adds the in-library-use-only flap only when it applies', async () => {
    const h = await useHarness();
    const id = await received(h, { inLibraryUseOnly: true });
    const client = await consoleClient(h, h.keys.TULSA);
    expect(await pdfText((await client.get(`/console/requests/${id}/strap.pdf`)).bytes)).toContain('LIBRARY USE ONLY');
    expect((await client.get(`/console/requests/${id}/strap`)).text).toContain('In-library use only flap');
  });

  it('is not printed before receive, for another library’s request, or for the admin', async () => {
    const h = await useHarness();
    const { id: notYet } = await h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Emma', patronId: 'P-1', lenders: ['LENDA'] } });
    const theirs = await received(h);
    const partner = await consoleClient(h, h.keys.PARTNR);
    expect((await partner.get(`/console/requests/${theirs}/strap.pdf`)).status).toBe(404);
    expect((await partner.get(`/console/requests/${theirs}/barcode.png`)).status).toBe(404);
    const tulsa = await consoleClient(h, h.keys.TULSA);
    expect((await tulsa.get(`/console/requests/${notYet}/strap.pdf`)).status).toBe(409);
    const admin = await consoleClient(h, h.adminKey);
    expect((await admin.get(`/console/requests/${theirs}/strap.pdf`)).status).toBe(403);
  });
});

describe('lending shipping slip', () => {
  it('prints the borrowing library, the item barcode and the due date', async () => {
    const h = await useHarness();
    const { id } = await h.ok(201, 'POST', '/v1/requests', {
      key: h.keys.PARTNR,
      body: { role: 'lending', borrowingLibrary: 'TULSA', title: 'Persuasion', itemBarcode: 'PARTNR-0042' },
    });
    const client = await consoleClient(h, h.keys.PARTNR);
    expect((await client.get(`/console/requests/${id}/slip.pdf`)).status).toBe(200);
    await h.ok(200, 'POST', `/v1/requests/${id}/ship`, { key: h.keys.PARTNR, body: { dueDate: '2025-05-15' } });
    const page = await client.get(`/console/requests/${id}`);
    expect(page.text).toContain('Print shipping slip');
    const pdf = await client.get(`/console/requests/${id}/slip.pdf`);
    const text = await pdfText(pdf.bytes);
    for (const expected of ['Persuasion', 'PARTNR-0042', '2025-05-15', '(TULSA)', id]) expect(text).toContain(expected);
    expect(await decodePdfBarcode(pdf.bytes)).toBe('PARTNR-0042');
    expect((await client.get(`/console/requests/${id}/slip`)).text).toContain('2025-05-15');
  });
});
