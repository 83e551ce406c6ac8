/**
 * @bookstrap/ils-simulators: faithful simulators of vendor ILS APIs on one SQLite circulation
 * engine, with a control plane for tests (reset, faults, clock).
 */
import { almaDemo } from './vendors/alma/demo.ts';
import { millenniumDemo } from './vendors/millennium/demo.ts';
import { sierraDemo } from './vendors/sierra/demo.ts';
import { wmsDemo } from './vendors/wms/demo.ts';
import { horizonDemo } from './vendors/horizon/demo.ts';
import { symphonyDemo } from './vendors/symphony/demo.ts';

export { type AdjustableClock, adjustableClock, type Clock, fixedClock, systemClock } from './clock.ts';
export { type FaultSettings, type FaultSettingsInput, FaultController } from './control/faults.ts';
export * as engine from './engine/index.ts';
export type {
  Bib,
  CheckInOutcome,
  CheckInResult,
  Engine,
  EngineErrorCode,
  Fee,
  Hold,
  HoldStatus,
  Holding,
  Item,
  ItemRecord,
  ItemStatus,
  Library,
  Loan,
  Location,
  Patron,
  PatronStatus,
} from './engine/index.ts';
export { EngineError, isEngineError } from './engine/index.ts';
export {
  buildDemoDataset,
  type DemoDataset,
  type DemoInstitutionalPatron,
  type DemoItem,
  type DemoPatron,
  type DemoProfile,
  demoExpiryDate,
  seedEngine,
} from './seed.ts';
export {
  createSimulator,
  DatabaseDirError,
  InvalidPortError,
  isStartupError,
  PortInUseError,
  PortNotPermittedError,
  type RunningSimulator,
  type RunningSimulators,
  type Simulator,
  type SimulatorOptions,
  type StartSimulatorsOptions,
  startSimulators,
} from './simulator.ts';
export { describePatron, startLines, type TestPatron, testPatrons } from './start-output.ts';
export { registeredVendors, vendorDefinition, vendorRegistry } from './vendors/registry.ts';
export {
  defaultPorts,
  type GovernanceLimits,
  type InjectedFault,
  type VendorApp,
  type VendorDefinition,
  type VendorId,
  type VendorRuntime,
  vendorIds,
} from './vendors/types.ts';
export type { AlmaDemo, AlmaDemoItem, AlmaDemoPatron } from './vendors/alma/demo.ts';
export { fromAlmaId, toAlmaId } from './vendors/alma/ids.ts';
export type { MillenniumDemo, MillenniumDemoItem, MillenniumDemoPatron } from './vendors/millennium/demo.ts';
export { parsePatronApi } from './vendors/millennium/patron-api.ts';
export type { SierraDemo, SierraDemoItem, SierraDemoPatron } from './vendors/sierra/demo.ts';
export type { WmsDemo, WmsDemoItem, WmsDemoPatron } from './vendors/wms/demo.ts';
export type { SirsiDynixDemo, SirsiDynixDemoItem, SirsiDynixDemoPatron } from './vendors/sirsidynix-ws/demo.ts';
export type { SymphonyDemo } from './vendors/symphony/demo.ts';
export type { HorizonDemo } from './vendors/horizon/demo.ts';

/** What each simulator's seed contains, in that vendor's terms: credentials, codes, ids. */
export const demo = {
  alma: almaDemo,
  sierra: sierraDemo,
  millennium: millenniumDemo,
  wms: wmsDemo,
  symphony: symphonyDemo,
  horizon: horizonDemo,
};
