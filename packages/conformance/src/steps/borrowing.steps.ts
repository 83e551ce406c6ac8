import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { openDayOnOrBefore, plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';
import { librarySettings } from './common.steps.ts';

const lenders = ['LENDR1', 'LENDR2'];

function patronOf(world: IllWorld, who: string): string | undefined {
  const patrons = world.driver.fixture.patrons;
  if (who === 'the good patron') return patrons.good;
  if (who === 'the blocked patron') return patrons.blocked;
  if (who === 'the expired patron') return patrons.expired;
  if (who === 'an unknown patron') return patrons.unknown;
  throw new Error(`unknown patron phrase "${who}"`);
}

async function createBorrowing(world: IllWorld, kind: string, patronId: string | undefined) {
  await world.createRequest({
    role: 'borrowing',
    serviceType: kind === 'copy' ? 'copy' : 'loan',
    title: 'The Name of the Rose',
    author: 'Eco, Umberto',
    ...(patronId ? { patronId } : {}),
    pickupLocation: world.driver.fixture.pickupLocation,
    lenders,
    inLibraryUseOnly: kind === 'in-library-use-only loan',
  });
}

async function ship(world: IllWorld, dueInDays = 40) {
  await world.act('supplier-shipped', { supplierItemBarcode: world.expand('SUP-{id}'), lenderDueDate: plusDays(today(), dueInDays) });
}

When(
  /^ILL staff create a loan request for (the good patron|the blocked patron|the expired patron|an unknown patron)$/,
  async function (this: IllWorld, who: string) {
    await createBorrowing(this, 'loan', patronOf(this, who));
  },
);

When('ILL staff create a loan request with no patron ID', async function (this: IllWorld) {
  await createBorrowing(this, 'loan', undefined);
});

When('ILL staff send the request', async function (this: IllWorld) {
  await this.act('send');
});

When('ILL staff try to send the request', async function (this: IllWorld) {
  await this.act('send', {}, true);
});

When('the lender says it cannot supply', async function (this: IllWorld) {
  await this.act('supplier-unfilled');
});

Given(/^a loan request for (the good patron) has been sent$/, async function (this: IllWorld, who: string) {
  await createBorrowing(this, 'loan', patronOf(this, who));
  await this.act('send');
});

When('the lender ships it with item barcode {string} due in {int} days', async function (this: IllWorld, barcode: string, days: number) {
  await this.act('supplier-shipped', { supplierItemBarcode: this.expand(barcode), lenderDueDate: plusDays(today(), days) });
});

Given(
  /^(?:a|an) (loan|copy|in-library-use-only loan) request for (the good patron|an unknown patron) is in transit$/,
  async function (this: IllWorld, kind: string, who: string) {
    await createBorrowing(this, kind, patronOf(this, who));
    await this.act('send');
    await ship(this);
  },
);

Given(/^a loan request for the good patron has been received(?: with a lender due date in (\d+) days)?$/, async function (this: IllWorld, days?: string) {
  await createBorrowing(this, 'loan', this.driver.fixture.patrons.good);
  await this.act('send');
  await ship(this, days ? Number(days) : 40);
  await this.act('receive');
  this.temporaryBarcode = this.request.temporaryBarcode;
  assert.equal(this.request.needsAttention, false, `receiving needs attention:\n${this.history().join('\n')}`);
});

When('ILL staff mark the request received', async function (this: IllWorld) {
  await this.act('receive');
  this.temporaryBarcode = this.request.temporaryBarcode;
});

When('ILL staff mark the request received with temporary barcode {string}', async function (this: IllWorld, barcode: string) {
  await this.act('receive', { temporaryBarcode: this.expand(barcode) });
  this.temporaryBarcode = this.request.temporaryBarcode;
});

When('ILL staff mark the request received with the barcode of an item the ILS already has', async function (this: IllWorld) {
  const existing = this.driver.fixture.lendableItems.at(-1)!;
  this.itemBarcode = existing;
  this.recordedItem = await this.driver.probe.item(existing);
  await this.act('receive', { temporaryBarcode: existing });
  this.temporaryBarcode = this.request.temporaryBarcode;
});

Then('the existing ILS item is unchanged', async function (this: IllWorld) {
  assert.deepEqual(await this.driver.probe.item(this.itemBarcode!), this.recordedItem);
});

Then('the ILS has a temporary item with the request ID as barcode', async function (this: IllWorld) {
  assert.ok(await this.driver.probe.item(this.requestId), `no ILS item ${this.requestId}`);
});

Then('the ILS still has a temporary item with the request ID as barcode', async function (this: IllWorld) {
  assert.ok(await this.driver.probe.item(this.requestId), `the ILS no longer has item ${this.requestId}`);
});

Then('the ILS has exactly one temporary item with the request ID as barcode', async function (this: IllWorld) {
  assert.equal(await this.driver.probe.countItems(this.requestId), 1);
});

Then('the ILS has a temporary item with barcode {string}', async function (this: IllWorld, barcode: string) {
  assert.ok(await this.driver.probe.item(this.expand(barcode)), `no ILS item ${this.expand(barcode)}`);
});

Then('the ILS has no item with the request ID as barcode', async function (this: IllWorld) {
  assert.equal(await this.driver.probe.item(this.requestId), null);
});

Then('the temporary item carries the title, the request ID and the lending library', async function (this: IllWorld) {
  const item = (await this.driver.probe.item(this.temporaryBarcode!))!;
  assert.equal(item.title, this.request.title);
  assert.ok(item.notes.includes(this.requestId), `notes "${item.notes}" lack the request ID`);
  assert.ok(item.notes.includes(this.request.currentLender ?? lenders[0]), `notes "${item.notes}" lack the lending library`);
});

Then('the temporary item is in the ILL location', async function (this: IllWorld) {
  const item = (await this.driver.probe.item(this.temporaryBarcode!))!;
  const settings = this.driver.libraryConfig('borrowing').settings as { borrowing: { illLocation: string } };
  assert.equal(item.location, settings.borrowing.illLocation);
});

Given('the library shelves temporary items at its ILL shelving location', async function (this: IllWorld) {
  const shelf = this.driver.fixture.shelvingLocation;
  assert.ok(shelf, `${this.driver.ils} names no ILL shelving location (declare @shelving-location unsupported instead)`);
  await this.patchSettings({ borrowing: { shelvingLocation: shelf } });
});

Then('the temporary item is at the ILL shelving location, not the ILL location', async function (this: IllWorld) {
  const item = (await this.driver.probe.item(this.temporaryBarcode!))!;
  const settings = this.driver.libraryConfig('borrowing').settings as { borrowing: { illLocation: string } };
  assert.notEqual(
    this.driver.fixture.shelvingLocation,
    settings.borrowing.illLocation,
    'the fixture must name a shelving location other than the ILL location',
  );
  assert.equal(item.location, this.driver.fixture.shelvingLocation);
});

Then('the temporary item is marked for library use only', async function (this: IllWorld) {
  const item = (await this.driver.probe.item(this.temporaryBarcode!))!;
  assert.equal(item.libraryUseOnly, true);
});

Then('the ILS has a hold on the temporary item for the good patron at the pickup location', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode!);
  const good = this.driver.fixture.patrons.good;
  assert.ok(
    holds.some((h) => h.patronId === good && h.pickupLocation === this.driver.fixture.pickupLocation && h.status !== 'cancelled'),
    `holds: ${JSON.stringify(holds)}`,
  );
});

