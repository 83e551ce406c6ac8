/** The NCIP responder every simulated ILS with an NCIP server mounts (see responder.ts). */
export { createNcipResponder, type NcipResponder, type NcipResponderConfig, type NcipResponderOptions } from './responder.ts';
export { demoPinCheck, dueDateCapOf } from './services.ts';
