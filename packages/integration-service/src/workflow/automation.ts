import { automationFor, type PatronSummary, planOnCreate } from '@bookstrap/core';
import type { Db } from '../store/database.ts';
import type { Library } from '../store/libraries.ts';
import { appendHistory, findRequest, type StoredRequest, saveRequest } from '../store/requests.ts';
import { decisionContext, transition, type WorkflowDeps } from './requests.ts';

/**
 * The library's automation rules (core automation.ts) acting on a new borrowing request: review
 * and send it to the rule's lender string, each action in the history as the rule's. When the
 * ILS is asked about the patron first (B1), nothing is automated until it answers: a blocked,
 * expired or unknown patron is never sent on automatically.
 */
export async function automateOnCreate(tx: Db, deps: WorkflowDeps, library: Library, request: StoredRequest): Promise<StoredRequest> {
  const rules = library.settings.borrowing.automation;
  if (rules.length === 0) return request;
  const lookupPlanned = planOnCreate(request, decisionContext(deps, library)).some((step) => step.name === 'lookup-patron');
  if (lookupPlanned) {
    if (automationFor(request, rules, undefined).kind !== 'none') {
      await note(tx, deps, request.id, 'Automation: waiting for the ILS patron lookup before any rule acts.');
    }
    return request;
  }
  return await apply(tx, deps, library, request, null);
}

/** After the patron lookup answered (the worker, in the outcome's transaction). */
export async function automateAfterPatronLookup(
  tx: Db,
  deps: WorkflowDeps,
  library: Library,
  requestId: string,
  lookup: { patron: PatronSummary } | { reason: string },
): Promise<void> {
  const rules = library.settings.borrowing.automation;
  const request = await findRequest(tx, requestId);
  if (!request || rules.length === 0 || automationFor(request, rules, undefined).kind === 'none') return;
  if (!('patron' in lookup)) {
    await note(tx, deps, requestId, `Automation: not applied, the ILS patron lookup did not succeed (${lookup.reason}); staff review the request.`);
    return;
  }
  const { patron } = lookup;
  if (patron.status !== 'active') {
    await note(tx, deps, requestId, `Automation: not applied, the patron is ${patron.status} in the ILS; staff review the request.`);
    return;
  }
  await apply(tx, deps, library, request, patron.patronType ?? null);
}

async function note(tx: Db, deps: WorkflowDeps, requestId: string, text: string) {
  await appendHistory(tx, { requestId, kind: 'note', text }, deps.clock.now());
}

async function apply(tx: Db, deps: WorkflowDeps, library: Library, request: StoredRequest, patronType: string | null): Promise<StoredRequest> {
  const verdict = automationFor(request, library.settings.borrowing.automation, patronType);
  if (verdict.kind !== 'apply') return request;
  const rule = `Automation rule "${verdict.rule.name}"`;
  let current = request;
  if (verdict.lenders.join(',') !== request.lenders.join(',')) {
    current = await saveRequest(tx, { ...request, lenders: verdict.lenders, lenderIndex: 0 }, deps.clock.now());
    await note(tx, deps, request.id, `${rule} set the lender string to ${verdict.lenders.join(', ')}.`);
  }
  for (const action of ['review', 'send'] as const) {
    const result = await transition(tx, deps, library, current, { action }, { kind: 'system', reason: `${rule}.` });
    if (!result.ok) {
      await note(tx, deps, request.id, `${rule} could not ${action} the request (${result.error.message}); staff take it from here.`);
      return current;
    }
    current = result.request;
  }
  return current;
}
