import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { calendarDateSchema, requestDetailSchema, requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { findRequest } from '../store/requests.ts';
import { correctRequest } from '../workflow/requests.ts';
import { requestDetail, requireOwnRequest } from './load.ts';

/** Who and why, on every staff repair: kept in the circulation history. */
export const staffNoteFields = {
  note: z.string().trim().min(1).max(1000).openapi({ description: 'Why: kept in the circulation history.', example: 'Barcode already on a branch copy' }),
  staff: z.string().trim().min(1).max(100).optional().openapi({ description: 'Who (name or initials); "staff" when not given.', example: 'JD' }),
};

export const correctionBodySchema = z
  .object({
    temporaryBarcode: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .optional()
      .openapi({ description: 'A corrected temporary barcode (received loans whose temporary item is not made yet).' }),
    useSuggestedBarcode: z
      .literal(true)
      .optional()
      .openapi({ description: 'Apply the barcode the ILS collision suggested (see the create-temporary-item step).' }),
    patronId: z.string().trim().min(1).max(100).optional().openapi({ description: 'The patron’s ILS identifier.' }),
    pickupLocation: z.string().trim().min(1).max(40).optional().openapi({ description: 'One of the library’s pickup location codes.' }),
    itemBarcode: z.string().trim().min(1).max(60).optional().openapi({ description: 'Lending: the barcode of the item shipped.' }),
    lenderDueDate: calendarDateSchema.optional().openapi({ description: 'Borrowing: the lender’s due date.' }),
    ...staffNoteFields,
  })
  .strict()
  .openapi('Correction');

export const route = createRoute({
  method: 'patch',
  path: '/v1/requests/{id}',
  tags: ['requests'],
  summary: 'Correct what staff got wrong, and re-plan the ILS steps it affects',
  description:
    'Temporary barcode (or the suggested one after a barcode collision), patron ID, pickup location, item barcode, lender due date. The correction and the note are written in the circulation history; exactly the ILS steps the change affects are re-planned (steps already done are never repeated). 409 CORRECTION_NOT_ALLOWED when the field can no longer change in the request’s state (e.g. a hold already placed in an ILS where Bookstrap cannot cancel one): the message says what to do by hand.',
  security: [{ bearerAuth: [] }],
  request: { params: requestIdParamSchema, body: { required: true, content: { 'application/json': { schema: correctionBodySchema } } } },
  responses: {
    200: { description: 'The corrected request.', content: { 'application/json': { schema: requestDetailSchema } } },
    ...commonErrorResponses,
    409: {
      description: 'CORRECTION_NOT_ALLOWED: the field can no longer change; the message says why and what to do.',
      content: { 'application/json': { schema: errorBodySchema } },
    },
  },
});

export function registerV1RequestsCorrect(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const { id } = c.req.valid('param');
    await requireOwnRequest(deps, library, id);
    const body = c.req.valid('json');
    await correctRequest(deps, library, id, body);
    deps.logger.info({ library: library.symbol, requestId: id, fields: Object.keys(body).filter((k) => k !== 'note' && k !== 'staff') }, 'request corrected');
    return c.json(await requestDetail(deps, library, (await findRequest(deps.db, id))!), 200);
  });
}
