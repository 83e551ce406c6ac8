import { borrowingActions, lendingActions, type RequestAction, type RequestCommand } from '@bookstrap/core';
import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, conflictResponses } from '../http/errors.ts';
import { barcodeSchema, calendarDateSchema, requestDetailSchema, requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { applyAction } from '../workflow/requests.ts';
import { requestDetail, requireOwnRequest } from './load.ts';

/**
 * One endpoint per workflow action, `POST /v1/requests/{id}/{action}`, generated from the core's
 * action tables so the API can never drift from the workflow. Each action documents its own body;
 * the `Record<RequestAction, …>` type makes a new core action a compile error until it has one.
 */
const note = z.string().trim().min(1).max(1000).optional().openapi({ description: 'A staff note kept in the circulation history.' });
const plain = (name: string) => z.object({ note }).strict().openapi(name);

export const actionBodySchemas = {
  review: plain('ReviewBody'),
  send: plain('SendBody'),
  cancel: z
    .object({
      reason: z.string().trim().min(1).max(500).optional().openapi({
        description: 'Why the request was cancelled: told to the patron when cancelled notices are on (seed 004: "we always tell them a reason").',
      }),
      note,
    })
    .strict()
    .openapi('CancelBody'),
  'supplier-shipped': z
    .object({
      supplierItemBarcode: barcodeSchema.optional().openapi({ description: "The lender's item barcode." }),
      lenderDueDate: calendarDateSchema.optional().openapi({ description: "The lender's due date." }),
      note,
    })
    .strict()
    .openapi('SupplierShippedBody'),
  'supplier-unfilled': z
    .object({ reason: z.string().trim().min(1).max(500).optional(), note })
    .strict()
    .openapi('SupplierUnfilledBody'),
  receive: z
    .object({
      temporaryBarcode: z
        .string()
        .trim()
        .min(1)
        .max(60)
        .optional()
        .openapi({ description: 'Overrides the pre-filled temporary barcode (request ID or supplier barcode, per settings).' }),
      note,
    })
    .strict()
    .openapi('ReceiveBody'),
  'request-renewal': plain('RequestRenewalBody'),
  'renewal-approved': z.object({ newDueDate: calendarDateSchema, note }).strict().openapi('RenewalApprovedBody'),
  'renewal-denied': plain('RenewalDeniedBody'),
  recall: z
    .object({ dueDate: calendarDateSchema.optional().openapi({ description: 'The recall due date.' }), note })
    .strict()
    .openapi('RecallBody'),
  overdue: plain('OverdueBody'),
  'mark-returned': plain('MarkReturnedBody'),
  'lost-item-returned': plain('LostItemReturnedBody'),
  'mark-lost': z
    .object({ replacementCost: z.number().finite().nonnegative().max(100_000).optional().openapi({ description: "The lender's replacement cost." }), note })
    .strict()
    .openapi('MarkLostBody'),
  complete: plain('CompleteBody'),
  ship: z
    .object({
      itemBarcode: barcodeSchema.optional().openapi({ description: 'The item sent (required for a loan unless the request has it).' }),
      dueDate: calendarDateSchema.optional().openapi({ description: 'Omit to let the ILS loan policy decide.' }),
      note,
    })
    .strict()
    .openapi('ShipBody'),
  'respond-unfilled': z
    .object({ reason: z.string().trim().min(1).max(500).optional(), note })
    .strict()
    .openapi('RespondUnfilledBody'),
  'renewal-requested': plain('RenewalRequestedBody'),
  'approve-renewal': z.object({ newDueDate: calendarDateSchema, note }).strict().openapi('ApproveRenewalBody'),
  'deny-renewal': plain('DenyRenewalBody'),
  'borrower-returned': plain('BorrowerReturnedBody'),
  'check-in': plain('CheckInBody'),
  'not-returned': plain('NotReturnedBody'),
  'age-out': plain('AgeOutBody'),
} satisfies Record<RequestAction, z.ZodType>;

export const actionNames = Object.keys(actionBodySchemas) as RequestAction[];

function describe(action: RequestAction): { summary: string; description: string } {
  const roles: string[] = [];
  const borrowing = (borrowingActions as Record<string, { label: string; from: readonly string[] }>)[action];
  const lending = (lendingActions as Record<string, { label: string; from: readonly string[] }>)[action];
  if (borrowing) roles.push(`borrowing (from ${borrowing.from.join(', ')})`);
  if (lending) roles.push(`lending (from ${lending.from.join(', ')})`);
  return {
    summary: (borrowing ?? lending)?.label ?? action,
    description: `Applies to ${roles.join('; ')}. Writes the new state, the history and one queued ILS step per integration action in one transaction; a refused action changes nothing and says which actions are allowed.`,
  };
}

function actionRoute(action: RequestAction) {
  // The body is optional where every field is: a bare POST is the common case for those.
  const schema = actionBodySchemas[action];
  const required = !schema.safeParse({}).success;
  return createRoute({
    method: 'post',
    path: `/v1/requests/{id}/${action}`,
    tags: ['actions'],
    ...describe(action),
    security: [{ bearerAuth: [] }],
    request: { params: requestIdParamSchema, body: { required, content: { 'application/json': { schema } } } },
    responses: {
      200: { description: 'The request after the action.', content: { 'application/json': { schema: requestDetailSchema } } },
      ...commonErrorResponses,
      ...conflictResponses,
    },
  });
}

export function registerV1RequestsActions(app: App, deps: AppDeps) {
  for (const action of actionNames) {
    app.openapi(actionRoute(action), async (c) => {
      const library = c.get('library');
      const { id } = c.req.valid('param');
      await requireOwnRequest(deps, library, id);
      const body = (c.req.valid('json') ?? {}) as Record<string, unknown>;
      const command = { ...body, action } as RequestCommand;
      const request = await applyAction(deps, library, id, command);
      deps.logger.info({ library: library.symbol, requestId: id, action, status: request.status }, 'request action');
      return c.json(await requestDetail(deps, library, request), 200);
    });
  }
}
