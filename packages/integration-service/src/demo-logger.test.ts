import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDemoLogger } from './demo-logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('the demo terminal log', () => {
  it('is one readable line per event, not JSON, with the fields after the message', () => {
    const { lines, destination } = capture();
    const logger = createDemoLogger({ level: 'info', destination, colorize: false });
    logger.warn({ library: 'TULSA', step: 'place-hold' }, 'ILS step failed, will retry');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(() => JSON.parse(line!)).toThrow();
    expect(line).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARN: ILS step failed, will retry \{.*"library":"TULSA".*\}$/);
    expect(line).not.toMatch(/"pid"|"hostname"/);
  });

  it('is quiet: information below warnings is not shown by default', () => {
    const { lines, destination } = capture();
    const logger = createDemoLogger({ destination, colorize: false, ...(process.env.LOG_LEVEL ? { level: 'warn' } : {}) });
    logger.info({ url: 'http://127.0.0.1:3000' }, 'listening');
    logger.debug('outbox poll');
    expect(lines).toEqual([]);
    logger.error('the worker stopped');
    expect(lines).toHaveLength(1);
  });

  it('masks credentials and keys as the service log does', () => {
    const { lines, destination } = capture();
    const logger = createDemoLogger({ destination, colorize: false });
    logger.warn({ library: { connection: { credentials: { apiKey: 'l8xx-secret' } } }, headers: { authorization: 'Bearer demo-key-tulsa' } }, 'call failed');
    expect(lines.join('\n')).not.toMatch(/l8xx-secret|demo-key-tulsa/);
    expect(lines.join('\n')).toContain('[masked]');
  });
});
