import { z } from 'zod';
import type { IllRequest } from './workflow.ts';

/**
 * Automation rules (seed 000 §2, Tipasa's Automated Request Manager): per-library rules that
 * match new borrowing requests and review and send them to a given lender string by themselves.
 * The first matching rule, in order, wins. A rule on the patron's type waits for the ILS patron
 * lookup (B1) and is decided once it answers; without a lookup such a rule never matches.
 */
const symbol = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{2,20}$/, 'a library symbol');

export const automationRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    when: z
      .object({
        serviceType: z.enum(['loan', 'copy']).optional(),
        /** the ILS's patron type/group codes (Alma user group, Sierra ptype, Symphony profile…) */
        patronTypes: z.array(z.string().trim().min(1).max(60)).min(1).max(50).optional(),
        /** true: only requests with an ISBN (a book); false: only those without */
        isbnPresent: z.boolean().optional(),
        /** the library's pickup location codes (as the ILS knows them) */
        pickupLocations: z.array(z.string().trim().min(1).max(40)).min(1).max(50).optional(),
      })
      .strict()
      .default({}),
    send: z
      .object({
        /** replaces the request's lender string; absent: the lender string it came with */
        lenders: z.array(symbol).min(1).max(20).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type AutomationRule = z.infer<typeof automationRuleSchema>;

export type AutomationVerdict =
  | { kind: 'apply'; rule: AutomationRule; lenders: string[] }
  /** a rule on the patron's type comes first and the ILS has not said yet: decide after the lookup */
  | { kind: 'wait-for-patron'; rule: AutomationRule }
  | { kind: 'none' };

/**
 * `patronType`: undefined while the lookup is still to answer, null when there will be none (no
 * lookup planned, or the ILS shows no type), else the ILS's code.
 */
export function automationFor(
  request: Pick<IllRequest, 'role' | 'status' | 'serviceType' | 'isbn' | 'pickupLocation' | 'lenders'>,
  rules: readonly AutomationRule[],
  patronType: string | null | undefined,
): AutomationVerdict {
  if (request.role !== 'borrowing' || request.status !== 'new-for-review') return { kind: 'none' };
  for (const rule of rules) {
    const { when } = rule;
    if (when.serviceType && when.serviceType !== request.serviceType) continue;
    if (when.isbnPresent !== undefined && when.isbnPresent !== Boolean(request.isbn)) continue;
    if (when.pickupLocations && !when.pickupLocations.some((p) => p.toUpperCase() === request.pickupLocation?.toUpperCase())) continue;
    if (when.patronTypes) {
      if (patronType === undefined) return { kind: 'wait-for-patron', rule };
      if (patronType === null || !when.patronTypes.some((t) => t.toUpperCase() === patronType.toUpperCase())) continue;
    }
    const lenders = rule.send.lenders ?? request.lenders;
    // Nothing to send to: the rule cannot act; staff review it as usual.
    if (lenders.length === 0) continue;
    return { kind: 'apply', rule, lenders };
  }
  return { kind: 'none' };
}
