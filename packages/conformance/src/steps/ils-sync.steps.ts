import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { isClosed, openDayOnOrBefore, plusDays, today } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';
import { librarySettings } from './common.steps.ts';

/**
 * Steps of the ILS sync (see what circulation did first) and of the due-date rules: circulation
 * acts through the driver's desk (the vendor API, as staff would), the sync runs through the
 * service (`POST /v1/ils-sync`), and the outcome is read from the ILS through the probe.
 */

const ilsOf = async (world: IllWorld) => {
  const request = await world.refresh();
  assert.ok(request.ilsCirculation, `the sync has not read this request; history:\n${world.history().join('\n')}`);
  return request.ilsCirculation as {
    state: string;
    loanDueDate?: string;
    lastFinding?: string;
    lastFindingKind?: string;
    nextAction?: string;
    needsIllStaff: boolean;
    lendingDueDateCap?: string;
  };
};

When('the ILS sync runs', async function (this: IllWorld) {
  const report = await this.staff.ok('POST', '/v1/ils-sync');
  assert.equal(report.skipped, undefined, `the sync read nothing: ${report.skipped}`);
  assert.deepEqual(report.failed, [], `reads failed: ${JSON.stringify(report.failed)}`);
  // The strap date put back is an ordinary ILS step: let the worker run it.
  await this.settle();
});

Given("the library uses the stricter of the lender's due date and its local loan rule", async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { dueDateRule: 'stricter-of-lender-and-local' } });
});

Given('the library puts loans renewed in circulation back to the strap date', async function (this: IllWorld) {
  await this.patchSettings({ borrowing: { revertCirculationRenewal: true } });
});

Then('the request shows the ILS state {string}', async function (this: IllWorld, state: string) {
  const ils = await ilsOf(this);
  assert.equal(ils.state, state, `ILS circulation on the request: ${JSON.stringify(ils)}\nhistory:\n${this.history().join('\n')}`);
});

Then("the request shows the due date of the patron's loan in the ILS", async function (this: IllWorld) {
  const ils = await ilsOf(this);
  const loan = await this.driver.probe.loan(this.temporaryBarcode!);
  assert.ok(loan, 'the temporary item is not on loan');
  assert.equal(loan.patronId, this.driver.fixture.patrons.good);
  // After the sync the ILS loan and the request agree (the strap date, put back if it differed).
  assert.equal(loan.dueDate, this.request.patronDueDate);
  assert.ok(ils.loanDueDate === undefined || ils.loanDueDate <= loan.dueDate, JSON.stringify(ils));
});

/** The request's place in the needs-attention queue (issue 12's queue), as staff list it. */
async function queued(world: IllWorld): Promise<{ reason?: string; finding?: string } | undefined> {
  const { requests } = await world.staff.ok('GET', '/v1/requests?needsAttention=true&limit=100');
  const mine = requests.find((r: { id: string }) => r.id === world.requestId);
  return mine ? (mine.attention ?? {}) : undefined;
}

When('ILL staff resolve the ILS finding', async function (this: IllWorld) {
  this.request = await this.staff.ok('POST', `/v1/requests/${this.requestId}/ils-finding/resolve`, {
    note: 'Asked the lender for a renewal',
    staff: 'conformance',
  });
  assert.equal(this.request.needsAttention, false, JSON.stringify(this.request.attention));
});

Then('nothing is flagged for ILL staff', async function (this: IllWorld) {
  assert.equal((await ilsOf(this)).needsIllStaff, false);
  assert.equal(await queued(this), undefined, 'the request is in the needs-attention queue');
});

Then('the request flags {string} for ILL staff', async function (this: IllWorld, kind: string) {
  const ils = await ilsOf(this);
  assert.deepEqual({ kind: ils.lastFindingKind, flagged: ils.needsIllStaff }, { kind, flagged: true }, `history:\n${this.history().join('\n')}`);
  // A finding staff must act on puts the request in the needs-attention queue, with its kind as the reason.
  assert.deepEqual(await queued(this), { reason: kind, finding: kind, detail: ils.lastFinding, nextAction: ils.nextAction });
});

