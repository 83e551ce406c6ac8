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
import { createDemoLogger } from './demo-logger.ts';
import { demoGuide } from './demo-guide.ts';
import { startMailCatcher } from './notices/catcher.ts';
import { smtpMailer } from './notices/mailer.ts';
import { exitOnStartupError, listenError, portFromEnv, startServer } from './server.ts';
import { createService } from './service.ts';
import { createLibrary } from './workflow/libraries.ts';

/**
 * `pnpm start`: every simulator there is, the service on 127.0.0.1:3000 with demo libraries
 * configured against them, known keys, and a first request to try. Ports: PORT, ALMA_PORT, …
 * The service database (BOOKSTRAP_DB, default ./data/demo.sqlite) starts fresh each run, as the
 * simulators do.
 */
// Port variables are read before anything starts, so a typo is one line, not a half-started demo.
const [port, mailPort] = (() => {
  try {
    return [portFromEnv(process.env, 'PORT', 3000), portFromEnv(process.env, 'MAIL_PORT', 2525)];
  } catch (error) {
    return exitOnStartupError(error);
  }
})();
const dbPath = resolve(process.env.BOOKSTRAP_DB ?? './data/demo.sqlite');
for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });

const simulators = await startSimulators().catch(exitOnStartupError);
// readable, quiet lines for a person at a terminal (warnings and errors; LOG_LEVEL=info for more)
const logger = createDemoLogger();
// Patron notices go to a local mail catcher (nothing leaves the machine); each mail is saved as .eml.
const mailDir = resolve(dirname(dbPath), 'mail');
const catcher = await startMailCatcher({ port: mailPort, dir: mailDir }).catch((error: NodeJS.ErrnoException) =>
  exitOnStartupError(listenError(error, mailPort, 'MAIL_PORT')),
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
    await createLibrary({ db: service.database.db, clock: service.clock, registry: service.registry }, library, library.apiKey);
    configured.push(library);
  }
}

await service.start();
const server = await startServer(service.app, port).catch(exitOnStartupError);

const patron = simulatorDemo.alma.patrons.good;
const lines = demoGuide({
  base: server.url,
  simulators: simulators.simulators,
  dbPath,
  mail: { url: catcher.url, dir: mailDir },
  adminKey: process.env.BOOKSTRAP_ADMIN_KEY ?? demoAdminKey,
  configured,
  skipped,
  walk: {
    patronId: patron.primaryId,
    patronName: patron.name,
    pickupLocation: 'MAIN',
    lenderItemBarcode: simulatorDemo.alma.lendableItems.find((i) => i.library === 'SCI')?.barcode ?? '',
  },
});
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
