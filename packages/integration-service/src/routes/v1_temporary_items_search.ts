import { classifyThrown, type PatronIllLoan, type StepOutcome, type TemporaryItemFound } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { patronIdSchema } from '../http/schemas.ts';
import { commonErrorResponses } from '../http/errors.ts';
import type { App, AppDeps } from '../http/types.ts';
import type { Library } from '../store/libraries.ts';
import { jobsOfRequests } from '../store/outbox.ts';
import { listRequests, minTitleSearch, type StoredRequest } from '../store/requests.ts';
import { circulationSystemFor } from '../workflow/preflight.ts';

const foundSchema = z
  .object({
    barcode: z.string(),
    title: z.string(),
    requestId: z.string().optional(),
    status: z.string().optional().openapi({ description: "The request's status, when the service knows the request." }),
    dueDate: z.string().optional().openapi({ description: "By patron, from the ILS: the loan's due date." }),
    note: z.string().optional(),
    source: z.enum(['ils', 'service']).openapi({ description: 'Found in the ILS, or only in this service’s records.' }),
  })
  .openapi('TemporaryItemFound');

export const route = createRoute({
  method: 'get',
  path: '/v1/temporary-items',
  tags: ['recovery'],
  summary: 'Find a temporary item by title or by patron (recovery without the strap)',
  description:
    "Staff find the barcode of a book whose strap was lost (seed 004). By patron: the ILS is asked for the patron's current loans, and those that are this library's ILL temporary items — recognised by the request ID Bookstrap wrote on the item, and a borrowing request of this library with that barcode — are returned with request ID, title, barcode and due date; a normal library item on the patron's card never is. By title: the ILS's temporary items where its API can search them, and the library's own borrowing requests either way. `source` says what was asked: `ils`, or `bookstrap-only` (with `reason`) when the ILS's API cannot list a patron's loans or did not answer — then only this service's records are shown, and only items whose temporary item was created in the ILS.",
  security: [{ bearerAuth: [] }],
  request: {
    query: z
      .object({
        title: z
          .string()
          .trim()
          .min(minTitleSearch, `at least ${minTitleSearch} characters: the title index matches by trigram`)
          .max(200)
          .optional()
          .openapi({ param: { name: 'title', in: 'query' }, description: `Part of the title, ${minTitleSearch}+ characters.`, example: 'Dracula' }),
        patronId: patronIdSchema
          .optional()
          .openapi({ param: { name: 'patronId', in: 'query' }, description: "The patron's ILS identifier: lists their current ILL loans." }),
      })
      .refine((q) => q.title !== undefined || q.patronId !== undefined, { message: 'give a title or a patronId to search by' }),
  },
  responses: {
    200: {
      description: 'Matching temporary items.',
      content: {
        'application/json': {
          schema: z.object({
            items: z.array(foundSchema),
            ilsSearched: z.boolean(),
            source: z.enum(['ils', 'bookstrap-only']),
            reason: z.string().optional().openapi({ description: 'bookstrap-only: why the ILS was not (or could not be) asked.' }),
          }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

type Found = z.infer<typeof foundSchema>;

/** Requests still out with the patron: what "current ILL loans" means in this service's records. */
const onLoanStatuses = ['received', 'renewal-requested', 'recalled', 'overdue'];

/** Only requests whose temporary item was really created under their barcode: a collision leaves a normal item there. */
async function withCreatedItem(deps: AppDeps, requests: StoredRequest[]): Promise<StoredRequest[]> {
  const jobs = await jobsOfRequests(
    deps.db,
    requests.map((r) => r.id),
  );
  return requests.filter((request) =>
    (jobs.get(request.id) ?? []).some(
      (job) => job.step.name === 'create-temporary-item' && job.step.input.barcode === request.temporaryBarcode && job.state === 'succeeded',
    ),
  );
}

const compact = (item: Found): Found => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as Found;

export function registerV1TemporaryItemsSearch(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const { title, patronId } = c.req.valid('query');
    const system = circulationSystemFor(deps, library, library.id);
    const ours = async (filter: { title?: string | undefined; patronId?: string | undefined; status?: string[] }) =>
      (await listRequests(deps.db, { libraryId: library.id, role: 'borrowing', ...filter, limit: 200, offset: 0 })).requests.filter((r) => r.temporaryBarcode);

    if (patronId) {
      let reason: string;
      if (system?.patronLoans) {
        const outcome: StepOutcome<PatronIllLoan[]> = await system.patronLoans({ patronId }).catch(classifyThrown);
        if (outcome.kind === 'done' || outcome.kind === 'already-done') {
          const loans = (outcome.value ?? []).filter((loan) => title === undefined || loan.title.toLowerCase().includes(title.toLowerCase()));
          const items = await crossChecked(deps, library, loans);
          return c.json({ items, ilsSearched: true, source: 'ils' as const }, 200);
        }
        reason = `the ILS could not list the patron's loans: ${outcome.reason}`;
        deps.logger.warn({ library: library.symbol, reason }, 'patron loans lookup failed');
      } else {
        reason = system
          ? `this ILS's API (${library.connection.ils} over ${library.connection.protocol}) cannot list a patron's loans; showing this service's records`
          : 'no adapter for this library; showing this service’s records';
      }
      const items = (await withCreatedItem(deps, await ours({ title, patronId, status: onLoanStatuses }))).map((request) =>
        compact({ barcode: request.temporaryBarcode as string, title: request.title, requestId: request.id, status: request.status, source: 'service' }),
      );
      return c.json({ items, ilsSearched: false, source: 'bookstrap-only' as const, reason }, 200);
    }

    const byBarcode = new Map<string, Found>();
    let ilsSearched = false;
    let reason: string | undefined;
    if (system?.findTemporaryItems && title) {
      let found: TemporaryItemFound[] = [];
      try {
        found = await system.findTemporaryItems({ title });
        ilsSearched = true;
      } catch (error) {
        reason = `the ILS search failed: ${error instanceof Error ? error.message : String(error)}`;
        deps.logger.warn({ library: library.symbol, err: reason }, 'temporary item search failed');
      }
      for (const item of found) {
        if (!item.barcode) continue;
        byBarcode.set(item.barcode, { barcode: item.barcode, title: item.title, requestId: item.requestId, note: item.note, source: 'ils' });
      }
    } else
      reason = `this ILS's API (${library.connection.ils} over ${library.connection.protocol}) cannot search temporary items by title; showing this service's records`;
    for (const request of await withCreatedItem(deps, await ours({ title }))) {
      const barcode = request.temporaryBarcode as string;
      const known = byBarcode.get(barcode);
      byBarcode.set(barcode, { ...(known ?? { barcode, title: request.title, source: 'service' as const }), requestId: request.id, status: request.status });
    }
    const items = [...byBarcode.values()].map(compact);
    return c.json(
      { items, ilsSearched, source: ilsSearched ? ('ils' as const) : ('bookstrap-only' as const), ...(reason && !ilsSearched ? { reason } : {}) },
      200,
    );
  });
}

/**
 * The ILS's word (the item carries Bookstrap's request ID) checked against ours: a borrowing
 * request of this library with that temporary barcode. A marked item no request of this library
 * made (another library's, a deleted request's) is not this library's to show, nor is an item
 * under the request's barcode when the create step did not make it (a collision).
 */
async function crossChecked(deps: AppDeps, library: Library, loans: PatronIllLoan[]): Promise<Found[]> {
  const ids = [...new Set(loans.map((loan) => loan.requestId))];
  const requests = (await listRequests(deps.db, { libraryId: library.id, role: 'borrowing', requestIds: ids, limit: ids.length || 1, offset: 0 })).requests;
  // Only temporary items really created under the barcode: an ILS that names a loan by its barcode
  // alone (WMS) would otherwise show a library item whose barcode collided with the request's.
  const byId = new Map((await withCreatedItem(deps, requests)).map((request) => [request.id, request]));
  return loans.flatMap((loan) => {
    const request = byId.get(loan.requestId);
    if (!request || request.temporaryBarcode !== loan.barcode) return [];
    // NCIP's LoanedItem Title is optional (WMS may leave it out): the request's title then.
    return [
      compact({
        barcode: loan.barcode,
        title: loan.title || request.title,
        requestId: loan.requestId,
        status: request.status,
        dueDate: loan.dueDate,
        source: 'ils',
      }),
    ];
  });
}
