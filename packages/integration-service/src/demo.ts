import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { demo as simulatorDemo, startSimulators } from '@bookstrap/ils-simulators';
import { adapterFor } from './adapters/registry.ts';
import {
  almaDemoLibraries,
  almaNcipDemoLibrary,
  type DemoLibrary,
  demoAdminKey,
  millenniumDemoLibrary,
  sierraDemoLibrary,
  sirsiDynixDemoLibrary,
  wmsDemoLibraries,
} from './demo-libraries.ts';
import { createLogger } from './logger.ts';
import { startMailCatcher } from './notices/catcher.ts';
import { smtpMailer } from './notices/mailer.ts';
import { exitIfPortInUse, PortInUseError, startServer } from './server.ts';
import { createService } from './service.ts';
import { createLibrary } from './workflow/libraries.ts';

/**
 * `pnpm start`: every simulator there is, the service on 127.0.0.1:3000 with demo libraries
 * configured against them, known keys, and a first request to try. Ports: PORT, ALMA_PORT, …
 * The service database (BOOKSTRAP_DB, default ./data/demo.sqlite) starts fresh each run, as the
 * simulators do.
 */
const port = Number(process.env.PORT ?? 3000);
const dbPath = resolve(process.env.BOOKSTRAP_DB ?? './data/demo.sqlite');
for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });

const simulators = await startSimulators().catch(exitIfPortInUse);
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
// Patron notices go to a local mail catcher (nothing leaves the machine); each mail is saved as .eml.
const mailDir = resolve(dirname(dbPath), 'mail');
const mailPort = Number(process.env.MAIL_PORT ?? 2525);
const catcher = await startMailCatcher({ port: mailPort, dir: mailDir }).catch((error: NodeJS.ErrnoException) =>
  exitIfPortInUse(error.code === 'EADDRINUSE' ? new PortInUseError(mailPort, 'MAIL_PORT') : error),
);
const service = createService({
  dbPath,
  adminKey: process.env.BOOKSTRAP_ADMIN_KEY ?? demoAdminKey,
  logger,
  worker: { pollMs: 250 },
  mail: { mailer: smtpMailer(catcher.url), from: 'ill@bookstrap.example', intervalMs: 5_000 },
});

/** Demo tenants per simulator; a vendor gets libraries once the service has an adapter for it. */
const demoLibraries: Partial<Record<string, (url: string) => DemoLibrary[]>> = {
  alma: (url) => [...almaDemoLibraries(simulatorDemo.alma, url), almaNcipDemoLibrary(simulatorDemo.alma, url)],
  wms: (url) => wmsDemoLibraries(simulatorDemo.wms, url),
  symphony: (url) => [sirsiDynixDemoLibrary(simulatorDemo.symphony, url)],
  horizon: (url) => [sirsiDynixDemoLibrary(simulatorDemo.horizon, url)],
  sierra: (url) => [sierraDemoLibrary(simulatorDemo.sierra, url)],
  millennium: (url) => [millenniumDemoLibrary(simulatorDemo.millennium, url)],
};
const configured: DemoLibrary[] = [];
const skipped: string[] = [];
for (const simulator of simulators.simulators) {
  const libraries = demoLibraries[simulator.vendor]?.(simulator.url) ?? [];
  const usable = libraries.filter((library) => adapterFor(service.registry, library.connection));
  if (usable.length === 0) skipped.push(simulator.vendor);
  for (const library of usable) {
    // ILL-side notices on, as seed 004's library sends them; here they reach the local mail catcher.
    library.settings.borrowing.patronNotices = {
      ...library.settings.borrowing.patronNotices,
      requestConfirmation: true,
      cancelled: true,
      dueSoonDays: 3,
      overdue: true,
      libraryName: `${library.name}`,
      from: `ill@${library.symbol.toLowerCase()}.example`,
    };
    createLibrary({ db: service.database.db, clock: service.clock, registry: service.registry }, library, library.apiKey);
    configured.push(library);
  }
}

service.start();
const server = await startServer(service.app, port).catch(exitIfPortInUse);

const base = server.url;
const patron = simulatorDemo.alma.patrons.good;
const lines = [
  '',
  'Bookstrap demo',
  `  service        ${base}   (API reference ${base}/docs, OpenAPI ${base}/openapi.json)`,
  ...simulators.simulators.map((s) => `  ${s.vendor.padEnd(14)} ${s.url}   (control plane ${s.url}/_sim/health)`),
  `  database       ${dbPath}`,
  `  mail catcher   ${catcher.url}   (patron notices, saved in ${mailDir})`,
  '',
  'Keys (demo only)',
  `  admin          ${process.env.BOOKSTRAP_ADMIN_KEY ?? demoAdminKey}   (/v1/libraries)`,
  ...configured.map(
    (l) =>
      `  ${l.symbol.padEnd(14)} ${l.apiKey}   (${l.connection.ils} library ${l.connection.library}, pickup ${l.pickupLocations.map((p) => p.code).join(', ')})`,
  ),
  ...(skipped.length ? ['', `Simulators without a service adapter yet (no demo library): ${skipped.join(', ')}`] : []),
  '',
  `Try it: TULSA borrows from PARTNR for ${patron.name} (Alma user ${patron.primaryId})`,
  `  curl -s -X POST ${base}/v1/requests -H 'Authorization: Bearer demo-key-tulsa' -H 'Content-Type: application/json' \\`,
  `    -d '{"role":"borrowing","title":"On the origin of species","patronId":"${patron.primaryId}","pickupLocation":"MAIN","lenders":["PARTNR"]}'`,
  '  then, with the id it returns:',
  `    POST ${base}/v1/requests/<id>/send                        (TULSA key: PARTNR gets "Can you supply?")`,
  `    GET  ${base}/v1/requests?status=can-you-supply            (PARTNR key: demo-key-partnr)`,
  `    POST ${base}/v1/requests/<lending id>/ship  {"itemBarcode":"${simulatorDemo.alma.lendableItems.find((i) => i.library === 'SCI')?.barcode}"}   (PARTNR key)`,
  `    POST ${base}/v1/requests/<id>/receive                     (TULSA key: temporary item + hold in Alma)`,
  `    GET  ${base}/v1/requests/<id>                             (history and ILS steps)`,
  '',
  'Ctrl-C stops everything.',
];
console.log(lines.join('\n'));

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await server.close();
  await service.close();
  await simulators.stop();
  await catcher.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
