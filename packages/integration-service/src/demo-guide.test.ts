import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { demoGuide } from './demo-guide.ts';
import {
  almaDemoLibraries,
  almaNcipDemoLibrary,
  demoAdminKey,
  millenniumDemoLibrary,
  sierraDemoLibrary,
  sirsiDynixDemoLibrary,
  wmsDemoLibraries,
} from './demo-libraries.ts';
import { almaHost, useHarness } from './testutil/harness.ts';

const base = 'http://127.0.0.1:3000';
const configured = [
  ...almaDemoLibraries(demo.alma, almaHost),
  almaNcipDemoLibrary(demo.alma, almaHost),
  ...wmsDemoLibraries(demo.wms, 'http://127.0.0.1:3004'),
  sirsiDynixDemoLibrary(demo.symphony, 'http://127.0.0.1:3005'),
  sirsiDynixDemoLibrary(demo.horizon, 'http://127.0.0.1:3006'),
  sierraDemoLibrary(demo.sierra, 'http://127.0.0.1:3002'),
  millenniumDemoLibrary(demo.millennium, 'http://127.0.0.1:3003'),
];
const guide = demoGuide({
  base,
  simulators: [{ vendor: 'alma', url: almaHost }],
  dbPath: '/tmp/demo.sqlite',
  mail: { url: 'smtp://127.0.0.1:2525', dir: '/tmp/mail' },
  adminKey: demoAdminKey,
  configured,
  skipped: [],
  walk: {
    patronId: demo.alma.patrons.good.primaryId,
    patronName: demo.alma.patrons.good.name,
    pickupLocation: 'MAIN',
    lenderItemBarcode: demo.alma.lendableItems.find((i) => i.library === 'SCI')!.barcode,
  },
});

interface Command {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The printed curl commands as a shell splits them (single quotes only, as printed). */
function parseCurl(line: string): Command {
  const words = [...line.trim().matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll("'\\''", "'") : m[2]!));
  expect(words[0]).toBe('curl');
  const command: Command = { method: 'GET', url: '', headers: {} };
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === '-s') continue;
    if (word === '-X') command.method = words[++i]!;
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      command.headers[name!.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') {
      command.body = words[++i]!;
      // curl -d without -X still POSTs
      if (command.method === 'GET') command.method = 'POST';
    } else command.url = word;
  }
  return command;
}

const commands = guide.filter((line) => line.trim().startsWith('curl ')).map(parseCurl);

describe('what pnpm start prints', () => {
  it('starts with the console URL', () => {
    expect(guide[0]).toBe(`Bookstrap console: ${base}/console`);
  });

  it('names a test patron for every library, in its own ILS’s terms', () => {
    const line = (symbol: string) => guide.find((l) => l.trimStart().startsWith(`${symbol} `)) ?? '';
    expect(line('TULSA')).toContain(`test patron ${demo.alma.patrons.good.name} (primary id ${demo.alma.patrons.good.primaryId})`);
    expect(line('ALMANCIP')).toContain(`primary id ${demo.alma.patrons.good.primaryId}`);
    expect(line('WMSTCC')).toContain(`barcode ${demo.wms.patrons.good.barcode}`);
    expect(line('SYMPHNY')).toContain(`barcode ${demo.symphony.patrons.good.barcode}, PIN ${demo.symphony.patrons.good.pin}`);
    expect(line('HORIZN')).toContain(`barcode ${demo.horizon.patrons.good.barcode}`);
    expect(line('SIERRA')).toContain(`barcode ${demo.sierra.patrons.good.barcode}`);
    expect(line('MILLENN')).toContain(`barcode ${demo.millennium.patrons.good.barcode}`);
    for (const library of configured) expect(line(library.symbol), library.symbol).toMatch(/; test patron .+ \((primary id|barcode) /);
  });

  it('gives every POST its Authorization and Content-Type headers and a JSON body', () => {
    const posts = commands.filter((c) => c.method === 'POST');
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const post of posts) {
      expect(post.headers['content-type'], post.url).toBe('application/json');
      expect(post.headers.authorization, post.url).toMatch(/^Bearer demo-key-/);
      expect(() => JSON.parse(post.body ?? '')).not.toThrow();
    }
    for (const get of commands.filter((c) => c.method === 'GET')) expect(get.headers.authorization).toMatch(/^Bearer demo-key-/);
  });

  it('walks a request from create to received when the commands are run as printed', async () => {
    const h = await useHarness();
    const ids: Record<string, string> = {};
    const run = async (command: Command, drop?: string) => {
      const url = new URL(command.url.replace('<lending id>', ids.lending ?? '').replace('<id>', ids.borrowing ?? ''));
      const headers = Object.fromEntries(Object.entries(command.headers).filter(([name]) => name !== drop));
      const response = await h.service.app.request(`${url.pathname}${url.search}`, {
        method: command.method,
        headers,
        ...(command.body === undefined ? {} : { body: command.body }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: API bodies are read field by field
      return { status: response.status, body: (await response.json()) as any };
    };
    const [create, send, find, ship, receive, show] = commands;
    // the header the old hints lacked: without it the service answers 415
    expect((await run(create!, 'content-type')).status).toBe(415);
    const created = await run(create!);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    ids.borrowing = created.body.id;
    await h.drain();
    expect((await run(send!)).status).toBe(200);
    await h.drain();
    const found = await run(find!);
    expect(found.status).toBe(200);
    ids.lending = found.body.requests.find((r: { title: string }) => r.title === 'On the origin of species').id;
    const shipped = await run(ship!);
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    await h.drain();
    const received = await run(receive!);
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    await h.drain();
    const shown = await run(show!);
    expect(shown.body.status).toBe('received');
  });
});
