export type { DriverFactory, DriverTarget, IlsDesk, IlsDriver, IlsFixture, IlsProbe } from '@bookstrap/ils-simulators/drivers/types';
export { driverFor, targets } from '@bookstrap/ils-simulators/drivers/registry';
export { type ScenarioResult, matrixText, totals } from './matrix.ts';
