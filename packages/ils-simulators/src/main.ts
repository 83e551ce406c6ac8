/**
 * Starts every registered simulator on its port (ALMA_PORT etc. override) and prints how to
 * reach it. Ctrl-C stops them.
 */
import { PortInUseError, startSimulators } from './simulator.ts';
import { vendorDefinition } from './vendors/registry.ts';

const running = await startSimulators({ dbDir: process.env.SIM_DB_DIR }).catch((error: unknown) => {
  // a taken port is the user's to fix: one line naming the variable, no stack
  if (!(error instanceof PortInUseError)) throw error;
  console.error(error.message);
  process.exit(1);
});

for (const entry of running.simulators) {
  const vendor = vendorDefinition(entry.vendor);
  console.log(`${vendor.displayName} simulator on ${entry.url}`);
  for (const line of vendor.credentialsHelp(entry.url)) console.log(`  ${line}`);
  console.log(`  control plane: ${entry.url}/_sim/health  (reset, faults, state, clock)`);
}

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping simulators`);
  void running.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
