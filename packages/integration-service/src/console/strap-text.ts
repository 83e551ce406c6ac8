import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import bidiModule from 'bidi-js';
import * as fontkit from 'fontkit';

/**
 * Text on the PDF strap and slip as a reader expects it, whatever script a title or a patron's
 * name is in. pdfkit draws glyphs left to right in the order it is given and only reverses a
 * run whose *first* script character is right-to-left (fontkit's layout picks one direction per
 * string), so a Hebrew or Arabic title, or one mixing scripts, comes out scrambled unless the
 * runs are ordered first. Here:
 *  - the Unicode Bidirectional Algorithm (bidi-js, UAX #9) gives each character its level and
 *    each wrapped line its visual order;
 *  - each run of one level and one font goes to pdfkit in logical order when fontkit will shape
 *    and reverse it itself (Arabic joining forms come from the font's GSUB through fontkit),
 *    pre-reversed (and mirrored) when it will not;
 *  - glyphs come from Noto Sans in installed @fontsource packages (Latin, Greek, Cyrillic,
 *    Vietnamese; Noto Sans Hebrew; Amiri for Arabic; Noto Sans SC and KR for Han, kana and Hangul),
 *    picked per character by cmap coverage, so the strap prints the same on any machine,
 *    offline. A character no font has prints as U+FFFD;
 *  - lines wrap at spaces (a word longer than the line breaks between graphemes) and a value
 *    longer than its line budget ends with an ellipsis, in the paragraph's own direction.
 */
// bidi-js is a UMD bundle whose types declare an ES default export: at run time the CommonJS
// module itself is the factory
const bidiFactory = bidiModule as unknown as typeof bidiModule.default;
const bidi = bidiFactory();
const require = createRequire(import.meta.url);

interface Face {
  /** the name the face is registered under in each PDF document */
  name: string;
  data: Buffer;
  font: fontkit.Font;
}

const SUBSETS: Array<[pkg: string, file: string]> = [
  ['@fontsource/noto-sans', 'noto-sans-latin'],
  ['@fontsource/noto-sans', 'noto-sans-latin-ext'],
  ['@fontsource/noto-sans', 'noto-sans-greek'],
  ['@fontsource/noto-sans', 'noto-sans-greek-ext'],
  ['@fontsource/noto-sans', 'noto-sans-cyrillic'],
  ['@fontsource/noto-sans', 'noto-sans-cyrillic-ext'],
  ['@fontsource/noto-sans', 'noto-sans-vietnamese'],
  ['@fontsource/noto-sans', 'noto-sans-devanagari'],
  ['@fontsource/noto-sans-hebrew', 'noto-sans-hebrew-hebrew'],
  // Amiri rather than Noto Sans Arabic: Noto decomposes dotted letters into a skeleton and a dot
  // glyph with no code point, which a PDF reader extracts as stray control characters; Amiri's
  // joining forms are whole glyphs, so copied or searched text is the title as written
  ['@fontsource/amiri', 'amiri-arabic'],
];

const loaded = new Map<number, Face[]>();
function faces(weight: 400 | 700): Face[] {
  let chain = loaded.get(weight);
  if (!chain) {
    chain = SUBSETS.map(([pkg, file]) => {
      // WOFF (zlib), which fontkit reads and pdfkit re-embeds as a TrueType subset
      const data = readFileSync(require.resolve(`${pkg}/files/${file}-${weight}-normal.woff`));
      return { name: `${file}-${weight}`, data, font: fontkit.create(data) as fontkit.Font };
    });
    loaded.set(weight, chain);
  }
  return chain;
}

/**
 * Chinese, Japanese and Korean titles are common in ILL (East Asian collections lend widely).
 * Fontsource ships Noto Sans SC (Han and kana) and Noto Sans KR (Hangul) as ~100 unicode-range
 * subsets of a few hundred glyphs each; each package's unicode.json says which subset holds a
 * code point, so only the subsets a strap's text needs are read, once per process.
 */
