import { After } from '@cucumber/cucumber';
import { addToSandboxReport, cleanUp } from '../sandbox-cleanup.ts';
import type { IllWorld } from './world.ts';

/** Against live systems, each scenario cleans up after itself (see src/sandbox-cleanup.ts). */
After(async function (this: IllWorld) {
  if (!this.parameters.sandbox) return;
  addToSandboxReport(await cleanUp(this));
});