Then('the ILS has exactly one hold on the temporary item', async function (this: IllWorld) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode ?? this.requestId);
  assert.equal(holds.filter((h) => h.status !== 'cancelled').length, 1, JSON.stringify(holds));
});

Then('the ILS has a fee of {float} for the good patron', async function (this: IllWorld, amount: number) {
  const fees = await this.driver.probe.fees(this.driver.fixture.patrons.good);
  assert.ok(
    fees.some((f) => Math.abs(f.amount - amount) < 0.001 && f.comment.includes(this.requestId)),
    `fees: ${JSON.stringify(fees)}`,
  );
});

Then('the ILS has no fee for the good patron for this request', async function (this: IllWorld) {
  const fees = await this.driver.probe.fees(this.driver.fixture.patrons.good);
  assert.equal(fees.filter((f) => f.comment.includes(this.requestId)).length, 0, JSON.stringify(fees));
});

When(/^circulation staff check the temporary item in at (the pickup location|another library)$/, async function (this: IllWorld, where: string) {
  await this.driver.desk.checkIn(this.temporaryBarcode!, where === 'the pickup location' ? 'pickup' : 'elsewhere');
});

Then(/^the hold on the temporary item is (ready for pickup|in transit)$/, async function (this: IllWorld, state: string) {
  const holds = await this.driver.probe.holds(this.temporaryBarcode!);
  const expected = state === 'ready for pickup' ? 'ready' : 'in-transit';
  assert.ok(
    holds.some((h) => h.status === expected),
    `holds: ${JSON.stringify(holds)}`,
  );
});

When('circulation staff check the temporary item out to the good patron', async function (this: IllWorld) {
  const { dueDate } = await this.driver.desk.checkOut(this.temporaryBarcode!, this.driver.fixture.patrons.good);
  this.recordedDueDate = dueDate;
});

