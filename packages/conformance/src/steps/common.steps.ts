import assert from 'node:assert/strict';
import { After, Given, Then, When } from '@cucumber/cucumber';
import { harness } from '../support/harness.ts';
import type { IllWorld } from '../support/world.ts';

Given('a borrowing library on the ILS with the default integration settings', async function (this: IllWorld) {
  await this.createLibrary('borrowing');
});

Given('a lending library on the ILS with the default integration settings', async function (this: IllWorld) {
  await this.createLibrary('lending');
});

Given('the library charges an ILL fee of {float} when the lender ships', async function (this: IllWorld, amount: number) {
  await this.patchSettings({ borrowing: { chargePatronOnShipped: true, illFee: { amount } } });
});

Given("the library takes temporary barcodes from the supplier's item barcode", async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { temporaryBarcodeSource: 'supplier-barcode' } });
});

Given('the library does not create items on received', async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { createItemOnReceived: false } });
});

Given('the library keeps temporary items after return', async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { deleteTemporaryItemOnReturn: false } });
});

Given('patron verification is off', async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { verifyPatronOnRequest: false } });
});

Given('the library moves lent items to the ILL temporary location', async function (this: IllWorld) {
  await this.patchSettings({ lending: { illTemporaryLocation: illTemporaryLocation(this) } });
});

Given('the library does not check out on shipped', async function (this: IllWorld) {
  await this.patchSettings({ lending: { checkOutOnShipped: false } });
});

Given('the library places holds on requested items', async function (this: IllWorld) {
  await this.patchSettings({ lending: { placeHoldOnRequestedItem: true } });
});

Then('the request is {string}', async function (this: IllWorld, status: string) {
  const request = await this.refresh();
  assert.equal(request.status, status, `request ${request.id} is "${request.status}"; history:\n${this.history().join('\n')}`);
});

Then('the service refuses with {string}', function (this: IllWorld, code: string) {
  assert.ok(this.lastRefusal, 'the service accepted the action');
  assert.equal(this.lastRefusal.body?.error?.code, code, JSON.stringify(this.lastRefusal.body));
  assert.ok(this.lastRefusal.status >= 400 && this.lastRefusal.status < 500, `status ${this.lastRefusal.status}`);
});

Then('the circulation history says {string}', async function (this: IllWorld, words: string) {
  await this.refresh();
  const history = this.history();
  assert.ok(
    history.some((text) => text.toLowerCase().includes(words.toLowerCase())),
    `no history entry says "${words}":\n${history.join('\n')}`,
  );
});

Then('the request needs attention', async function (this: IllWorld) {
  const request = await this.refresh();
  assert.equal(request.needsAttention, true, `history:\n${this.history().join('\n')}`);
});

Then('no ILS step of the request needs attention', async function (this: IllWorld) {
  const request = await this.refresh();
  assert.equal(request.needsAttention, false, JSON.stringify(request.attention));
});

When('{int} days pass', async function (this: IllWorld, days: number) {
  const h = harness();
  if (!h) throw new Error('time travel needs the systems started by the suite (@time-travel is unsupported here)');
  h.advanceServiceClock(days * 86_400_000);
  if (this.parameters.simulatorOrigin) await this.simulator('POST', '/_sim/clock', { advanceDays: days });
});

When('{int} minutes pass', async function (this: IllWorld, minutes: number) {
  const h = harness();
  if (!h) throw new Error('time travel needs the systems started by the suite (@time-travel is unsupported here)');
  // Only the service's clock: nothing in the ILS depends on a few minutes.
  h.advanceServiceClock(minutes * 60_000);
});

Given('the library sends the pickup notice itself {int} minutes after receipt', async function (this: IllWorld, minutes: number) {
  await this.patchSettings({ borrowing: { pickupNoticeFrom: 'bookstrap', pickupNoticeDelayMinutes: minutes } });
});

Then('no pickup notice is due yet', async function (this: IllWorld) {
  const { notices } = await this.staff.ok('GET', '/v1/notices?state=due');
  assert.deepEqual(notices, []);
});

Then('a pickup notice for the good patron is due', async function (this: IllWorld) {
  const { notices } = await this.staff.ok('GET', '/v1/notices?state=due');
  const mine = notices.filter((n: { requestId: string }) => n.requestId === this.requestId);
  assert.equal(mine.length, 1, JSON.stringify(notices));
  assert.equal(mine[0].patronId, this.driver.fixture.patrons.good);
  this.noticeId = mine[0].id;
});

When("the library's mailer sends it", async function (this: IllWorld) {
  await this.staff.ok('POST', `/v1/notices/${this.noticeId}/sent`);
});

Given('the ILS is down', async function (this: IllWorld) {
  this.ilsDown = true;
  await this.simulator('POST', '/_sim/faults', { down: true });
});

When('the ILS comes back', async function (this: IllWorld) {
  this.ilsDown = false;
  await this.simulator('DELETE', '/_sim/faults');
});

When('the service retries its pending ILS steps', async function (this: IllWorld) {
  const request = await this.refresh();
  for (const step of request.steps) {
    if (['failed-retryable', 'needs-staff', 'configuration-error'].includes(step.state))
      await this.staff.ok('POST', `/v1/requests/${this.requestId}/steps/${encodeURIComponent(step.key)}/retry`);
  }
  await this.settle();
});

After({ tags: '@fault-injection' }, async function (this: IllWorld) {
  await this.simulator('DELETE', '/_sim/faults');
});

After({ tags: '@time-travel' }, async function (this: IllWorld) {
  harness()?.resetServiceClock();
  if (this.parameters.simulatorOrigin) await this.simulator('POST', '/_sim/clock', { now: new Date().toISOString() });
});

export function illTemporaryLocation(world: IllWorld): string {
  const settings = world.driver.libraryConfig('lending').settings as { borrowing?: { illLocation?: string } } | undefined;
  return settings?.borrowing?.illLocation ?? 'ILL';
}

export function librarySettings(world: IllWorld): { localLoanDays: number; returnShippingOffsetDays: number } {
  const settings = world.driver.libraryConfig(world.library.role).settings as
    | { borrowing?: { localLoanDays?: number; returnShippingOffsetDays?: number } }
    | undefined;
  return { localLoanDays: settings?.borrowing?.localLoanDays ?? 28, returnShippingOffsetDays: settings?.borrowing?.returnShippingOffsetDays ?? 7 };
}
