import { describePatron, testPatrons, type VendorId } from '@bookstrap/ils-simulators';
import type { DemoLibrary } from './demo-libraries.ts';

/**
 * What `pnpm start` prints: the console first (where a newcomer goes), then the service, the
 * simulators, the keys with a test patron for every library's ILS, and "Try it" as complete curl
 * commands — every POST with its Authorization and Content-Type headers, so pasting one never
 * ends in a 415 or a 401 with no hint.
 */
export interface DemoGuideInput {
  /** the service, e.g. http://127.0.0.1:3000 */
  base: string;
  simulators: readonly { vendor: string; url: string }[];
  dbPath: string;
  mail: { url: string; dir: string };
  adminKey: string;
  configured: readonly DemoLibrary[];
  skipped: readonly string[];
  /** the Try-it walk: TULSA borrows from PARTNR (both Alma) */
  walk: { patronId: string; patronName: string; pickupLocation: string; lenderItemBarcode: string };
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** One curl command a shell runs as printed. */
export function curl(method: 'GET' | 'POST', url: string, key: string, body?: unknown): string {
  const parts = ['curl -s', ...(method === 'POST' ? ['-X POST'] : []), quote(url), '-H', quote(`Authorization: Bearer ${key}`)];
  if (method === 'POST') parts.push('-H', quote('Content-Type: application/json'), '-d', quote(JSON.stringify(body ?? {})));
  return parts.join(' ');
}

function patronHint(library: DemoLibrary): string {
  const vendor = library.connection.ils as VendorId;
  try {
    return `test patron ${describePatron(testPatrons(vendor).good)}`;
  } catch {
    return 'no test patron in the seed';
  }
}

export function demoGuide(input: DemoGuideInput): string[] {
  const { base, walk } = input;
  const keyOf = (symbol: string) => input.configured.find((library) => library.symbol === symbol)?.apiKey ?? `demo-key-${symbol.toLowerCase()}`;
  const tulsa = keyOf('TULSA');
  const partnr = keyOf('PARTNR');
  const width = Math.max(14, ...input.configured.map((library) => library.symbol.length + 1));
  return [
    `Bookstrap console: ${base}/console`,
    '',
    'Bookstrap demo',
    `  service        ${base}   (API reference ${base}/docs, OpenAPI ${base}/openapi.json)`,
    ...input.simulators.map((s) => `  ${s.vendor.padEnd(14)} ${s.url}   (control plane ${s.url}/_sim/health)`),
    `  database       ${input.dbPath}`,
    `  mail catcher   ${input.mail.url}   (patron notices, saved in ${input.mail.dir})`,
    '',
    'Keys (demo only) and a patron to try in each library’s ILS',
    `  ${'admin'.padEnd(width)} ${input.adminKey}   (/v1/libraries)`,
    ...input.configured.map(
      (l) =>
        `  ${l.symbol.padEnd(width)} ${l.apiKey}   (${l.connection.ils} library ${l.connection.library}, pickup ${l.pickupLocations.map((p) => p.code).join(', ')}; ${patronHint(l)})`,
    ),
    ...(input.skipped.length ? ['', `Simulators without a service adapter yet (no demo library): ${input.skipped.join(', ')}`] : []),
    '',
    `Try it: TULSA borrows from PARTNR for ${walk.patronName} (patron ${walk.patronId})`,
    '  1. TULSA creates the borrowing request (the answer has its id):',
    `    ${curl('POST', `${base}/v1/requests`, tulsa, {
      role: 'borrowing',
      title: 'On the origin of species',
      patronId: walk.patronId,
      pickupLocation: walk.pickupLocation,
      lenders: ['PARTNR'],
    })}`,
    '  2. TULSA sends it; PARTNR gets "Can you supply?":',
    `    ${curl('POST', `${base}/v1/requests/<id>/send`, tulsa)}`,
    '  3. PARTNR finds it (the lending request has its own id):',
    `    ${curl('GET', `${base}/v1/requests?status=can-you-supply`, partnr)}`,
    '  4. PARTNR ships an item from its shelf:',
    `    ${curl('POST', `${base}/v1/requests/<lending id>/ship`, partnr, { itemBarcode: walk.lenderItemBarcode })}`,
    '  5. TULSA receives it (temporary item and hold in Alma):',
    `    ${curl('POST', `${base}/v1/requests/<id>/receive`, tulsa)}`,
    '  6. The history and the ILS steps:',
    `    ${curl('GET', `${base}/v1/requests/<id>`, tulsa)}`,
    '',
    'Ctrl-C stops everything.',
  ];
}
