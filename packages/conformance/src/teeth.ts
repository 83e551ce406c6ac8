import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { done, plusDays, type CirculationSystem } from '@bookstrap/core';
import { type AdapterRegistry, defaultAdapterRegistry } from '@bookstrap/integration-service';
import { runConformance } from './run.ts';

/**
 * Proves the suite has teeth: runs it with a deliberately broken Alma adapter and prints which
 * scenarios failed (as JSON on the last line). `tsx src/teeth.ts skip-hold | wrong-due-date`.
 *  - skip-hold: says the hold was placed but never calls the ILS
 *  - wrong-due-date: checks out and updates due dates one day later than asked
 *  - ignore-ownership: acts without checking whose record it is (drops `owner` and the loans
 *    held for other requests), as an adapter that trusts the plan blindly would
 */
type Sabotage = 'skip-hold' | 'wrong-due-date' | 'ignore-ownership';
const sabotages: readonly Sabotage[] = ['skip-hold', 'wrong-due-date', 'ignore-ownership'];

export function sabotagedRegistry(sabotage: Sabotage): AdapterRegistry {
  const real = defaultAdapterRegistry['alma:rest'];
  if (!real) throw new Error('no alma:rest adapter to sabotage');
  return {
    ...defaultAdapterRegistry,
    'alma:rest': {
      ...real,
      create(connection, context) {
        const system: CirculationSystem = real.create(connection, context);
        const broken = Object.create(system) as CirculationSystem;
        if (sabotage === 'skip-hold') broken.placeHold = async () => done({});
        if (sabotage === 'wrong-due-date') {
          broken.checkOut = (input) => system.checkOut(input.dueDate ? { ...input, dueDate: plusDays(input.dueDate, 1) } : input);
          broken.updateDueDate = (input) => system.updateDueDate({ ...input, dueDate: plusDays(input.dueDate, 1) });
        }
        if (sabotage === 'ignore-ownership') {
          broken.checkOut = ({ heldForOtherRequests: _, ...input }) => system.checkOut(input);
          broken.checkIn = ({ owner: _, ...input }) => system.checkIn(input);
          broken.updateDueDate = ({ owner: _, ...input }) => system.updateDueDate(input);
        }
        return broken;
      },
    },
  };
}

const sabotage = process.argv[2] as Sabotage;
if (!sabotages.includes(sabotage)) {
  console.error(`usage: tsx src/teeth.ts ${sabotages.join('|')}`);
  process.exit(2);
}
const reports = mkdtempSync(join(tmpdir(), 'bookstrap-teeth-'));
try {
  const result = await runConformance({
    ils: ['alma'],
    reports,
    ci: true,
    registry: sabotagedRegistry(sabotage),
    tags: sabotage === 'ignore-ownership' ? '@ownership' : '@borrowing or @lending',
  });
  const failed = result.results.filter((r) => r.status === 'failed').map((r) => r.scenario);
  console.log(JSON.stringify({ sabotage, passed: result.passed, failed }));
} finally {
  rmSync(reports, { recursive: true, force: true });
}
