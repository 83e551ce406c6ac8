import { html } from 'hono/html';
import { findLibraryBySymbol, type Library } from '../store/libraries.ts';
import { type ConsoleApp, type ConsoleContext, type ConsoleCtx, callApi, libraryOnly, librarySession, problemPage } from './context.ts';
import { page } from './layout.ts';
import type { Signed } from './session.ts';
import type { RequestDetail } from '../http/schemas.ts';

/**
 * The book strap (seed 000: "print a book strap, place it on the physical item"; seed 004: the
 * barcode "at the TOP", the due date circulation must match, return-in-person messaging, a flap
 * for in-library-use-only items) and the lending shipping slip. One set of facts feeds the HTML
 * print view and the PDF; the barcode is Code 128 from bwip-js, never hand-drawn.
 */
export interface StrapFacts {
  requestId: string;
  temporaryBarcode: string;
  title: string;
  author?: string | undefined;
  patronName?: string | undefined;
  patronId?: string | undefined;
  pickupLocation?: string | undefined;
  patronDueDate?: string | undefined;
  lendingLibrary?: string | undefined;
  returnInPersonText: string;
  libraryUseOnly?: string | undefined;
  borrowingLibraryName: string;
}

export async function strapFacts(ctx: ConsoleContext, library: Library, request: RequestDetail): Promise<StrapFacts> {
  const pickup = library.pickupLocations.find((p) => p.ilsLocationCode === request.pickupLocation || p.code === request.pickupLocation);
  const lenderSymbol: string | undefined = request.currentLender;
  const lender = lenderSymbol ? await findLibraryBySymbol(ctx.deps.db, lenderSymbol) : undefined;
  const strap = library.settings.borrowing.strap;
  return {
    requestId: request.id,
    // the barcode the ILS has the item under: what the desk scans (not always the one sent)
    temporaryBarcode: request.temporaryBarcodeInIls ?? request.temporaryBarcode ?? '',
    title: request.title,
    author: request.author,
    patronName: request.patronName,
    patronId: request.patronId,
    pickupLocation: pickup ? `${pickup.name} (${pickup.code})` : request.pickupLocation,
    patronDueDate: request.patronDueDate,
    lendingLibrary: lender ? `${lender.name} (${lender.symbol})` : lenderSymbol,
    returnInPersonText: strap.returnInPersonText,
    libraryUseOnly: request.inLibraryUseOnly ? strap.libraryUseOnlyText : undefined,
    borrowingLibraryName: library.name,
  };
}

/**
 * The PDF and barcode libraries and the strap's fonts take some 35 MB of memory: they load with
 * the first strap, slip or barcode printed, not when the service starts (issue 14: the service's
 * memory at scale is mostly what it loads).
 */
let printing: Promise<{ PDFDocument: typeof import('pdfkit'); bwipjs: typeof import('bwip-js'); text: typeof import('./strap-text.ts') }> | undefined;
const printingTools = () => {
  printing ??= Promise.all([import('pdfkit'), import('bwip-js'), import('./strap-text.ts')]).then(([pdf, bwip, text]) => ({
    PDFDocument: pdf.default,
    bwipjs: bwip.default,
    text,
  }));
  return printing;
};
type DrawText = typeof import('./strap-text.ts').drawText;

/** A scannable Code 128 PNG (quiet zones included, human-readable text under the bars). */
export async function barcodePng(text: string): Promise<Buffer> {
  const { bwipjs } = await printingTools();
  return bwipjs.toBuffer({
    bcid: 'code128',
    text,
    scale: 3,
    height: 14,
    includetext: true,
    textxalign: 'center',
    paddingwidth: 10,
    paddingheight: 4,
    backgroundcolor: 'FFFFFF',
  });
}

async function pdfBuffer(build: (doc: PDFKit.PDFDocument, drawText: DrawText) => void, size: [number, number], title: string): Promise<Buffer> {
  const { PDFDocument, text } = await printingTools();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size, margin: 18, info: { Title: title, Producer: 'Bookstrap', Creator: 'Bookstrap console' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    text.registerStrapFonts(doc);
    build(doc, text.drawText);
    doc.end();
  });
}

/** A labelled value: the label in small capitals, the value in the script it is written in (strap-text.ts). */
function field(
  doc: PDFKit.PDFDocument,
  drawText: DrawText,
  width: number,
  sizes: { label: number; value: number },
  label: string,
  value: string | undefined,
  maxLines = 3,
) {
  if (!value) return;
  drawText(doc, label.toUpperCase(), { x: 18, width, size: sizes.label, bold: true });
  drawText(doc, value, { x: 18, width, size: sizes.value, maxLines });
  doc.moveDown(0.3);
}