const CJK_FAMILIES = ['noto-sans-sc', 'noto-sans-kr'] as const;
type CjkRanges = Array<[from: number, to: number, subset: string]>;
const cjkRanges = new Map<string, CjkRanges>();
function rangesOf(family: string): CjkRanges {
  let ranges = cjkRanges.get(family);
  if (!ranges) {
    const table = JSON.parse(readFileSync(require.resolve(`@fontsource/${family}/unicode.json`), 'utf8')) as Record<string, string>;
    ranges = [];
    for (const [key, list] of Object.entries(table)) {
      const subset = key.replace(/^\[|\]$/g, '');
      for (const range of list.split(',')) {
        const [from, to] = range.trim().replace(/^U\+/i, '').split('-');
        ranges.push([Number.parseInt(from!, 16), Number.parseInt(to ?? from!, 16), subset]);
      }
    }
    cjkRanges.set(family, ranges);
  }
  return ranges;
}

const cjkLoaded = new Map<string, Face>();
function cjkFace(cp: number, weight: 400 | 700): Face | undefined {
  if (cp < 0x2e80) return undefined; // below CJK radicals the static chain has every script we print
  for (const family of CJK_FAMILIES) {
    const subset = rangesOf(family).find(([from, to]) => cp >= from && cp <= to)?.[2];
    if (subset === undefined) continue;
    const name = `${family}-${subset}-${weight}`;
    let face = cjkLoaded.get(name);
    if (!face) {
      const data = readFileSync(require.resolve(`@fontsource/${family}/files/${family}-${subset}-${weight}-normal.woff`));
      face = { name, data, font: fontkit.create(data) as fontkit.Font };
      cjkLoaded.set(name, face);
    }
    if (face.font.hasGlyphForCodePoint(cp)) return face;
  }
  return undefined;
}

// which faces each document knows: the CJK subsets are registered the first time a value uses them
const registered = new WeakMap<PDFKit.PDFDocument, Set<string>>();
function use(doc: PDFKit.PDFDocument, face: Face): PDFKit.PDFDocument {
  let names = registered.get(doc);
  if (!names) {
    names = new Set();
    registered.set(doc, names);
  }
  if (!names.has(face.name)) {
    doc.registerFont(face.name, face.data);
    names.add(face.name);
  }
  return doc.font(face.name);
}

/** Registers the static faces with a document (pdfkit parses a face only when it is first used). */
export function registerStrapFonts(doc: PDFKit.PDFDocument): void {
  const names = new Set<string>();
  for (const face of [...faces(400), ...faces(700)]) {
    doc.registerFont(face.name, face.data);
    names.add(face.name);
  }
  registered.set(doc, names);
}

// Bidi controls and marks steer the algorithm but draw nothing (UAX #9 rule X9 removes them).
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const MARK = /\p{M}/u;
const FORMAT = /\p{Cf}/u;
// fontkit picks a run's script from its first character that is not Common/Inherited/Unknown,
// and reverses the run when that script is written right to left.
const SCRIPT_NEUTRAL = /[\p{Script=Zyyy}\p{Script=Zinh}\p{Script=Zzzz}]/u;
const SCRIPT_RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
const MISSING = '\ufffd';

function fontkitReverses(text: string): boolean {
  for (const ch of text) if (!SCRIPT_NEUTRAL.test(ch)) return SCRIPT_RTL.test(ch);
  return false;
}

/**
 * One value prepared for drawing: per UTF-16 index of the original text, the face and what to
 * draw (a character no face has becomes U+FFFD; the low half of a surrogate pair draws nothing,
 * it rides with its high half). Levels come from the original text, so a replaced character keeps
 * its own direction.
 */
interface Prepared {
  text: string;
  face: Array<Face | undefined>;
  draw: string[];
  levels: ReturnType<typeof bidi.getEmbeddingLevels>;
  rtl: boolean;
}

