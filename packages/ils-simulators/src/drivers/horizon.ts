import { sirsiDynixDriver } from './sirsidynix.ts';
import type { DriverFactory } from './types.ts';

/**
 * SirsiDynix Horizon: the library connects over NCIP 1.0 (Web Services alongside for due dates),
 * or over Web Services only; desk and probe use Horizon Web Services (`/hzws/v1`) in both cases.
 */
export const horizonDriver = (protocol: 'ncip' | 'rest' = 'ncip'): DriverFactory => sirsiDynixDriver('horizon', protocol);
