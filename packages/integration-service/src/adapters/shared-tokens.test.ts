import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { afterEach, describe, expect, it } from 'vitest';
import { type OpenedDatabase, openDatabase } from '../store/database.ts';
import { sharedTokensFor } from './shared-tokens.ts';
import { sierraRestAdapter } from './sierra/sierra.ts';
import { sierraRestConnection, sierraSim } from './sierra/test-support.ts';
import { sirsiSim, wsConnection } from './sirsidynix/test-support.ts';
import { symphonyRestAdapter } from './symphony/symphony.ts';
import type { AdapterContext, AdapterDefinition, Clock } from './types.ts';
import { wmsConnection, wmsSim } from './wms/test-support.ts';
import { wmsNcipAdapter } from './wms/wms.ts';

/**
 * Vendor tokens shared by service instances on one database (each instance: its own connection
 * to the file and its own in-memory session cache, as separate processes have): one login
 * between them, expiry honoured, a refused token replaced once for everyone.
 */
const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databases(count: number): OpenedDatabase[] {
  const dir = mkdtempSync(join(tmpdir(), 'bookstrap-tokens-'));
  dirs.push(dir);
  const list = Array.from({ length: count }, () => openDatabase(join(dir, 'service.sqlite')));
  opened.push(...list);
  return list;
}

/** One service instance's adapter context for the library: its own session cache, the shared store. */
const instance = (context: AdapterContext, database: OpenedDatabase, connection: Connection, clock: Clock): AdapterContext => ({
  ...context,
  sessions: new Map(),
  sharedTokens: sharedTokensFor(database.db, connection, clock),
});

async function jobs(definition: AdapterDefinition, connection: Connection, context: AdapterContext, patronId: string, count: number) {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i += 1) outcomes.push((await definition.create(connection, context).lookupPatron({ patronId })).kind);
  return outcomes;
}

describe('vendor tokens shared through the store', () => {
  it('Sierra: three instances, one token; a new one only when it expires, fetched once for all', async () => {
    const { context, calls, clock } = sierraSim();
    const [a, b, c] = databases(3).map((database) => instance(context, database, sierraRestConnection, clock));
    const patron = demo.sierra.patrons.good.barcode;
    const tokens = () => calls.filter((call) => call.endsWith('/token')).length;
    expect(await jobs(sierraRestAdapter, sierraRestConnection, a!, patron, 3)).toEqual(['done', 'done', 'done']);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, b!, patron, 3)).toEqual(['done', 'done', 'done']);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, c!, patron, 1)).toEqual(['done']);
    expect(tokens()).toBe(1);
    // past the token's hour: whoever runs first asks for a new one, the others use it
    clock.advance(2 * 60 * 60_000);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, b!, patron, 1)).toEqual(['done']);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, a!, patron, 1)).toEqual(['done']);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, c!, patron, 1)).toEqual(['done']);
    expect(tokens()).toBe(2);
  });

  it('Sierra: a token the ILS refuses (401) is replaced once, and the replacement is everyone’s', async () => {
    const { context, calls, clock } = sierraSim();
    const [first, second, third] = databases(3);
    const patron = demo.sierra.patrons.good.barcode;
    const tokens = () => calls.filter((call) => call.endsWith('/token')).length;
    // a token Sierra no longer accepts (revoked) sits in the shared store, still within its time
    await sharedTokensFor(first!.db, sierraRestConnection, clock).write(
      `sierra-token:${sierraRestConnection.baseUrl}`,
      'revoked-token',
      clock.now().getTime() + 3_600_000,
    );
    expect(await jobs(sierraRestAdapter, sierraRestConnection, instance(context, second!, sierraRestConnection, clock), patron, 2)).toEqual(['done', 'done']);
    expect(tokens()).toBe(1);
    expect(await jobs(sierraRestAdapter, sierraRestConnection, instance(context, third!, sierraRestConnection, clock), patron, 2)).toEqual(['done', 'done']);
    expect(tokens()).toBe(1);
    const now = await sharedTokensFor(first!.db, sierraRestConnection, clock).read(`sierra-token:${sierraRestConnection.baseUrl}`);
    expect(now?.value).not.toBe('revoked-token');
  });

  it('WMS: one OCLC token per scope between two instances', async () => {
    const { context, calls, clock } = wmsSim();
    const connection = wmsConnection();
    const [a, b] = databases(2).map((database) => instance(context, database, connection, clock as Clock));
    const patron = demo.wms.patrons.good.barcode;
    expect(await jobs(wmsNcipAdapter, connection, a!, patron, 2)).toEqual(['done', 'done']);
    expect(await jobs(wmsNcipAdapter, connection, b!, patron, 2)).toEqual(['done', 'done']);
    expect(calls.filter((call) => call.endsWith('/token'))).toHaveLength(1);
  });

  it('SirsiDynix Web Services: one staff login between two instances', async () => {
    const { context, calls, clock } = sirsiSim('symphony');
    const connection = wsConnection('symphony');
    const [a, b] = databases(2).map((database) => instance(context, database, connection, clock as Clock));
    const patron = demo.symphony.patrons.good.barcode;
    expect(await jobs(symphonyRestAdapter, connection, a!, patron, 2)).toEqual(['done', 'done']);
    expect(await jobs(symphonyRestAdapter, connection, b!, patron, 2)).toEqual(['done', 'done']);
    expect(calls.filter((call) => call.endsWith('/user/staff/login'))).toHaveLength(1);
  });

  it('stores tokens sealed with the credentials, per credentials; drops only the token that was refused', async () => {
    const [database] = databases(1);
    const clock = { now: () => new Date('2025-04-01T10:00:00Z') };
    const shared = sharedTokensFor(database!.db, sierraRestConnection, clock);
    const at = clock.now().getTime();
    await shared.write('sierra-token:x', 'T1-secret-token-value', at + 5_000);
    const raw = JSON.stringify(database!.sqlite.prepare('select * from vendor_tokens').all());
    expect(raw).not.toContain('T1-secret-token-value');
    expect(raw).not.toContain(sierraRestConnection.credentials.clientSecret!);
    expect(raw).not.toContain('sierra-token:x');
    // another account on the same server has its own (a changed secret reads nothing)
    const other = sharedTokensFor(
      database!.db,
      { ...sierraRestConnection, credentials: { ...sierraRestConnection.credentials, clientSecret: 'rotated' } },
      clock,
    );
    expect(await other.read('sierra-token:x')).toBeUndefined();
    // a stale refusal does not remove the fresh token another instance wrote meanwhile
    await shared.write('sierra-token:x', 'T2', at + 6_000);
    await shared.drop('sierra-token:x', 'T1-secret-token-value');
    expect(await shared.read('sierra-token:x')).toEqual({ value: 'T2', expiresAt: at + 6_000 });
    await shared.drop('sierra-token:x', 'T2');
    expect(await shared.read('sierra-token:x')).toBeUndefined();
    // a day past its expiry a row is cleared at the next write
    await shared.write('sierra-token:old', 'T3', at - 25 * 60 * 60_000);
    await shared.write('sierra-token:y', 'T4', at + 1_000);
    expect(await shared.read('sierra-token:old')).toBeUndefined();
    expect(database!.sqlite.prepare('select count(*) as n from vendor_tokens').get()).toEqual({ n: 1 });
  });
});
