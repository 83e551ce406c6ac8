import { keyConfigFromEnv } from './config.ts';
import { createLogger } from './logger.ts';
import { smtpMailer } from './notices/mailer.ts';
import { exitOnStartupError, hostFromEnv, portFromEnv, startServer } from './server.ts';
import { databaseLocation } from './store/database-url.ts';
import { storageFault } from './store/faults.ts';
import { openStore } from './store/open.ts';
import { createService } from './service.ts';

/**
 * `pnpm start` in this package: the service alone, against real ILSs. BOOKSTRAP_ADMIN_KEY or
 * BOOKSTRAP_ADMIN_KEYS and BOOKSTRAP_KEY_GRACE_HOURS (see config.ts), PORT (3000), HOST (127.0.0.1),
 * BOOKSTRAP_DATABASE_URL or BOOKSTRAP_DB (./data/bookstrap.sqlite; store/database-url.ts),
 * BOOKSTRAP_LEASE_MS (how soon another instance takes over a dead one's work), LOG_LEVEL,
 * BOOKSTRAP_SMTP_URL and BOOKSTRAP_MAIL_FROM (patron notices by mail).
 */
const keys = keyConfigFromEnv(process.env);
if (!keys.ok) {
  console.error(keys.message);
  process.exit(1);
}
// a bad PORT, HOST or database URL is reported before anything starts
const { port, host, database } = (() => {
  try {
    return { port: portFromEnv(process.env, 'PORT', 3000), host: hostFromEnv(process.env), database: databaseLocation(process.env) };
  } catch (error) {
    return exitOnStartupError(error);
  }
})();
// BOOKSTRAP_LEASE_MS: the worker's step leases and the periodic work's leases (default 15 s / 10 s)
const leaseMs = Number(process.env.BOOKSTRAP_LEASE_MS) > 0 ? Number(process.env.BOOKSTRAP_LEASE_MS) : undefined;
const logger = createLogger();
// Patron notices are mailed when a transport is configured: BOOKSTRAP_SMTP_URL (smtp://host:port,
// smtps://user:pass@host:465) and BOOKSTRAP_MAIL_FROM; otherwise they wait in GET /v1/notices.
const smtpUrl = process.env.BOOKSTRAP_SMTP_URL;
// Postgres (BOOKSTRAP_DATABASE_URL=postgres://…) is opened and migrated first; several instances may
// start at once (the migrations take an advisory lock).
const opened = await openStore(database).catch((error: unknown) => {
  // one line naming the database (password masked) and why it cannot be used
  const where = database.dialect === 'postgres' ? `BOOKSTRAP_DATABASE_URL=${database.url.replace(/\/\/[^@/]*@/, '//…@')}` : `the database ${database.path}`;
  const cause = storageFault(error)?.message ?? (error instanceof Error ? error.message : String(error));
  console.error(`${where}: ${cause}${error instanceof Error && storageFault(error) ? ` (${error.message})` : ''}`);
  return process.exit(1);
});
const service = createService({
  database: opened,
  ...(leaseMs ? { worker: { leaseMs }, periodic: { leaseMs } } : {}),
  adminKey: keys.config.adminKeys,
  keyGracePeriodMs: keys.config.keyGracePeriodMs,
  // BOOKSTRAP_PROTOCOL_LOG_DAYS: how long the raw ILS traffic is kept (default 30 days)
  ...(Number(process.env.BOOKSTRAP_PROTOCOL_LOG_DAYS) > 0 ? { protocolLogRetentionDays: Number(process.env.BOOKSTRAP_PROTOCOL_LOG_DAYS) } : {}),
  logger,
  ...(smtpUrl ? { mail: { mailer: smtpMailer(smtpUrl), from: process.env.BOOKSTRAP_MAIL_FROM ?? 'ill@localhost' } } : {}),
});
await service.start();
const server = await startServer(service.app, port, 'PORT', host).catch(exitOnStartupError);
logger.info({ url: server.url }, 'Bookstrap integration service listening');

const shutdown = async () => {
  await server.close();
  await service.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
