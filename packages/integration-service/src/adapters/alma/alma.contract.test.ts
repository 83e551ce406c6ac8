import { adjustableClock, createSimulator, fixedClock } from '@bookstrap/ils-simulators';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ContractSubject, circulationSystemContract } from '../contract.ts';
import type { AdapterContext } from '../types.ts';
import { AlmaRestAdapter } from './alma.ts';
import { alma, almaRestProbe, host } from './test-support.ts';

/**
 * The shared adapter contract against the simulated Alma, in-process: the adapter talks to it
 * through `fetch` exactly as to a real Alma, and the probe reads state through the Alma API.
 */
const lendable = alma.lendableItems.filter((item) => item.library === 'MAIN').map((item) => item.barcode);

async function almaSubject(): Promise<ContractSubject> {
  const clock = adjustableClock(fixedClock('2025-03-12T10:00:00.000Z'));
  const sim = createSimulator({ vendor: 'alma', clock });
  onTestFinished(() => sim.close());
  const fetch = (input: string, init?: RequestInit) => sim.app.request(input, init);
  const context: AdapterContext = { fetch, timeoutMs: 5_000, clock, record: () => {}, throttle: async () => {}, backOff: () => {} };
  const system = new AlmaRestAdapter({ baseUrl: `${host}/almaws/v1`, apiKey: alma.apiKey, library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' }, context);

  const { probe, deskCheckIn, faults } = almaRestProbe(sim);
  return {
    system,
    probe,
    fixture: {
      patronId: alma.patrons.good.primaryId,
      unknownPatronId: 'no.such.patron',
      blockedPatronId: alma.patrons.blocked.primaryId,
      accountId: alma.institutionalPatrons.PARTNR.primaryId,
      lendableBarcodes: lendable,
      pickupLocation: 'MAIN',
      illLocation: alma.illLocation,
      temporaryLocation: alma.illLocation,
      feeType: alma.feeTypes.illFee,
      today: '2025-03-12',
      futureDueDate: '2025-04-16',
      laterDueDate: '2025-04-30',
      itemPolicy: alma.itemPolicies.interlibraryLoan,
    },
    ilsDown: async () => {
      await faults({ down: true });
    },
    ilsUp: async () => {
      await faults({});
    },
    deskCheckIn,
  };
}

circulationSystemContract('Alma REST (simulated)', almaSubject, {
  // Alma takes no hold on a requested item for lending (Tipasa: Horizon and Symphony only).
  unsupported: ['lending hold'],
});

describe('Alma REST adapter: declared gaps and Alma-specific behaviour', () => {
  it('refuses a lending hold as a configuration error, never a fake success', async () => {
    const { system, fixture } = await almaSubject();
    expect(system.capabilities.lendingHold).toBe(false);
    const outcome = await system.placeLendingHold({ requestId: '9000020', title: 'x', patronId: fixture.accountId });
    expect(outcome.kind).toBe('configuration-error');
  });

  it('answers a refused API key with a configuration error', async () => {
    const subject = await almaSubject();
    const sim = createSimulator({ vendor: 'alma', clock: adjustableClock(fixedClock('2025-03-12T10:00:00.000Z')) });
    onTestFinished(() => sim.close());
    const context: AdapterContext = {
      fetch: (input, init) => sim.app.request(input, init),
      timeoutMs: 5_000,
      clock: { now: () => new Date('2025-03-12T10:00:00.000Z') },
      record: () => {},
      throttle: async () => {},
      backOff: () => {},
    };
    const system = new AlmaRestAdapter({ baseUrl: `${host}/almaws/v1`, apiKey: 'wrong-key', library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' }, context);
    const outcome = await system.lookupPatron({ patronId: subject.fixture.patronId });
    expect(outcome).toMatchObject({ kind: 'configuration-error', reason: expect.stringContaining('UNAUTHORIZED') });
  });

  it('treats an Alma rate limit (429 PER_SECOND_THRESHOLD) as retryable and backs the library off', async () => {
    const sim = createSimulator({ vendor: 'alma', clock: adjustableClock(fixedClock('2025-03-12T10:00:00.000Z')) });
    onTestFinished(() => sim.close());
    await sim.app.request(`${host}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitPerSecond: 1 }),
    });
    const backOffs: number[] = [];
    const context: AdapterContext = {
      fetch: (input, init) => sim.app.request(input, init),
      timeoutMs: 5_000,
      clock: { now: () => new Date('2025-03-12T10:00:00.000Z') },
      record: () => {},
      throttle: async () => {},
      backOff: (ms) => backOffs.push(ms),
    };
    const system = new AlmaRestAdapter({ baseUrl: `${host}/almaws/v1`, apiKey: alma.apiKey, library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' }, context);
    expect((await system.lookupPatron({ patronId: alma.patrons.good.primaryId })).kind).toBe('done');
    const limited = await system.lookupPatron({ patronId: alma.patrons.good.primaryId });
    expect(limited).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('PER_SECOND_THRESHOLD') });
    expect(backOffs.length).toBe(1);
  });

  it('gives up on a call that hangs after the per-call timeout (retryable)', async () => {
    const context: AdapterContext = {
      fetch: () => new Promise<Response>(() => {}),
      timeoutMs: 50,
      clock: { now: () => new Date('2025-03-12T10:00:00.000Z') },
      record: () => {},
      throttle: async () => {},
      backOff: () => {},
    };
    const system = new AlmaRestAdapter({ baseUrl: `${host}/almaws/v1`, apiKey: alma.apiKey, library: 'MAIN', circulationDesk: 'DEFAULT_CIRC_DESK' }, context);
    const { runStep } = await import('@bookstrap/core');
    const outcome = await runStep(system, { name: 'lookup-patron', key: 'k', input: { requestId: '1', patronId: 'p' } });
    expect(outcome.kind).toBe('retryable');
  });
});