Then('circulation staff cannot check the temporary item out to the good patron', async function (this: IllWorld) {
  await assert.rejects(this.driver.desk.checkOut(this.temporaryBarcode!, this.driver.fixture.patrons.good));
  assert.equal(await this.driver.probe.loan(this.temporaryBarcode!), null);
});

async function loanDueDate(world: IllWorld): Promise<string> {
  const loan = await world.driver.probe.loan(world.temporaryBarcode!);
  assert.ok(loan, 'the temporary item is not on loan');
  assert.equal(loan.patronId, world.driver.fixture.patrons.good);
  return loan.dueDate;
}

Then("the patron's loan is due on the lender's due date less the return offset", async function (this: IllWorld) {
  const request = await this.refresh();
  const { returnShippingOffsetDays } = librarySettings(this);
  const expected = openDayOnOrBefore(plusDays(request.lenderDueDate, -returnShippingOffsetDays), this.driver.fixture.calendar);
  assert.equal(await loanDueDate(this), expected);
});

Then("the patron's loan is due by the local loan rule", async function (this: IllWorld) {
  const { localLoanDays } = librarySettings(this);
  assert.equal(await loanDueDate(this), openDayOnOrBefore(plusDays(today(), localLoanDays), this.driver.fixture.calendar));
});

Then("the patron's loan due date is unchanged", async function (this: IllWorld) {
  assert.equal(await loanDueDate(this), this.recordedDueDate);
});

When('the lender approves a renewal until {int} days from today', async function (this: IllWorld, days: number) {
  await this.act('renewal-approved', { newDueDate: plusDays(today(), days) });
});

When('the patron asks for a renewal', async function (this: IllWorld) {
  await this.act('request-renewal');
});

When('the lender denies the renewal', async function (this: IllWorld) {
  await this.act('renewal-denied');
});

When('circulation staff take the return at the desk', async function (this: IllWorld) {
  await this.driver.desk.checkIn(this.temporaryBarcode!, 'pickup');
});

When('ILL staff mark the request returned', async function (this: IllWorld) {
  await this.act('mark-returned');
});

When('the lender checks the item in', async function (this: IllWorld) {
  await this.act('complete');
});

Then('the temporary item is no longer on loan', async function (this: IllWorld) {
  assert.equal(await this.driver.probe.loan(this.temporaryBarcode!), null);
});

/**
 * After Returned the temporary item is gone (deleted), or, where the ILS keeps temporary items
 * (WMS: Unavailable, with the request ID — the driver declares @delete-temporary-item
 * unsupported), still there but off loan and with no hold left waiting on it.
 */
Then('the temporary item is cleaned up as the ILS does it', async function (this: IllWorld) {
  const barcode = this.temporaryBarcode!;
  const item = await this.driver.probe.item(barcode);
  if (!this.driver.unsupported.includes('@delete-temporary-item')) {
    assert.equal(item, null, `the ILS still has temporary item ${barcode}: ${JSON.stringify(item)}`);
    return;
  }
  assert.ok(item, `the ILS no longer has temporary item ${barcode}, though it keeps temporary items`);
  assert.equal(item.onLoan, false, `temporary item ${barcode} is still on loan`);
  const waiting = (await this.driver.probe.holds(barcode)).filter(
    (hold) => hold.status === 'pending' || hold.status === 'ready' || hold.status === 'in-transit',
  );
  assert.deepEqual(waiting, [], `holds still wait on the kept temporary item ${barcode}`);
});

/**
 * Patron verification at review (issue 13 §3): the request shows the ILS patron as the adapter's
 * lookup found them — name, status, expiry, blocks — once the ILS has answered.
 */
Then(/^the request shows the ILS patron as (active|blocked|expired)$/, async function (this: IllWorld, status: string) {
  await this.settle();
  const shown = this.request.patronVerification as { patronId: string; name?: string; status: string; expiryDate?: string; blocks: string[] } | undefined;
  assert.ok(shown, `the request shows no ILS patron: ${JSON.stringify(this.request)}`);
  assert.equal(shown.patronId, this.request.patronId);
  assert.equal(shown.status, status);
  assert.match(shown.name ?? '', /\S/, 'the ILS patron has no name on the request');
  if (status === 'blocked') assert.ok(shown.blocks.length > 0, 'a blocked patron is shown without the ILS block');
  else assert.deepEqual(shown.blocks, [], `blocks shown for a patron who has none: ${shown.blocks.join(', ')}`);
  if (status === 'expired') assert.ok(shown.expiryDate && shown.expiryDate < today(), `expiry ${shown.expiryDate} is not in the past`);
  if (status === 'active') assert.ok(shown.expiryDate && shown.expiryDate > today(), `expiry ${shown.expiryDate} is not in the future`);
});
