/** Test helpers: the simulated Alma in-process, an adapter context that keeps the traffic, an Alma REST probe. */
import type { Connection } from '@bookstrap/core';
import { adjustableClock, createSimulator, fixedClock, type Simulator } from '@bookstrap/ils-simulators';
import { onTestFinished } from 'vitest';
import { alma, almaRestProbe, host } from '../alma/test-support.ts';
import type { AdapterContext } from '../types.ts';

export { alma, almaRestProbe, host };
export const ncipUrl = `${host}/view/NCIPServlet`;
export const testNow = '2025-03-12T10:00:00.000Z';

export type Recorded = Parameters<AdapterContext['record']>[0];

export function almaSim(): { sim: Simulator; context: AdapterContext; traffic: Recorded[] } {
  const clock = adjustableClock(fixedClock(testNow));
  const sim = createSimulator({ vendor: 'alma', clock, limits: { perSecond: 100_000 } });
  onTestFinished(() => sim.close());
  const traffic: Recorded[] = [];
  const context: AdapterContext = {
    fetch: (input, init) => sim.app.request(input, init),
    timeoutMs: 5_000,
    clock,
    record: (exchange) => traffic.push(exchange),
    throttle: async () => {},
    backOff: () => {},
  };
  return { sim, context, traffic };
}

/** The library's connection in NCIP mode: the NCIP servlet plus Alma REST for what NCIP lacks. */
export const almaNcipConnection: Connection = {
  ils: 'alma',
  protocol: 'ncip',
  ncipUrl,
  ncip: { toAgencyId: alma.institutionCode, fromAgencyId: 'TULSA', applicationProfileType: alma.ncipPartnerCode },
  baseUrl: `${host}/almaws/v1`,
  credentials: { apiKey: alma.apiKey },
  library: 'MAIN',
  circulationDesk: 'DEFAULT_CIRC_DESK',
};