// A title gets up to eight lines on the strap: a 500-character title ends with an ellipsis
// rather than pushing the return text and the flap off the strip.
const TITLE_LINES = 8;

/** The strap as a PDF: a long narrow strip (3.5 × 11 in), barcode first. */
export async function strapPdf(facts: StrapFacts): Promise<Buffer> {
  const png = await barcodePng(facts.temporaryBarcode);
  return pdfBuffer(
    (doc, drawText) => {
      const width = doc.page.width - 36;
      doc.image(png, 18, 18, { fit: [width, 90], align: 'center' });
      doc.y = 116;
      const sizes = { label: 8, value: 11 };
      field(doc, drawText, width, sizes, 'Due date', facts.patronDueDate ?? 'see the circulation desk');
      field(doc, drawText, width, sizes, 'Request ID', facts.requestId);
      field(doc, drawText, width, sizes, 'Title', facts.title, TITLE_LINES);
      field(doc, drawText, width, sizes, 'Patron', [facts.patronName, facts.patronId ? `(${facts.patronId})` : ''].filter(Boolean).join(' '));
      field(doc, drawText, width, sizes, 'Pickup location', facts.pickupLocation);
      field(doc, drawText, width, sizes, 'Lending library', facts.lendingLibrary);
      doc.moveDown(0.5);
      drawText(doc, facts.returnInPersonText, { x: 18, width, size: 10, bold: true, maxLines: 6 });
      if (facts.libraryUseOnly) {
        doc.moveDown(0.8);
        const top = doc.y;
        doc.y = top + 8;
        drawText(doc, facts.libraryUseOnly, { x: 26, width: width - 16, size: 10, bold: true, maxLines: 6 });
        doc
          .dash(4, { space: 3 })
          .rect(18, top, width, doc.y - top + 4)
          .stroke()
          .undash();
      }
      doc.y = doc.page.height - 40;
      drawText(doc, facts.borrowingLibraryName, { x: 18, width, size: 8, align: 'center', maxLines: 1 });
    },
    [252, 792],
    `Book strap ${facts.requestId}`,
  );
}

export interface SlipFacts {
  requestId: string;
  title: string;
  itemBarcode?: string | undefined;
  dueDate?: string | undefined;
  shipTo: string;
  from: string;
}

export async function slipPdf(facts: SlipFacts): Promise<Buffer> {
  const png = facts.itemBarcode ? await barcodePng(facts.itemBarcode) : undefined;
  return pdfBuffer(
    (doc, drawText) => {
      const width = doc.page.width - 36;
      drawText(doc, 'Interlibrary loan — shipping slip', { x: 18, width, size: 16, bold: true });
      doc.moveDown(0.5);
      const sizes = { label: 9, value: 12 };
      field(doc, drawText, width, sizes, 'Ship to', facts.shipTo, 2);
      field(doc, drawText, width, sizes, 'From', facts.from, 2);
      field(doc, drawText, width, sizes, 'Request ID', facts.requestId);
      field(doc, drawText, width, sizes, 'Title', facts.title, 2);
      field(doc, drawText, width, sizes, 'Item barcode', facts.itemBarcode);
      field(doc, drawText, width, sizes, 'Due date', facts.dueDate ?? 'the lending library’s loan policy applies');
      if (png) doc.image(png, 18, doc.y, { fit: [220, 80] });
    },
    [432, 288],
    `Shipping slip ${facts.requestId}`,
  );
}

function strapHtml(signed: Signed, facts: StrapFacts) {
  return html`<div class="no-print actions"><button type="button" data-print>Print</button> <a class="button secondary" href="/console/requests/${facts.requestId}/strap.pdf">PDF</a> <a href="/console/requests/${facts.requestId}">Back to the request</a></div>
<h1 class="visually-hidden">Book strap for request ${facts.requestId}</h1>
<article class="strap" aria-label="Book strap for request ${facts.requestId}">
<img class="strap-barcode" src="/console/requests/${facts.requestId}/barcode.png" alt="Code 128 barcode ${facts.temporaryBarcode}">
<dl>
<dt>Due date</dt><dd class="strap-due">${facts.patronDueDate ?? 'see the circulation desk'}</dd>
<dt>Request ID</dt><dd>${facts.requestId}</dd>
<dt>Title</dt><dd dir="auto">${facts.title}</dd>
<dt>Patron</dt><dd dir="auto">${[facts.patronName, facts.patronId ? `(${facts.patronId})` : ''].filter(Boolean).join(' ')}</dd>
<dt>Pickup location</dt><dd>${facts.pickupLocation ?? ''}</dd>
<dt>Lending library</dt><dd>${facts.lendingLibrary ?? ''}</dd>
</dl>
<p class="strap-return">${facts.returnInPersonText}</p>
${facts.libraryUseOnly ? html`<aside class="strap-flap" aria-label="In-library use only flap"><p>${facts.libraryUseOnly}</p></aside>` : ''}
<p class="strap-footer">${facts.borrowingLibraryName}</p>
</article>`;
}

