import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import type { IllWorld } from '../support/world.ts';

/** Strap recovery from the patron's loans and the connection check (issue 12 §4–5). */

type Found = { barcode: string; requestId?: string; source: string; dueDate?: string };
type Report = { ok: boolean; checks: { name: string; status: string; ok: boolean; detail: string }[] };

When('circulation staff check a library item out to the good patron', async function (this: IllWorld) {
  this.itemBarcode = await this.availableItem();
  await this.driver.desk.checkOut(this.itemBarcode, this.driver.fixture.patrons.good);
});

Then("staff find the temporary item among the good patron's current loans, as the ILS lists them", async function (this: IllWorld) {
  const found = await this.staff.ok('GET', `/v1/temporary-items?patronId=${encodeURIComponent(this.driver.fixture.patrons.good)}`);
  assert.equal(found.source, 'ils', `the ILS was not asked: ${found.reason ?? JSON.stringify(found)}`);
  const mine = (found.items as Found[]).filter((item) => item.barcode === this.temporaryBarcode);
  assert.equal(mine.length, 1, JSON.stringify(found));
  assert.equal(mine[0]?.requestId, this.requestId);
  assert.equal(mine[0]?.source, 'ils');
  (this as IllWorld & { recovered?: Found[] }).recovered = found.items;
});

Then('the library item is not among them', async function (this: IllWorld) {
  const recovered = (this as IllWorld & { recovered?: Found[] }).recovered ?? [];
  assert.ok(!recovered.some((item) => item.barcode === this.itemBarcode), JSON.stringify(recovered));
  // and the desk's loan is still the patron's, untouched
  assert.equal((await this.driver.probe.loan(this.itemBarcode!))?.patronId, this.driver.fixture.patrons.good);
});

When("the administrator checks the library's connection", async function (this: IllWorld) {
  (this as IllWorld & { report?: Report }).report = await this.admin.ok('POST', `/v1/libraries/${this.library.symbol}/check`);
});

Then('no check has failed, and every skipped check says why', function (this: IllWorld) {
  const report = (this as IllWorld & { report?: Report }).report;
  assert.ok(report, 'no report');
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.deepEqual(
    report.checks.map((check) => check.name),
    ['authenticate', 'test-patron', 'test-item', 'pickup-locations', 'ill-location'],
  );
  assert.equal(report.checks[0]?.status, 'passed');
  for (const check of report.checks) assert.ok(check.detail.length > 10, `check ${check.name} says nothing: ${JSON.stringify(check)}`);
});
