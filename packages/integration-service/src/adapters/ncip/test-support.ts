/** Test helpers: the simulated Alma in-process, an adapter context that keeps the traffic, an Alma REST probe. */
import type { Connection } from '@bookstrap/core';
import { alma, almaRestProbe, host } from '../alma/test-support.ts';
import { type Recorded, type SimulatedIls, simulatedIls, testNow } from '../testing.ts';

export { alma, almaRestProbe, host };
export const ncipUrl = `${host}/view/NCIPServlet`;

export function almaSim(): SimulatedIls {
  return simulatedIls('alma', { perSecond: 100_000 });
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

export { type Recorded, testNow };