function prepare(raw: string, weight: 400 | 700): Prepared {
  const chain = faces(weight);
  // a strap value is one paragraph: newlines and tabs from an API value become spaces
  const text = raw.replace(/[\r\n\t\f\v\u2028\u2029]+/g, ' ');
  const face: Array<Face | undefined> = [];
  const draw: string[] = [];
  let previous: Face | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let chosen: Face | undefined;
    let shown = ch;
    if (BIDI_CONTROL.test(ch)) shown = '';
    else if (previous && (MARK.test(ch) || ch === ' ') && previous.font.hasGlyphForCodePoint(cp)) chosen = previous;
    else chosen = chain.find((f) => f.font.hasGlyphForCodePoint(cp)) ?? cjkFace(cp, weight);
    if (!chosen && shown) {
      if (FORMAT.test(ch))
        shown = ''; // an invisible joiner no font has: nothing to draw
      else {
        shown = MISSING;
        chosen = chain[0];
      }
    }
    face.push(shown ? chosen : undefined);
    draw.push(shown);
    if (ch.length === 2) {
      face.push(shown ? chosen : undefined);
      draw.push('');
    }
    if (chosen) previous = chosen;
  }
  const levels = bidi.getEmbeddingLevels(text);
  return { text, face, draw, levels, rtl: (levels.paragraphs[0]?.level ?? 0) % 2 === 1 };
}

interface Run {
  face: Face;
  text: string;
  width: number;
}

export interface TextOptions {
  x: number;
  width: number;
  size: number;
  bold?: boolean;
  /** lines before the value is cut with an ellipsis */
  maxLines?: number;
  /** 'start' follows the paragraph direction (right for Hebrew and Arabic), as HTML's dir="auto" does */
  align?: 'start' | 'center';
}

/** Draws a value at doc.y and moves doc.y below it. */
export function drawText(doc: PDFKit.PDFDocument, value: string, options: TextOptions): void {
  const weight = options.bold ? 700 : 400;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  const measure = (text: string, face: Face) => use(doc, face).fontSize(options.size).widthOfString(text, { features: [] });
  let prepared = prepare(value, weight);
  const logicalWidth = (p: Prepared, start: number, end: number) => {
    let width = 0;
    let runStart = start;
    for (let i = start; i <= end; i += 1) {
      if (i === end || p.face[i] !== p.face[runStart]) {
        const face = p.face[runStart];
        if (face && i > runStart) width += measure(p.draw.slice(runStart, i).join(''), face);
        runStart = i;
      }
    }
    return width;
  };

  let lines = breakLines(prepared, options.width, logicalWidth);
  if (lines.length > maxLines) {
    // cut at the last line's end, then give back words (or graphemes) until the ellipsis fits
    const last = lines[maxLines - 1]!;
    let cut = last[1];
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(prepared.text.slice(last[0], cut))].map((g) => g.index + last[0]);
    let attempt = prepared;
    for (;;) {
      const head = prepared.text.slice(0, cut).trimEnd();
      attempt = prepare(`${head}…`, weight);
      if (logicalWidth(attempt, last[0], attempt.text.length) <= options.width || cut <= last[0]) break;
      const spaceAt = prepared.text.lastIndexOf(' ', cut - 2);
      cut = spaceAt > last[0] ? spaceAt + 1 : (graphemes.filter((g) => g < cut).pop() ?? last[0]);
    }
    prepared = attempt;
    lines = [...lines.slice(0, maxLines - 1), [last[0], prepared.text.length]];
  }

  const lineHeight = options.size * 1.35;
  for (const [start, end] of lines) {
    const runs = visualRuns(prepared, start, end, measure);
    const total = runs.reduce((sum, run) => sum + run.width, 0);
    let x = options.x;
    if (options.align === 'center') x += (options.width - total) / 2;
    else if (prepared.rtl) x += options.width - total;
    const baseline = doc.y + options.size;
    for (const run of runs) {
      use(doc, run.face).fontSize(options.size).text(run.text, x, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] });
      x += run.width;
    }
    doc.y = baseline - options.size + lineHeight;
  }
  doc.x = options.x;
}

