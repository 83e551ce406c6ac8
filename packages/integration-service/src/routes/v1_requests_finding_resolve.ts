import { createRoute, z } from '@hono/zod-openapi';
import { commonErrorResponses, errorBodySchema } from '../http/errors.ts';
import { requestDetailSchema, requestIdParamSchema } from '../http/schemas.ts';
import type { App, AppDeps } from '../http/types.ts';
import { findRequest } from '../store/requests.ts';
import { resolveFinding } from '../workflow/requests.ts';
import { staffNoteFields } from './v1_requests_correct.ts';
import { requestDetail, requireOwnRequest } from './load.ts';

/**
 * Staff dealt with what the ILS sync saw circulation do (a renewal at the desk, an expired hold, a
 * desk check-in first): the request leaves the needs-attention queue. Moving the request on (mark
 * returned, complete…) takes it out too, without this.
 */
const route = createRoute({
  method: 'post',
  path: '/v1/requests/{id}/ils-finding/resolve',
  tags: ['requests'],
  summary: 'Mark the ILS sync’s finding dealt with',
  description:
    'The request’s `ilsCirculation.needsIllStaff` finding (a circulation renewal, an expired hold, a desk check-in before ILL…) is resolved by staff: it leaves the needs-attention queue, with the note in the history. Nothing is written to the ILS. 409 FINDING_NOT_OPEN when no finding waits for staff.',
  security: [{ bearerAuth: [] }],
  request: {
    params: requestIdParamSchema,
    body: { required: true, content: { 'application/json': { schema: z.object(staffNoteFields).strict().openapi('FindingResolution') } } },
  },
  responses: {
    200: { description: 'The request, with the finding resolved.', content: { 'application/json': { schema: requestDetailSchema } } },
    ...commonErrorResponses,
    409: { description: 'FINDING_NOT_OPEN: no ILS finding waits for staff.', content: { 'application/json': { schema: errorBodySchema } } },
  },
});

export function registerV1RequestsFindingResolve(app: App, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const library = c.get('library');
    const { id } = c.req.valid('param');
    await requireOwnRequest(deps, library, id);
    await resolveFinding(deps, library, id, c.req.valid('json'));
    deps.logger.info({ library: library.symbol, requestId: id }, 'ILS finding resolved by staff');
    return c.json(await requestDetail(deps, library, (await findRequest(deps.db, id))!), 200);
  });
}
