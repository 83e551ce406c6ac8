import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createLogger } from '../logger.ts';
import { libraryBody, snapshot, useHarness } from '../testutil/harness.ts';

describe('POST /v1/libraries (security)', () => {
  it('needs the admin key: none → 401, unknown → 401, a library key → 403', async () => {
    const h = await useHarness();
    const before = await snapshot(h);
    expect((await h.request('POST', '/v1/libraries', { key: null, body: libraryBody('NEWL') })).status).toBe(401);
    expect((await h.request('POST', '/v1/libraries', { key: 'bks_guess', body: libraryBody('NEWL') })).status).toBe(401);
    const forbidden = await h.request('POST', '/v1/libraries', { key: h.keys.TULSA, body: libraryBody('NEWL') });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect(await snapshot(h)).toBe(before);
  });

  it('never returns or logs the ILS credentials', async () => {
    const h = await useHarness();
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const app = createApp({ db: h.service.database.db, clock: h.clock, registry: h.service.registry, logger, adminKey: h.adminKey, fetch: h.fetch });
    const body = libraryBody('SECR', {
      connection: { ils: 'alma', protocol: 'rest', baseUrl: 'http://alma.sim.test', credentials: { apiKey: 'l8xx-very-secret' }, library: 'MAIN' },
    });
    // the connection check refuses the made-up key; its report must not echo it either
    const refused = await app.request('/v1/libraries', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).not.toContain('l8xx-very-secret');
    const response = await app.request('/v1/libraries?check=false', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    expect(await response.text()).not.toContain('l8xx-very-secret');
    expect(lines.join('')).toContain('SECR');
    expect(lines.join('')).not.toContain('l8xx-very-secret');
  });
});