async function loadOwn(ctx: ConsoleContext, c: ConsoleCtx) {
  const session = librarySession(c);
  if (!session) return libraryOnly(c);
  const id = c.req.param('id') ?? '';
  const answer = await callApi(ctx, session.signed, 'GET', `/v1/requests/${encodeURIComponent(id)}`);
  if (answer.status !== 200) return problemPage(c, session.signed, 404, 'No such request', html`There is no request ${id} in this library.`);
  return { session, request: answer.body as RequestDetail };
}

const attachment = (name: string) => ({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${name}"` });

export function registerStrap(app: ConsoleApp, ctx: ConsoleContext): void {
  const strapOf = async (c: ConsoleCtx) => {
    const loaded = await loadOwn(ctx, c);
    if (loaded instanceof Response) return loaded;
    const { session, request } = loaded;
    if (request.role !== 'borrowing' || !request.temporaryBarcode) {
      return problemPage(c, session.signed, 409, 'No strap yet', 'A book strap is printed for a received borrowing request: receive it first.');
    }
    return { session, request, facts: await strapFacts(ctx, session.library, request) };
  };

  app.get('/requests/:id/barcode.png', async (c) => {
    const loaded = await strapOf(c);
    if (loaded instanceof Response) return loaded;
    return c.body(new Uint8Array(await barcodePng(loaded.facts.temporaryBarcode)), 200, { 'content-type': 'image/png' });
  });

  app.get('/requests/:id/strap', async (c) => {
    const loaded = await strapOf(c);
    if (loaded instanceof Response) return loaded;
    return page(c, { title: `Book strap ${loaded.request.id}`, signed: loaded.session.signed, nav: 'queues' }, strapHtml(loaded.session.signed, loaded.facts));
  });

  app.get('/requests/:id/strap.pdf', async (c) => {
    const loaded = await strapOf(c);
    if (loaded instanceof Response) return loaded;
    return c.body(new Uint8Array(await strapPdf(loaded.facts)), 200, attachment(`strap-${loaded.request.id}.pdf`));
  });

  const slipOf = async (c: ConsoleCtx) => {
    const loaded = await loadOwn(ctx, c);
    if (loaded instanceof Response) return loaded;
    const { session, request } = loaded;
    if (request.role !== 'lending') return problemPage(c, session.signed, 409, 'No slip', 'A shipping slip is printed for a lending request.');
    const borrower = request.borrowingLibrary ? await findLibraryBySymbol(ctx.deps.db, request.borrowingLibrary) : undefined;
    const facts: SlipFacts = {
      requestId: request.id,
      title: request.title,
      itemBarcode: request.itemBarcode,
      dueDate: request.dueDate,
      shipTo: borrower ? `${borrower.name} (${borrower.symbol})` : (request.borrowingLibrary ?? ''),
      from: `${session.library.name} (${session.library.symbol})`,
    };
    return { session, request, facts };
  };

  app.get('/requests/:id/slip', async (c) => {
    const loaded = await slipOf(c);
    if (loaded instanceof Response) return loaded;
    const { facts } = loaded;
    return page(
      c,
      { title: `Shipping slip ${facts.requestId}`, signed: loaded.session.signed, nav: 'queues' },
      html`<div class="no-print actions"><button type="button" data-print>Print</button> <a class="button secondary" href="/console/requests/${facts.requestId}/slip.pdf">PDF</a> <a href="/console/requests/${facts.requestId}">Back to the request</a></div>
<article class="slip" aria-label="Shipping slip for request ${facts.requestId}">
<h1>Interlibrary loan — shipping slip</h1>
<dl><dt>Ship to</dt><dd>${facts.shipTo}</dd><dt>From</dt><dd>${facts.from}</dd><dt>Request ID</dt><dd>${facts.requestId}</dd>
<dt>Title</dt><dd dir="auto">${facts.title}</dd><dt>Item barcode</dt><dd>${facts.itemBarcode ?? ''}</dd>
<dt>Due date</dt><dd class="strap-due">${facts.dueDate ?? 'the lending library’s loan policy applies'}</dd></dl>
</article>`,
    );
  });

  app.get('/requests/:id/slip.pdf', async (c) => {
    const loaded = await slipOf(c);
    if (loaded instanceof Response) return loaded;
    return c.body(new Uint8Array(await slipPdf(loaded.facts)), 200, attachment(`slip-${loaded.facts.requestId}.pdf`));
  });
}
