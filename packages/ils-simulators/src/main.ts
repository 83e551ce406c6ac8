/**
 * Starts every registered simulator on its port (ALMA_PORT etc. override) and prints how to
 * reach it: credentials and a test patron for every ILS. Ctrl-C stops them.
 */
import { isStartupError, startSimulators } from './simulator.ts';
import { startLines } from './start-output.ts';

// HOST: the address to listen on (loopback unless set: the simulators' control plane has no authentication)
const host = process.env.HOST?.trim() || undefined;
const running = await startSimulators({ dbDir: process.env.SIM_DB_DIR, ...(host ? { host } : {}) }).catch((error: unknown) => {
  // a taken port, a bad port number or a database folder that cannot be made are the user's to
  // fix: one line naming the variable, no stack
  if (!isStartupError(error)) throw error;
  console.error(error.message);
  process.exit(1);
});

console.log(startLines(running.simulators).join('\n'));

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping simulators`);
  void running.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
