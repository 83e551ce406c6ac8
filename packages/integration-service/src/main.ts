import { keyConfigFromEnv } from './config.ts';
import { createLogger } from './logger.ts';
import { smtpMailer } from './notices/mailer.ts';
import { exitOnStartupError, portFromEnv, startServer } from './server.ts';
import { createService } from './service.ts';

/**
 * `pnpm start` in this package: the service alone, against real ILSs. BOOKSTRAP_ADMIN_KEY or
 * BOOKSTRAP_ADMIN_KEYS and BOOKSTRAP_KEY_GRACE_HOURS (see config.ts), PORT (3000), BOOKSTRAP_DB
 * (./data/bookstrap.sqlite), LOG_LEVEL, BOOKSTRAP_SMTP_URL and BOOKSTRAP_MAIL_FROM (patron notices by mail).
 */
const keys = keyConfigFromEnv(process.env);
if (!keys.ok) {
  console.error(keys.message);
  process.exit(1);
}
// a bad PORT is reported before anything starts
const port = (() => {
  try {
    return portFromEnv(process.env, 'PORT', 3000);
  } catch (error) {
    return exitOnStartupError(error);
  }
})();
const logger = createLogger();
// Patron notices are mailed when a transport is configured: BOOKSTRAP_SMTP_URL (smtp://host:port,
// smtps://user:pass@host:465) and BOOKSTRAP_MAIL_FROM; otherwise they wait in GET /v1/notices.
const smtpUrl = process.env.BOOKSTRAP_SMTP_URL;
const service = createService({
  adminKey: keys.config.adminKeys,
  keyGracePeriodMs: keys.config.keyGracePeriodMs,
  // BOOKSTRAP_PROTOCOL_LOG_DAYS: how long the raw ILS traffic is kept (default 30 days)
  ...(Number(process.env.BOOKSTRAP_PROTOCOL_LOG_DAYS) > 0 ? { protocolLogRetentionDays: Number(process.env.BOOKSTRAP_PROTOCOL_LOG_DAYS) } : {}),
  logger,
  ...(smtpUrl ? { mail: { mailer: smtpMailer(smtpUrl), from: process.env.BOOKSTRAP_MAIL_FROM ?? 'ill@localhost' } } : {}),
});
service.start();
const server = await startServer(service.app, port).catch(exitOnStartupError);
logger.info({ url: server.url }, 'Bookstrap integration service listening');

const shutdown = async () => {
  await server.close();
  await service.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
