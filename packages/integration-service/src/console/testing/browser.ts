import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { BarcodeFormat, BinaryBitmap, Code128Reader, DecodeHintType, HybridBinarizer, RGBLuminanceSource } from '@zxing/library';
import { PDFDict, PDFDocument, PDFName, type PDFNumber, PDFRawStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import { type Browser, chromium } from 'playwright-core';

/**
 * What the console's browser tests need: Debian's Chromium (installed with apt when missing and
 * we are root — never a browser download), a place for screenshots in the package's reports/,
 * PDF text extraction (pdf.js) and a real barcode decoder (ZXing) for the strap's Code 128.
 */
export const screenshotsDir = fileURLToPath(new URL('../../../reports/console/', import.meta.url));

export function chromiumPath(): string {
  const candidates = [process.env.BOOKSTRAP_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0) {
    const installed = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', timeout: 600_000 });
    if (installed.status === 0 && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error('Chromium is not installed: run `apt-get install -y chromium` (or set BOOKSTRAP_CHROMIUM to a Chromium binary)');
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotsDir, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Every text item of every page of a PDF, joined with spaces (pdf.js, as a reader would extract it). */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, disableFontFace: true, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= document.numPages; n += 1) {
    const content = await (await document.getPage(n)).getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str);
  }
  await document.destroy();
  return parts.join(' ').replace(/\s+/g, ' ');
}

export interface PdfTextItem {
  /** the text as pdf.js extracts it: in logical order, right-to-left runs marked dir 'rtl' */
  str: string;
  dir: string;
  x: number;
  y: number;
  width: number;
}

/**
 * The text of a one-page PDF as lines (top to bottom), each with its items left to right, and
 * the page's size. `visual` is what the eye reads left to right: pdf.js turns each right-to-left
 * item back into logical order, so it is reversed again here.
 */
export async function pdfLines(pdf: Uint8Array): Promise<{ pages: number; width: number; lines: Array<{ y: number; items: PdfTextItem[]; visual: string }> }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, disableFontFace: true, isEvalSupported: false }).promise;
  const page = await document.getPage(1);
  const [, , width] = page.view as number[];
  const byY = new Map<number, PdfTextItem[]>();
  for (const item of (await page.getTextContent()).items) {
    if (!('str' in item) || item.str === '') continue;
    const y = Math.round(item.transform[5] as number);
    const items = byY.get(y) ?? [];
    items.push({ str: item.str, dir: item.dir, x: item.transform[4] as number, y, width: item.width });
    byY.set(y, items);
  }
  const pages = document.numPages;
  await document.destroy();
  const lines = [...byY.entries()]
    .sort(([a], [b]) => b - a)
    .map(([y, items]) => {
      items.sort((a, b) => a.x - b.x);
      const visual = items.map((item) => (item.dir === 'rtl' ? [...item.str].reverse().join('') : item.str)).join('');
      return { y, items, visual };
    });
  return { pages, width: width!, lines };
}

/** Every glyph the PDF draws, in drawing order: its character code (the glyph in the font) and the text it stands for. */
export async function pdfGlyphs(pdf: Uint8Array): Promise<Array<{ code: number; unicode: string }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, disableFontFace: true, isEvalSupported: false }).promise;
  const glyphs: Array<{ code: number; unicode: string }> = [];
  for (let n = 1; n <= document.numPages; n += 1) {
    const operators = await (await document.getPage(n)).getOperatorList();
    operators.fnArray.forEach((fn, i) => {
      if (fn !== pdfjs.OPS.showText) return;
      for (const glyph of operators.argsArray[i][0] as Array<{ originalCharCode?: number; unicode?: string } | number>) {
        if (typeof glyph === 'object' && glyph.originalCharCode !== undefined) glyphs.push({ code: glyph.originalCharCode, unicode: glyph.unicode ?? '' });
      }
    });
  }
  await document.destroy();
  return glyphs;
}

/** Decodes a Code 128 barcode from RGBA pixels with ZXing. */
export function decodeCode128(rgba: Uint8Array, width: number, height: number): string {
  const luminance = new Uint8ClampedArray(width * height);
  for (let i = 0; i < width * height; i += 1) {
    luminance[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  }
  // Code 128 only: a strap whose bars happened to read as another symbology would not scan at the desk
  const hints = new Map<DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);
  const result = new Code128Reader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height))), hints);
  if (result.getBarcodeFormat() !== BarcodeFormat.CODE_128) throw new Error(`not Code 128: ${result.getBarcodeFormat()}`);
  return result.getText();
}

export function decodePng(png: Uint8Array): string {
  const image = PNG.sync.read(Buffer.from(png));
  return decodeCode128(image.data, image.width, image.height);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * The barcode image embedded in a PDF, decoded. pdfkit embeds a PNG either as its IDAT stream
 * with PNG predictors (/DecodeParms /Predictor 15) or, for one with alpha, as raw deflated
 * samples; the first is rebuilt into a PNG for pngjs, the second read as is.
 */
export async function decodePdfBarcode(pdf: Uint8Array): Promise<string> {
  const document = await PDFDocument.load(pdf);
  const decoded: string[] = [];
  const errors: string[] = [];
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFRawStream)) continue;
    const dict = object.dict;
    if (dict.get(PDFName.of('Subtype'))?.toString() !== '/Image') continue;
    const num = (name: string, from: PDFDict = dict) => (from.get(PDFName.of(name)) as PDFNumber | undefined)?.asNumber();
    const width = num('Width')!;
    const height = num('Height')!;
    const colorSpace = dict.get(PDFName.of('ColorSpace'))?.toString();
    const colors = colorSpace === '/DeviceGray' ? 1 : 3;
    const parms = dict.get(PDFName.of('DecodeParms'));
    let rgba: Uint8Array;
    if (parms instanceof PDFDict && (num('Predictor', parms) ?? 1) >= 10) {
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(width, 0);
      ihdr.writeUInt32BE(height, 4);
      ihdr[8] = num('BitsPerComponent') ?? 8;
      ihdr[9] = colors === 1 ? 0 : 2;
      const png = Buffer.concat([
        Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
        chunk('IHDR', ihdr),
        chunk('IDAT', object.contents),
        chunk('IEND', new Uint8Array()),
      ]);
      rgba = PNG.sync.read(png).data;
    } else {
      const samples = inflateSync(object.contents);
      rgba = new Uint8Array(width * height * 4);
      for (let i = 0; i < width * height; i += 1) {
        for (let k = 0; k < 3; k += 1) rgba[i * 4 + k] = samples[i * colors + (colors === 1 ? 0 : k)]!;
        rgba[i * 4 + 3] = 255;
      }
    }
    try {
      decoded.push(decodeCode128(rgba, width, height));
    } catch (error) {
      errors.push(String(error));
    }
  }
  if (decoded.length !== 1) throw new Error(`expected one barcode in the PDF, decoded ${JSON.stringify(decoded)} (${errors.join('; ')})`);
  return decoded[0]!;
}