Then('the request offers {string} as the next action', async function (this: IllWorld, words: string) {
  const ils = await ilsOf(this);
  assert.ok(ils.nextAction?.includes(words), `next action: ${ils.nextAction}`);
});

Then("the request's due date is the lender's due date less the return offset", async function (this: IllWorld) {
  const request = await this.refresh();
  const { returnShippingOffsetDays } = librarySettings(this);
  assert.equal(request.patronDueDate, openDayOnOrBefore(plusDays(request.lenderDueDate, -returnShippingOffsetDays), this.driver.fixture.calendar));
});

Then('the history says the strap date was put back exactly when the desk gave another date', async function (this: IllWorld) {
  const request = await this.refresh();
  const desk = this.recordedDueDate;
  assert.ok(desk, 'no desk check-out in this scenario');
  const said = this.history().some((text) => text.includes("not the book strap's"));
  // Most ILSs give their own loan policy date at the desk (WMS, Alma, …); SirsiDynix staff charge
  // the item until the date the ILL office wrote on it. Either way the history tells the truth.
  assert.equal(said, desk !== request.patronDueDate, `desk gave ${desk}, strap ${request.patronDueDate}; history:\n${this.history().join('\n')}`);
});

Given("the ILS's loan rules let the desk renew the temporary item", async function (this: IllWorld) {
  // Only where the vendor API renews by the loan rule alone (Sierra); elsewhere the desk's
  // renewal is a staff date change that no rule stops.
  await this.driver.desk.makeRenewable?.(this.temporaryBarcode!);
});

When("circulation staff renew the patron's loan at the desk for {int} more days", async function (this: IllWorld, days: number) {
  const desk = this.driver.desk;
  if (!desk.renew) throw new Error(`${this.driver.ils}: the desk cannot renew through the vendor API (this scenario should be unsupported here)`);
  const loan = await this.driver.probe.loan(this.temporaryBarcode!);
  assert.ok(loan, 'the temporary item is not on loan');
  const { dueDate } = await desk.renew(this.temporaryBarcode!, this.driver.fixture.patrons.good, plusDays(loan.dueDate, days));
  assert.ok(dueDate > loan.dueDate, `the desk renewal left the loan due ${dueDate}`);
  this.recordedDueDate = dueDate;
});

Then("the patron's loan is due on the date circulation gave it", async function (this: IllWorld) {
  const loan = await this.driver.probe.loan(this.temporaryBarcode!);
  assert.equal(loan?.dueDate, this.recordedDueDate);
});

// ---- lending ----------------------------------------------------------------------------------

When("ILL staff ship the item due on the library's next closed day", async function (this: IllWorld) {
  const calendar = this.driver.fixture.calendar;
  let day = plusDays(today(), 14);
  for (let n = 0; n < 370 && !isClosed(day, calendar); n += 1) day = plusDays(day, 1);
  // A library open every day: any date proves the date is the request's.
  await this.act('ship', { itemBarcode: this.itemBarcode, dueDate: day });
});

Then("the item is on loan in the ILS to the partner library's account due on the request's date", async function (this: IllWorld) {
  const loan = await this.driver.probe.loan(this.itemBarcode!);
  assert.ok(loan, 'the item is not on loan');
  assert.equal(loan.patronId, this.driver.fixture.partnerAccount);
  assert.equal(loan.dueDate, this.request.dueDate);
});

Then("the item is on loan in the ILS to the partner library's account due before the request's date", async function (this: IllWorld) {
  const loan = await this.driver.probe.loan(this.itemBarcode!);
  assert.ok(loan, 'the item is not on loan');
  assert.equal(loan.patronId, this.driver.fixture.partnerAccount);
  assert.ok(loan.dueDate < this.request.dueDate, `due ${loan.dueDate}, the request's ${this.request.dueDate}`);
  this.recordedDueDate = loan.dueDate;
});

Then('the request reports the due date the ILS capped the loan at', async function (this: IllWorld) {
  const ils = await ilsOf(this);
  assert.equal(ils.lendingDueDateCap, this.recordedDueDate);
});
