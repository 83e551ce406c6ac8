import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import { plusDays } from '../support/dates.ts';
import type { IllWorld } from '../support/world.ts';

/**
 * Automation rules (seed 000 §2) and the ILL-side "item about to be due" notice (seed 004), issue
 * 13 §3. Both act on what the ILS said: the rule waits for the patron lookup; the notice follows
 * the strap date Bookstrap gave the temporary item.
 */

// ---- automation ------------------------------------------------------------------------------

Given('the library automates loan requests with an ISBN: review and send them to {string}', async function (this: IllWorld, lenders: string) {
  await this.patchSettings({
    borrowing: { automation: [{ name: 'Loans with an ISBN', when: { serviceType: 'loan', isbnPresent: true }, send: { lenders: lenders.split(',') } }] },
  });
});

When(/^ILL staff create a loan request with an ISBN for (the good patron|the blocked patron)$/, async function (this: IllWorld, who: string) {
  const patrons = this.driver.fixture.patrons;
  await this.createRequest({
    role: 'borrowing',
    title: 'Middlemarch',
    isbn: '9780141439549',
    patronId: who === 'the good patron' ? patrons.good : patrons.blocked,
    pickupLocation: this.driver.fixture.pickupLocation,
    lenders: ['LENDR1', 'LENDR2'],
  });
});

Then("the request's lender string is {string}", async function (this: IllWorld, lenders: string) {
  const request = await this.refresh();
  assert.deepEqual({ lenders: request.lenders, current: request.currentLender }, { lenders: lenders.split(','), current: lenders.split(',')[0] });
});

Then('the circulation history does not say {string}', async function (this: IllWorld, words: string) {
  await this.refresh();
  const said = this.history().filter((text) => text.toLowerCase().includes(words.toLowerCase()));
  assert.deepEqual(said, []);
});

// ---- item about to be due --------------------------------------------------------------------

Given('the library sends {string} notices {int} days ahead', async function (this: IllWorld, _kind: string, days: number) {
  await this.patchSettings({ borrowing: { patronNotices: { dueSoonDays: days } } });
});

interface NoticeView {
  kind: string;
  requestId: string;
  patronId: string;
  dueAt: string;
  subject: string;
}

const notices = async (world: IllWorld, state: 'scheduled' | 'due' | 'withdrawn'): Promise<NoticeView[]> =>
  ((await world.staff.ok('GET', `/v1/notices?state=${state}`)).notices as NoticeView[]).filter((n) => n.requestId === world.requestId && n.kind === 'due-soon');

Then(
  /^an "item about to be due" notice to the good patron is scheduled (\d+) days before the patron's due date$/,
  async function (this: IllWorld, days: string) {
    const request = await this.refresh();
    assert.ok(request.patronDueDate, 'the request has no patron due date');
    const [notice, ...more] = [...(await notices(this, 'scheduled')), ...(await notices(this, 'due'))];
    assert.ok(notice, `no item-about-to-be-due notice for request ${this.requestId}`);
    assert.equal(more.length, 0, 'more than one notice');
    assert.equal(notice.patronId, this.driver.fixture.patrons.good);
    assert.equal(notice.dueAt.slice(0, 10), plusDays(request.patronDueDate, -Number(days)));
    assert.ok(notice.subject.includes(request.patronDueDate), notice.subject);
  },
);

Then('no "item about to be due" notice is scheduled for the request', async function (this: IllWorld) {
  assert.deepEqual([...(await notices(this, 'scheduled')), ...(await notices(this, 'due'))], []);
  assert.equal((await notices(this, 'withdrawn')).length, 1, 'the notice was not withdrawn');
});
