import { type CirculationSystem, type Connection, connectionSchema, type StepOutcome, succeeded, temporaryItemRequestId } from '@bookstrap/core';
import { type AdapterContext, defaultAdapterRegistry } from '@bookstrap/integration-service';
import type { IllWorld } from './support/world.ts';

/**
 * Against live systems (a vendor's sandbox, a running service) the suite leaves nothing behind it
 * can take back, and names exactly what it cannot. After each scenario:
 *
 *  - each borrowing request's temporary item — only one the ILS shows as made for that request
 *    (its "ILL request <id>" note), never a library item whose barcode a scenario reused — is
 *    checked in if on loan and deleted, with the service's own adapter for this ILS (the same code
 *    the service deletes temporary items with, ownership checks included);
 *  - each library item the suite lent or checked out at the desk is checked in if the suite made
 *    the loan, and put back in its permanent location if the suite moved it;
 *  - then everything is read back through the vendor's API: a temporary item, loan or temporary
 *    location still there, and every open hold on those items (the service's ILS port has no
 *    "cancel hold"), is listed as left, with the ILS's own reason where it gave one;
 *  - libraries stay in the service (its API cannot delete one): each is listed, its API keys
 *    revoked so it cannot act.
 *
 * The After hook is in support/sandbox.ts; run.ts prints the totals per target and writes
 * `<reports>/<target>/sandbox.json`.
 */
export interface SandboxReport {
  cleaned: string[];
  left: string[];
}

let report: SandboxReport = { cleaned: [], left: [] };

/** What the clean-up did since the last call (run.ts reads it after each target's run). */
export function takeSandboxReport(): SandboxReport {
  const taken = report;
  report = { cleaned: [], left: [] };
  return taken;
}

/** An ILS record a request owns, as GET /v1/requests/{id} shows it (`ilsRecords`). */
interface OwnedHold {
  kind: string;
  stepKey: string;
  barcode?: string;
  ilsBarcode?: string;
  patronId?: string;
  ilsId?: string;
  released: boolean;
}

const openHold = (status: string) => status === 'pending' || status === 'ready' || status === 'in-transit';
const why = (outcome: StepOutcome<unknown>) => ('reason' in outcome ? outcome.reason : outcome.kind);

function adapterOf(world: IllWorld): CirculationSystem | undefined {
  const parsed = connectionSchema.safeParse(world.driver.libraryConfig(world.library?.role ?? 'borrowing').connection);
  if (!parsed.success) return undefined;
  const connection: Connection = parsed.data;
  const definition = defaultAdapterRegistry[`${connection.ils}:${connection.protocol}`];
  const context: AdapterContext = {
    fetch: (input, init) => fetch(input, init),
    timeoutMs: 30_000,
    clock: { now: () => new Date() },
    record: () => {},
    throttle: async () => {},
    backOff: () => {},
  };
  return definition?.create(connection, context);
}

