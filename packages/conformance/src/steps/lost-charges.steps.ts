import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';

/**
 * Overdue and lost charges (issue 13 §3). "Another request" is kept apart from the world so these
 * steps add no fields: its fees, read through the vendor API, must survive this request's return.
 */
const otherRequest = new WeakMap<IllWorld, { id: string; fees: { amount: number; comment: string }[] }>();

Given(
  'the library charges a replacement cost of {float} and a processing fee of {float} for lost items',
  async function (this: IllWorld, replacementCost: number, processingFee: number) {
    const config = this.driver.libraryConfig(this.library.role).settings as { borrowing?: { lostItemCharges?: Record<string, unknown> } } | undefined;
    // the driver's own fee types, where its ILS needs particular ones (Alma's fine/fee type codes)
    await this.patchSettings({ borrowing: { lostItemCharges: { ...config?.borrowing?.lostItemCharges, replacementCost, processingFee } } });
  },
);

async function loseIt(world: IllWorld, replacementCost?: number) {
  await world.act('overdue');
  await world.act('mark-lost', replacementCost === undefined ? {} : { replacementCost });
}

When('the request goes overdue and ILL staff mark it lost', async function (this: IllWorld) {
  await loseIt(this);
});

When('the request goes overdue and ILL staff mark it lost with a replacement cost of {float}', async function (this: IllWorld, cost: number) {
  await loseIt(this, cost);
});

When('the lost item comes back to the ILL office', async function (this: IllWorld) {
  await this.act('lost-item-returned');
});

Given('another loan request for the good patron was lost and charged', async function (this: IllWorld) {
  const mine = { request: this.request, temporaryBarcode: this.temporaryBarcode };
  await this.createRequest({
    role: 'borrowing',
    serviceType: 'loan',
    title: 'Another lost book',
    patronId: this.driver.fixture.patrons.good,
    pickupLocation: this.driver.fixture.pickupLocation,
    lenders: ['LENDR1'],
  });
  await this.act('send');
  await this.act('supplier-shipped', { supplierItemBarcode: this.expand('SUP-{id}'), lenderDueDate: plusDays(today(), 40) });
  await this.act('receive');
  await this.driver.desk.checkIn(this.request.temporaryBarcode, 'pickup');
  await this.driver.desk.checkOut(this.request.temporaryBarcode, this.driver.fixture.patrons.good);
  await loseIt(this);
  const id = this.requestId;
  const fees = (await this.driver.probe.fees(this.driver.fixture.patrons.good)).filter((f) => f.comment.includes(id));
  assert.equal(fees.length, 2, `the other request was not charged twice: ${JSON.stringify(fees)}`);
  otherRequest.set(this, { id, fees: fees.map(({ amount, comment }) => ({ amount, comment })) });
  this.request = mine.request;
  this.temporaryBarcode = mine.temporaryBarcode;
  await this.refresh();
});

Then("the other request's charges are still on the good patron's account", async function (this: IllWorld) {
  const other = otherRequest.get(this);
  if (!other) throw new Error('no other request in this scenario');
  const now = (await this.driver.probe.fees(this.driver.fixture.patrons.good)).filter((f) => f.comment.includes(other.id));
  assert.deepEqual(
    now.map(({ amount, comment }) => ({ amount, comment })),
    other.fees,
    "the other request's charges changed",
  );
});
