import { networkInterfaces } from 'node:os';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { App } from './http/types.ts';
import { hostFromEnv, InvalidHostError, isStartupError, startServer } from './server.ts';

/** HOST: loopback unless the operator says otherwise (README: the API keys are then the only protection). */
const app = new Hono().get('/health', (c) => c.json({ status: 'ok' })) as unknown as App;

/** This machine's first non-loopback IPv4 address, if it has one. */
const outward = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

describe('HOST', () => {
  it('is 127.0.0.1 when unset or blank; an address or a host name otherwise', () => {
    expect(hostFromEnv({})).toBe('127.0.0.1');
    expect(hostFromEnv({ HOST: '  ' })).toBe('127.0.0.1');
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'fd00::2', 'bookstrap-1.internal', 'localhost']) expect(hostFromEnv({ HOST: host })).toBe(host);
  });

  it('refuses what is not an address, naming the variable, as a start-up error (one line, exit 1)', () => {
    for (const bad of ['http://0.0.0.0', '0.0.0.0:3000', 'two words', '-bad.example', 'a..b']) {
      expect(() => hostFromEnv({ HOST: bad })).toThrow(InvalidHostError);
      try {
        hostFromEnv({ HOST: bad });
      } catch (error) {
        expect(isStartupError(error)).toBe(true);
        expect((error as Error).message).toBe(`HOST=${bad} is not an address to listen on: give an IP address (0.0.0.0, ::, 10.0.0.5) or a host name`);
      }
    }
  });

  it('by default the server answers on loopback only', async () => {
    const server = await startServer(app, 0);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      if (outward) await expect(fetch(`http://${outward}:${server.port}/health`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('HOST=0.0.0.0 answers on the machine’s other addresses too', async (context) => {
    if (!outward) context.skip('this machine has no address besides loopback');
    const server = await startServer(app, 0, 'PORT', '0.0.0.0');
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect((await fetch(`http://${outward}:${server.port}/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
