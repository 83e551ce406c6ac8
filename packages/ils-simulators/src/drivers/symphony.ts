import { sirsiDynixDriver } from './sirsidynix.ts';
import type { DriverFactory } from './types.ts';

/**
 * SirsiDynix Symphony: the library connects over NCIP 1.0 (Web Services alongside for temporary
 * locations and due dates), or over Web Services only; desk and probe use ILSWS in both cases.
 */
export const symphonyDriver = (protocol: 'ncip' | 'rest' = 'ncip'): DriverFactory => sirsiDynixDriver('symphony', protocol);
