import { describe, expect, it } from 'vitest';
import { useHarness } from '../testutil/harness.ts';
import { consoleClient } from './testing/client.ts';
import { strapPdf, type StrapFacts } from './strap.ts';
import { decodePdfBarcode, decodePng, pdfGlyphs, pdfLines, pdfText } from './testing/browser.ts';

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

/**
 * Titles and names that are not left-to-right Latin, and titles too long for the strip. The
 * expected visual order is written out by hand (a right-to-left word reversed character by
 * character), not computed with the bidi library the strap uses.
 */
describe('hostile titles on the PDF strap', () => {
  const facts = (title: string, extra: Partial<StrapFacts> = {}): StrapFacts => ({
    requestId: 'REQ-42',
    temporaryBarcode: 'ILL-REQ-42',
    title,
    patronName: 'Jane Fairfax',
    patronId: 'P-1',
    pickupLocation: 'Main desk (MAIN)',
    patronDueDate: '2025-05-01',
    lendingLibrary: 'Partner Library (PARTNR)',
    returnInPersonText: 'Return this item IN PERSON to the circulation desk.',
    borrowingLibraryName: 'Tulsa City-County Library',
    ...extra,
  });
  const reversed = (text: string) => [...text].reverse().join('');
  const PAGE_RIGHT = 252 - 18;
  /** the lines between one label and the next */
  const linesOf = (lines: Awaited<ReturnType<typeof pdfLines>>['lines'], label: string) => {
    const from = lines.findIndex((line) => line.visual === label);
    expect(from, `label ${label}`).toBeGreaterThanOrEqual(0);
    const to = lines.findIndex((line, n) => n > from && /^[A-Z ]+$/.test(line.visual) && line.items.length === 1);
    return lines.slice(from + 1, to);
  };

  it('draws a Hebrew title right to left, right-aligned, a Latin word and a number kept left to right, brackets mirrored', async () => {
    const pdf = await strapPdf(facts('ספר הזיכרון (מהדורה 2) Emma'));
    const { lines, pages } = await pdfLines(pdf);
    expect(pages).toBe(1);
    const [title, ...more] = linesOf(lines, 'TITLE');
    expect(more).toEqual([]);
    // as the eye reads it left to right: Emma, then the bracketed edition, then the title proper
    expect(title!.visual).toBe(`Emma (2 ${reversed('מהדורה')}) ${reversed('ספר הזיכרון')}`);
    // a right-to-left paragraph starts at the right edge
    const last = title!.items.at(-1)!;
    expect(last.x + last.width).toBeCloseTo(PAGE_RIGHT, 0);
    expect(await decodePdfBarcode(pdf)).toBe('ILL-REQ-42');
  });

  it('joins Arabic letters (contextual forms from the font) and orders the words right to left', async () => {
    const title = 'ببغاء في المكتبة';
    const pdf = await strapPdf(facts(title, { patronName: 'ليلى' }));
    const { lines } = await pdfLines(pdf);
    const [line] = linesOf(lines, 'TITLE');
    // pdf.js may see a gap after a letter that does not join forward as a space: compare the letters
    expect(line!.visual.replace(/\s/g, '')).toBe(reversed(title).replace(/\s/g, ''));
    // every glyph stands for a real character (no stray dot glyphs extracted as control codes)
    const glyphs = await pdfGlyphs(pdf);
    expect(glyphs.filter((g) => /[\u0000-\u001f]/.test(g.unicode))).toEqual([]);
    // beh is drawn initial in ببغاء and medial in ببغاء and المكتبة: an unshaped strap would draw one isolated glyph
    const behForms = new Set(glyphs.filter((g) => g.unicode === 'ب').map((g) => g.code));
    expect(behForms.size).toBeGreaterThanOrEqual(2);
    // an Arabic name with a Latin ID: the ID reads left to right at the name's left, brackets mirrored
    expect(linesOf(lines, 'PATRON')[0]!.visual.replace(/\s/g, '')).toBe(`(P-1)${reversed('ليلى')}`);
    expect(await decodePdfBarcode(pdf)).toBe('ILL-REQ-42');
  });

  it('wraps a 500-character title inside the strip and ends it with an ellipsis before the next field', async () => {
    const title = 'The Collected Correspondence of Jane Austen, Her Family and Her Circle, '.repeat(8).slice(0, 500);
    const pdf = await strapPdf(facts(title));
    const { lines, pages } = await pdfLines(pdf);
    expect(pages).toBe(1);
    for (const line of lines)
      for (const item of line.items) {
        expect(item.x, item.str).toBeGreaterThanOrEqual(17.5);
        expect(item.x + item.width, item.str).toBeLessThanOrEqual(PAGE_RIGHT + 0.5);
      }
    const titleLines = linesOf(lines, 'TITLE');
    expect(titleLines.length).toBe(8);
    const shown = titleLines.map((line) => line.visual).join(' ');
    expect(shown.endsWith('…')).toBe(true);
    expect(title.startsWith(shown.slice(0, -1).trimEnd())).toBe(true);
    // whole words only, except where one word is wider than the strip
    expect(title[shown.length - 1]).toBe(' ');
    // the rest of the strap is all there, below the title
    for (const label of ['PATRON', 'PICKUP LOCATION', 'LENDING LIBRARY']) expect(lines.some((line) => line.visual === label)).toBe(true);
    expect(lines.some((line) => line.visual.includes('IN PERSON'))).toBe(true);
    expect(await decodePdfBarcode(pdf)).toBe('ILL-REQ-42');
  });

  it('breaks a 500-character word and a 500-character Arabic title legibly (the ellipsis where the line ends)', async () => {
    const word = 'x'.repeat(500);
    const one = await pdfLines(await strapPdf(facts(word)));
    const wordLines = linesOf(one.lines, 'TITLE');
    expect(wordLines.length).toBe(8);
    for (const line of wordLines.slice(0, -1)) expect(line.visual).toMatch(/^x+$/);
    expect(wordLines.at(-1)!.visual).toMatch(/^x+…$/);

    const arabic = 'شكرا جزيلا لكم '.repeat(40).slice(0, 500);
    const pdf = await strapPdf(facts(arabic));
    const { lines, pages } = await pdfLines(pdf);
    expect(pages).toBe(1);
    const titleLines = linesOf(lines, 'TITLE');
    expect(titleLines.length).toBe(8);
    for (const line of titleLines) {
      const right = line.items.at(-1)!;
      expect(right.x + right.width).toBeCloseTo(PAGE_RIGHT, 0);
      expect(line.items[0]!.x).toBeGreaterThanOrEqual(17.5);
    }
    // a right-to-left line ends on the left: that is where the ellipsis goes
    expect(titleLines.at(-1)!.items[0]!.str).toBe('…');
    // read right to left, line after line, the letters are the title's from its start
    const read = titleLines
      .map((line) => reversed(line.visual))
      .join('')
      .replace(/[\s…]/g, '');
    expect(arabic.replace(/\s/g, '').startsWith(read)).toBe(true);
    expect(read.length).toBeGreaterThan(150);
    expect(await decodePdfBarcode(pdf)).toBe('ILL-REQ-42');
  });

  it('prints a title through the console from the API as it was sent, and characters no font has as U+FFFD, not dropped', async () => {
    const h = await useHarness();
    // U+13000 (an Egyptian hieroglyph) is in no font the strap carries
    const title = 'שירה \u202Dעברית\u202C \u{13000}';
    const id = await received(h, { title });
    const client = await consoleClient(h, h.keys.TULSA);
    const { lines } = await pdfLines((await client.get(`/console/requests/${id}/strap.pdf`)).bytes);
    const [line] = linesOf(lines, 'TITLE');
    // the left-to-right override (U+202D) makes עברית, and the character after it, one
    // left-to-right run; the hieroglyph has no glyph here and keeps its place as U+FFFD
    expect(line!.visual.replace(/\s/g, '')).toBe(`עברית\ufffd${reversed('שירה')}`);
  });

  it.each([
    ['Chinese', '红楼梦 (Dream of the Red Chamber) 第一卷', '林黛玉'],
    ['Japanese', 'ハリー・ポッターと賢者の石', '山田 太郎'],
    ['Korean', '한국어 문법 연구', '김민수'],
  ])('prints a %s title and patron name in their own characters (Noto Sans SC / KR subsets, read as text)', async (_script, title, patronName) => {
    const h = await useHarness();
    const id = await received(h, { title, patronName });
    const client = await consoleClient(h, h.keys.TULSA);
    const pdf = (await client.get(`/console/requests/${id}/strap.pdf`)).bytes;
    const { lines } = await pdfLines(pdf);
    const text = lines.map((line) => line.visual).join('\n');
    expect(text).not.toContain('\ufffd');
    expect(text.replace(/\s/g, '')).toContain(`TITLE${title.replace(/\s/g, '')}`);
    expect(text.replace(/\s/g, '')).toContain(patronName.replace(/\s/g, ''));
    expect(await decodePdfBarcode(pdf)).toMatch(/\S/);
  });
});
