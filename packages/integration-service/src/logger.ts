import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * ILS credentials and API keys never reach the log: pino removes them by path before a line is
 * written, wherever they sit in a logged object (a library, its connection, a request's headers).
 */
export const redactPaths = [
  'credentials',
  '*.credentials',
  '*.*.credentials',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'password',
  '*.password',
  '*.*.password',
  'clientSecret',
  '*.clientSecret',
  '*.*.clientSecret',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config = { level: options.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: redactPaths, censor: '[masked]' } };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** For tests: a logger that writes nowhere. */
export const silentLogger: Logger = pino({ level: 'silent' });
