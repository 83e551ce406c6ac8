import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { WmsDriver } from '@bookstrap/ils-simulators/drivers/wms';
import { openDayOnOrBefore, plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';

/** Steps of features/wms/: what WMS staff see and do, through the WMS driver's own desk. */
function wmsOf(world: IllWorld): WmsDriver['wms'] {
  const driver = world.driver as Partial<WmsDriver>;
  if (!driver.wms) throw new Error(`target ${world.driver.ils} has no WMS desk (these scenarios are @wms only)`);
  return driver.wms;
}

const barcodeOf = (world: IllWorld) => {
  assert.ok(world.temporaryBarcode, 'no temporary item yet in this scenario');
  return world.temporaryBarcode;
};

/** WMS's loan policy for the good patron's category (the demo library's local rule says the same). */
const WMS_POLICY_DAYS = 28;

Given("the library's own loan rule for ILL items is {int} days", async function (this: IllWorld, days: number) {
  await this.patchSettings({ borrowing: { localLoanDays: days } });
});

Then('the hold on the temporary item is Pending in WMS', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(barcodeOf(this));
  assert.deepEqual(
    holds.map((h) => h.status),
    ['pending'],
    JSON.stringify(holds),
  );
});

Then(/^WMS has sent the patron (a|no) pickup notice for the temporary item$/, async function (this: IllWorld, which: string) {
  const notices = (await wmsOf(this).pickupNotices(this.driver.fixture.patrons.good)).filter((n) => n.barcode === barcodeOf(this));
  if (which === 'no') assert.deepEqual(notices, []);
  else assert.deepEqual(notices, [{ barcode: barcodeOf(this), branchId: this.driver.fixture.pickupLocation }]);
});

Then("WMS set the due date by its loan policy, not by the lender's date", async function (this: IllWorld) {
  const request = await this.refresh();
  const checkOut = wmsOf(this).lastCheckOut();
  assert.ok(checkOut, 'no desk check-out in this scenario');
  assert.equal(checkOut.source, 'LOAN_POLICY');
  assert.equal(checkOut.dueDate, openDayOnOrBefore(plusDays(today(), WMS_POLICY_DAYS), this.driver.fixture.calendar));
  assert.ok(checkOut.dueDate < request.patronDueDate, `WMS date ${checkOut.dueDate} is not before the strap date ${request.patronDueDate}`);
});

Then("WMS set the due date by the lender's date", async function (this: IllWorld) {
  const checkOut = wmsOf(this).lastCheckOut();
  assert.equal(checkOut?.source, 'ILL_DUE_DATE');
});

Then("WMS shows the date on the book strap as the temporary item's lender due date", async function (this: IllWorld) {
  const request = await this.refresh();
  const item = await wmsOf(this).itemDetails(barcodeOf(this));
  assert.equal(item?.illDueDate, request.patronDueDate);
});

When('circulation staff change the due date to the date on the book strap', async function (this: IllWorld) {
  const request = await this.refresh();
  await wmsOf(this).changeDueDate(barcodeOf(this), this.driver.fixture.patrons.good, request.patronDueDate);
});

Then('WMS shows the temporary item as Unavailable with the request ID', async function (this: IllWorld) {
  const item = await wmsOf(this).itemDetails(barcodeOf(this));
  assert.deepEqual({ status: item?.status, requestId: item?.requestId }, { status: 'UNAVAILABLE', requestId: this.requestId });
});

Then('WMS shows the temporary item in transit', async function (this: IllWorld) {
  assert.equal((await wmsOf(this).itemDetails(barcodeOf(this)))?.status, 'IN_TRANSIT');
});

When('circulation staff check the temporary item in at its home branch', async function (this: IllWorld) {
  await this.driver.desk.checkIn(barcodeOf(this), 'home');
});

Then('staff find the temporary item by its title among WMS temporary items', async function (this: IllWorld) {
  const found = await wmsOf(this).findTemporaryItems(this.request.title);
  assert.ok(
    found.some((f) => f.barcode === barcodeOf(this) && f.requestId === this.requestId),
    `no ${barcodeOf(this)} among ${JSON.stringify(found)}`,
  );
});

Then("staff find the temporary item by its title through the service, from the service's own records", async function (this: IllWorld) {
  // OCLC documents no API that searches temporary items (Discover Items is a WorldShare screen),
  // so the service does not ask WMS and says so; its own record still finds the item.
  const found = await this.staff.ok('GET', `/v1/temporary-items?title=${encodeURIComponent(this.request.title)}`);
  assert.equal(found.ilsSearched, false, 'the service claims to have searched WMS');
  assert.match(String(found.reason), /cannot search temporary items by title/);
  assert.ok(
    found.items.some(
      (f: { barcode: string; requestId?: string; source: string }) => f.barcode === barcodeOf(this) && f.requestId === this.requestId && f.source === 'service',
    ),
    JSON.stringify(found),
  );
});

Then("staff find the temporary item among the good patron's checkouts", async function (this: IllWorld) {
  const checkouts = await wmsOf(this).checkouts(this.driver.fixture.patrons.good);
  assert.ok(
    checkouts.some((c) => c.barcode === barcodeOf(this) && c.temporaryItem),
    JSON.stringify(checkouts),
  );
});

Then('WMS shows the lent item with the request ID and the partner library', async function (this: IllWorld) {
  const item = await wmsOf(this).itemDetails(this.itemBarcode!);
  assert.deepEqual(
    { requestId: item?.requestId, institution: item?.institution },
    { requestId: this.requestId, institution: this.driver.fixture.partnerSymbol },
  );
});

Then('WMS no longer shows a request ID on the lent item', async function (this: IllWorld) {
  const item = await wmsOf(this).itemDetails(this.itemBarcode!);
  assert.equal(item?.requestId, undefined);
});
