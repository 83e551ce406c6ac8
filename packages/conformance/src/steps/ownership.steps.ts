import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { LoanView, TemporaryItemView } from '@bookstrap/ils-simulators/drivers/types';
import { plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';

/**
 * Never touch what isn't yours (SPEC §5): a record the request does not own — a local patron's
 * loan made at the desk, another request's loan — is read through the vendor's API before and
 * after, and must be exactly as it was. Kept apart from the world so these steps add no fields.
 */
interface TheirRecord {
  barcode: string;
  loan: LoanView | null;
  item: TemporaryItemView | null;
}
const theirs = new WeakMap<IllWorld, TheirRecord>();
const firstRequest = new WeakMap<IllWorld, string>();

function their(world: IllWorld): TheirRecord {
  const record = theirs.get(world);
  if (!record) throw new Error('no local loan recorded in this scenario');
  return record;
}

async function remember(world: IllWorld, barcode: string) {
  theirs.set(world, { barcode, loan: await world.driver.probe.loan(barcode), item: await world.driver.probe.item(barcode) });
}

Given('an item of the ILS is on loan to a local patron at the desk', async function (this: IllWorld) {
  const barcode = await this.availableItem();
  await this.driver.desk.checkOut(barcode, this.driver.fixture.patrons.good);
  await remember(this, barcode);
  assert.equal(their(this).loan?.patronId, this.driver.fixture.patrons.good, `the desk check-out of ${barcode} did not show as a loan`);
});

When('ILL staff mark the request received with the barcode of that item', async function (this: IllWorld) {
  await this.act('receive', { temporaryBarcode: their(this).barcode });
  this.temporaryBarcode = this.request.temporaryBarcode;
});

Given('a lending request from the partner library for that item', async function (this: IllWorld) {
  this.itemBarcode = their(this).barcode;
  await this.createRequest({
    role: 'lending',
    serviceType: 'loan',
    borrowingLibrary: this.driver.fixture.partnerSymbol,
    title: 'Requested title',
    itemBarcode: this.itemBarcode,
  });
});

When('circulation staff lend the item to a local patron', async function (this: IllWorld) {
  await this.driver.desk.checkOut(this.itemBarcode!, this.driver.fixture.patrons.good);
  await remember(this, this.itemBarcode!);
});

When('the borrowing library asks for a renewal and it is approved until {int} days from today', async function (this: IllWorld, days: number) {
  await this.act('renewal-requested');
  await this.act('approve-renewal', { newDueDate: plusDays(today(), days) });
});

When('a second lending request from the partner library for the same item is shipped due in {int} days', async function (this: IllWorld, days: number) {
  firstRequest.set(this, this.requestId);
  const itemBarcode = this.itemBarcode!;
  await remember(this, itemBarcode);
  await this.createRequest({
    role: 'lending',
    serviceType: 'loan',
    borrowingLibrary: this.driver.fixture.partnerSymbol,
    title: 'Requested title',
    itemBarcode,
  });
  await this.act('ship', { itemBarcode, dueDate: plusDays(today(), days) });
});

Then("the local patron's loan is unchanged", async function (this: IllWorld) {
  const record = their(this);
  assert.deepEqual(await this.driver.probe.loan(record.barcode), record.loan, `history:\n${this.history().join('\n')}`);
});

Then("the first request's loan is unchanged", async function (this: IllWorld) {
  const record = their(this);
  assert.deepEqual(await this.driver.probe.loan(record.barcode), record.loan, `history:\n${this.history().join('\n')}`);
});

Then('that item is unchanged in the ILS', async function (this: IllWorld) {
  const record = their(this);
  assert.deepEqual(await this.driver.probe.item(record.barcode), record.item);
  assert.equal(await this.driver.probe.countItems(record.barcode), 1);
});

Then('the ILS has no hold on that item', async function (this: IllWorld) {
  const holds = (await this.driver.probe.holds(their(this).barcode)).filter((h) => h.status !== 'cancelled' && h.status !== 'fulfilled');
  assert.deepEqual(holds, []);
});

interface StepView {
  name: string;
  state: string;
  lastOutcome?: { reason?: string };
}

const stepNamed = (world: IllWorld, name: string): StepView[] => {
  const steps: StepView[] = world.request.steps ?? [];
  const found = steps.filter((s) => s.name === name);
  assert.ok(found.length > 0, `no ${name} step; steps: ${JSON.stringify(steps.map((s) => [s.name, s.state]))}`);
  return found;
};

Then(/^the request's "([a-z-]+)" steps? (?:was|were) skipped$/, async function (this: IllWorld, name: string) {
  await this.refresh();
  for (const step of stepNamed(this, name)) {
    assert.equal(step.state, 'skipped', `${name}: ${JSON.stringify(step)}`);
  }
});

Then(/^the request's "([a-z-]+)" step needs staff, saying "([^"]+)"$/, async function (this: IllWorld, name: string, words: string) {
  await this.refresh();
  const [step] = stepNamed(this, name) as [StepView];
  assert.equal(step.state, 'needs-staff', JSON.stringify(step));
  // "a|b": the ILS's own words differ (NCIP responders say "Item Already Checked Out", REST names the other patron)
  const reason = String(step.lastOutcome?.reason ?? '').toLowerCase();
  assert.ok(
    words.split('|').some((w) => reason.includes(w.toLowerCase())),
    `none of "${words}" in: ${step.lastOutcome?.reason}`,
  );
});

Then('the first request still has its loan', async function (this: IllWorld) {
  const first = firstRequest.get(this);
  assert.ok(first);
  const request = await this.staff.ok('GET', `/v1/requests/${first}`);
  const checkOut = (request.steps as StepView[]).find((s) => s.name === 'check-out-to-borrowing-library');
  assert.equal(checkOut?.state, 'succeeded');
});
