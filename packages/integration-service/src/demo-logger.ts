import type { Writable } from 'node:stream';
import pretty from 'pino-pretty';
import { createLogger, type Logger } from './logger.ts';

/**
 * The demo's log (`pnpm start`): a person reads it in a terminal, so one short readable line per
 * event (time, level, message, then the fields) instead of pino's JSON, and quiet — warnings and
 * errors only unless LOG_LEVEL says otherwise. The service itself (`main.ts`) keeps JSON lines for
 * log collectors. Secrets are masked before either is written (createLogger's redaction).
 */
export function createDemoLogger(options: { level?: string; destination?: Writable; colorize?: boolean } = {}): Logger {
  const stream = pretty({
    destination: options.destination ?? process.stderr,
    colorize: options.colorize ?? Boolean(process.stderr.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
  });
  return createLogger({ level: options.level ?? (process.env.LOG_LEVEL || 'warn'), destination: stream });
}