/** Greedy wrapping in logical order at spaces; a word wider than the line breaks between graphemes. */
function breakLines(p: Prepared, width: number, measure: (p: Prepared, start: number, end: number) => number): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  const words = [...p.text.matchAll(/\S+\s*|\s+/g)].map((m) => [m.index!, m.index! + m[0].length] as [number, number]);
  const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let lineStart = -1;
  let lineEnd = -1;
  const trimmedEnd = (start: number, end: number) => {
    let e = end;
    while (e > start && p.text[e - 1] === ' ') e -= 1;
    return e;
  };
  const flush = () => {
    if (lineStart >= 0) {
      const e = trimmedEnd(lineStart, lineEnd);
      if (e > lineStart) lines.push([lineStart, e]);
    }
    lineStart = -1;
  };
  for (const [ws, we] of words) {
    const start = lineStart < 0 ? ws : lineStart;
    if (measure(p, start, trimmedEnd(start, we)) <= width) {
      lineStart = start;
      lineEnd = we;
      continue;
    }
    flush();
    if (measure(p, ws, trimmedEnd(ws, we)) <= width) {
      lineStart = ws;
      lineEnd = we;
      continue;
    }
    // one word wider than the line: as many graphemes as fit, line after line
    const cuts = [...graphemeSegmenter.segment(p.text.slice(ws, we))].map((g) => ws + g.index);
    let from = ws;
    for (let k = 1; k <= cuts.length; k += 1) {
      const next = k < cuts.length ? cuts[k]! : we;
      if (measure(p, from, trimmedEnd(from, next)) > width && cuts[k - 1]! > from) {
        lines.push([from, cuts[k - 1]!]);
        from = cuts[k - 1]!;
      }
    }
    lineStart = from;
    lineEnd = we;
  }
  flush();
  return lines;
}

/**
 * One line's runs in visual (left-to-right) order. A run is a stretch of one face and one
 * direction; each is handed to pdfkit so that after fontkit's own reversal it reads right.
 */
function visualRuns(p: Prepared, start: number, end: number, measure: (text: string, face: Face) => number): Run[] {
  // bidi-js answers for the whole string with only this line reordered
  const order = bidi.getReorderedIndices(p.text, p.levels, start, end - 1).filter((i) => i >= start && i < end);
  const groups: Array<{ face: Face; rtl: boolean; indices: number[] }> = [];
  for (const i of order) {
    const face = p.face[i];
    if (!face || !p.draw[i]) continue;
    const rtl = (p.levels.levels[i]! & 1) === 1;
    const group = groups.at(-1);
    const prev = group?.indices.at(-1);
    // neighbours in the text, with nothing drawn between (a surrogate's low half, a bidi control)
    const between = prev === undefined ? [] : p.draw.slice(Math.min(i, prev) + 1, Math.max(i, prev));
    const adjacent = prev !== undefined && prev !== i && between.every((d) => d === '');
    if (group && group.face === face && group.rtl === rtl && adjacent) group.indices.push(i);
    else groups.push({ face, rtl, indices: [i] });
  }
  return groups.map(({ face, rtl, indices }) => {
    const logical = indices
      .slice()
      .sort((a, b) => a - b)
      .map((i) => p.draw[i])
      .join('');
    let text = logical;
    const reverses = fontkitReverses(logical);
    if (rtl && !reverses)
      text = [...logical]
        .reverse()
        .map((ch) => bidi.getMirroredCharacter(ch) ?? ch)
        .join('');
    else if (!rtl && reverses) text = [...logical].reverse().join('');
    return { face, text, width: measure(text, face) };
  });
}
