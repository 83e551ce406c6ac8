import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { done, plusDays, type CirculationSystem } from '@bookstrap/core';
import { type AdapterRegistry, defaultAdapterRegistry } from '@bookstrap/integration-service';
import { runConformance } from './run.ts';

/**
 * Proves the suite has teeth: runs it with a deliberately broken Alma adapter and prints which
 * scenarios failed (as JSON on the last line). `tsx src/teeth.ts <sabotage>`.
 *  - skip-hold: says the hold was placed but never calls the ILS
 *  - wrong-due-date: checks out and updates due dates one day later than asked
 *  - ignore-ownership: acts without checking whose record it is (drops `owner` and the loans
 *    held for other requests), as an adapter that trusts the plan blindly would
 * Issue 13's tags, each against the adapter broken where that tag looks:
 *  - frozen-sync: the ILS sync's read answers each item's first reading forever: @ils-first-checkin,
 *    @ils-pickup-checkout, @hold-expired, @circulation-renewal
 *  - skip-check-in: says the item was checked in but never calls the ILS: @returned-while-on-loan
 *  - trust-every-patron: the patron lookup says every patron is active, unblocked, unexpired:
 *    @patron-verification, @automation
 *  - skip-charge: says the fee was charged but never calls the ILS: @lost-charges
 *  - skip-temporary-location: says the lent item moved but never calls the ILS: @temporary-location
 *  - ignore-shelving-location: creates the temporary item at the ILL location whatever the
 *    library's shelving location: @shelving-location
 * (wrong-due-date's run covers @strap-due-date and @lender-due-date. @due-soon-notice is ILL's
 * own notice, scheduled from the strap date by the core: no adapter can break it, so it has no
 * adapter sabotage; its scenarios assert the exact day.)
 */
const scopes = {
  'skip-hold': '@borrowing or @lending',
  'wrong-due-date': '@borrowing or @lending',
  'ignore-ownership': '@ownership',
  'frozen-sync': '@ils-first-checkin or @ils-pickup-checkout or @hold-expired or @circulation-renewal',
  'skip-check-in': '@returned-while-on-loan',
  'trust-every-patron': '@patron-verification or @automation',
  'skip-charge': '@lost-charges',
  'skip-temporary-location': '@temporary-location',
  'ignore-shelving-location': '@shelving-location',
} as const;
type Sabotage = keyof typeof scopes;
const sabotages = Object.keys(scopes) as Sabotage[];

export function sabotagedRegistry(sabotage: Sabotage): AdapterRegistry {
  const real = defaultAdapterRegistry['alma:rest'];
  if (!real) throw new Error('no alma:rest adapter to sabotage');
  const first = new Map<string, ReturnType<NonNullable<CirculationSystem['readItemCirculation']>>>();
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
        if (sabotage === 'frozen-sync') {
          // the first reading of each item, forever (across runs): the sync never sees the desk do anything
          broken.readItemCirculation = (input) => {
            const key = `${input.itemBarcode}|${input.patronId ?? ''}`;
            if (!first.has(key)) first.set(key, system.readItemCirculation!(input));
            return first.get(key)!;
          };
        }
        if (sabotage === 'skip-check-in') broken.checkIn = async () => done({});
        if (sabotage === 'trust-every-patron')
          broken.lookupPatron = async ({ patronId }) => done({ patronId, status: 'active' as const, blocks: [], name: 'Trusted Patron' });
        if (sabotage === 'skip-charge') broken.chargeFee = async () => done({ feeId: 'never-charged' });
        if (sabotage === 'skip-temporary-location') broken.moveToTemporaryLocation = async (input) => done({ temporaryLocation: input.location });
        if (sabotage === 'ignore-shelving-location') broken.createTemporaryItem = ({ shelvingLocation: _, ...input }) => system.createTemporaryItem(input);
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
    tags: scopes[sabotage],
  });
  const failed = result.results.filter((r) => r.status === 'failed').map((r) => r.scenario);
  console.log(JSON.stringify({ sabotage, passed: result.passed, failed }));
} finally {
  rmSync(reports, { recursive: true, force: true });
}
