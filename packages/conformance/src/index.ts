export type { DriverFactory, DriverTarget, IlsDesk, IlsDriver, IlsFixture, IlsProbe } from './ils/types.ts';
export { driverFor, targets } from './ils/registry.ts';
export { type ScenarioResult, matrixText, totals } from './matrix.ts';
