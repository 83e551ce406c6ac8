import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { IllWorld } from '../support/world.ts';

/** Staff repairs (SPEC §5): corrections, steps settled by hand, and the needs-attention queue. */

function stepNamed(world: IllWorld, name: string): { key: string; state: string } {
  const found = (world.request.steps ?? []).find((s: { name: string; state: string }) => s.name === name && s.state !== 'skipped');
  assert.ok(found, `no ${name} step to act on: ${JSON.stringify(world.request.steps)}`);
  return found;
}

async function correct(world: IllWorld, body: Record<string, unknown>) {
  world.request = await world.staff.ok('PATCH', `/v1/requests/${world.requestId}`, { ...body, note: 'conformance: staff correction', staff: 'CF' });
  await world.settle();
}

async function settleStep(world: IllWorld, name: string, verb: 'resolve' | 'skip') {
  await world.refresh();
  const step = stepNamed(world, name);
  world.request = await world.staff.ok('POST', `/v1/requests/${world.requestId}/steps/${encodeURIComponent(step.key)}/${verb}`, {
    note: `conformance: ${verb}d by hand`,
  });
  await world.settle();
}

When('ILL staff apply the suggested barcode', async function (this: IllWorld) {
  await this.refresh();
  const previous = this.request.temporaryBarcode;
  await correct(this, { useSuggestedBarcode: true });
  assert.notEqual(this.request.temporaryBarcode, previous);
  this.temporaryBarcode = this.request.temporaryBarcode;
});

When('ILL staff correct the patron ID to the good patron', async function (this: IllWorld) {
  await correct(this, { patronId: this.driver.fixture.patrons.good });
});

When('ILL staff resolve the patron check by hand', async function (this: IllWorld) {
  await settleStep(this, 'lookup-patron', 'resolve');
});

When('ILL staff skip the temporary item step', async function (this: IllWorld) {
  await settleStep(this, 'create-temporary-item', 'skip');
});

When('ILL staff cancel the request', async function (this: IllWorld) {
  await this.act('cancel');
});

Then('the ILS has a temporary item under the corrected barcode, made for this request', async function (this: IllWorld) {
  const barcode = this.temporaryBarcode!;
  assert.notEqual(barcode, this.itemBarcode);
  const item = await this.driver.probe.item(barcode);
  assert.ok(item, `no ILS item ${barcode}`);
  assert.ok(item.notes.includes(this.requestId), `notes "${item.notes}" lack the request ID`);
  assert.equal(await this.driver.probe.countItems(barcode), 1);
});

Then('the ILS has no hold on the existing ILS item', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.itemBarcode!);
  const ours = holds.filter((h) => h.patronId === this.driver.fixture.patrons.good && h.status !== 'cancelled');
  assert.deepEqual(ours, [], `holds on ${this.itemBarcode}: ${JSON.stringify(holds)}`);
});

Then('the request is in the needs-attention queue', async function (this: IllWorld) {
  const { requests } = await this.staff.ok('GET', '/v1/requests?needsAttention=true');
  const mine = requests.find((r: { id: string }) => r.id === this.requestId);
  assert.ok(mine, `request ${this.requestId} is not in the queue`);
  assert.ok(mine.attention?.nextAction, `no next action: ${JSON.stringify(mine.attention)}`);
  const counts = await this.staff.ok('GET', '/v1/requests/attention-counts');
  assert.equal(counts.total, requests.length, JSON.stringify(counts));
});

Then('the needs-attention queue is empty', async function (this: IllWorld) {
  const { requests, total } = await this.staff.ok('GET', '/v1/requests?needsAttention=true');
  assert.equal(total, 0, JSON.stringify(requests.map((r: { id: string; attention?: unknown }) => [r.id, r.attention])));
  assert.deepEqual(await this.staff.ok('GET', '/v1/requests/attention-counts'), { total: 0, byReason: {} });
});

When('ILL staff correct the patron ID to another patron', async function (this: IllWorld) {
  // What the ILS shows for everyone else before the correction: it must not move.
  this.bystanderHolds = await bystanderHolds(this);
  await correct(this, { patronId: this.driver.fixture.patrons.other });
});

/** Every active hold of a patron who is neither the old nor the corrected patron, on the request's item and on a lendable item. */
async function bystanderHolds(world: IllWorld): Promise<string> {
  const { good, other } = world.driver.fixture.patrons;
  const barcodes = [world.temporaryBarcode ?? world.requestId, ...world.driver.fixture.lendableItems.slice(0, 3)];
  const seen: unknown[] = [];
  for (const barcode of barcodes) {
    const holds = await world.driver.probe.holds(barcode);
    seen.push([barcode, holds.filter((h) => h.patronId !== good && h.patronId !== other)]);
  }
  return JSON.stringify(seen);
}

Then('the ILS has no active hold on the temporary item for the good patron', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode ?? this.requestId);
  const good = this.driver.fixture.patrons.good;
  const active = holds.filter((h) => h.patronId === good && h.status !== 'cancelled' && h.status !== 'fulfilled');
  assert.deepEqual(active, [], `holds: ${JSON.stringify(holds)}`);
});

Then('the ILS has a hold on the temporary item for the other patron at the pickup location', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode ?? this.requestId);
  const other = this.driver.fixture.patrons.other;
  assert.ok(
    holds.some((h) => h.patronId === other && h.pickupLocation === this.driver.fixture.pickupLocation && h.status !== 'cancelled'),
    `holds: ${JSON.stringify(holds)}`,
  );
});

Then("the other patrons' holds are unchanged", async function (this: IllWorld) {
  assert.equal(await bystanderHolds(this), this.bystanderHolds);
});

Given('the library also offers another pickup location', async function (this: IllWorld) {
  const config = this.driver.libraryConfig(this.library.role) as { pickupLocations: Record<string, unknown>[] };
  const pickupLocations = [
    ...config.pickupLocations,
    { code: 'CF-OTHER', name: 'Another branch', ilsLocationCode: this.driver.fixture.otherPickupLocation, active: true },
  ];
  await this.admin.ok('PATCH', `/v1/libraries/${this.library.symbol}`, { pickupLocations });
});

When('ILL staff correct the pickup location to the other one', async function (this: IllWorld) {
  this.bystanderHolds = await bystanderHolds(this);
  await correct(this, { pickupLocation: 'CF-OTHER' });
  assert.equal(this.request.pickupLocation, this.driver.fixture.otherPickupLocation);
});

Then('the ILS has a hold on the temporary item for the good patron at the other pickup location', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode ?? this.requestId);
  const active = holds.filter((h) => h.status !== 'cancelled' && h.status !== 'fulfilled');
  assert.deepEqual(
    active.map((h) => [h.patronId, h.pickupLocation]),
    [[this.driver.fixture.patrons.good, this.driver.fixture.otherPickupLocation]],
    `holds: ${JSON.stringify(holds)}`,
  );
});
