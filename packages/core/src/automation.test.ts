import { describe, expect, it } from 'vitest';
import { automationFor, automationRuleSchema } from './automation.ts';
import { borrowingSettingsSchema } from './settings.ts';
import { aRequest } from './test-fixtures.ts';

const rule = (input: unknown) => automationRuleSchema.parse(input);
const fresh = aRequest('borrowing', 'new-for-review', { isbn: '9780140449136', lenders: ['LENDA'] });

describe('automation rules (Automated Request Manager)', () => {
  it('the first matching rule wins; its lender string replaces the request’s', () => {
    const rules = [
      rule({ name: 'copies to the state library', when: { serviceType: 'copy' }, send: { lenders: ['OKSTATE'] } }),
      rule({ name: 'books', when: { isbnPresent: true }, send: { lenders: ['LENDB', 'LENDC'] } }),
    ];
    expect(automationFor(fresh, rules, null)).toMatchObject({ kind: 'apply', rule: { name: 'books' }, lenders: ['LENDB', 'LENDC'] });
    expect(automationFor({ ...fresh, serviceType: 'copy' }, rules, null)).toMatchObject({ kind: 'apply', rule: { name: 'copies to the state library' } });
    expect(automationFor({ ...fresh, isbn: undefined }, rules, null)).toEqual({ kind: 'none' });
  });

  it('a patron-type rule waits for the ILS lookup, then matches its codes (case-insensitive), or falls through', () => {
    const rules = [rule({ name: 'faculty', when: { patronTypes: ['FACULTY'] }, send: { lenders: ['FAST'] } }), rule({ name: 'everyone', send: {} })];
    expect(automationFor(fresh, rules, undefined)).toMatchObject({ kind: 'wait-for-patron', rule: { name: 'faculty' } });
    expect(automationFor(fresh, rules, 'faculty')).toMatchObject({ kind: 'apply', lenders: ['FAST'] });
    expect(automationFor(fresh, rules, 'UNDERGRAD')).toMatchObject({ kind: 'apply', rule: { name: 'everyone' }, lenders: ['LENDA'] });
    expect(automationFor(fresh, rules, null)).toMatchObject({ rule: { name: 'everyone' } });
  });

  it('pickup location, and never a request already reviewed, a lending request or one with nowhere to go', () => {
    const rules = [rule({ name: 'metro', when: { pickupLocations: ['main'] } })];
    expect(automationFor(fresh, rules, null).kind).toBe('apply');
    expect(automationFor({ ...fresh, pickupLocation: 'SCI' }, rules, null).kind).toBe('none');
    expect(automationFor({ ...fresh, status: 'reviewed' }, rules, null).kind).toBe('none');
    expect(automationFor(aRequest('lending', 'can-you-supply'), rules, null).kind).toBe('none');
    expect(automationFor({ ...fresh, lenders: [] }, rules, null).kind).toBe('none');
  });

  it('settings refuse unknown fields in a rule, naming them', () => {
    const result = borrowingSettingsSchema.safeParse({ automation: [{ name: 'x', when: { patronType: ['F'] } }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('patronType');
  });
});
