import { profiles } from '@bookstrap/ncip';
import { ncipAdapter } from '../ncip/ncip.ts';
import { innovativeNcipServices } from '../sierra/sierra-ncip.ts';
import type { AdapterDefinition } from '../types.ts';

/**
 * Millennium has no circulation API: Innovative's NCIP Responder (NCIP 2.0, the product Sierra
 * runs too) is the only way in, as for ReShare's and Tipasa's Millennium integrations. The
 * generic NCIP adapter with the Millennium profile does it all; what the responder has no
 * message for (fees, temporary locations) is off in the capabilities and refused at
 * configuration time by the core's settings check.
 */
export const millenniumNcipAdapter: AdapterDefinition = ncipAdapter('millennium', profiles.millennium, innovativeNcipServices);
