import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { openDayOnOrBefore, plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';
import { illTemporaryLocation } from './common.steps.ts';

async function lendingRequest(world: IllWorld, from: string) {
  const itemBarcode = await world.availableItem();
  world.itemBarcode = itemBarcode;
  const borrowingLibrary = from === 'the partner library' ? world.driver.fixture.partnerSymbol : 'UNMAPPED';
  await world.createRequest({ role: 'lending', serviceType: 'loan', borrowingLibrary, title: 'Requested title', itemBarcode });
}

Given(/^a lending request from (the partner library|an unmapped library) for an available item$/, async function (this: IllWorld, from: string) {
  await lendingRequest(this, from);
});

When(/^a lending request from (the partner library) for an available item arrives$/, async function (this: IllWorld, from: string) {
  await lendingRequest(this, from);
});

When(/^ILL staff ship the item (?:due in (\d+) days|with no due date)$/, async function (this: IllWorld, days?: string) {
  await this.act('ship', { itemBarcode: this.itemBarcode, ...(days ? { dueDate: plusDays(today(), Number(days)) } : {}) });
});

async function lentLoan(world: IllWorld) {
  const loan = await world.driver.probe.loan(world.itemBarcode!);
  assert.ok(loan, `item ${world.itemBarcode} is not on loan; history:\n${world.history().join('\n')}`);
  return loan;
}

Then("the item is on loan in the ILS to the partner library's account due {int} days from today", async function (this: IllWorld, days: number) {
  const loan = await lentLoan(this);
  assert.equal(loan.patronId, this.driver.fixture.partnerAccount);
  const wanted = plusDays(today(), days);
  assert.ok([wanted, openDayOnOrBefore(wanted, this.driver.fixture.calendar)].includes(loan.dueDate), `due ${loan.dueDate}, wanted ${wanted}`);
});

Then("the item is on loan in the ILS to the partner library's account", async function (this: IllWorld) {
  assert.equal((await lentLoan(this)).patronId, this.driver.fixture.partnerAccount);
});

Then('the item is on loan in the ILS to the default borrowing account', async function (this: IllWorld) {
  assert.equal((await lentLoan(this)).patronId, this.driver.fixture.defaultAccount);
});

Then('the item is not on loan in the ILS', async function (this: IllWorld) {
  assert.equal(await this.driver.probe.loan(this.itemBarcode!), null);
});

Then('the item is in the ILL temporary location', async function (this: IllWorld) {
  assert.equal((await this.driver.probe.location(this.itemBarcode!)).temporaryLocation, illTemporaryLocation(this));
});

Then('the item is back in its permanent location', async function (this: IllWorld) {
  assert.equal((await this.driver.probe.location(this.itemBarcode!)).temporaryLocation, undefined);
});

When('the borrowing library returns the item', async function (this: IllWorld) {
  await this.act('borrower-returned');
});

When('ILL staff check the item in', async function (this: IllWorld) {
  await this.act('check-in');
});

When('circulation staff take the lent item back at the desk', async function (this: IllWorld) {
  await this.driver.desk.checkIn(this.itemBarcode!, 'home');
});

When('ILL staff mark the item not returned', async function (this: IllWorld) {
  await this.act('not-returned');
});

When('ILL staff try to age the request out', async function (this: IllWorld) {
  this.lastRefusal = undefined;
  await this.act('age-out', {}, true);
});

Then("the ILS has a hold on the requested item for the partner library's account", async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.itemBarcode!);
  assert.ok(
    holds.some((h) => h.patronId === this.driver.fixture.partnerAccount && h.status !== 'cancelled'),
    JSON.stringify(holds),
  );
});
