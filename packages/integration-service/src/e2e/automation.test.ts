import { demo } from '@bookstrap/ils-simulators';
import { describe, expect, it } from 'vitest';
import { demoAdminKey } from '../demo-libraries.ts';
import { historyOf } from '../testutil/alma-desk.ts';
import { type Harness, useHarness } from '../testutil/harness.ts';

/**
 * Automation rules (seed 000 §2, Automated Request Manager) against the simulated Alma: the
 * patron's type comes from Alma's user group, through the B1 lookup, before any rule acts.
 */
const { faculty, good, blocked } = demo.alma.patrons;
const rules = [
  { name: 'Faculty go straight to the partner', when: { patronTypes: ['FACULTY'] }, send: { lenders: ['PARTNR'] } },
  { name: 'Books with an ISBN to the usual rota', when: { isbnPresent: true } },
];

async function withRules(h: Harness) {
  await h.ok(200, 'PATCH', '/v1/libraries/TULSA', { key: demoAdminKey, body: { settings: { borrowing: { automation: rules } } } });
}

const create = (h: Harness, body: Record<string, unknown>) =>
  h.ok(201, 'POST', '/v1/requests', { body: { role: 'borrowing', title: 'Middlemarch', pickupLocation: 'MAIN', lenders: ['LENDA'], ...body } });

describe('automation rules', () => {
  it('a faculty request is reviewed and sent to the partner once Alma says the patron is FACULTY; the partner gets it', async () => {
    const h = await useHarness();
    await withRules(h);
    const { id, status } = await create(h, { patronId: faculty.primaryId });
    expect(status).toBe('new-for-review'); // the lookup answers first
    await h.drain();
    const request = await h.ok(200, 'GET', `/v1/requests/${id}`);
    expect(request).toMatchObject({ status: 'sent', lenders: ['PARTNR'], currentLender: 'PARTNR', partnerRequestId: expect.any(String) });
    const history = await historyOf(h, id);
    expect(history).toContain('Automation rule "Faculty go straight to the partner" set the lender string to PARTNR.');
    expect(history).toContain('Reviewed. Automation rule "Faculty go straight to the partner".');
    expect(history).toContain('Sent to lender. Automation rule "Faculty go straight to the partner".');
    const partner = await h.ok(200, 'GET', `/v1/requests/${request.partnerRequestId}`, { key: 'demo-key-partnr' });
    expect(partner.status).toBe('can-you-supply');
  });

  it('another patron type falls through to the next rule; no rule matching leaves it for staff', async () => {
    const h = await useHarness();
    await withRules(h);
    const book = await create(h, { patronId: good.primaryId, isbn: '9780141439549' });
    const noIsbn = await create(h, { patronId: good.primaryId });
    await h.drain();
    expect(await h.ok(200, 'GET', `/v1/requests/${book.id}`)).toMatchObject({ status: 'sent', lenders: ['LENDA'] });
    expect(await h.ok(200, 'GET', `/v1/requests/${noIsbn.id}`)).toMatchObject({ status: 'new-for-review' });
    expect(await historyOf(h, book.id)).toContain('Sent to lender. Automation rule "Books with an ISBN to the usual rota".');
  });

  it('a blocked patron is never sent on automatically', async () => {
    const h = await useHarness();
    await withRules(h);
    const { id } = await create(h, { patronId: blocked.primaryId, isbn: '9780141439549' });
    await h.drain();
    expect((await h.ok(200, 'GET', `/v1/requests/${id}`)).status).toBe('new-for-review');
    expect(await historyOf(h, id)).toContainEqual(
      expect.stringMatching(
        /^Automation: not applied, the (patron is blocked in the ILS|ILS patron lookup did not succeed \(.*blocked.*\)); staff review the request\.$/i,
      ),
    );
  });

  it('without a patron lookup the request-level rules act at once, in the create transaction', async () => {
    const h = await useHarness();
    await h.ok(200, 'PATCH', '/v1/libraries/TULSA', {
      key: demoAdminKey,
      body: { settings: { borrowing: { verifyPatronOnRequest: false, automation: rules } } },
    });
    const created = await create(h, { patronId: good.primaryId, isbn: '9780141439549' });
    expect(created.status).toBe('sent');
    const faculty = await create(h, { patronId: demo.alma.patrons.faculty.primaryId });
    expect(faculty.status).toBe('new-for-review'); // a patron-type rule cannot match without the ILS
  });

  it('an unknown field in a rule is a 400 naming it, and changes nothing', async () => {
    const h = await useHarness();
    const response = await h.request('PATCH', '/v1/libraries/TULSA', {
      key: demoAdminKey,
      body: { settings: { borrowing: { automation: [{ name: 'x', when: { patronType: ['F'] } }] } } },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('patronType');
    expect((await h.ok(200, 'GET', '/v1/libraries/TULSA', { key: demoAdminKey })).settings.borrowing.automation).toEqual([]);
  });
});