async function attempt(left: string[], what: string, action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    left.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function cleanUp(world: IllWorld): Promise<SandboxReport> {
  const { probe, desk } = world.driver;
  const cleaned: string[] = [];
  const left: string[] = [];
  const failures: string[] = [];
  const system = adapterOf(world);
  const watched = new Set<string>(world.made.items.keys());

  // First the holds the run's own requests placed (before their items go): cancelled through the adapter, which first reads the
  // hold back through the ILS (same id, item and patron) and so never cancels anyone else's.
  if (system) {
    for (const request of world.made.requests) {
      const current = await world.staff.call('GET', `/v1/requests/${request.id}`);
      const records = (current.status === 200 ? (current.body?.ilsRecords ?? []) : []) as OwnedHold[];
      const temporary = records.find((r) => r.kind === 'temporary-item');
      for (const hold of records.filter((r) => (r.kind === 'hold' || r.kind === 'lending-hold') && !r.released && r.barcode && r.patronId)) {
        // a hold on the temporary item sits on the barcode the ILS gave it
        const barcode = hold.barcode === temporary?.barcode ? (temporary?.ilsBarcode ?? hold.barcode!) : hold.barcode!;
        watched.add(barcode);
        const open = (await probe.holds(barcode)).filter((h) => openHold(h.status) && h.patronId === hold.patronId);
        if (open.length === 0) continue;
        const outcome = await system.cancelHold({
          requestId: request.id,
          patronId: hold.patronId!,
          itemBarcode: barcode,
          holdId: hold.ilsId,
          placedBy: hold.stepKey,
          reason: 'request-cancelled',
        });
        const still = (await probe.holds(barcode)).filter((h) => openHold(h.status) && h.patronId === hold.patronId);
        if (still.length < open.length) cleaned.push(`cancelled hold on ${barcode} for ${hold.patronId} (request ${request.id})`);
        else if (!succeeded(outcome)) failures.push(`cancelling the hold on ${barcode} for ${hold.patronId} (request ${request.id}) failed: ${why(outcome)}`);
      }
    }
  }

  for (const request of world.made.requests.filter((r) => r.role === 'borrowing')) {
    const current = await world.staff.call('GET', `/v1/requests/${request.id}`);
    // the barcode the ILS has the item under (not always the one sent)
    const barcode: string | undefined = current.body?.temporaryBarcodeInIls ?? current.body?.temporaryBarcode ?? undefined;
    if (!barcode || world.made.items.has(barcode)) continue;
    const item = await probe.item(barcode);
    if (!item) continue; // never made, or the service already deleted it
    watched.add(barcode);
    if (temporaryItemRequestId([item.notes]) !== request.id) continue; // not made for this request: never ours to delete
    if (await probe.loan(barcode)) await attempt(failures, `checking in temporary item ${barcode}`, () => desk.checkIn(barcode, 'pickup'));
    if (!system) continue;
    const outcome = await system.deleteTemporaryItem({ requestId: request.id, itemBarcode: barcode });
    if ((await probe.item(barcode)) === null) cleaned.push(`deleted temporary item ${barcode} (request ${request.id})`);
    else left.push(`temporary item ${barcode} (request ${request.id}) is still in the ILS: ${succeeded(outcome) ? 'the ILS kept it' : why(outcome)}`);
  }

  for (const [barcode, before] of world.made.items) {
    const loan = await probe.loan(barcode);
    if (loan && !before.wasOnLoan) {
      await attempt(failures, `checking in ${barcode}`, () => desk.checkIn(barcode, 'home'));
      const still = await probe.loan(barcode);
      if (still) left.push(`loan of library item ${barcode} to ${still.patronId}, due ${still.dueDate}`);
      else cleaned.push(`checked in library item ${barcode} (was on loan to ${loan.patronId})`);
    }
    let location: string | undefined;
    try {
      location = (await probe.location(barcode)).temporaryLocation;
    } catch {
      continue;
    }
    if (location && location !== before.temporaryLocationBefore) {
      const outcome = system ? await system.restorePermanentLocation({ requestId: world.made.requests.at(-1)?.id ?? '', itemBarcode: barcode }) : undefined;
      const now = (await probe.location(barcode)).temporaryLocation;
      if (now && now !== before.temporaryLocationBefore)
        left.push(`library item ${barcode} is still in temporary location ${now}${outcome && !succeeded(outcome) ? `: ${why(outcome)}` : ''}`);
      else cleaned.push(`moved library item ${barcode} back from temporary location ${location}`);
    }
  }

  for (const barcode of watched) {
    for (const hold of (await probe.holds(barcode)).filter((h) => openHold(h.status)))
      left.push(
        `hold (${hold.status}) on ${barcode} for ${hold.patronId} at ${hold.pickupLocation} — not one the run's requests placed, or the ILS would not cancel it; cancel it in the ILS`,
      );
  }

  for (const symbol of world.made.libraries) {
    let revoked = 0;
    await attempt(failures, `revoking the keys of ${symbol}`, async () => {
      const { keys } = await world.admin.ok('GET', `/v1/libraries/${symbol}/keys`);
      for (const key of (keys ?? []) as { id: number; active: boolean }[]) {
        if (!key.active) continue;
        await world.admin.ok('POST', `/v1/libraries/${symbol}/keys/${key.id}/revoke`);
        revoked += 1;
      }
    });
    left.push(
      `library ${symbol} in the service (its API cannot delete a library)${revoked ? `; its ${revoked === 1 ? 'key is' : `${revoked} keys are`} revoked` : ''}`,
    );
  }
  return { cleaned, left: [...left, ...failures] };
}

/** Adds one scenario's clean-up to the target's report. */
export function addToSandboxReport(done: SandboxReport): void {
  report.cleaned.push(...done.cleaned);
  report.left.push(...done.left);
}
