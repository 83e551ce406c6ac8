import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('never writes ILS credentials or keys', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const logger = createLogger({ destination });
    logger.info({ library: { symbol: 'TULSA', connection: { ils: 'alma', credentials: { apiKey: 'l8xx-secret' } } } }, 'library created');
    logger.info({ connection: { credentials: { password: 'hunter2' } }, headers: { authorization: 'Bearer bks_secret' } }, 'request');
    const text = lines.join('');
    expect(text).toContain('TULSA');
    expect(text).not.toContain('l8xx-secret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('bks_secret');
  });
});
