import type { Connection } from '@bookstrap/core';
import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { sierraRestAdapter } from './sierra/sierra.ts';
import { sierraRestConnection, sierraSim } from './sierra/test-support.ts';
import { symphonyRestAdapter } from './symphony/symphony.ts';
import { sirsiSim, wsConnection } from './sirsidynix/test-support.ts';
import type { AdapterContext, AdapterDefinition, SessionCache } from './types.ts';
import { wmsNcipAdapter } from './wms/wms.ts';
import { wmsConnection, wmsSim } from './wms/test-support.ts';

/**
 * Credentials are kept per library across jobs: the worker creates an adapter per job around the
 * library's session cache, so a Sierra token (an hour), an OCLC token (20 minutes) or a SirsiDynix
 * staff session is fetched once, not on every step — and fetched again when the ILS says 401.
 */
async function perJob(definition: AdapterDefinition, connection: Connection, context: AdapterContext, sessions: SessionCache, patronId: string, jobs: number) {
  const outcomes: string[] = [];
  for (let i = 0; i < jobs; i += 1) {
    const system = definition.create(connection, { ...context, sessions });
    outcomes.push((await system.lookupPatron({ patronId })).kind);
  }
  return outcomes;
}

describe('credentials cached per library across jobs', () => {
  it('Sierra: one token for five jobs; a revoked token is replaced once, on the 401', async () => {
    const { context, calls, clock } = sierraSim();
    const sessions: SessionCache = new Map();
    const patron = demo.sierra.patrons.good.barcode;
    expect(await perJob(sierraRestAdapter, sierraRestConnection, context, sessions, patron, 5)).toEqual(Array(5).fill('done'));
    expect(calls.filter((c) => c.endsWith('/token'))).toHaveLength(1);
    // Past the token's hour (the simulator expires it): the next job gets a 401 and one new token.
    clock.advance(2 * 60 * 60 * 1000);
    expect(await perJob(sierraRestAdapter, sierraRestConnection, context, sessions, patron, 2)).toEqual(['done', 'done']);
    expect(calls.filter((c) => c.endsWith('/token'))).toHaveLength(2);
  });

  it('Sierra: jobs running together wait for one token grant', async () => {
    const { context, calls } = sierraSim();
    const sessions: SessionCache = new Map();
    const patron = demo.sierra.patrons.good.barcode;
    const systems = [1, 2, 3].map(() => sierraRestAdapter.create(sierraRestConnection, { ...context, sessions }));
    const outcomes = await Promise.all(systems.map((s) => s.lookupPatron({ patronId: patron })));
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done', 'done']);
    expect(calls.filter((c) => c.endsWith('/token'))).toHaveLength(1);
  });

  it('WMS: one OCLC token per scope for five jobs', async () => {
    const { context, calls } = wmsSim();
    const sessions: SessionCache = new Map();
    const patron = demo.wms.patrons.good.barcode;
    const outcomes = await perJob(wmsNcipAdapter, wmsConnection(), context, sessions, patron, 5);
    expect(outcomes).toEqual(Array(5).fill('done'));
    expect(calls.filter((c) => c.endsWith('/token'))).toHaveLength(1);
  });

  it('SirsiDynix Web Services: one staff login for five jobs', async () => {
    const { context, calls } = sirsiSim('symphony');
    const sessions: SessionCache = new Map();
    const patron = demo.symphony.patrons.good.barcode;
    const outcomes = await perJob(symphonyRestAdapter, wsConnection('symphony'), context, sessions, patron, 5);
    expect(outcomes).toEqual(Array(5).fill('done'));
    expect(calls.filter((c) => c.endsWith('/user/staff/login'))).toHaveLength(1);
  });

  it('without a session cache every adapter logs in for itself (what the worker used to do per job)', async () => {
    const { context, calls } = sierraSim();
    for (let i = 0; i < 3; i += 1) await sierraRestAdapter.create(sierraRestConnection, context).lookupPatron({ patronId: demo.sierra.patrons.good.barcode });
    expect(calls.filter((c) => c.endsWith('/token'))).toHaveLength(3);
  });
});
